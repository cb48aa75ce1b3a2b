from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import AuditEvent, BallotKind, Proposal, ProposalStatus, Revision, Standing
from openbargain.services import proposals, revisions
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from openbargain.services.proposals import OptionDraft
from tests import factories
from tests.helpers import membership



@pytest.fixture
def electeds(world):
    second = factories.make_membership(world.chapter, elected=True, office="City Council, Ward 4")
    return [membership(world.elected), second]


def counts():
    return (db.session.scalar(select(func.count()).select_from(Proposal)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)))


def kinds():
    return [e.kind for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_member_drafts_and_publishes_a_proposal_directing_two_electeds(app, world, electeds, outbox):
    draft = proposals.draft_proposal(world.member, world.chapter, factories.proposal_draft(electeds))
    assert draft.status == ProposalStatus.DRAFT and draft.revision == 0
    assert [o.label for o in draft.options] == ["Yes", "No"]
    proposals.publish_proposal(world.member, world.chapter, draft.id)
    p = db.session.get(Proposal, draft.id)
    assert p.status == ProposalStatus.DELIBERATION and p.published_at is not None and p.revision == 1
    assert sorted(m.to for m in outbox) == sorted(m.user.email for m in electeds)
    assert "/c/riverside/proposals/" in outbox[0].body
    assert kinds() == ["proposal.drafted", "proposal.published"]


def test_a_ranked_proposal_keeps_its_options_and_directives(app, world, electeds):
    p = factories.make_proposal(world.chapter, world.member, electeds, kind="ranked")
    assert p.ballot_kind == BallotKind.RANKED
    assert [(o.label, o.directive) for o in p.options] == [
        ("Bloc", "Endorse the insurgents as a bloc."), ("Individually", "Endorse candidates one by one.")]


BAD = [
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"decision": ""}, "decision"),
    ({"deadline": date.today() - timedelta(days=2)}, "deadline"),
    ({"elected_ids": []}, "electeds"),
    ({"options": [OptionDraft("A", "Do A"), OptionDraft("B", "Do B")]}, "options"),
    ({"adopted_directive": ""}, "adopted_directive"),
    ({"body": "x" * 20_001}, "body"),
]
BAD_RANKED = [
    ({"options": [OptionDraft("Only", "Do it")]}, "options"),
    ({"options": [OptionDraft("Same", "A"), OptionDraft("same", "B")]}, "options"),
    ({"options": [OptionDraft("A", ""), OptionDraft("B", "Do B")]}, "options"),
]


@pytest.mark.parametrize("change, field", BAD)
def test_bad_yes_no_drafts_are_refused_and_change_nothing(app, world, electeds, change, field):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        proposals.draft_proposal(world.member, world.chapter, factories.proposal_draft(electeds, **change))
    assert field in exc.value.errors
    assert counts() == before


@pytest.mark.parametrize("change, field", BAD_RANKED)
def test_bad_ranked_drafts_are_refused(app, world, electeds, change, field):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        proposals.draft_proposal(world.member, world.chapter, factories.proposal_draft(electeds, kind="ranked", **change))
    assert field in exc.value.errors
    assert counts() == before


def test_only_electeds_of_the_chapter_can_be_directed(app, world, electeds):
    foreign_elected = factories.make_membership(world.other_chapter, elected=True)
    for wrong in (membership(world.member), foreign_elected):
        with pytest.raises(ValidationFailed) as exc:
            proposals.draft_proposal(world.member, world.chapter, factories.proposal_draft([electeds[0], wrong]))
        assert "electeds" in exc.value.errors


@pytest.mark.parametrize("role, error", [("lapsed", PermissionDenied), ("suspended", NotFound),
                                         ("other_steering", NotFound), ("admin", NotFound)])
def test_only_members_in_good_standing_draft(app, world, electeds, role, error):
    with pytest.raises(error):
        proposals.draft_proposal(world.user(role), world.chapter, factories.proposal_draft(electeds))


def test_an_edit_in_deliberation_keeps_a_revision_and_a_readable_diff(app, world, electeds):
    p = factories.make_proposal(world.chapter, world.member, electeds)
    proposals.update_proposal(world.member, world.chapter, p.id,
                              factories.proposal_draft(electeds, adopted_directive="Vote no, and say why."))
    revs = list(db.session.scalars(select(Revision).where(Revision.proposal_id == p.id).order_by(Revision.number)))
    assert [r.number for r in revs] == [1, 2]
    diff = revisions.compare(revs[0].snapshot, revs[1].snapshot)
    assert [d.text for d in diff if d.kind == "removed"] == ["Option Yes: Vote no on the budget deal."]
    assert [d.text for d in diff if d.kind == "added"] == ["Option Yes: Vote no, and say why."]
    assert kinds()[-1] == "proposal.edited"


def test_only_the_author_edits(app, world, electeds):
    p = factories.make_proposal(world.chapter, world.member, electeds)
    with pytest.raises(PermissionDenied):
        proposals.update_proposal(world.steering, world.chapter, p.id, factories.proposal_draft(electeds, title="Mine"))
    assert db.session.get(Proposal, p.id).title == "Vote no on the budget deal"


def test_a_scheduled_proposal_is_frozen(app, world, electeds):
    p = factories.make_proposal(world.chapter, world.member, electeds)
    p.status = ProposalStatus.SCHEDULED
    db.session.commit()
    with pytest.raises(InvalidTransition, match="can no longer change"):
        proposals.update_proposal(world.member, world.chapter, p.id, factories.proposal_draft(electeds, title="Moved"))
    assert db.session.get(Proposal, p.id).title == "Vote no on the budget deal"


def test_withdrawal_by_author_or_steering_only(app, world, electeds):
    p = factories.make_proposal(world.chapter, world.member, electeds)
    with pytest.raises(PermissionDenied):
        proposals.withdraw_proposal(world.elected, world.chapter, p.id, "Superseded by events.")
    proposals.withdraw_proposal(world.steering, world.chapter, p.id, "Superseded by events.")
    assert db.session.get(Proposal, p.id).status == ProposalStatus.WITHDRAWN
    with pytest.raises(InvalidTransition):
        proposals.withdraw_proposal(world.member, world.chapter, p.id, "Superseded by events.")
    assert kinds()[-1] == "proposal.withdrawn"


def test_visibility_of_drafts_members_only_and_public_proposals(app, world, electeds):
    draft = factories.make_proposal(world.chapter, world.member, electeds, publish=False)
    with pytest.raises(NotFound):
        proposals.get_proposal(world.steering, world.chapter, draft.id)
    assert proposals.get_proposal(world.member, world.chapter, draft.id).proposal.id == draft.id
    members_only = factories.make_proposal(world.chapter, world.member, electeds)
    public = factories.make_proposal(world.chapter, world.member, electeds, visibility="public", title="Public one")
    for outsider in (None, world.other_steering, world.suspended):
        with pytest.raises(NotFound):
            proposals.get_proposal(outsider, world.chapter, members_only.id)
        assert proposals.get_proposal(outsider, world.chapter, public.id).proposal.id == public.id
    listed = proposals.list_proposals(None, world.chapter)
    assert [p.id for p in listed.proposals] == [public.id]
    mine = proposals.list_proposals(world.member, world.chapter)
    assert {p.id for p in mine.proposals} == {draft.id, members_only.id, public.id}
    assert draft.id not in {p.id for p in proposals.list_proposals(world.steering, world.chapter).proposals}


def test_public_pages_off_hides_everything_from_visitors(app, world, electeds):
    public = factories.make_proposal(world.chapter, world.member, electeds, visibility="public")
    from openbargain.models import Bylaws

    db.session.get(Bylaws, world.chapter.id).public_pages = False
    db.session.commit()
    with pytest.raises(NotFound):
        proposals.get_proposal(None, world.chapter, public.id)
    with pytest.raises(NotFound):
        proposals.list_proposals(None, world.chapter)


def test_list_filters_by_status_elected_and_title(app, world, electeds):
    a = factories.make_proposal(world.chapter, world.member, [electeds[0]], title="Budget deal")
    b = factories.make_proposal(world.chapter, world.member, [electeds[1]], title="Transit bill")
    proposals.withdraw_proposal(world.member, world.chapter, b.id, "Superseded by events.")
    ids = lambda **kw: [p.id for p in proposals.list_proposals(world.member, world.chapter, **kw).proposals]  # noqa: E731
    assert ids(status=ProposalStatus.WITHDRAWN) == [b.id]
    assert ids(elected_id=electeds[0].id) == [a.id]
    assert ids(query="TRANSIT") == [b.id]
    assert ids(query="%") == []


def test_a_lapsed_author_cannot_publish(app, world, electeds):
    draft = factories.make_proposal(world.chapter, world.member, electeds, publish=False)
    m = membership(world.member)
    m.standing = Standing.LAPSED
    db.session.commit()
    with pytest.raises(PermissionDenied):
        proposals.publish_proposal(world.member, world.chapter, draft.id)
    assert db.session.get(Proposal, draft.id).status == ProposalStatus.DRAFT
