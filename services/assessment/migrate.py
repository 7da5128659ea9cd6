"""python -m services.assessment.migrate: bring assessment's database to the latest schema."""

import sys

from shared.migrations import main

if __name__ == "__main__":
    sys.exit(main("assessment", sys.argv[1:]))
