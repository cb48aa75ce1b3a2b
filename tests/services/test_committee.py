"""Committee decisions and the members' call-up (issue 20, parts 2 and 3): the body the bylaws
name decides questions within the platform that cannot wait for a referendum, in the open, with
its roll call; members may call any decision up within the bylaws' days, which suspends it or not
as the bylaws say; the members' vote confirms or overturns it — on both databases."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Bylaws,
    Chapter,
    CommitteeDecision,
    DecisionState,
    Mandate,
    MandateSource,
    MandateStatus,
    Notification,
    Proposal,
    ProposalStatus,
    Referendum,
    User,
    Visibility,
)
from openbargain.services import callups, casting, committee, follows, mandates, results
from openbargain.services.errors import AlreadySigned, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from openbargain.services.proposals import OptionDraft
from tests import factories
from tests.helpers import at, audit_events, membership, race, set_bylaws




@pytest.fixture
def seated(app, world):
    """A platform of one plank, and steering as the bylaws' committee (one more steering member)."""
    plank = factories.adopt_plank(world)
    second = factories.make_membership(world.chapter, steering=True)
    set_bylaws(world.chapter, committee_of="steering", callup_percent=50)
    return plank, second


def committee_mandates() -> list[Mandate]:
    """The committee decisions' mandates (the plank's standing ones aside)."""
    return list(db.session.scalars(select(Mandate).join(Proposal, Proposal.id == Mandate.proposal_id)
                                   .where(Proposal.kind == "committee").order_by(Mandate.id)))


def draft(world, plank, second, **changes) -> committee.DecisionDraft:
    fields = dict(
        title="How to vote on the Harbor Point abatement", body="The council votes on Thursday.",
        decision="Vote on the Harbor Point abatement ($3M).", deadline=now().date() + timedelta(days=3),
        elected_ids=[membership(world.elected).id],
        options=[OptionDraft("Vote no", "Vote no on the Harbor Point abatement."),
                 OptionDraft("Abstain", "Abstain on the Harbor Point abatement.")],
        chosen=1, reasoning="The platform rules out abatements above $1M; this one is $3M.", plank_ids=[plank.id],
        votes={membership(world.steering).id: "1", second.id: "1"})
    fields.update(changes)
    return committee.DecisionDraft(**fields)


def test_the_committee_decides_in_the_open_and_its_choice_issues_mandates(app, world, seated):
    plank, second = seated
    decision = committee.record_decision(world.steering, world.chapter, draft(world, plank, second))
    proposal = db.session.get(Proposal, decision.proposal_id)
    assert proposal.kind.value == "committee" and proposal.status == ProposalStatus.DECIDED
    assert [o.label for o in proposal.options] == ["Vote no", "Abstain"]
    [mandate] = db.session.scalars(select(Mandate).where(Mandate.proposal_id == proposal.id)).all()
    assert mandate.source == MandateSource.COMMITTEE and mandate.referendum_id is None
    assert mandate.directive == "Vote no on the Harbor Point abatement." and mandate.basis == "committee: Vote no"
    assert mandate.due_on == proposal.deadline
    view = committee.get_decision(world.member, world.chapter, decision.id)
    assert view.released and view.callup_open
    assert sorted((v.membership_id, v.choice.value, v.option_id) for v in view.votes) == sorted(
        [(membership(world.steering).id, "for", proposal.options[0].id), (second.id, "for", proposal.options[0].id)])
    assert [p.id for p in view.planks] == [plank.id]
    [event] = audit_events("committee.decided")
    assert event.data["chosen"] == "Vote no" and event.data["planks"] == [plank.id]
    # Mandates from the committee are kept and acknowledged like any other.
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    assert committee.list_decisions(world.member, world.chapter).items[0][0].id == decision.id


@pytest.mark.parametrize("changes, field", [
    (dict(plank_ids=[]), "plank_ids"),
    (dict(chosen=3), "chosen"),
    (dict(reasoning="  "), "reasoning"),
    (dict(deadline=None), "deadline"),
    (dict(options=[OptionDraft("Vote no", "Vote no.")]), "options"),
    (dict(elected_ids=[]), "electeds"),
])
def test_a_decision_with_a_problem_is_refused_whole(app, world, seated, changes, field):
    plank, second = seated
    with pytest.raises(ValidationFailed) as refused:
        committee.record_decision(world.steering, world.chapter, draft(world, plank, second, **changes))
    assert field in refused.value.errors
    assert db.session.scalars(select(CommitteeDecision)).all() == []
    assert db.session.scalars(select(Proposal).where(Proposal.kind == "committee")).all() == []


def test_the_committee_decides_only_what_a_referendum_could_not(app, world, seated):
    plank, second = seated
    # The bylaws' referendum track: 7 days of deliberation and a vote of at least a day.
    with pytest.raises(ValidationFailed) as refused:
        committee.record_decision(world.steering, world.chapter,
                                  draft(world, plank, second, deadline=now().date() + timedelta(days=9)))
    assert "deadline" in refused.value.errors


def test_a_repealed_plank_grounds_nothing(app, world, seated):
    plank, second = seated
    from openbargain.models import ProposalKind
    factories.decide(world, **factories.plank_draft(proposal_kind=ProposalKind.REPEAL, plank_id=plank.id,
                                                    adopted_directive=""))
    with pytest.raises(ValidationFailed) as refused:
        committee.record_decision(world.steering, world.chapter, draft(world, plank, second))
    assert "plank_ids" in refused.value.errors


def test_the_roll_call_must_be_whole_quorate_and_carry_the_choice(app, world, seated):
    plank, second = seated
    me = membership(world.steering).id
    for votes, field in [({me: "1"}, "votes"),  # a member's vote is missing
                         ({me: "1", second.id: "absent"}, "votes"),  # half the committee is no quorum
                         ({me: "1", second.id: "2"}, "chosen"),  # a tie is no majority
                         ({me: "1", second.id: "7"}, "votes"),
                         ({me: "1", second.id: "1", membership(world.member).id: "1"}, "votes")]:
        with pytest.raises(ValidationFailed) as refused:
            committee.record_decision(world.steering, world.chapter, draft(world, plank, second, votes=votes))
        assert field in refused.value.errors, votes
    # An abstention counts towards the quorum, not against the choice.
    assert committee.record_decision(world.steering, world.chapter,
                                     draft(world, plank, second, votes={me: "1", second.id: "abstain"}))


def test_only_the_committee_the_bylaws_name_records_decisions(app, world, seated):
    plank, second = seated
    for user, refusal in [(world.member, PermissionDenied), (world.elected, PermissionDenied),
                          (world.other_steering, NotFound), (world.suspended, NotFound)]:
        with pytest.raises(refusal):
            committee.record_decision(user, world.chapter, draft(world, plank, second))
    set_bylaws(world.chapter, committee_of="none")
    with pytest.raises(InvalidTransition):
        committee.record_decision(world.steering, world.chapter, draft(world, plank, second))


def test_the_bylaws_may_name_the_committee_by_name(app, world, seated):
    plank, _ = seated
    set_bylaws(world.chapter, committee_of="named")
    with pytest.raises(PermissionDenied):
        committee.set_seats(world.member, world.chapter, [world.member.email])
    committee.set_seats(world.steering, world.chapter, [world.member.email, world.elected.email.upper()])
    assert committee.seat_emails(world.steering, world.chapter) == sorted([world.member.email, world.elected.email])
    with pytest.raises(ValidationFailed):
        committee.set_seats(world.steering, world.chapter, ["nobody@example.org"])
    with pytest.raises(PermissionDenied):  # steering is not the committee now
        committee.record_decision(world.steering, world.chapter, draft(world, plank, membership(world.member)))
    votes = {membership(world.member).id: "1", membership(world.elected).id: "abstain"}
    decision = committee.record_decision(world.member, world.chapter,
                                         draft(world, plank, membership(world.member), votes=votes))
    assert decision.recorded_by_id == world.member.id
    assert [e.kind for e in audit_events("committee.seats_set")] == ["committee.seats_set"]


def test_an_embargoed_decision_is_shown_to_members_when_released(app, world, seated):
    plank, second = seated
    follows.follow(world.member, world.chapter, membership_id=membership(world.elected).id)
    until = now() + timedelta(hours=20)
    decision = committee.record_decision(world.steering, world.chapter,
                                         draft(world, plank, second, embargo_until=until))

    def followers_told() -> list[int]:
        return db.session.scalars(select(Notification.user_id).where(
            Notification.kind == "elected_activity", Notification.key.like("elected_activity:mandate:%"),
            Notification.user_id == world.member.id)).all()

    assert followers_told() == []  # the plank's standing mandate was told before the member followed
    with pytest.raises(NotFound):
        committee.get_decision(world.member, world.chapter, decision.id)
    assert committee.list_decisions(world.member, world.chapter).items == []
    [mandate] = committee_mandates()
    with pytest.raises(NotFound):
        mandates.get_mandate(world.member, world.chapter, mandate.id)
    assert mandates.get_mandate(world.elected, world.chapter, mandate.id)  # the elected acts on it
    assert committee.get_decision(second.user, world.chapter, decision.id)
    with pytest.raises(InvalidTransition):
        callups.sign_callup(world.steering, world.chapter, decision.id)
    with pytest.raises(ValidationFailed):  # an embargo ends by the deadline
        committee.record_decision(world.steering, world.chapter,
                                  draft(world, plank, second, embargo_until=now() + timedelta(days=5)))
    at(until + timedelta(minutes=1))
    assert committee.get_decision(world.member, world.chapter, decision.id).released
    told_before = len(followers_told())
    from openbargain.services import reminders
    reminders.tick()
    assert mandates.get_mandate(world.member, world.chapter, mandate.id)
    assert len(followers_told()) == told_before + 1  # the committee's mandate, told on release
    reminders.tick()
    assert len(followers_told()) == told_before + 1  # once


def called_up(world, plank, second, **changes):
    decision = committee.record_decision(world.steering, world.chapter, draft(world, plank, second, **changes))
    # 50% of the 4 members in good standing (member, elected and two steering): 2 signatures.
    assert callups.sign_callup(world.member, world.chapter, decision.id) is False
    assert callups.sign_callup(world.elected, world.chapter, decision.id) is True
    db.session.expire_all()
    return db.session.get(CommitteeDecision, decision.id)


def test_members_call_a_decision_up_and_a_referendum_is_scheduled_on_the_petition_track(app, world, seated):
    plank, second = seated
    decision = called_up(world, plank, second)
    assert decision.state == DecisionState.CALLED_UP and decision.callup_needed == 2 and not decision.suspended
    called = db.session.get(Proposal, decision.callup_proposal_id)
    assert called.status == ProposalStatus.SCHEDULED and called.urgent
    assert [(o.label, o.directive) for o in called.options] == [
        ("Vote no", "Vote no on the Harbor Point abatement."), ("Abstain", "Abstain on the Harbor Point abatement.")]
    assert [d.membership_id for d in called.directed] == [membership(world.elected).id]
    referendum = db.session.scalar(select(Referendum).where(Referendum.proposal_id == called.id))
    assert referendum.by_petition and referendum.petition_signatures == 2 and referendum.method == "irv"
    [mandate] = committee_mandates()
    assert mandate.status == MandateStatus.ISSUED  # these bylaws keep it in force until the vote
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "petition_succeeded")).all()
    assert sorted(told) == sorted([world.steering.id, second.user_id])
    with pytest.raises(InvalidTransition):
        callups.sign_callup(world.steering, world.chapter, decision.id)


def test_a_call_up_is_signed_once_each_in_good_standing_within_the_period(app, world, seated):
    plank, second = seated
    decision = committee.record_decision(world.steering, world.chapter, draft(world, plank, second))
    callups.sign_callup(world.member, world.chapter, decision.id)
    with pytest.raises(AlreadySigned):
        callups.sign_callup(world.member, world.chapter, decision.id)
    for user, refusal in [(world.lapsed, PermissionDenied), (world.suspended, NotFound),
                          (world.other_steering, NotFound)]:
        with pytest.raises(refusal):
            callups.sign_callup(user, world.chapter, decision.id)
    at(decision.callup_closes_at)
    with pytest.raises(InvalidTransition):
        callups.sign_callup(world.elected, world.chapter, decision.id)


def test_concurrent_signers_carry_the_call_up_exactly_once(app, world, seated):
    plank, second = seated
    set_bylaws(world.chapter, callup_percent=25)  # one signature of four carries it
    decision = committee.record_decision(world.steering, world.chapter, draft(world, plank, second))
    decision_id, chapter_id = decision.id, world.chapter.id

    def sign(user_id: int):
        def job():  # each thread reads its own user and chapter, never the test's objects
            return callups.sign_callup(db.session.get(User, user_id), db.session.get(Chapter, chapter_id),
                                       decision_id)
        return job

    outcomes = race(app, [sign(world.member.id), sign(world.elected.id)])
    carried = [o for o in outcomes if o is True]
    assert len(carried) == 1 and all(o in (True, False) or isinstance(o, InvalidTransition) for o in outcomes)
    db.session.expire_all()
    assert len(db.session.scalars(select(Referendum).where(Referendum.by_petition.is_(True))).all()) == 1


def vote_on(world, decision, ranking):
    """Everyone votes the ranking in the call-up's vote; the clock ends just after its close."""
    referendum = db.session.scalar(select(Referendum).where(Referendum.proposal_id == decision.callup_proposal_id))
    at(referendum.opens_at + timedelta(minutes=1))
    for user in (world.member, world.elected, world.steering):
        casting.cast_ballot(user, world.chapter, referendum.id, {"ranking": ranking})
    at(referendum.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    db.session.expire_all()
    return db.session.get(CommitteeDecision, decision.id)


def test_a_call_up_that_suspends_and_a_vote_that_overturns(app, world, seated):
    plank, second = seated
    set_bylaws(world.chapter, callup_suspends=True)
    decision = called_up(world, plank, second)
    [old] = committee_mandates()
    assert decision.suspended and old.status == MandateStatus.SUSPENDED
    with pytest.raises(InvalidTransition):  # nothing to do while the members decide
        mandates.acknowledge_mandate(world.elected, world.chapter, old.id)
    decision = vote_on(world, decision, ["Abstain", "Vote no"])
    assert decision.state == DecisionState.OVERTURNED
    old = db.session.get(Mandate, old.id)
    assert old.status == MandateStatus.SUPERSEDED and old.superseded_by_id == decision.callup_proposal_id
    [new] = db.session.scalars(select(Mandate).where(Mandate.proposal_id == decision.callup_proposal_id)).all()
    assert new.directive == "Abstain on the Harbor Point abatement." and new.source == MandateSource.REFERENDUM
    assert new.due_on >= (now() + timedelta(days=6)).date()  # time to act after the members' result
    assert [e.kind for e in audit_events("committee.overturned")] == ["committee.overturned"]
    assert committee.tally(db.session, world.chapter) == {"decided": 1, "called_up": 1, "overturned": 1,
                                                          "confirmed": 0}


def test_a_call_up_that_suspends_and_a_vote_that_confirms(app, world, seated):
    plank, second = seated
    set_bylaws(world.chapter, callup_suspends=True)
    decision = called_up(world, plank, second)
    decision = vote_on(world, decision, ["Vote no", "Abstain"])
    assert decision.state == DecisionState.CONFIRMED
    [mandate] = committee_mandates()  # no second mandate: the first stands
    assert mandate.status == MandateStatus.ISSUED
    assert [e.kind for e in audit_events("mandate.reinstated")] == ["mandate.reinstated"]
    told = db.session.scalars(select(Notification.key).where(Notification.kind == "mandate_changed",
                                                             Notification.user_id == world.elected.id)).all()
    assert len(told) == 2  # suspended, then restored


def test_a_call_up_that_does_not_suspend_keeps_an_acknowledged_mandate_acknowledged(app, world, seated):
    plank, second = seated
    decision = committee.record_decision(world.steering, world.chapter, draft(world, plank, second))
    [mandate] = committee_mandates()
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    callups.sign_callup(world.member, world.chapter, decision.id)
    callups.sign_callup(world.elected, world.chapter, decision.id)
    db.session.expire_all()
    decision = vote_on(world, db.session.get(CommitteeDecision, decision.id), ["Vote no", "Abstain"])
    assert decision.state == DecisionState.CONFIRMED
    assert db.session.get(Mandate, mandate.id).status == MandateStatus.ACKNOWLEDGED


def test_a_call_up_vote_without_quorum_leaves_the_decision_standing(app, world, seated):
    plank, second = seated
    set_bylaws(world.chapter, callup_suspends=True)
    decision = called_up(world, plank, second)
    referendum = db.session.scalar(select(Referendum).where(Referendum.proposal_id == decision.callup_proposal_id))
    at(referendum.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    db.session.expire_all()
    assert db.session.get(CommitteeDecision, decision.id).state == DecisionState.CONFIRMED
    assert [m.status for m in committee_mandates()] == [MandateStatus.ISSUED]


def test_the_accountability_tally_counts_for_the_public_only_public_decisions(app, world, seated):
    plank, second = seated
    committee.record_decision(world.steering, world.chapter, draft(world, plank, second))
    committee.record_decision(world.steering, world.chapter, draft(world, plank, second, visibility=Visibility.PUBLIC))
    assert committee.tally(db.session, world.chapter)["decided"] == 2
    assert committee.tally(db.session, world.chapter, public_only=True)["decided"] == 1
    assert len(committee.list_decisions(None, world.chapter).items) == 1


def test_the_referendum_track_is_the_bylaws(app, world, seated):
    plank, second = seated
    set_bylaws(world.chapter, min_deliberation_hours=24 * 14)
    assert committee.record_decision(world.steering, world.chapter,
                                     draft(world, plank, second, deadline=now().date() + timedelta(days=9)))
    assert committee.referendum_track_ends(db.session.get(Bylaws, world.chapter.id),
                                           datetime(2026, 1, 1, tzinfo=timezone.utc)) == \
        datetime(2026, 1, 16, tzinfo=timezone.utc)
