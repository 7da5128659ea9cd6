"""Users and logins over the portal's database: Argon2id hashes, lockout, preferences."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.portal.domain import lockout
from services.portal.domain.passwords import password_problem
from services.portal.domain.roles import LANGUAGES, ROLES, scope_problem
from services.portal.models import LoginAttempt, Preference, User
from shared.districts import get_district

# argon2-cffi's defaults are Argon2id (RFC 9106 low-memory profile).
HASHER = PasswordHasher()
# Verified when the username is unknown, so both cases take the same time.
_DUMMY_HASH = HASHER.hash("not-a-real-password-only-for-timing")


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why (English)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt: a user, or a generic refusal with a delay."""

    user: User | None
    locked: bool = False
    delay: float = 0.0


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def _districts(codes: list[str]) -> list[str]:
    cleaned = [c.strip() for c in codes if c.strip()]
    unknown = [c for c in cleaned if get_district(c) is None]
    if unknown:
        raise AccountError(f"unknown district: {', '.join(unknown)}", "districts")
    return cleaned


def validate(role: str, districts: list[str], provider_id: str | None, language: str) -> None:
    """Raise AccountError unless role, scope and language fit together."""
    problem = scope_problem(role, districts, provider_id)
    if problem:
        field = (
            "role" if role not in ROLES else "provider_id" if role == "provider" else "districts"
        )
        raise AccountError(problem, field)
    if provider_id:
        try:
            uuid.UUID(provider_id)
        except ValueError as exc:
            raise AccountError("the provider id must be a UUID", "provider_id") from exc
    if language not in LANGUAGES:
        raise AccountError(f"unknown language {language!r}; one of tg, ru, en", "language")


def find_user(session: Session, username: str) -> User | None:
    """The user with this username (case-insensitive), or None."""
    wanted = username.strip().lower()
    return session.execute(select(User).where(User.username == wanted)).scalar_one_or_none()


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    districts: list[str] = (),
    provider_id: str | None = None,
    name: str = "",
    language: str = "tg",
    must_change_password: bool = False,
) -> User:
    """Create a user, or raise AccountError (duplicate, weak password, unknown role/district)."""
    username = username.strip().lower()
    if (
        not username
        or len(username) > 64
        or not username.replace(".", "").replace("_", "").replace("-", "").isalnum()
    ):
        raise AccountError("the username must be letters, digits, '.', '_' or '-'", "username")
    codes = _districts(list(districts))
    validate(role, codes, provider_id or None, language)
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem, "password")
    if find_user(session, username):
        raise AccountError(f"the username {username!r} is already taken", "username")
    moment = now()
    user = User(
        id=str(uuid.uuid4()),
        username=username,
        name=name.strip(),
        role=role,
        districts=codes if role in ("phw", "sah_worker", "case_manager") else [],
        provider_id=provider_id or None,
        language=language,
        password_hash=HASHER.hash(password),
        must_change_password=must_change_password,
        active=True,
        created_at=moment,
        updated_at=moment,
        session_epoch=0,
    )
    session.add(user)
    return user


def set_password(user: User, password: str, *, temporary: bool) -> None:
    """Give a user a new password; a temporary one must be changed at the next login."""
    problem = password_problem(password, user.username)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = HASHER.hash(password)
    user.must_change_password = temporary
    user.session_epoch += 1
    user.updated_at = now()


def disable(user: User) -> None:
    """Stop a user from logging in and end their sessions."""
    user.active = False
    user.session_epoch += 1
    user.updated_at = now()


def _attempts(session: Session, username: str) -> LoginAttempt:
    row = session.get(LoginAttempt, username)
    if row is None:
        row = LoginAttempt(username=username, failures=0)
        session.add(row)
    return row


def _state(row: LoginAttempt) -> lockout.AttemptState:
    return lockout.AttemptState(row.failures or 0, row.last_failure_at, row.locked_until)


def authenticate(session: Session, username: str, password: str) -> LoginResult:
    """Check a login; count failures per username whether it exists or not."""
    key = username.strip().lower()[:64]
    moment = now()
    attempts = _attempts(session, key)
    if lockout.is_locked(_state(attempts), moment):
        return LoginResult(None, locked=True)
    user = find_user(session, key)
    if (
        verify_password(user.password_hash if user else _DUMMY_HASH, password)
        and user
        and user.active
    ):
        attempts.failures, attempts.locked_until, attempts.last_failure_at = 0, None, None
        if HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = HASHER.hash(password)
        return LoginResult(user)
    state = lockout.after_failure(_state(attempts), moment)
    attempts.failures, attempts.last_failure_at = state.failures, state.last_failure_at
    attempts.locked_until = state.locked_until
    return LoginResult(
        None, locked=lockout.is_locked(state, moment), delay=lockout.delay_seconds(state)
    )


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored Argon2 hash."""
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def remember_language(session: Session, user_id: str, language: str) -> None:
    """Keep the user's chosen language (profile and preferences)."""
    if language not in LANGUAGES:
        return
    user = session.get(User, user_id)
    if user is not None:
        user.language = language
    pref = session.get(Preference, (user_id, "language"))
    if pref is None:
        session.add(Preference(user_id=user_id, name="language", value=language))
    else:
        pref.value = language


def update_user(
    user: User,
    *,
    name: str,
    role: str,
    districts: list[str],
    provider_id: str | None,
    language: str,
) -> None:
    """Change a user's profile and scope; their current sessions end when the scope changes."""
    codes = _districts(districts)
    validate(role, codes, provider_id, language)
    scope_changed = (role, codes, provider_id) != (
        user.role,
        list(user.districts or []),
        user.provider_id,
    )
    user.name, user.role, user.language = name, role, language
    user.districts = codes if role in ("phw", "sah_worker", "case_manager") else []
    user.provider_id = provider_id if role == "provider" else None
    if scope_changed:
        user.session_epoch += 1
    user.updated_at = now()
