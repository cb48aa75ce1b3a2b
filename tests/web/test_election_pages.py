"""An election in pages: steering opens it; members nominate; a nominee stands with a statement;
steering draws the ballot once nominations close; the proposal's page is the election's."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Nomination, Proposal
from tests.conftest import login
from tests.helpers import at


def test_an_election_from_opening_to_its_ballot(client, world):
    login(client, world.steering)
    bad = client.post("/c/riverside/elections/new", data={"title": "", "office": "", "seats": "0",
                                                           "visibility": "members"})
    assert bad.status_code == 422 and "Say what is elected" in bad.get_data(as_text=True)
    closes = (now() + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")
    made = client.post("/c/riverside/elections/new", data={
        "title": "Bargaining committee", "office": "the bargaining committee", "seats": "1",
        "nominations_close_at": closes, "visibility": "members"})
    proposal = db.session.scalar(select(Proposal))
    assert made.status_code == 302 and made.headers["Location"].endswith(f"/elections/{proposal.id}")
    assert client.get(f"/c/riverside/proposals/{proposal.id}").headers["Location"].endswith(
        f"/elections/{proposal.id}")
    login(client, world.member)
    client.post(f"/c/riverside/elections/{proposal.id}/nominations", data={"email": world.elected.email})
    client.post(f"/c/riverside/elections/{proposal.id}/nominations", data={"email": world.member.email})
    login(client, world.elected)
    page = client.get(f"/c/riverside/elections/{proposal.id}").get_data(as_text=True)
    assert "Your nomination" in page and "has not answered" in page
    client.post(f"/c/riverside/elections/{proposal.id}/answer", data={"accept": "1", "statement": "A fair contract."})
    assert db.session.scalar(select(Nomination.statement).where(Nomination.nominated_by_id != Nomination.nominee_id)) \
        == "A fair contract."
    at(now() + timedelta(days=9))
    login(client, world.steering)
    drawn = client.post(f"/c/riverside/elections/{proposal.id}/ballot")
    assert drawn.headers["Location"].endswith(f"/proposals/{proposal.id}/schedule")
    db.session.expire_all()
    assert [o.label for o in db.session.get(Proposal, proposal.id).options] == [world.elected.name, world.member.name]
