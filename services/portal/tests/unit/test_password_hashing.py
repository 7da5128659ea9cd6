"""The portal stores passwords as Argon2id hashes at a cost an attacker pays for every guess.

The other portal tests hash at the lowest cost (conftest.py); these check what production uses.
"""

from __future__ import annotations

from argon2 import Type, extract_parameters

from services.portal import accounts


def test_the_portal_hashes_with_argon2id_at_no_less_than_the_recommended_cost(production_hasher):
    # RFC 9106's second recommended option is t=3, m=64 MiB; OWASP's floor is m=19 MiB, t=2.
    stored = production_hasher.hash("correct-horse-battery")
    parameters = extract_parameters(stored)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 64 * 1024 and parameters.time_cost >= 3
    assert production_hasher.verify(stored, "correct-horse-battery")


def test_a_hash_made_at_another_cost_still_verifies_and_is_upgraded_at_login(production_hasher):
    # The tests' cheap hashes carry their own parameters: a login checks them and rehashes.
    cheap = accounts.HASHER.hash("correct-horse-battery")
    assert production_hasher.verify(cheap, "correct-horse-battery")
    assert production_hasher.check_needs_rehash(cheap)
