"""The one source of "now", so tests can move time."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

_now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)  # noqa: E731


def now() -> datetime:
    return _now()


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Tests install a fixed or moving clock; None restores the real one."""
    global _now
    _now = fn or (lambda: datetime.now(timezone.utc))
