"""Plain builder functions for test data; each commits so services see the rows."""
from __future__ import annotations

import itertools

from openbargain.extensions import db
from openbargain.models import Bylaws, Chapter, Membership, Standing, User
from openbargain.services.accounts import hash_password

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)
# Hashing is deliberately slow; tests reuse one hash of the shared password.
_PASSWORD_HASH: list[str] = []


def password_hash() -> str:
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(hash_password(PASSWORD))
    return _PASSWORD_HASH[0]


def make_user(email: str | None = None, name: str | None = None, *, admin: bool = False,
              account: bool = True) -> User:
    n = next(_seq)
    user = User(email=email or f"user{n}@example.org", name=name or f"User {n}", is_admin=admin,
                password_hash=password_hash() if account else None)
    db.session.add(user)
    db.session.commit()
    return user


def make_chapter(slug: str | None = None, name: str | None = None) -> Chapter:
    n = next(_seq)
    chapter = Chapter(slug=slug or f"chapter-{n}", name=name or f"Chapter {n}", timezone="America/New_York")
    db.session.add(chapter)
    db.session.add(Bylaws.for_new_chapter(chapter))
    db.session.commit()
    return chapter


def make_membership(chapter: Chapter, user: User | None = None, *, standing: Standing = Standing.GOOD_STANDING,
                    elected: bool = False, steering: bool = False, office: str | None = None) -> Membership:
    user = user or make_user()
    membership = Membership(chapter=chapter, user=user, standing=standing, is_elected=elected,
                            is_steering=steering, office=office or ("State Senate, District 9" if elected else None))
    db.session.add(membership)
    db.session.commit()
    return membership


def proposal_draft(electeds: list[Membership], *, kind: str = "yes_no", visibility: str = "members",
                   title: str = "Vote no on the budget deal", **changes):
    from datetime import date, timedelta

    from openbargain.models import BallotKind, Visibility
    from openbargain.services.proposals import OptionDraft, ProposalDraft

    ranked = kind == "ranked"
    fields = dict(
        title=title, body="The deal **cuts** transit.", decision="How to vote on the budget deal.",
        deadline=date.today() + timedelta(days=30), ballot_kind=BallotKind(kind), visibility=Visibility(visibility),
        elected_ids=[m.id for m in electeds],
        adopted_directive="" if ranked else "Vote no on the budget deal.",
        rejected_directive="" if ranked else "Vote yes on the budget deal.",
        fallback_directive="Abstain.",
        options=[OptionDraft("Bloc", "Endorse the insurgents as a bloc."),
                 OptionDraft("Individually", "Endorse candidates one by one.")] if ranked else [],
    )
    if "proposal_kind" in changes:  # `kind` here is the ballot's
        changes["kind"] = changes.pop("proposal_kind")
    fields.update(changes)
    return ProposalDraft(**fields)


def make_proposal(chapter: Chapter, author: User, electeds: list[Membership], *, publish: bool = True, **draft):
    from openbargain.services import proposals

    proposal = proposals.draft_proposal(author, chapter, proposal_draft(electeds, **draft))
    if publish:
        proposals.publish_proposal(author, chapter, proposal.id)
    return db.session.get(type(proposal), proposal.id)


def deliberated_proposal(world, title: str = "Strike on Monday"):
    """A yes/no proposal by the member, directing the elected, published ten days ago: past the
    bylaws' week of deliberation, ready to be put to a vote now (at a general meeting, say)."""
    from datetime import timedelta

    from openbargain.clock import now, set_clock
    from tests.helpers import membership

    start = now()
    set_clock(lambda: start - timedelta(days=10))
    try:
        return make_proposal(world.chapter, world.member, [membership(world.elected)], title=title)
    finally:
        set_clock(lambda: start)


def make_open_referendum(world, elected: Membership, *, kind: str = "yes_no", secret: bool = True,
                         method: str | None = None, title: str = "Endorse the strike", closed: bool = False,
                         **draft):
    """A proposal published ten days ago whose vote opened an hour ago and runs a week (or, when
    `closed`, ran from two days ago to yesterday)."""
    from datetime import timedelta

    from openbargain.clock import now, set_clock
    from openbargain.models import Referendum
    from openbargain.services import referenda

    start = now()
    set_clock(lambda: start - timedelta(days=10))
    try:
        proposal = make_proposal(world.chapter, world.member, [elected], kind=kind, title=title, **draft)
        schedule = referenda.Schedule(
            method=method or ("yes_no" if kind == "yes_no" else "irv"),
            opens_at=start - timedelta(days=2 if closed else 0, hours=0 if closed else 1),
            closes_at=start - timedelta(days=1) if closed else start + timedelta(days=7), quorum_percent=20, secret=secret,
            threshold="majority" if kind == "yes_no" else None)
        referendum = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, schedule)
    finally:
        set_clock(lambda: start)  # back to "now" as the test had it (it may have moved the clock)
    return db.session.get(Referendum, referendum.id)


def make_mandate(world, **draft):
    """A yes/no vote on a proposal directing the world's elected, adopted by one ballot, closed and
    certified; returns the mandate it issued (the clock is left just after the close)."""
    from datetime import timedelta

    from sqlalchemy import select

    from openbargain.clock import set_clock
    from openbargain.models import Mandate
    from openbargain.services import casting, results

    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id,
                                                         Membership.chapter_id == world.chapter.id))
    referendum = make_open_referendum(world, elected, **draft)
    casting.cast_ballot(world.member, world.chapter, referendum.id, {"choice": "yes"})
    closed = referendum.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed(world.chapter.id)
    return db.session.scalar(select(Mandate).where(Mandate.referendum_id == referendum.id))


def make_scheduled_vote(world, elected: Membership):
    """A proposal past its deliberation whose yes/no vote opens in two hours; returns both."""
    from datetime import timedelta

    from openbargain.clock import now, set_clock
    from openbargain.services import referenda

    start = now()
    set_clock(lambda: start - timedelta(days=8))
    proposal = make_proposal(world.chapter, world.member, [elected])
    set_clock(lambda: start)
    referendum = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, referenda.Schedule(
        "yes_no", start + timedelta(hours=2), start + timedelta(days=2), 20, threshold="majority"))
    return proposal, referendum


def opened_ballots(referendum_id: int) -> list[dict]:
    """What the operator holding the ballot key could read of an open vote's sealed ballots:
    each payload (content, tracker_hash, roll_entry). Tests use it; the app never lists them."""
    from sqlalchemy import select

    from openbargain.models import Referendum, SealedBallot
    from openbargain.services.sealing import BallotSeal

    referendum = db.session.get(Referendum, referendum_id)
    seal = BallotSeal(referendum.seal_key_id, referendum_id)
    return [seal.open(s.id, s.sealed) for s in db.session.scalars(
        select(SealedBallot).where(SealedBallot.referendum_id == referendum_id))]


class audit_triggers_set_aside:
    """What a database owner bent on rewriting history can do: drop the append-only triggers,
    then put them back. Tests use it to show that verify-audit still catches the rewrite."""

    def __enter__(self):
        from sqlalchemy import text

        from openbargain.models.audit import DROP_APPEND_ONLY

        db.session.rollback()
        for statement in DROP_APPEND_ONLY[db.engine.dialect.name]:
            db.session.execute(text(statement))
        db.session.commit()
        return self

    def __exit__(self, *exc):
        from sqlalchemy import text

        from openbargain.models.audit import APPEND_ONLY

        db.session.rollback()
        for statement in APPEND_ONLY[db.engine.dialect.name]:
            db.session.execute(text(statement))
        db.session.commit()
        return False


COMMITTEE = ["Ana Organizer", "Ben Steward", "Chema Delegate-Longname", "Dee Treasurer"]


def certified_committee_election(world, elected: Membership):
    """A three-seat STV election among four long names, voted by member, elected and steering and
    certified: each winner's name in full is part of what the mandate records."""
    from datetime import timedelta

    from openbargain.clock import set_clock
    from openbargain.services import casting, results
    from openbargain.services.proposals import OptionDraft

    names = COMMITTEE
    r = make_open_referendum(world, elected, kind="ranked", method="stv", title="Committee",
                             options=[OptionDraft(n, f"Seat {n}.") for n in names])
    r.seats = 3
    db.session.commit()
    for user, ranking in zip((world.member, world.elected, world.steering),
                             (names[:3], [names[1], names[2], names[0]], [names[2], names[0], names[1]])):
        casting.cast_ballot(user, world.chapter, r.id, {"ranking": ranking})
    closed = r.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed(world.chapter.id)
    return r


def proposal_due_at_ten(world, elected: Membership):
    """A proposal published eight days ago (past the usual deliberation) whose elected must act in
    three days at 10:00, chapter time; returns it with the deadline as a moment."""
    from datetime import time, timedelta

    from openbargain.clock import now, set_clock
    from openbargain.services.proposals import deadline_moment

    start = now()
    set_clock(lambda: start - timedelta(days=8))
    try:
        deadline = (start + timedelta(days=3)).date()
        proposal = make_proposal(world.chapter, world.member, [elected], deadline=deadline, deadline_time=time(10, 0))
    finally:
        set_clock(None)
    return proposal, deadline_moment(world.chapter, deadline, time(10, 0))


def decide(world, *, author: User | None = None, electeds: list[Membership] | None = None, yes: bool = True,
           **draft):
    """A yes/no proposal (a plank, a repeal or a directive) published ten days ago, voted yes (or no)
    by the world's member, without a quorum to meet, and certified; returns the proposal (the clock is left just after the close)."""
    from datetime import timedelta

    from openbargain.clock import now, set_clock
    from openbargain.models import Proposal
    from openbargain.services import casting, referenda, results

    start = now()
    set_clock(lambda: start - timedelta(days=10))
    proposal = make_proposal(world.chapter, author or world.member, electeds or [], **draft)
    referendum = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, referenda.Schedule(
        "yes_no", start - timedelta(hours=1), start + timedelta(days=7), 0, threshold="majority"))
    set_clock(lambda: start)
    casting.cast_ballot(world.member, world.chapter, referendum.id, {"choice": "yes" if yes else "no"})
    closed = referendum.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed(world.chapter.id)
    return db.session.get(Proposal, proposal.id)


def plank_draft(**changes) -> dict:
    """What `decide` takes for a plank: a standing directive, no deadline, no other directive."""
    from openbargain.models import ProposalKind

    fields = dict(proposal_kind=ProposalKind.PLANK, title="No abatements for luxury towers", deadline=None,
                  adopted_directive="Vote no on every tax abatement above $1M.", rejected_directive="",
                  fallback_directive="")
    fields.update(changes)
    return fields


def adopt_plank(world, *, binds_all: bool = True, electeds: list[Membership] | None = None, **changes):
    """A plank adopted by the members (binding every elected unless `electeds` are named); returns it."""
    from sqlalchemy import select

    from openbargain.models import Plank

    proposal = decide(world, electeds=electeds, **plank_draft(binds_all_electeds=binds_all and not electeds,
                                                              **changes))
    return db.session.scalar(select(Plank).where(Plank.proposal_id == proposal.id))
