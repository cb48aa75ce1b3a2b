"""Live open-bargaining sessions: an elected posts what happens at the table while it happens;
members watch (poll a session with If-None-Match: a 304 until something changes) and take the
temperature of each entry."""
from __future__ import annotations

from flask import g
from marshmallow import fields

from openbargain.api.auth import optional_token
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Day, Moment, Shape, Text, Whole, choice, items
from openbargain.models import EntryKind, Temperature
from openbargain.models.bargaining_session import ENTRY_MAX, SUBJECT_MAX, SUMMARY_MAX, TABLE_MAX
from openbargain.models.mandate import PARTY_MAX
from openbargain.models.proposal import DIRECTIVE_MAX, REASON_MAX, TITLE_MAX
from openbargain.models.user import EMAIL_MAX
from openbargain.services import bargaining_sessions
from openbargain.services.chapters import get_chapter

blp = Resource("sessions", __name__, description="Live open-bargaining sessions, watched as they happen.")


class Session(Shape):
    id = fields.Integer(required=True)
    elected = fields.Integer(required=True, attribute="membership_id")
    note_taker = fields.Integer(required=True, allow_none=True, attribute="note_taker_id")
    subject = fields.String(required=True)
    counterparty = fields.String(required=True)
    at_the_table = fields.String(required=True)
    starts_at = Moment(required=True)
    opened_at = Moment(required=True)
    delay_minutes = fields.Integer(required=True, metadata={"description": "How long each entry waits to be shown"})
    embargo_until = Moment(required=True, allow_none=True)
    closed_at = Moment(required=True, allow_none=True)
    summary = fields.String(required=True, allow_none=True)


class Sessions(Shape):
    items = items(Session, required=True)


class SessionEntry(Shape):
    id = fields.Integer(required=True)
    kind = choice(EntryKind, required=True)
    body = fields.String(required=True)
    posted_at = Moment(required=True)
    released_at = Moment(required=True, attribute="release_at",
                         metadata={"description": "When it is (or was) shown to watchers"})
    corrects_id = fields.Integer(required=True, allow_none=True)
    hold = fields.Integer(required=True, metadata={"description": "Members saying: hold the line"})
    acceptable = fields.Integer(required=True, metadata={"description": "Members saying: we could accept this"})


class SessionDetail(Shape):
    session = fields.Nested(Session, required=True)
    entries = items(SessionEntry, required=True, metadata={"description": "Those shown to you, newest first"})
    pending = fields.Integer(required=True, metadata={"description": "Entries posted, sealed, not yet shown to you"})
    next_release = Moment(required=True, allow_none=True)
    watchers = fields.Integer(required=True)
    proposal_ids = fields.List(fields.Integer(), required=True)
    mandate_ids = fields.List(fields.Integer(), required=True)
    my_temperatures = fields.Dict(keys=fields.String(), values=choice(Temperature), required=True,
                                  metadata={"description": "entry id → your temperature"})


class NewSession(Body):
    subject = Text(SUBJECT_MAX, required=True)
    counterparty = Text(PARTY_MAX, required=True)
    at_the_table = Text(TABLE_MAX, required=True)
    starts_at = Moment(load_default=None, metadata={"description": "Omitted: now"})
    note_taker_email = Text(EMAIL_MAX, load_default="", metadata={"description": "A member who may post for the elected"})
    proposal_ids = fields.List(Whole(), load_default=list)
    mandate_ids = fields.List(Whole(), load_default=list)
    embargo_until = Moment(load_default=None)


class NewSessionEntry(Body):
    kind = choice(EntryKind, required=True)
    body = Text(ENTRY_MAX, required=True)
    corrects_id = Whole(load_default=None)


class TemperatureBody(Body):
    temperature = choice(Temperature, required=True)


class CloseBody(Body):
    summary = Text(SUMMARY_MAX, required=True)


class UrgentCallBody(Body):
    question = Text(TITLE_MAX, required=True, metadata={"description": "What the table is stuck on, as a yes/no question"})
    directive = Text(DIRECTIVE_MAX, required=True, metadata={"description": "What the elected must do on a yes"})
    reason = Text(REASON_MAX, required=True, metadata={"description": "Why it cannot wait"})
    deadline = Day(required=True, metadata={"description": "The elected must act by"})


class CalledVote(Shape):
    proposal_id = fields.Integer(required=True, attribute="id")
    urgent = fields.Boolean(required=True, metadata={"description": "false: members' co-signatures are awaited"})


class Recorded(Shape):
    id = fields.Integer(required=True)
    posted_at = Moment(required=True)
    released_at = Moment(required=True, attribute="release_at")


@blp.operation("GET", "/chapters/<slug>/bargaining-sessions", returns=Sessions, auth=optional_token)
def sessions_list(slug: str):
    """Sessions you may watch: open ones first, then the record"""
    return {"items": bargaining_sessions.list_sessions(g.api_user, get_chapter(slug))}


@blp.operation("POST", "/chapters/<slug>/bargaining-sessions", returns=Session, status=201, body=NewSession)
def sessions_open(data, slug: str):
    """Open a live session (electeds); its delay comes from the bylaws, fixed from now on"""
    draft = bargaining_sessions.SessionDraft(
        subject=data["subject"], counterparty=data["counterparty"], at_the_table=data["at_the_table"],
        starts_at=data["starts_at"], note_taker_email=data["note_taker_email"], proposal_ids=data["proposal_ids"],
        mandate_ids=data["mandate_ids"], embargo_until=data["embargo_until"])
    return bargaining_sessions.open_session(g.api_user, visible_chapter(slug), draft)


@blp.operation("GET", "/chapters/<slug>/bargaining-sessions/<int:session_id>", returns=SessionDetail,
               auth=optional_token)
def sessions_show(slug: str, session_id: int):
    """A session as you may see it; poll it with If-None-Match (counts you as watching)"""
    view = bargaining_sessions.get_session(g.api_user, get_chapter(slug), session_id,
                                           watcher=f"user:{g.api_user.id}" if g.api_user is not None else None)
    entries = [{"id": e.id, "kind": e.kind, "body": e.body, "posted_at": e.posted_at, "release_at": e.release_at,
                "corrects_id": e.corrects_id, "hold": view.reactions.get(e.id, {}).get(Temperature.HOLD, 0),
                "acceptable": view.reactions.get(e.id, {}).get(Temperature.ACCEPTABLE, 0)} for e in view.entries]
    return {"session": view.session, "entries": entries, "pending": view.pending, "next_release": view.next_release,
            "watchers": view.watchers, "proposal_ids": [p.id for p in view.proposals],
            "mandate_ids": [m.id for m in view.mandates],
            "my_temperatures": {str(entry_id): t for entry_id, t in view.mine.items()}}


@blp.operation("POST", "/chapters/<slug>/bargaining-sessions/<int:session_id>/entries", returns=Recorded,
               status=201, body=NewSessionEntry)
def sessions_post(data, slug: str, session_id: int):
    """Post what happens (the elected and their note-taker); sealed in the audit log at once"""
    return bargaining_sessions.post_entry(g.api_user, visible_chapter(slug), session_id, data["kind"], data["body"],
                                          data["corrects_id"])


@blp.operation("PUT", "/chapters/<slug>/bargaining-sessions/<int:session_id>/entries/<int:entry_id>/temperature",
               returns=TemperatureBody, body=TemperatureBody)
def sessions_react(data, slug: str, session_id: int, entry_id: int):
    """Your temperature check on a shown entry (members in good standing): counts only, never a vote"""
    bargaining_sessions.react(g.api_user, visible_chapter(slug), session_id, entry_id, data["temperature"])
    return {"temperature": data["temperature"]}


@blp.operation("POST", "/chapters/<slug>/bargaining-sessions/<int:session_id>/urgent-vote", returns=CalledVote,
               status=201, body=UrgentCallBody)
def sessions_call_vote(data, slug: str, session_id: int):
    """Call an urgent vote on what the table is stuck on (members in good standing): a published proposal
    directing the session's elected, declared urgent by steering or requested by a member"""
    return bargaining_sessions.call_urgent_vote(g.api_user, visible_chapter(slug), session_id,
                                                bargaining_sessions.UrgentCall(**data))


@blp.operation("POST", "/chapters/<slug>/bargaining-sessions/<int:session_id>/close", returns=Session,
               body=CloseBody)
def sessions_close(data, slug: str, session_id: int):
    """Close the session with its summary for the record (the elected and their note-taker)"""
    return bargaining_sessions.close_session(g.api_user, visible_chapter(slug), session_id, data["summary"])
