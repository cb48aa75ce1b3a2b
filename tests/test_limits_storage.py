"""The in-process rate-limit store under threads (openbargain/limits_storage.py)."""
from __future__ import annotations

import threading
import types

import limits.storage.memory
from limits.storage import MemoryStorage, storage_from_string

import openbargain.limits_storage
from openbargain.limits_storage import SCHEME, SWEEP_EVERY, ThreadSafeMemoryStorage


class Timer:
    """Stands for threading.Timer, never running its function; started twice, it refuses as a
    thread does."""

    def __init__(self, *_args) -> None:
        self.started = False

    def is_alive(self) -> bool:
        return self.started

    def start(self) -> None:
        if self.started:
            raise RuntimeError("threads can only be started once")
        self.started = True

    def cancel(self) -> None:
        pass


def hits_as_the_timer_stopped(store_class: type, monkeypatch) -> list[BaseException]:
    """Two threads count a hit just as the expiry timer has stopped. Whoever puts a new timer in
    place waits (a moment at most) for the other to do the same before going on: if the restart
    is not locked, both read back the one put last and start it twice."""
    both_placed = threading.Barrier(2, timeout=0.5)
    racing = threading.Event()

    class Probe(store_class):  # no STORAGE_SCHEME of its own: it registers nothing
        @property
        def timer(self):
            return self.__dict__["timer"]

        @timer.setter
        def timer(self, timer):
            self.__dict__["timer"] = timer
            if racing.is_set():
                try:
                    both_placed.wait()
                except threading.BrokenBarrierError:
                    pass  # the other thread is held at the lock: one restart at a time

    store = Probe()
    store.timer.cancel()
    monkeypatch.setattr(threading, "Timer", Timer)  # the store's module makes its timers from it
    store.__dict__["timer"] = Timer()  # a timer that has run out: the next hit restarts it
    racing.set()
    failures: list[BaseException] = []

    def hit():
        try:
            store.incr("member", 60)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=hit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert failures or store.get("member") == 2
    return failures


def test_the_default_store_counts_hits_racing_as_the_timer_stopped(monkeypatch):
    assert isinstance(storage_from_string(f"{SCHEME}://"), ThreadSafeMemoryStorage)
    assert hits_as_the_timer_stopped(ThreadSafeMemoryStorage, monkeypatch) == []


def test_the_default_store_sweeps_forgotten_counters_inline_and_starts_no_thread(monkeypatch):
    store = ThreadSafeMemoryStorage()
    store.timer.join()  # the base class's first sweep, started by its constructor
    clock = types.SimpleNamespace(moment=1_000.0)
    clock.time = lambda: clock.moment
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    monkeypatch.setattr(openbargain.limits_storage, "time", clock)

    def no_thread(*_args, **_kwargs):
        raise AssertionError("a thread was started for a hit")

    monkeypatch.setattr(threading, "Timer", no_thread)
    assert store.incr("forgotten", 1) == 1
    clock.moment += 2  # past its one-second window: dropped when read, not yet swept
    assert store.incr("busy", 60) == 1
    assert "forgotten" in store.storage
    clock.moment += SWEEP_EVERY
    assert store.incr("busy", 60) == 2
    assert "forgotten" not in store.storage and "forgotten" not in store.expirations
    assert store.get("busy") == 2


def test_limits_own_memory_store_fails_there(monkeypatch):
    # Why the store above exists: once this fails, a release of limits carries the fix, and
    # `memory://` can be the default again.
    assert [str(f) for f in hits_as_the_timer_stopped(MemoryStorage, monkeypatch)] == ["threads can only be started once"]
