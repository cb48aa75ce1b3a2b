"""Notices to a whole roll: the vote is open, it closes soon and you have not voted, the result is
certified. The announcing transaction writes one row (the notice, its mail rendered in each
language); a job then writes each member's notice and mail from it, as `notifications.notify`
would have in the transaction. So `tick` tells a roll of 100,000 in milliseconds, and the
hundreds of thousands of rows are the workers' (or, without a queue, this process's after the
commit).

Nothing is lost or doubled: the row is written with the change it announces or not at all; the
job locks it and marks it written in the transaction that writes the members' rows, whose unique
keys refuse a second copy; a job lost in a crash is sent again by `tick`. "You have not voted" is
written from the roll to those it shows have not voted, each told only of themselves.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from openbargain import queue
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Chapter, RollNotice, VoterRollEntry
from openbargain.models.notification import LINK_MAX
from openbargain.phrases import Phrase
from openbargain.services import notifications, outbox
from openbargain.services.uow import UnitOfWork, unit_of_work

SWEEP_AFTER = timedelta(minutes=10)  # with a queue, tick writes out only what no worker took by then


def announce(uow: UnitOfWork, kind: str, key: str, referendum_id: int, *, chapter: Chapter, title: Phrase,
             link: str, subject: Phrase, template: str, only_non_voters: bool = False, **context) -> int:
    """Tells everyone on the vote's roll (or those who have not voted) once: nothing if this notice
    was announced before (a re-run `tick`). Returns how many members it is for."""
    insert = (postgresql.insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite.insert)
    notice_id = uow.session.scalar(insert(RollNotice).values(
        key=f"{kind}:{key}", kind=kind, chapter_id=chapter.id, referendum_id=referendum_id,
        only_non_voters=only_non_voters, title=title.message, title_values=title.values, link=link[:LINK_MAX],
        mails={}, created_at=now()).on_conflict_do_nothing(index_elements=["key"]).returning(RollNotice.id))
    if notice_id is None:
        return 0
    notice = uow.session.get(RollNotice, notice_id)
    notice.mails = outbox.merges(uow, subject, template, chapter=chapter, kind=kind, **context)
    uow.after_commit(lambda: queue.send(write_out, notice_id))
    told = select(func.count()).select_from(VoterRollEntry).where(VoterRollEntry.referendum_id == referendum_id)
    return uow.session.scalar(told.where(VoterRollEntry.voted_on.is_(None)) if only_non_voters else told)


@queue.job
def write_out(notice_id: int) -> int:
    """Writes each member's notice and mail of a roll notice, once; returns how many were told."""
    with unit_of_work() as uow:
        s = uow.session
        notice = s.get(RollNotice, notice_id, with_for_update=True)  # one writer, even if two jobs run
        if notice is None or notice.written_at is not None:
            return 0
        told = notifications.write(
            uow, notice.kind, notice.key, notifications.roll_of(notice.referendum_id, notice.only_non_voters),
            chapter=s.get(Chapter, notice.chapter_id), title=Phrase(notice.title, notice.title_values),
            link=notice.link, mails=lambda: notice.mails)
        notice.written_at = now()
    return told


def sweep(limit: int = 100) -> int:
    """tick: the roll notices a crash left unwritten (with a queue, those no worker took within
    SWEEP_AFTER) are written out; returns how many were handed on."""
    moment = now() - (SWEEP_AFTER if queue.enabled() else timedelta())
    waiting = list(db.session.scalars(select(RollNotice.id).where(RollNotice.written_at.is_(None),
                                                                  RollNotice.created_at <= moment)
                                      .order_by(RollNotice.id).limit(limit)))
    db.session.rollback()
    for notice_id in waiting:
        queue.send(write_out, notice_id)
    return len(waiting)
