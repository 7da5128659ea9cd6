"""Kannel's delivery-report types and sendsms codings, mapped onto the platform's terms."""

from __future__ import annotations

import re

from .sms import GSM7, UCS2
from .status import DELIVERED, FAILED, SENT, Receipt

# Kannel's `%d` in a dlr-url: one of these per report.
DLR_DELIVERED = 1
DLR_FAILED = 2
DLR_BUFFERED = 4
DLR_SMSC_ACCEPTED = 8
DLR_SMSC_REJECTED = 16
# Every report type: the SMS centre's acceptance (8) is what settles a send that timed out.
DLR_MASK = DLR_DELIVERED | DLR_FAILED | DLR_BUFFERED | DLR_SMSC_ACCEPTED | DLR_SMSC_REJECTED

_RECEIPTS = {
    DLR_DELIVERED: Receipt(DELIVERED),
    DLR_FAILED: Receipt(FAILED, "the phone network could not deliver it"),
    DLR_BUFFERED: Receipt(SENT),
    DLR_SMSC_ACCEPTED: Receipt(SENT),
    DLR_SMSC_REJECTED: Receipt(FAILED, "rejected by the SMS centre"),
}
DLR_TYPES = tuple(_RECEIPTS)

# sendsms `coding`: 0 lets Kannel write the text in the GSM alphabet, 2 sends UCS-2.
CODINGS = {GSM7: 0, UCS2: 2}

# Characters that pass through a URL and Kannel's own `%x` escapes untouched.
_URL_SAFE = re.compile(r"^[A-Za-z0-9._~-]+$")


def dlr_receipt(dlr_type: int) -> Receipt:
    """Map a Kannel delivery-report type onto a receipt; ValueError for an unknown type."""
    try:
        return _RECEIPTS[dlr_type]
    except KeyError:
        raise ValueError(f"unknown Kannel delivery-report type {dlr_type}") from None


def coding_of(encoding: str) -> int:
    """Return Kannel's sendsms `coding` for a GSM-7 or UCS-2 text."""
    return CODINGS[encoding]


def is_url_safe(value: str) -> bool:
    """Tell whether a value can sit in a dlr-url as it is (no escaping Kannel would re-read)."""
    return bool(_URL_SAFE.match(value))
