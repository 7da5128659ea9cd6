"""python -m services.quality.migrate: bring quality's database to the latest schema."""

import sys

from shared.migrations import main

if __name__ == "__main__":
    sys.exit(main("quality", sys.argv[1:]))
