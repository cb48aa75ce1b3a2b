from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime
from openbargain.models.chapter import Chapter
from openbargain.models.user import User

HASH_LEN = 64


class AuditEvent(Base):
    """One link of the append-only, hash-chained log; `id` is the sequence number."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
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
