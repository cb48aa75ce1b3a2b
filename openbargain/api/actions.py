"""Writing through the API: proposals, comments, scheduling, results, reports, bargaining."""
from __future__ import annotations

from datetime import date, datetime, time

from flask import g

from openbargain.api import bp
from openbargain.api.auth import optional_token, token_required
from openbargain.api.errors import ApiProblem
from openbargain.api.resources import visible_chapter, iso, mandate_json, proposal_json
from openbargain.api.schemas import body_of
from openbargain.models import BallotKind, ReportOutcome, Stance, Visibility
from openbargain.services import bargaining, deliberation, mandates, proposals, referenda, results


def _date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiProblem(422, "Unprocessable Content", "Invalid date.", {field: ["Use YYYY-MM-DD."]})


def _clock_time(value: str | None) -> time | None:
    if value is None:
        return None
    try:
        if len(value) != 5:
            raise ValueError(value)
        return time.fromisoformat(value)
    except ValueError:
        raise ApiProblem(422, "Unprocessable Content", "Invalid time of day.", {"deadline_time": ["Use HH:MM."]})


def _moment(value: str | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ApiProblem(422, "Unprocessable Content", "Invalid time.",
                         {field: ["Use ISO 8601 with a zone, e.g. 2026-12-01T18:00:00Z."]})
    return moment


def _choice(value: str, allowed: type, field: str):
    if value not in allowed._value2member_map_:
        raise ApiProblem(422, "Unprocessable Content", f"Invalid {field}.",
                         {field: [f"One of {', '.join(allowed._value2member_map_)}."]})
    return allowed(value)


def _proposal_draft() -> proposals.ProposalDraft:
    data = body_of({"title": (str, 200), "body": (str, 20_000), "decision": (str, 20_000), "deadline": (str, 10),
                    "deadline_time": (str, 5), "ballot_kind": (str, 10), "visibility": (str, 10), "electeds": (list, 20),
                    "adopted_directive": (str, 2000), "rejected_directive": (str, 2000),
                    "fallback_directive": (str, 2000), "options": (list, 12), "option_directives": (list, 12)},
                   optional=("body", "deadline_time", "adopted_directive", "rejected_directive", "fallback_directive",
                             "options", "option_directives", "visibility"))
    if not all(str(e).isdigit() for e in data["electeds"]):
        raise ApiProblem(422, "Unprocessable Content", "Invalid electeds.", {"electeds": ["Membership ids."]})
    labels, directives = data.get("options", []), data.get("option_directives", [])
    if len(labels) != len(directives):
        raise ApiProblem(422, "Unprocessable Content", "Options and directives differ in number.",
                         {"options": ["Give one directive per option."]})
    return proposals.ProposalDraft(
        title=data["title"], body=data.get("body", ""), decision=data["decision"],
        deadline=_date(data["deadline"], "deadline"), ballot_kind=_choice(data["ballot_kind"], BallotKind, "ballot_kind"),
        visibility=_choice(data.get("visibility", "members"), Visibility, "visibility"),
        deadline_time=_clock_time(data.get("deadline_time")), elected_ids=[int(e) for e in data["electeds"]],
        adopted_directive=data.get("adopted_directive", ""), rejected_directive=data.get("rejected_directive", ""),
        fallback_directive=data.get("fallback_directive", ""),
        options=[proposals.OptionDraft(label, directive) for label, directive in zip(labels, directives)])


@bp.post("/chapters/<slug>/proposals")
@token_required
def proposal_create(slug: str):
    return proposal_json(proposals.draft_proposal(g.api_user, visible_chapter(slug), _proposal_draft())), 201


@bp.put("/chapters/<slug>/proposals/<int:proposal_id>")
@token_required
def proposal_update(slug: str, proposal_id: int):
    """The whole proposal, as when drafting; refused from the moment a vote is scheduled."""
    return proposal_json(proposals.update_proposal(g.api_user, visible_chapter(slug), proposal_id, _proposal_draft()))


@bp.post("/chapters/<slug>/proposals/<int:proposal_id>/publish")
@token_required
def proposal_publish(slug: str, proposal_id: int):
    return proposal_json(proposals.publish_proposal(g.api_user, visible_chapter(slug), proposal_id))


@bp.post("/chapters/<slug>/proposals/<int:proposal_id>/comments")
@token_required
def comment_create(slug: str, proposal_id: int):
    data = body_of({"stance": (str, 10), "body": (str, 10_000), "parent_id": (int, 0)}, optional=("parent_id",))
    comment = deliberation.post_comment(g.api_user, visible_chapter(slug), proposal_id,
                                        _choice(data["stance"], Stance, "stance"), data["body"], data.get("parent_id"))
    return {"id": comment.id, "stance": comment.stance.value, "parent_id": comment.parent_id,
            "created_at": iso(comment.created_at)}, 201


def _schedule() -> referenda.Schedule:
    data = body_of({"method": (str, 20), "opens_at": (str, 40), "closes_at": (str, 40), "quorum_percent": (int, 0),
                    "secret": (bool, 0), "threshold": (str, 20), "seats": (int, 0)},
                   optional=("secret", "threshold", "seats"))
    return referenda.Schedule(method=data["method"], opens_at=_moment(data["opens_at"], "opens_at"),
                              closes_at=_moment(data["closes_at"], "closes_at"),
                              quorum_percent=data["quorum_percent"], secret=bool(data.get("secret", True)),
                              threshold=data.get("threshold"), seats=data.get("seats", 1))


@bp.post("/chapters/<slug>/proposals/<int:proposal_id>/referendum")
@token_required
def referendum_schedule(slug: str, proposal_id: int):
    chapter = visible_chapter(slug)
    r = referenda.schedule_referendum(g.api_user, chapter, proposal_id, _schedule())
    return {"id": r.id, "opens_at": iso(r.opens_at), "closes_at": iso(r.closes_at),
            "warnings": referenda.schedule_warnings(chapter, r.proposal, r)}, 201


@bp.put("/chapters/<slug>/referenda/<int:referendum_id>")
@token_required
def referendum_reschedule(slug: str, referendum_id: int):
    chapter = visible_chapter(slug)
    r = referenda.reschedule_referendum(g.api_user, chapter, referendum_id, _schedule())
    return {"id": r.id, "opens_at": iso(r.opens_at), "closes_at": iso(r.closes_at),
            "warnings": referenda.schedule_warnings(chapter, r.proposal, r)}


@bp.get("/chapters/<slug>/referenda/<int:referendum_id>/result")
@optional_token
def result(slug: str, referendum_id: int):
    view = results.get_result(g.api_user, visible_chapter(slug), referendum_id)
    r = view.result
    return {"outcome": r.outcome, "winners": r.winners, "ballots_cast": r.ballots_cast, "roll_size": r.roll_size,
            "quorum_met": r.quorum_met, "ballot_set_hash": r.ballot_set_hash, "board_hash": r.board_hash,
            "certified_at": iso(r.certified_at), "audit_checkpoint": f"{r.audit_head}@{r.audit_length}",
            "tally": r.tally}


@bp.get("/chapters/<slug>/referenda/<int:referendum_id>/export")
@optional_token
def export(slug: str, referendum_id: int):
    return results.export(g.api_user, visible_chapter(slug), referendum_id)


@bp.post("/chapters/<slug>/mandates/<int:mandate_id>/reports")
@token_required
def report_create(slug: str, mandate_id: int):
    data = body_of({"outcome": (str, 10), "statement": (str, 20_000), "evidence_url": (str, 500),
                    "acted_on": (str, 10), "corrects_id": (int, 0)}, optional=("evidence_url", "corrects_id"))
    report = mandates.file_report(g.api_user, visible_chapter(slug), mandate_id, mandates.ReportDraft(
        _choice(data["outcome"], ReportOutcome, "outcome"), data["statement"], data.get("evidence_url", ""),
        _date(data["acted_on"], "acted_on"), data.get("corrects_id")))
    return {"id": report.id, "outcome": report.outcome.value, "filed_at": iso(report.filed_at),
            "mandate": mandate_json(report.mandate)}, 201


@bp.post("/chapters/<slug>/bargaining")
@token_required
def bargaining_create(slug: str):
    data = body_of({"met_on": (str, 10), "counterparty": (str, 200), "offered": (str, 20_000),
                    "demanded": (str, 20_000), "threatened": (str, 20_000), "notes": (str, 20_000),
                    "proposal_id": (int, 0), "embargo_until": (str, 40), "embargo_until_vote": (bool, 0),
                    "corrects_id": (int, 0)},
                   optional=("offered", "demanded", "threatened", "notes", "proposal_id", "embargo_until",
                             "embargo_until_vote", "corrects_id"))
    update = bargaining.post_update(g.api_user, visible_chapter(slug), bargaining.UpdateDraft(
        met_on=_date(data["met_on"], "met_on"), counterparty=data["counterparty"], offered=data.get("offered", ""),
        demanded=data.get("demanded", ""), threatened=data.get("threatened", ""), notes=data.get("notes", ""),
        proposal_id=data.get("proposal_id"), embargo_until=_moment(data.get("embargo_until"), "embargo_until"),
        embargo_until_vote=bool(data.get("embargo_until_vote", False)), corrects_id=data.get("corrects_id")))
    # The real release: when the embargo ends or the vote opens, whichever is first (null: when the
    # proposal's vote, not yet scheduled, opens).
    return {"id": update.id, "recorded_at": iso(update.recorded_at), "embargo_until": iso(update.embargo_until),
            "embargo_until_vote": update.embargo_until_vote, "released_at": iso(bargaining.release_time(update))}, 201


@bp.post("/chapters/<slug>/bargaining/<int:update_id>/links")
@token_required
def bargaining_link(slug: str, update_id: int):
    data = body_of({"proposal_id": (int, 0)})
    link = bargaining.link_update(g.api_user, visible_chapter(slug), update_id, data["proposal_id"])
    return {"update_id": link.update_id, "proposal_id": link.proposal_id, "linked_at": iso(link.linked_at)}, 201
