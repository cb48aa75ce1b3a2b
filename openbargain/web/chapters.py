"""A chapter's pages: home, roster, bylaws, audit log."""
from __future__ import annotations

from dataclasses import fields

from flask_babel import gettext
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from openbargain import i18n, policy
from openbargain.models import Chapter, Membership, Standing
from openbargain.services import access, audit_log, bargaining_sessions, bylaws, chapters, committee, dashboard, due, results, roster
from openbargain.services.roster import RosterInvalid
from openbargain.web.feedback import submit
from openbargain.web.forms import (
    ActionForm,
    BylawsForm,
    MembershipForm,
    RosterConfirmForm,
    RosterUploadForm,
    SeatsForm,
    chapter_language_form,
)

bp = Blueprint("chapters", __name__, url_prefix="/c/<slug>")


def _chapter_and_membership(slug: str) -> tuple[Chapter, Membership | None]:
    chapter = chapters.get_chapter(slug)
    return chapter, access.membership_of(current_user, chapter)


def _steering_only(membership: Membership | None) -> None:
    """Pages that only lead to a steering use-case; the service checks again when it acts."""
    access.require(policy.can_manage_roster(current_user, membership), membership,
                   gettext("Only the steering committee manages the roster."))


@bp.get("/")
def home(slug: str):
    """Members get their dashboard; the public, the chapter's front page where its pages are public."""
    chapter, membership = _chapter_and_membership(slug)
    due.settle_due(chapter)
    if not policy.can_view_chapter(current_user, membership):
        front = dashboard.public_front(chapter)  # not found unless the chapter's pages are public
        return render_template("chapters/front.html", chapter=chapter, membership=membership, front=front,
                               outcomes={r.id: results.outcome_sentence(r, r.referendum) for r in front.results})
    return render_template("chapters/home.html", chapter=chapter, membership=membership,
                           dashboard=dashboard.chapter_dashboard(current_user, chapter), action_form=ActionForm(),
                           live=bargaining_sessions.live_sessions(current_user, chapter))


@bp.get("/roster")
@login_required
def roster_page(slug: str):
    chapter, membership = _chapter_and_membership(slug)
    standing = request.args.get("standing") or None
    if standing is not None and standing not in Standing._value2member_map_:
        standing = None
    page = roster.list_roster(
        current_user, chapter,
        page=request.args.get("page", 1, type=int),
        standing=Standing(standing) if standing else None,
        query=request.args.get("q", "")[:100],
    )
    return render_template("chapters/roster.html", chapter=chapter, membership=membership, roster=page,
                           standing=standing, q=request.args.get("q", "")[:100], action_form=ActionForm(),
                           undelivered=roster.undelivered_mail(current_user, chapter))


@bp.route("/roster/import", methods=["GET", "POST"])
@login_required
def roster_import(slug: str):
    chapter, membership = _chapter_and_membership(slug)
    _steering_only(membership)
    form = RosterUploadForm()
    problems: list[tuple[int, str]] = []
    if form.validate_on_submit():
        data = form.roster.data.read()
        try:
            plan = roster.preview_roster_import(current_user, chapter, data)
        except RosterInvalid as exc:
            problems = exc.problems
        else:
            confirm = RosterConfirmForm(csv_text=data.decode("utf-8-sig"))
            return render_template("chapters/roster_preview.html", chapter=chapter, membership=membership,
                                   plan=plan, form=confirm)
    status = 422 if (problems or form.errors) else 200
    return render_template("chapters/roster_import.html", chapter=chapter, membership=membership, form=form,
                           problems=problems), status


@bp.post("/roster/import/confirm")
@login_required
def roster_import_confirm(slug: str):
    chapter, membership = _chapter_and_membership(slug)
    _steering_only(membership)
    form = RosterConfirmForm()
    if not form.validate_on_submit():
        flash(gettext("The preview expired. Upload the file again."), "error")
        return redirect(url_for("chapters.roster_import", slug=slug))
    return submit(None, lambda: roster.import_roster(current_user, chapter, form.csv_text.data.encode()),
                  success=lambda plan: gettext("Roster imported: %(created)d created, %(updated)d updated, "
                                               "%(lapsed)d lapsed, %(unchanged)d unchanged.", **plan.counts),
                  done=lambda _: url_for("chapters.roster_page", slug=slug),
                  refused=url_for("chapters.roster_import", slug=slug))


@bp.route("/roster/<int:membership_id>", methods=["GET", "POST"])
@login_required
def membership_edit(slug: str, membership_id: int):
    chapter, membership = _chapter_and_membership(slug)
    target = chapters.get_membership(current_user, chapter, membership_id)
    form = MembershipForm(obj=target if request.method == "GET" else None)
    if request.method == "GET":
        form.standing.data = target.standing.value
    if form.validate_on_submit():
        change = chapters.MembershipChange(Standing(form.standing.data), form.is_elected.data,
                                           form.is_steering.data, form.office.data)
        followed = submit(form, lambda: chapters.update_membership(current_user, chapter, membership_id, change),
                          success=gettext("Saved the membership of %(name)s.", name=target.user.name),
                          done=lambda _: url_for("chapters.roster_page", slug=slug))
        if followed:
            return followed
    return render_template("chapters/membership_edit.html", chapter=chapter, membership=membership,
                           target=target, form=form, action_form=ActionForm()), 200 if not form.errors else 422


@bp.post("/roster/<int:membership_id>/invite")
@login_required
def membership_invite(slug: str, membership_id: int):
    chapter, membership = _chapter_and_membership(slug)
    _steering_only(membership)
    if not ActionForm().validate_on_submit():
        abort(400)
    back = url_for("chapters.membership_edit", slug=slug, membership_id=membership_id)
    return submit(None, lambda: chapters.invite_member(current_user, chapter, membership_id),
                  success=lambda invitation: gettext("Invitation sent to %(address)s.", address=invitation.user.email),
                  done=lambda _: back, refused=back)


@bp.get("/bylaws")
def bylaws_page(slug: str):
    """The rules in plain words for members (and the public, where the chapter's pages are
    public); the form that changes them for steering."""
    chapter, membership = _chapter_and_membership(slug)
    if not policy.can_edit_bylaws(current_user, membership):
        access.require_chapter_visible(current_user, chapter)
        return render_template("chapters/bylaws_read.html", chapter=chapter, membership=membership,
                               bylaws=access.bylaws_of(chapter))
    return _bylaws_form(chapter, membership, BylawsForm(obj=access.bylaws_of(chapter)))


@bp.post("/bylaws")
@login_required
def bylaws_save(slug: str):
    chapter, membership = _chapter_and_membership(slug)
    access.require(policy.can_edit_bylaws(current_user, membership), membership,
                   gettext("Only the steering committee can change the bylaws."))
    form = BylawsForm()
    if form.validate_on_submit():
        change = bylaws.BylawsChange(**{f.name: getattr(form, f.name).data for f in fields(bylaws.BylawsChange)})
        followed = submit(form, lambda: bylaws.update_bylaws(current_user, chapter, change), success=gettext("Bylaws saved."),
                          done=lambda _: url_for("chapters.bylaws_page", slug=slug))
        if followed:
            return followed
    return _bylaws_form(chapter, membership, form)


def _bylaws_form(chapter: Chapter, membership: Membership | None, form: BylawsForm):
    languages = i18n.offered()
    seats_form = SeatsForm(emails="\n".join(committee.seat_emails(current_user, chapter)))
    return render_template("chapters/bylaws.html", chapter=chapter, membership=membership, form=form,
                           seats_form=seats_form,
                           language_form=chapter_language_form(i18n.NAMES, languages, chapter.default_locale)
                           if len(languages) > 1 else None), 422 if form.errors else 200


@bp.post("/language")
@login_required
def language_save(slug: str):
    chapter, membership = _chapter_and_membership(slug)
    access.require(policy.can_edit_bylaws(current_user, membership), membership,
                   gettext("Only the steering committee sets the chapter's language."))
    form = chapter_language_form(i18n.NAMES, i18n.offered(), chapter.default_locale)
    back = url_for("chapters.bylaws_page", slug=slug)
    if not form.validate_on_submit():
        flash(gettext("Choose one of the languages offered."), "error")
        return redirect(back)
    return submit(None, lambda: chapters.set_default_language(current_user, chapter, form.language.data,
                                                              i18n.offered()),
                  success=gettext("The chapter's language is saved."), done=lambda _: back, refused=back)


@bp.get("/audit/checkpoint")
def audit_checkpoint(slug: str):
    chapter, membership = _chapter_and_membership(slug)
    return render_template("audit_checkpoint.html", checkpoints=[audit_log.chapter_checkpoint(current_user, chapter)],
                           chapter=chapter, membership=membership)


@bp.get("/audit")
@login_required
def audit_page(slug: str):
    chapter, membership = _chapter_and_membership(slug)
    page = audit_log.list_chapter_events(current_user, chapter, before=request.args.get("before", type=int))
    return render_template("chapters/audit.html", chapter=chapter, membership=membership, page=page)
