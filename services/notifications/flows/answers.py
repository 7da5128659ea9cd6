"""The case manager's SMS to a family, answering the family's replies about a child."""

from __future__ import annotations

from sqlalchemy import select

from services.notifications import queries
from services.notifications.domain.planning import GUARDIAN, Draft
from services.notifications.domain.templates import DEFAULT_LANGUAGE
from services.notifications.models import Contact, Notification, ReplyChild
from services.notifications.settings import sms_setup
from shared.principal import Principal
from shared.refusals import Refused
from shared.runtime import UnitOfWork

TEMPLATE = "case_manager_message"
EVENT_TYPE = "case_manager.message"


class Unreachable(Refused):
    """The family takes no SMS (no consent, a landline, opted out or erased)."""

    def __init__(self) -> None:
        super().__init__(409, "family_unreachable", "the family cannot receive SMS")


def send_answer(
    uow: UnitOfWork, principal: Principal, contact: Contact, text: str, in_reply_to: str | None
) -> Notification:
    """Queue the SMS to the guardian and mark the replies it answers as answered."""
    if not (contact.phone and contact.sms_consent and contact.sms_capable) or contact.erased_at:
        raise Unreachable
    if queries.is_opted_out(uow, contact.phone):
        raise Unreachable
    draft = Draft(
        GUARDIAN, TEMPLATE, contact.language or DEFAULT_LANGUAGE, contact.phone,
        {"text": text}, in_reply_to,
    )  # fmt: skip
    n = queries.create_notification(
        uow, sms_setup(uow.runtime), draft, event_id=None, event_type=EVENT_TYPE,
        child_id=contact.child_id, district_code=contact.district_code,
    )  # fmt: skip
    answered = _mark_answered(uow, principal, contact.child_id, in_reply_to, n.id)
    if answered:
        payload = {"child_id": contact.child_id, "message_ids": answered, "notification_id": n.id}
        uow.emit("family.reply_answered", payload, correlation_id=contact.child_id)
    return n


def _mark_answered(
    uow: UnitOfWork, principal: Principal, child_id: str, message_id: str | None, answer_id: str
) -> list[str]:
    query = select(ReplyChild).where(
        ReplyChild.child_id == child_id, ReplyChild.answered_at.is_(None)
    )
    if message_id:
        query = query.where(ReplyChild.message_id == message_id)
    links = list(uow.session.scalars(query))
    for link in links:
        link.answered_at, link.answered_by, link.answer_id = uow.now, principal.sub, answer_id
    return sorted(link.message_id for link in links)
