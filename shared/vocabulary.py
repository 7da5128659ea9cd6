"""The registration vocabularies every service and the portal speak (contract §6)."""

from __future__ import annotations

SEXES = ("female", "male")
# The Child Functioning Module's domains (ages 2–4 and 5–17 together), in snake_case.
CONCERNS = (
    "seeing",
    "hearing",
    "walking",
    "fine_motor",
    "communication",
    "learning",
    "playing",
    "controlling_behaviour",
    "self_care",
    "remembering",
    "concentrating",
    "accepting_change",
    "making_friends",
    "anxiety",
    "depression",
)
RELATIONSHIPS = ("mother", "father", "grandparent", "other_relative", "other")
SCREENING_SOURCES = ("phw", "sah_worker", "parent", "school", "other")
# The languages a family hears its SMS in.
GUARDIAN_LANGUAGES = ("tg", "ru")
