"""Turnout while a vote runs, and the one reminder steering may send.

Turnout is counted by voting day from the roll's `voted_on` dates — the only record of who voted,
and a date, never a time — and set against the quorum. Steering may send one "the vote closes
soon" reminder per vote to the members who have not voted: the app picks them from the roll and
steering learns how many were reminded, never who. The reminder and `tick`'s automatic one are
never both sent within twelve hours.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import ceil

from flask_babel import gettext
from sqlalchemy import func, select

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Chapter, Proposal, Referendum, ReferendumStatus, User, VoterRollEntry
from openbargain.phrases import phrase
from openbargain.services import audit, notifications, roll_notices
from openbargain.services.access import membership_of, require, require_visible
from openbargain.services.errors import InvalidTransition, NotFound
from openbargain.services.uow import unit_of_work

APART = timedelta(hours=12)  # the least time between two "closes soon" reminders of one vote


@dataclass(frozen=True)
class TurnoutDay:
    day: date
    voted: int  # ballots cast that day
    total: int  # cast by the end of that day


@dataclass(frozen=True)
class Turnout:
    days: list[TurnoutDay]
    voted: int
    roll_size: int
    quorum: int  # ballots the quorum needs

    @property
    def quorum_met(self) -> bool:
        return self.voted >= self.quorum

    @property
    def percent(self) -> int:
        return round(100 * self.voted / self.roll_size) if self.roll_size else 0


def turnout(referendum: Referendum) -> Turnout:
    """The votes cast on each voting day so far, against the roll and the quorum."""
    rows = db.session.execute(
        select(VoterRollEntry.voted_on, func.count()).where(VoterRollEntry.referendum_id == referendum.id,
                                                            VoterRollEntry.voted_on.is_not(None))
        .group_by(VoterRollEntry.voted_on).order_by(VoterRollEntry.voted_on)).all()
    days, total = [], 0
    for day, voted in rows:
        total += voted
        days.append(TurnoutDay(day, voted, total))
    roll = referendum.roll_size or 0
    return Turnout(days, total, roll, ceil(roll * referendum.quorum_percent / 100))


@dataclass(frozen=True)
class Reminder:
    reminded: int  # how many members had not voted and were told: a count, never a list
    sent_at: datetime


def reminder_refusal(referendum: Referendum, moment: datetime | None = None) -> str | None:
    """Why steering's reminder cannot go now (or at `moment`), if it cannot."""
    moment = moment or now()
    if referendum.status_at(moment) != ReferendumStatus.OPEN:
        return gettext("The vote is not open: there is nobody to remind.")
    if referendum.reminder_sent_at is not None:
        return gettext("The reminder of this vote was sent already: one per vote.")
    automatic = referendum.closing_notice_sent_at
    if automatic is not None and moment - automatic < APART:
        return gettext("The automatic reminder went less than 12 hours ago: members are not reminded twice in 12 "
                       "hours.")
    return None


def send_reminder(actor: User, chapter: Chapter, referendum_id: int) -> Reminder:
    """Steering reminds the members on the roll who have not voted that the vote closes soon."""
    with unit_of_work() as uow:
        s = uow.session
        referendum = s.scalar(select(Referendum).where(Referendum.id == referendum_id).with_for_update())
        proposal = s.get(Proposal, referendum.proposal_id) if referendum else None
        if proposal is None or proposal.chapter_id != chapter.id:
            raise NotFound(gettext("No such vote."))
        mine = membership_of(actor, chapter, s)
        require_visible(actor, mine, proposal, chapter, s)
        require(policy.can_schedule(actor, mine), mine, gettext("Only the steering committee sends reminders."))
        moment = now()
        refusal = reminder_refusal(referendum, moment)
        if refusal:
            raise InvalidTransition(refusal)
        referendum.reminder_sent_at = moment
        reminded = roll_notices.announce(
            uow, "vote_closing", f"referendum:{referendum.id}:reminder", referendum.id, only_non_voters=True,
            chapter=chapter,
            title=phrase("The vote on “%(title)s” closes soon and you have not voted", title=proposal.title),
            subject=phrase("Closes soon: %(title)s", title=proposal.title), template="vote_closing",
            link=notifications.path("referenda.show", slug=chapter.slug, referendum_id=referendum.id),
            proposal=proposal, referendum=referendum)
        audit.record(s, "referendum.reminder_sent", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                     data={"reminded": reminded})
    return Reminder(reminded, moment)
