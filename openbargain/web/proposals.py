"""Proposals, their deliberation thread, amendments and petitions."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from openbargain import policy
from openbargain.models import AmendmentKind, BallotKind, Chapter, ProposalKind, ProposalStatus, Stance, Visibility
from openbargain.services import (
    access,
    amendments,
    bargaining,
    chapters,
    committee,
    deliberation,
    due,
    follows,
    mandates,
    petitions,
    proposals,
    revisions,
    urgency,
)
from openbargain.web.feedback import confirm_with_reason, submit
from openbargain.web.markdown import render_markdown
from openbargain.web.forms import (
    ActionForm,
    AmendmentForm,
    CommentEditForm,
    CommentForm,
    HideForm,
    ProposalForm,
    UrgencyForm,
    elected_choices,
)

bp = Blueprint("proposals", __name__, url_prefix="/c/<slug>/proposals")


def _chapter(slug: str) -> Chapter:
    return chapters.get_chapter(slug)


def _electeds_choices(form: ProposalForm, chapter: Chapter) -> None:
    form.electeds.choices = elected_choices(access.electeds_of(chapter.id))


def _draft(form: ProposalForm) -> proposals.ProposalDraft:
    # entry.form: an entry's own `label` attribute is the FormField's label, not the sub-field.
    rows = [(e.form.label.data or "", e.form.directive.data or "") for e in form.options.entries]
    options = [proposals.OptionDraft(label, directive) for label, directive in rows if label.strip() or directive.strip()]
    return proposals.ProposalDraft(
        title=form.title.data or "", body=form.body.data or "", decision=form.decision.data or "",
        deadline=form.deadline.data, ballot_kind=BallotKind(form.ballot_kind.data),
        visibility=Visibility(form.visibility.data), elected_ids=form.electeds.data or [],
        deadline_time=form.deadline_time.data,
        adopted_directive=form.adopted_directive.data or "", rejected_directive=form.rejected_directive.data or "",
        fallback_directive=form.fallback_directive.data or "", options=options)


def _drafting_aid(form: ProposalForm, page):
    """"Add an option" and "Preview" post the form back to show it again, one slot more or with the
    argument rendered; nothing is saved. None: the member is saving."""
    if "add_option" in request.form:
        if len(form.options) < form.options.max_entries:
            form.options.append_entry()
        return page(None)
    if "preview" in request.form:
        return page(render_markdown(form.body.data))
    return None


@bp.get("/")
def index(slug: str):
    chapter = _chapter(slug)
    status = request.args.get("status") or None
    status = ProposalStatus(status) if status in ProposalStatus._value2member_map_ else None
    elected = request.args.get("elected", type=int)
    q = request.args.get("q", "")[:100]
    page = proposals.list_proposals(current_user, chapter, status=status, elected_id=elected, query=q,
                                    page=request.args.get("page", 1, type=int))
    membership = access.membership_of(current_user, chapter)
    return render_template("proposals/index.html", chapter=chapter, membership=membership, page=page,
                           status=status, elected=elected, q=q, electeds=access.electeds_of(chapter.id),
                           statuses=list(ProposalStatus))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    chapter = _chapter(slug)
    membership = access.membership_of(current_user, chapter)
    access.require(policy.can_draft_proposal(current_user, membership), membership,
                   gettext("Only members in good standing can open proposals."))
    form = ProposalForm()
    _electeds_choices(form, chapter)

    def page(preview):
        return render_template("proposals/form.html", chapter=chapter, membership=membership, form=form,
                               proposal=None, preview=preview), 422 if form.errors else 200

    aided = _drafting_aid(form, page) if request.method == "POST" else None
    if aided:
        return aided
    if form.validate_on_submit():
        followed = submit(form, lambda: proposals.draft_proposal(current_user, chapter, _draft(form)),
                          success=gettext("Draft saved. Only you can see it until you publish it."),
                          done=lambda proposal: url_for("proposals.show", slug=slug, proposal_id=proposal.id))
        if followed:
            return followed
    return page(None)


@bp.get("/<int:proposal_id>")
def show(slug: str, proposal_id: int):
    chapter = _chapter(slug)
    due.settle_due(chapter)  # the page leads with the vote: its roll frozen if it has opened
    # A committee decision (with its roll call) and an election (with its nominations) have their own pages.
    kind = proposals.kind_of(current_user, chapter, proposal_id)
    if kind == ProposalKind.COMMITTEE:
        decision_id = committee.decision_of(chapter, proposal_id)
        return redirect(url_for("committee.show", slug=slug, decision_id=decision_id))
    if kind == ProposalKind.ELECTION:
        return redirect(url_for("elections.show", slug=slug, election_id=proposal_id))
    return _proposal_page(chapter, proposal_id, CommentForm())


def _proposal_page(chapter: Chapter, proposal_id: int, comment_form: CommentForm, status: int = 200):
    view = proposals.get_proposal(current_user, chapter, proposal_id)
    thread = deliberation.thread_page(current_user, chapter, view.proposal, request.args.get("page", 1, type=int))
    amendment_form = AmendmentForm()
    amendment_form.option_id.choices = [(o.id, o.label) for o in view.proposal.options if o.directive]
    return render_template(
        "proposals/show.html", chapter=chapter, membership=view.membership, view=view, proposal=view.proposal,
        thread=thread, petition=petitions.petition_status(current_user, chapter, view.proposal),
        amendments=amendments.amendments_of(view.proposal), comment_form=comment_form,
        mandates=mandates.mandates_of(view.proposal),
        entries=bargaining.visible_entries(current_user, chapter, proposal=view.proposal),
        amendment_form=amendment_form, action_form=ActionForm(),
        urgency=urgency.urgency_status(current_user, chapter, view.proposal), urgency_form=UrgencyForm(),
        following=follows.follows(current_user, proposal_id=proposal_id),
    ), status


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, proposal_id: int):
    chapter = _chapter(slug)
    view = proposals.get_proposal(current_user, chapter, proposal_id)
    proposal = view.proposal
    if proposal.kind in (ProposalKind.PLANK, ProposalKind.REPEAL):
        return redirect(url_for("platform.edit", slug=slug, proposal_id=proposal_id))
    if not policy.can_edit_proposal(current_user, view.membership, proposal):
        flash(gettext("This proposal can no longer be edited.") if proposal.is_frozen
              else gettext("Only the author can edit this proposal."), "error")
        return redirect(url_for("proposals.show", slug=slug, proposal_id=proposal_id))
    form = ProposalForm(obj=proposal) if request.method == "GET" else ProposalForm()
    _electeds_choices(form, chapter)
    if request.method == "GET":
        form.electeds.data = [d.membership_id for d in proposal.directed]
        form.ballot_kind.data = proposal.ballot_kind.value
        form.visibility.data = proposal.visibility.value
        form.fallback_directive.data = proposal.fallback_directive or ""
        if proposal.ballot_kind == BallotKind.YES_NO:
            form.adopted_directive.data = proposal.options[0].directive
            form.rejected_directive.data = proposal.options[1].directive or ""
        else:
            while len(form.options) < len(proposal.options):
                form.options.append_entry()
            for entry, option in zip(form.options.entries, proposal.options):
                entry.form.label.data, entry.form.directive.data = option.label, option.directive

    def page(preview):
        return render_template("proposals/form.html", chapter=chapter, membership=view.membership, form=form,
                               proposal=proposal, preview=preview), 422 if form.errors else 200

    aided = _drafting_aid(form, page) if request.method == "POST" else None
    if aided:
        return aided
    if form.validate_on_submit():
        revision = proposal.status == ProposalStatus.DELIBERATION
        followed = submit(form, lambda: proposals.update_proposal(current_user, chapter, proposal_id, _draft(form)),
                          success=gettext("Proposal saved as a new revision.") if revision
                          else gettext("Proposal saved."),
                          done=lambda _: url_for("proposals.show", slug=slug, proposal_id=proposal_id))
        if followed:
            return followed
    return page(None)


def _act(slug: str, proposal_id: int, action, success: str, anchor: str = ""):
    """Runs a one-button use-case and reports its outcome as a flash message."""
    if not ActionForm().validate_on_submit():
        abort(400)
    chapter = _chapter(slug)
    back = url_for("proposals.show", slug=slug, proposal_id=proposal_id) + anchor
    return submit(None, lambda: action(chapter), success=success, done=lambda _: back, refused=back)


@bp.post("/<int:proposal_id>/publish")
@login_required
def publish(slug: str, proposal_id: int):
    return _act(slug, proposal_id, lambda c: proposals.publish_proposal(current_user, c, proposal_id),
                gettext("Published: deliberation is open and the directed electeds have been notified."))


@bp.route("/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(slug: str, proposal_id: int):
    """A confirmation with the public reason: one mis-tap never stops a proposal."""
    chapter = _chapter(slug)
    view = proposals.get_proposal(current_user, chapter, proposal_id)
    back = url_for("proposals.show", slug=slug, proposal_id=proposal_id)
    if not policy.can_withdraw_proposal(current_user, view.membership, view.proposal):
        flash(gettext("Only the author or the steering committee can withdraw a proposal, and only before its vote "
                      "opens."), "error")
        return redirect(back)
    return confirm_with_reason(
        lambda reason: proposals.withdraw_proposal(current_user, chapter, proposal_id, reason),
        success=gettext("The proposal is withdrawn; your reason is published on it."), done=lambda _: back, back=back,
        chapter=chapter, membership=view.membership, proposal=view.proposal, heading=gettext("Withdraw this proposal"),
        confirm=gettext("Withdraw the proposal"),
        consequence=gettext("A withdrawn proposal cannot come back: members would have to start a new one. Any vote "
                            "scheduled on it is called off."))


@bp.post("/<int:proposal_id>/follow")
@login_required
def follow(slug: str, proposal_id: int):
    on = request.form.get("on") == "1"
    return _act(slug, proposal_id, lambda c: follows.follow(current_user, c, proposal_id=proposal_id, on=on),
                gettext("You follow this proposal: you are told when it changes state.") if on
                else gettext("You no longer follow this proposal."))


@bp.post("/<int:proposal_id>/petition")
@login_required
def sign(slug: str, proposal_id: int):
    return _act(slug, proposal_id, lambda c: petitions.sign_petition(current_user, c, proposal_id),
                lambda carried: gettext("You signed. The petition reached its threshold: the vote is scheduled.")
                if carried else gettext("You signed the petition."), "#petition")


@bp.post("/<int:proposal_id>/urgency")
@login_required
def urgency_request(slug: str, proposal_id: int):
    """Steering declares; a member asks for the urgent track or co-signs the request."""
    form = UrgencyForm()
    if not form.validate_on_submit():
        abort(400)
    chapter = _chapter(slug)
    back = url_for("proposals.show", slug=slug, proposal_id=proposal_id) + "#urgency"
    if policy.can_declare_urgent(current_user, access.membership_of(current_user, chapter)):
        return submit(None, lambda: urgency.declare_urgent(current_user, chapter, proposal_id, form.reason.data or ""),
                      success=gettext("Declared urgent: the bylaws' shorter timings now apply, and members see why."),
                      done=lambda _: back, refused=back)
    return submit(None, lambda: urgency.support_urgency(current_user, chapter, proposal_id, form.reason.data),
                  success=lambda carried: gettext("You signed. Enough members asked: the proposal is on the urgent track.")
                  if carried else gettext("You signed the request for the urgent track."),
                  done=lambda _: back, refused=back)


@bp.get("/<int:proposal_id>/revisions")
def history(slug: str, proposal_id: int):
    chapter = _chapter(slug)
    view = proposals.get_proposal(current_user, chapter, proposal_id)
    diffs = [(r, revisions.compare(view.revisions[i - 1].snapshot if i else None, r.snapshot))
             for i, r in enumerate(view.revisions)]
    return render_template("proposals/revisions.html", chapter=chapter, membership=view.membership,
                           proposal=view.proposal, diffs=list(reversed(diffs)))


@bp.post("/<int:proposal_id>/comments")
@login_required
def comment(slug: str, proposal_id: int):
    chapter = _chapter(slug)
    form = CommentForm()
    if form.validate_on_submit():
        page = url_for("proposals.show", slug=slug, proposal_id=proposal_id)
        followed = submit(
            form, lambda: deliberation.post_comment(current_user, chapter, proposal_id, Stance(form.stance.data),
                                                    form.body.data, form.parent_id.data),
            success="", done=lambda posted: f"{page}#comment-{posted.id}", refused=page)
        if followed:
            return followed
    # The proposal page again, thread and all, with the error on the comment box.
    return _proposal_page(chapter, proposal_id, form, 422)


@bp.route("/<int:proposal_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def comment_edit(slug: str, proposal_id: int, comment_id: int):
    chapter = _chapter(slug)
    view = proposals.get_proposal(current_user, chapter, proposal_id)
    form = CommentEditForm()
    if form.validate_on_submit():
        page = url_for("proposals.show", slug=slug, proposal_id=proposal_id)
        followed = submit(form, lambda: deliberation.edit_comment(current_user, chapter, comment_id, form.body.data),
                          success="", done=lambda _: f"{page}#comment-{comment_id}", refused=page)
        if followed:
            return followed
    elif request.method == "GET":
        form.body.data = deliberation.comment_for_editing(current_user, chapter, comment_id).body
    return render_template("proposals/comment_edit.html", chapter=chapter, membership=view.membership,
                           proposal=view.proposal, form=form, comment_id=comment_id), 422 if form.errors else 200


@bp.post("/<int:proposal_id>/comments/<int:comment_id>/hide")
@login_required
def comment_hide(slug: str, proposal_id: int, comment_id: int):
    form = HideForm()
    reason = form.reason.data or "" if form.validate_on_submit() else ""
    chapter = _chapter(slug)
    back = url_for("proposals.show", slug=slug, proposal_id=proposal_id) + f"#comment-{comment_id}"
    return submit(None, lambda: deliberation.hide_comment(current_user, chapter, comment_id, reason),
                  success=gettext("The comment is hidden; members see your reason."), done=lambda _: back, refused=back)


@bp.post("/<int:proposal_id>/amendments")
@login_required
def amend(slug: str, proposal_id: int):
    chapter = _chapter(slug)
    view = proposals.get_proposal(current_user, chapter, proposal_id)
    form = AmendmentForm()
    form.option_id.choices = [(o.id, o.label) for o in view.proposal.options if o.directive]
    if form.validate_on_submit():
        draft = amendments.AmendmentDraft(AmendmentKind(form.kind.data), form.option_id.data, form.label.data or "",
                                          form.directive.data, form.reason.data or "")
        page = url_for("proposals.show", slug=slug, proposal_id=proposal_id)
        followed = submit(form, lambda: amendments.propose_amendment(current_user, chapter, proposal_id, draft),
                          success=gettext("Amendment proposed; the author will accept or decline it."),
                          done=lambda _: f"{page}#amendments", refused=page)
        if followed:
            return followed
    return render_template("proposals/amendment_form.html", chapter=chapter, membership=view.membership,
                           proposal=view.proposal, amendment_form=form), 422


@bp.post("/<int:proposal_id>/amendments/<int:amendment_id>/<any(accept, decline, sign):action>")
@login_required
def amendment_action(slug: str, proposal_id: int, amendment_id: int, action: str):
    def run(chapter: Chapter):
        if action == "sign":
            return amendments.cosign_amendment(current_user, chapter, amendment_id)
        return amendments.decide_amendment(current_user, chapter, amendment_id, accept=action == "accept")

    messages = {"accept": gettext("Amendment accepted: the proposal is revised."), "decline": gettext("Amendment declined."),
                "sign": gettext("You co-signed the amendment.")}
    return _act(slug, proposal_id, run, messages[action], "#amendments")

