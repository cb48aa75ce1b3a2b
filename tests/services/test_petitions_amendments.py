from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import (
    AmendmentKind,
    AmendmentState,
    AuditEvent,
    BallotKind,
    Bylaws,
    PetitionSignature,
    Proposal,
    ProposalStatus,
    Referendum,
)
from openbargain.services import amendments, bylaws, petitions, proposals
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.helpers import membership, set_bylaws



@pytest.fixture
def proposal(world):
    return factories.make_proposal(world.chapter, world.member, [membership(world.elected)])



# --- petitions ------------------------------------------------------------------------------

def test_threshold_is_a_share_of_members_in_good_standing(app, world, proposal):
    # 3 in good standing (member, elected, steering): 10% rounds up to 1; 50% up to 2.
    assert petitions.petition_status(world.member, world.chapter, proposal).needed == 1
    set_bylaws(world.chapter, petition_percent=50)
    assert petitions.petition_status(world.member, world.chapter, proposal).needed == 2


def test_a_petition_reaching_its_threshold_schedules_the_vote(app, world, proposal):
    set_bylaws(world.chapter, petition_percent=50, min_deliberation_hours=24, petition_delay_hours=48,
               voting_hours=168)
    start = now()
    set_clock(lambda: start)
    assert petitions.sign_petition(world.member, world.chapter, proposal.id) is False
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.DELIBERATION
    assert petitions.sign_petition(world.elected, world.chapter, proposal.id) is True
    p = db.session.get(Proposal, proposal.id)
    referendum = db.session.scalar(select(Referendum).where(Referendum.proposal_id == p.id))
    assert p.status == ProposalStatus.SCHEDULED and referendum.by_petition
    assert referendum.method == "yes_no" and referendum.threshold == "majority" and referendum.quorum_percent == 20
    assert referendum.opens_at == start + timedelta(hours=48)
    assert referendum.closes_at == referendum.opens_at + timedelta(hours=168)
    kinds = [e.kind for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))][-4:]
    assert kinds == ["petition.signed", "petition.signed", "petition.succeeded", "referendum.scheduled"]
    with pytest.raises(InvalidTransition, match="petition"):
        proposals.withdraw_proposal(world.steering, world.chapter, p.id, "Superseded by events.")
    with pytest.raises(InvalidTransition):
        petitions.sign_petition(world.steering, world.chapter, p.id)


def test_the_vote_never_opens_before_the_minimum_deliberation(app, world):
    set_bylaws(world.chapter, min_deliberation_hours=240, urgent_min_deliberation_hours=12, petition_delay_hours=1)
    normal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    petitions.sign_petition(world.member, world.chapter, normal.id)
    r = db.session.scalar(select(Referendum).where(Referendum.proposal_id == normal.id))
    assert r.opens_at == db.session.get(Proposal, normal.id).published_at + timedelta(hours=240)
    urgent = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Urgent")
    from openbargain.services import urgency

    urgency.declare_urgent(world.steering, world.chapter, urgent.id, "The council votes tomorrow.")
    petitions.sign_petition(world.member, world.chapter, urgent.id)
    r = db.session.scalar(select(Referendum).where(Referendum.proposal_id == urgent.id))
    assert r.opens_at == db.session.get(Proposal, urgent.id).published_at + timedelta(hours=12)
    assert r.closes_at - r.opens_at == timedelta(hours=48)


def test_signing_twice_lapsed_or_closed_is_refused(app, world, proposal):
    set_bylaws(world.chapter, petition_percent=100)
    petitions.sign_petition(world.member, world.chapter, proposal.id)
    with pytest.raises(InvalidTransition, match="already signed"):
        petitions.sign_petition(world.member, world.chapter, proposal.id)
    with pytest.raises(PermissionDenied):
        petitions.sign_petition(world.lapsed, world.chapter, proposal.id)
    with pytest.raises(NotFound):
        petitions.sign_petition(world.other_steering, world.chapter, proposal.id)
    proposals.withdraw_proposal(world.member, world.chapter, proposal.id, "Superseded by events.")
    with pytest.raises(InvalidTransition):
        petitions.sign_petition(world.elected, world.chapter, proposal.id)
    assert db.session.scalar(select(func.count()).select_from(PetitionSignature)) == 1


def test_a_second_signature_row_fails_on_the_database(app, world, proposal):
    from sqlalchemy.exc import IntegrityError

    m = membership(world.member)
    db.session.add(PetitionSignature(proposal_id=proposal.id, membership_id=m.id))
    db.session.commit()
    db.session.add(PetitionSignature(proposal_id=proposal.id, membership_id=m.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# --- amendments -----------------------------------------------------------------------------

def change(proposal, directive="Vote no and speak against it."):
    return amendments.AmendmentDraft(AmendmentKind.CHANGE_DIRECTIVE, proposal.options[0].id, "", directive)


def test_the_author_accepts_an_amendment_as_a_revision(app, world, proposal):
    a = amendments.propose_amendment(world.steering, world.chapter, proposal.id, change(proposal))
    with pytest.raises(PermissionDenied):
        amendments.decide_amendment(world.elected, world.chapter, a.id, accept=True)
    amendments.decide_amendment(world.member, world.chapter, a.id, accept=True)
    p = db.session.get(Proposal, proposal.id)
    assert p.options[0].directive == "Vote no and speak against it." and p.revision == 2
    with pytest.raises(InvalidTransition):
        amendments.decide_amendment(world.member, world.chapter, a.id, accept=False)


def test_a_declined_amendment_backed_by_enough_members_goes_on_the_ballot(app, world, proposal):
    set_bylaws(world.chapter, amendment_percent=75)  # all 3 members in good standing
    a = amendments.propose_amendment(world.steering, world.chapter, proposal.id, change(proposal))
    amendments.decide_amendment(world.member, world.chapter, a.id, accept=False)
    assert db.session.get(type(a), a.id).state == AmendmentState.DECLINED
    amendments.cosign_amendment(world.elected, world.chapter, a.id)
    with pytest.raises(InvalidTransition, match="already signed"):
        amendments.cosign_amendment(world.elected, world.chapter, a.id)
    with pytest.raises(PermissionDenied):
        amendments.cosign_amendment(world.lapsed, world.chapter, a.id)
    amendments.cosign_amendment(world.member, world.chapter, a.id)
    p = db.session.get(Proposal, proposal.id)
    assert db.session.get(type(a), a.id).state == AmendmentState.ON_BALLOT
    assert p.ballot_kind == BallotKind.RANKED
    assert [(o.label, o.directive) for o in p.options] == [
        ("Original", "Vote no on the budget deal."),
        ("Amended: Yes", "Vote no and speak against it."),
        ("Reject both", "Vote yes on the budget deal."),
    ]
    assert db.session.scalar(select(AuditEvent.kind).order_by(AuditEvent.id.desc())) == "amendment.on_ballot"


def test_amendment_rules(app, world, proposal):
    with pytest.raises(PermissionDenied):  # the author edits instead
        amendments.propose_amendment(world.member, world.chapter, proposal.id, change(proposal))
    with pytest.raises(ValidationFailed) as exc:
        amendments.propose_amendment(world.steering, world.chapter, proposal.id, amendments.AmendmentDraft(
            AmendmentKind.NEW_OPTION, None, "Third way", "Do something else"))
    assert "kind" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        amendments.propose_amendment(world.steering, world.chapter, proposal.id, change(proposal, directive=" "))
    assert "directive" in exc.value.errors
    ranked = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], kind="ranked",
                                     title="Ranked")
    with pytest.raises(ValidationFailed) as exc:
        amendments.propose_amendment(world.steering, world.chapter, ranked.id, amendments.AmendmentDraft(
            AmendmentKind.NEW_OPTION, None, "bloc", "Same label"))
    assert "label" in exc.value.errors
    a = amendments.propose_amendment(world.steering, world.chapter, ranked.id, amendments.AmendmentDraft(
        AmendmentKind.NEW_OPTION, None, "Third way", "Endorse nobody."))
    amendments.decide_amendment(world.member, world.chapter, a.id, accept=True)
    assert [o.label for o in db.session.get(Proposal, ranked.id).options] == ["Bloc", "Individually", "Third way"]


# --- bylaws ---------------------------------------------------------------------------------

def test_steering_edits_the_bylaws_and_it_is_audited(app, world):
    current = db.session.get(Bylaws, world.chapter.id)
    values = {f: getattr(current, f) for f in bylaws.BylawsChange.__dataclass_fields__}
    with pytest.raises(PermissionDenied):
        bylaws.update_bylaws(world.member, world.chapter, bylaws.BylawsChange(**values))
    with pytest.raises(ValidationFailed) as exc:
        bylaws.update_bylaws(world.steering, world.chapter, bylaws.BylawsChange(**{**values, "voting_hours": 0,
                                                                                   "threshold": "most"}))
    assert set(exc.value.errors) == {"voting_hours", "threshold"}
    bylaws.update_bylaws(world.steering, world.chapter, bylaws.BylawsChange(**{**values, "quorum_percent": 33}))
    assert db.session.get(Bylaws, world.chapter.id).quorum_percent == 33
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.kind == "bylaws.updated" and event.data["after"]["quorum_percent"] == 33
