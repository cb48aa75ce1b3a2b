"""Certification benchmark: a referendum with 100,000 (or `--ballots N`) secret instant-runoff
ballots over 8 options closes, and `certify_closed` opens the sealed ballots, writes them out in
canonical order, counts them and stores the recount document. Filling the database (sealing
included) is not timed. Certification, `verify-result` and the standalone verifier each run in a
process of their own, so each one's peak memory is its own.

    .venv/bin/python bench/close.py                                   # SQLite in a temporary folder
    OPENBARGAIN_TEST_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/close.py
    … bench/close.py --ballots 1000000                                 # issue 16's million (slow to seed)
    … bench/close.py --profile                                         # where certification spends its time

Targets: 100,000 ballots certify in at most 10 s (issue 6); a million certify in at most 20 s,
`verify-result` recounts them in at most 15 s, the standalone verifier in at most 10 s, and
certification peaks at most at 2 GB (issue 16).
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OPENBARGAIN_INSTANCE_PATH", tempfile.mkdtemp(prefix="ob-bench-"))
os.environ.setdefault("OPENBARGAIN_BENCH_BALLOT_KEY", secrets.token_hex(32))

from sqlalchemy import insert, select, update  # noqa: E402

from config import TestConfig  # noqa: E402
from openbargain import create_app, queue  # noqa: E402
from openbargain.clock import now, set_clock  # noqa: E402
from openbargain.extensions import db  # noqa: E402
from openbargain.models import Referendum, Result, SealedBallot, User, VoterRollEntry  # noqa: E402
from openbargain.services import demo, proposals, referenda, results, roll_notices, sealing  # noqa: E402
from openbargain.services.casting import longest_payload  # noqa: E402
from openbargain.services.proposals import OptionDraft, ProposalDraft  # noqa: E402
from openbargain.services.rolls import ensure_rolls_frozen  # noqa: E402
from seeding import add_members, demo_cast  # noqa: E402

OPTIONS = 8
SEED = 20261124
GIB = 2**30


def make_app():
    config = TestConfig()
    config.BALLOT_KEYS = [bytes.fromhex(os.environ["OPENBARGAIN_BENCH_BALLOT_KEY"])]  # one for all the steps
    config.SQLALCHEMY_DATABASE_URI = os.environ.get(
        "OPENBARGAIN_TEST_DATABASE_URL", f"sqlite:///{os.environ['OPENBARGAIN_INSTANCE_PATH']}/close.sqlite")
    return create_app(config), config.SQLALCHEMY_DATABASE_URI.split(":")[0]


def peak() -> float:
    """This process's peak resident memory, in GiB. VmHWM, not getrusage's ru_maxrss: Linux carries
    ru_maxrss across exec, so a step would report the seeding parent's peak as its own."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) * 1024 / GIB


def seed(app, ballots: int) -> tuple[int, datetime]:
    """A referendum whose roll of `ballots` members all voted, sealed, and closed a day ago."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo.create_demo()
        people = demo_cast()
        steering, member, chapter, elected = people.steering, people.member, people.chapter, people.elected
        labels = [f"Option {i + 1}" for i in range(OPTIONS)]
        start = now()
        set_clock(lambda: start - timedelta(days=10))
        proposal = proposals.draft_proposal(member, chapter, ProposalDraft(
            title="Endorsements", body="", decision="Whom to endorse", deadline=date.today() + timedelta(days=30),
            ballot_kind="ranked", visibility="members", elected_ids=[elected.id],
            options=[OptionDraft(label, f"Endorse {label}") for label in labels]))
        proposals.publish_proposal(member, chapter, proposal.id)
        referendum = referenda.schedule_referendum(steering, chapter, proposal.id, referenda.Schedule(
            method="irv", opens_at=start - timedelta(days=2), closes_at=start - timedelta(days=1), quorum_percent=20))
        add_members(chapter.id, ballots, "bench", start)
        db.session.commit()
        set_clock(lambda: start - timedelta(days=2) + timedelta(minutes=1))
        ensure_rolls_frozen(chapter.id)
        rng = np.random.default_rng(SEED)
        referendum = db.session.get(Referendum, referendum.id)
        seal = sealing.BallotSeal(referendum.seal_key_id, referendum.id)
        longest = longest_payload(referendum, labels)
        for first in range(0, ballots, 100_000):  # in slices, so seeding a million stays small
            size = min(100_000, ballots - first)
            scores = np.log(rng.uniform(0.2, 1.0, OPTIONS)) + rng.gumbel(size=(size, OPTIONS))
            order = np.argsort(-scores, axis=1)
            lengths = rng.integers(0, OPTIONS + 1, size=size)
            rows = []
            for i in range(size):
                sealed_id = str(uuid.uuid4())
                payload = {"content": {"ranking": [labels[j] for j in order[i, : lengths[i]]]},
                           "tracker_hash": hashlib.sha256(f"bench-{first + i}".encode()).hexdigest(),
                           "roll_entry": None}
                rows.append({"id": sealed_id, "referendum_id": referendum.id,
                             "sealed": seal.seal(sealed_id, payload, longest=longest)})
            db.session.execute(insert(SealedBallot), rows)
        db.session.execute(update(VoterRollEntry).where(VoterRollEntry.referendum_id == referendum.id)
                           .values(voted_on=date.today()))
        db.session.commit()
        return referendum.id, start


def certify(app, backend: str, ballots: int, rid: int, start: datetime, profile: bool, export_to: Path) -> None:
    set_clock(lambda: start)
    # As in production, where QUEUE_URL is set: the result's notice to the roll is written out by a
    # worker's job after the commit (services/roll_notices.py), not by the certifying process. It
    # is run and timed apart below.
    jobs, send = [], queue.send
    queue.send = lambda fn, *args, delay=None: (jobs.append((fn, args)) if fn is roll_notices.write_out
                                                else send(fn, *args, delay=delay))
    with app.app_context():
        profiler = cProfile.Profile() if profile else None
        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        certified = results.certify_closed()
        elapsed = time.perf_counter() - t0
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        result = db.session.scalar(select(Result).where(Result.referendum_id == rid))
        target = 10 if ballots <= 100_000 else 20  # issue 6 for 100,000; issue 16 for a million
        print(f"certify {ballots:,} IRV ballots, {OPTIONS} options ({backend}): {elapsed:.2f} s "
              f"(target {target} s) — {certified} certified, winner {result.winners}, "
              f"{len(result.tally['rounds'])} rounds, {'OK' if elapsed <= target else 'MISSED'}; "
              f"peak memory {peak():.2f} GiB (target 2 GB)", flush=True)
        t0 = time.perf_counter()
        told = sum(fn(*args) for fn, args in jobs)
        print(f"the result's notice to the roll: {told:,} members' notices and mails written by the job in "
              f"{time.perf_counter() - t0:.2f} s (a worker's, in production)", flush=True)
        chapter = db.session.get(Referendum, rid).proposal.chapter
        steering = db.session.scalar(select(User).where(User.email == "steering@demo.openbargain.test"))
        t0 = time.perf_counter()
        stored = results.export_file(steering, chapter, rid)
        served = time.perf_counter() - t0
        export_to.write_bytes(stored.document)
        print(f"export download: {served * 1000:.0f} ms to read the stored document "
              f"({len(stored.document) / 2**20:.1f} MiB, written once at certification)", flush=True)


def verify(app, rid: int) -> None:
    with app.app_context():
        t0 = time.perf_counter()
        problems = results.verify_result(rid)
        print(f"verify-result recount: {time.perf_counter() - t0:.2f} s (target 15 s at a million), "
              f"{'agrees' if not problems else problems}; peak memory {peak():.2f} GiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="print where certification spends its time")
    parser.add_argument("--step", choices=["certify", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--referendum", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--at", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    args = parser.parse_args()
    app, backend = make_app()
    if args.step == "certify":
        certify(app, backend, args.ballots, args.referendum, datetime.fromisoformat(args.at), args.profile,
                Path(args.export))
        return
    if args.step == "verify":
        verify(app, args.referendum)
        return
    rid, start = seed(app, args.ballots)
    export = Path(os.environ["OPENBARGAIN_INSTANCE_PATH"]) / "export.json"
    step = [sys.executable, __file__, "--ballots", str(args.ballots), "--referendum", str(rid)]
    subprocess.run(step + ["--step", "certify", "--at", start.isoformat(), "--export", str(export)]
                   + (["--profile"] if args.profile else []), check=True)
    subprocess.run(step + ["--step", "verify"], check=True)
    t0 = time.perf_counter()
    checked = subprocess.run([sys.executable, "-m", "openbargain.tally.verify", str(export)],
                             capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    elapsed = time.perf_counter() - t0
    print(f"standalone verifier (python -m openbargain.tally.verify, a fresh process): {elapsed:.2f} s "
          f"(target 10 s at a million) — {checked.stdout.strip() or checked.stderr.strip()}")
    export.unlink()


if __name__ == "__main__":
    main()
