"""Certification benchmark: a referendum with 100,000 secret instant-runoff ballots over 8
options closes, and `certify_closed` opens the sealed ballots, writes them out in canonical
order and counts them. Filling the database (sealing included) is not timed.

    .venv/bin/python bench/close.py                                   # SQLite in a temporary folder
    OPENBARGAIN_TEST_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/close.py
    … bench/close.py --ballots 1000000                                 # issue 16's million (slow to seed)

Target (issue 6): at most 10 seconds on the project machine, on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import resource
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OPENBARGAIN_INSTANCE_PATH", tempfile.mkdtemp(prefix="ob-bench-"))

from sqlalchemy import insert, select, update  # noqa: E402

from config import TestConfig  # noqa: E402
from openbargain import create_app  # noqa: E402
from openbargain.clock import now, set_clock  # noqa: E402
from openbargain.extensions import db  # noqa: E402
from openbargain.models import Referendum, Result, SealedBallot, User, VoterRollEntry  # noqa: E402
from openbargain.services import demo, proposals, referenda, results, sealing  # noqa: E402
from openbargain.services.casting import longest_payload  # noqa: E402
from openbargain.services.proposals import OptionDraft, ProposalDraft  # noqa: E402
from openbargain.services.rolls import ensure_rolls_frozen  # noqa: E402
from seeding import add_members, demo_cast  # noqa: E402

BALLOTS = 100_000
OPTIONS = 8
SEED = 20261124


def main() -> None:
    global BALLOTS
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=BALLOTS)
    BALLOTS = parser.parse_args().ballots
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = os.environ.get(
        "OPENBARGAIN_TEST_DATABASE_URL", f"sqlite:///{os.environ['OPENBARGAIN_INSTANCE_PATH']}/close.sqlite")
    app = create_app(config)
    backend = config.SQLALCHEMY_DATABASE_URI.split(":")[0]
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
        # 100,000 members in good standing, then the roll freezes at opening.
        add_members(chapter.id, BALLOTS, "bench", start)
        db.session.commit()
        set_clock(lambda: start - timedelta(days=2) + timedelta(minutes=1))
        ensure_rolls_frozen(chapter.id)
        rng = np.random.default_rng(SEED)
        scores = np.log(rng.uniform(0.2, 1.0, OPTIONS)) + rng.gumbel(size=(BALLOTS, OPTIONS))
        order = np.argsort(-scores, axis=1)
        lengths = rng.integers(0, OPTIONS + 1, size=BALLOTS)
        referendum = db.session.get(Referendum, referendum.id)
        seal = sealing.BallotSeal(referendum.seal_key_id, referendum.id)
        longest = longest_payload(referendum, labels)
        rows = []
        for i in range(BALLOTS):
            sealed_id = str(uuid.uuid4())
            payload = {"content": {"ranking": [labels[j] for j in order[i, : lengths[i]]]},
                       "tracker_hash": hashlib.sha256(f"bench-{i}".encode()).hexdigest(), "roll_entry": None}
            rows.append({"id": sealed_id, "referendum_id": referendum.id,
                         "sealed": seal.seal(sealed_id, payload, longest=longest)})
        db.session.execute(insert(SealedBallot), rows)
        db.session.execute(update(VoterRollEntry).where(VoterRollEntry.referendum_id == referendum.id)
                           .values(voted_on=date.today()))
        db.session.commit()
        rid = referendum.id
        set_clock(lambda: start)
    with app.app_context():
        t0 = time.perf_counter()
        certified = results.certify_closed()
        elapsed = time.perf_counter() - t0
        result = db.session.scalar(select(Result).where(Result.referendum_id == rid))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        target = 10 if BALLOTS <= 100_000 else 20  # issue 6 for 100,000; issue 16 for a million
        print(f"certify {BALLOTS:,} IRV ballots, {OPTIONS} options ({backend}): {elapsed:.2f} s "
              f"(target {target} s) — {certified} certified, winner {result.winners}, "
              f"{len(result.tally['rounds'])} rounds, {'OK' if elapsed <= target else 'MISSED'}; "
              f"process peak {peak:.1f} GiB (seeding included)")
        chapter = db.session.get(Referendum, rid).proposal.chapter
        steering = db.session.scalar(select(User).where(User.email == "steering@demo.openbargain.test"))
        t0 = time.perf_counter()
        stored = results.export_file(steering, chapter, rid)
        served = time.perf_counter() - t0
        print(f"export download: {served * 1000:.0f} ms to read the stored document ({len(stored.document) / 2**20:.1f} "
              f"MiB, written once at certification)")
        t0 = time.perf_counter()
        problems = results.verify_result(rid)
        print(f"verify-result recount: {time.perf_counter() - t0:.2f} s, {'agrees' if not problems else problems}")


if __name__ == "__main__":
    main()
