"""The chapter's calendar of votes, as a page and as an iCalendar feed phones subscribe to."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Chapter, Proposal, Referendum, User, Visibility
from openbargain.services import signed_links
from openbargain.services.access import bylaws_of, membership_of, require_chapter_visible
from openbargain.services.errors import InvalidToken, NotFound


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
            raise NotFound("No such feed.")
        user = db.session.get(User, payload.get("u"))
        mine = membership_of(user, chapter) if user and user.session_version == payload.get("v") else None
        if payload.get("c") != chapter.id or not policy.is_chapter_insider(mine):
            raise NotFound("No such feed.")
        insider = True
    elif not bylaws_of(chapter).public_pages:
        raise NotFound("No such feed.")
    cal = Calendar()
    cal.add("prodid", "-//openbargain//votes//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{chapter.name}: votes")
    stamp: datetime = now()
    for entry in _entries(chapter, insider):
        event = Event()
        event.add("uid", f"referendum-{entry.referendum.id}@openbargain")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.referendum.opens_at)
        event.add("dtend", entry.referendum.closes_at)
        event.add("summary", f"Vote: {entry.proposal.title}")
        event.add("url", link_for(entry.referendum))
        cal.add_component(event)
    return cal.to_ical()
