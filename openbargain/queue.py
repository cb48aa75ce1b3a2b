"""The job queue: Dramatiq on Redis when QUEUE_URL is set, nothing at all otherwise.

With a queue, work that must not hold up a request or a `tick` run (delivering mail) is sent as
jobs and done by `flask openbargain worker` processes, with Dramatiq's retries and exponential
backoff when a job fails. Without one (the embedded default) the same functions simply run in the
process that asked, after its transaction commits. Services declare their jobs with `@job`; the
app builds one broker, with the jobs as its actors, in `init_app`."""
from __future__ import annotations

import signal
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from flask import Flask, current_app

QUEUE_NAME = "openbargain"
_jobs: dict[str, Callable] = {}


def job(fn: Callable) -> Callable:
    """Declares fn as a job: `send(fn, ...)` runs it on a worker, or here when there is no queue."""
    _jobs[_name(fn)] = fn
    return fn


def _name(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__name__}"


@dataclass
class Queue:
    broker: RedisBroker
    actors: dict[str, dramatiq.Actor]


def init_app(app: Flask) -> None:
    url = app.config.get("QUEUE_URL")
    if not url:
        return
    broker = RedisBroker(url=url, namespace=app.config["QUEUE_NAMESPACE"])
    actors = {name: dramatiq.actor(_in_context(app, fn), broker=broker, actor_name=name, queue_name=QUEUE_NAME,
                                   max_retries=app.config["QUEUE_MAX_RETRIES"], min_backoff=15_000,
                                   max_backoff=3_600_000)
              for name, fn in _jobs.items()}
    app.extensions["queue"] = Queue(broker, actors)


def _in_context(app: Flask, fn: Callable) -> Callable:
    def run(*args) -> None:  # a job's answer goes nowhere: what it did is in the database
        with app.app_context():
            fn(*args)

    return run


def enabled() -> bool:
    return "queue" in current_app.extensions


def send(fn: Callable, *args, delay: timedelta | None = None) -> None:
    """Runs fn(*args) on a worker (after `delay`), or at once in this process without a queue."""
    queue: Queue | None = current_app.extensions.get("queue")
    if queue is None:
        fn(*args)
        return
    options = {"delay": int(delay.total_seconds() * 1000)} if delay else {}
    queue.actors[_name(fn)].send_with_options(args=args, **options)


def start_worker(app: Flask, threads: int) -> dramatiq.Worker:
    worker = dramatiq.Worker(app.extensions["queue"].broker, queues={QUEUE_NAME}, worker_threads=threads)
    worker.start()
    return worker


def run_worker(app: Flask, threads: int) -> None:
    """Works the queue until SIGINT or SIGTERM, then finishes the jobs in hand."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    worker = start_worker(app, threads)
    stop.wait()
    worker.stop()
