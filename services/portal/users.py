"""python -m services.portal.users create|disable|reset-password: manage portal accounts."""

from __future__ import annotations

import argparse
import sys

from services.portal.accounts import AccountError, create_user, disable, find_user, set_password
from services.portal.domain.roles import ROLES
from services.portal.settings import SettingsError, load_portal_settings
from shared.db import Database

OK, FAILED, USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.portal.users")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create a user")
    create.add_argument("--username", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--role", required=True, help=", ".join(ROLES))
    create.add_argument("--districts", default="", help="comma-separated district codes")
    create.add_argument("--provider-id", default=None)
    create.add_argument("--name", default="")
    create.add_argument("--language", default="tg", help="tg, ru or en")
    create.add_argument("--temporary", action="store_true", help="must change it at first login")
    off = sub.add_parser("disable", help="stop a user from logging in")
    off.add_argument("--username", required=True)
    reset = sub.add_parser("reset-password", help="give a user a new password")
    reset.add_argument("--username", required=True)
    reset.add_argument("--password", required=True)
    reset.add_argument("--temporary", action="store_true", help="must change it at next login")
    return parser


def _run(args: argparse.Namespace, db: Database) -> str:
    with db.session() as session:
        if args.command == "create":
            user = create_user(
                session,
                username=args.username,
                password=args.password,
                role=args.role,
                districts=[d for d in args.districts.split(",") if d.strip()],
                provider_id=args.provider_id,
                name=args.name,
                language=args.language,
                must_change_password=args.temporary,
            )
            return f"created {user.username} ({user.role})"
        user = find_user(session, args.username)
        if user is None:
            raise AccountError(f"no user named {args.username!r}")
        if args.command == "disable":
            disable(user)
            return f"disabled {user.username}"
        set_password(user, args.password, temporary=args.temporary)
        return f"new password set for {user.username}"


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit 0 on success, 1 with a message on a refused request."""
    args = _parser().parse_args(argv)
    try:
        settings = load_portal_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    db = Database(settings.database_url)
    try:
        print(_run(args, db))
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return FAILED
    finally:
        db.dispose()
    return OK


if __name__ == "__main__":
    sys.exit(main())
