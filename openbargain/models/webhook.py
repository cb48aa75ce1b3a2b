from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime

URL_MAX = 2000
EVENTS_MAX = 500
REASON_MAX = 300
ERROR_MAX = 500
DELIVERY_KEY_MAX = 120


class Webhook(Base):
    """Where a chapter's chat room takes news: steering names a URL, the format the room reads
    (signed JSON, Slack, Discord or Matrix) and the events it wants (services/webhooks.py). The
    secret signs every payload (HMAC-SHA256); the app needs it to sign, so it is kept as given.
    Repeated failures disable the hook, with the reason, until steering turns it on again."""

    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_chapter", "chapter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"))
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(URL_MAX))
    secret: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(20))
    events: Mapped[str] = mapped_column(String(EVENTS_MAX))  # event names, space-separated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    disabled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the app, after failures
    # Deliveries given up one after another, since the last that arrived.
    failures_in_a_row: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))

    deliveries: Mapped[list["WebhookDelivery"]] = relationship(back_populates="webhook", cascade="all, delete-orphan",
                                                               passive_deletes=True)

    @property
    def event_set(self) -> frozenset[str]:
        return frozenset(self.events.split())


class WebhookDelivery(Base):
    """One event for one webhook, written in the transaction of the change it announces (so a
    rolled-back change sends nothing and a crash after commit loses nothing), with the exact body
    sent; then posted, retried with a growing delay, and kept as the hook's delivery log.
    `key` names the event, so an event written twice (a re-run `tick`) is one delivery."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "key"),
        # The sweeper's "due and nobody posted it": only deliveries still to go are indexed.
        Index("ix_webhook_deliveries_due", "next_attempt_at",
              postgresql_where=text("delivered_at IS NULL AND failed_at IS NULL"),
              sqlite_where=text("delivered_at IS NULL AND failed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(DELIVERY_KEY_MAX))
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # given up
    last_status: Mapped[int | None] = mapped_column(Integer)  # the receiver's HTTP status, if it answered
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))

    webhook: Mapped[Webhook] = relationship(back_populates="deliveries")
