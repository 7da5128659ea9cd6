"""python -m services.portal.migrate: bring the portal's database to the latest schema."""

import sys

from shared.migrations import main

if __name__ == "__main__":
    sys.exit(main("portal", sys.argv[1:]))
