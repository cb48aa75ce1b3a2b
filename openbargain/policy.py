"""Who may do what: pure predicates over a user and their membership in the chapter at hand.

Templates call these to show or hide controls; services call them to enforce. `membership` is
the acting user's Membership in the chapter concerned, or None when they have none.
"""
from __future__ import annotations

from openbargain.clock import now
from openbargain.models import (
    BargainingSession,
    Bylaws,
    Mandate,
    MandateStatus,
    Membership,
    Proposal,
    ProposalKind,
    ProposalStatus,
    ReferendumStatus,
    Standing,
    User,
    Visibility,
    VoterRollEntry,
)

OPEN_FOR_DEBATE = (ProposalStatus.DELIBERATION, ProposalStatus.SCHEDULED, ProposalStatus.VOTING)


def is_chapter_insider(membership: Membership | None) -> bool:
    """Sees the chapter's members-only pages: any member not suspended, lapsed included."""
    return membership is not None and membership.standing != Standing.SUSPENDED


def is_active_steering(membership: Membership | None) -> bool:
    return membership is not None and membership.is_steering and membership.in_good_standing


def can_view_chapter(user: User | None, membership: Membership | None) -> bool:
    return is_chapter_insider(membership)


def can_view_roster(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_manage_roster(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_view_audit_log(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_administer_site(user: User | None) -> bool:
    return user is not None and user.is_admin


def can_manage_webhooks(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_edit_bylaws(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def in_good_standing(membership: Membership | None) -> bool:
    return membership is not None and membership.in_good_standing


def is_author(user: User | None, proposal: Proposal) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and proposal.author_id == user.id


def is_directed(membership: Membership | None, proposal: Proposal) -> bool:
    return membership is not None and any(d.membership_id == membership.id for d in proposal.directed)


def can_view_proposal(user: User | None, membership: Membership | None, proposal: Proposal, bylaws: Bylaws) -> bool:
    """A draft is its author's alone; a public proposal is the world's when the chapter shows
    public pages; everything else is for the chapter's members."""
    if proposal.status == ProposalStatus.DRAFT:
        return is_author(user, proposal)
    if proposal.kind == ProposalKind.COMMITTEE and proposal.published_at is not None and proposal.published_at > now():
        # An embargoed committee decision: the electeds it directs act on it; steering and the
        # member who recorded it see it; the members, once the embargo ends.
        return is_directed(membership, proposal) or is_active_steering(membership) or is_author(user, proposal)
    if proposal.visibility == Visibility.PUBLIC and bylaws.public_pages:
        return True
    return is_chapter_insider(membership)


def can_list_proposals(user: User | None, membership: Membership | None, bylaws: Bylaws) -> bool:
    return is_chapter_insider(membership) or bylaws.public_pages


def can_draft_proposal(user: User | None, membership: Membership | None) -> bool:
    return in_good_standing(membership)


def can_edit_proposal(user: User | None, membership: Membership | None, proposal: Proposal) -> bool:
    return (is_author(user, proposal) and in_good_standing(membership)
            and proposal.status in (ProposalStatus.DRAFT, ProposalStatus.DELIBERATION))


def can_publish_proposal(user: User | None, membership: Membership | None, proposal: Proposal) -> bool:
    return is_author(user, proposal) and in_good_standing(membership) and proposal.status == ProposalStatus.DRAFT


def can_withdraw_proposal(user: User | None, membership: Membership | None, proposal: Proposal) -> bool:
    allowed = proposal.status in (ProposalStatus.DRAFT, ProposalStatus.DELIBERATION, ProposalStatus.SCHEDULED)
    return allowed and (is_author(user, proposal) or is_active_steering(membership))


def can_comment(user: User | None, membership: Membership | None, proposal: Proposal) -> bool:
    """Members in good standing and the electeds the proposal directs take part in the debate."""
    speaker = in_good_standing(membership) or is_directed(membership, proposal)
    return speaker and proposal.status in OPEN_FOR_DEBATE


def can_moderate(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_sign_petition(user: User | None, membership: Membership | None, proposal: Proposal) -> bool:
    return in_good_standing(membership) and proposal.status == ProposalStatus.DELIBERATION


def can_propose_amendment(user: User | None, membership: Membership | None, proposal: Proposal) -> bool:
    return (in_good_standing(membership) and proposal.status == ProposalStatus.DELIBERATION
            and not is_author(user, proposal))


def can_decide_amendment(user: User | None, membership: Membership | None, proposal: Proposal) -> bool:
    return is_author(user, proposal) and proposal.status == ProposalStatus.DELIBERATION


def can_cosign_amendment(user: User | None, membership: Membership | None, proposal: Proposal) -> bool:
    return in_good_standing(membership) and proposal.status == ProposalStatus.DELIBERATION


def can_schedule(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_declare_urgent(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_vote(entry: VoterRollEntry | None, status: ReferendumStatus) -> bool:
    """On the roll frozen at opening, not voted yet, and the vote open."""
    return status == ReferendumStatus.OPEN and entry is not None and entry.voted_on is None


def holds_mandate(membership: Membership | None, mandate: Mandate) -> bool:
    return membership is not None and membership.id == mandate.membership_id


def can_acknowledge_mandate(membership: Membership | None, mandate: Mandate) -> bool:
    return holds_mandate(membership, mandate) and mandate.status == MandateStatus.ISSUED


def can_file_report(membership: Membership | None, mandate: Mandate) -> bool:
    return holds_mandate(membership, mandate) and mandate.status not in (
        MandateStatus.ISSUED, MandateStatus.SUPERSEDED, MandateStatus.SUSPENDED, MandateStatus.LAPSED)


def can_review_reports(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_log_bargaining_entry(user: User | None, membership: Membership | None) -> bool:
    return membership is not None and membership.is_elected and membership.standing != Standing.SUSPENDED


def can_post_to_session(membership: Membership | None, session: BargainingSession) -> bool:
    """The session's elected, and the note-taker they named, post what happens at the table."""
    return (membership is not None and membership.standing != Standing.SUSPENDED
            and membership.id in (session.membership_id, session.note_taker_id))
