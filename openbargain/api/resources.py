"""Resources: chapters, proposals, referenda (with casting), mandates."""
from __future__ import annotations

from flask import g, request, url_for

from openbargain import policy
from openbargain.api import bp
from openbargain.api.auth import needs_scope, optional_token, token_required
from openbargain.api.errors import ApiProblem
from openbargain.api.schemas import body_of
from openbargain.models import Chapter, Mandate, Proposal, ProposalStatus
from openbargain.services import calendar, casting, chapters, mandates, proposals, referenda
from openbargain.services.bylaws import bylaws_of


def iso(moment) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def visible_chapter(slug: str) -> Chapter:
    chapter = chapters.get_chapter(slug)
    mine = chapters.membership_of(g.api_user, chapter)
    if not (policy.is_chapter_insider(mine) or bylaws_of(chapter).public_pages):
        raise ApiProblem(404, "Not Found", "No such chapter.")
    return chapter


def proposal_json(p: Proposal) -> dict:
    return {
        "id": p.id, "title": p.title, "status": p.status.value, "decision": p.decision, "body": p.body,
        "deadline": p.deadline.isoformat(), "ballot_kind": p.ballot_kind.value, "visibility": p.visibility.value,
        "deadline_time": p.deadline_time.strftime("%H:%M") if p.deadline_time else None,
        "urgent": p.urgent, "urgent_reason": p.urgent_reason, "published_at": iso(p.published_at), "fallback_directive": p.fallback_directive,
        "options": [{"label": o.label, "directive": o.directive} for o in p.options],
        "electeds": [d.membership_id for d in p.directed],
    }


def mandate_json(m: Mandate) -> dict:
    return {"id": m.id, "proposal_id": m.proposal_id, "referendum_id": m.referendum_id,
            "elected": m.membership_id, "directive": m.directive, "basis": m.basis,
            "due_on": m.due_on.isoformat(), "status": m.status.value, "issued_at": iso(m.issued_at),
            "acknowledged_at": iso(m.acknowledged_at)}


@bp.get("/chapters/<slug>")
@optional_token
def chapter(slug: str):
    c = visible_chapter(slug)
    return {"slug": c.slug, "name": c.name, "timezone": c.timezone}


@bp.get("/chapters/<slug>/referenda")
@optional_token
def referendum_list(slug: str):
    """Votes scheduled or open (?status=open or scheduled to filter), soonest first."""
    status = request.args.get("status")
    if status not in (None, "open", "scheduled"):
        raise ApiProblem(422, "Unprocessable Content", "Unknown status.", {"status": ["open or scheduled."]})
    entries = calendar.upcoming_votes(g.api_user, visible_chapter(slug))
    return {"items": [{"id": e.referendum.id, "proposal_id": e.proposal.id, "title": e.proposal.title,
                       "status": e.status, "opens_at": iso(e.referendum.opens_at),
                       "closes_at": iso(e.referendum.closes_at)}
                      for e in entries if status is None or e.status == status]}


@bp.get("/chapters/<slug>/proposals")
@optional_token
def proposal_list(slug: str):
    c = visible_chapter(slug)
    status = request.args.get("status")
    elected = request.args.get("elected")
    if elected is not None and not elected.isdigit():
        raise ApiProblem(422, "Unprocessable Content", "Invalid elected.", {"elected": ["A membership id."]})
    if status is not None and status not in ProposalStatus._value2member_map_:
        raise ApiProblem(422, "Unprocessable Content", "Unknown status.", {"status": ["Unknown status."]})
    cursor = request.args.get("cursor", "1")
    if not cursor.isdigit() or int(cursor) < 1:
        raise ApiProblem(422, "Unprocessable Content", "Invalid cursor.", {"cursor": ["Invalid cursor."]})
    query = request.args.get("q", "")[:100]
    page = proposals.list_proposals(g.api_user, c, status=ProposalStatus(status) if status else None,
                                    elected_id=int(elected) if elected else None, query=query, page=int(cursor))
    following = None
    if page.page < page.pages:
        following = url_for("api.proposal_list", slug=slug, status=status, elected=elected, q=query or None,
                            cursor=page.page + 1, _external=True)
    return {"items": [proposal_json(p) for p in page.proposals], "total": page.total, "next": following}


@bp.get("/chapters/<slug>/proposals/<int:proposal_id>")
@optional_token
def proposal(slug: str, proposal_id: int):
    return proposal_json(proposals.get_proposal(g.api_user, visible_chapter(slug), proposal_id).proposal)


@bp.get("/chapters/<slug>/referenda/<int:referendum_id>")
@optional_token
def referendum(slug: str, referendum_id: int):
    view = referenda.get_referendum(g.api_user, visible_chapter(slug), referendum_id)
    r = view.referendum
    mine = None
    if g.api_user is not None:
        mine = {"on_roll": view.my_entry is not None,
                "voted_on": view.my_entry.voted_on.isoformat() if view.my_entry and view.my_entry.voted_on else None}
    return {"id": r.id, "proposal_id": r.proposal_id, "status": view.status.value, "method": r.method,
            "seats": r.seats, "threshold": r.threshold, "quorum_percent": r.quorum_percent, "secret": r.secret,
            "opens_at": iso(r.opens_at), "closes_at": iso(r.closes_at), "roll_size": r.roll_size,
            "roll_hash": r.roll_hash, "turnout": view.turnout, "my_voting_status": mine,
            "by_petition": r.by_petition, "petition_signatures": r.petition_signatures,
            "locked_by_petition": list(referenda.PETITION_LOCKED) if r.by_petition else []}


@bp.post("/chapters/<slug>/referenda/<int:referendum_id>/ballots")
@needs_scope("vote")
@token_required
def cast(slug: str, referendum_id: int):
    data = body_of({"choice": (str, 10), "ranking": (list, 50)}, optional=("choice", "ranking"))
    if ("choice" in data) == ("ranking" in data):
        raise ApiProblem(422, "Unprocessable Content", "Send either a choice (yes/no) or a ranking.",
                         {"choice": ["Send exactly one of choice and ranking."]})
    receipt = casting.cast_ballot(g.api_user, visible_chapter(slug), referendum_id, data)
    return {"tracker": receipt.tracker, "roll_call": receipt.roll_call}, 201


@bp.get("/chapters/<slug>/mandates/<int:mandate_id>")
@optional_token
def mandate(slug: str, mandate_id: int):
    return mandate_json(mandates.get_mandate(g.api_user, visible_chapter(slug), mandate_id).mandate)


@bp.post("/chapters/<slug>/mandates/<int:mandate_id>/acknowledge")
@token_required
def acknowledge(slug: str, mandate_id: int):
    return mandate_json(mandates.acknowledge_mandate(g.api_user, visible_chapter(slug), mandate_id))
