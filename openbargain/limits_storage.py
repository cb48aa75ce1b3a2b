"""The in-process rate-limit store, made safe under threads.

limits 5.8.0's MemoryStorage restarts its expiry timer without a lock: two threads counting a hit
just as the timer has stopped can both make a new timer, and both start the one assigned last —
the second start raises ("threads can only be started once"), a 500 for whoever cast that ballot.
bench/cast.py found it under gunicorn's threads; limits fixed it upstream (alisaifee/limits pull
request 352) after its latest release here. Here one thread at a time restarts the timer; drop
this store for `memory://` once a release of limits carries the fix.
"""
from __future__ import annotations

import threading

from limits.storage import MemoryStorage

SCHEME = "memory-threadsafe"


class ThreadSafeMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        self._expiry_restart = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:  # the base class's private restart, by its real name
        # Whoever finds another thread restarting the timer leaves it to that thread, rather than
        # wait: starting a thread takes a while under the interpreter lock, and every hit comes here.
        if not self._expiry_restart.acquire(blocking=False):
            return
        try:
            super()._MemoryStorage__schedule_expiry()
        finally:
            self._expiry_restart.release()
