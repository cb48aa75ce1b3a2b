"""The audit log's head is published: the public page, the API, each certified result, the feed."""
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
    assert api == {"length": head.length, "head": head.hash, "checkpoint": head.label}


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
    # The checkpoint is the chain just before the certification, which itself records it.
    assert result.audit_length == certified.id - 1
    assert result.audit_head == db.session.get(AuditEvent, certified.id - 1).hash
    assert certified.data["audit_checkpoint"] == f"{result.audit_head}@{result.audit_length}"
    login(client, world.member)
    export = client.get(f"/c/riverside/referenda/{r.id}/export.json").get_json()
    assert export["audit_checkpoint"] == {"length": result.audit_length, "head": result.audit_head}
    page = client.get(f"/c/riverside/referenda/{r.id}/result").get_data(as_text=True)
    assert f"{result.audit_head}@{result.audit_length}" in page
    token = client.post("/api/v1/tokens", json={"email": world.member.email, "password": factories.PASSWORD})
    api = client.get(f"/api/v1/chapters/riverside/referenda/{r.id}/result",
                     headers={"Authorization": f"Bearer {token.get_json()['access_token']}"}).get_json()
    assert api["audit_checkpoint"] == f"{result.audit_head}@{result.audit_length}"


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
    assert f"Audit log checkpoint: {audit.head(db.session).label}" in feed
    assert f"Result certified: {proposal.title}" in feed
    assert f"{result.audit_head}@{result.audit_length}" in feed
