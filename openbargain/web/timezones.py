"""Times are stored in UTC and shown, and entered, in the chapter's time zone."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext, ngettext

from openbargain.clock import now
from openbargain.models import Chapter
from openbargain.phrases import ENGLISH, local_time


def local(moment: datetime | None, chapter: Chapter, english: str = ENGLISH) -> str:
    """The moment on the chapter's clock, as the reader's language writes it ("Thu 26 Nov 2026,
    14:30 GMT", "jue 26 nov 2026, 14:30 GMT")."""
    return local_time(moment, chapter.timezone, english) if moment is not None else ""


def local_date(moment: datetime, chapter: Chapter) -> date:
    """The day a moment falls on, on the chapter's clock."""
    return moment.astimezone(ZoneInfo(chapter.timezone)).date()


def duration(left: timedelta) -> str:
    """'2 days 4 h', '3 h 20 min', '12 min': how long is left, to the precision that matters."""
    minutes = int(left.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return ngettext("%(num)d day", "%(num)d days", days) + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {mins} min" if mins else "")
    return f"{max(mins, 1)} min"


def ago(moment: datetime) -> str:
    """'3 h ago', '2 days ago': how long since, as a thread reads it; 'just now' under a minute."""
    since = now() - moment
    return gettext("just now") if since < timedelta(minutes=1) else gettext("%(duration)s ago", duration=duration(since))


def to_utc(naive_local: datetime | None, chapter: Chapter) -> datetime | None:
    """A datetime-local form value, read as the chapter's wall-clock time."""
    if naive_local is None:
        return None
    return naive_local.replace(tzinfo=ZoneInfo(chapter.timezone)).astimezone(timezone.utc)


def to_local_naive(moment: datetime, chapter: Chapter) -> datetime:
    return moment.astimezone(ZoneInfo(chapter.timezone)).replace(tzinfo=None)
