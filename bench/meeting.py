"""General meeting benchmark (issue 19, part 1): a hall of members checking in, the vote opened on
all of them, and the pages every phone and the projector keep reloading. The issue sets no target;
these are the figures a chapter planning a large meeting would ask for.

- check-ins: members checking themselves in with the room code, one after another through the
  service (each locks the meeting row and writes its audit event: they take turns by design);
- opening the vote: freezing a roll of everyone present;
- the meeting's page, and what each phone's script asks every 10 s (its live part: a 304 while
  nothing it shows changed), the room's screen, and the tellers' attendance page, with the vote
  open: median and p95, and queries.

SQLite in a temporary folder, or OPENBARGAIN_TEST_DATABASE_URL; seeding not timed.

    .venv/bin/python bench/meeting.py [--members 2000]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OPENBARGAIN_INSTANCE_PATH", tempfile.mkdtemp(prefix="ob-bench-"))

from sqlalchemy import select  # noqa: E402

from config import TestConfig  # noqa: E402
from openbargain import create_app  # noqa: E402
from openbargain.clock import now, set_clock  # noqa: E402
from openbargain.extensions import db  # noqa: E402
from openbargain.models import Chapter, Meeting, User  # noqa: E402
from openbargain.services import demo, meeting_votes, meetings  # noqa: E402
from openbargain.services.accounts import hash_password  # noqa: E402
from seeding import add_members, timed  # noqa: E402

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2_000)
    args = parser.parse_args()
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = os.environ.get(
        "OPENBARGAIN_TEST_DATABASE_URL", f"sqlite:///{os.environ['OPENBARGAIN_INSTANCE_PATH']}/bench.sqlite")
    app = create_app(config)
    backend = config.SQLALCHEMY_DATABASE_URI.split(":")[0]
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo.create_demo()
        chapter = db.session.scalar(select(Chapter).where(Chapter.slug == demo.DEMO_SLUG))
        user_ids = add_members(chapter.id, args.members, "hall", now(), hash_password(demo.DEMO_PASSWORD))
        db.session.commit()
        meeting = db.session.scalar(select(Meeting).where(Meeting.chapter_id == chapter.id))
        moment = meeting.starts_at - timedelta(minutes=20)
        set_clock(lambda: moment)
        users = [db.session.get(User, uid) for uid in user_ids]
        started = time.perf_counter()
        for user in users:
            meetings.check_in(user, chapter, meeting.id, code=meetings.room_code(meeting, now()))
        took = time.perf_counter() - started
        print(f"check-ins, {args.members:,} members one after another  {args.members / took:7.0f} /s  "
              f"({took / args.members * 1000:.1f} ms each; {backend})")
        set_clock(lambda: meeting.starts_at)
        steering = db.session.scalar(select(User).where(User.email == f"steering@{demo.DEMO_DOMAIN}"))
        meetings.call_to_order(steering, chapter, meeting.id)
        agenda = meetings.agenda_of(db.session, meeting.id)
        started = time.perf_counter()
        vote = meeting_votes.open_vote(steering, chapter, meeting.id, agenda[0].id, 30)
        print(f"opening the vote, a roll of {vote.roll_size:,}               {(time.perf_counter() - started) * 1000:7.0f} ms")
        slug, meeting_id = chapter.slug, meeting.id
    base = f"/c/{slug}/meetings/{meeting_id}"
    for who, label, url, unchanged in [
            ("hall0", "meeting page (a member's phone)", base, False),
            ("hall0", "its live part, changed (200)", f"{base}/live", False),
            ("hall0", "its live part, unchanged (304)", f"{base}/live", True),
            ("steering", "room's screen", f"{base}/screen", False),
            ("steering", f"attendance page, {args.members:,} present", f"{base}/attendance", False)]:
        client = app.test_client()
        email = f"{who}@example.org" if who.startswith("hall") else f"{who}@{demo.DEMO_DOMAIN}"
        client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD})
        headers = {"If-None-Match": client.get(url).headers["ETag"]} if unchanged else None
        median, p95, queries = timed(app, client, url, headers=headers, status=304 if unchanged else 200)
        print(f"{label:<42} median {median * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  {queries} queries  ({backend})")


if __name__ == "__main__":
    main()
