"""Elections' pages: opening one (steering), its nominations — nominating, accepting with a
statement or declining — drawing the ballot, and granting a winner the steering role."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from openbargain import policy
from openbargain.models import Visibility
from openbargain.services import access, chapters, elections
from openbargain.web.feedback import submit
from openbargain.web.forms import ActionForm, ElectionForm, NominateForm, NominationAnswerForm
from openbargain.web.timezones import to_utc

bp = Blueprint("elections", __name__, url_prefix="/c/<slug>/elections")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    chapter = chapters.get_chapter(slug)
    membership = access.membership_of(current_user, chapter)
    access.require(policy.can_schedule(current_user, membership), membership,
                   gettext("Only the steering committee opens elections."))
    form = ElectionForm()
    if form.validate_on_submit():
        draft = elections.ElectionDraft(
            title=form.title.data or "", office=form.office.data or "", seats=form.seats.data,
            nominations_close_at=to_utc(form.nominations_close_at.data, chapter), body=form.body.data or "",
            visibility=Visibility(form.visibility.data))
        followed = submit(form, lambda: elections.open_election(current_user, chapter, draft),
                          success=gettext("The election is open: members may nominate."),
                          done=lambda p: url_for("elections.show", slug=slug, election_id=p.id))
        if followed:
            return followed
    return render_template("elections/new.html", chapter=chapter, membership=membership, form=form), \
        422 if form.errors else 200


def _page(slug: str, election_id: int, nominate_form=None, answer_form=None, status: int = 200):
    chapter = chapters.get_chapter(slug)
    view = elections.get_election(current_user, chapter, election_id)
    answer = answer_form or NominationAnswerForm(statement=view.mine.statement if view.mine else "")
    return render_template("elections/show.html", chapter=chapter, membership=view.membership, view=view,
                           nominate_form=nominate_form or NominateForm(), answer_form=answer,
                           action_form=ActionForm()), status


@bp.get("/<int:election_id>")
def show(slug: str, election_id: int):
    return _page(slug, election_id)


def _back(slug: str, election_id: int) -> str:
    return url_for("elections.show", slug=slug, election_id=election_id)


@bp.post("/<int:election_id>/nominations")
@login_required
def nominate(slug: str, election_id: int):
    form = NominateForm()
    chapter = chapters.get_chapter(slug)
    if form.validate_on_submit():
        followed = submit(form, lambda: elections.nominate(current_user, chapter, election_id, form.email.data),
                          success=gettext("Nominated."), done=lambda _: _back(slug, election_id),
                          refused=_back(slug, election_id))
        if followed:
            return followed
    return _page(slug, election_id, nominate_form=form, status=422)


@bp.post("/<int:election_id>/answer")
@login_required
def answer(slug: str, election_id: int):
    form = NominationAnswerForm()
    if not form.validate_on_submit():
        return _page(slug, election_id, answer_form=form, status=422)
    chapter = chapters.get_chapter(slug)
    accept = request.form.get("accept") == "1"
    return submit(form, lambda: elections.answer(current_user, chapter, election_id, accept, form.statement.data or ""),
                  success=gettext("You stand, with your statement.") if accept else gettext("You declined."),
                  done=lambda _: _back(slug, election_id), refused=_back(slug, election_id)) \
        or _page(slug, election_id, answer_form=form, status=422)


@bp.post("/<int:election_id>/ballot")
@login_required
def draw(slug: str, election_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    chapter = chapters.get_chapter(slug)
    return submit(None, lambda: elections.draw_ballot(current_user, chapter, election_id),
                  success=gettext("The ballot is drawn: schedule the vote."),
                  done=lambda _: url_for("referenda.schedule", slug=slug, proposal_id=election_id),
                  refused=_back(slug, election_id))


@bp.post("/<int:election_id>/winners/<int:membership_id>/steering")
@login_required
def grant(slug: str, election_id: int, membership_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    chapter = chapters.get_chapter(slug)
    return submit(None, lambda: elections.grant_steering(current_user, chapter, election_id, membership_id),
                  success=gettext("The steering role is granted."), done=lambda _: _back(slug, election_id),
                  refused=_back(slug, election_id))
