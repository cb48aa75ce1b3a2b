"""More resources: comments, withdrawal, petitions, reviews, cancelling a vote, lists of mandates
and bargaining updates, scorecards, and the audit log."""
from __future__ import annotations

from flask import g, request, url_for

from openbargain.api import bp
from openbargain.api.auth import optional_token, token_required
from openbargain.api.errors import ApiProblem
from openbargain.api.resources import iso, mandate_json, proposal_json, visible_chapter
from openbargain.api.schemas import body_of
from openbargain.models import AmendmentKind, ReportReview
from openbargain.services import (
    amendments,
    audit_log,
    bargaining,
    deliberation,
    mandates,
    petitions,
    proposals,
    referenda,
    results,
    roster,
    scorecards,
    urgency,
)


def _update_json(view) -> dict:
    u = view.update
    return {"id": u.id, "elected": u.membership_id, "proposal_id": u.proposal_id, "met_on": u.met_on.isoformat(),
            "counterparty": u.counterparty, "offered": u.offered, "demanded": u.demanded,
            "threatened": u.threatened, "notes": u.notes, "recorded_at": iso(u.recorded_at),
            "embargo_until": iso(u.embargo_until), "embargo_until_vote": u.embargo_until_vote,
            "released_at": iso(view.release_at), "published": view.published, "corrects_id": u.corrects_id}


@bp.get("/chapters/<slug>/proposals/<int:proposal_id>/comments")
@optional_token
def comment_list(slug: str, proposal_id: int):
    chapter = visible_chapter(slug)
    proposal = proposals.get_proposal(g.api_user, chapter, proposal_id).proposal
    page = request.args.get("page", "1")
    if not page.isdigit():
        raise ApiProblem(422, "Unprocessable Content", "Invalid page.", {"page": ["A positive integer."]})
    thread = deliberation.thread_page(g.api_user, chapter, proposal, int(page))
    return {"stances": thread.stances, "page": thread.page, "pages": thread.pages, "items": [
        {"id": e.comment.id, "parent_id": e.comment.parent_id, "depth": e.comment.depth,
         "author": e.comment.author.name, "stance": e.comment.stance.value,
         "body": e.comment.body if e.show_text else None,
         "hidden_reason": e.comment.hidden_reason, "created_at": iso(e.comment.created_at),
         "edited": e.comment.edited_at is not None} for e in thread.entries]}


@bp.post("/chapters/<slug>/proposals/<int:proposal_id>/withdraw")
@token_required
def proposal_withdraw(slug: str, proposal_id: int):
    return proposal_json(proposals.withdraw_proposal(g.api_user, visible_chapter(slug), proposal_id))


@bp.route("/chapters/<slug>/proposals/<int:proposal_id>/petition", methods=["GET", "POST"])
@optional_token
def petition(slug: str, proposal_id: int):
    chapter = visible_chapter(slug)
    carried = None
    if request.method == "POST":
        if g.api_user is None:
            raise ApiProblem(401, "Unauthorized", "Signing needs an access token.",
                             headers={"WWW-Authenticate": 'Bearer realm="openbargain"'})
        carried = petitions.sign_petition(g.api_user, chapter, proposal_id)
    proposal = proposals.get_proposal(g.api_user, chapter, proposal_id).proposal
    status = petitions.petition_status(g.api_user, chapter, proposal)
    body = {"signatures": status.signatures, "needed": status.needed, "signed_by_me": status.signed_by_me,
            "vote_scheduled_by_this_signature": carried}
    return (body, 201) if request.method == "POST" else body


@bp.post("/chapters/<slug>/proposals/<int:proposal_id>/urgency")
@token_required
def urgency_declare(slug: str, proposal_id: int):
    data = body_of({"reason": (str, 300)})
    return proposal_json(urgency.declare_urgent(g.api_user, visible_chapter(slug), proposal_id, data["reason"]))


@bp.post("/chapters/<slug>/proposals/<int:proposal_id>/urgency/signatures")
@token_required
def urgency_sign(slug: str, proposal_id: int):
    data = body_of({"reason": (str, 300)}, optional=("reason",))
    chapter = visible_chapter(slug)
    carried = urgency.support_urgency(g.api_user, chapter, proposal_id, data.get("reason"))
    status = urgency.urgency_status(g.api_user, chapter, proposals.get_proposal(g.api_user, chapter, proposal_id).proposal)
    return {"carried": carried, "signatures": status.signatures, "needed": status.needed, "reason": status.reason}, 201


@bp.post("/chapters/<slug>/reports/<int:report_id>/review")
@token_required
def report_review(slug: str, report_id: int):
    data = body_of({"review": (str, 10), "note": (str, 2000)}, optional=("note",))
    if data["review"] not in ReportReview._value2member_map_:
        raise ApiProblem(422, "Unprocessable Content", "Invalid review.", {"review": ["verified or disputed."]})
    report = mandates.review_report(g.api_user, visible_chapter(slug), report_id, ReportReview(data["review"]),
                                    data.get("note", ""))
    return {"id": report.id, "review": report.review.value, "note": report.review_note}


@bp.delete("/chapters/<slug>/referenda/<int:referendum_id>")
@token_required
def referendum_cancel(slug: str, referendum_id: int):
    return proposal_json(referenda.cancel_referendum(g.api_user, visible_chapter(slug), referendum_id))


@bp.get("/chapters/<slug>/electeds/<int:membership_id>/scorecard")
@optional_token
def scorecard(slug: str, membership_id: int):
    card = scorecards.scorecard(g.api_user, visible_chapter(slug), membership_id)
    return {"elected": card.membership.id, "name": card.membership.user.name, "office": card.membership.office,
            "figures": {c: card.count(c) for c in scorecards.CATEGORIES},
            "median_hours_to_acknowledge": card.median_hours_to_acknowledge,
            "mandates": {c: [m.id for m in card.items[c]] for c in scorecards.CATEGORIES},
            "bargaining": [_update_json(v) for v in card.updates]}


@bp.get("/chapters/<slug>/mandates")
@optional_token
def mandate_list(slug: str):
    cards = scorecards.accountability(g.api_user, visible_chapter(slug))
    return {"items": [mandate_json(m) for card in cards for m in card.items["received"]]}


@bp.get("/chapters/<slug>/bargaining")
@optional_token
def bargaining_list(slug: str):
    return {"items": [_update_json(v) for v in bargaining.visible_updates(g.api_user, visible_chapter(slug))]}


@bp.get("/audit/checkpoint")
def audit_checkpoint():
    checkpoint = audit_log.current_checkpoint()
    return {"length": checkpoint.length, "head": checkpoint.hash, "checkpoint": checkpoint.label}


@bp.get("/chapters/<slug>/audit")
@token_required
def audit_events(slug: str):
    before = request.args.get("before")
    if before is not None and not before.isdigit():
        raise ApiProblem(422, "Unprocessable Content", "Invalid cursor.", {"before": ["An event number."]})
    page = audit_log.list_chapter_events(g.api_user, visible_chapter(slug), int(before) if before else None)
    return {"items": [{"id": e.id, "occurred_at": iso(e.occurred_at), "actor": e.actor_id, "kind": e.kind,
                       "subject": e.subject, "data": e.data, "prev_hash": e.prev_hash, "hash": e.hash}
                      for e in page.events],
            "next": url_for("api.audit_events", slug=slug, before=page.next_before, _external=True)
            if page.next_before else None}


@bp.post("/chapters/<slug>/comments/<int:comment_id>/hide")
@token_required
def comment_hide(slug: str, comment_id: int):
    data = body_of({"reason": (str, 300)})
    comment = deliberation.hide_comment(g.api_user, visible_chapter(slug), comment_id, data["reason"])
    return {"id": comment.id, "hidden_reason": comment.hidden_reason, "hidden_at": iso(comment.hidden_at)}


@bp.get("/chapters/<slug>/referenda/<int:referendum_id>/board")
@optional_token
def board_lookup(slug: str, referendum_id: int):
    """Is the ballot with this tracker in the count? (?tracker=…; after certification)"""
    return {"counted": results.find_tracker(g.api_user, visible_chapter(slug), referendum_id,
                                            request.args.get("tracker", ""))}


@bp.get("/chapters/<slug>/roster")
@token_required
def roster_list(slug: str):
    page = roster.list_roster(g.api_user, visible_chapter(slug), page=request.args.get("page", 1, type=int))
    return {"page": page.page, "pages": page.pages, "total": page.total, "items": [
        {"id": m.id, "name": m.user.name, "email": m.user.email, "standing": m.standing.value,
         "roles": [r.value for r in m.roles], "office": m.office, "account": m.user.has_account}
        for m in page.memberships]}


@bp.post("/chapters/<slug>/roster")
@token_required
def roster_import(slug: str):
    """The national export as the body (text/csv); ?preview=1 shows the counts and saves nothing."""
    chapter = visible_chapter(slug)
    data = request.get_data(cache=False)
    if request.args.get("preview") == "1":
        plan = roster.preview_roster_import(g.api_user, chapter, data)
        return {"preview": True, "counts": plan.counts}
    try:
        plan = roster.import_roster(g.api_user, chapter, data)
    except roster.RosterInvalid as exc:
        raise ApiProblem(422, "Unprocessable Content", exc.message,
                         {f"line {line}": [message] for line, message in exc.problems})
    return {"preview": False, "counts": plan.counts}


@bp.post("/chapters/<slug>/proposals/<int:proposal_id>/amendments")
@token_required
def amendment_create(slug: str, proposal_id: int):
    data = body_of({"kind": (str, 20), "option": (str, 120), "label": (str, 120), "directive": (str, 2000),
                    "reason": (str, 20_000)}, optional=("option", "label", "reason"))
    if data["kind"] not in AmendmentKind._value2member_map_:
        raise ApiProblem(422, "Unprocessable Content", "Invalid kind.",
                         {"kind": ["change_directive or new_option."]})
    chapter = visible_chapter(slug)
    proposal = proposals.get_proposal(g.api_user, chapter, proposal_id).proposal
    option_id = next((o.id for o in proposal.options if o.label == data.get("option")), None)
    amendment = amendments.propose_amendment(g.api_user, chapter, proposal_id, amendments.AmendmentDraft(
        AmendmentKind(data["kind"]), option_id, data.get("label", ""), data["directive"], data.get("reason", "")))
    return {"id": amendment.id, "state": amendment.state.value, "label": amendment.label}, 201


@bp.post("/chapters/<slug>/amendments/<int:amendment_id>/<any(accept, decline, sign):action>")
@token_required
def amendment_action(slug: str, amendment_id: int, action: str):
    chapter = visible_chapter(slug)
    if action == "sign":
        amendment = amendments.cosign_amendment(g.api_user, chapter, amendment_id)
    else:
        amendment = amendments.decide_amendment(g.api_user, chapter, amendment_id, accept=action == "accept")
    return {"id": amendment.id, "state": amendment.state.value}
