"""Reading the audit log: a chapter's events (steering) and the chains' published heads."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from openbargain import policy
from openbargain.extensions import db
from openbargain.models import AuditEvent, Chapter, User
from openbargain.services.access import membership_of, require, require_chapter_visible
from openbargain.services.audit import Checkpoint, head, heads
from openbargain.services.chapters import public_chapters

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    next_before: int | None


def list_chapter_events(actor: User, chapter: Chapter, before: int | None = None) -> AuditPage:
    mine = membership_of(actor, chapter)
    require(policy.can_view_audit_log(actor, mine), mine,
            gettext("Only the steering committee can read the audit log."))
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(AuditEvent.chapter_id == chapter.id)
        .order_by(AuditEvent.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if before is not None:
        query = query.where(AuditEvent.id < before)
    events = list(db.session.scalars(query))
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    return AuditPage(events, events[-1].id if more else None)


def current_checkpoint() -> Checkpoint:
    """Public: the site chain's length and head hash. Anyone may keep it and later check the log
    against it (`flask openbargain verify-audit --expect HASH@LENGTH`)."""
    return head(db.session)


def public_checkpoints() -> list[Checkpoint]:
    """Public: the site's chain, then the chains of the chapters whose pages are public."""
    return heads(db.session, public_chapters())


def chapter_checkpoint(actor: User | None, chapter: Chapter) -> Checkpoint:
    """The chapter's chain, for whoever may see the chapter: its members keep it."""
    require_chapter_visible(actor, chapter)
    return head(db.session, chapter)
