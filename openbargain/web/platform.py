"""The platform's pages: the planks in force and their history, one plank with whom it binds, and
the forms that draft a plank, an amendment or a repeal (decided by referendum like any proposal)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from openbargain import policy
from openbargain.models import BallotKind, Chapter, Proposal, ProposalKind, Visibility
from openbargain.services import access, chapters, platform, proposals
from openbargain.web.feedback import submit
from openbargain.web.forms import PlankForm, RepealForm, elected_choices

bp = Blueprint("platform", __name__, url_prefix="/c/<slug>/platform")


@bp.get("")
def index(slug: str):
    chapter = chapters.get_chapter(slug)
    view = platform.get_platform(current_user, chapter)
    return render_template("platform/index.html", chapter=chapter, membership=view.membership, view=view,
                           bylaws=access.bylaws_of(chapter))


@bp.get("/<int:plank_id>")
def plank(slug: str, plank_id: int):
    chapter = chapters.get_chapter(slug)
    view = platform.get_plank(current_user, chapter, plank_id)
    return render_template("platform/plank.html", chapter=chapter, membership=view.membership, view=view,
                           bylaws=access.bylaws_of(chapter))


def _drafter(chapter: Chapter):
    membership = access.membership_of(current_user, chapter)
    access.require(policy.can_draft_proposal(current_user, membership), membership,
                   gettext("Only members in good standing can open proposals."))
    return membership


def _plank_draft(form: PlankForm, plank_id: int | None) -> proposals.ProposalDraft:
    every = form.binds.data == "all"
    return proposals.ProposalDraft(
        title=form.title.data or "", body=form.body.data or "", decision="", deadline=None,
        ballot_kind=BallotKind.YES_NO, visibility=Visibility(form.visibility.data),
        elected_ids=[] if every else form.electeds.data or [], adopted_directive=form.plank.data or "",
        kind=ProposalKind.PLANK, plank_id=plank_id, binds_all_electeds=every)


def _repeal_draft(form: RepealForm, plank_id: int) -> proposals.ProposalDraft:
    return proposals.ProposalDraft(
        title=form.title.data or "", body=form.body.data or "", decision="", deadline=None,
        ballot_kind=BallotKind.YES_NO, visibility=Visibility(form.visibility.data), elected_ids=[],
        kind=ProposalKind.REPEAL, plank_id=plank_id)


def _saved(form, chapter: Chapter, draft):
    """A new plank or repeal saved as its author's draft (the redirect), or None: the form again."""
    if not form.validate_on_submit():
        return None
    return submit(form, lambda: proposals.draft_proposal(current_user, chapter, draft()),
                  success=gettext("Draft saved. Only you can see it until you publish it."),
                  done=lambda p: url_for("proposals.show", slug=chapter.slug, proposal_id=p.id))


def _choices(form: PlankForm, chapter: Chapter) -> None:
    form.electeds.choices = elected_choices(access.electeds_of(chapter.id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    """A new plank, or (?amends=ID) an amendment of one, its text to edit."""
    chapter = chapters.get_chapter(slug)
    membership = _drafter(chapter)
    amends = request.args.get("amends", type=int)
    amended = platform.get_plank(current_user, chapter, amends).plank if amends else None
    form = PlankForm()
    _choices(form, chapter)
    if request.method == "GET" and amended is not None:
        form.title.data, form.plank.data = amended.title, amended.text
        form.binds.data = "all" if amended.binds_all_electeds else "named"
        form.electeds.data = [d.membership_id for d in amended.proposal.directed]
        form.visibility.data = amended.proposal.visibility.value
    followed = _saved(form, chapter, lambda: _plank_draft(form, amends))
    if followed:
        return followed
    return render_template("platform/plank_form.html", chapter=chapter, membership=membership, form=form,
                           amended=amended, proposal=None), 422 if form.errors else 200


@bp.route("/<int:plank_id>/repeal", methods=["GET", "POST"])
@login_required
def repeal(slug: str, plank_id: int):
    chapter = chapters.get_chapter(slug)
    membership = _drafter(chapter)
    repealed = platform.get_plank(current_user, chapter, plank_id).plank
    form = RepealForm()
    if request.method == "GET":
        form.title.data = gettext("Repeal: %(title)s", title=repealed.title)[:200]
    followed = _saved(form, chapter, lambda: _repeal_draft(form, plank_id))
    if followed:
        return followed
    return render_template("platform/repeal_form.html", chapter=chapter, membership=membership, form=form,
                           repealed=repealed, proposal=None), 422 if form.errors else 200


@bp.route("/drafts/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, proposal_id: int):
    """Editing a plank or repeal proposal before its vote (the proposal's own edit page sends here)."""
    chapter = chapters.get_chapter(slug)
    view = proposals.get_proposal(current_user, chapter, proposal_id)
    proposal: Proposal = view.proposal
    if proposal.kind == ProposalKind.DIRECTIVE or not policy.can_edit_proposal(current_user, view.membership,
                                                                              proposal):
        return redirect(url_for("proposals.edit", slug=slug, proposal_id=proposal_id))
    repealing = proposal.kind == ProposalKind.REPEAL
    form = RepealForm() if repealing else PlankForm()
    if not repealing:
        _choices(form, chapter)
    if request.method == "GET":
        form.title.data, form.body.data, form.visibility.data = proposal.title, proposal.body, proposal.visibility.value
        if not repealing:
            form.plank.data = proposal.options[0].directive
            form.binds.data = "all" if proposal.binds_all_electeds else "named"
            form.electeds.data = [d.membership_id for d in proposal.directed]
    if form.validate_on_submit():
        draft = _repeal_draft(form, proposal.plank_id) if repealing else _plank_draft(form, proposal.plank_id)
        followed = submit(form, lambda: proposals.update_proposal(current_user, chapter, proposal_id, draft),
                          success=gettext("Proposal saved."),
                          done=lambda _: url_for("proposals.show", slug=slug, proposal_id=proposal_id))
        if followed:
            return followed
    template = "platform/repeal_form.html" if repealing else "platform/plank_form.html"
    plank = platform.get_plank(current_user, chapter, proposal.plank_id).plank if proposal.plank_id else None
    return render_template(template, chapter=chapter, membership=view.membership, form=form, proposal=proposal,
                           amended=plank, repealed=plank), 422 if form.errors else 200
