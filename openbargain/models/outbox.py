from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from openbargain.models.base import Base, UTCDateTime

ERROR_MAX = 500
KEY_MAX = 120
NAME_FIELD = "\x1fname\x1f"  # where a merged notice's body takes each recipient's name
UNSUBSCRIBE_FIELD = "\x1funsubscribe\x1f"  # where a notice's body takes its one-click unsubscribe link


class MailMerge(Base):
    """One notice to many members, rendered once: its body carries a merge field where each
    recipient's name goes (services/outbox.py), so a roll of 100,000 is written as one body and
    100,000 short rows."""

    __tablename__ = "mail_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxMail(Base):
    """A mail written in the transaction of the change it announces, then delivered and marked
    sent; a failed delivery stays here with its error and is retried later, until it goes or is
    given up (services/outbox.py). `key` names what the mail is about (a notice of one vote to one
    member), so writing the same notice twice is refused by the database."""

    __tablename__ = "outbox_mail"
    # Two partial indexes instead of one on each column a query filters by: a notice to a whole
    # roll writes a hundred thousand rows at once, each into every index (issue 16).
    __table_args__ = (
        # The sweeper's "due and nobody delivered it": only mail still to go is indexed.
        Index("ix_outbox_mail_due", "next_attempt_at",
              postgresql_where=text("sent_at IS NULL AND failed_at IS NULL"),
              sqlite_where=text("sent_at IS NULL AND failed_at IS NULL")),
        # Steering's "mail that did not arrive", by chapter: only given-up mail.
        Index("ix_outbox_mail_given_up", "chapter_id", "failed_at",
              postgresql_where=text("failed_at IS NOT NULL"), sqlite_where=text("failed_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX), unique=True)
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapters.id"))
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)  # None: the merge's body, with the recipient's name
    merge_id: Mapped[int | None] = mapped_column(ForeignKey("mail_merges.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # given up: refused for good, or too many tries
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    # A notice of a kind the member can turn off: the mail carries a one-click unsubscribe link for
    # that kind (List-Unsubscribe, RFC 8058), signed at delivery for this user.
    user_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(40))
