"""A general meeting's votes: the chair or a teller opens one on an agenda proposal for minutes,
while the meeting sits quorate; its roll is the members present then, frozen at once; it is cast,
sealed and counted as any referendum (casting, paper, results), and closes at its time — or
earlier, once every ballot on its roll is in, certified on the spot."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openbargain.clock import now
from openbargain.models import (
    BallotKind,
    Chapter,
    Election,
    MeetingStatus,
    PaperBatch,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Referendum,
    ReferendumStatus,
    Result,
    Teller,
    User,
    VoterRollEntry,
)
from openbargain.models.referendum import YES_NO_METHOD
from openbargain.services import audit, meetings, referenda, results
from openbargain.services.access import acting_on, bylaws_of
from openbargain.services.bylaws import MEETING_VOTE_MINUTES_MAX
from openbargain.services.errors import InvalidTransition, NotFound, ValidationFailed
from openbargain.services.lifecycle import transition
from openbargain.services.rolls import freeze_due_rolls
from openbargain.services.uow import unit_of_work


def _method(session: Session, proposal: Proposal) -> tuple[str, int]:
    """A yes/no proposal by yes/no; an election by STV for its seats (instant-runoff for one); any
    other ranked proposal by instant-runoff."""
    if proposal.ballot_kind == BallotKind.YES_NO:
        return YES_NO_METHOD, 1
    if proposal.kind == ProposalKind.ELECTION:
        election = session.get(Election, proposal.id)
        return ("stv", election.seats) if election.seats > 1 else ("irv", 1)
    return "irv", 1


def open_vote(actor: User, chapter: Chapter, meeting_id: int, proposal_id: int,
              minutes: int | None = None) -> Referendum:
    """The chair or a teller opens the vote on an agenda proposal, for minutes; its roll is the
    members present now, frozen at once."""
    with unit_of_work() as uow:
        s = uow.session
        meeting = meetings.acting_at(s, actor, chapter, meeting_id, meetings.runs,
                                     gettext("Only the meeting's chair and tellers open its votes."))
        bylaws = bylaws_of(chapter, s)
        minutes = bylaws.meeting_vote_minutes if minutes is None else minutes
        if not 1 <= minutes <= MEETING_VOTE_MINUTES_MAX:
            raise ValidationFailed.on("minutes", gettext("A meeting vote lasts 1 to %(most)d minutes.",
                                                         most=MEETING_VOTE_MINUTES_MAX))
        if meeting.status_at(now()) != MeetingStatus.IN_SESSION:
            raise InvalidTransition(gettext("Votes are opened while the meeting sits: after the chair calls it to "
                                            "order, before it adjourns."))
        if meetings.vote_open_at(s, meeting.id) is not None:
            raise InvalidTransition(gettext("A vote is open: one at a time, so that the room knows what it votes on."))
        if proposal_id not in {p.id for p in meetings.agenda_of(s, meeting.id)}:
            raise ValidationFailed.on("proposal_id", gettext("The meeting votes on its agenda; this proposal is not "
                                                             "on it."))
        proposal, _ = acting_on(s, actor, chapter, proposal_id)
        if proposal.status != ProposalStatus.DELIBERATION:
            raise InvalidTransition(gettext("Only a proposal in deliberation can be put to a vote."))
        moment = now()
        if moment < referenda.earliest_opening(bylaws, proposal):
            raise InvalidTransition(referenda.too_early(bylaws, proposal))
        method, seats = _method(s, proposal)
        if proposal.kind == ProposalKind.ELECTION:
            referenda.check_election_schedule(s.get(Election, proposal.id), proposal, referenda.Schedule(
                method=method, opens_at=moment, closes_at=moment, quorum_percent=0, seats=seats))
        present, needed = meetings.present_count(s, meeting.id), meetings.quorum_needed(s, chapter, bylaws)
        if present < needed:
            raise InvalidTransition(gettext("The meeting is not quorate: %(present)d present, %(needed)d needed.",
                                            present=present, needed=needed))
        # The room is told by its screen: no notice, reminder or chat message for a vote of minutes.
        referendum = Referendum(
            proposal_id=proposal.id, method=method, seats=seats, by_petition=False, meeting_id=meeting.id,
            threshold=bylaws.threshold if method == YES_NO_METHOD else None, quorum_percent=bylaws.quorum_percent,
            secret=not bylaws.meeting_roll_call, opens_at=moment, closes_at=moment + timedelta(minutes=minutes),
            open_notice_sent_at=moment, closing_notice_sent_at=moment)
        s.add(referendum)
        transition(proposal, ProposalStatus.SCHEDULED)
        s.flush()
        audit.record(s, "referendum.scheduled", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, "meeting_id": meeting.id, "method": method, "seats": seats,
                           "threshold": referendum.threshold, "quorum_percent": referendum.quorum_percent,
                           "secret": referendum.secret, "opens_at": referendum.opens_at.isoformat(),
                           "closes_at": referendum.closes_at.isoformat()})
        freeze_due_rolls(s, chapter.id)  # this vote's roll: who is present now
        # The meeting's chair and tellers count its paper ballots.
        counting = dict.fromkeys([meeting.chair_id] + [t.id for t in meetings.tellers_of(s, meeting.id)])
        s.add_all([Teller(referendum_id=referendum.id, membership_id=m) for m in counting])
    return referendum


def _all_in(session: Session, referendum: Referendum) -> bool:
    """Everyone on the roll has voted, and every paper ballot marked is in a batch two tellers agreed on."""
    waiting = session.scalar(select(func.count()).select_from(VoterRollEntry).where(
        VoterRollEntry.referendum_id == referendum.id, VoterRollEntry.voted_on.is_(None))) or 0
    marked = session.scalar(select(func.count()).select_from(VoterRollEntry).where(
        VoterRollEntry.referendum_id == referendum.id, VoterRollEntry.on_paper)) or 0
    entered = sum(len(b) for b in session.scalars(select(PaperBatch.ballots).where(
        PaperBatch.referendum_id == referendum.id, PaperBatch.agreed_at.is_not(None))))
    return waiting == 0 and entered == marked


def close_vote(actor: User, chapter: Chapter, meeting_id: int, referendum_id: int) -> Result:
    """Closes a meeting vote before its time once every ballot is in, and certifies it at once."""
    with unit_of_work() as uow:
        s = uow.session
        meeting = meetings.acting_at(s, actor, chapter, meeting_id, meetings.runs,
                                     gettext("Only the meeting's chair and tellers close its votes."))
        referendum = s.scalar(select(Referendum).where(Referendum.id == referendum_id,
                                                       Referendum.meeting_id == meeting.id).with_for_update())
        if referendum is None:
            raise NotFound(gettext("No such vote at this meeting."))
        if referendum.status_at(now()) != ReferendumStatus.OPEN:
            raise InvalidTransition(gettext("This vote is not open."))
        if not _all_in(s, referendum):
            raise InvalidTransition(gettext("Not everyone on the roll has voted (or paper ballots are still being "
                                            "entered): the vote closes at its time."))
        referendum.closes_at = now()
        audit.record(s, "meeting.vote_closed", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                     data={"meeting_id": meeting.id, "closes_at": referendum.closes_at.isoformat()})
        return results.certify_due(uow, referendum.id)
