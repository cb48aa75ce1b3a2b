"""Use-cases of chapters and memberships, and the lookups views use to find them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openbargain import policy
from openbargain.extensions import db
from openbargain.models import Bylaws, Chapter, Invitation, Membership, Standing, User
from openbargain.models.chapter import OFFICE_MAX
from openbargain.services import accounts, audit, platform
from openbargain.services.access import membership_of, require
from openbargain.services.text import ONE_LINE, breaks_the_line
from openbargain.services.errors import NotFound, PermissionDenied, ValidationFailed
from openbargain.services.rolls import freeze_due_rolls
from openbargain.services.uow import unit_of_work

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


def get_chapter(slug: str) -> Chapter:
    chapter = db.session.scalar(select(Chapter).where(Chapter.slug == slug))
    if chapter is None:
        raise NotFound(gettext("No such chapter."))
    return chapter


def chapters_of(user: User) -> list[tuple[Chapter, Membership]]:
    rows = db.session.execute(
        select(Chapter, Membership)
        .join(Membership, Membership.chapter_id == Chapter.id)
        .where(Membership.user_id == user.id)
        .order_by(Chapter.name)
    )
    return [(c, m) for c, m in rows]


def public_chapters() -> list[Chapter]:
    """Chapters whose bylaws open their public proposals, results and mandates to everyone."""
    return list(db.session.scalars(select(Chapter).join(Bylaws, Bylaws.chapter_id == Chapter.id)
                                   .where(Bylaws.public_pages.is_(True)).order_by(Chapter.name)))


def all_chapters() -> list[Chapter]:
    return list(db.session.scalars(select(Chapter).order_by(Chapter.name)))


def check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed.on("timezone", gettext("“%(name)s” is not a time zone name such as Europe/London.",
                                                      name=name))


@dataclass(frozen=True)
class NewChapter:
    slug: str
    name: str
    timezone: str
    steering_email: str
    steering_name: str


def create_chapter(actor: User, new: NewChapter) -> Chapter:
    """A site admin opens a chapter with its first steering member, who is invited by mail."""
    if not policy.can_administer_site(actor):
        raise PermissionDenied(gettext("Only a site admin can create chapters."))
    slug = new.slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise ValidationFailed.on("slug", gettext("Use lowercase letters, digits and hyphens (at most 60)."))
    check_timezone(new.timezone)
    if not new.name.strip() or breaks_the_line(new.name):
        raise ValidationFailed.on("name", gettext("Name the chapter.") + " " + gettext(ONE_LINE))
    if breaks_the_line(new.steering_name):
        raise ValidationFailed.on("steering_name", gettext(ONE_LINE))
    with unit_of_work() as uow:
        s = uow.session
        if s.scalar(select(func.count()).select_from(Chapter).where(Chapter.slug == slug)):
            raise ValidationFailed.on("slug", gettext("A chapter with this address already exists."))
        chapter = Chapter(slug=slug, name=new.name.strip(), timezone=new.timezone)
        s.add(chapter)
        s.add(Bylaws.for_new_chapter(chapter))
        steering = accounts.find_user_by_email(new.steering_email)
        if steering is None:
            steering = User(email=accounts.normalise_email(new.steering_email), name=new.steering_name.strip())
            s.add(steering)
        s.flush()
        s.add(Membership(chapter=chapter, user=steering, standing=Standing.GOOD_STANDING, is_steering=True))
        invitation = Invitation(chapter=chapter, user=steering, invited_by_id=actor.id)
        s.add(invitation)
        s.flush()
        audit.record(
            s, "chapter.created", f"chapter:{chapter.id}", actor=actor, chapter=chapter,
            data={"slug": slug, "name": chapter.name, "steering": steering.email},
        )
        accounts.send_invitation(uow, invitation, actor)
    return chapter


def invite_member(actor: User, chapter: Chapter, membership_id: int) -> Invitation:
    """Steering's "invite" button: a fresh single-use link for a member without an account yet."""
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_manage_roster(actor, mine), mine, gettext("Only the steering committee can invite members."))
        target = _membership_in(s, chapter, membership_id)
        if target.user.has_account:
            raise ValidationFailed(gettext("%(name)s already has an account and can log in.", name=target.user.name))
        invitation = Invitation(chapter=chapter, user=target.user, invited_by_id=actor.id)
        s.add(invitation)
        s.flush()
        audit.record(
            s, "invitation.sent", f"invitation:{invitation.id}", actor=actor, chapter=chapter,
            data={"membership_id": target.id},
        )
        accounts.send_invitation(uow, invitation, actor)
    return invitation


def _membership_in(session: Session, chapter: Chapter, membership_id: int) -> Membership:
    target = session.get(Membership, membership_id)
    if target is None or target.chapter_id != chapter.id:
        raise NotFound(gettext("No such member in this chapter."))
    return target


def get_membership(actor: User, chapter: Chapter, membership_id: int) -> Membership:
    mine = membership_of(actor, chapter)
    require(policy.can_view_roster(actor, mine), mine, gettext("Only the steering committee can see the roster."))
    return _membership_in(db.session, chapter, membership_id)


@dataclass(frozen=True)
class MembershipChange:
    standing: Standing
    is_elected: bool
    is_steering: bool
    office: str | None


def _membership_state(m: Membership) -> dict:
    return {"standing": m.standing.value, "is_elected": m.is_elected, "is_steering": m.is_steering, "office": m.office}


def check_membership_rules(change: MembershipChange, field_prefix: str = "") -> None:
    office = (change.office or "").strip()
    if office and not change.is_elected:
        raise ValidationFailed.on(f"{field_prefix}office", gettext("Only an elected holds an office."))
    if change.is_elected and not office:
        raise ValidationFailed.on(f"{field_prefix}office", gettext("Name the office the elected holds."))
    if len(office) > OFFICE_MAX:
        raise ValidationFailed.on(f"{field_prefix}office",
                                  gettext("Use at most %(count)d characters.", count=OFFICE_MAX))
    if breaks_the_line(office):
        raise ValidationFailed.on(f"{field_prefix}office", gettext(ONE_LINE))


def update_membership(actor: User, chapter: Chapter, membership_id: int, change: MembershipChange) -> Membership:
    check_membership_rules(change)
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_manage_roster(actor, mine), mine,
                gettext("Only the steering committee can change memberships."))
        freeze_due_rolls(s, chapter.id)  # a vote that has opened keeps the standing it opened with
        target = _membership_in(s, chapter, membership_id)
        before = _membership_state(target)
        target.standing = change.standing
        target.is_elected = change.is_elected
        target.is_steering = change.is_steering
        target.office = (change.office or "").strip() or None
        after = _membership_state(target)
        if before == after:
            return target
        s.flush()
        ensure_steering_remains(s, chapter)
        audit.record(
            s, "membership.updated", f"membership:{target.id}", actor=actor, chapter=chapter,
            data={"email": target.user.email, "before": before, "after": after},
        )
        if before["is_elected"] != after["is_elected"]:
            platform.electeds_changed(uow, chapter)
    return target


def ensure_steering_remains(session: Session, chapter: Chapter) -> None:
    """A chapter never loses its last active steering member: nobody could manage it then."""
    count = session.scalar(
        select(func.count()).select_from(Membership).where(
            Membership.chapter_id == chapter.id,
            Membership.is_steering.is_(True),
            Membership.standing == Standing.GOOD_STANDING,
        )
    )
    if not count:
        raise ValidationFailed(gettext("The chapter must keep at least one steering member in good standing."))


def default_language(slug: str) -> str | None:
    """The chapter's language for pages whose reader chose none and whose browser asks for none offered."""
    return db.session.scalar(select(Chapter.default_locale).where(Chapter.slug == slug))


def set_default_language(actor: User, chapter: Chapter, code: str, offered: list[str]) -> Chapter:
    if code not in offered:
        raise ValidationFailed.on("language", gettext("Choose one of the languages offered."))
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_edit_bylaws(actor, mine), mine,
                gettext("Only the steering committee sets the chapter's language."))
        chapter = s.get(Chapter, chapter.id)
        if chapter.default_locale != code:
            chapter.default_locale = code
            audit.record(s, "chapter.language_changed", f"chapter:{chapter.id}", actor=actor, chapter=chapter,
                         data={"language": code})
    return chapter
