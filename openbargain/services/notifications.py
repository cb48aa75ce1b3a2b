"""Notices to members: each is kept in the member's notification list (with an unread count in
the header), and reaches them beyond it as they prefer for its kind — a mail at once, a line in
one mail each morning (the daily digest), or nothing more. Every mail carries a one-click link
that turns its kind off (RFC 8058) without logging in.

A notice to a whole roll is written with one INSERT … SELECT, as the outbox writes its mail. No
notice ever says who voted: "you have not voted" is written only to that member, from the roll,
in the `tick` that sends reminders — never from a cast.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, url_for
from flask_babel import gettext, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Select, and_, case, func, literal, select, true, union, update
from sqlalchemy.dialects import postgresql, sqlite

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Chapter,
    Comment,
    Follow,
    Membership,
    Notification,
    NotificationPreference,
    PetitionSignature,
    Proposal,
    ProposalStatus,
    Standing,
    UrgencySignature,
    User,
    VoterRollEntry,
)
from openbargain.models.base import UTCDateTime
from openbargain.models.notification import LINK_MAX
from openbargain.phrases import Phrase, language_for, phrase
from openbargain.services import audit, outbox, signed_links
from openbargain.services.errors import InvalidToken, ValidationFailed
from openbargain.services.uow import UnitOfWork, unit_of_work

MAIL, DIGEST, APP = "mail", "digest", "app"
DELIVERIES = {MAIL: _l("By mail at once"), DIGEST: _l("In the daily digest"), APP: _l("Only in my notifications")}
DIGEST_KIND = "digest"  # the digest's own unsubscribe link: every kind it carries moves to the list only
DIGEST_HOUR = 7  # the digest goes once a day, after this hour in the member's chapter's time zone
PAGE = 50


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # what the preferences page calls it (in the reader's language when shown)
    default: str
    audience: str = "member"  # member, elected or steering: who can ever get it


KINDS = {kind.name: kind for kind in (
    Kind("vote_opened", _l("A vote opened and you are on its roll"), MAIL),
    Kind("vote_closing", _l("A vote closes within 24 hours and you have not voted"), MAIL),
    Kind("result_certified", _l("The result of a vote you were on the roll of was certified"), DIGEST),
    Kind("proposal_changed", _l("A proposal you wrote, signed, commented on or follow changed state"), DIGEST),
    Kind("nominated", _l("Someone nominated you in an election"), MAIL),
    Kind("meeting_called", _l("A general meeting was called, or cancelled"), MAIL),
    Kind("reply", _l("Someone replied to your comment or mentioned you"), MAIL),
    Kind("elected_activity",
         _l("An elected you follow was given a mandate, reported or logged a bargaining entry"), DIGEST),
    Kind("mandate_issued", _l("A mandate was issued to you (electeds)"), MAIL, "elected"),
    Kind("mandate_rated", _l("Steering rated one of your mandates, or revised its rating (electeds)"), MAIL,
         "elected"),
    Kind("mandate_changed",
         _l("One of your mandates was suspended, restored or superseded by the members' vote (electeds)"), MAIL,
         "elected"),
    Kind("escalated", _l("A deadline you missed was flagged or escalated, as the bylaws set (electeds)"), MAIL,
         "elected"),
    Kind("report_due", _l("A report on your mandate is due within 3 days, or overdue (electeds)"), MAIL, "elected"),
    Kind("report_to_verify", _l("A report awaits verification (steering)"), MAIL, "steering"),
    Kind("petition_succeeded", _l("A petition gathered its signatures and forced a vote (steering)"), MAIL,
         "steering"),
    Kind("urgent_requested", _l("Members asked for an urgent vote (steering)"), MAIL, "steering"),
    Kind("webhook_disabled", _l("A chat webhook was turned off after its deliveries kept failing (steering)"), MAIL,
         "steering"),
)}
GENERIC = "notice"  # the mail of a kind with nothing more to say than its title and link


def _recipients() -> Select:
    """The columns `notify` takes its recipients by: each user's id, address, name and language."""
    return select(User.id.label("user"), User.email.label("email"), User.name.label("name"),
                  User.locale.label("locale"))


def path(endpoint: str, **values) -> str:
    """A link within the site, from a request or from `tick` alike."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def roll_of(referendum_id: int, only_non_voters: bool = False) -> Select:
    """The members on a vote's roll (or those of them who have not voted), as `notify` takes them."""
    query = (_recipients().join(Membership, Membership.user_id == User.id)
             .join(VoterRollEntry, VoterRollEntry.membership_id == Membership.id)
             .where(VoterRollEntry.referendum_id == referendum_id))
    return query.where(VoterRollEntry.voted_on.is_(None)) if only_non_voters else query


def to_user(user_id: int) -> Select:
    """One member, as `notify` takes recipients."""
    return _recipients().where(User.id == user_id)


def insiders(chapter_id: int, user_ids: Select, *, but: int | None = None) -> Select:
    """Of these users, those who still see the chapter's members-only pages (not suspended), less
    `but` (whoever acted: nobody is told of their own doing)."""
    query = (_recipients().join(Membership, Membership.user_id == User.id)
             .where(Membership.chapter_id == chapter_id, Membership.standing != Standing.SUSPENDED,
                    User.id.in_(user_ids)))
    return query.where(User.id != but) if but is not None else query


def steering_of(chapter_id: int) -> Select:
    """The chapter's steering committee in good standing."""
    return (_recipients().join(Membership, Membership.user_id == User.id)
            .where(Membership.chapter_id == chapter_id, Membership.is_steering,
                   Membership.standing == Standing.GOOD_STANDING))


def interested_in(proposal: Proposal, *, but: int | None = None) -> Select:
    """Who wrote, signed a petition or an urgency request on, commented on or follows a proposal."""
    ids = union(
        select(literal(proposal.author_id).label("id")),
        select(Membership.user_id).join(PetitionSignature, PetitionSignature.membership_id == Membership.id)
        .where(PetitionSignature.proposal_id == proposal.id),
        select(Membership.user_id).join(UrgencySignature, UrgencySignature.membership_id == Membership.id)
        .where(UrgencySignature.proposal_id == proposal.id),
        select(Comment.author_id).where(Comment.proposal_id == proposal.id),
        select(Follow.user_id).where(Follow.proposal_id == proposal.id),
    ).subquery()
    return insiders(proposal.chapter_id, select(ids.c.id), but=but)


def followers_of_elected(chapter_id: int, membership_id: int) -> Select:
    return insiders(chapter_id, select(Follow.user_id).where(Follow.membership_id == membership_id))


def notify(uow: UnitOfWork, kind: str, key: str, recipients: Select, *, chapter: Chapter, title: Phrase,
           link: str, subject: Phrase, template: str, **context) -> int:
    """One notice of `kind` to each member `recipients` selects (columns labelled user, email, name
    and locale), in the list of each, and by mail now to those who want this kind so: one merged
    mail for each language, each written with one statement. A member who has this notice already
    is skipped. Returns how many notices were written."""
    return write(uow, kind, f"{kind}:{key}", recipients, chapter=chapter, title=title, link=link,
                 mails=lambda: outbox.merges(uow, subject, template, chapter=chapter, kind=kind, **context))


def write(uow: UnitOfWork, kind: str, key: str, recipients: Select, *, chapter: Chapter, title: Phrase, link: str,
          mails: Callable[[], dict[str, list]]) -> int:
    """Writes the notice (its full `key`) to each recipient's list, and its mail (`mails` renders
    it, only if anyone is told) to those who want this kind by mail; returns how many were told."""
    source = recipients.subquery()
    # A join, not a lookup per member: few members ever change a default.
    chosen = (source.outerjoin(NotificationPreference, and_(NotificationPreference.user_id == source.c.user,
                                                            NotificationPreference.kind == kind)))
    delivery = func.coalesce(NotificationPreference.delivery, KINDS[kind].default)
    moment = now()
    rows = (select(source.c.user, literal(chapter.id), literal(kind), literal(key), literal(title.message),
                   literal(title.values, JSON), literal(link[:LINK_MAX]), literal(moment, UTCDateTime), delivery)
            .select_from(chosen).where(true()))  # SQLite's upsert needs a WHERE
    on_postgresql = uow.session.get_bind().dialect.name == "postgresql"
    insert = ((postgresql.insert if on_postgresql else sqlite.insert)(Notification).from_select(
        ["user_id", "chapter_id", "kind", "key", "title", "title_values", "link", "created_at", "delivery"], rows)
        .on_conflict_do_nothing(index_elements=["user_id", "key"]))
    # Counted in the database, not by fetching a row a member: PostgreSQL counts what the insert
    # returns; SQLite's row count is exact for an INSERT … SELECT.
    connection = uow.session.connection()
    if on_postgresql:
        made = insert.returning(literal(1)).cte("made")
        written = connection.execute(select(func.count()).select_from(made)).scalar_one()
    else:
        written = connection.execute(insert).rowcount
    if written:
        by_mail = (select(source.c.email, source.c.name, source.c.user.label("member"), source.c.locale)
                   .select_from(chosen).where(delivery == MAIL))
        outbox.queue_merged(uow, key, by_mail, mails(), chapter=chapter, kind=kind)
    return written


def tell(uow: UnitOfWork, kind: str, key: str, recipients: Select, *, chapter: Chapter, title: Phrase,
         link: str) -> int:
    """A notice whose mail says no more than its title and its link."""
    return notify(uow, kind, key, recipients, chapter=chapter, title=title, link=link, subject=title,
                  template=GENERIC, headline=title, link_path=link)


STATES = {
    ProposalStatus.DELIBERATION: lambda title: phrase("“%(title)s” is open for deliberation", title=title),
    ProposalStatus.SCHEDULED: lambda title: phrase("“%(title)s” is scheduled for a vote", title=title),
    ProposalStatus.DECIDED: lambda title: phrase("“%(title)s” is decided", title=title),
    ProposalStatus.NO_DECISION: lambda title: phrase("“%(title)s” ended with no decision", title=title),
    ProposalStatus.WITHDRAWN: lambda title: phrase("“%(title)s” was withdrawn", title=title),
}


def proposal_moved(uow: UnitOfWork, proposal: Proposal, chapter: Chapter, *, by: int | None = None) -> int:
    """Tells whoever takes part in or follows a proposal that it changed state (not who changed it)."""
    # The moment is in the key: a proposal can come back to a state (a cancelled vote returns it to
    # deliberation), and each return is news.
    return tell(uow, "proposal_changed", f"proposal:{proposal.id}:{proposal.status.value}:{now().isoformat()}",
                interested_in(proposal, but=by), chapter=chapter,
                title=STATES[proposal.status](proposal.title),
                link=path("proposals.show", slug=chapter.slug, proposal_id=proposal.id))


# "@Ana Lopez" mentions Ana Lopez: a name of up to four words after the @, matched whole.
MENTION = re.compile(r"@([^\W\d_][\w'.-]*(?:[ \t]+\w[\w'.-]*){0,3})")


def mentioned(body: str) -> set[str]:
    """Every name an @ in the text could mean, lower-cased: "@Ana Lopez said" may mean "Ana",
    "Ana Lopez" or "Ana Lopez said" — the members' own names decide."""
    names = set()
    for found in MENTION.findall(body):
        words = found.split()
        names.update(" ".join(words[:n]).lower() for n in range(1, len(words) + 1))
    return names


def comment_posted(uow: UnitOfWork, comment: Comment, parent_author: int | None, proposal: Proposal,
                   chapter: Chapter, actor: User, *, link: str) -> None:
    """Tells the author of the comment replied to, and the chapter's members the comment
    mentions by name; nobody twice, and never the one who wrote it."""
    told = {actor.id}
    if parent_author is not None and parent_author not in told:
        told.add(parent_author)
        tell(uow, "reply", f"comment:{comment.id}:reply", insiders(chapter.id, select(literal(parent_author))),
             chapter=chapter, link=link,
             title=phrase("%(name)s replied to you on “%(title)s”", name=actor.name, title=proposal.title))
    names = mentioned(comment.body)
    if names:
        named = select(User.id).where(func.lower(User.name).in_(names), User.id.not_in(told))
        tell(uow, "reply", f"comment:{comment.id}:mention", insiders(chapter.id, named), chapter=chapter,
             title=phrase("%(name)s mentioned you on “%(title)s”", name=actor.name, title=proposal.title),
             link=link)


# --- the list --------------------------------------------------------------------------------

def unread_count(user: User | None) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


@dataclass(frozen=True)
class NoticePage:
    notices: list[Notification]
    page: int
    more: bool


def notices_of(user: User, page: int = 1) -> NoticePage:
    page = max(page, 1)
    rows = list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * PAGE).limit(PAGE + 1)))
    return NoticePage(rows[:PAGE], page, len(rows) > PAGE)


def mark_read(user: User, notice_id: int | None = None) -> int:
    """Marks one notice (or, with None, every notice) of this member read; returns how many.
    Reading is the member's own bookkeeping, not a change to the chapter: it is not audited."""
    with unit_of_work() as uow:
        query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        if notice_id is not None:
            query = query.where(Notification.id == notice_id)
        return uow.session.execute(query.values(read_at=now())
                                   .execution_options(synchronize_session=False)).rowcount


def opened(user: User, notice_id: int) -> str | None:
    """Marks the notice read and says where it leads (None: no such notice of this member)."""
    link = db.session.scalar(select(Notification.link).where(Notification.id == notice_id,
                                                             Notification.user_id == user.id))
    if link is not None:
        mark_read(user, notice_id)
    return link


# --- preferences -----------------------------------------------------------------------------

def preferences_of(user: User) -> dict[str, str]:
    chosen = {kind: delivery for kind, delivery in db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.delivery)
        .where(NotificationPreference.user_id == user.id))}
    return {name: chosen.get(name, kind.default) for name, kind in KINDS.items()}


def kinds_for(user: User) -> dict[str, Kind]:
    """The kinds that can reach this member: an elected's and steering's only to them."""
    roles = db.session.execute(select(func.max(case((Membership.is_elected, 1), else_=0)),
                                      func.max(case((Membership.is_steering, 1), else_=0)))
                               .where(Membership.user_id == user.id)).one()
    audiences = {"member"} | ({"elected"} if roles[0] else set()) | ({"steering"} if roles[1] else set())
    return {name: kind for name, kind in KINDS.items() if kind.audience in audiences}


def set_preferences(user: User, wanted: dict[str, str]) -> dict[str, str]:
    """Sets how each kind reaches this member; refuses an unknown kind or delivery, changing nothing."""
    errors = {name: [gettext("Choose mail, the daily digest or the notification list.")]
              for name, delivery in wanted.items() if name not in KINDS or delivery not in DELIVERIES}
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work() as uow:
        changed = _store(uow, user.id, wanted)
        if changed:
            audit.record(uow.session, "user.notifications_changed", f"user:{user.id}", actor=user, data=changed)
    return preferences_of(user)


def _store(uow: UnitOfWork, user_id: int, wanted: dict[str, str]) -> dict[str, str]:
    """Writes the preferences that differ from what holds now; returns those."""
    s = uow.session
    rows = {p.kind: p for p in s.scalars(select(NotificationPreference)
                                         .where(NotificationPreference.user_id == user_id).with_for_update())}
    changed = {}
    for name, delivery in wanted.items():
        current = rows[name].delivery if name in rows else KINDS[name].default
        if current == delivery:
            continue
        changed[name] = delivery
        if name in rows:
            rows[name].delivery = delivery
        else:
            s.add(NotificationPreference(user_id=user_id, kind=name, delivery=delivery))
    return changed


# --- one-click unsubscribe -------------------------------------------------------------------

@dataclass(frozen=True)
class Unsubscription:
    user: User
    kinds: list[str]  # the kinds that will no longer be mailed


def read_unsubscribe(token: str) -> Unsubscription:
    """What an unsubscribe link would stop, without changing anything (the page asks first)."""
    user_id, kind = signed_links.read_unsubscribe_link(token)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or (kind not in KINDS and kind != DIGEST_KIND):
        raise InvalidToken(gettext("This link is not valid."))
    preferences = preferences_of(user)
    kinds = [name for name, delivery in preferences.items() if delivery == DIGEST] if kind == DIGEST_KIND else [kind]
    return Unsubscription(user, kinds)


def unsubscribe(token: str) -> Unsubscription:
    """Moves the link's kind (or every kind the digest carried) to the notification list only."""
    found = read_unsubscribe(token)
    with unit_of_work() as uow:
        changed = _store(uow, found.user.id, {name: APP for name in found.kinds})
        if changed:
            audit.record(uow.session, "user.notifications_changed", f"user:{found.user.id}", actor=found.user,
                         data={**changed, "by": "unsubscribe link"})
    return found


# --- the daily digest ------------------------------------------------------------------------

def send_digests() -> int:
    """One mail to each member with digest lines waiting, once a day after DIGEST_HOUR in the time
    zone of the chapter of their oldest waiting line; returns how many went (tick)."""
    moment = now()
    waiting = db.session.execute(
        select(Notification.user_id, func.min(Notification.id))
        .where(Notification.delivery == DIGEST, Notification.digested_at.is_(None))
        .group_by(Notification.user_id)).all()
    sent = 0
    for user_id, oldest in waiting:
        with unit_of_work() as uow:
            s = uow.session
            user = s.get(User, user_id, with_for_update=True)  # one digest even if two ticks overlap
            first = s.get(Notification, oldest)
            chapter = s.get(Chapter, first.chapter_id) if first.chapter_id else None
            zone = ZoneInfo(chapter.timezone) if chapter else ZoneInfo("UTC")
            if first.digested_at is not None or moment < _next_morning(first.created_at, zone):
                continue
            lines = list(s.scalars(select(Notification).where(
                Notification.user_id == user_id, Notification.delivery == DIGEST,
                Notification.digested_at.is_(None)).order_by(Notification.created_at, Notification.id)))
            if not lines:
                continue
            day = moment.astimezone(zone).date()
            outbox.queue_mail(uow, f"digest:{user_id}:{day.isoformat()}", user.email,
                              lazy_ngettext("Your openbargain digest: %(num)d notice",
                                            "Your openbargain digest: %(num)d notices", len(lines)),
                              "digest", language=language_for(user.locale, chapter and chapter.default_locale),
                              chapter=chapter, name=user.name, lines=lines, user_id=user_id, kind=DIGEST_KIND)
            s.execute(update(Notification).where(Notification.id.in_([n.id for n in lines]))
                      .values(digested_at=moment).execution_options(synchronize_session=False))
            sent += 1
    return sent


def _next_morning(moment: datetime, zone: ZoneInfo) -> datetime:
    """The first DIGEST_HOUR o'clock after `moment` in this zone: a line waits for the next
    morning, so a member gets at most one digest a day, and only in the morning."""
    local = moment.astimezone(zone)
    morning = datetime.combine(local.date(), time(DIGEST_HOUR), zone)
    return morning if local < morning else datetime.combine(local.date() + timedelta(days=1), time(DIGEST_HOUR), zone)

