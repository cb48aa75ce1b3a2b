from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime
from openbargain.models.chapter import Chapter
from openbargain.models.user import User

HASH_LEN = 64
SITE_CHAIN = 0


@dataclass(frozen=True)
class Checkpoint:
    """A chain's length and the hash of its last event, written `HASH@LENGTH` for the site's chain
    and `CHAPTER:HASH@LENGTH` for a chapter's (CHAPTER is its address). Published on the audit
    pages, in every certified result and in the feed: whoever keeps one can later prove that the
    chain was rewritten, even by someone who recomputed every hash after their edit."""

    length: int
    hash: str
    chain: str = ""  # the chapter's address; "" is the site's own chain

    @property
    def label(self) -> str:
        return f"{self.chain}:{self.hash}@{self.length}" if self.chain else f"{self.hash}@{self.length}"

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        chain, _, rest = text.strip().lower().rpartition(":")
        digest, _, length = rest.partition("@")
        if len(digest) != HASH_LEN or any(c not in "0123456789abcdef" for c in digest) or not length.isdigit():
            raise ValueError(f"{text!r} is not a checkpoint: write it HASH@LENGTH or CHAPTER:HASH@LENGTH, "
                             "as the audit pages show it")
        return cls(int(length), digest, chain)


class AuditEvent(Base):
    """One link of the append-only, hash-chained log. The log is one chain per chapter (`chain` is
    the chapter's id) and one for the site's own events (SITE_CHAIN, which also holds every event
    written before the chains were split), so that chapters never wait on each other's writes.
    `seq` is the event's place in its chain; `id` only orders events across chains."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("uq_audit_events_chain_seq", "chain", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int]
    seq: Mapped[int]
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapters.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(120))
    data: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(HASH_LEN))
    hash: Mapped[str] = mapped_column(String(HASH_LEN), unique=True)

    actor: Mapped[User | None] = relationship()
    chapter: Mapped[Chapter | None] = relationship()


# The log is append-only in the database itself: a trigger refuses UPDATE and DELETE (and, on
# PostgreSQL, TRUNCATE) whoever asks, the table's owner included. An owner can still drop the
# trigger; what catches that is the published head (audit.Checkpoint), not the trigger.
APPEND_ONLY = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege'; "
        "END $$",
        "CREATE OR REPLACE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
        "CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END",
    ],
}
DROP_APPEND_ONLY = {
    "postgresql": ["DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
                   "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
                   "DROP FUNCTION IF EXISTS audit_events_append_only()"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete"],
}

for _dialect, _statements in APPEND_ONLY.items():
    for _statement in _statements:
        # DDL() formats its text with %: the trigger's own % placeholder must be doubled.
        event.listen(AuditEvent.__table__, "after_create",
                     DDL(_statement.replace("%", "%%")).execute_if(dialect=_dialect))
