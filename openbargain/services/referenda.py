"""Referenda: when a vote may open, and scheduling one. (Casting and counting come later.)"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from openbargain.models import BallotKind, Bylaws, Proposal, Referendum


def earliest_opening(bylaws: Bylaws, proposal: Proposal) -> datetime:
    """No vote opens before the bylaws' minimum deliberation since publication."""
    assert proposal.published_at is not None
    return proposal.published_at + bylaws.min_deliberation(proposal.urgent)


def default_method(proposal: Proposal) -> str:
    return "yes_no" if proposal.ballot_kind == BallotKind.YES_NO else "irv"


def schedule_by_petition(session: Session, proposal: Proposal, bylaws: Bylaws, moment: datetime) -> Referendum:
    """A successful petition schedules the vote with the chapter's default timing."""
    opens_at = max(moment + timedelta(hours=bylaws.petition_delay_hours), earliest_opening(bylaws, proposal))
    referendum = Referendum(
        proposal_id=proposal.id,
        method=default_method(proposal),
        seats=1,
        threshold=bylaws.threshold if proposal.ballot_kind == BallotKind.YES_NO else None,
        quorum_percent=bylaws.quorum_percent,
        secret=True,
        opens_at=opens_at,
        closes_at=opens_at + bylaws.voting_length(proposal.urgent),
        by_petition=True,
    )
    session.add(referendum)
    return referendum
