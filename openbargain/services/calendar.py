"""The chapter's calendar: votes, general meetings, the deadlines electeds face, when deliberation
may end, when reports are due, and recent results; as an agenda page and as an iCalendar feed
phones subscribe to."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Chapter,
    Mandate,
    Meeting,
    Membership,
    Proposal,
    ProposalStatus,
    Referendum,
    Result,
    User,
    Visibility,
)
from openbargain.models.mandate import AWAITING_REPORT
from openbargain.services import signed_links
from openbargain.services.access import bylaws_of, membership_of, released, require_chapter_visible
from openbargain.services.errors import InvalidToken, NotFound
from openbargain.services.proposals import chapter_today

RECENT = timedelta(days=30)
UNDECIDED = (ProposalStatus.DELIBERATION, ProposalStatus.SCHEDULED, ProposalStatus.VOTING)


@dataclass(frozen=True)
class CalendarEntry:
    referendum: Referendum
    proposal: Proposal
    status: str


def _entries(chapter: Chapter, members_view: bool) -> list[CalendarEntry]:
    moment = now()
    query = (select(Referendum).join(Proposal, Proposal.id == Referendum.proposal_id)
             .options(selectinload(Referendum.proposal))
             .where(Proposal.chapter_id == chapter.id, Referendum.closes_at > moment,
                    Referendum.certified_at.is_(None))
             .order_by(Referendum.opens_at, Referendum.id))
    if not members_view:
        query = query.where(Proposal.visibility == Visibility.PUBLIC)
    return [CalendarEntry(r, r.proposal, r.status_at(moment).value) for r in db.session.scalars(query)]


@dataclass(frozen=True)
class Dated:
    """One thing on the agenda: on a day (deadlines, due dates) or at a moment (votes, results)."""

    day: date
    at: datetime | None  # None: the whole day
    kind: str  # vote_opens, vote_closes, meeting, deadline, deliberation_ends, report_due, result
    title: str
    link: tuple[str, int]  # ("referendum" | "meeting" | "proposal" | "mandate" | "result", id)
    who: str = ""  # the elected a report is due from


@dataclass(frozen=True)
class Agenda:
    upcoming: list[Dated]
    recent: list[Dated]  # results certified in the last 30 days, newest first


def _dated(chapter: Chapter, members_view: bool) -> list[Dated]:
    """What falls due apart from the votes themselves: the electeds' deadlines, the end of
    deliberation, report due dates."""
    moment, today = now(), chapter_today(chapter)
    zone = ZoneInfo(chapter.timezone)
    public = [] if members_view else [Proposal.visibility == Visibility.PUBLIC]
    s = db.session
    items: list[Dated] = []
    bylaws = bylaws_of(chapter)
    for p in s.scalars(select(Proposal).where(Proposal.chapter_id == chapter.id, Proposal.status.in_(UNDECIDED),
                                              Proposal.deadline >= today, *public)):
        items.append(Dated(p.deadline, None, "deadline", p.title, ("proposal", p.id)))
        ends = p.published_at + bylaws.min_deliberation(p.urgent) if p.published_at else None
        if p.status == ProposalStatus.DELIBERATION and ends and ends > moment:
            items.append(Dated(ends.astimezone(zone).date(), ends, "deliberation_ends", p.title, ("proposal", p.id)))
    for m in s.scalars(select(Mandate).join(Proposal, Proposal.id == Mandate.proposal_id)
                       .options(selectinload(Mandate.proposal), selectinload(Mandate.membership)
                                .selectinload(Membership.user))
                       .where(Mandate.chapter_id == chapter.id, *public, released(),
                              Mandate.status.in_(AWAITING_REPORT))):
        items.append(Dated(m.due_on, None, "report_due", m.proposal.title, ("mandate", m.id), m.membership.user.name))
    return items


def _meetings(chapter: Chapter, members_view: bool) -> list[Meeting]:
    """General meetings still to come or sitting: for members only, as their pages are."""
    if not members_view:
        return []
    return list(db.session.scalars(select(Meeting).where(
        Meeting.chapter_id == chapter.id, Meeting.cancelled_at.is_(None), Meeting.adjourned_at.is_(None),
        Meeting.ends_at > now()).order_by(Meeting.starts_at)))


def _agenda(chapter: Chapter, members_view: bool) -> Agenda:
    moment = now()
    zone = ZoneInfo(chapter.timezone)
    public = [] if members_view else [Proposal.visibility == Visibility.PUBLIC]
    items = _dated(chapter, members_view)
    items += [Dated(m.starts_at.astimezone(zone).date(), m.starts_at, "meeting", m.title, ("meeting", m.id))
              for m in _meetings(chapter, members_view)]
    for e in _entries(chapter, members_view):
        r = e.referendum
        if r.opens_at > moment:
            items.append(Dated(r.opens_at.astimezone(zone).date(), r.opens_at, "vote_opens", e.proposal.title,
                               ("referendum", r.id)))
        items.append(Dated(r.closes_at.astimezone(zone).date(), r.closes_at, "vote_closes", e.proposal.title,
                           ("referendum", r.id)))
    recent = [Dated(r.certified_at.astimezone(zone).date(), r.certified_at, "result", r.referendum.proposal.title,
                    ("result", r.referendum_id))
              for r in db.session.scalars(select(Result).join(Referendum, Referendum.id == Result.referendum_id)
                                          .join(Proposal, Proposal.id == Referendum.proposal_id)
                                          .options(selectinload(Result.referendum).selectinload(Referendum.proposal))
                                          .where(Proposal.chapter_id == chapter.id, *public,
                                                 Result.certified_at >= moment - RECENT)
                                          .order_by(Result.certified_at.desc()))]
    items.sort(key=lambda d: (d.day, d.at or datetime.combine(d.day, datetime.max.time(), zone), d.kind, d.title))
    return Agenda(items, recent)


def agenda(actor: User | None, chapter: Chapter) -> Agenda:
    mine = require_chapter_visible(actor, chapter)
    return _agenda(chapter, policy.is_chapter_insider(mine))


def upcoming_votes(actor: User | None, chapter: Chapter) -> list[CalendarEntry]:
    mine = require_chapter_visible(actor, chapter)
    return _entries(chapter, policy.is_chapter_insider(mine))


def feed_key(user: User, chapter: Chapter) -> str:
    """A private feed address for one member: calendar apps cannot log in."""
    return signed_links.sign("calendar", {"u": user.id, "c": chapter.id, "v": user.session_version})


def feed(chapter: Chapter, key: str | None, link_for) -> bytes:
    """The iCalendar feed: a member's key shows members-only votes; no key shows public ones."""
    insider = False
    if key:
        try:
            payload = signed_links.unsign("calendar", key, max_age=None)
        except InvalidToken:
            raise NotFound(gettext("No such feed."))
        user = db.session.get(User, payload.get("u"))
        mine = membership_of(user, chapter) if user and user.session_version == payload.get("v") else None
        if payload.get("c") != chapter.id or not policy.is_chapter_insider(mine):
            raise NotFound(gettext("No such feed."))
        insider = True
    elif not bylaws_of(chapter).public_pages:
        raise NotFound(gettext("No such feed."))
    cal = Calendar()
    cal.add("prodid", "-//openbargain//votes//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{chapter.name}: votes and deadlines")
    stamp: datetime = now()
    for entry in _entries(chapter, insider):
        event = Event()
        event.add("uid", f"referendum-{entry.referendum.id}@openbargain")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.referendum.opens_at)
        event.add("dtend", entry.referendum.closes_at)
        event.add("summary", f"Vote: {entry.proposal.title}")
        event.add("url", link_for("referendum", entry.referendum.id))
        cal.add_component(event)
    for meeting in _meetings(chapter, insider):
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@openbargain")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("summary", f"General meeting: {meeting.title}")
        event.add("location", meeting.place or meeting.video_url)
        event.add("url", link_for("meeting", meeting.id))
        cal.add_component(event)
    for item in _dated(chapter, insider):
        if item.at is not None:  # the whole-day ones: deadlines and report due dates
            continue
        event = Event()
        event.add("uid", f"{item.kind}-{item.link[1]}@openbargain")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)  # a whole day
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", f"Report due from {item.who}: {item.title}" if item.kind == "report_due"
                  else f"Deadline: {item.title}")
        event.add("url", link_for(*item.link))
        cal.add_component(event)
    return cal.to_ical()
