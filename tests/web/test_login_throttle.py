"""A general meeting logs in from one address; wrong passwords are throttled per account."""
from __future__ import annotations

from tests import factories
from tests.conftest import other_app

MEETING = {"RATELIMIT_ENABLED": True}


def test_sixty_members_on_one_network_log_in_within_a_minute(app, world):
    members = [factories.make_membership(world.chapter).user.email for _ in range(60)]
    with other_app(**MEETING) as meeting:
        statuses = []
        for email in members:
            client = meeting.test_client()  # one browser each, one address for all (the hall's wifi)
            statuses.append(client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code)
    assert statuses == [302] * 60


def test_fifteen_wrong_passwords_for_one_account_are_throttled(app, world):
    victim, bystander = world.member.email, world.elected.email
    with other_app(**MEETING) as meeting:
        client = meeting.test_client()
        statuses = [client.post("/login", data={"email": victim, "password": f"guess-{i:04d}x"},
                                environ_base={"REMOTE_ADDR": f"10.0.0.{i % 3 + 1}"}).status_code
                    for i in range(15)]
        # The right password is not even checked while the account is throttled.
        right = client.post("/login", data={"email": victim, "password": factories.PASSWORD})
        other = meeting.test_client().post("/login", data={"email": bystander, "password": factories.PASSWORD})
    assert statuses[:10] == [422] * 10 and set(statuses[10:]) == {429}  # 422: wrong password, said on the form
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    assert "Too many wrong passwords" in right.get_data(as_text=True)
    assert other.status_code == 302  # another member on the same network is not locked out


def test_one_address_guessing_one_account_is_stopped_sooner(app, world):
    email = world.member.email
    with other_app(**MEETING) as meeting:
        client = meeting.test_client()
        statuses = [client.post("/login", data={"email": email, "password": f"guess-{i:04d}x"})
                    .status_code for i in range(7)]
        elsewhere = meeting.test_client().post("/login", data={"email": email,
                                                               "password": factories.PASSWORD},
                                               environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert statuses == [422] * 5 + [429] * 2
    assert elsewhere.status_code == 302  # the member, from their own phone, still gets in


def test_the_api_token_endpoint_throttles_the_same_way(app, world):
    email = world.member.email
    with other_app(**MEETING) as meeting:
        client = meeting.test_client()
        answers = [client.post("/api/v1/tokens", json={"email": email, "password": "wrong-password"},
                               environ_base={"REMOTE_ADDR": f"10.0.1.{i}"}) for i in range(12)]
    assert [a.status_code for a in answers[:10]] == [401] * 10
    throttled = answers[10]
    assert throttled.status_code == 429 and throttled.mimetype == "application/problem+json"
    assert int(throttled.headers["Retry-After"]) > 0
