"""Complete, valid answer sets to start tests from."""

from __future__ import annotations


def cfm_2_4(**changes: int | None) -> dict[str, int]:
    """Return a 2-4 answer set with no difficulty, no aids, no equipment, then apply changes."""
    answers: dict[str, int | None] = {
        "CF1": 2, "CF3": 1, "CF4": 2, "CF6": 1, "CF7": 2, "CF10": 1, "CF11": 1,
        "CF12": 1, "CF13": 1, "CF14": 1, "CF15": 1, "CF16": 1,
    }  # fmt: skip
    answers.update(changes)
    return {code: value for code, value in answers.items() if value is not None}


def cfm_5_17(**changes: int | None) -> dict[str, int]:
    """Return a 5-17 answer set with no difficulty, no aids, no equipment, then apply changes."""
    answers: dict[str, int | None] = {
        "CF1": 2, "CF3": 1, "CF4": 2, "CF6": 1, "CF7": 2, "CF12": 1, "CF13": 1,
        "CF14": 1, "CF15": 1, "CF16": 1, "CF17": 1, "CF18": 1, "CF19": 1, "CF20": 1,
        "CF21": 1, "CF22": 1, "CF23": 5, "CF24": 5,
    }  # fmt: skip
    answers.update(changes)
    return {code: value for code, value in answers.items() if value is not None}


CLINICAL_DOMAINS = (
    "seeing", "hearing", "walking", "fine_motor", "communication", "learning", "playing",
    "controlling_behaviour",
)  # fmt: skip


def clinical(**changes: int | None) -> dict[str, int]:
    """Return a clinical (under 2) answer set with no concern, then apply changes."""
    answers: dict[str, int | None] = dict.fromkeys(CLINICAL_DOMAINS, 1)
    answers.update(changes)
    return {code: value for code, value in answers.items() if value is not None}
