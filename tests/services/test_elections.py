"""Electing people (issue 19, part 4): an election opened by steering, nominations made and
accepted with a statement, the ballot drawn from the accepted nominees, the vote (STV, IRV, or a
yes/no confirmation), the winners elected with no mandate, and a role granted on the record — on
both databases."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import BallotKind, ElectionWinner, Mandate, Membership, Proposal
from openbargain.services import casting, elections, petitions, referenda, results
from openbargain.services.errors import AlreadySigned, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.helpers import at, audit_events, membership, plan


def opened(world, seats: int = 1, days: int = 8):
    return elections.open_election(world.steering, world.chapter, elections.ElectionDraft(
        title="Bargaining committee", office="the bargaining committee", seats=seats,
        nominations_close_at=now() + timedelta(days=days)))


def test_steering_opens_an_election_and_members_nominate(app, world):
    with pytest.raises(PermissionDenied):
        elections.open_election(world.member, world.chapter, elections.ElectionDraft(
            "x", "y", 1, now() + timedelta(days=3)))
    with pytest.raises(ValidationFailed) as refused:
        elections.open_election(world.steering, world.chapter, elections.ElectionDraft("", "", 0, now()))
    assert {"title", "office", "seats", "nominations_close_at"} <= set(refused.value.errors)
    proposal = opened(world)
    assert proposal.kind.value == "election" and proposal.status.value == "deliberation"
    mine = elections.nominate(world.member, world.chapter, proposal.id, world.member.email)
    assert mine.accepted_at is not None  # a member nominating themselves stands
    other = elections.nominate(world.member, world.chapter, proposal.id, world.elected.email)
    assert other.accepted_at is None
    with pytest.raises(AlreadySigned):
        elections.nominate(world.steering, world.chapter, proposal.id, world.elected.email)
    with pytest.raises(ValidationFailed):
        elections.nominate(world.member, world.chapter, proposal.id, world.lapsed.email)
    with pytest.raises(PermissionDenied):
        elections.nominate(world.lapsed, world.chapter, proposal.id, world.steering.email)
    answered = elections.answer(world.elected, world.chapter, proposal.id, True, "I will fight for the contract.")
    assert answered.accepted_at is not None and answered.statement.startswith("I will")
    with pytest.raises(InvalidTransition):  # not nominated
        elections.answer(world.steering, world.chapter, proposal.id, True, "")
    assert len(audit_events("election.nominated")) == 2


def test_an_election_is_not_amended_petitioned_or_edited_as_a_proposal(app, world):
    proposal = opened(world)
    with pytest.raises(InvalidTransition):
        petitions.sign_petition(world.member, world.chapter, proposal.id)
    with pytest.raises(InvalidTransition):
        from openbargain.services import proposals
        proposals.update_proposal(world.steering, world.chapter, proposal.id, factories.proposal_draft([]))


def test_the_ballot_is_drawn_once_nominations_close_and_the_vote_elects_with_stv(app, world):
    proposal = opened(world, seats=2)
    for user in (world.member, world.elected, world.steering):
        elections.nominate(user, world.chapter, proposal.id, user.email)
    with pytest.raises(InvalidTransition):
        elections.draw_ballot(world.steering, world.chapter, proposal.id)  # nominations still open
    at(now() + timedelta(days=9))
    with pytest.raises(InvalidTransition):
        elections.nominate(world.member, world.chapter, proposal.id, world.member.email)
    with pytest.raises(PermissionDenied):
        elections.draw_ballot(world.member, world.chapter, proposal.id)
    drawn = elections.draw_ballot(world.steering, world.chapter, proposal.id)
    assert [o.label for o in drawn.options] == [world.member.name, world.elected.name, world.steering.name]
    with pytest.raises(ValidationFailed):  # two seats: STV for two
        referenda.schedule_referendum(world.steering, world.chapter, proposal.id,
                                      plan(method="irv", opens_at=now() + timedelta(hours=1)))
    vote = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, plan(
        method="stv", seats=2, opens_at=now() + timedelta(hours=1), closes_at=now() + timedelta(days=2)))
    at(vote.opens_at + timedelta(minutes=1))
    names = [world.member.name, world.elected.name, world.steering.name]
    for user, ranking in zip((world.member, world.elected, world.steering),
                             (names, [names[1], names[0]], [names[0], names[2]])):
        casting.cast_ballot(user, world.chapter, vote.id, {"ranking": ranking})
    at(vote.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    won = db.session.scalars(select(ElectionWinner.membership_id).order_by(ElectionWinner.id)).all()
    assert sorted(won) == sorted([membership(world.member).id, membership(world.elected).id])
    assert db.session.scalars(select(Mandate)).all() == []  # people are elected; no one is directed
    assert audit_events("election.decided")[0].data["elected"] == won


def test_a_single_nominee_is_confirmed_yes_or_no_and_given_the_steering_role(app, world):
    proposal = opened(world)
    elections.nominate(world.member, world.chapter, proposal.id, world.member.email)
    at(now() + timedelta(days=9))
    drawn = elections.draw_ballot(world.steering, world.chapter, proposal.id)
    assert drawn.ballot_kind == BallotKind.YES_NO
    vote = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, plan(
        opens_at=now() + timedelta(hours=1), closes_at=now() + timedelta(days=2)))
    at(vote.opens_at + timedelta(minutes=1))
    for user in (world.member, world.elected):
        casting.cast_ballot(user, world.chapter, vote.id, {"choice": "yes"})
    at(vote.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    [winner] = db.session.scalars(select(ElectionWinner)).all()
    assert winner.membership_id == membership(world.member).id
    with pytest.raises(PermissionDenied):
        elections.grant_steering(world.member, world.chapter, proposal.id, winner.membership_id)
    with pytest.raises(NotFound):
        elections.grant_steering(world.steering, world.chapter, proposal.id, membership(world.elected).id)
    elections.grant_steering(world.steering, world.chapter, proposal.id, winner.membership_id)
    db.session.expire_all()
    assert db.session.get(Membership, winner.membership_id).is_steering
    assert audit_events("election.role_granted")[0].data == {"proposal_id": proposal.id, "role": "steering"}


def test_no_contest_is_not_drawn(app, world):
    proposal = opened(world, seats=2)
    elections.nominate(world.member, world.chapter, proposal.id, world.member.email)
    elections.nominate(world.elected, world.chapter, proposal.id, world.elected.email)
    at(now() + timedelta(days=9))
    with pytest.raises(InvalidTransition):
        elections.draw_ballot(world.steering, world.chapter, proposal.id)
    assert db.session.get(Proposal, proposal.id).options == []
