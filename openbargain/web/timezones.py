"""Times are stored in UTC and shown, and entered, in the chapter's time zone."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from openbargain.models import Chapter


def local(moment: datetime | None, chapter: Chapter, fmt: str = "%a %-d %b %Y, %H:%M %Z") -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(chapter.timezone)).strftime(fmt)


def to_utc(naive_local: datetime | None, chapter: Chapter) -> datetime | None:
    """A datetime-local form value, read as the chapter's wall-clock time."""
    if naive_local is None:
        return None
    return naive_local.replace(tzinfo=ZoneInfo(chapter.timezone)).astimezone(timezone.utc)


def to_local_naive(moment: datetime, chapter: Chapter) -> datetime:
    return moment.astimezone(ZoneInfo(chapter.timezone)).replace(tzinfo=None)
