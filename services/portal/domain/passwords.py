"""Password rules: long enough, not trivial; and the temporary passwords admins hand out."""

from __future__ import annotations

import secrets

MIN_LENGTH = 10
MAX_LENGTH = 200
# Readable on a phone screen and over the telephone: no 0/O, 1/l/I.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
COMMON = frozenset(
    {"password12", "1234567890", "qwertyuiop", "0123456789", "password123", "1111111111"}
)


def password_problem(password: str, username: str = "") -> str | None:
    """Return why a password is too weak (English, for logs and the CLI), or None."""
    if len(password) < MIN_LENGTH:
        return f"the password must have at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"the password must have at most {MAX_LENGTH} characters"
    if password.lower() in COMMON or len(set(password)) < 4:
        return "the password is too easy to guess"
    if username and username.lower() in password.lower():
        return "the password must not contain the username"
    return None


def temporary_password(groups: int = 3) -> str:
    """Return a random temporary password like 'kqm7-x3ta-p9wd'."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(groups))
