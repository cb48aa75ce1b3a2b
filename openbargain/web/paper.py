"""A vote's paper side, for its tellers and steering: the tellers, marking a member as voting on
paper, and entering batches of paper ballots twice."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from openbargain.services import access, chapters, paper, referenda
from openbargain.services.errors import ValidationFailed
from openbargain.web.feedback import submit
from openbargain.web.forms import PaperBatchForm, PaperMarkForm, TellersForm

bp = Blueprint("paper", __name__, url_prefix="/c/<slug>/referenda/<int:referendum_id>/paper")
MAX_PER_CHOICE = 100_000


def _page(slug: str, referendum_id: int, mark_form=None, batch_form=None, tellers_form=None, status: int = 200):
    chapter = chapters.get_chapter(slug)
    view = paper.get_paper(current_user, chapter, referendum_id)
    vote = referenda.get_referendum(current_user, chapter, referendum_id)
    tellers = tellers_form or TellersForm(emails="\n".join(m.user.email for m in view.tellers))
    return render_template("referenda/paper.html", chapter=chapter, membership=access.membership_of(current_user,
                                                                                                     chapter),
                           view=view, referendum=vote.referendum, proposal=vote.proposal, status=vote.status,
                           mark_form=mark_form or PaperMarkForm(), batch_form=batch_form or PaperBatchForm(),
                           tellers_form=tellers), status


@bp.get("")
@login_required
def show(slug: str, referendum_id: int):
    return _page(slug, referendum_id)


def _back(slug: str, referendum_id: int) -> str:
    return url_for("paper.show", slug=slug, referendum_id=referendum_id)


@bp.post("/tellers")
@login_required
def tellers(slug: str, referendum_id: int):
    form = TellersForm()
    if not form.validate_on_submit():
        abort(400)
    chapter = chapters.get_chapter(slug)
    followed = submit(form, lambda: paper.appoint_tellers(current_user, chapter, referendum_id,
                                                          (form.emails.data or "").splitlines()),
                      success=gettext("Tellers appointed."), done=lambda _: _back(slug, referendum_id),
                      refused=_back(slug, referendum_id))
    return followed or _page(slug, referendum_id, tellers_form=form, status=422)


@bp.post("/marks")
@login_required
def mark(slug: str, referendum_id: int):
    form = PaperMarkForm()
    chapter = chapters.get_chapter(slug)
    if form.validate_on_submit():
        followed = submit(form, lambda: paper.mark_on_paper(current_user, chapter, referendum_id, form.email.data),
                          success=gettext("Marked on the roll as voting on paper."),
                          done=lambda _: _back(slug, referendum_id), refused=_back(slug, referendum_id))
        if followed:
            return followed
    return _page(slug, referendum_id, mark_form=form, status=422)


def _ballots(form: PaperBatchForm, ranked: bool) -> list[dict]:
    if ranked:
        lines = [line.strip() for line in (form.rankings.data or "").splitlines() if line.strip()]
        return [{"ranking": [] if line == "-" else [label.strip() for label in line.split(">")]} for line in lines]
    counts = {"yes": form.yes.data or 0, "no": form.no.data or 0, "abstain": form.abstain.data or 0}
    if any(not 0 <= n <= MAX_PER_CHOICE for n in counts.values()):
        raise ValidationFailed.on("yes", gettext("Count each choice from 0 to %(most)d.", most=MAX_PER_CHOICE))
    return [{"choice": choice} for choice, n in counts.items() for _ in range(n)]


@bp.post("/batches")
@login_required
def batch(slug: str, referendum_id: int):
    form = PaperBatchForm()
    chapter = chapters.get_chapter(slug)
    if form.validate_on_submit():
        ranked = referenda.get_referendum(current_user, chapter, referendum_id).referendum.ranked
        followed = submit(form, lambda: paper.enter_batch(current_user, chapter, referendum_id, form.label.data or "",
                                                          _ballots(form, ranked)),
                          success=lambda state: gettext("Entered. Two tellers agree: the batch counts.")
                          if state.agreed else gettext("The entries differ: count the box again.")
                          if state.disagreement else gettext("Entered. A second teller enters the same batch."),
                          done=lambda _: _back(slug, referendum_id), refused=_back(slug, referendum_id))
        if followed:
            return followed
    return _page(slug, referendum_id, batch_form=form, status=422)
