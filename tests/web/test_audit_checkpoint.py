"""The audit chains' heads are published: the public page, the chapter's page, the API, each
certified result, the feed."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from openbargain.clock import set_clock
from openbargain.extensions import db
from openbargain.models import AuditEvent, Bylaws, Membership, Result
from openbargain.services import audit, casting
from tests import factories
from tests.conftest import login


def test_the_public_page_and_the_api_show_the_current_head(client, world):
    from openbargain.services import accounts

    accounts.log_out_everywhere(world.member)
    head = audit.head(db.session)
    assert head.length > 0
    page = client.get("/audit")
    assert page.status_code == 200 and head.label in page.get_data(as_text=True)
    api = client.get("/api/v1/audit/checkpoint").get_json()
    assert api == {"chain": "", "length": head.length, "head": head.hash, "checkpoint": head.label}


def test_a_chapter_shows_its_members_its_own_chain(client, world):
    db.session.get(Bylaws, world.chapter.id).public_pages = False
    audit.record(db.session, "test.event", "x", actor=None, chapter=world.chapter)
    db.session.commit()
    head = audit.head(db.session, world.chapter)
    assert head.label.startswith("riverside:") and head.length > 0
    # The chapter's pages are not public: its chain is its members' to see.
    assert head.label not in client.get("/audit").get_data(as_text=True)
    assert client.get("/c/riverside/audit/checkpoint").status_code == 302
    assert client.get("/api/v1/chapters/riverside/audit/checkpoint").status_code == 404
    db.session.get(Bylaws, world.chapter.id).public_pages = True
    db.session.commit()
    assert head.label in client.get("/audit").get_data(as_text=True)
    api = client.get("/api/v1/chapters/riverside/audit/checkpoint").get_json()
    assert api == {"chain": "riverside", "length": head.length, "head": head.hash, "checkpoint": head.label}
    login(client, world.member)
    page = client.get("/c/riverside/audit/checkpoint")
    assert page.status_code == 200 and head.label in page.get_data(as_text=True)


def test_a_certified_result_carries_the_checkpoint_of_its_moment(client, world):
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    r = factories.make_open_referendum(world, elected)
    db.session.get(Bylaws, world.chapter.id).public_pages = True
    db.session.commit()
    casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "yes"})
    set_clock(lambda at=r.closes_at: at + timedelta(minutes=1))
    client.get(f"/c/riverside/referenda/{r.id}/result")  # the first look certifies
    result = db.session.scalar(select(Result))
    certified = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "referendum.certified"))
    # The checkpoint is the chapter's chain just before the certification, which itself records it.
    assert certified.chain == world.chapter.id and result.audit_chain == "riverside"
    assert result.audit_length == certified.seq - 1
    before = db.session.scalar(select(AuditEvent).where(AuditEvent.chain == certified.chain,
                                                        AuditEvent.seq == certified.seq - 1))
    assert result.audit_head == before.hash
    label = result.audit_checkpoint.label
    assert certified.data["audit_checkpoint"] == label == f"riverside:{result.audit_head}@{result.audit_length}"
    login(client, world.member)
    export = client.get(f"/c/riverside/referenda/{r.id}/export.json").get_json()
    assert export["audit_checkpoint"] == {"chain": "riverside", "length": result.audit_length,
                                          "head": result.audit_head}
    page = client.get(f"/c/riverside/referenda/{r.id}/result").get_data(as_text=True)
    assert label in page
    token = client.post("/api/v1/tokens", json={"email": world.member.email, "password": factories.PASSWORD})
    api = client.get(f"/api/v1/chapters/riverside/referenda/{r.id}/result",
                     headers={"Authorization": f"Bearer {token.get_json()['access_token']}"}).get_json()
    assert api["audit_checkpoint"] == label


def test_the_feed_carries_the_current_head_and_each_results_checkpoint(client, world):
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    db.session.get(Bylaws, world.chapter.id).public_pages = True
    db.session.commit()
    r = factories.make_open_referendum(world, elected)
    proposal = r.proposal
    proposal.visibility = "public"
    db.session.commit()
    casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "no"})
    set_clock(lambda at=r.closes_at: at + timedelta(minutes=1))
    client.get(f"/c/riverside/referenda/{r.id}/result")
    result = db.session.scalar(select(Result))
    feed = client.get("/c/riverside/feed.atom").get_data(as_text=True)
    assert f"Audit log checkpoint: {audit.head(db.session, world.chapter).label}" in feed
    assert f"Result certified: {proposal.title}" in feed
    assert result.audit_checkpoint.label in feed
