from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from openbargain.models.base import Base, UTCDateTime

KIND_MAX = 40
TITLE_MAX = 300
LINK_MAX = 500
NOTICE_KEY_MAX = 120


class Notification(Base):
    """One notice to one member, kept in their notification list until they read it. How else it
    reached them — a mail at once, a line of the daily digest, or nothing more — was their
    preference for its kind when it was written (`delivery`). `key` names what it is about, so a
    notice written twice (a re-run `tick`) is one notice."""

    __tablename__ = "notifications"
    # Few indexes: a notice to a whole roll writes each of its rows into every one of them. The
    # unique key's index leads with the member, so it also finds a member's list and unread count.
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        # The morning digest's "what is waiting": only the lines not yet sent.
        Index("ix_notifications_digest_due", "user_id", postgresql_where=text("delivery = 'digest' AND digested_at IS NULL"),
              sqlite_where=text("delivery = 'digest' AND digested_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapters.id"))
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    key: Mapped[str] = mapped_column(String(NOTICE_KEY_MAX))
    # The title is a catalog message and the values that fill it (phrases.py), so each member reads
    # it in their own language; a title written before there were values is shown as it is.
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    title_values: Mapped[dict | None] = mapped_column(JSON)
    link: Mapped[str] = mapped_column(String(LINK_MAX))  # a path within the site
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivery: Mapped[str] = mapped_column(String(10))  # mail, digest or app (notifications.DELIVERIES)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(Base):
    """How a member wants one kind of notice: by mail at once, in the daily digest, or only in the
    list. No row: the kind's default (services/notifications.py)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND_MAX), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10))


class Follow(Base):
    """A member follows a proposal (told when it changes state) or an elected (told of their
    mandates, reports and published bargaining entries). One of the two is set."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "proposal_id"),
        UniqueConstraint("user_id", "membership_id"),
        CheckConstraint("(proposal_id IS NULL) <> (membership_id IS NULL)", name="one_subject"),
        Index("ix_follows_proposal", "proposal_id"),
        Index("ix_follows_membership", "membership_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RollNotice(Base):
    """A notice to everyone on a vote's roll (or to those of them who have not voted), written
    once in the transaction that announces it, with its mail already rendered in each language
    (`mails`: language → [mail merge id, subject]). A job then writes each member's notice and mail
    from it (services/roll_notices.py) and marks it `written_at`; so telling a roll of 100,000
    costs the announcing transaction one row, and a crash between the two leaves the row for
    `tick` to finish."""

    __tablename__ = "roll_notices"
    __table_args__ = (
        # What `tick` finishes: only the notices not yet written out.
        Index("ix_roll_notices_unwritten", "created_at", postgresql_where=text("written_at IS NULL"),
              sqlite_where=text("written_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(NOTICE_KEY_MAX), unique=True)  # kind:key, as each member's notice
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"))
    referendum_id: Mapped[int] = mapped_column(ForeignKey("referenda.id", ondelete="CASCADE"))
    only_non_voters: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    title_values: Mapped[dict] = mapped_column(JSON)
    link: Mapped[str] = mapped_column(String(LINK_MAX))
    mails: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
