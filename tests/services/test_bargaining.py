from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import AuditEvent, BargainingEntry
from openbargain.services import bargaining, feed, referenda
from openbargain.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.helpers import membership



def draft(**changes):
    values = dict(met_on=now().date(), counterparty="Speaker's office", offered="A committee chair",
                  demanded="Vote yes on the budget", threatened="Primary challenge")
    values.update(changes)
    return bargaining.EntryDraft(**values)


def count():
    return db.session.scalar(select(func.count()).select_from(BargainingEntry))


def test_an_elected_logs_an_entry_sealed_in_the_audit_chain(app, world):
    entry = bargaining.log_entry(world.elected, world.chapter, draft())
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.kind == "bargaining.logged" and event.data["content_sha256"] == bargaining.content_hash(entry)
    assert [v.entry.id for v in bargaining.visible_entries(None, world.chapter)] == [entry.id]  # own log: public


@pytest.mark.parametrize("role, error", [("member", PermissionDenied), ("steering", PermissionDenied),
                                         ("other_steering", NotFound)])
def test_only_electeds_log_updates(app, world, role, error):
    with pytest.raises(error):
        bargaining.log_entry(world.user(role), world.chapter, draft())
    assert count() == 0


@pytest.mark.parametrize("changes, field", [
    ({"counterparty": ""}, "counterparty"), ({"counterparty": "x" * 201}, "counterparty"),
    ({"offered": "", "demanded": "", "threatened": ""}, "offered"), ({"notes": "x" * 20_001}, "notes"),
    ({"met_on": None}, "met_on"), ({"embargo_until": now() - timedelta(hours=1)}, "embargo_until"),
])
def test_bad_updates_are_refused(app, world, changes, field):
    with pytest.raises(ValidationFailed) as exc:
        bargaining.log_entry(world.elected, world.chapter, draft(**changes))
    assert field in exc.value.errors and count() == 0


def test_corrections_link_to_the_elected_own_earlier_entry(app, world):
    first = bargaining.log_entry(world.elected, world.chapter, draft())
    other = factories.make_membership(world.chapter, elected=True).user
    with pytest.raises(ValidationFailed):
        bargaining.log_entry(other, world.chapter, draft(corrects_id=first.id))
    fix = bargaining.log_entry(world.elected, world.chapter, draft(offered="Two committee chairs",
                                                                    corrects_id=first.id))
    assert fix.corrects_id == first.id and count() == 2


def test_an_embargo_lifts_at_its_end_or_when_the_vote_opens(app, world):
    start = now()
    set_clock(lambda: start - timedelta(days=10))
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    set_clock(lambda: start)
    entry = bargaining.log_entry(world.elected, world.chapter, draft(proposal_id=proposal.id,
                                                                        embargo_until=start + timedelta(days=5)))
    seen = lambda who: [v.entry.id for v in bargaining.visible_entries(who, world.chapter, proposal=proposal)]  # noqa: E731
    assert seen(world.member) == []
    assert seen(world.steering) == [entry.id] and seen(world.elected) == [entry.id]
    referenda.schedule_referendum(world.steering, world.chapter, proposal.id, referenda.Schedule(
        method="yes_no", opens_at=start + timedelta(days=2), closes_at=start + timedelta(days=3),
        quorum_percent=20, threshold="majority"))
    set_clock(lambda: start + timedelta(days=2))
    assert seen(world.member) == [entry.id]  # the vote opened before the embargo's end


def test_the_atom_feed_holds_public_items_only(app, world):
    public = bargaining.log_entry(world.elected, world.chapter, draft(counterparty="Lobbyist"))
    embargoed = bargaining.log_entry(world.elected, world.chapter, draft(counterparty="Secret talks",
                                                                           embargo_until=now() + timedelta(days=1)))
    members_only = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    bargaining.log_entry(world.elected, world.chapter, draft(counterparty="Whip", proposal_id=members_only.id))
    body = feed.atom_feed(world.chapter, "https://example.org/feed", lambda kind, i: f"https://example.org/{kind}/{i}")
    text = body.decode()
    assert "Lobbyist" in text and "Secret talks" not in text and "Whip" not in text
    assert f"bargaining/{public.id}" in text and f"bargaining/{embargoed.id}" not in text


# --- embargoes that say what they do -----------------------------------------------------------

def _public_ids(chapter, proposal=None):
    return [v.entry.id for v in bargaining.visible_entries(None, chapter, proposal=proposal)]


def test_an_embargo_past_the_opened_vote_is_refused_not_published(app, world):
    from openbargain.models import Bylaws

    db.session.get(Bylaws, world.chapter.id).public_pages = True
    db.session.commit()
    r = factories.make_open_referendum(world, membership(world.elected), visibility="public")
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ValidationFailed) as refused:
        bargaining.log_entry(world.elected, world.chapter, draft(
            proposal_id=r.proposal_id, embargo_until=now() + timedelta(days=90), offered="SECRET-MARKER"))
    assert "embargo_until" in refused.value.errors and "public at once" in refused.value.errors["embargo_until"][0]
    assert count() == 0 and db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert "SECRET-MARKER" not in feed.atom_feed(world.chapter, "http://x/feed", lambda k, i: "http://x/").decode()
    # Without an embargo it is logged, and public, as the elected is told.
    entry = bargaining.log_entry(world.elected, world.chapter, draft(proposal_id=r.proposal_id))
    assert bargaining.release_time(entry) == entry.recorded_at and entry.id in _public_ids(world.chapter)


def test_an_embargo_until_the_vote_opens_needs_no_date(app, world):
    from openbargain.models import Bylaws

    db.session.get(Bylaws, world.chapter.id).public_pages = True
    db.session.commit()
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], visibility="public")
    entry = bargaining.log_entry(world.elected, world.chapter, draft(proposal_id=proposal.id,
                                                                         embargo_until_vote=True))
    assert entry.embargo_until is None and bargaining.release_time(entry) is None
    assert _public_ids(world.chapter) == [] and _public_ids(world.chapter, proposal) == []
    assert [v.entry.id for v in bargaining.visible_entries(world.steering, world.chapter)] == [entry.id]
    later = now() + timedelta(days=8)  # past the bylaws' deliberation minimum
    set_clock(lambda: later)
    schedule = referenda.default_schedule(world.chapter, proposal)
    referendum = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, schedule)
    assert bargaining.release_time(entry) == referendum.opens_at
    assert _public_ids(world.chapter) == []
    set_clock(lambda at=referendum.opens_at: at)
    assert _public_ids(world.chapter) == [entry.id]


def test_an_embargo_until_the_vote_needs_a_proposal(app, world):
    with pytest.raises(ValidationFailed) as refused:
        bargaining.log_entry(world.elected, world.chapter, draft(embargo_until_vote=True))
    assert "embargo_until_vote" in refused.value.errors and count() == 0


def test_a_dated_embargo_ends_when_the_vote_opens_if_that_is_sooner(app, world):
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    later = now() + timedelta(days=8)
    set_clock(lambda: later)
    referendum = referenda.schedule_referendum(world.steering, world.chapter, proposal.id,
                                               referenda.default_schedule(world.chapter, proposal))
    entry = bargaining.log_entry(world.elected, world.chapter, draft(
        proposal_id=proposal.id, embargo_until=referendum.opens_at + timedelta(days=30)))
    assert bargaining.release_time(entry) == referendum.opens_at


def test_an_earlier_entry_is_linked_to_a_later_proposal_without_editing_it(app, world):
    entry = bargaining.log_entry(world.elected, world.chapter, draft())
    sealed = bargaining.content_hash(entry)
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    with pytest.raises(PermissionDenied):
        bargaining.link_entry(world.steering, world.chapter, entry.id, proposal.id)
    bargaining.link_entry(world.elected, world.chapter, entry.id, proposal.id)
    with pytest.raises(Exception, match="already linked"):
        bargaining.link_entry(world.elected, world.chapter, entry.id, proposal.id)
    db.session.refresh(entry)
    assert entry.proposal_id is None and bargaining.content_hash(entry) == sealed
    timeline = bargaining.visible_entries(world.member, world.chapter, proposal=proposal)
    assert [v.entry.id for v in timeline] == [entry.id]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "bargaining.linked"))
    assert event.data == {"proposal_id": proposal.id, "content_sha256": sealed}
