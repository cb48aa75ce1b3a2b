"""Mail benchmark (issue 16, item 3): "the vote is open" to a 100,000-member roll.

`tick` announces the notice to the roll (one row, its mail rendered once in each language) and
hands a job to the queue on Redis; that is the enqueue time. Then worker processes — the
production command, `flask openbargain worker` — write each member's notice and mail from it
(one INSERT … SELECT each) and deliver the mails to a local SMTP sink (aiosmtpd's, in its own
process) while this script counts the mails marked sent. Seeding is not timed.

    OPENBARGAIN_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/ob_bench \
        .venv/bin/python bench/mail.py [--members 100000] [--workers 2] [--threads 8]

Needs PostgreSQL (SQLite is one writer: not the production shape) and Redis (QUEUE_URL, default
redis://127.0.0.1:6379/0). Targets: enqueue ≤ 2 s, delivery ≥ 300 messages/s.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBARGAIN_INSTANCE_PATH", tempfile.mkdtemp(prefix="ob-bench-"))

import redis  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from config import TestConfig  # noqa: E402
from openbargain import create_app  # noqa: E402
from openbargain.clock import now, set_clock  # noqa: E402
from openbargain.extensions import db  # noqa: E402
from openbargain.models import Notification, OutboxMail, RollNotice  # noqa: E402
from openbargain.services import demo, reminders, roll_notices  # noqa: E402
from openbargain.services.rolls import ensure_rolls_frozen  # noqa: E402
from seeding import add_members, demo_cast, yes_no_vote  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads in each worker")
    parser.add_argument("--enqueue-only", action="store_true", help="measure writing and queueing, not delivery")
    parser.add_argument("--profile", action="store_true", help="print where the enqueue spends its time")
    args = parser.parse_args()
    database = os.environ.get("OPENBARGAIN_TEST_DATABASE_URL", "")
    if not database.startswith("postgresql"):
        sys.exit("Set OPENBARGAIN_TEST_DATABASE_URL to a PostgreSQL database (it is emptied).")
    queue_url = os.environ.get("QUEUE_URL", "redis://127.0.0.1:6379/0")
    namespace = f"openbargain-bench-{uuid.uuid4().hex[:8]}"
    port = free_port()
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database
    config.QUEUE_URL, config.QUEUE_NAMESPACE = queue_url, namespace
    config.MAIL_BACKEND = "smtp"
    config.SMTP_HOST, config.SMTP_PORT, config.SMTP_STARTTLS = "127.0.0.1", port, False
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo.create_demo()
        people = demo_cast()
        chapter = people.chapter
        start = now()
        yes_no_vote(people, start, title="Strike authorisation", directive="Vote yes on the authorisation.",
                    opens_at=start - timedelta(minutes=5), closes_at=start + timedelta(days=7))
        add_members(chapter.id, args.members, "bench", start)
        db.session.commit()
        set_clock(lambda: start)
        ensure_rolls_frozen(chapter.id)  # the roll of 100,000 is fixed when the vote opens: not measured
        before = db.session.scalar(select(func.count()).select_from(OutboxMail))
        db.session.rollback()
    sink = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Sink"])
    env = dict(os.environ, DATABASE_URL=database, QUEUE_URL=queue_url, QUEUE_NAMESPACE=namespace,
               MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="0")
    workers = []
    try:
        with app.app_context():
            profiler = cProfile.Profile() if args.profile else None
            t0 = time.perf_counter()
            if profiler:
                profiler.enable()
            report = reminders.tick()  # "the vote is open", to everyone on the roll
            enqueue = time.perf_counter() - t0
            if profiler:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            queued = redis.Redis.from_url(queue_url).llen(f"{namespace}:openbargain")
            print(f"enqueue: the notice to {report.open_notices:,} members announced and handed to the queue in "
                  f"{enqueue:.2f} s (target 2 s, {'OK' if enqueue <= 2 else 'MISSED'}); {queued} job(s) in Redis")
            unwritten = select(RollNotice.id).where(RollNotice.written_at.is_(None))
            notice_ids = list(db.session.scalars(unwritten))  # the roll's; the demo's own votes' too
            db.session.rollback()
            if args.enqueue_only:  # the jobs' own cost, in this process: each member's notice and mail
                t0 = time.perf_counter()
                for notice_id in notice_ids:
                    roll_notices.write_out(notice_id)
                print(f"write-out (the jobs, run here): {time.perf_counter() - t0:.2f} s")
                return
            t0 = time.perf_counter()
            for _ in range(args.workers):
                workers.append(subprocess.Popen(
                    [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "openbargain", "worker", "--threads",
                     str(args.threads)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
            while db.session.scalar(select(func.count()).select_from(unwritten.subquery())):
                db.session.rollback()
                time.sleep(0.2)
            wrote = time.perf_counter() - t0
            notices = db.session.scalar(select(func.count()).select_from(Notification)
                                        .where(Notification.kind == "vote_opened"))
            written = db.session.scalar(select(func.count()).select_from(OutboxMail)) - before
            print(f"write-out: {notices:,} notices and {written:,} mails written by the workers {wrote:.1f} s after "
                  f"they started (start-up included)")
            db.session.rollback()
            unsent = written
            while unsent:
                time.sleep(0.5)
                unsent = db.session.scalar(select(func.count()).select_from(OutboxMail)
                                           .where(OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None)))
                db.session.rollback()
            elapsed = time.perf_counter() - t0
            failed = db.session.scalar(select(func.count()).select_from(OutboxMail)
                                       .where(OutboxMail.failed_at.is_not(None)))
            rate = written / elapsed
            print(f"delivery: {written:,} messages to the SMTP sink in {elapsed:.1f} s with {args.workers} workers × "
                  f"{args.threads} threads (worker start-up and write-out included): {rate:.0f} messages/s (target 300, "
                  f"{'OK' if rate >= 300 else 'MISSED'}); {failed} given up")
    finally:
        for process in workers + [sink]:
            process.terminate()
        for process in workers + [sink]:
            process.wait(timeout=60)
        client = redis.Redis.from_url(queue_url)
        for key in client.scan_iter(f"{namespace}*"):
            client.delete(key)


if __name__ == "__main__":
    main()
