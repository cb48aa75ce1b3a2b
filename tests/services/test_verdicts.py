"""Steering's verdicts on mandates (issue 18, part 2): the promise-tracker scale, evidence
required, every revision kept, the elected and their followers told — for each role."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import Notification, Rating, Verdict
from openbargain.services import follows, mandates, verdicts
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.helpers import audit_events, membership


def draft(**changes) -> verdicts.VerdictDraft:
    values = dict(rating=Rating.KEPT, reasoning="Voted no, as directed.",
                  evidence_url="https://assembly.example.gov/votes/2026/ab-123")
    values.update(changes)
    return verdicts.VerdictDraft(**values)


def test_steering_rates_and_revises_and_every_verdict_stays(app, world):
    mandate = factories.make_mandate(world)
    follows.follow(world.member, world.chapter, membership_id=membership(world.elected).id)
    first = verdicts.rate_mandate(world.steering, world.chapter, mandate.id,
                                  draft(rating=Rating.IN_THE_WORKS, evidence_url="",
                                        evidence_quote="Minutes, 3 March: the bill is in committee."))
    second = verdicts.rate_mandate(world.steering, world.chapter, mandate.id, draft())
    assert second.revises_id == first.id and first.revises_id is None
    assert [v.rating for v in verdicts.verdicts_of(mandate)] == [Rating.IN_THE_WORKS, Rating.KEPT]
    assert verdicts.current_verdicts([mandate.id])[mandate.id].id == second.id
    events = audit_events("mandate.rated")
    assert [e.data["rating"] for e in events] == ["in_the_works", "kept"] and events[1].data["revises"] == first.id
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind.in_(
        ["elected_activity", "mandate_rated"]), Notification.key.like("%:verdict:%"))).all()
    assert sorted(told) == sorted([world.member.id, world.elected.id] * 2)


@pytest.mark.parametrize("changes, field", [
    ({"evidence_url": "", "evidence_quote": ""}, "evidence_url"),
    ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
    ({"evidence_url": "https://x.example/" + "a" * 600}, "evidence_url"),
    ({"evidence_quote": "x" * 10_001}, "evidence_quote"),
    ({"reasoning": "x" * 5_001}, "reasoning"),
])
def test_a_verdict_without_good_evidence_is_refused_and_nothing_is_written(app, world, changes, field):
    mandate = factories.make_mandate(world)
    with pytest.raises(ValidationFailed) as refused:
        verdicts.rate_mandate(world.steering, world.chapter, mandate.id, draft(**changes))
    assert field in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(Verdict)) == 0


@pytest.mark.parametrize("role, error", [("member", PermissionDenied), ("elected", PermissionDenied),
                                         ("lapsed", PermissionDenied), ("other_steering", NotFound),
                                         ("visitor", NotFound)])
def test_only_steering_rates(app, world, role, error):
    mandate = factories.make_mandate(world)
    with pytest.raises(error):
        verdicts.rate_mandate(world.user(role), world.chapter, mandate.id, draft())
    assert audit_events("mandate.rated") == []


def test_a_superseded_mandate_is_not_rated(app, world):
    mandate = factories.make_mandate(world)
    later = factories.make_mandate(world, title="A later decision")
    mandates.supersede_mandate(world.steering, world.chapter, mandate.id, later.proposal_id)
    with pytest.raises(InvalidTransition):
        verdicts.rate_mandate(world.steering, world.chapter, mandate.id, draft())


def test_verdicts_through_the_api(client, world):
    from tests.helpers import PROBLEM, auth, tokens

    mandate = factories.make_mandate(world)
    url = f"/api/v1/chapters/riverside/mandates/{mandate.id}"
    steering = auth(tokens(client, world.steering)["access_token"])
    member = auth(tokens(client, world.member)["access_token"])
    assert client.get(url, headers=member).get_json()["verdicts"] == []
    bad = client.post(f"{url}/verdicts", json={"rating": "kept"}, headers=steering)
    assert bad.status_code == 422 and bad.mimetype == PROBLEM and "evidence_url" in bad.get_json()["errors"]
    assert client.post(f"{url}/verdicts", json={"rating": "great"}, headers=steering).status_code == 422
    assert client.post(f"{url}/verdicts", json={"rating": "kept", "evidence_url": "https://x.example/v"},
                       headers=member).status_code == 403
    made = client.post(f"{url}/verdicts", json={"rating": "broken", "evidence_quote": "Journal, p. 4: aye."},
                       headers=steering)
    assert made.status_code == 201 and made.get_json()["rating"] == "broken"
    [verdict] = client.get(url, headers=member).get_json()["verdicts"]
    assert verdict["evidence_quote"] == "Journal, p. 4: aye." and verdict["revises_id"] is None


def test_the_mandate_page_shows_the_verdict_its_evidence_and_earlier_ones(client, world):
    from tests.conftest import login

    mandate = factories.make_mandate(world)
    verdicts.rate_mandate(world.steering, world.chapter, mandate.id, draft(rating=Rating.STALLED))
    login(client, world.steering)
    bad = client.post(f"/c/riverside/mandates/{mandate.id}/verdicts", data={"rating": "kept"})
    assert bad.status_code == 422 and "A verdict needs its evidence" in bad.get_data(as_text=True)
    client.post(f"/c/riverside/mandates/{mandate.id}/verdicts",
                data={"rating": "kept", "evidence_url": "https://assembly.example.gov/votes/7", "reasoning": "Voted no."})
    login(client, world.member)
    page = client.get(f"/c/riverside/mandates/{mandate.id}").get_data(as_text=True)
    assert "https://assembly.example.gov/votes/7" in page and "1 earlier verdict" in page and "stalled" in page
    assert "Record the verdict" not in page
    card = client.get(f"/c/riverside/electeds/{membership(world.elected).id}").get_data(as_text=True)
    assert 'status-verdict-kept">kept' in card
