"""The paper side of a vote, in pages: steering appoints tellers; a teller marks a member and
enters a batch; a second teller's entry makes it count; the vote's page links to it."""
from __future__ import annotations

from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import PaperBatch, VoterRollEntry
from openbargain.services import paper
from tests import factories
from tests.conftest import login
from tests.helpers import membership


def test_tellers_mark_and_enter_a_batch_twice(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    base = f"/c/riverside/referenda/{r.id}"
    login(client, world.steering)
    assert "Paper ballots: tellers, marks and batches" in client.get(base).get_data(as_text=True)
    client.post(f"{base}/paper/tellers", data={"emails": f"{world.steering.email}\n{world.member.email}"})
    page = client.get(f"{base}/paper").get_data(as_text=True)
    assert world.member.name in page and "Mark a member as voting on paper" in page
    unknown = client.post(f"{base}/paper/marks", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert "No member with this email is on the vote" in unknown.get_data(as_text=True)
    client.post(f"{base}/paper/marks", data={"email": world.elected.email})
    db.session.expire_all()
    entry = db.session.scalar(select(VoterRollEntry).where(VoterRollEntry.membership_id ==
                                                           membership(world.elected).id))
    assert entry.on_paper
    first = client.post(f"{base}/paper/batches", data={"label": "Box 1", "yes": "1", "no": "0", "abstain": "0"},
                        follow_redirects=True).get_data(as_text=True)
    assert "A second teller enters the same batch." in first and "awaiting a second teller" in first
    login(client, world.member)
    second = client.post(f"{base}/paper/batches", data={"label": "Box 1", "yes": "1", "no": "0", "abstain": "0"},
                         follow_redirects=True).get_data(as_text=True)
    assert "Two tellers agree: the batch counts." in second and "agreed: counted" in second
    assert db.session.scalar(select(PaperBatch.agreed_at)) is not None


def test_a_ranked_batch_is_one_ranking_a_line(client, world):
    r = factories.make_open_referendum(world, membership(world.elected), kind="ranked", title="Endorsements")
    paper.appoint_tellers(world.steering, world.chapter, r.id, [world.steering.email])
    paper.mark_on_paper(world.steering, world.chapter, r.id, world.elected.email)
    paper.mark_on_paper(world.steering, world.chapter, r.id, world.member.email)
    login(client, world.steering)
    base = f"/c/riverside/referenda/{r.id}"
    bad = client.post(f"{base}/paper/batches", data={"label": "Post", "rankings": "Bloc > Nobody"},
                      follow_redirects=True).get_data(as_text=True)
    assert "Ballot 1" in bad and db.session.scalar(select(PaperBatch)) is None
    client.post(f"{base}/paper/batches", data={"label": "Post", "rankings": "Bloc > Individually\n-"})
    [batch] = db.session.scalars(select(PaperBatch)).all()
    assert [e.ballots for e in batch.entries] == [[{"ranking": ["Bloc", "Individually"]}, {"ranking": []}]]


def test_members_who_are_not_tellers_do_not_see_the_paper_side(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    login(client, world.member)
    assert "Paper ballots" not in client.get(f"/c/riverside/referenda/{r.id}").get_data(as_text=True)
    assert client.get(f"/c/riverside/referenda/{r.id}/paper").status_code == 403
