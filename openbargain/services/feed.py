"""The chapter's Atom feed of public results, mandates, compliance reports, bargaining entries
and, where visitors may watch them, live bargaining sessions as they open and close.

It carries the audit log's checkpoint twice: the current one in the feed's subtitle, and with each
certified result the one of its moment, so a reader's archive holds heads to check the log against."""
from __future__ import annotations

from typing import Callable

from feedgen.feed import FeedGenerator
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from openbargain.extensions import db
from openbargain.models import (
    BargainingSession,
    Chapter,
    ComplianceReport,
    Escalation,
    Mandate,
    Membership,
    Proposal,
    Referendum,
    Result,
    Visibility,
)
from openbargain.services.access import bylaws_of, released
from openbargain.services.audit import head
from openbargain.services.bargaining import visible_entries
from openbargain.services.errors import NotFound

ENTRIES = 50


def atom_feed(chapter: Chapter, self_url: str, link_for: Callable[[str, int], str]) -> bytes:
    """What a visitor may see, newest first: the feed is public by nature."""
    bylaws = bylaws_of(chapter)
    if not bylaws.public_pages:
        raise NotFound(gettext("No such feed."))
    public = [Proposal.chapter_id == chapter.id, Proposal.visibility == Visibility.PUBLIC, released()]
    mandates = db.session.scalars(
        select(Mandate).join(Proposal, Proposal.id == Mandate.proposal_id)
        .options(selectinload(Mandate.proposal), selectinload(Mandate.membership).selectinload(Membership.user))
        .where(*public).order_by(Mandate.issued_at.desc()).limit(ENTRIES))
    reports = db.session.scalars(
        select(ComplianceReport).join(Mandate, Mandate.id == ComplianceReport.mandate_id)
        .join(Proposal, Proposal.id == Mandate.proposal_id)
        .options(selectinload(ComplianceReport.mandate).selectinload(Mandate.membership).selectinload(Membership.user),
                 selectinload(ComplianceReport.mandate).selectinload(Mandate.proposal))
        .where(*public).order_by(ComplianceReport.filed_at.desc()).limit(ENTRIES))
    certified = db.session.scalars(
        select(Result).join(Referendum, Referendum.id == Result.referendum_id)
        .join(Proposal, Proposal.id == Referendum.proposal_id)
        .options(selectinload(Result.referendum).selectinload(Referendum.proposal))
        .where(*public).order_by(Result.certified_at.desc()).limit(ENTRIES))
    entries = []
    for r in certified:
        winners = ", ".join(r.winners) if r.winners else "none"
        entries.append((r.certified_at, f"result-{r.id}", f"Result certified: {r.referendum.proposal.title}",
                        f"Outcome: {r.outcome.replace('_', ' ')}; winners: {winners}; {r.ballots_cast} of "
                        f"{r.roll_size} voted. Audit log checkpoint: {r.audit_checkpoint.label}",
                        link_for("result", r.referendum_id)))
    for m in mandates:
        who = m.membership.user.name
        entries.append((m.issued_at, f"mandate-{m.id}", f"Mandate for {who}: {m.proposal.title}",
                        m.directive or "No directive: the elected keeps their discretion.", link_for("mandate", m.id)))
    for r in reports:
        who = r.mandate.membership.user.name
        entries.append((r.filed_at, f"report-{r.id}", f"{who} reports: {r.outcome.value} — {r.mandate.proposal.title}",
                        r.statement, link_for("mandate", r.mandate_id)))
    for view in visible_entries(None, chapter):
        u = view.entry
        text = "; ".join(f"{k}: {v}" for k, v in (("Offered", u.offered), ("Demanded", u.demanded),
                                                   ("Threatened", u.threatened), ("Notes", u.notes)) if v)
        entries.append((u.recorded_at, f"bargaining-{u.id}", f"{u.membership.user.name} met {u.counterparty}", text,
                        link_for("bargaining", u.id)))
    if bylaws.public_sessions:
        entries.extend(_sessions(chapter, link_for))
    entries.extend(_escalations(chapter, link_for))
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(f"{chapter.name}: results, mandates and open bargaining")
    feed.subtitle(f"Audit log checkpoint: {head(db.session, chapter).label}")
    feed.link(href=self_url, rel="self")
    feed.language("en")
    entries.sort(key=lambda e: e[0], reverse=True)
    for when, key, title, text, link in reversed(entries[:ENTRIES]):
        entry = feed.add_entry()
        entry.id(f"{self_url}#{key}")
        entry.title(title)
        entry.content(text, type="text")
        entry.link(href=link)
        entry.updated(when)
    if entries:
        feed.updated(entries[0][0])
    return feed.atom_str(pretty=True)


def _sessions(chapter: Chapter, link_for: Callable[[str, int], str]) -> list[tuple]:
    """A session's opening (watch it live) and its close (the summary), each an entry."""
    entries = []
    for session in db.session.scalars(
            select(BargainingSession)
            .options(selectinload(BargainingSession.membership).selectinload(Membership.user))
            .where(BargainingSession.chapter_id == chapter.id)
            .order_by(BargainingSession.opened_at.desc()).limit(ENTRIES)):
        who, link = session.membership.user.name, link_for("session", session.id)
        entries.append((session.opened_at, f"session-{session.id}",
                        f"{who} opened a live bargaining session with {session.counterparty}: {session.subject}",
                        f"At the table: {session.at_the_table}", link))
        if session.closed_at is not None:
            entries.append((session.closed_at, f"session-{session.id}-closed",
                            f"{who} closed the bargaining session with {session.counterparty}: {session.subject}",
                            session.summary or "", link))
    return entries


STEP_WORDS = {"flagged": "flagged in public", "proposal": "an accountability proposal is open",
              "recall": "a recall petition is drawn up"}


def _escalations(chapter: Chapter, link_for: Callable[[str, int], str]) -> list[tuple]:
    """Each step of the ladder taken on a public mandate."""
    rows = db.session.scalars(
        select(Escalation).join(Mandate, Mandate.id == Escalation.mandate_id)
        .join(Proposal, Proposal.id == Mandate.proposal_id)
        .options(selectinload(Escalation.mandate).selectinload(Mandate.membership).selectinload(Membership.user),
                 selectinload(Escalation.mandate).selectinload(Mandate.proposal))
        .where(Proposal.chapter_id == chapter.id, Proposal.visibility == Visibility.PUBLIC)
        .order_by(Escalation.at.desc()).limit(ENTRIES))
    return [(e.at, f"escalation-{e.id}",
             f"{e.mandate.membership.user.name} missed a deadline ({e.missed.value}) on “{e.mandate.proposal.title}”: "
             f"{STEP_WORDS[e.step.value]}", e.response or "", link_for("mandate", e.mandate_id)) for e in rows]
