"""The committee's pages: its decisions and how the members called them up, one decision with its
roll call and the call-up petition, the form the committee records a decision with, and the
naming of its members (steering, where the bylaws name them)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from openbargain.models import Visibility
from openbargain.services import access, callups, chapters, committee, platform, proposals
from openbargain.web.feedback import submit
from openbargain.web.forms import ActionForm, CommitteeDecisionForm, SeatsForm, elected_choices
from openbargain.web.timezones import to_utc

bp = Blueprint("committee", __name__, url_prefix="/c/<slug>/committee")


@bp.get("")
def index(slug: str):
    chapter = chapters.get_chapter(slug)
    page = committee.list_decisions(current_user, chapter, request.args.get("page", 1, type=int))
    bylaws = access.bylaws_of(chapter)
    return render_template("committee/index.html", chapter=chapter, membership=access.membership_of(current_user,
                                                                                                     chapter),
                           page=page, bylaws=bylaws, seated=committee.seated(current_user, chapter),
                           members=committee.members_of_chapter(current_user, chapter))


def _vote_choices(count: int) -> list[tuple[str, str]]:
    return [(str(n), gettext("For option %(number)d", number=n)) for n in range(1, count + 1)] + \
        [(committee.ABSTAIN, gettext("Abstained")), (committee.ABSENT, gettext("Absent"))]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    chapter = chapters.get_chapter(slug)
    membership = access.membership_of(current_user, chapter)
    members = committee.members_of_chapter(current_user, chapter)
    access.require(committee.seated(current_user, chapter), membership,
                   gettext("Only the committee the bylaws name records its decisions."))
    form = CommitteeDecisionForm()
    form.electeds.choices = elected_choices(access.electeds_of(chapter.id))
    form.plank_ids.choices = [(p.id, p.title) for p in platform.get_platform(current_user, chapter).planks]
    if request.method == "GET":
        for member in members:
            form.votes.append_entry({"membership_id": member.id, "vote": committee.ABSENT})
    names = {m.id: m.user.name for m in members}
    for entry in form.votes.entries:
        entry.form.vote.choices = _vote_choices(len(form.options))
    if "add_option" in request.form and len(form.options) < form.options.max_entries:
        form.options.append_entry()
    elif form.validate_on_submit():
        rows = [(e.form.label.data or "", e.form.directive.data or "") for e in form.options.entries]
        draft = committee.DecisionDraft(
            title=form.title.data or "", body=form.body.data or "", decision=form.decision.data or "",
            deadline=form.deadline.data, deadline_time=form.deadline_time.data, elected_ids=form.electeds.data or [],
            options=[proposals.OptionDraft(label, directive) for label, directive in rows
                     if label.strip() or directive.strip()],
            chosen=form.chosen.data, reasoning=form.reasoning.data or "", plank_ids=form.plank_ids.data or [],
            votes={e.form.membership_id.data: e.form.vote.data or "" for e in form.votes.entries
                   if e.form.membership_id.data is not None},
            visibility=Visibility(form.visibility.data), embargo_until=to_utc(form.embargo_until.data, chapter))
        followed = submit(form, lambda: committee.record_decision(current_user, chapter, draft),
                          success=gettext("The decision is recorded, and its mandates issued."),
                          done=lambda d: url_for("committee.show", slug=slug, decision_id=d.id))
        if followed:
            return followed
    return render_template("committee/new.html", chapter=chapter, membership=membership, form=form, names=names,
                           bylaws=access.bylaws_of(chapter)), 422 if form.errors else 200


@bp.get("/<int:decision_id>")
def show(slug: str, decision_id: int):
    chapter = chapters.get_chapter(slug)
    view = committee.get_decision(current_user, chapter, decision_id)
    return render_template("committee/show.html", chapter=chapter, membership=view.membership, view=view,
                           action_form=ActionForm(), bylaws=access.bylaws_of(chapter))


@bp.post("/<int:decision_id>/call-up")
@login_required
def call_up(slug: str, decision_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    chapter = chapters.get_chapter(slug)
    back = url_for("committee.show", slug=slug, decision_id=decision_id)
    return submit(None, lambda: callups.sign_callup(current_user, chapter, decision_id),
                  success=lambda carried: gettext("Your signature carried the call-up: the members will vote on "
                                                  "this decision.") if carried
                  else gettext("You signed the call-up."), done=lambda _: back, refused=back)


@bp.post("/seats")
@login_required
def seats(slug: str):
    chapter = chapters.get_chapter(slug)
    form = SeatsForm()
    back = url_for("chapters.bylaws_page", slug=slug)
    if not form.validate_on_submit():
        abort(400)
    return submit(None, lambda: committee.set_seats(current_user, chapter, (form.emails.data or "").splitlines()),
                  success=gettext("The committee is named."), done=lambda _: back, refused=back)
