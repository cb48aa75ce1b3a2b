from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, JSON, Boolean, ForeignKey, Integer, LargeBinary, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.audit import Checkpoint
from openbargain.models.base import Base, UTCDateTime
from openbargain.models.chapter import SLUG_MAX
from openbargain.models.referendum import Referendum


class Result(Base):
    """A referendum's certified count: written once, never recomputed in place."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(primary_key=True)
    referendum_id: Mapped[int] = mapped_column(ForeignKey("referenda.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(20))
    winners: Mapped[list] = mapped_column(JSON)
    tally: Mapped[dict] = mapped_column(JSON)  # the engine's full result: rounds, transfers, matrices
    ballots_cast: Mapped[int] = mapped_column(Integer)
    paper_ballots: Mapped[int] = mapped_column(Integer, default=0)  # of ballots_cast, those entered from paper
    roll_size: Mapped[int] = mapped_column(Integer)
    quorum_met: Mapped[bool] = mapped_column(Boolean)
    ballot_set_hash: Mapped[str] = mapped_column(String(64))
    board_hash: Mapped[str] = mapped_column(String(64))
    certified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The chapter's audit chain as it stood just before this certification: carried in the result
    # and its export, so anyone keeping one can later prove a rewrite of the log. `audit_chain` is
    # the chapter's address; "" (results certified while the log was one chain) is the site's chain.
    audit_length: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    audit_chain: Mapped[str] = mapped_column(String(SLUG_MAX), default="")
    # Fixed when certified, from the bylaws and the roll then: a later change of the bylaws never
    # publishes ballots that were withheld (nor withdraws ones already out).
    ballots_public: Mapped[bool] = mapped_column(Boolean, default=True)

    referendum: Mapped[Referendum] = relationship()

    @property
    def audit_checkpoint(self) -> Checkpoint:
        return Checkpoint(self.audit_length, self.audit_head, self.audit_chain)


class ResultExport(Base):
    """The recount document of a certified result, written once (at certification, or at its first
    download for results certified before there was this table) and served as it is: a million
    ballots are not serialised again for each download."""

    __tablename__ = "result_exports"

    referendum_id: Mapped[int] = mapped_column(ForeignKey("referenda.id"), primary_key=True)
    document: Mapped[bytes] = mapped_column(LargeBinary)  # UTF-8 JSON, keys sorted, compact
    digest: Mapped[str] = mapped_column(String(64))  # its SHA-256: the download's ETag
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Stored as it is, not compressed by PostgreSQL: compressing a million ballots' document (pglz, on
# write) took longer than everything else certification writes, and reading it back paid again.
STORE_EXPORTS_UNCOMPRESSED = "ALTER TABLE result_exports ALTER COLUMN document SET STORAGE EXTERNAL"
event.listen(ResultExport.__table__, "after_create", DDL(STORE_EXPORTS_UNCOMPRESSED).execute_if(dialect="postgresql"))
