"""python -m services.notifications.migrate: bring notifications's database to the latest schema."""

import sys

from shared.migrations import main

if __name__ == "__main__":
    sys.exit(main("notifications", sys.argv[1:]))
