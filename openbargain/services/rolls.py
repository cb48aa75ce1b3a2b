"""Voter rolls: frozen when a referendum opens, from the members in good standing then (for a
general meeting's vote, those of them checked in and not gone)."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Attendance, Membership, Proposal, ProposalStatus, Referendum, Standing, VoterRollEntry
from openbargain.services import audit, sealing
from openbargain.services.lifecycle import transition
from openbargain.services.uow import unit_of_work


def roll_digest(membership_ids: list[int]) -> str:
    """Published with the roll size when the vote opens: anyone holding the roll can check it."""
    return hashlib.sha256(("referendum-roll:" + ",".join(map(str, sorted(membership_ids)))).encode()).hexdigest()


def freeze_due_rolls(session: Session, chapter_id: int | None = None) -> list[Referendum]:
    """Freezes the roll of every referendum that has opened and has none yet. Called before
    anything that changes standing (roster import, membership edits) and before casting, so a
    roll is exactly the standing at the moment the vote opened, with no background process."""
    moment = now()
    query = select(Referendum).join(Proposal, Proposal.id == Referendum.proposal_id).where(
        Referendum.roll_frozen_at.is_(None), Referendum.opens_at <= moment)
    if chapter_id is not None:
        query = query.where(Proposal.chapter_id == chapter_id)
    frozen = []
    # Locked in id order, as every other path takes them, so two freezers cannot deadlock.
    for referendum in list(session.scalars(query.order_by(Referendum.id).with_for_update(of=Referendum))):
        proposal = session.get(Proposal, referendum.proposal_id)
        eligible = select(Membership.id).where(Membership.chapter_id == proposal.chapter_id,
                                               Membership.standing == Standing.GOOD_STANDING)
        if referendum.meeting_id is not None:
            eligible = eligible.join(Attendance, Attendance.membership_id == Membership.id).where(
                Attendance.meeting_id == referendum.meeting_id, Attendance.left_at.is_(None))
        members = list(session.scalars(eligible))
        if members:  # one multi-row insert: a roll of 100,000 members freezes in a second or two
            session.execute(insert(VoterRollEntry), [{"referendum_id": referendum.id, "membership_id": m}
                                                     for m in members])
        referendum.roll_frozen_at = moment
        referendum.roll_size = len(members)
        referendum.roll_hash = roll_digest(members)
        referendum.seal_key_id = sealing.current_key_id()
        if proposal.status == ProposalStatus.SCHEDULED:
            transition(proposal, ProposalStatus.VOTING)
        session.flush()
        audit.record(session, "referendum.opened", f"referendum:{referendum.id}", actor=None,
                     chapter=proposal.chapter,
                     data={"roll_size": referendum.roll_size, "roll_hash": referendum.roll_hash})
        frozen.append(referendum)
    return frozen


def ensure_rolls_frozen(chapter_id: int | None = None) -> None:
    """Freezes due rolls in a transaction of their own, committed whatever happens next: a cast
    that is then refused must not take the freezing back with it."""
    query = select(func.count()).select_from(Referendum).join(Proposal, Proposal.id == Referendum.proposal_id) \
        .where(Referendum.roll_frozen_at.is_(None), Referendum.opens_at <= now())
    if chapter_id is not None:
        query = query.where(Proposal.chapter_id == chapter_id)
    if db.session.scalar(query):
        with unit_of_work() as uow:
            freeze_due_rolls(uow.session, chapter_id)
