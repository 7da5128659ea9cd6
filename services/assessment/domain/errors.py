"""Errors the assessment rules raise; the API maps them onto HTTP answers."""


class AssessmentRuleError(ValueError):
    """Base class of rule violations the caller can explain to the user."""


class NotEligibleError(AssessmentRuleError):
    """No instrument applies: the person is not a child on the assessment date."""


class InvalidOverrideError(AssessmentRuleError):
    """A case manager's override is incomplete or names unknown values."""


class RuleTableError(AssessmentRuleError):
    """The recommendation rule table is malformed."""
