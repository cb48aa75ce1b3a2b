"""The append-only, hash-chained audit log, one chain per chapter: written in the use-case's transaction."""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import groupby
from operator import attrgetter
from typing import Any, Iterable

from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session

from openbargain.clock import now
from openbargain.models import AuditEvent, Chapter, User
from openbargain.models.audit import SITE_CHAIN, Checkpoint

GENESIS_HASH = "0" * 64
_PG_AUDIT_LOCKS = 0x6F62  # any fixed key space: one advisory lock per chain within it


def chain_of(chapter: Chapter | None) -> int:
    return chapter.id if chapter else SITE_CHAIN


def event_hash(event: AuditEvent) -> str:
    # The site chain hashes what the first release hashed (its position was then the event's id),
    # so the events written before the chains were split keep their hashes.
    payload = {
        "id": event.seq,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "chapter_id": event.chapter_id,
        "kind": event.kind,
        "subject": event.subject,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    if event.chain != SITE_CHAIN:
        payload["chain"] = event.chain
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
    chain = chain_of(chapter)
    if session.get_bind().dialect.name == "postgresql":
        # Held until commit, so the chain's next link is appended by one writer at a time; other
        # chapters' chains take other locks and never wait on this one.
        session.execute(text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), CAST(:chain AS integer))"),
                        {"space": _PG_AUDIT_LOCKS, "chain": chain})
    last = _last(session, chain)
    # Microseconds are dropped so the stored time and the hashed time are the same on every
    # database, whatever precision it keeps.
    occurred_at = now().replace(microsecond=0)
    event = AuditEvent(
        chain=chain,
        seq=(last.seq + 1) if last else 1,
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


def _last(session: Session, chain: int):
    return session.execute(select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.chain == chain)
                           .order_by(AuditEvent.seq.desc()).limit(1)).first()


def head(session: Session, chapter: Chapter | None = None) -> Checkpoint:
    """Where the chapter's chain (or the site's) stands now."""
    last = _last(session, chain_of(chapter))
    name = chapter.slug if chapter else ""
    return Checkpoint(last.seq, last.hash, name) if last else Checkpoint(0, GENESIS_HASH, name)


def heads(session: Session, chapters: Iterable[Chapter]) -> list[Checkpoint]:
    """The site's checkpoint, then each of these chapters', in one query."""
    names = {SITE_CHAIN: ""} | {c.id: c.slug for c in chapters}
    ends = (select(AuditEvent.chain, func.max(AuditEvent.seq).label("seq"))
            .where(AuditEvent.chain.in_(names)).group_by(AuditEvent.chain).subquery())
    rows = session.execute(select(AuditEvent.chain, AuditEvent.seq, AuditEvent.hash)
                           .join(ends, and_(AuditEvent.chain == ends.c.chain, AuditEvent.seq == ends.c.seq)))
    found = {r.chain: Checkpoint(r.seq, r.hash, names[r.chain]) for r in rows}
    return [found.get(chain, Checkpoint(0, GENESIS_HASH, name)) for chain, name in names.items()]


@dataclass(frozen=True)
class ChainBreak:
    event_id: int  # its place in its chain
    reason: str
    chain: str = ""

    @property
    def place(self) -> str:
        return f"event {self.event_id} in the chain of chapter '{self.chain}'" if self.chain \
            else f"event {self.event_id} in the site's chain"


@dataclass(frozen=True)
class Verification:
    events: int
    chains: int
    broken: ChainBreak | None


def verify_chain(events: Iterable[AuditEvent], expect: Iterable[Checkpoint] = ()) -> tuple[int, ChainBreak | None]:
    """Recompute one chain, and check it passes through every checkpoint someone kept; returns
    how many events checked out and the first broken link."""
    kept = {c.length: c for c in expect}
    expected, prev_hash, checked = 1, GENESIS_HASH, 0
    held = 0  # the longest kept checkpoint that the chain passes through so far
    for event in events:
        if event.seq != expected:
            return checked, ChainBreak(expected, f"event {expected} is missing")
        if event.prev_hash != prev_hash:
            return checked, ChainBreak(event.seq, "its previous-hash does not match the event before")
        if event_hash(event) != event.hash:
            return checked, ChainBreak(event.seq, "its content does not match its hash")
        if event.seq in kept:
            if kept[event.seq].hash != event.hash:
                return checked, ChainBreak(event.seq, _rewritten(held, event.seq))
            held = event.seq
        prev_hash, expected, checked = event.hash, expected + 1, checked + 1
    beyond = [length for length in kept if length > checked]
    if beyond:
        return checked, ChainBreak(checked + 1, f"the chain ends at event {checked}, but a kept checkpoint "
                                                f"reaches event {min(beyond)}: events were deleted")
    return checked, None


def _rewritten(held: int, at: int) -> str:
    since = f"after event {held}, which matches an earlier checkpoint" if held else "from the first event on"
    return (f"it differs from the checkpoint you kept for event {at}: the chain was rewritten at or before "
            f"event {at} ({since}), even though every hash was recomputed")


def verify_audit_log(session: Session, expect: Iterable[Checkpoint] = ()) -> Verification:
    """Every chain, one after another, each against the checkpoints kept of it."""
    names = {SITE_CHAIN: ""} | dict(session.execute(select(Chapter.id, Chapter.slug)).tuples().all())
    chains = {name: chain for chain, name in names.items()}
    kept: dict[int, list[Checkpoint]] = defaultdict(list)
    for checkpoint in expect:
        if checkpoint.chain not in chains:
            return Verification(0, 0, ChainBreak(0, f"no chapter has the address {checkpoint.chain!r}",
                                                 checkpoint.chain))
        kept[chains[checkpoint.chain]].append(checkpoint)
    checked = seen = 0
    unseen = set(kept)
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.seq)
                             .execution_options(yield_per=1000))
    try:
        for chain, links in groupby(events, key=attrgetter("chain")):
            unseen.discard(chain)
            seen += 1
            count, broken = verify_chain(links, kept.get(chain, ()))
            checked += count
            if broken:
                return Verification(checked, seen, replace(broken, chain=names.get(chain, str(chain))))
    finally:
        events.close()  # stopping at a break leaves a server-side cursor open otherwise
    for chain in unseen:  # a kept checkpoint of a chain that has no event left at all
        _, broken = verify_chain((), kept[chain])
        if broken:
            return Verification(checked, seen, replace(broken, chain=names[chain]))
    return Verification(checked, seen, None)
