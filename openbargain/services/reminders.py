"""`flask openbargain tick` (cron): opens rolls that are due, mails each reminder once, logs the
turnout of each finished voting day and certifies what has closed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import String, cast, exists, literal, select

from openbargain.phrases import dated, each_language, local_time, phrase
from openbargain.services import (
    bargaining,
    committee,
    escalations,
    notifications,
    nudges,
    outbox,
    roll_notices,
    webhook_settings,
    webhooks,
)
from openbargain.clock import now
from openbargain.models import Chapter, Mandate, Membership, Notification, Proposal, Referendum
from openbargain.models.mandate import AWAITING_REPORT
from openbargain.services.proposals import chapter_today
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
    digests: int = 0
    webhooks_retried: int = 0
    roll_notices_finished: int = 0  # announced, but left unwritten by a crash (roll_notices.py)


REPORT_SOON = timedelta(days=3)


def _reports_due() -> None:
    """Tells each elected, once, that a report on a mandate is due within three days, and once
    more when it is overdue (by the chapter's calendar)."""
    with unit_of_work() as uow:
        s = uow.session
        # A mandate whose elected was told it is overdue is done with: it leaves the query for good.
        told_overdue = exists().where(
            Notification.user_id == Membership.user_id,
            Notification.key == literal("report_due:mandate:") + cast(Mandate.id, String) + literal(":overdue"))
        waiting = s.execute(select(Mandate, Chapter, Proposal.title, Membership.user_id)
                            .join(Chapter, Chapter.id == Mandate.chapter_id)
                            .join(Proposal, Proposal.id == Mandate.proposal_id)
                            .join(Membership, Membership.id == Mandate.membership_id)
                            .where(Mandate.status.in_(AWAITING_REPORT), ~told_overdue,
                                   Mandate.due_on <= now().date() + REPORT_SOON + timedelta(days=1))).all()
        for mandate, chapter, title, elected in waiting:
            today = chapter_today(chapter)
            if mandate.due_on - today > REPORT_SOON:
                continue
            late = mandate.due_on < today
            due = each_language(lambda: dated(mandate.due_on, "%-d %B %Y", "yMMMMd"))
            notifications.tell(
                uow, "report_due", f"mandate:{mandate.id}:{'overdue' if late else 'due'}",
                notifications.to_user(elected), chapter=chapter,
                title=(phrase("Your report on “%(title)s” was due %(date)s: it is overdue", title=title, date=due)
                       if late else phrase("Your report on “%(title)s” is due %(date)s", title=title, date=due)),
                link=notifications.path("accountability.mandate", slug=chapter.slug, mandate_id=mandate.id))


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
            context = {"chapter": chapter, "proposal": proposal, "referendum": referendum,
                       "link": notifications.path("referenda.show", slug=chapter.slug, referendum_id=referendum.id)}
            record_finished_days(s, referendum, chapter)
            if referendum.open_notice_sent_at is None:
                referendum.open_notice_sent_at = moment
                opened += roll_notices.announce(
                    uow, "vote_opened", f"referendum:{referendum.id}", referendum.id,
                    title=phrase("The vote on “%(title)s” is open", title=proposal.title),
                    subject=phrase("Vote now: %(title)s", title=proposal.title), template="vote_open", **context)
                closes = each_language(lambda: local_time(referendum.closes_at, chapter.timezone))
                webhooks.emit(uow, chapter, "vote.opened", f"referendum:{referendum.id}",
                              phrase("The vote on “%(title)s” is open until %(closes)s (%(zone)s)",
                                     title=proposal.title, closes=closes, zone=chapter.timezone),
                              context["link"], referendum_id=referendum.id, proposal_id=proposal.id,
                              method=referendum.method, opens_at=referendum.opens_at.isoformat(),
                              closes_at=referendum.closes_at.isoformat())
            reminded = referendum.reminder_sent_at
            if referendum.closing_notice_sent_at is None and referendum.closes_at - moment <= CLOSING_SOON and \
                    (reminded is None or moment - reminded >= nudges.APART):  # steering's went: not twice in 12 h
                referendum.closing_notice_sent_at = moment
                # Written from the roll to those it shows have not voted, each told only of themselves.
                closing += roll_notices.announce(
                    uow, "vote_closing", f"referendum:{referendum.id}", referendum.id, only_non_voters=True,
                    title=phrase("The vote on “%(title)s” closes within 24 hours and you have not voted",
                                 title=proposal.title),
                    subject=phrase("Closes within 24 hours: %(title)s", title=proposal.title), template="vote_closing",
                    **context)
    certified = certify_closed()
    _reports_due()
    escalations.flag_missed()
    bargaining.announce_released()
    committee.announce_released()
    digests = notifications.send_digests()
    webhook_settings.tell_disabled()
    finished = roll_notices.sweep()
    return TickReport(len(frozen), opened, closing, certified, outbox.sweep(), digests, webhooks.sweep(), finished)
