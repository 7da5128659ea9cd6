"""Two providers' staff accept different children for the last place at the same moment."""

import threading

import pytest

from .support import act, add_provider, outbox, provider_user, refer, register_child

pytestmark = pytest.mark.integration


def accept_together(service, referral_ids, headers):
    """Fire the accepts from separate threads released at once; return their status codes."""
    barrier = threading.Barrier(len(referral_ids))
    codes: dict[str, int] = {}

    def accept(referral_id):
        client = service.app.test_client()
        barrier.wait()
        response = client.post(
            f"/referrals/{referral_id}/accept", json={"start_date": "2026-12-01"}, headers=headers
        )
        codes[referral_id] = response.status_code

    threads = [threading.Thread(target=accept, args=(rid,)) for rid in referral_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return codes


@pytest.mark.parametrize("round_", range(3))
def test_one_wins_the_last_place_and_the_other_gets_409(service, round_):
    provider = add_provider(service, places=1)
    referrals = [
        refer(service, register_child(service), provider["id"]).get_json()["id"] for _ in range(2)
    ]
    codes = accept_together(service, referrals, provider_user(service, provider["id"]))
    assert sorted(codes.values()) == [200, 409]
    loser = next(rid for rid, code in codes.items() if code == 409)
    staff = provider_user(service, provider["id"])
    assert service.client.get(f"/referrals/{loser}", headers=staff).get_json()["status"] == "sent"
    read = service.client.get(f"/providers/{provider['id']}", headers=staff).get_json()
    assert (read["places_taken"], read["free_places"]) == (1, 0)
    assert len(outbox(service, "referral.accepted")) == 1


def test_full_provider_answers_409_with_the_figures(service):
    provider = add_provider(service, places=1)
    first, second = (
        refer(service, register_child(service), provider["id"]).get_json() for _ in range(2)
    )
    staff = provider_user(service, provider["id"])
    assert (
        act(service, first["id"], "accept", {"start_date": "2026-12-01"}, staff).status_code == 200
    )
    response = act(service, second["id"], "accept", {"start_date": "2026-12-01"}, staff)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert (error["code"], error["places"], error["places_taken"]) == ("no_free_place", 1, 1)


def test_the_same_referral_accepted_twice_at_once_is_accepted_once(service):
    provider = add_provider(service, places=3)
    referral = refer(service, register_child(service), provider["id"]).get_json()["id"]
    barrier = threading.Barrier(2)
    codes = []
    staff = provider_user(service, provider["id"])

    def accept():
        client = service.app.test_client()
        barrier.wait()
        response = client.post(
            f"/referrals/{referral}/accept", json={"start_date": "2026-12-01"}, headers=staff
        )
        codes.append(response.status_code)

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(codes) == [200, 409]
    assert len(outbox(service, "referral.accepted")) == 1
