"""`flask openbargain tick` (cron): opens rolls that are due, mails each reminder once, logs the
turnout of each finished voting day and certifies what has closed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from openbargain.services import outbox
from openbargain.clock import now
from openbargain.models import Chapter, Membership, Proposal, Referendum, User, VoterRollEntry
from openbargain.services.results import certify_closed
from openbargain.services.rolls import freeze_due_rolls
from openbargain.services.turnout import record_finished_days
from openbargain.services.uow import unit_of_work

CLOSING_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class TickReport:
    rolls_frozen: int
    open_notices: int
    closing_notices: int
    certified: int = 0
    mail_retried: int = 0


def _recipients(session, referendum: Referendum, only_non_voters: bool) -> list[tuple[str, str]]:
    query = (select(User.email, User.name).join(Membership, Membership.user_id == User.id)
             .join(VoterRollEntry, VoterRollEntry.membership_id == Membership.id)
             .where(VoterRollEntry.referendum_id == referendum.id))
    if only_non_voters:
        query = query.where(VoterRollEntry.voted_on.is_(None))
    return [(row.email, row.name) for row in session.execute(query)]


def tick() -> TickReport:
    with unit_of_work() as uow:
        s = uow.session
        moment = now()
        frozen = freeze_due_rolls(s)
        due = s.scalars(select(Referendum).where(Referendum.opens_at <= moment, Referendum.closes_at > moment,
                                                  Referendum.certified_at.is_(None)).with_for_update())
        opened = closing = 0
        for referendum in due:
            proposal = s.get(Proposal, referendum.proposal_id)
            chapter = s.get(Chapter, proposal.chapter_id)
            context = {"chapter": chapter, "proposal": proposal, "referendum": referendum}
            record_finished_days(s, referendum, chapter)
            if referendum.open_notice_sent_at is None:
                referendum.open_notice_sent_at = moment
                for email, name in _recipients(s, referendum, only_non_voters=False):
                    outbox.queue(uow, email, f"Vote now: {proposal.title}", "vote_open", **context, name=name)
                    opened += 1
            if referendum.closing_notice_sent_at is None and referendum.closes_at - moment <= CLOSING_SOON:
                referendum.closing_notice_sent_at = moment
                for email, name in _recipients(s, referendum, only_non_voters=True):
                    outbox.queue(uow, email, f"Closes within 24 hours: {proposal.title}", "vote_closing",
                                 **context, name=name)
                    closing += 1
    certified = certify_closed()
    return TickReport(len(frozen), opened, closing, certified, outbox.deliver_due())
