"""Errors the referral rules raise: refusals carrying the contract's status and code."""

from __future__ import annotations

from shared.refusals import Refused


class ReferralDomainError(Refused):
    """Base of every rule violation in the referral domain."""


class TransitionNotAllowed(ReferralDomainError):
    """An action is impossible from the referral's current state (HTTP 409)."""

    def __init__(self, status: str, action: str) -> None:
        message = f"cannot {action} a referral that is {status.replace('_', ' ')}"
        super().__init__(
            409, "transition_not_allowed", message, current_status=status, action=action
        )
        self.current_status = status
        self.action = action


class InvalidInput(ReferralDomainError):
    """A value breaks a rule of the domain (HTTP 422); `fields` names the culprits."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        summary = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in fields.items())
        super().__init__(422, "invalid_input", summary, fields=fields)
