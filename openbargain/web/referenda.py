"""Votes: scheduling, the ballot (review, then cast), results, the bulletin board, the calendar."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required

from openbargain import policy
from openbargain.models import BallotKind, Chapter, Referendum, ReferendumStatus
from openbargain.services import access, calendar, casting, chapters, due, nudges, paper, proposals, referenda, results
from openbargain.services.errors import DomainError, InvalidTransition, ValidationFailed
from openbargain.web import charts
from openbargain.web.csvsafe import csv_response
from openbargain.web.feedback import confirm_with_reason, flash_refusal, submit
from openbargain.web.forms import ActionForm, ScheduleForm, YesNoBallotForm
from openbargain.web.timezones import local, to_local_naive, to_utc

bp = Blueprint("referenda", __name__, url_prefix="/c/<slug>")


def _schedule(form: ScheduleForm, chapter: Chapter) -> referenda.Schedule:
    return referenda.Schedule(
        method=form.method.data, opens_at=to_utc(form.opens_at.data, chapter),
        closes_at=to_utc(form.closes_at.data, chapter), quorum_percent=form.quorum_percent.data,
        secret=form.secret.data != "roll_call", threshold=form.threshold.data if "threshold" in form else None,
        seats=(form.seats.data or 1) if "seats" in form else 1)


def _offer(form: ScheduleForm, chapter: Chapter, proposal) -> None:
    """Only the methods this proposal can be decided by, and the earliest opening the bylaws allow."""
    allowed = referenda.methods_for(proposal)
    form.method.choices = [c for c in form.method.choices if c.value in allowed]
    del form[("seats" if proposal.ballot_kind == BallotKind.YES_NO else "threshold")]  # fields by kind
    earliest = referenda.earliest_allowed(chapter, proposal)
    form.opens_at.description = gettext("The earliest the bylaws allow: %(moment)s.", moment=local(earliest, chapter))


def _fill(form: ScheduleForm, schedule: Referendum | referenda.Schedule, chapter: Chapter) -> None:
    form.method.data = schedule.method
    if "threshold" in form:
        form.threshold.data = schedule.threshold or "majority"
    if "seats" in form:
        form.seats.data = schedule.seats
    form.quorum_percent.data = schedule.quorum_percent
    form.opens_at.data = to_local_naive(schedule.opens_at, chapter)
    form.closes_at.data = to_local_naive(schedule.closes_at, chapter)
    form.secret.data = "secret" if schedule.secret else "roll_call"


@bp.route("/proposals/<int:proposal_id>/schedule", methods=["GET", "POST"])
@login_required
def schedule(slug: str, proposal_id: int):
    chapter = chapters.get_chapter(slug)
    view = proposals.get_proposal(current_user, chapter, proposal_id)
    access.require(policy.can_schedule(current_user, view.membership), view.membership,
                   gettext("Only the steering committee schedules votes."))
    form = ScheduleForm()
    _offer(form, chapter, view.proposal)
    warnings: list[str] = []
    if request.method == "GET":
        default = referenda.default_schedule(chapter, view.proposal)
        _fill(form, default, chapter)
        warnings = referenda.schedule_warnings(chapter, view.proposal, default)
    elif form.validate_on_submit():
        followed = submit(
            form, lambda: referenda.schedule_referendum(current_user, chapter, proposal_id, _schedule(form, chapter)),
            success=gettext("The vote is scheduled."),
            done=lambda r: url_for("referenda.show", slug=slug, referendum_id=r.id),
            refused=url_for("proposals.show", slug=slug, proposal_id=proposal_id))
        if followed:
            return followed
    return render_template("referenda/schedule.html", chapter=chapter, membership=view.membership,
                           proposal=view.proposal, form=form, referendum=None, warnings=warnings), \
        422 if form.errors else 200


def _settled_chapter(slug: str):
    """The chapter, with what its votes have made due done first (a roll frozen, a count certified)."""
    chapter = chapters.get_chapter(slug)
    due.settle_due(chapter)
    return chapter


@bp.get("/referenda/<int:referendum_id>")
def show(slug: str, referendum_id: int):
    chapter = _settled_chapter(slug)
    view = referenda.get_referendum(current_user, chapter, referendum_id)
    running = view.status != ReferendumStatus.SCHEDULED
    return render_template("referenda/show.html", chapter=chapter, membership=view.membership, view=view,
                           referendum=view.referendum, proposal=view.proposal, action_form=ActionForm(),
                           warnings=referenda.schedule_warnings(chapter, view.proposal, view.referendum),
                           turnout=nudges.turnout(view.referendum) if running else None,
                           reminder_refusal=nudges.reminder_refusal(view.referendum),
                           revoting=access.bylaws_of(chapter).revoting,
                           paper_desk=referendum_id if paper.may_see_paper(current_user, chapter, referendum_id) else None)


@bp.post("/referenda/<int:referendum_id>/remind")
@login_required
def remind(slug: str, referendum_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    chapter = _settled_chapter(slug)
    back = url_for("referenda.show", slug=slug, referendum_id=referendum_id)
    return submit(None, lambda: nudges.send_reminder(current_user, chapter, referendum_id),
                  success=lambda sent: ngettext("Reminded %(num)d member who had not voted.",
                                                "Reminded %(num)d members who had not voted.", sent.reminded),
                  done=lambda _: back, refused=back)


@bp.route("/referenda/<int:referendum_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(slug: str, referendum_id: int):
    chapter = _settled_chapter(slug)
    view = referenda.get_referendum(current_user, chapter, referendum_id)
    access.require(policy.can_schedule(current_user, view.membership), view.membership,
                   gettext("Only the steering committee schedules votes."))
    if view.status != ReferendumStatus.SCHEDULED:
        flash(gettext("The vote has opened: its method, parameters and times can no longer change."), "error")
        return redirect(url_for("referenda.show", slug=slug, referendum_id=referendum_id))
    form = ScheduleForm()
    _offer(form, chapter, view.proposal)
    if request.method == "GET":
        _fill(form, view.referendum, chapter)
    elif form.validate_on_submit():
        back = url_for("referenda.show", slug=slug, referendum_id=referendum_id)
        followed = submit(
            form, lambda: referenda.reschedule_referendum(current_user, chapter, referendum_id,
                                                          _schedule(form, chapter)),
            success=gettext("The vote is rescheduled."), done=lambda _: back, refused=back)
        if followed:
            return followed
    return render_template("referenda/schedule.html", chapter=chapter, membership=view.membership,
                           proposal=view.proposal, form=form, referendum=view.referendum,
                           warnings=referenda.schedule_warnings(chapter, view.proposal, view.referendum)), \
        422 if form.errors else 200


@bp.route("/referenda/<int:referendum_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(slug: str, referendum_id: int):
    """A confirmation with the public reason, as for withdrawing a proposal."""
    chapter = _settled_chapter(slug)
    view = referenda.get_referendum(current_user, chapter, referendum_id)
    access.require(policy.can_schedule(current_user, view.membership), view.membership,
                   gettext("Only the steering committee cancels votes."))
    here = url_for("referenda.show", slug=slug, referendum_id=referendum_id)
    if view.status != ReferendumStatus.SCHEDULED:
        flash(gettext("The vote has opened: it can no longer be cancelled."), "error")
        return redirect(here)
    return confirm_with_reason(
        lambda reason: referenda.cancel_referendum(current_user, chapter, referendum_id, reason),
        success=gettext("The vote is cancelled; the proposal is back in deliberation and your reason is published on "
                        "it."),
        done=lambda proposal: url_for("proposals.show", slug=slug, proposal_id=proposal.id), back=here,
        chapter=chapter, membership=view.membership, proposal=view.proposal, heading=gettext("Cancel this vote"),
        confirm=gettext("Cancel the vote"),
        consequence=gettext("The vote will not open; the proposal goes back to deliberation, and a new vote must be "
                            "scheduled to decide it."))


# --- the ballot -----------------------------------------------------------------------------

def _revoting() -> bool:
    """Whether the member is voting again: asked for by the page's address, carried by the forms
    as the tracker code (posted, never in an address)."""
    return request.args.get("revote") == "1" or "tracker" in request.form


def _ballot_view(slug: str, referendum_id: int):
    chapter = _settled_chapter(slug)
    view = referenda.get_referendum(current_user, chapter, referendum_id)
    try:
        if _revoting():
            casting.check_may_revote(view.status, view.my_entry, access.bylaws_of(chapter).revoting)
        else:
            casting.check_may_cast(view.status, view.my_entry)
    except DomainError as exc:
        flash_refusal(exc)
        return chapter, view, redirect(url_for("referenda.show", slug=slug, referendum_id=referendum_id))
    return chapter, view, None


def _submitted(view) -> dict:
    """The ballot as the form sent it: a choice, or a rank per option (fields rank-0, rank-1, …)."""
    if not view.referendum.ranked:
        return {"choice": request.form.get("choice")}
    labels = [o.label for o in view.proposal.options]
    ranks: dict[str, str] = {}
    for key, value in request.form.items():
        if not key.startswith("rank-"):
            continue
        index = key.removeprefix("rank-")
        if not index.isdigit() or int(index) >= len(labels):
            raise ValidationFailed.on("ranking", gettext("The ballot names an option that is not on it."))
        ranks[labels[int(index)]] = value
    return {"ranks": ranks}


def _ballot_page(chapter, view, errors: list[str] | None = None, status: int = 200, submitted: dict | None = None):
    form = YesNoBallotForm() if not view.referendum.ranked else ActionForm()
    return render_template("referenda/ballot.html", chapter=chapter, membership=view.membership, view=view,
                           referendum=view.referendum, proposal=view.proposal, form=form, errors=errors or [],
                           submitted=submitted or {}, meanings=casting.choice_meanings(view.proposal),
                           revoting=_revoting(), tracker=request.form.get("tracker", "")), status


@bp.route("/referenda/<int:referendum_id>/ballot", methods=["GET", "POST"])
@login_required
def ballot(slug: str, referendum_id: int):
    """The ballot; posted to from the review's "Change it", it comes back with the choices made
    (posted, not in the address: a ballot's content never lands in a URL or a log)."""
    chapter, view, refusal = _ballot_view(slug, referendum_id)
    if refusal:
        return refusal
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        ranking = request.form.getlist("ranking")
        kept = {"ranks": {label: str(i) for i, label in enumerate(ranking, start=1)}} if view.referendum.ranked \
            else {"choice": request.form.get("choice")}
        return _ballot_page(chapter, view, submitted=kept)
    return _ballot_page(chapter, view)


@bp.post("/referenda/<int:referendum_id>/ballot/review")
@login_required
def review(slug: str, referendum_id: int):
    chapter, view, refusal = _ballot_view(slug, referendum_id)
    if refusal:
        return refusal
    if not ActionForm().validate_on_submit():
        abort(400)
    submitted: dict = {}
    try:
        submitted = _submitted(view)
        content = casting.ballot_content(view.referendum, [o.label for o in view.proposal.options], **submitted)
        tracker = casting.normalise_tracker(request.form["tracker"]) if _revoting() else None
    except ValidationFailed as exc:
        return _ballot_page(chapter, view, [m for ms in exc.errors.values() for m in ms], 422, submitted)
    ranked = content.get("ranking")
    unranked = [o.label for o in view.proposal.options if ranked is not None and o.label not in ranked]
    return render_template("referenda/review.html", chapter=chapter, membership=view.membership, view=view,
                           referendum=view.referendum, proposal=view.proposal, content=content,
                           summary=casting.describe(content, view.proposal), unranked=unranked,
                           action_form=ActionForm(), tracker=tracker, bylaws=access.bylaws_of(chapter))


@bp.post("/referenda/<int:referendum_id>/ballot/cast")
@login_required
def cast(slug: str, referendum_id: int):
    chapter = chapters.get_chapter(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    content = {"choice": request.form.get("choice")} if "choice" in request.form \
        else {"ranking": request.form.getlist("ranking")}
    if _revoting():
        tracker = request.form["tracker"]
        return submit(None, lambda: casting.revote(current_user, chapter, referendum_id, tracker, content),
                      success="", done=lambda receipt: _receipt(chapter, referendum_id, receipt, content),
                      refused=url_for("referenda.show", slug=slug, referendum_id=referendum_id))
    return submit(None, lambda: casting.cast_ballot(current_user, chapter, referendum_id, content), success="",
                  done=lambda receipt: _receipt(chapter, referendum_id, receipt, content),
                  refused=url_for("referenda.show", slug=slug, referendum_id=referendum_id))


def _receipt(chapter, referendum_id: int, receipt: casting.Receipt, content: dict):
    """Said only now that the ballot is committed. The tracker is shown once and kept nowhere; the
    ballot is repeated to the voter who just cast it, from their own request."""
    proposal = referenda.get_referendum(current_user, chapter, referendum_id).proposal
    response = make_response(render_template("referenda/receipt.html", chapter=chapter,
                                             membership=access.membership_of(current_user, chapter),
                                             referendum_id=referendum_id, receipt=receipt,
                                             summary=casting.describe(content, proposal), action_form=ActionForm(),
                                             bylaws=access.bylaws_of(chapter)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/referenda/<int:referendum_id>/tracker.txt")
@login_required
def tracker_file(slug: str, referendum_id: int):
    """The receipt's "save it as a file": the code comes back from the voter's own page (it is kept
    nowhere), as a text file with what it is for. Nothing is recorded."""
    if not ActionForm().validate_on_submit():
        abort(400)
    chapter = chapters.get_chapter(slug)
    proposal = referenda.get_referendum(current_user, chapter, referendum_id).proposal
    try:
        code = casting.normalise_tracker(request.form.get("tracker", ""))
    except ValidationFailed as exc:
        abort(400, exc.message)
    board = url_for("referenda.bulletin_board", slug=slug, referendum_id=referendum_id, _external=True)
    text = (gettext("Your tracker code for the vote on “%(title)s” (%(chapter)s):", title=proposal.title,
                    chapter=chapter.name) + f"\n\n    {casting.grouped(code)}\n\n"
            + gettext("After the count, check that your ballot was counted here:") + f"\n{board}\n")
    return Response(text, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="tracker-{slug}-{referendum_id}.txt"',
        "Cache-Control": "no-store"})


# --- calendar -------------------------------------------------------------------------------

@bp.get("/calendar")
def calendar_page(slug: str):
    chapter = chapters.get_chapter(slug)
    agenda = calendar.agenda(current_user, chapter)
    membership = access.membership_of(current_user, chapter)
    key = calendar.feed_key(current_user, chapter) if policy.is_chapter_insider(membership) else None
    feed_url = url_for("referenda.calendar_feed", slug=slug, key=key, _external=True)
    return render_template("referenda/calendar.html", chapter=chapter, membership=membership, agenda=agenda,
                           feed_url=feed_url, webcal_url="webcal://" + feed_url.split("://", 1)[1],
                           link=lambda item: agenda_link(slug, *item.link))


LINKS = {"referendum": ("referenda.show", "referendum_id"), "proposal": ("proposals.show", "proposal_id"),
         "meeting": ("meetings.show", "meeting_id"),
         "mandate": ("accountability.mandate", "mandate_id"), "result": ("referenda.result", "referendum_id")}


def agenda_link(slug: str, kind: str, item_id: int, **options) -> str:
    endpoint, argument = LINKS[kind]
    return url_for(endpoint, slug=slug, **{argument: item_id}, **options)


@bp.get("/calendar.ics")
def calendar_feed(slug: str):
    chapter = chapters.get_chapter(slug)
    body = calendar.feed(chapter, request.args.get("key"),
                         lambda kind, item_id: agenda_link(slug, kind, item_id, _external=True))
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": f'inline; filename="{slug}.ics"'})


# --- results and the bulletin board -----------------------------------------------------------

@bp.get("/referenda/<int:referendum_id>/result")
def result(slug: str, referendum_id: int):
    chapter = _settled_chapter(slug)
    try:
        view = results.get_result(current_user, chapter, referendum_id)
    except InvalidTransition as exc:
        flash(exc.message, "info")
        return redirect(url_for("referenda.show", slug=slug, referendum_id=referendum_id))
    return render_template("referenda/result.html", chapter=chapter, membership=view.membership, view=view,
                           referendum=view.referendum, proposal=view.proposal, result=view.result,
                           sentence=results.outcome_sentence(view.result, view.referendum),
                           charts=charts.round_charts(view.result.tally, binding=view.result.outcome != "no_decision"),
                           describe=casting.describe,
                           withheld=results.withheld_reason(view.result),
                           narrative=results.narrative(view.result), turnout=nudges.turnout(view.referendum))


@bp.get("/referenda/<int:referendum_id>/board")
def bulletin_board(slug: str, referendum_id: int):
    chapter = _settled_chapter(slug)
    code = request.args.get("tracker", "")
    found: str | None = None
    error = None
    try:
        view = results.get_result(current_user, chapter, referendum_id)
        if code:
            found = results.find_tracker(current_user, chapter, referendum_id, code)
    except InvalidTransition as exc:
        flash(exc.message, "info")
        return redirect(url_for("referenda.show", slug=slug, referendum_id=referendum_id))
    except ValidationFailed as exc:
        error = exc.errors["tracker"][0]
    status = 422 if error else 200
    return render_template("referenda/board.html", chapter=chapter, membership=view.membership, view=view,
                           referendum=view.referendum, proposal=view.proposal, result=view.result,
                           code=code[:100], found=found, error=error,
                           withheld=results.withheld_reason(view.result)), status


@bp.get("/referenda/<int:referendum_id>/export.json")
def export_json(slug: str, referendum_id: int):
    """The stored recount document, as it was written once: an unchanged copy answers 304."""
    stored = _once_certified(slug, lambda chapter: results.export_file(current_user, chapter, referendum_id))
    response = Response(stored.document, mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="referendum-{referendum_id}.json"'})
    response.set_etag(stored.digest)
    return response.make_conditional(request)


@bp.get("/referenda/<int:referendum_id>/<any(trackers, ballots):part>.csv")
def export_csv(slug: str, referendum_id: int, part: str):
    document = _export(slug, referendum_id)
    filename = f"referendum-{referendum_id}-{part}.csv"
    if part == "trackers":
        return csv_response(["tracker_sha256"], ([t] for t in document["trackers"]), filename)
    if document["ballots_withheld"]:
        abort(404, document["ballots_withheld"])
    if document["referendum"]["method"] != "yes_no":
        return csv_response(["ranking"], (c["ranking"] for c in document["ballots"]), filename)
    return csv_response(["choice"], ([c["choice"]] for c in document["ballots"]), filename)


@bp.get("/referenda/<int:referendum_id>/ballots.blt")
def export_blt(slug: str, referendum_id: int):
    """A certified ranked result's ballots as a BLT file, for any other STV software to recount."""
    text = _once_certified(slug, lambda chapter: results.export_blt(current_user, chapter, referendum_id))
    return Response(text, mimetype="text/plain",
                    headers={"Content-Disposition": f'attachment; filename="referendum-{referendum_id}.blt"'})


def _export(slug: str, referendum_id: int) -> dict:
    return _once_certified(slug, lambda chapter: results.export(current_user, chapter, referendum_id))


def _once_certified(slug: str, read):
    """A download that exists once the count is certified: before that, 409 with the reason."""
    try:
        return read(_settled_chapter(slug))
    except InvalidTransition as exc:
        abort(409, exc.message)
