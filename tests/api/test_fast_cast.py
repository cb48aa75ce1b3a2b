"""The plain cast answered before Flask (api/fast_cast.py): it answers as the app would, writes
what the app would, and hands every other request — refusals, roll-call votes, anything unusual —
to the app with its body, having written nothing."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import AuditEvent, SealedBallot, VoterRollEntry
from openbargain.services import api_tokens, casting
from openbargain.services.rolls import ensure_rolls_frozen
from tests import factories
from tests.helpers import PROBLEM, auth, membership, race

RECEIPT = re.compile(r'\{"replaced":false,"roll_call":false,"tracker":"[0-9a-f]{32}"\}\n')


@pytest.fixture
def plain(monkeypatch):
    """Counts the casts the plain path took, and those it handed on."""
    taken = {"cast": 0, "handed on": 0}
    original = casting.cast_by_token

    def counting(*args):
        receipt = original(*args)
        taken["cast" if receipt is not None else "handed on"] += 1
        return receipt

    monkeypatch.setattr(casting, "cast_by_token", counting)
    return taken


def vote_and_token(world, scopes=("vote",), **vote):
    referendum = factories.make_open_referendum(world, membership(world.elected), **vote)
    ensure_rolls_frozen(world.chapter.id)
    token = api_tokens.create_token(world.member, "casting", 30, list(scopes))[1]  # outlives the vote
    return referendum, f"/api/v1/chapters/riverside/referenda/{referendum.id}/ballots", token


def ballots() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(SealedBallot))


def test_the_plain_cast_answers_as_the_app_would(app, client, world, plain, monkeypatch):
    referendum, url, token = vote_and_token(world)
    fast = client.post(url, json={"choice": "yes"}, headers=auth(token))
    assert plain == {"cast": 1, "handed on": 0}
    assert fast.status_code == 201 and RECEIPT.fullmatch(fast.get_data(as_text=True))
    assert ballots() == 1 and casting.normalise_tracker(fast.get_json()["tracker"])
    [opened] = factories.opened_ballots(referendum.id)
    assert opened["content"] == {"choice": "yes"} and opened["roll_entry"] is None  # secret: no voter
    assert opened["tracker_hash"] == casting.tracker_hash(fast.get_json()["tracker"])
    # The app's own answer to the same cast by another member, for comparison.
    monkeypatch.setattr(casting, "cast_by_token", lambda *args: None)
    other = api_tokens.create_token(world.steering, "casting", 7, ["vote"])[1]
    slow = client.post(url, json={"choice": "no"}, headers=auth(other))
    assert slow.status_code == 201 and RECEIPT.fullmatch(slow.get_data(as_text=True))
    # Only the rate limit's headers differ (the plain path does not count an accepted cast: see its
    # module), and the app's Vary: Cookie, which says nothing to a POST answered once with a token.
    kept = {"Content-Length", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "Vary"}
    assert {k: v for k, v in fast.headers if k not in kept} == {k: v for k, v in slow.headers if k not in kept}
    assert ballots() == 2


def test_a_ranked_ballot_is_cast_plainly_too(app, client, world, plain):
    referendum, url, token = vote_and_token(world, kind="ranked")
    labels = [o.label for o in referendum.proposal.options]
    assert client.post(url, json={"ranking": labels[::-1]}, headers=auth(token)).status_code == 201
    assert plain["cast"] == 1
    [opened] = factories.opened_ballots(referendum.id)
    assert opened["content"] == {"ranking": labels[::-1]}


@pytest.mark.parametrize("case", ["voted", "bad choice", "ranking on yes/no", "unknown token", "no vote scope",
                                  "extra field", "query string", "form body", "NUL in a label"])
def test_everything_else_is_the_apps_to_answer_and_nothing_is_written_on_the_way(app, client, world, plain, case):
    referendum, url, token = vote_and_token(world, scopes=("read",) if case == "no vote scope" else ("vote",))
    headers = auth("obpat_unknown" if case == "unknown token" else token)
    if case == "voted":
        assert client.post(url, json={"choice": "yes"}, headers=headers).status_code == 201
    before = ballots()
    body = {"bad choice": {"choice": "maybe"}, "ranking on yes/no": {"ranking": []},
            "extra field": {"choice": "yes", "why": "because"}, "NUL in a label": {"ranking": ["\x00"]}}.get(
        case, {"choice": "yes"})
    if case == "form body":
        response = client.post(url, data={"choice": "yes"}, headers=headers)
    else:
        response = client.post(url + ("?again=1" if case == "query string" else ""), json=body, headers=headers)
    expected = {"voted": 409, "bad choice": 422, "ranking on yes/no": 422, "unknown token": 401,
                "no vote scope": 403, "extra field": 422, "query string": 201, "form body": 400,
                "NUL in a label": 422}[case]
    assert response.status_code == expected, response.get_data()
    if expected != 201:
        assert response.mimetype == PROBLEM
    assert ballots() == before + (1 if expected == 201 else 0)
    assert plain["cast"] == (1 if case == "voted" else 0)


def test_a_roll_call_vote_and_an_unfrozen_roll_go_through_the_app(app, client, world, plain):
    referendum, url, token = vote_and_token(world, secret=False)
    assert client.post(url, json={"choice": "yes"}, headers=auth(token)).status_code == 201
    assert plain == {"cast": 0, "handed on": 1}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.kind == "referendum.voted")) == 1  # the roll-call's public record, written by the app


def test_racing_plain_casts_by_one_member_make_one_ballot(app, world):
    referendum, url, token = vote_and_token(world)

    def cast():
        response = app.test_client().post(url, json={"choice": "yes"}, headers=auth(token))
        return response.status_code

    outcomes = race(app, [cast for _ in range(20)])
    assert sorted(outcomes) == [201] + [409] * 19, outcomes
    assert ballots() == 1
    assert db.session.scalar(select(func.count()).select_from(VoterRollEntry).where(
        VoterRollEntry.referendum_id == referendum.id, VoterRollEntry.voted_on.is_not(None))) == 1


@pytest.mark.parametrize("seam", ["_written_not_committed", "_between_check_and_write"])
def test_a_plain_cast_racing_the_close_is_counted_or_refused_never_dropped(app, world, monkeypatch, seam):
    """As the app's own cast (tests/services/test_results.py): written before the close, it is
    counted, certification waiting for it; checked but not yet written, it is refused — by the app,
    to which the plain path hands it — and the member is not marked voted."""
    import threading
    from datetime import timedelta

    from openbargain.clock import set_clock
    from openbargain.models import Result
    from openbargain.services import results

    referendum, url, token = vote_and_token(world)
    paused, release, held = threading.Event(), threading.Event(), []

    def hook():
        if not held:  # only the first time: the app, taking over, passes the same seam
            held.append(True)
            paused.set()
            release.wait(timeout=30)

    monkeypatch.setattr(casting, seam, hook)
    outcome: dict = {}
    chapter_id = world.chapter.id

    def cast():
        outcome["status"] = app.test_client().post(url, json={"choice": "yes"}, headers=auth(token)).status_code

    def certify():
        with app.app_context():
            outcome["certified"] = results.certify_closed(chapter_id)
            db.session.remove()

    caster = threading.Thread(target=cast)
    caster.start()
    assert paused.wait(timeout=30)
    closed = referendum.closes_at + timedelta(seconds=1)
    set_clock(lambda: closed)
    try:
        certifier = threading.Thread(target=certify)
        certifier.start()
        certifier.join(timeout=1)
        certified_while_paused = not certifier.is_alive()
        release.set()
        caster.join(timeout=30)
        certifier.join(timeout=30)
    finally:
        set_clock(None)
    db.session.rollback()
    counted = db.session.scalar(select(Result.ballots_cast))
    if seam == "_written_not_committed":
        # Written is committed on PostgreSQL, where the plain cast's one statement is its own
        # transaction: certification need not wait for it. SQLite's waits for the commit.
        assert outcome["status"] == 201 and counted == 1
        assert certified_while_paused == (db.engine.dialect.name == "postgresql")
    else:
        assert outcome["status"] == 409 and counted == 0
        assert certified_while_paused == (db.engine.dialect.name == "postgresql")
    assert db.session.scalar(select(func.count()).select_from(VoterRollEntry).where(
        VoterRollEntry.referendum_id == referendum.id, VoterRollEntry.voted_on.is_not(None))) == counted
