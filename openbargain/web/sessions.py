"""Live open-bargaining sessions: the list, opening one, the live page and what is done on it.

The page updates itself by short polling with ETags (static/live.js asks `live` every few
seconds; nothing new is a 304 with no body). Server-Sent Events would hold one of the production
server's few threads per watcher for as long as they watch (gunicorn gthread, README); a poll
holds one for milliseconds. Without JavaScript the page reloads itself instead (a meta refresh
inside <noscript>)."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from openbargain import policy
from openbargain.models import EntryKind, Temperature
from openbargain.services import access, bargaining_sessions, chapters, mandates, proposals
from openbargain.web.feedback import submit
from openbargain.web.forms import ActionForm, CloseSessionForm, SessionEntryForm, SessionForm, UrgentCallForm
from openbargain.web.live import live_part
from openbargain.web.timezones import local, to_utc

bp = Blueprint("sessions", __name__, url_prefix="/c/<slug>/sessions")

POLL_SECONDS = 3


def _watcher() -> str:
    """Who is watching, for the count: a member by their account, a visitor by a random id kept
    in their session cookie (hashed before it is stored)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    if "watcher" not in session:
        session["watcher"] = secrets.token_hex(16)
    return f"visitor:{session['watcher']}"


@bp.get("")
def index(slug: str):
    chapter = chapters.get_chapter(slug)
    membership = access.membership_of(current_user, chapter)
    return render_template("sessions/index.html", chapter=chapter, membership=membership,
                           sessions=bargaining_sessions.list_sessions(current_user, chapter), now=proposals.now())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    chapter = chapters.get_chapter(slug)
    membership = access.membership_of(current_user, chapter)
    access.require(policy.can_log_bargaining_entry(current_user, membership), membership,
                   gettext("Only electeds open bargaining sessions."))
    form = SessionForm()
    form.proposal_ids.choices = proposals.proposal_titles(chapter)
    form.mandate_ids.choices = mandates.mandate_titles(current_user, chapter)
    if request.method == "GET":
        form.proposal_ids.data = [p for p in [request.args.get("proposal", type=int)] if p]
    if form.validate_on_submit():
        draft = bargaining_sessions.SessionDraft(
            subject=form.subject.data or "", counterparty=form.counterparty.data or "",
            at_the_table=form.at_the_table.data or "", starts_at=to_utc(form.starts_at.data, chapter),
            note_taker_email=form.note_taker_email.data or "", proposal_ids=form.proposal_ids.data or [],
            mandate_ids=form.mandate_ids.data or [], embargo_until=to_utc(form.embargo_until.data, chapter))
        followed = submit(form, lambda: bargaining_sessions.open_session(current_user, chapter, draft),
                          success=gettext("The session is open. Members following you have been told."),
                          done=lambda opened: url_for("sessions.show", slug=slug, session_id=opened.id))
        if followed:
            return followed
    bylaws = access.bylaws_of(chapter)
    return render_template("sessions/new.html", chapter=chapter, membership=membership, form=form, bylaws=bylaws), \
        422 if form.errors else 200


def _page(slug: str, session_id: int, entry_form: SessionEntryForm | None = None,
          close_form: CloseSessionForm | None = None, urgent_form: UrgentCallForm | None = None, status: int = 200):
    chapter = chapters.get_chapter(slug)
    view = bargaining_sessions.get_session(current_user, chapter, session_id, watcher=_watcher())
    return render_template("sessions/show.html", chapter=chapter, membership=access.membership_of(current_user, chapter),
                           view=view, entry_form=entry_form or SessionEntryForm(),
                           close_form=close_form or CloseSessionForm(), urgent_form=urgent_form or UrgentCallForm(),
                           action_form=ActionForm(),
                           poll_seconds=POLL_SECONDS, now=proposals.now(), temperatures=list(Temperature)), status


@bp.get("/<int:session_id>")
def show(slug: str, session_id: int):
    return _page(slug, session_id)


@bp.get("/<int:session_id>/live")
def live(slug: str, session_id: int):
    """The page's live part alone, for static/live.js; a 304 when nothing this viewer sees
    has changed since the version they hold."""
    chapter = chapters.get_chapter(slug)
    view = bargaining_sessions.get_session(current_user, chapter, session_id, watcher=_watcher())
    return live_part(view.version, lambda: render_template(
        "sessions/_live.html", chapter=chapter, view=view, action_form=ActionForm(), now=proposals.now(),
        temperatures=list(Temperature)))


@bp.post("/<int:session_id>/entries")
@login_required
def post_entry(slug: str, session_id: int):
    chapter = chapters.get_chapter(slug)
    form = SessionEntryForm()
    if form.validate_on_submit():
        followed = submit(form, lambda: bargaining_sessions.post_entry(
            current_user, chapter, session_id, EntryKind(form.kind.data), form.body.data or "", form.corrects_id.data),
                          success=lambda entry: gettext("Posted and sealed. Shown to watchers from %(when)s.",
                                                        when=local(entry.release_at, chapter)),
                          done=lambda _: url_for("sessions.show", slug=slug, session_id=session_id) + "#post",
                          refused=url_for("sessions.show", slug=slug, session_id=session_id))
        if followed:
            return followed
    return _page(slug, session_id, entry_form=form, status=422)


@bp.post("/<int:session_id>/entries/<int:session_entry_id>/<any(hold, acceptable):temperature>")
@login_required
def react(slug: str, session_id: int, session_entry_id: int, temperature: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    chapter = chapters.get_chapter(slug)
    back = url_for("sessions.show", slug=slug, session_id=session_id) + f"#entry-{session_entry_id}"
    return submit(None, lambda: bargaining_sessions.react(current_user, chapter, session_id, session_entry_id,
                                                          Temperature(temperature)),
                  success="", done=lambda _: back, refused=back)


@bp.post("/<int:session_id>/urgent-vote")
@login_required
def urgent_vote(slug: str, session_id: int):
    chapter = chapters.get_chapter(slug)
    form = UrgentCallForm()
    if form.validate_on_submit():
        call = bargaining_sessions.UrgentCall(form.question.data or "", form.directive.data or "",
                                              form.reason.data or "", form.deadline.data)
        followed = submit(form, lambda: bargaining_sessions.call_urgent_vote(current_user, chapter, session_id, call),
                          success=lambda proposal: gettext("The vote is called, on the urgent track.") if proposal.urgent
                          else gettext("The vote is called; members co-signing put it on the urgent track."),
                          done=lambda proposal: url_for("proposals.show", slug=slug, proposal_id=proposal.id),
                          refused=url_for("sessions.show", slug=slug, session_id=session_id))
        if followed:
            return followed
    return _page(slug, session_id, urgent_form=form, status=422)


@bp.post("/<int:session_id>/close")
@login_required
def close(slug: str, session_id: int):
    chapter = chapters.get_chapter(slug)
    form = CloseSessionForm()
    if form.validate_on_submit():
        followed = submit(form, lambda: bargaining_sessions.close_session(current_user, chapter, session_id,
                                                                          form.summary.data or ""),
                          success=gettext("The session is closed; its record stays public to whoever could watch it."),
                          done=lambda _: url_for("sessions.show", slug=slug, session_id=session_id),
                          refused=url_for("sessions.show", slug=slug, session_id=session_id))
        if followed:
            return followed
    return _page(slug, session_id, close_form=form, status=422)
