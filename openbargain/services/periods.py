"""A chapter's today, and the reporting periods of standing mandates: periods of the bylaws' months, counted from January
(quarterly: to the end of March, June, September and December)."""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from openbargain.clock import now
from openbargain.models import Chapter

FIRST_PERIOD_AT_LEAST = timedelta(days=30)  # a new standing mandate's first report is never due sooner


def chapter_today(chapter: Chapter) -> date:
    return now().astimezone(ZoneInfo(chapter.timezone)).date()


def period_end(day: date, months: int) -> date:
    """The last day of the reporting period holding `day`: periods of `months` months from January."""
    last_month = ((day.month - 1) // months + 1) * months
    return date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])


def first_due(issued_on: date, months: int) -> date:
    return period_end(issued_on + FIRST_PERIOD_AT_LEAST, months)


def next_due(due_on: date, months: int) -> date:
    return period_end(due_on + timedelta(days=1), months)
