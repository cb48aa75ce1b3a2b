"""Turnout in the audit log, as daily counts: a secret vote never logs who voted when.

Per-voter cast events let whoever reads the log live watch a reminded member vote, and they zip
with the ballots by order. So a secret vote's casts reach the chain as one event per day:
"N members voted on D". The roll's `voted_on` dates remain the record of who voted. Each day is
logged once it is over (by `tick`), and every remaining day at certification.
"""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openbargain.clock import now
from openbargain.models import AuditEvent, Chapter, Referendum, VoterRollEntry
from openbargain.services import audit

KIND = "referendum.turnout"


def record_turnout(session: Session, referendum: Referendum, chapter: Chapter, through: date | None = None) -> int:
    """Logs the count of every voting day up to `through` (all of them when None) not yet logged;
    returns how many days were logged."""
    if not referendum.secret:
        return 0  # a roll-call vote logs each voter: it is public by design
    subject = f"referendum:{referendum.id}"
    logged = {e.data.get("date") for e in session.scalars(
        select(AuditEvent).where(AuditEvent.kind == KIND, AuditEvent.subject == subject))}
    query = (select(VoterRollEntry.voted_on, func.count()).where(VoterRollEntry.referendum_id == referendum.id,
                                                                VoterRollEntry.voted_on.is_not(None))
             .group_by(VoterRollEntry.voted_on).order_by(VoterRollEntry.voted_on))
    if through is not None:
        query = query.where(VoterRollEntry.voted_on <= through)
    days = 0
    for day, voted in session.execute(query):
        if day.isoformat() not in logged:
            audit.record(session, KIND, subject, actor=None, chapter=chapter,
                         data={"date": day.isoformat(), "voted": voted})
            days += 1
    return days


def record_finished_days(session: Session, referendum: Referendum, chapter: Chapter) -> int:
    """During the vote: only the days already over in the chapter's timezone."""
    today = now().astimezone(ZoneInfo(chapter.timezone)).date()
    return record_turnout(session, referendum, chapter, through=today - timedelta(days=1))
