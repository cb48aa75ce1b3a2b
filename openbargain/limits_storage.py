"""The in-process rate-limit store, made safe and cheap under threads.

limits 5.8.0's MemoryStorage sweeps forgotten counters from a timer thread that it starts again,
10 ms after the last sweep, on the next hit. Two faults follow under gunicorn's threads:
the restart is not locked, so two threads can start the same timer twice ("threads can only be
started once", a 500 for whoever cast that ballot; bench/cast.py found it, limits fixed it upstream
in pull request 352 after its latest release here); and a busy worker starts a thread every few
hits (about a twentieth of a cast's CPU in bench/cast.py's profile). A counter past its window is
already dropped when it is next read (MemoryStorage.get), so the sweep only frees keys nobody asks
for again: here it runs inline, at most every SWEEP_EVERY seconds, by whichever thread finds it
due — no thread is started after the first.
"""
from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

SCHEME = "memory-threadsafe"
SWEEP_EVERY = 10.0  # seconds


class ThreadSafeMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        self._sweeping = threading.Lock()
        self._next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:  # the base class's private restart, by its real name
        moment = time.time()
        # Whoever finds another thread sweeping leaves it to that thread rather than wait.
        if moment < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._next_sweep = moment + SWEEP_EVERY
            self._MemoryStorage__expire_events()
        finally:
            self._sweeping.release()
