from __future__ import annotations

import pytest
from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import AuditEvent, Chapter, Membership, Standing
from openbargain.services import chapters
from openbargain.services.errors import NotFound, PermissionDenied, ValidationFailed


def new(slug="eastside", tz="America/Chicago", email="chair@example.org"):
    return chapters.NewChapter(slug=slug, name="Eastside", timezone=tz, steering_email=email, steering_name="Chair")


def test_admin_creates_a_chapter_with_an_invited_steering_member(app, world, outbox):
    chapter = chapters.create_chapter(world.admin, new())
    m = db.session.scalar(select(Membership).where(Membership.chapter_id == chapter.id))
    assert m.is_steering and m.in_good_standing and m.user.email == "chair@example.org"
    assert [msg.to for msg in outbox] == ["chair@example.org"]
    assert "/invitation/" in outbox[0].body
    assert db.session.scalar(select(AuditEvent.kind).order_by(AuditEvent.id.desc())) == "chapter.created"


@pytest.mark.parametrize("bad, field", [
    (new(slug="Bad Slug!"), "slug"), (new(slug="riverside"), "slug"), (new(tz="Mars/Olympus"), "timezone"),
])
def test_bad_chapter_input_is_refused_and_changes_nothing(app, world, bad, field):
    before = db.session.scalar(select(func.count()).select_from(Chapter))
    with pytest.raises(ValidationFailed) as exc:
        chapters.create_chapter(world.admin, bad)
    assert field in exc.value.errors
    assert db.session.scalar(select(func.count()).select_from(Chapter)) == before


def test_only_a_site_admin_creates_chapters(app, world):
    with pytest.raises(PermissionDenied):
        chapters.create_chapter(world.steering, new())


def _membership(world, user):
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id))


def test_steering_changes_a_membership_and_it_is_audited(app, world):
    target = _membership(world, world.member)
    change = chapters.MembershipChange(Standing.LAPSED, True, False, "Mayor")
    chapters.update_membership(world.steering, world.chapter, target.id, change)
    db.session.refresh(target)
    assert (target.standing, target.is_elected, target.office) == (Standing.LAPSED, True, "Mayor")
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.kind == "membership.updated"
    assert event.data["before"]["standing"] == "good_standing" and event.data["after"]["standing"] == "lapsed"


def test_membership_rules_are_enforced(app, world):
    target = _membership(world, world.member)
    with pytest.raises(ValidationFailed) as exc:
        chapters.update_membership(world.steering, world.chapter, target.id,
                                   chapters.MembershipChange(Standing.GOOD_STANDING, False, False, "Mayor"))
    assert "office" in exc.value.errors
    own = _membership(world, world.steering)
    with pytest.raises(ValidationFailed, match="at least one steering"):
        chapters.update_membership(world.steering, world.chapter, own.id,
                                   chapters.MembershipChange(Standing.GOOD_STANDING, False, False, None))
    db.session.refresh(own)
    assert own.is_steering


def test_another_chapters_membership_is_not_found(app, world):
    foreign = _membership(world, world.other_steering)
    with pytest.raises(NotFound):
        chapters.update_membership(world.steering, world.chapter, foreign.id,
                                   chapters.MembershipChange(Standing.LAPSED, False, False, None))
    with pytest.raises(NotFound):
        chapters.get_membership(world.steering, world.chapter, foreign.id)


def test_invite_member_only_for_members_without_an_account(app, world, outbox):
    from tests.factories import make_membership, make_user

    pending = make_membership(world.chapter, make_user(account=False))
    chapters.invite_member(world.steering, world.chapter, pending.id)
    assert len(outbox) == 1
    with pytest.raises(ValidationFailed, match="already has an account"):
        chapters.invite_member(world.steering, world.chapter, _membership(world, world.member).id)
    with pytest.raises(PermissionDenied):
        chapters.invite_member(world.member, world.chapter, pending.id)
