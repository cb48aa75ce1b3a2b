"""Live open-bargaining sessions: the elected (or the note-taker they name) posts what happens at
the table as it happens; members — and visitors, where the chapter allows — watch, and take the
temperature of each entry. Every entry's content is sealed in the audit chain the moment it is
posted, whatever its release: nobody can later say it was written after the fact.

Release follows the clock, as for the bargaining log: an entry is shown once the chapter's delay
has passed since it was posted, and not before the session's embargo ends; both are fixed when
the session opens and told to whoever posts."""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    BallotKind,
    BargainingSession,
    Chapter,
    EntryKind,
    Mandate,
    Membership,
    Proposal,
    SessionEntry,
    SessionLink,
    SessionReaction,
    SessionWatcher,
    Temperature,
    TemperatureChange,
    User,
    Visibility,
)
from openbargain.models.bargaining_session import ENTRY_MAX, SUBJECT_MAX, SUMMARY_MAX, TABLE_MAX
from openbargain.models.mandate import PARTY_MAX
from openbargain.phrases import phrase
from openbargain.services import audit, notifications, proposals, urgency, webhooks
from openbargain.services.access import bylaws_of, membership_of, require, require_visible
from openbargain.services.accounts import normalise_email
from openbargain.services.errors import InvalidTransition, NotFound, ValidationFailed
from openbargain.services.text import ONE_LINE, breaks_the_line
from openbargain.services.uow import UnitOfWork, unit_of_work

WATCHING = timedelta(seconds=30)  # a page that asked for news this recently is being watched
WATCH_REFRESH = timedelta(seconds=10)  # a watcher's row is rewritten at most this often
EARLY_START = timedelta(minutes=5)  # "now", typed a little late, is still now
RECORD_ENTRIES = 20  # the latest entries quoted into a vote called from the session
_MARKUP = re.compile(r"[\\`*_\[\]<>#]")
ENTRY_KINDS = {EntryKind.OFFER: _l("Offer"), EntryKind.DEMAND: _l("Demand"), EntryKind.THREAT: _l("Threat"),
               EntryKind.CONCESSION: _l("Concession"), EntryKind.WALK_OUT: _l("Walk-out"), EntryKind.NOTE: _l("Note")}


@dataclass(frozen=True)
class SessionDraft:
    subject: str
    counterparty: str
    at_the_table: str
    starts_at: datetime | None = None  # None: now
    note_taker_email: str = ""  # a member of the chapter who may post for the elected; empty: none
    proposal_ids: list[int] = field(default_factory=list)
    mandate_ids: list[int] = field(default_factory=list)
    embargo_until: datetime | None = None


def _one_line(errors: dict, name: str, value: str, limit: int, missing: str) -> None:
    if not value.strip():
        errors[name] = [missing]
    elif len(value) > limit:
        errors[name] = [gettext("Use at most %(count)d characters.", count=limit)]
    elif breaks_the_line(value):
        errors[name] = [gettext(ONE_LINE)]


def _check(draft: SessionDraft, moment: datetime) -> None:
    errors: dict[str, list[str]] = {}
    _one_line(errors, "subject", draft.subject, SUBJECT_MAX, gettext("Say what the session is about."))
    _one_line(errors, "counterparty", draft.counterparty, PARTY_MAX,
              gettext("Say with whom (e.g. the Speaker's office)."))
    if not draft.at_the_table.strip():
        errors["at_the_table"] = [gettext("Say who is at the table.")]
    elif len(draft.at_the_table) > TABLE_MAX:
        errors["at_the_table"] = [gettext("Use at most %(count)d characters.", count=TABLE_MAX)]
    if draft.starts_at is not None and draft.starts_at < moment - EARLY_START:
        errors["starts_at"] = [gettext("A session starts now or later; log a past meeting in the bargaining log.")]
    if draft.embargo_until is not None and draft.embargo_until <= moment:
        errors["embargo_until"] = [gettext("An embargo ends in the future.")]
    if errors:
        raise ValidationFailed(gettext("The session has problems; nothing was opened."), errors=errors)


def _required(name: str, text: str, limit: int, missing: str) -> None:
    if not text.strip():
        raise ValidationFailed.on(name, missing)
    if len(text) > limit:
        raise ValidationFailed.on(name, gettext("Use at most %(count)d characters.", count=limit))


def _sha256(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def open_session(actor: User, chapter: Chapter, draft: SessionDraft) -> BargainingSession:
    moment = now()
    _check(draft, moment)
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_log_bargaining_entry(actor, mine), mine,
                gettext("Only electeds open bargaining sessions."))
        note_taker = None
        if draft.note_taker_email.strip():
            note_taker = s.scalar(select(Membership).join(User, User.id == Membership.user_id).where(
                Membership.chapter_id == chapter.id, User.email == normalise_email(draft.note_taker_email)))
            if note_taker is None or not policy.is_chapter_insider(note_taker):
                raise ValidationFailed.on("note_taker_email", gettext("Give the email of a member of this chapter."))
        bylaws = bylaws_of(chapter, s)
        session = BargainingSession(
            chapter_id=chapter.id, membership_id=mine.id, note_taker_id=note_taker.id if note_taker else None,
            subject=draft.subject.strip(), counterparty=draft.counterparty.strip(),
            at_the_table=draft.at_the_table.strip(), starts_at=max(draft.starts_at or moment, moment),
            opened_at=moment, delay_minutes=bylaws.session_delay_minutes, embargo_until=draft.embargo_until)
        s.add(session)
        for proposal_id in dict.fromkeys(draft.proposal_ids):
            proposal = s.get(Proposal, proposal_id)
            if proposal is None or proposal.chapter_id != chapter.id:
                raise ValidationFailed.on("proposal_ids", gettext("Choose a proposal of this chapter."))
            require_visible(actor, mine, proposal, chapter, s)
            session.links.append(SessionLink(proposal_id=proposal.id))
        for mandate_id in dict.fromkeys(draft.mandate_ids):
            mandate = s.get(Mandate, mandate_id)
            if mandate is None or mandate.chapter_id != chapter.id or mandate.membership_id != mine.id:
                raise ValidationFailed.on("mandate_ids", gettext("Choose one of your own mandates."))
            session.links.append(SessionLink(mandate_id=mandate.id))
        s.flush()
        audit.record(s, "bargaining_session.opened", f"bargaining_session:{session.id}", actor=actor,
                     chapter=chapter, data={
                         "subject": session.subject, "counterparty": session.counterparty,
                         "at_the_table_sha256": _sha256({"at_the_table": session.at_the_table}),
                         "starts_at": session.starts_at.isoformat(), "delay_minutes": session.delay_minutes,
                         "embargo_until": session.embargo_until.isoformat() if session.embargo_until else None,
                         "note_taker": session.note_taker_id,
                         "proposals": [link.proposal_id for link in session.links if link.proposal_id],
                         "mandates": [link.mandate_id for link in session.links if link.mandate_id]})
        _announce(uow, chapter, session, actor.name, "opened",
                  phrase("%(name)s opened a live bargaining session with %(counterparty)s: %(subject)s",
                         name=actor.name, counterparty=session.counterparty, subject=session.subject))
    return session


def _announce(uow: UnitOfWork, chapter: Chapter, session: BargainingSession, elected_name: str, event: str,
              title) -> None:
    """Tells the elected's followers and the chapter's rooms (once: the keys are the session's)."""
    link = notifications.path("sessions.show", slug=chapter.slug, session_id=session.id)
    notifications.tell(uow, "elected_activity", f"bargaining_session:{session.id}:{event}",
                       notifications.followers_of_elected(chapter.id, session.membership_id), chapter=chapter,
                       title=title, link=link)
    webhooks.emit(uow, chapter, f"bargaining_session.{event}", f"bargaining_session:{session.id}:{event}", title,
                  link, session_id=session.id, elected=elected_name, counterparty=session.counterparty,
                  subject=session.subject)


def _watched(s, actor: User | None, chapter: Chapter, session_id: int, *, lock: bool = False, options=()
             ) -> tuple[BargainingSession, Membership | None]:
    """The session and the actor's membership, for whoever may watch it; NotFound for anyone else."""
    query = select(BargainingSession).options(*options).where(BargainingSession.id == session_id,
                                                              BargainingSession.chapter_id == chapter.id)
    session = s.scalar(query.with_for_update() if lock else query)
    mine = membership_of(actor, chapter, s)
    if session is None or not can_watch(mine, bylaws_of(chapter, s)):
        raise NotFound(gettext("No such bargaining session."))
    return session, mine


def _posting_session(s, actor: User, chapter: Chapter, session_id: int, *, lock: bool = False
                     ) -> tuple[BargainingSession, Membership]:
    """The session, for its elected or note-taker while it is live (else the right refusal)."""
    session, mine = _watched(s, actor, chapter, session_id, lock=lock)
    require(policy.can_post_to_session(mine, session), mine,
            gettext("Only the elected and the note-taker they named post to this session."))
    if session.closed_at is not None:
        raise InvalidTransition(gettext("This session is closed."))
    if session.starts_at > now():
        raise InvalidTransition(gettext("This session has not started yet."))
    return session, mine


def post_entry(actor: User, chapter: Chapter, session_id: int, kind: EntryKind, body: str,
               corrects_id: int | None = None) -> SessionEntry:
    _required("body", body, ENTRY_MAX, gettext("Say what happened at the table."))
    with unit_of_work() as uow:
        s = uow.session
        session, mine = _posting_session(s, actor, chapter, session_id)
        if corrects_id is not None:
            earlier = s.get(SessionEntry, corrects_id)
            if earlier is None or earlier.session_id != session.id:
                raise ValidationFailed.on("corrects_id", gettext("Choose an earlier entry of this session."))
        moment = now()
        entry = SessionEntry(session_id=session.id, kind=kind, body=body.strip(), posted_by_id=mine.id,
                             posted_at=moment, release_at=session.release_for(moment), corrects_id=corrects_id)
        s.add(entry)
        s.flush()
        audit.record(s, "bargaining_session.entry_posted", f"bargaining_session:{session.id}", actor=actor,
                     chapter=chapter, data={"entry": entry.id, "kind": kind.value,
                                            "content_sha256": entry_hash(entry),
                                            "release_at": entry.release_at.isoformat(), "corrects": corrects_id})
    return entry


def entry_hash(entry: SessionEntry) -> str:
    return _sha256({"kind": entry.kind.value, "body": entry.body, "posted_at": entry.posted_at.isoformat()})


def react(actor: User, chapter: Chapter, session_id: int, entry_id: int, temperature: Temperature) -> None:
    """A member's temperature check on a shown entry of a live session: one each, changeable."""
    with unit_of_work() as uow:
        s = uow.session
        session, mine = _watched(s, actor, chapter, session_id)
        require(policy.in_good_standing(mine), mine, gettext("Only members in good standing take the temperature."))
        moment = now()
        entry = s.get(SessionEntry, entry_id)
        if entry is None or entry.session_id != session.id or entry.release_at > moment:
            raise NotFound(gettext("No such entry."))
        if session.closed_at is not None:
            raise InvalidTransition(gettext("This session is closed: its temperature checks are the record now."))
        mine_now = select(SessionReaction).where(SessionReaction.entry_id == entry.id,
                                                 SessionReaction.membership_id == mine.id).with_for_update()
        reaction = s.scalar(mine_now)
        before = None
        if reaction is None:
            try:
                with s.begin_nested():
                    s.add(SessionReaction(entry_id=entry.id, membership_id=mine.id, temperature=temperature,
                                          reacted_at=moment))
            except IntegrityError:  # the same member's other request got there first: this one follows it
                reaction = s.scalar(mine_now)
        if reaction is not None:
            before = reaction.temperature
            if before == temperature:
                return
            reaction.temperature, reaction.reacted_at = temperature, moment
            s.add(TemperatureChange(entry_id=entry.id, temperature=before, change=-1, at=moment))
        s.add(TemperatureChange(entry_id=entry.id, temperature=temperature, change=1, at=moment))
        audit.record(s, "bargaining_session.reacted", f"bargaining_session:{session.id}", actor=actor,
                     chapter=chapter, data={"entry": entry.id, "temperature": temperature.value,
                                            "before": before.value if before else None})


def close_session(actor: User, chapter: Chapter, session_id: int, summary: str) -> BargainingSession:
    _required("summary", summary, SUMMARY_MAX, gettext("Sum up the session for the record."))
    with unit_of_work() as uow:
        s = uow.session
        session, _ = _posting_session(s, actor, chapter, session_id, lock=True)
        session.closed_at = now()
        session.summary = summary.strip()
        s.execute(delete(SessionWatcher).where(SessionWatcher.session_id == session.id))
        audit.record(s, "bargaining_session.closed", f"bargaining_session:{session.id}", actor=actor,
                     chapter=chapter, data={"summary_sha256": _sha256({"summary": session.summary})})
        elected = s.get(Membership, session.membership_id)
        _announce(uow, chapter, session, elected.user.name, "closed",
                  phrase("%(name)s closed the bargaining session with %(counterparty)s: %(subject)s",
                         name=elected.user.name, counterparty=session.counterparty, subject=session.subject))
    return session


@dataclass(frozen=True)
class UrgentCall:
    question: str  # what the table is stuck on: the proposal's title and its decision
    directive: str  # what the elected must do if the members say yes
    reason: str  # why it cannot wait: shown with the proposal, as any urgency's reason
    deadline: date | None


_CALL_FIELDS = {"title": "question", "decision": "question", "adopted_directive": "directive"}


def call_urgent_vote(actor: User, chapter: Chapter, session_id: int, call: UrgentCall) -> Proposal:
    """A vote on the question the table is stuck on, on the urgent track, in one step: a proposal
    directing the session's elected, its record drawn from the session, published at once; then
    declared urgent by steering, or requested by a member (as the bylaws let members co-sign
    urgency). The proposal is linked to the session both ways."""
    with unit_of_work() as uow:
        s = uow.session
        session, mine = _watched(s, actor, chapter, session_id)
        require(policy.can_draft_proposal(actor, mine), mine,
                gettext("Only members in good standing can call a vote."))
        if session.closed_at is not None:
            raise InvalidTransition(gettext("This session is closed."))
        draft = proposals.ProposalDraft(
            title=call.question, body=_record_of(s, chapter, session), decision=call.question,
            deadline=call.deadline, ballot_kind=BallotKind.YES_NO, visibility=Visibility.MEMBERS,
            elected_ids=[session.membership_id], adopted_directive=call.directive)
        try:
            proposal = proposals.drafted(uow, actor, chapter, draft)
            proposals.published(uow, actor, chapter, proposal.id)
            if policy.can_declare_urgent(actor, mine):
                urgency.declared(uow, actor, chapter, proposal.id, call.reason)
            else:
                urgency.supported(uow, actor, chapter, proposal.id, call.reason)
        except ValidationFailed as refused:  # said of the call's own fields
            raise ValidationFailed(refused.message, errors={
                _CALL_FIELDS.get(name, name): messages for name, messages in refused.errors.items()}) from None
        s.add(SessionLink(session_id=session.id, proposal_id=proposal.id))
        audit.record(s, "bargaining_session.vote_called", f"bargaining_session:{session.id}", actor=actor,
                     chapter=chapter, data={"proposal_id": proposal.id})
    return proposal


def _record_of(s, chapter: Chapter, session: BargainingSession) -> str:
    """The proposal's body: the session and what was shown of it when the vote was called."""
    moment = now()
    link = notifications.path("sessions.show", slug=chapter.slug, session_id=session.id)
    shown = list(s.scalars(select(SessionEntry).where(SessionEntry.session_id == session.id,
                                                      SessionEntry.release_at <= moment)
                           .order_by(SessionEntry.id.desc()).limit(RECORD_ENTRIES)))
    lines = [gettext("Called from the live bargaining session [%(subject)s](%(link)s) with %(counterparty)s.",
                     subject=_markdown_text(session.subject), link=link,
                     counterparty=_markdown_text(session.counterparty)), ""]
    lines += [f"- **{ENTRY_KINDS[e.kind]}**: {_markdown_text(e.body)}" for e in reversed(shown)]
    return "\n".join(lines)


def _markdown_text(text: str) -> str:
    """Text quoted into Markdown as it was typed: one line, no markup of its own."""
    return _MARKUP.sub(r"\\\g<0>", " ".join(text.split()))


def can_watch(membership: Membership | None, bylaws) -> bool:
    return policy.is_chapter_insider(membership) or (bylaws.public_pages and bylaws.public_sessions)


def watchable(actor: User | None, chapter: Chapter) -> bool:
    """Whether this viewer may watch the chapter's sessions (to show them the way there)."""
    return can_watch(membership_of(actor, chapter), bylaws_of(chapter))


def _note_watcher(session_id: int, watcher: str, moment: datetime) -> None:
    """Counts a viewer of a live session as watching. A page asks every few seconds: a watcher
    seen lately costs one read, and their row is rewritten at most every WATCH_REFRESH, so polls
    mostly take no write lock."""
    key = hashlib.sha256(watcher.encode()).hexdigest()
    mine = (SessionWatcher.session_id == session_id, SessionWatcher.watcher == key)
    seen = db.session.scalar(select(SessionWatcher.seen_at).where(*mine))
    if seen is not None and seen >= moment - WATCH_REFRESH:
        return
    with unit_of_work() as uow:
        s = uow.session
        if seen is not None:
            s.execute(update(SessionWatcher).where(*mine).values(seen_at=moment))
            return
        try:
            with s.begin_nested():
                s.add(SessionWatcher(session_id=session_id, watcher=key, seen_at=moment))
        except IntegrityError:
            pass  # the same viewer's other page got there first


@dataclass(frozen=True)
class Reading:
    minutes: int | None  # after the entry was shown; None: at the close (or now, while the session is live)
    hold: int
    acceptable: int


READINGS = (5, 15, 30, 60)  # minutes after an entry is shown at which the record reads the room


def _over_time(s, entries: list[SessionEntry], end: datetime) -> dict[int, list[Reading]]:
    """From the temperature's changes: the counts at each of READINGS after each entry was
    shown (those before the end), and at the end."""
    changes: dict[int, list[TemperatureChange]] = {}
    for change in s.scalars(select(TemperatureChange).where(TemperatureChange.entry_id.in_([e.id for e in entries]))
                            .order_by(TemperatureChange.at, TemperatureChange.id)):
        changes.setdefault(change.entry_id, []).append(change)
    readings: dict[int, list[Reading]] = {}
    for entry in entries:
        moments = [(m, entry.release_at + timedelta(minutes=m)) for m in READINGS
                   if entry.release_at + timedelta(minutes=m) < end] + [(None, end)]
        readings[entry.id] = [Reading(minutes, *(sum(c.change for c in changes.get(entry.id, ())
                                                     if c.temperature == t and c.at <= moment)
                                                 for t in (Temperature.HOLD, Temperature.ACCEPTABLE)))
                              for minutes, moment in moments]
    return readings


@dataclass(frozen=True)
class SessionView:
    session: BargainingSession
    elected: Membership
    entries: list[SessionEntry]  # shown to this viewer, newest first
    pending: int  # posted, not yet released (for a viewer who cannot see them)
    next_release: datetime | None
    reactions: dict[int, Counter]  # entry id → temperature → count
    mine: dict[int, Temperature]
    watchers: int
    proposals: list[Proposal]
    mandates: list[Mandate]
    over_time: dict[int, list["Reading"]]  # entry id → the room's temperature at moments after it was shown
    can_post: bool
    can_react: bool
    version: str  # changes whenever anything this viewer sees changes: the live page's ETag


def get_session(actor: User | None, chapter: Chapter, session_id: int, watcher: str | None = None) -> SessionView:
    """The session as this viewer may see it; with `watcher` (the viewer's key), a live session
    counts them as watching first."""
    s = db.session
    session, mine = _watched(s, actor, chapter, session_id, options=(
        selectinload(BargainingSession.membership).selectinload(Membership.user),
        selectinload(BargainingSession.note_taker).selectinload(Membership.user),
        selectinload(BargainingSession.links).selectinload(SessionLink.proposal),
        selectinload(BargainingSession.links).selectinload(SessionLink.mandate).selectinload(Mandate.proposal)))
    moment = now()
    if watcher is not None and session.closed_at is None:
        _note_watcher(session.id, watcher, moment)
    bylaws = bylaws_of(chapter, s)
    sees_all = policy.can_post_to_session(mine, session) or policy.is_active_steering(mine)
    everything = list(s.scalars(select(SessionEntry).where(SessionEntry.session_id == session.id)
                                .order_by(SessionEntry.id.desc())))
    shown = [e for e in everything if sees_all or e.release_at <= moment]
    waiting = [e.release_at for e in everything if e.release_at > moment]
    counts: dict[int, Counter] = {}
    for entry_id, temperature, n in s.execute(
            select(SessionReaction.entry_id, SessionReaction.temperature, func.count())
            .join(SessionEntry, SessionEntry.id == SessionReaction.entry_id)
            .where(SessionEntry.session_id == session.id)
            .group_by(SessionReaction.entry_id, SessionReaction.temperature)):
        counts.setdefault(entry_id, Counter())[Temperature(temperature)] = n
    mine_reactions = {} if mine is None else {
        entry_id: Temperature(t) for entry_id, t in s.execute(
            select(SessionReaction.entry_id, SessionReaction.temperature)
            .join(SessionEntry, SessionEntry.id == SessionReaction.entry_id)
            .where(SessionEntry.session_id == session.id, SessionReaction.membership_id == mine.id))}
    watchers = s.scalar(select(func.count()).select_from(SessionWatcher).where(
        SessionWatcher.session_id == session.id, SessionWatcher.seen_at >= moment - WATCHING)) or 0
    proposals = [link.proposal for link in session.links if link.proposal is not None
                 and policy.can_view_proposal(actor, mine, link.proposal, bylaws)]
    mandates = [link.mandate for link in session.links if link.mandate is not None
                and policy.can_view_proposal(actor, mine, link.mandate.proposal, bylaws)]
    version = _sha256({"shown": [e.id for e in shown], "pending": len(waiting) if not sees_all else 0,
                       "reactions": {k: dict(v) for k, v in counts.items()},
                       "mine": {k: v.value for k, v in mine_reactions.items()}, "watchers": watchers,
                       "closed": session.closed_at.isoformat() if session.closed_at else None,
                       "live": session.live(moment)})
    return SessionView(
        session=session, elected=session.membership, entries=shown,
        pending=0 if sees_all else len(waiting), next_release=min(waiting) if waiting and not sees_all else None,
        reactions=counts, mine=mine_reactions, watchers=watchers, proposals=proposals, mandates=mandates,
        over_time=_over_time(s, shown, session.closed_at) if session.closed_at else {},
        can_post=policy.can_post_to_session(mine, session) and session.live(moment),
        can_react=policy.in_good_standing(mine) and session.closed_at is None, version=version)


def list_sessions(actor: User | None, chapter: Chapter) -> list[BargainingSession]:
    """Sessions this viewer may watch: open ones first, then the record, latest first."""
    s = db.session
    mine = membership_of(actor, chapter, s)
    if not can_watch(mine, bylaws_of(chapter, s)):
        raise NotFound(gettext("No such page."))
    return list(s.scalars(select(BargainingSession)
                          .options(selectinload(BargainingSession.membership).selectinload(Membership.user))
                          .where(BargainingSession.chapter_id == chapter.id)
                          .order_by(BargainingSession.closed_at.is_not(None), BargainingSession.starts_at.desc(),
                                    BargainingSession.id.desc())))


def live_sessions(actor: User | None, chapter: Chapter) -> list[BargainingSession]:
    """The sessions at the table now, for a viewer who may watch them (the dashboard leads with them)."""
    s = db.session
    if not can_watch(membership_of(actor, chapter, s), bylaws_of(chapter, s)):
        return []
    moment = now()
    return list(s.scalars(select(BargainingSession)
                          .options(selectinload(BargainingSession.membership).selectinload(Membership.user))
                          .where(BargainingSession.chapter_id == chapter.id, BargainingSession.closed_at.is_(None),
                                 BargainingSession.starts_at <= moment)
                          .order_by(BargainingSession.starts_at.desc())))
