"""What the benchmarks share: filling a chapter fast (members in good standing as two multi-row
inserts, the demo's cast, a yes/no vote) and timing a page."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import event, insert, select

from openbargain.clock import set_clock
from openbargain.extensions import db
from openbargain.models import Chapter, Membership, Standing, User
from openbargain.services import proposals, referenda
from openbargain.services.proposals import ProposalDraft


def add_members(chapter_id: int, count: int, prefix: str, start: datetime,
                password_hash: str | None = None) -> list[int]:
    """`count` users named `prefix0`… made members in good standing; returns their user ids. A
    `password_hash` makes their accounts active (tokens need that); without one they are invited."""
    db.session.execute(insert(User), [{"email": f"{prefix}{i}@example.org", "name": f"{prefix.title()} {i}",
                                       "password_hash": password_hash, "is_admin": False, "session_version": 1,
                                       "created_at": start} for i in range(count)])
    user_ids = list(db.session.scalars(select(User.id).where(User.email.like(f"{prefix}%@example.org"))))
    db.session.execute(insert(Membership), [{"chapter_id": chapter_id, "user_id": uid,
                                             "standing": Standing.GOOD_STANDING, "is_elected": False,
                                             "is_steering": False, "created_at": start, "updated_at": start}
                                            for uid in user_ids])
    return user_ids


@dataclass(frozen=True)
class DemoCast:
    steering: User
    member: User
    chapter: Chapter
    elected: Membership


def demo_cast() -> DemoCast:
    """The demo chapter's steering member, first member, the chapter and its elected."""
    steering = db.session.scalar(select(User).where(User.email == "steering@demo.openbargain.test"))
    member = db.session.scalar(select(User).where(User.email == "member1@demo.openbargain.test"))
    chapter = db.session.scalar(select(Membership).where(Membership.user_id == member.id)).chapter
    elected = db.session.scalar(select(Membership).where(Membership.is_elected.is_(True)))
    return DemoCast(steering, member, chapter, elected)


def yes_no_vote(people: DemoCast, start: datetime, *, title: str, directive: str, opens_at: datetime,
                closes_at: datetime) -> int:
    """A yes/no proposal published ten days before `start`, its vote scheduled half an hour before
    it opens; returns the vote's id. Leaves the clock at the scheduling moment."""
    set_clock(lambda: start - timedelta(days=10))
    proposal = proposals.draft_proposal(people.member, people.chapter, ProposalDraft(
        title=title, body="", decision=title, deadline=date.today() + timedelta(days=30), ballot_kind="yes_no",
        visibility="members", elected_ids=[people.elected.id], adopted_directive=directive))
    proposals.publish_proposal(people.member, people.chapter, proposal.id)
    set_clock(lambda: opens_at - timedelta(minutes=30))
    return referenda.schedule_referendum(people.steering, people.chapter, proposal.id, referenda.Schedule(
        method="yes_no", opens_at=opens_at, closes_at=closes_at, quorum_percent=20, threshold="majority")).id


def timed(app, client, url: str, *, headers: dict | None = None, status: int = 200,
          runs: int = 30) -> tuple[float, float, int]:
    """A page fetched `runs` times after one warm-up: median and p95 seconds, and the queries one
    fetch runs. Every answer must have `status`."""
    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*_):
        counter["n"] += 1

    client.get(url, headers=headers or {})
    samples = []
    for _ in range(runs):
        event.listen(engine, "before_cursor_execute", count)
        counter["n"] = 0
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        samples.append(time.perf_counter() - start)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == status, response.status_code
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], counter["n"]
