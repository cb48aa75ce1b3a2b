"""Paper ballots, counted once (issue 19, part 2): tellers mark members voting on paper — one vote
each across channels, even racing an online cast — and enter batches carrying no member, counted
once two tellers agree and never beyond the members marked; the result says how many came by
each channel — on both databases."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import AuditEvent, Chapter, PaperBatch, User, VoterRollEntry
from openbargain.services import casting, paper, results
from openbargain.services.errors import AlreadyVoted, InvalidTransition, NotEligible, PermissionDenied, ValidationFailed
from tests import factories
from tests.helpers import at, audit_events, membership, race


@pytest.fixture
def vote(world):
    """A secret yes/no vote with two tellers: steering and the member."""
    referendum = factories.make_open_referendum(world, membership(world.elected))
    paper.appoint_tellers(world.steering, world.chapter, referendum.id, [world.steering.email, world.member.email])
    return referendum


def entry_of(world, user) -> VoterRollEntry:
    db.session.expire_all()
    return db.session.scalar(select(VoterRollEntry).where(VoterRollEntry.membership_id == membership(user).id))


def test_a_member_marked_on_paper_cannot_vote_online_and_an_online_voter_cannot_be_marked(app, world, vote):
    paper.mark_on_paper(world.steering, world.chapter, vote.id, world.elected.email)
    assert entry_of(world, world.elected).on_paper and entry_of(world, world.elected).voted_on is not None
    with pytest.raises(AlreadyVoted):
        casting.cast_ballot(world.elected, world.chapter, vote.id, {"choice": "yes"})
    casting.cast_ballot(world.member, world.chapter, vote.id, {"choice": "no"})
    with pytest.raises(AlreadyVoted):
        paper.mark_on_paper(world.steering, world.chapter, vote.id, world.member.email)
    with pytest.raises(NotEligible):  # lapsed: not on the roll
        paper.mark_on_paper(world.steering, world.chapter, vote.id, world.lapsed.email)
    [marked] = audit_events("referendum.paper_marked")
    assert marked.actor_id == world.steering.id and not marked.data  # the roll says who; the log, only that


def test_only_the_vote_s_tellers_mark_and_enter(app, world, vote):
    with pytest.raises(PermissionDenied):
        paper.mark_on_paper(world.elected, world.chapter, vote.id, world.member.email)
    with pytest.raises(PermissionDenied):
        paper.enter_batch(world.elected, world.chapter, vote.id, "Box 1", [{"choice": "yes"}])
    with pytest.raises(PermissionDenied):
        paper.appoint_tellers(world.member, world.chapter, vote.id, [world.member.email])
    with pytest.raises(ValidationFailed):
        paper.appoint_tellers(world.steering, world.chapter, vote.id, [world.lapsed.email])


def test_a_batch_counts_once_two_tellers_agree_and_never_beyond_the_members_marked(app, world, vote):
    for user in (world.elected, world.steering):
        paper.mark_on_paper(world.steering, world.chapter, vote.id, user.email)
    first = paper.enter_batch(world.steering, world.chapter, vote.id, "Box 1",
                              [{"choice": "yes"}, {"choice": "no"}])
    assert not first.agreed and first.entries == 1
    with pytest.raises(InvalidTransition):  # the same teller twice is not double entry
        paper.enter_batch(world.steering, world.chapter, vote.id, "Box 1", [{"choice": "yes"}, {"choice": "no"}])
    # The second teller takes the papers out in another order: the same ballots, agreed.
    second = paper.enter_batch(world.member, world.chapter, vote.id, "Box 1", [{"choice": "no"}, {"choice": "yes"}])
    assert second.agreed
    with pytest.raises(InvalidTransition):  # a third ballot would be more than the two members marked
        paper.enter_batch(world.steering, world.chapter, vote.id, "Box 2", [{"choice": "yes"}])
        paper.enter_batch(world.member, world.chapter, vote.id, "Box 2", [{"choice": "yes"}])
    at(vote.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    view = results.get_result(world.member, world.chapter, vote.id)
    assert (view.result.ballots_cast, view.result.paper_ballots) == (2, 2)
    assert view.result.tally["rounds"][0]["tallies"] == {"yes": 1, "no": 1, "abstain": 0}
    assert audit_events("referendum.certified")[0].data["on_paper"] == 2


def test_tellers_who_disagree_count_the_box_again(app, world, vote):
    paper.mark_on_paper(world.steering, world.chapter, vote.id, world.elected.email)
    paper.enter_batch(world.steering, world.chapter, vote.id, "Box 1", [{"choice": "yes"}])
    state = paper.enter_batch(world.member, world.chapter, vote.id, "Box 1", [{"choice": "no"}])
    assert state.disagreement and not state.agreed
    at(vote.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    assert results.get_result(world.member, world.chapter, vote.id).result.paper_ballots == 0


def test_a_batch_with_a_bad_ballot_is_refused_whole(app, world, vote):
    paper.mark_on_paper(world.steering, world.chapter, vote.id, world.elected.email)
    with pytest.raises(ValidationFailed) as refused:
        paper.enter_batch(world.steering, world.chapter, vote.id, "Box 1", [{"choice": "yes"}, {"choice": "maybe"}])
    assert "Ballot 2" in refused.value.errors["ballots"][0]
    with pytest.raises(ValidationFailed):
        paper.enter_batch(world.steering, world.chapter, vote.id, " ", [{"choice": "yes"}])
    assert db.session.scalars(select(PaperBatch)).all() == []


def test_paper_is_for_secret_votes_while_open(app, world):
    roll_call = factories.make_open_referendum(world, membership(world.elected), secret=False)
    paper.appoint_tellers(world.steering, world.chapter, roll_call.id, [world.steering.email])
    with pytest.raises(InvalidTransition):
        paper.mark_on_paper(world.steering, world.chapter, roll_call.id, world.member.email)


def _mark_job(user_id, chapter_id, referendum_id, email):
    def job():
        return paper.mark_on_paper(db.session.get(User, user_id), db.session.get(Chapter, chapter_id), referendum_id,
                                   email)
    return job


def _cast_job(user_id, chapter_id, referendum_id):
    def job():
        return casting.cast_ballot(db.session.get(User, user_id), db.session.get(Chapter, chapter_id), referendum_id,
                                   {"choice": "yes"})
    return job


def test_a_paper_mark_racing_an_online_cast_lets_exactly_one_through(app, world, vote):
    casting.cast_ballot(world.steering, world.chapter, vote.id, {"choice": "no"})  # the roll is frozen
    target = world.elected.email
    outcomes = race(app, [_mark_job(world.steering.id, world.chapter.id, vote.id, target),
                          _cast_job(world.elected.id, world.chapter.id, vote.id)] * 2)
    through = [o for o in outcomes if not isinstance(o, AlreadyVoted)]
    assert len(through) == 1, outcomes
    entry = entry_of(world, world.elected)
    ballots = results_sealed(vote.id)
    assert (entry.on_paper, ballots) in ((True, 1), (False, 2))


def results_sealed(referendum_id: int) -> int:
    from sqlalchemy import func

    from openbargain.models import SealedBallot
    return db.session.scalar(select(func.count()).select_from(SealedBallot).where(
        SealedBallot.referendum_id == referendum_id))


def test_nothing_in_a_batch_names_a_member(app, world, vote):
    paper.mark_on_paper(world.steering, world.chapter, vote.id, world.elected.email)
    paper.enter_batch(world.steering, world.chapter, vote.id, "Box 1", [{"choice": "yes"}])
    assert {c.name for c in PaperBatch.__table__.columns} == {"id", "referendum_id", "label", "agreed_at", "ballots"}
    everything = " ".join(str(e.data) for e in db.session.scalars(select(AuditEvent)))
    assert world.elected.email not in everything and str(membership(world.elected).id) not in str(
        audit_events("referendum.paper_batch_entered")[0].data)


def test_a_member_who_voted_on_paper_cannot_revote_online(app, world, vote):
    online = casting.cast_ballot(world.steering, world.chapter, vote.id, {"choice": "no"})
    paper.mark_on_paper(world.steering, world.chapter, vote.id, world.elected.email)
    with pytest.raises(InvalidTransition):  # not even with someone else's tracker
        casting.revote(world.elected, world.chapter, vote.id, online.tracker, {"choice": "yes"})
    assert results_sealed(vote.id) == 1
