"""The append-only, hash-chained audit log: written in the use-case's transaction."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from openbargain.clock import now
from openbargain.models import AuditEvent, Chapter, User
from openbargain.models.audit import HASH_LEN

GENESIS_HASH = "0" * 64
_PG_AUDIT_LOCK = 0x6F62_6175  # any fixed key: serialises appends across connections


def event_hash(event: AuditEvent) -> str:
    payload = {
        "id": event.id,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "chapter_id": event.chapter_id,
        "kind": event.kind,
        "subject": event.subject,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    session: Session,
    kind: str,
    subject: str,
    *,
    actor: User | None,
    chapter: Chapter | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    # Microseconds are dropped so the stored time and the hashed time are the same on every
    # database, whatever precision it keeps.
    occurred_at = now().replace(microsecond=0)
    event = AuditEvent(
        id=(last.id + 1) if last else 1,
        occurred_at=occurred_at,
        actor_id=actor.id if actor else None,
        chapter_id=chapter.id if chapter else None,
        kind=kind,
        subject=subject,
        data=data or {},
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush([event])
    return event


@dataclass(frozen=True)
class Checkpoint:
    """The chain's length and the hash of its last event, written `HASH@LENGTH`. Published on the
    audit page, in every certified result and in the feed: whoever keeps one can later prove that
    the log was rewritten, even by someone who recomputed every hash after their edit."""

    length: int
    hash: str

    @property
    def label(self) -> str:
        return f"{self.hash}@{self.length}"

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        digest, _, length = text.strip().lower().partition("@")
        if len(digest) != HASH_LEN or any(c not in "0123456789abcdef" for c in digest) or not length.isdigit():
            raise ValueError(f"{text!r} is not a checkpoint: write it HASH@LENGTH, as the audit page shows it")
        return cls(int(length), digest)


def head(session: Session) -> Checkpoint:
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    return Checkpoint(last.id, last.hash) if last else Checkpoint(0, GENESIS_HASH)


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def verify_chain(events: Iterable[AuditEvent], expect: Iterable[Checkpoint] = ()) -> tuple[int, ChainBreak | None]:
    """Recompute the chain, and check it passes through every checkpoint someone kept; returns
    how many events checked out and the first broken link."""
    kept = {c.length: c for c in expect}
    expected_id, prev_hash, checked = 1, GENESIS_HASH, 0
    held = 0  # the longest kept checkpoint that the chain passes through so far
    for event in events:
        if event.id != expected_id:
            return checked, ChainBreak(expected_id, f"event {expected_id} is missing")
        if event.prev_hash != prev_hash:
            return checked, ChainBreak(event.id, "its previous-hash does not match the event before")
        if event_hash(event) != event.hash:
            return checked, ChainBreak(event.id, "its content does not match its hash")
        if event.id in kept:
            if kept[event.id].hash != event.hash:
                return checked, ChainBreak(event.id, _rewritten(held, event.id))
            held = event.id
        prev_hash, expected_id, checked = event.hash, expected_id + 1, checked + 1
    beyond = [length for length in kept if length > checked]
    if beyond:
        return checked, ChainBreak(checked + 1, f"the log ends at event {checked}, but a kept checkpoint "
                                                f"reaches event {min(beyond)}: events were deleted")
    return checked, None


def _rewritten(held: int, at: int) -> str:
    since = f"after event {held}, which matches an earlier checkpoint" if held else "from the first event on"
    return (f"it differs from the checkpoint you kept for event {at}: the log was rewritten at or before "
            f"event {at} ({since}), even though every hash was recomputed")


def verify_audit_log(session: Session, expect: Iterable[Checkpoint] = ()) -> tuple[int, ChainBreak | None]:
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000))
    try:
        return verify_chain(events, expect)
    finally:
        events.close()  # stopping at a break leaves a server-side cursor open otherwise
