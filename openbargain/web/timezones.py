"""Times are stored in UTC and shown, and entered, in the chapter's time zone."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from openbargain.clock import now
from openbargain.models import Chapter


def local(moment: datetime | None, chapter: Chapter, fmt: str = "%a %-d %b %Y, %H:%M %Z") -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(chapter.timezone)).strftime(fmt)


def duration(left: timedelta) -> str:
    """'2 days 4 h', '3 h 20 min', '12 min': how long is left, to the precision that matters."""
    minutes = int(left.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {mins} min" if mins else "")
    return f"{max(mins, 1)} min"


def ago(moment: datetime) -> str:
    """'3 h ago', '2 days ago': how long since, as a thread reads it; 'just now' under a minute."""
    since = now() - moment
    return "just now" if since < timedelta(minutes=1) else f"{duration(since)} ago"


def to_utc(naive_local: datetime | None, chapter: Chapter) -> datetime | None:
    """A datetime-local form value, read as the chapter's wall-clock time."""
    if naive_local is None:
        return None
    return naive_local.replace(tzinfo=ZoneInfo(chapter.timezone)).astimezone(timezone.utc)


def to_local_naive(moment: datetime, chapter: Chapter) -> datetime:
    return moment.astimezone(ZoneInfo(chapter.timezone)).replace(tzinfo=None)
