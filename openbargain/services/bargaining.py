"""The open bargaining log: what electeds are offered, demanded and threatened, in the open."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import BargainingEntry, BargainingLink, Chapter, Membership, Proposal, Referendum, User
from openbargain.models.mandate import PARTY_MAX
from openbargain.models.proposal import TEXT_MAX
from openbargain.phrases import phrase
from openbargain.services import audit, notifications, webhooks
from openbargain.services.access import bylaws_of, membership_of, require, require_visible
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from openbargain.services.text import ONE_LINE, breaks_the_line
from openbargain.services.uow import UnitOfWork, unit_of_work


@dataclass(frozen=True)
class EntryDraft:
    met_on: date | None
    counterparty: str
    offered: str = ""
    demanded: str = ""
    threatened: str = ""
    notes: str = ""
    proposal_id: int | None = None
    embargo_until: datetime | None = None
    embargo_until_vote: bool = False
    corrects_id: int | None = None


def _check(draft: EntryDraft, moment: datetime) -> None:
    errors: dict[str, list[str]] = {}
    if draft.met_on is None:
        errors["met_on"] = [gettext("Give the date of the meeting.")]
    elif draft.met_on > moment.date():
        errors["met_on"] = [gettext("A meeting that has not happened yet cannot be logged.")]
    if not draft.counterparty.strip():
        errors["counterparty"] = [gettext("Say with whom (e.g. the Speaker's office).")]
    elif len(draft.counterparty) > PARTY_MAX:
        errors["counterparty"] = [gettext("Use at most %(count)d characters.", count=PARTY_MAX)]
    elif breaks_the_line(draft.counterparty):
        errors["counterparty"] = [gettext(ONE_LINE)]
    for name in ("offered", "demanded", "threatened", "notes"):
        if len(getattr(draft, name)) > TEXT_MAX:
            errors[name] = [gettext("Use at most %(count)d characters.", count=TEXT_MAX)]
    if not any(getattr(draft, n).strip() for n in ("offered", "demanded", "threatened", "notes")):
        errors["offered"] = [gettext("Log what was offered, demanded or threatened, or a note.")]
    if draft.embargo_until is not None and draft.embargo_until <= moment:
        errors["embargo_until"] = [gettext("An embargo ends in the future.")]
    if errors:
        raise ValidationFailed(gettext("The entry has problems; nothing was logged."), errors=errors)


def content_hash(entry: BargainingEntry) -> str:
    payload = {k: getattr(entry, k) for k in ("counterparty", "offered", "demanded", "threatened", "notes")}
    payload["met_on"] = entry.met_on.isoformat()
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def log_entry(actor: User, chapter: Chapter, draft: EntryDraft) -> BargainingEntry:
    moment = now()
    _check(draft, moment)
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_log_bargaining_entry(actor, mine), mine, gettext("Only electeds log bargaining entries."))
        if draft.proposal_id is not None:
            proposal = s.get(Proposal, draft.proposal_id)
            if proposal is None or proposal.chapter_id != chapter.id:
                raise ValidationFailed.on("proposal_id", gettext("Choose a proposal of this chapter."))
            require_visible(actor, mine, proposal, chapter, s)
        if draft.embargo_until_vote and draft.proposal_id is None:
            raise ValidationFailed.on("embargo_until_vote", gettext("Choose the proposal whose vote releases this entry."))
        if draft.corrects_id is not None:
            earlier = s.get(BargainingEntry, draft.corrects_id)
            if earlier is None or earlier.membership_id != mine.id:
                raise ValidationFailed.on("corrects_id", gettext("You can only correct your own earlier entry."))
        entry = BargainingEntry(
            chapter_id=chapter.id, membership_id=mine.id, proposal_id=draft.proposal_id, met_on=draft.met_on,
            counterparty=draft.counterparty.strip(), offered=draft.offered.strip(), demanded=draft.demanded.strip(),
            threatened=draft.threatened.strip(), notes=draft.notes.strip(), recorded_at=moment,
            embargo_until=draft.embargo_until, embargo_until_vote=draft.embargo_until_vote,
            corrects_id=draft.corrects_id)
        if entry.embargoed:
            _check_embargo_holds(entry, vote_opening(s, draft.proposal_id), moment)
        s.add(entry)
        s.flush()
        # The content's hash is sealed in the audit chain now, embargoed or not: nobody can later
        # claim the entry was written after the fact.
        audit.record(s, "bargaining.logged", f"bargaining:{entry.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": draft.proposal_id, "content_sha256": content_hash(entry),
                           "embargo_until": draft.embargo_until.isoformat() if draft.embargo_until else None,
                           "embargo_until_vote": draft.embargo_until_vote, "corrects": draft.corrects_id})
        if not entry.embargoed:  # an embargoed entry is news when it is released (announce_released)
            announce(uow, entry, chapter, actor.name)
    return entry


def announce(uow: UnitOfWork, entry: BargainingEntry, chapter: Chapter, elected_name: str) -> None:
    """Tells the elected's followers and the chapter's rooms of a published entry (once: the
    notice's and the delivery's keys are the entry)."""
    title = phrase("%(name)s logged a bargaining entry: %(counterparty)s", name=elected_name,
                   counterparty=entry.counterparty)
    link = notifications.path("accountability.entry", slug=chapter.slug, entry_id=entry.id)
    notifications.tell(uow, "elected_activity", f"bargaining:{entry.id}",
                       notifications.followers_of_elected(chapter.id, entry.membership_id), chapter=chapter,
                       title=title, link=link)
    webhooks.emit(uow, chapter, "bargaining.published", f"bargaining:{entry.id}", title, link, entry_id=entry.id,
                  elected=elected_name, counterparty=entry.counterparty, met_on=entry.met_on.isoformat(),
                  proposal_id=entry.proposal_id)


RELEASE_WINDOW = timedelta(days=7)  # how long after its release `tick` still announces an entry


def announce_released() -> None:
    """Announces the embargoed entries whose embargo has lifted lately (its date passed, or its
    proposal's vote opened): a release follows the clock, so `tick` looks for recent ones."""
    with unit_of_work() as uow:
        s = uow.session
        moment = now()
        since = moment - RELEASE_WINDOW
        rows = s.execute(
            select(BargainingEntry, Chapter, User.name, Referendum.opens_at)
            .join(Chapter, Chapter.id == BargainingEntry.chapter_id)
            .join(Membership, Membership.id == BargainingEntry.membership_id)
            .join(User, User.id == Membership.user_id)
            .outerjoin(Referendum, Referendum.proposal_id == BargainingEntry.proposal_id)
            .where(or_(BargainingEntry.embargo_until.between(since, moment),
                       and_(BargainingEntry.embargo_until_vote.is_(True), Referendum.opens_at.between(since, moment))))
        ).all()
        for entry, chapter, name, opens_at in rows:
            if entry.published(moment, opens_at):
                announce(uow, entry, chapter, name)


def vote_opening(session, proposal_id: int | None) -> datetime | None:
    if proposal_id is None:
        return None
    return session.scalar(select(Referendum.opens_at).where(Referendum.proposal_id == proposal_id))


def _check_embargo_holds(entry: BargainingEntry, opens_at: datetime | None, moment: datetime) -> None:
    """An embargo ends at the latest when the proposal's vote opens. One that would end at once is
    refused with the reason, rather than the entry going public while the elected is told it is not."""
    release = entry.release_at(opens_at)
    if release is not None and release <= moment:
        field = "embargo_until" if entry.embargo_until is not None else "embargo_until_vote"
        raise ValidationFailed.on(field, gettext(
            "The vote on this proposal opened %(opened)s UTC, and an embargo ends when the vote opens at the latest: "
            "this entry would be public at once. Log it without an embargo, or wait.",
            opened=f"{opens_at:%Y-%m-%d %H:%M}"))


def release_time(entry: BargainingEntry) -> datetime | None:
    """For the confirmation: when this entry becomes public (None: when its vote is scheduled and opens)."""
    return entry.release_at(vote_opening(db.session, entry.proposal_id))


def link_entry(actor: User, chapter: Chapter, entry_id: int, proposal_id: int) -> BargainingLink:
    """Puts an earlier entry on the timeline of a proposal, by its author; the entry is unchanged."""
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        entry = s.get(BargainingEntry, entry_id)
        if entry is None or entry.chapter_id != chapter.id:
            raise NotFound(gettext("No such bargaining entry."))
        if mine is None or mine.id != entry.membership_id:
            raise PermissionDenied(gettext("Only the elected who logged an entry can link it to a proposal."))
        proposal = s.get(Proposal, proposal_id) if proposal_id else None
        if proposal is None or proposal.chapter_id != chapter.id:
            raise ValidationFailed.on("proposal_id", gettext("Choose a proposal of this chapter."))
        require_visible(actor, mine, proposal, chapter, s)
        if entry.proposal_id == proposal.id:
            raise InvalidTransition(gettext("This entry is already about that proposal."))
        link = BargainingLink(entry_id=entry.id, proposal_id=proposal.id, linked_at=now())
        s.add(link)
        try:
            s.flush()
        except IntegrityError:
            raise InvalidTransition(gettext("This entry is already linked to that proposal."))
        audit.record(s, "bargaining.linked", f"bargaining:{entry.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, "content_sha256": content_hash(entry)})
    return link


@dataclass(frozen=True)
class EntryView:
    entry: BargainingEntry
    published: bool
    release_at: datetime | None = None  # None: embargoed until a vote not yet scheduled opens
    withheld: bool = False  # under embargo for this viewer: who logged it and when it is released, nothing more


def visible_entries(actor: User | None, chapter: Chapter, *, proposal: Proposal | None = None,
                    membership_id: int | None = None, tombstones: bool = False) -> list[EntryView]:
    """Entries on a proposal's timeline or an elected's log, as this viewer may see them: embargoed
    entries only for steering and their author until released (with `tombstones`, the others see
    that an embargoed entry exists and when it will be released, never its content)."""
    s = db.session
    mine = membership_of(actor, chapter)
    query = (select(BargainingEntry)
             .options(selectinload(BargainingEntry.membership).selectinload(Membership.user),
                      selectinload(BargainingEntry.proposal))
             .where(BargainingEntry.chapter_id == chapter.id)
             .order_by(BargainingEntry.met_on.desc(), BargainingEntry.id.desc()))
    if proposal is not None:
        linked = select(BargainingLink.entry_id).where(BargainingLink.proposal_id == proposal.id)
        query = query.where(or_(BargainingEntry.proposal_id == proposal.id, BargainingEntry.id.in_(linked)))
    if membership_id is not None:
        query = query.where(BargainingEntry.membership_id == membership_id)
    entries = list(s.scalars(query))
    opens = dict(s.execute(select(Referendum.proposal_id, Referendum.opens_at).where(
        Referendum.proposal_id.in_({u.proposal_id for u in entries if u.proposal_id} or {0}))).all())
    bylaws = bylaws_of(chapter)
    moment = now()
    views = []
    for u in entries:
        if u.proposal is not None and not policy.can_view_proposal(actor, mine, u.proposal, bylaws):
            continue
        if u.proposal is None and not (policy.is_chapter_insider(mine) or bylaws.public_pages):
            continue
        release = u.release_at(opens.get(u.proposal_id))
        published = u.published(moment, opens.get(u.proposal_id))
        if published or policy.is_active_steering(mine) or (mine is not None and mine.id == u.membership_id):
            views.append(EntryView(u, published, release))
        elif tombstones:
            views.append(EntryView(u, published, release, withheld=True))
    return views


def get_entry(actor: User | None, chapter: Chapter, entry_id: int, *, tombstone: bool = False) -> EntryView:
    """An entry as this viewer may see it; with `tombstone`, one under embargo for them comes back
    withheld (the page says when it is released) instead of not found."""
    for view in visible_entries(actor, chapter, tombstones=tombstone):
        if view.entry.id == entry_id:
            return view
    raise NotFound(gettext("No such bargaining entry."))
