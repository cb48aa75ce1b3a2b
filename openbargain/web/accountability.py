"""Mandates, compliance reports, the open bargaining log, scorecards and the public feed."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required

from openbargain import policy
from openbargain.models import Chapter, Rating, ReportOutcome, ReportReview, Stance
from openbargain.models.roll_call import Position, Source
from openbargain.services import (
    access,
    bargaining,
    bargaining_sessions,
    chapters,
    committee,
    deliberation,
    escalations,
    feed,
    follows,
    mandates,
    periods,
    proposals,
    roll_calls,
    scorecards,
    verdicts,
)
from openbargain.web.feedback import submit
from openbargain.services.roll_call_formats import CSV_COLUMNS
from openbargain.web.forms import (
    ActionForm,
    AnswerForm,
    BillLinkForm,
    ConfirmRecordForm,
    ImportVotesForm,
    SourceIdForm,
    CommentForm,
    EntryForm,
    LinkForm,
    ReportForm,
    ReviewForm,
    SupersedeForm,
    VerdictForm,
)
from openbargain.web.timezones import local, to_utc

bp = Blueprint("accountability", __name__, url_prefix="/c/<slug>")


def _mandate_page(chapter: Chapter, mandate_id: int, report_form: ReportForm | None = None,
                  verdict_form: VerdictForm | None = None, bill_form: BillLinkForm | None = None, status: int = 200):
    view = mandates.get_mandate(current_user, chapter, mandate_id)
    supersede = SupersedeForm()
    supersede.by_proposal_id.choices = [c for c in proposals.proposal_titles(chapter, decided_only=True)
                                        if c[0] != view.mandate.proposal_id]
    form = report_form or ReportForm()
    # A standing mandate takes a new period's report once the period reported last is over.
    new_period = view.mandate.standing and (not view.reports or
                                            view.reports[-1].period_ending < periods.chapter_today(chapter))
    if view.reports and report_form is None and not new_period:
        form.corrects_id.data = view.reports[-1].id
    return render_template("accountability/mandate.html", chapter=chapter, membership=view.membership, view=view,
                           mandate=view.mandate, report_form=form, review_form=ReviewForm(),
                           supersede_form=supersede, action_form=ActionForm(), now=mandates.now(),
                           verdicts=verdicts.verdicts_of(view.mandate), verdict_form=verdict_form or VerdictForm(),
                           record=roll_calls.record_of(view.mandate), bill_form=bill_form or BillLinkForm(),
                           bylaws=access.bylaws_of(chapter), answer_form=AnswerForm(),
                           rungs=escalations.ladder_of(current_user, chapter, view.mandate),
                           confirm_form=ConfirmRecordForm(), new_period=new_period), status


@bp.get("/mandates/<int:mandate_id>")
def mandate(slug: str, mandate_id: int):
    return _mandate_page(chapters.get_chapter(slug), mandate_id)


def _back(slug: str, mandate_id: int, action, success: str):
    """A one-button action on a mandate's page: back to it, told how it went."""
    back = url_for("accountability.mandate", slug=slug, mandate_id=mandate_id)
    return submit(None, action, success=success, done=lambda _: back, refused=back)


@bp.post("/mandates/<int:mandate_id>/acknowledge")
@login_required
def acknowledge(slug: str, mandate_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    chapter = chapters.get_chapter(slug)
    return _back(slug, mandate_id, lambda: mandates.acknowledge_mandate(current_user, chapter, mandate_id),
                 gettext("Mandate acknowledged."))


@bp.post("/mandates/<int:mandate_id>/reports")
@login_required
def report(slug: str, mandate_id: int):
    chapter = chapters.get_chapter(slug)
    form = ReportForm()
    if form.validate_on_submit():
        draft = mandates.ReportDraft(ReportOutcome(form.outcome.data), form.statement.data or "",
                                     form.evidence_url.data or "", form.acted_on.data, form.corrects_id.data)
        back = url_for("accountability.mandate", slug=slug, mandate_id=mandate_id)
        followed = submit(form, lambda: mandates.file_report(current_user, chapter, mandate_id, draft),
                          success=gettext("Report filed. Members can read and discuss it; steering will verify it."),
                          done=lambda _: back, refused=back)
        if followed:
            return followed
    return _mandate_page(chapter, mandate_id, form, status=422)


@bp.post("/mandates/<int:mandate_id>/verdicts")
@login_required
def rate(slug: str, mandate_id: int):
    chapter = chapters.get_chapter(slug)
    form = VerdictForm()
    if form.validate_on_submit():
        draft = verdicts.VerdictDraft(Rating(form.rating.data), form.reasoning.data or "", form.evidence_url.data or "",
                                      form.evidence_quote.data or "")
        back = url_for("accountability.mandate", slug=slug, mandate_id=mandate_id) + "#verdict"
        followed = submit(form, lambda: verdicts.rate_mandate(current_user, chapter, mandate_id, draft),
                          success=gettext("Verdict recorded. The elected and their followers are told."),
                          done=lambda _: back, refused=back)
        if followed:
            return followed
    return _mandate_page(chapter, mandate_id, verdict_form=form, status=422)


@bp.post("/mandates/<int:mandate_id>/bills")
@login_required
def link_bill(slug: str, mandate_id: int):
    chapter = chapters.get_chapter(slug)
    form = BillLinkForm()
    if form.validate_on_submit():
        back = url_for("accountability.mandate", slug=slug, mandate_id=mandate_id) + "#record"
        followed = submit(form, lambda: roll_calls.link_bill(current_user, chapter, mandate_id, Source(form.source.data),
                                                             form.bill.data or "", Position(form.position.data)),
                          success=gettext("Linked. Roll calls on it, imported or to come, are matched against the "
                                          "mandate."), done=lambda _: back, refused=back)
        if followed:
            return followed
    return _mandate_page(chapter, mandate_id, bill_form=form, status=422)


def _record_back(slug: str, match) -> str:
    return url_for("accountability.mandate", slug=slug, mandate_id=match.mandate_id) + f"#record-{match.id}"


@bp.post("/records/<int:match_id>/confirm")
@login_required
def confirm_record(slug: str, match_id: int):
    chapter = chapters.get_chapter(slug)
    form = ConfirmRecordForm()
    if not form.validate_on_submit():
        abort(400)
    return submit(None, lambda: roll_calls.confirm_match(current_user, chapter, match_id, form.rating.data,
                                                         form.reasoning.data or ""),
                  success=gettext("Confirmed: the record is steering's verdict."),
                  done=lambda match: _record_back(slug, match), refused=_back_here(slug, "#record"))


@bp.post("/records/<int:match_id>/set-aside")
@login_required
def set_aside_record(slug: str, match_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    chapter = chapters.get_chapter(slug)
    return submit(None, lambda: roll_calls.set_aside_match(current_user, chapter, match_id),
                  success=gettext("Set aside."), done=lambda match: _record_back(slug, match),
                  refused=_back_here(slug, "#record"))


@bp.route("/roll-calls/import", methods=["GET", "POST"])
@login_required
def import_votes(slug: str):
    chapter = chapters.get_chapter(slug)
    membership = access.membership_of(current_user, chapter)
    access.require(policy.can_review_reports(current_user, membership), membership,
                   gettext("Only the steering committee imports roll calls."))
    form = ImportVotesForm()
    if form.validate_on_submit():
        source, raw = Source(form.source.data), form.file.data.read()
        followed = submit(form, lambda: roll_calls.import_file(current_user, chapter, source, raw),
                          success=lambda report: ngettext(
                              "%(num)d roll call imported (%(already)d already there); %(matches)d record to confirm.",
                              "%(num)d roll calls imported (%(already)d already there); %(matches)d records to confirm.",
                              report.roll_calls, already=report.already, matches=report.matches),
                          done=lambda _: url_for("accountability.overview", slug=slug))
        if followed:
            return followed
    return render_template("accountability/import_votes.html", chapter=chapter, membership=membership, form=form,
                           columns=", ".join(CSV_COLUMNS)), 422 if form.errors else 200


@bp.post("/electeds/<int:membership_id>/source-ids")
@login_required
def source_id(slug: str, membership_id: int):
    chapter = chapters.get_chapter(slug)
    form = SourceIdForm()
    back = url_for("accountability.scorecard", slug=slug, membership_id=membership_id) + "#source-ids"
    if not form.validate_on_submit():
        abort(400)
    return submit(None, lambda: roll_calls.set_source_id(current_user, chapter, membership_id, Source(form.source.data),
                                                         form.person_id.data or ""),
                  success=gettext("Saved. Roll calls already imported are matched against their mandates."),
                  done=lambda _: back, refused=back)


def _back_here(slug: str, anchor: str) -> str:
    """The chapter's page the form was posted from (its path alone: never another site), else the
    accountability page."""
    path = urlsplit(request.referrer or "").path
    return (path if path.startswith(f"/c/{slug}/") else url_for("accountability.overview", slug=slug)) + anchor


def _on_the_ladder(slug: str, action, success: str):
    """A step up the ladder from a mandate's page: back to its ladder, told how it went."""
    if not ActionForm().validate_on_submit():
        abort(400)
    back = _back_here(slug, "#ladder")
    return submit(None, action, success=success, done=lambda _: back, refused=back)


@bp.post("/escalations/<int:escalation_id>/proposal")
@login_required
def open_escalation(slug: str, escalation_id: int):
    chapter = chapters.get_chapter(slug)
    return _on_the_ladder(slug, lambda: escalations.open_accountability_proposal(
        current_user, chapter, escalation_id), gettext("The accountability proposal is open for deliberation."))


@bp.post("/escalations/<int:escalation_id>/sign")
@login_required
def sign_escalation(slug: str, escalation_id: int):
    chapter = chapters.get_chapter(slug)
    return _on_the_ladder(slug, lambda: escalations.sign_accountability_petition(
        current_user, chapter, escalation_id), gettext("Signed."))


@bp.post("/escalations/<int:escalation_id>/recall")
@login_required
def recall_escalation(slug: str, escalation_id: int):
    chapter = chapters.get_chapter(slug)
    return _on_the_ladder(slug, lambda: escalations.prepare_recall_petition(
        current_user, chapter, escalation_id), gettext("The recall petition is drawn up from the record."))


@bp.post("/escalations/<int:escalation_id>/answer")
@login_required
def answer_escalation(slug: str, escalation_id: int):
    chapter = chapters.get_chapter(slug)
    form = AnswerForm()
    back = _back_here(slug, "#ladder")
    if not form.validate_on_submit():
        abort(400)
    return submit(None, lambda: escalations.respond(current_user, chapter, escalation_id, form.response.data or ""),
                  success=gettext("Your answer is on the record."), done=lambda _: back, refused=back)


@bp.post("/reports/<int:report_id>/review")
@login_required
def review(slug: str, report_id: int):
    chapter = chapters.get_chapter(slug)
    form = ReviewForm()
    mandate_id = request.args.get("mandate", type=int) or 0
    if not form.validate_on_submit():
        abort(400)
    return _back(slug, mandate_id, lambda: mandates.review_report(current_user, chapter, report_id,
                                                                  ReportReview(form.review.data), form.note.data or ""),
                 gettext("Review recorded."))


@bp.post("/mandates/<int:mandate_id>/supersede")
@login_required
def supersede(slug: str, mandate_id: int):
    chapter = chapters.get_chapter(slug)
    form = SupersedeForm()
    form.by_proposal_id.choices = proposals.proposal_titles(chapter, decided_only=True)
    if not form.validate_on_submit():
        abort(400)
    return _back(slug, mandate_id, lambda: mandates.supersede_mandate(current_user, chapter, mandate_id,
                                                                      form.by_proposal_id.data or 0),
                 gettext("Mandate marked superseded."))


def _logged_message(entry, chapter: Chapter) -> str:
    """The confirmation says when the entry really becomes public."""
    if not entry.embargoed:
        return gettext("Logged. It is public now.")
    release = bargaining.release_time(entry)
    if release is None:
        return gettext("Logged. It stays under embargo until the vote on its proposal opens (no vote is scheduled yet).")
    return gettext("Logged. It stays under embargo until %(release)s.", release=local(release, chapter))


@bp.route("/bargaining/new", methods=["GET", "POST"])
@login_required
def new_entry(slug: str):
    chapter = chapters.get_chapter(slug)
    membership = access.membership_of(current_user, chapter)
    access.require(policy.can_log_bargaining_entry(current_user, membership), membership,
                   gettext("Only electeds log bargaining entries."))
    form = EntryForm()
    form.proposal_id.choices = [(0, "— my own log (public) —")] + proposals.proposal_titles(chapter)
    if request.method == "GET":
        form.proposal_id.data = request.args.get("proposal", 0, type=int)
        form.corrects_id.data = request.args.get("corrects", type=int)
    if form.validate_on_submit():
        draft = bargaining.EntryDraft(
            met_on=form.met_on.data, counterparty=form.counterparty.data or "", offered=form.offered.data or "",
            demanded=form.demanded.data or "", threatened=form.threatened.data or "", notes=form.notes.data or "",
            proposal_id=form.proposal_id.data or None, embargo_until=to_utc(form.embargo_until.data, chapter),
            embargo_until_vote=form.embargo_until_vote.data, corrects_id=form.corrects_id.data)
        followed = submit(form, lambda: bargaining.log_entry(current_user, chapter, draft),
                          success=lambda entry: _logged_message(entry, chapter),
                          done=lambda entry: url_for("accountability.entry", slug=slug, entry_id=entry.id))
        if followed:
            return followed
    return render_template("accountability/entry_form.html", chapter=chapter, membership=membership, form=form), \
        422 if form.errors else 200


def _discussion(chapter: Chapter, proposal_id: int | None, thread: deliberation.Thread):
    if proposal_id is None:
        return None, None
    proposal = proposals.get_proposal(current_user, chapter, proposal_id).proposal
    return proposal, deliberation.thread_page(current_user, chapter, proposal, request.args.get("page", 1, type=int),
                                              thread)


@bp.get("/bargaining/<int:entry_id>")
def entry(slug: str, entry_id: int):
    chapter = chapters.get_chapter(slug)
    view = bargaining.get_entry(current_user, chapter, entry_id, tombstone=True)
    if view.withheld:
        return render_template("accountability/entry_embargoed.html", chapter=chapter,
                               membership=access.membership_of(current_user, chapter), view=view)
    proposal, thread = _discussion(chapter, view.entry.proposal_id, deliberation.Thread(entry_id=entry_id))
    link_form = LinkForm()
    link_form.proposal_id.choices = [(pid, title) for pid, title in proposals.proposal_titles(chapter)
                                     if pid != view.entry.proposal_id]
    return render_template("accountability/entry.html", chapter=chapter,
                           membership=access.membership_of(current_user, chapter), view=view, entry=view.entry,
                           proposal=proposal, thread=thread, comment_form=CommentForm(), link_form=link_form)


@bp.post("/bargaining/<int:entry_id>/links")
@login_required
def link(slug: str, entry_id: int):
    chapter = chapters.get_chapter(slug)
    form = LinkForm()
    back = url_for("accountability.entry", slug=slug, entry_id=entry_id)
    if not form.validate_on_submit():
        return redirect(back)
    return submit(None, lambda: bargaining.link_entry(current_user, chapter, entry_id, form.proposal_id.data),
                  success=gettext("Linked: the entry now shows on that proposal's timeline too. The entry itself is unchanged."),
                  done=lambda _: back, refused=back)


@bp.get("/reports/<int:report_id>")
def report_page(slug: str, report_id: int):
    chapter = chapters.get_chapter(slug)
    report = mandates.get_report(current_user, chapter, report_id)
    proposal, thread = _discussion(chapter, report.mandate.proposal_id, deliberation.Thread(report_id=report_id))
    return render_template("accountability/report.html", chapter=chapter,
                           membership=access.membership_of(current_user, chapter), report=report,
                           proposal=proposal, thread=thread, comment_form=CommentForm())


@bp.post("/<any(reports, bargaining):kind>/<int:item_id>/comments")
@login_required
def thread_comment(slug: str, kind: str, item_id: int):
    chapter = chapters.get_chapter(slug)
    thread = deliberation.Thread(report_id=item_id) if kind == "reports" else deliberation.Thread(entry_id=item_id)
    back = url_for("accountability.report_page" if kind == "reports" else "accountability.entry", slug=slug,
                   **({"report_id": item_id} if kind == "reports" else {"entry_id": item_id}))
    form = CommentForm()
    form.validate_on_submit()
    if form.csrf_token.errors if hasattr(form, "csrf_token") else False:
        abort(400)
    stance = form.stance.data if form.stance.data in Stance._value2member_map_ else Stance.NEUTRAL.value
    # The service checks who may see and speak first, then the comment itself.
    return submit(None, lambda: deliberation.post_comment_on(current_user, chapter, thread, Stance(stance),
                                                             form.body.data or "", form.parent_id.data),
                  success="", done=lambda posted: f"{back}#comment-{posted.id}", refused=back)


@bp.get("/electeds/<int:membership_id>")
def scorecard(slug: str, membership_id: int):
    chapter = chapters.get_chapter(slug)
    card = scorecards.scorecard(current_user, chapter, membership_id)
    return render_template("accountability/scorecard.html", chapter=chapter,
                           membership=access.membership_of(current_user, chapter), card=card,
                           categories=scorecards.CATEGORIES, action_form=ActionForm(),
                           following=follows.follows(current_user, membership_id=membership_id),
                           source_ids=roll_calls.source_ids_of(card.membership.id), source_form=SourceIdForm())


@bp.post("/electeds/<int:membership_id>/follow")
@login_required
def follow_elected(slug: str, membership_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    chapter = chapters.get_chapter(slug)
    on = request.form.get("on") == "1"
    back = url_for("accountability.scorecard", slug=slug, membership_id=membership_id)
    return submit(None, lambda: follows.follow(current_user, chapter, membership_id=membership_id, on=on),
                  success=gettext("You follow this elected: you are told of their mandates, reports and bargaining "
                                  "entries.") if on else gettext("You no longer follow this elected."),
                  done=lambda _: back, refused=back)


@bp.get("/accountability")
def overview(slug: str):
    chapter = chapters.get_chapter(slug)
    return render_template("accountability/overview.html", chapter=chapter,
                           membership=access.membership_of(current_user, chapter),
                           cards=scorecards.accountability(current_user, chapter), categories=scorecards.CATEGORIES,
                           sessions_watchable=bargaining_sessions.watchable(current_user, chapter),
                           committee_record=committee.record_of(current_user, chapter))


@bp.get("/feed.atom")
def atom(slug: str):
    chapter = chapters.get_chapter(slug)

    def link(kind: str, item_id: int) -> str:
        if kind == "mandate":
            return url_for("accountability.mandate", slug=slug, mandate_id=item_id, _external=True)
        if kind == "result":
            return url_for("referenda.result", slug=slug, referendum_id=item_id, _external=True)
        if kind == "session":
            return url_for("sessions.show", slug=slug, session_id=item_id, _external=True)
        return url_for("accountability.entry", slug=slug, entry_id=item_id, _external=True)

    body = feed.atom_feed(chapter, url_for("accountability.atom", slug=slug, _external=True), link)
    return Response(body, mimetype="application/atom+xml")
