"""python -m services.intake.migrate: bring intake's database to the latest schema."""

import sys

from shared.migrations import main

if __name__ == "__main__":
    sys.exit(main("intake", sys.argv[1:]))
