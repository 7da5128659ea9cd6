"""After consent withdrawal: dead letters about an erased child are deleted by a worker timer."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session

from shared.deadletters import purge_erased
from shared.runtime import Runtime
from shared.worker import Timer

log = logging.getLogger(__name__)

# Which of these child ids has this service erased (a query on its own tables)?
ErasedQuery = Callable[[Session, set[str]], set[str]]


def dead_letter_erasure(erased: ErasedQuery, interval: float = 300.0) -> Timer:
    """A timer deleting the service's dead letters about children it has erased.

    It also catches an event that failed after the withdrawal (a late update, say), which a
    one-off purge at withdrawal time would miss. `python -m shared.deadletters purge` does the
    same for one child at once.
    """

    def run(runtime: Runtime) -> int:
        def which(children: set[str]) -> set[str]:
            with runtime.db.session() as session:
                return erased(session, children)

        purged = purge_erased(runtime.settings, which)
        if purged:
            log.info("dead letters of erased children deleted", extra={"fields": {"n": purged}})
        return 0  # never re-run at once: the queue only changes when something fails

    return Timer("dead-letter-erasure", interval, run)
