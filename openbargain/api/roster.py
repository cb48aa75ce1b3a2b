"""The roster: members and their standing, roles and office; the national import; invitations;
and the electeds a proposal can direct."""
from __future__ import annotations

from flask import g, request
from marshmallow import fields, validate

from openbargain.api.auth import optional_token, public, token_pair
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.errors import ApiProblem, invalid
from openbargain.api.fields import Body, Flag, Shape, Text, Whole, choice, items
from openbargain.api.tokens import TokenPair
from openbargain.models import Standing
from openbargain.models.chapter import OFFICE_MAX
from openbargain.services import accounts, chapters, roster, scorecards
from openbargain.services.accounts import PASSWORD_MAX
from openbargain.services.errors import InvalidToken

blp = Resource("roster", __name__, description="Members, the national roster import, invitations, electeds.")

INVITATION_TOKEN_MAX = 1000


class Membership(Shape):
    id = fields.Integer(required=True)
    name = fields.String(required=True, attribute="user.name")
    email = fields.String(required=True, attribute="user.email")
    standing = choice(Standing, required=True)
    roles = fields.Function(lambda m: [r.value for r in m.roles], required=True,
                            metadata={"type": "array", "items": {"enum": ["member", "elected", "steering"]}})
    office = fields.String(required=True, allow_none=True)
    account = fields.Boolean(required=True, attribute="user.has_account")


class RosterPage(Shape):
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(required=True)
    items = items(Membership, required=True, attribute="memberships")


class RosterQuery(Body):
    page = Whole(strict=False, load_default=1, validate=validate.Range(min=1))
    standing = choice(Standing)
    q = fields.String(load_default="", validate=validate.Length(max=100))


class ImportQuery(Body):
    preview = fields.String(validate=validate.OneOf(["0", "1"]))


class ImportCounts(Shape):
    preview = fields.Boolean(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class MembershipPatch(Body):
    standing = choice(Standing)
    is_elected = Flag()
    is_steering = Flag()
    office = Text(OFFICE_MAX, allow_none=True)


class InvitationSent(Shape):
    id = fields.Integer(required=True)
    email = fields.String(required=True, attribute="user.email")


class Acceptance(Body):
    token = Text(INVITATION_TOKEN_MAX, required=True, metadata={"description": "The token from the invitation link"})
    password = Text(PASSWORD_MAX, metadata={"description": "Needed when you have no account yet"})


class Accepted(TokenPair):
    chapter = fields.String(required=True, metadata={"description": "The chapter's slug"})


class Elected(Shape):
    id = fields.Integer(required=True, metadata={"description": "The membership id a proposal names"})
    name = fields.String(required=True, attribute="user.name")
    office = fields.String(required=True, allow_none=True)


class Electeds(Shape):
    items = items(Elected, required=True)


@blp.operation("GET", "/chapters/<slug>/roster", returns=RosterPage, query=RosterQuery)
def roster_list(query, slug: str):
    """The roster (steering), 50 to a page, by name; filter by standing or a search"""
    return roster.list_roster(g.api_user, visible_chapter(slug), page=query["page"],
                              standing=query.get("standing"), query=query["q"])


@blp.operation("POST", "/chapters/<slug>/roster", returns=ImportCounts, query=ImportQuery,
               requestBody={"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}})
def roster_import(query, slug: str):
    """Import the national CSV export (steering) as the body; ?preview=1 shows the counts and saves nothing"""
    chapter = visible_chapter(slug)
    data = request.get_data(cache=False)
    if query.get("preview") == "1":
        return {"preview": True, "counts": roster.preview_roster_import(g.api_user, chapter, data).counts}
    try:
        plan = roster.import_roster(g.api_user, chapter, data)
    except roster.RosterInvalid as exc:
        raise invalid(exc.message, {f"line {line}": [message] for line, message in exc.problems})
    return {"preview": False, "counts": plan.counts}


@blp.operation("GET", "/chapters/<slug>/roster/<int:membership_id>", returns=Membership)
def membership(slug: str, membership_id: int):
    """One membership (steering)"""
    return chapters.get_membership(g.api_user, visible_chapter(slug), membership_id)


@blp.operation("PATCH", "/chapters/<slug>/roster/<int:membership_id>", returns=Membership, body=MembershipPatch)
def membership_change(data, slug: str, membership_id: int):
    """Change a membership's standing, roles or office (steering); what is not sent stays"""
    chapter = visible_chapter(slug)
    current = chapters.get_membership(g.api_user, chapter, membership_id)
    change = chapters.MembershipChange(
        standing=data.get("standing", current.standing), is_elected=data.get("is_elected", current.is_elected),
        is_steering=data.get("is_steering", current.is_steering), office=data.get("office", current.office))
    return chapters.update_membership(g.api_user, chapter, membership_id, change)


@blp.operation("POST", "/chapters/<slug>/roster/<int:membership_id>/invitation", returns=InvitationSent, status=201)
def membership_invite(slug: str, membership_id: int):
    """Invite a member without an account (steering): a single-use link goes out by mail"""
    return chapters.invite_member(g.api_user, visible_chapter(slug), membership_id)


@blp.operation("POST", "/invitations/accept", returns=Accepted, status=201, auth=public, body=Acceptance)
def invitation_accept(data):
    """Accept an invitation with the token from its link (and a password, without an account yet);
    answers with tokens, as logging in does"""
    try:
        accepted = accounts.accept_invitation(data["token"], data.get("password"))
    except InvalidToken as exc:  # a well-formed request that this link does not allow
        raise ApiProblem(403, "Forbidden", exc.message)
    return {**token_pair(accepted.user), "chapter": accepted.chapter.slug}


@blp.operation("GET", "/chapters/<slug>/electeds", returns=Electeds, auth=optional_token)
def elected_list(slug: str):
    """The chapter's electeds and their offices: the ids a proposal directs"""
    return {"items": scorecards.list_electeds(g.api_user, visible_chapter(slug))}
