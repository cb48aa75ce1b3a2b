"""General meetings: calling one (steering), checking in (the room's code, online where allowed, or
by a teller), calling to order and adjourning, and the meeting's votes — opened by the chair or a
teller for minutes, with the members present as their roll; cast, counted and certified as any
vote's (referenda)."""
from __future__ import annotations

from flask import g
from marshmallow import fields, validate

from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Flag, Moment, Shape, Text, Whole, items
from openbargain.api.referenda import settled_chapter
from openbargain.models.meeting import PLACE_MAX, VIDEO_URL_MAX
from openbargain.models.proposal import TITLE_MAX
from openbargain.models.user import EMAIL_MAX
from openbargain.services import meeting_votes, meetings
from openbargain.services.bylaws import MEETING_VOTE_MINUTES_MAX

blp = Resource("meetings", __name__, description="General meetings: check-in, quorum, and votes of minutes whose "
                                                 "roll is who is present.")


class MeetingBody(Body):
    title = Text(TITLE_MAX, required=True)
    starts_at = Moment(required=True)
    ends_at = Moment(required=True, metadata={"description": "As planned: the chair adjourns"})
    place = Text(PLACE_MAX, load_default="")
    video_url = Text(VIDEO_URL_MAX, load_default="")
    remote_check_in = Flag(load_default=False, metadata={"description": "Members attending by video check in online"})
    chair_email = Text(EMAIL_MAX, load_default="", metadata={"description": "Empty: whoever calls the meeting"})
    teller_emails = fields.List(Text(EMAIL_MAX), load_default=list,
                                validate=validate.Length(max=meetings.TELLERS_MAX))
    agenda = fields.List(Whole(), load_default=list, validate=validate.Length(max=meetings.AGENDA_MAX),
                         metadata={"description": "Ids of proposals in deliberation, in order"})


class VoteLineShape(Shape):
    referendum_id = fields.Integer(required=True, attribute="referendum.id")
    proposal_id = fields.Integer(required=True, attribute="proposal.id")
    status = fields.String(required=True, attribute="status.value")
    opens_at = Moment(required=True, attribute="referendum.opens_at")
    closes_at = Moment(required=True, attribute="referendum.closes_at")
    roll_size = fields.Integer(required=True, allow_none=True, attribute="referendum.roll_size")
    turnout = fields.Integer(required=True, metadata={"description": "Ballots cast so far; never how"})
    outcome = fields.Function(lambda v: v.result.outcome if v.result else None, required=True, allow_none=True,
                              metadata={"type": "string"})


class MeetingShape(Shape):
    id = fields.Integer(required=True, attribute="meeting.id")
    title = fields.String(required=True, attribute="meeting.title")
    status = fields.String(required=True, attribute="status.value", metadata={
        "description": "called, doors_open (check-in open), in_session, adjourned or cancelled"})
    starts_at = Moment(required=True, attribute="meeting.starts_at")
    ends_at = Moment(required=True, attribute="meeting.ends_at")
    place = fields.String(required=True, attribute="meeting.place")
    video_url = fields.String(required=True, attribute="meeting.video_url")
    remote_check_in = fields.Boolean(required=True, attribute="meeting.remote_check_in")
    chair = fields.Integer(required=True, attribute="meeting.chair_id")
    tellers = fields.Function(lambda v: [t.id for t in v.tellers], required=True,
                              metadata={"type": "array", "items": {"type": "integer"}})
    agenda = fields.Function(lambda v: [p.id for p in v.agenda], required=True,
                             metadata={"type": "array", "items": {"type": "integer"}})
    present = fields.Integer(required=True)
    quorum = fields.Integer(required=True, attribute="needed")
    quorate = fields.Boolean(required=True)
    checked_in = fields.Boolean(required=True, metadata={"description": "Whether you are"})
    votes = items(VoteLineShape, required=True)


class MeetingSummary(Shape):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    cancelled = fields.Function(lambda m: m.cancelled_at is not None, required=True, metadata={"type": "boolean"})


class MeetingList(Shape):
    upcoming = items(MeetingSummary, required=True)
    past = items(MeetingSummary, required=True)


class CheckInBody(Body):
    code = Text(20, load_default=None, metadata={"description": "The code on the room's screen"})
    remote = Flag(load_default=False, metadata={"description": "Check in online, where the meeting allows it"})
    email = Text(EMAIL_MAX, load_default=None, metadata={"description": "Tellers: the member to check in"})


class AttendanceShape(Shape):
    membership_id = fields.Integer(required=True)
    how = fields.String(required=True)
    checked_in_at = Moment(required=True)
    left_at = Moment(required=True, allow_none=True)


class DepartureBody(Body):
    email = Text(EMAIL_MAX, load_default=None, metadata={"description": "Tellers: the member who left; none: you"})


class MeetingVoteBody(Body):
    proposal_id = Whole(required=True)
    minutes = Whole(load_default=None, validate=validate.Range(min=1, max=MEETING_VOTE_MINUTES_MAX),
                    metadata={"description": "None: the bylaws' length for a meeting vote"})


class RoomShape(Shape):
    code = fields.String(required=True, allow_none=True, metadata={"description": "Changes every minute"})


def _draft(data: dict) -> meetings.MeetingDraft:
    return meetings.MeetingDraft(**{**data, "teller_emails": tuple(data["teller_emails"]),
                                    "agenda": tuple(data["agenda"])})


def _view(slug: str, meeting_id: int):
    return meetings.get_meeting(g.api_user, settled_chapter(slug), meeting_id)


@blp.operation("GET", "/chapters/<slug>/meetings", returns=MeetingList)
def meeting_list(slug: str):
    """The chapter's general meetings, coming up and past (members)"""
    return meetings.list_meetings(g.api_user, visible_chapter(slug))


@blp.operation("POST", "/chapters/<slug>/meetings", returns=MeetingShape, status=201, body=MeetingBody)
def meeting_call(data, slug: str):
    """Call a general meeting (steering); members in good standing are told"""
    meeting = meetings.call_meeting(g.api_user, visible_chapter(slug), _draft(data))
    return _view(slug, meeting.id)


@blp.operation("GET", "/chapters/<slug>/meetings/<int:meeting_id>", returns=MeetingShape)
def meeting(slug: str, meeting_id: int):
    """A meeting: who is present against its quorum, its agenda, its votes with their turnout"""
    return _view(slug, meeting_id)


@blp.operation("PUT", "/chapters/<slug>/meetings/<int:meeting_id>", returns=MeetingShape, body=MeetingBody)
def meeting_change(data, slug: str, meeting_id: int):
    """Change a meeting until it adjourns; its times only until it is called to order (steering)"""
    meetings.change_meeting(g.api_user, visible_chapter(slug), meeting_id, _draft(data))
    return _view(slug, meeting_id)


@blp.operation("POST", "/chapters/<slug>/meetings/<int:meeting_id>/cancellation", returns=MeetingShape, status=201)
def meeting_cancel(slug: str, meeting_id: int):
    """Cancel a meeting not yet called to order (steering); members are told"""
    meetings.cancel_meeting(g.api_user, visible_chapter(slug), meeting_id)
    return _view(slug, meeting_id)


@blp.operation("POST", "/chapters/<slug>/meetings/<int:meeting_id>/order", returns=MeetingShape, status=201)
def meeting_order(slug: str, meeting_id: int):
    """Call the meeting to order (the chair, or steering)"""
    meetings.call_to_order(g.api_user, visible_chapter(slug), meeting_id)
    return _view(slug, meeting_id)


@blp.operation("POST", "/chapters/<slug>/meetings/<int:meeting_id>/adjournment", returns=MeetingShape, status=201)
def meeting_adjourn(slug: str, meeting_id: int):
    """Adjourn the meeting, once no vote is open (the chair, or steering)"""
    meetings.adjourn(g.api_user, visible_chapter(slug), meeting_id)
    return _view(slug, meeting_id)


@blp.operation("GET", "/chapters/<slug>/meetings/<int:meeting_id>/room", returns=RoomShape)
def meeting_room(slug: str, meeting_id: int):
    """The check-in code the room's screen shows now (the chair and tellers); none outside check-in"""
    return meetings.screen(g.api_user, visible_chapter(slug), meeting_id)


@blp.operation("POST", "/chapters/<slug>/meetings/<int:meeting_id>/check-ins", returns=AttendanceShape, status=201,
               body=CheckInBody)
def meeting_check_in(data, slug: str, meeting_id: int):
    """Check in: yourself with the room's code, or online where allowed; or, as a teller, a member by email"""
    chapter = visible_chapter(slug)
    if data["email"] is not None:
        return meetings.check_in_member(g.api_user, chapter, meeting_id, data["email"])
    return meetings.check_in(g.api_user, chapter, meeting_id, code=data["code"], remote=data["remote"])


@blp.operation("POST", "/chapters/<slug>/meetings/<int:meeting_id>/departures", returns=AttendanceShape,
               status=201, body=DepartureBody)
def meeting_leave(data, slug: str, meeting_id: int):
    """Leave the meeting (or, as a teller, record that a member left): no longer counted present"""
    return meetings.leave(g.api_user, visible_chapter(slug), meeting_id, data["email"])


@blp.operation("POST", "/chapters/<slug>/meetings/<int:meeting_id>/votes", returns=VoteLineShape, status=201,
               body=MeetingVoteBody)
def meeting_vote_open(data, slug: str, meeting_id: int):
    """Open the vote on an agenda proposal for minutes (the chair or a teller, while the meeting sits
    quorate); its roll is the members present now. Cast with the referendum's ballot operations."""
    referendum = meeting_votes.open_vote(g.api_user, visible_chapter(slug), meeting_id, data["proposal_id"],
                                    data["minutes"])
    return next(v for v in _view(slug, meeting_id).votes if v.referendum.id == referendum.id)


@blp.operation("POST", "/chapters/<slug>/meetings/<int:meeting_id>/votes/<int:referendum_id>/close",
               returns=VoteLineShape, status=201)
def meeting_vote_close(slug: str, meeting_id: int, referendum_id: int):
    """Close a meeting vote early, once every ballot on its roll is in, and certify it (the chair or a teller)"""
    meeting_votes.close_vote(g.api_user, visible_chapter(slug), meeting_id, referendum_id)
    return next(v for v in _view(slug, meeting_id).votes if v.referendum.id == referendum_id)
