"""Errors the referral rules raise; the API maps each kind onto an HTTP status."""

from __future__ import annotations


class ReferralDomainError(Exception):
    """Base of every rule violation in the referral domain."""

    code = "referral_rule"


class TransitionNotAllowed(ReferralDomainError):
    """An action is impossible from the referral's current state (HTTP 409)."""

    code = "transition_not_allowed"

    def __init__(self, status: str, action: str) -> None:
        super().__init__(f"cannot {action} a referral that is {status.replace('_', ' ')}")
        self.status = status
        self.action = action


class InvalidInput(ReferralDomainError):
    """A value breaks a rule of the domain (HTTP 422); `fields` names the culprits."""

    code = "invalid_input"

    def __init__(self, fields: dict[str, list[str]]) -> None:
        summary = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in fields.items())
        super().__init__(summary)
        self.fields = fields
