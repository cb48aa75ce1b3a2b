"""`flask openbargain tick` (cron): opens rolls that are due, mails each reminder once, logs the
turnout of each finished voting day and certifies what has closed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, select

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


def _recipients(referendum: Referendum, only_non_voters: bool) -> Select:
    query = (select(User.email.label("email"), User.name.label("name"), Membership.id.label("member"))
             .join(Membership, Membership.user_id == User.id)
             .join(VoterRollEntry, VoterRollEntry.membership_id == Membership.id)
             .where(VoterRollEntry.referendum_id == referendum.id))
    if only_non_voters:
        query = query.where(VoterRollEntry.voted_on.is_(None))
    return query


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
                opened += outbox.queue_merge(uow, f"vote-open:{referendum.id}", _recipients(referendum, False),
                                             f"Vote now: {proposal.title}", "vote_open", **context)
            if referendum.closing_notice_sent_at is None and referendum.closes_at - moment <= CLOSING_SOON:
                referendum.closing_notice_sent_at = moment
                closing += outbox.queue_merge(uow, f"vote-closing:{referendum.id}", _recipients(referendum, True),
                                              f"Closes within 24 hours: {proposal.title}", "vote_closing", **context)
    certified = certify_closed()
    return TickReport(len(frozen), opened, closing, certified, outbox.sweep())
