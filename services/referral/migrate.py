"""python -m services.referral.migrate: bring referral's database to the latest schema."""

import sys

from shared.migrations import main

if __name__ == "__main__":
    sys.exit(main("referral", sys.argv[1:]))
