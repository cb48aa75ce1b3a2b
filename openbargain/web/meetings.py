"""General meetings' pages: the list and calling one (steering); a meeting's page, where members
check in and find the vote open; the tellers' attendance page; the chair's controls (call to order,
open and close votes, adjourn); and the room's screen, for the projector."""
from __future__ import annotations

import segno
from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from markupsafe import Markup

from openbargain import policy
from openbargain.services import access, chapters, due, meeting_votes, meetings, results
from openbargain.web.feedback import submit
from openbargain.web.forms import ActionForm, CheckInForm, MeetingForm, MeetingVoteForm, TellerCheckInForm
from openbargain.web.live import live_part
from openbargain.web.timezones import to_local_naive, to_utc

bp = Blueprint("meetings", __name__, url_prefix="/c/<slug>/meetings")

# The room's screen and a sitting meeting's page keep themselves current (static/meeting.js) so that
# the code, the count of those present and the turnout do; without the script, the screen and the
# page of a member checked in (who has nothing to type there) reload themselves.
SCREEN_REFRESH_SECONDS = 5
PAGE_REFRESH_SECONDS = 10


@bp.get("")
@login_required
def index(slug: str):
    chapter = chapters.get_chapter(slug)
    listed = meetings.list_meetings(current_user, chapter)
    return render_template("meetings/index.html", chapter=chapter, membership=access.membership_of(current_user, chapter),
                           listed=listed)


def _draft(form: MeetingForm, chapter) -> meetings.MeetingDraft:
    return meetings.MeetingDraft(
        title=form.title.data or "", starts_at=to_utc(form.starts_at.data, chapter),
        ends_at=to_utc(form.ends_at.data, chapter), place=form.place.data or "", video_url=form.video_url.data or "",
        remote_check_in=bool(form.remote_check_in.data), chair_email=form.chair_email.data or "",
        teller_emails=tuple((form.teller_emails.data or "").split()), agenda=tuple(form.agenda.data or ()))


def _agenda_choices(chapter, form: MeetingForm, view: meetings.MeetingView | None = None) -> None:
    """The proposals in deliberation, and those the meeting has on its agenda already (voted on or not)."""
    offered = meetings.proposals_for_agenda(current_user, chapter)
    offered += [p for p in (view.agenda if view else []) if p not in offered]
    form.agenda.choices = [(p.id, p.title) for p in offered]


def _form_page(chapter, form: MeetingForm, view: meetings.MeetingView | None = None):
    _agenda_choices(chapter, form, view)
    return render_template("meetings/form.html", chapter=chapter, membership=access.membership_of(current_user, chapter),
                           form=form, view=view), 422 if form.errors else 200


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    chapter = chapters.get_chapter(slug)
    membership = access.membership_of(current_user, chapter)
    access.require(policy.can_schedule(current_user, membership), membership,
                   gettext("Only the steering committee calls general meetings."))
    form = MeetingForm()
    if request.method == "POST":
        _agenda_choices(chapter, form)
        if form.validate_on_submit():
            followed = submit(form, lambda: meetings.call_meeting(current_user, chapter, _draft(form, chapter)),
                              success=gettext("The meeting is called: members are told."),
                              done=lambda m: url_for("meetings.show", slug=slug, meeting_id=m.id))
            if followed:
                return followed
    return _form_page(chapter, form)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, meeting_id: int):
    chapter = chapters.get_chapter(slug)
    view = meetings.get_meeting(current_user, chapter, meeting_id)
    access.require(policy.can_schedule(current_user, view.membership), view.membership,
                   gettext("Only the steering committee changes meetings."))
    m = view.meeting
    form = MeetingForm() if request.method == "POST" else MeetingForm(
        title=m.title, starts_at=to_local_naive(m.starts_at, chapter), ends_at=to_local_naive(m.ends_at, chapter),
        place=m.place, video_url=m.video_url, remote_check_in=m.remote_check_in, chair_email=m.chair.user.email,
        teller_emails="\n".join(t.user.email for t in view.tellers), agenda=[p.id for p in view.agenda])
    if request.method == "POST":
        _agenda_choices(chapter, form, view)
        if form.validate_on_submit():
            followed = submit(form, lambda: meetings.change_meeting(current_user, chapter, meeting_id,
                                                                    _draft(form, chapter)),
                              success=gettext("Meeting changed."), done=lambda _: _back(slug, meeting_id))
            if followed:
                return followed
    return _form_page(chapter, form, view)


def _back(slug: str, meeting_id: int) -> str:
    return url_for("meetings.show", slug=slug, meeting_id=meeting_id)


def _live_context(chapter, meeting_id: int, check_in_form=None, vote_form=None) -> dict:
    due.settle_due(chapter)  # a vote whose time is up is certified before anyone reads the meeting
    view = meetings.get_meeting(current_user, chapter, meeting_id)
    return dict(chapter=chapter, membership=view.membership, view=view, check_in_form=check_in_form or CheckInForm(),
                action_form=ActionForm(),
                vote_form=vote_form or MeetingVoteForm(minutes=access.bylaws_of(chapter).meeting_vote_minutes))


def _page(slug: str, meeting_id: int, check_in_form=None, vote_form=None, status: int = 200):
    chapter = chapters.get_chapter(slug)
    context = _live_context(chapter, meeting_id, check_in_form, vote_form)
    view = context["view"]
    sitting = view.status.value in ("doors_open", "in_session")
    return render_template("meetings/show.html", **context,
                           version=meetings.live_version(current_user, chapter, meeting_id) if sitting else None,
                           live_every=PAGE_REFRESH_SECONDS if sitting else None,
                           refresh=PAGE_REFRESH_SECONDS if sitting and view.checked_in and not view.runs else None), \
        status


@bp.get("/<int:meeting_id>/live")
@login_required
def live(slug: str, meeting_id: int):
    """The meeting page's live part alone."""
    chapter = chapters.get_chapter(slug)
    return live_part(meetings.live_version(current_user, chapter, meeting_id),
                      lambda: render_template("meetings/_live.html", **_live_context(chapter, meeting_id)))


@bp.get("/<int:meeting_id>")
@login_required
def show(slug: str, meeting_id: int):
    return _page(slug, meeting_id)


@bp.route("/<int:meeting_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(slug: str, meeting_id: int):
    """Where the room's code leads (the QR code carries it): the code filled in, one button."""
    chapter = chapters.get_chapter(slug)
    form = CheckInForm() if request.method == "POST" else CheckInForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        followed = submit(form, lambda: meetings.check_in(current_user, chapter, meeting_id, code=form.code.data),
                          success=gettext("You are checked in."), done=lambda _: _back(slug, meeting_id),
                          refused=_back(slug, meeting_id))
        if followed:
            return followed
    view = meetings.get_meeting(current_user, chapter, meeting_id)
    return render_template("meetings/check_in.html", chapter=chapter, membership=view.membership, view=view,
                           form=form), 422 if form.errors else 200


def _act(slug: str, meeting_id: int, action, success: str):
    """A button on the meeting's page: done or refused, back to the page with what happened."""
    chapter = chapters.get_chapter(slug)
    form = ActionForm()
    if not form.validate_on_submit():
        return _page(slug, meeting_id, status=400)
    return submit(None, lambda: action(chapter), success=success, done=lambda _: _back(slug, meeting_id),
                  refused=_back(slug, meeting_id))


@bp.post("/<int:meeting_id>/check-in/online")
@login_required
def check_in_online(slug: str, meeting_id: int):
    return _act(slug, meeting_id, lambda c: meetings.check_in(current_user, c, meeting_id, remote=True),
                gettext("You are checked in, online."))


@bp.post("/<int:meeting_id>/leave")
@login_required
def leave(slug: str, meeting_id: int):
    return _act(slug, meeting_id, lambda c: meetings.leave(current_user, c, meeting_id),
                gettext("You have left the meeting: you no longer count for its quorum."))


@bp.post("/<int:meeting_id>/order")
@login_required
def call_to_order(slug: str, meeting_id: int):
    return _act(slug, meeting_id, lambda c: meetings.call_to_order(current_user, c, meeting_id),
                gettext("The meeting is called to order."))


@bp.post("/<int:meeting_id>/adjourn")
@login_required
def adjourn(slug: str, meeting_id: int):
    return _act(slug, meeting_id, lambda c: meetings.adjourn(current_user, c, meeting_id),
                gettext("The meeting is adjourned."))


@bp.post("/<int:meeting_id>/cancel")
@login_required
def cancel(slug: str, meeting_id: int):
    return _act(slug, meeting_id, lambda c: meetings.cancel_meeting(current_user, c, meeting_id),
                gettext("The meeting is cancelled: members are told."))


@bp.post("/<int:meeting_id>/votes")
@login_required
def open_vote(slug: str, meeting_id: int):
    chapter = chapters.get_chapter(slug)
    form = MeetingVoteForm()
    if form.validate_on_submit() and form.proposal_id.data.isdigit():
        followed = submit(form, lambda: meeting_votes.open_vote(current_user, chapter, meeting_id, int(form.proposal_id.data),
                                                           form.minutes.data),
                          success=gettext("The vote is open."), done=lambda _: _back(slug, meeting_id),
                          refused=_back(slug, meeting_id))
        if followed:
            return followed
    return _page(slug, meeting_id, vote_form=form, status=422)


@bp.post("/<int:meeting_id>/votes/<int:referendum_id>/close")
@login_required
def close_vote(slug: str, meeting_id: int, referendum_id: int):
    return _act(slug, meeting_id, lambda c: meeting_votes.close_vote(current_user, c, meeting_id, referendum_id),
                gettext("Every ballot is in: the vote is closed and its result certified."))


def _attendance_page(slug: str, meeting_id: int, form=None, status: int = 200):
    chapter = chapters.get_chapter(slug)
    view, attendees, absent = meetings.attendance(current_user, chapter, meeting_id)
    return render_template("meetings/attendance.html", chapter=chapter, membership=view.membership, view=view,
                           attendees=attendees, absent=absent, form=form or TellerCheckInForm(),
                           action_form=ActionForm()), status


@bp.get("/<int:meeting_id>/attendance")
@login_required
def attendance(slug: str, meeting_id: int):
    return _attendance_page(slug, meeting_id)


def _to_attendance(slug: str, meeting_id: int) -> str:
    return url_for("meetings.attendance", slug=slug, meeting_id=meeting_id)


@bp.post("/<int:meeting_id>/attendance")
@login_required
def check_in_member(slug: str, meeting_id: int):
    chapter = chapters.get_chapter(slug)
    form = TellerCheckInForm()
    if form.validate_on_submit():
        followed = submit(form, lambda: meetings.check_in_member(current_user, chapter, meeting_id, form.email.data),
                          success=gettext("Checked in."), done=lambda _: _to_attendance(slug, meeting_id),
                          refused=_to_attendance(slug, meeting_id))
        if followed:
            return followed
    return _attendance_page(slug, meeting_id, form, status=422)


@bp.post("/<int:meeting_id>/departures")
@login_required
def record_departure(slug: str, meeting_id: int):
    chapter = chapters.get_chapter(slug)
    form = TellerCheckInForm()
    if not form.validate_on_submit():
        return _attendance_page(slug, meeting_id, status=400)
    return submit(None, lambda: meetings.leave(current_user, chapter, meeting_id, form.email.data),
                  success=gettext("Recorded as gone."), done=lambda _: _to_attendance(slug, meeting_id),
                  refused=_to_attendance(slug, meeting_id))


def _screen_context(chapter, meeting_id: int) -> dict:
    due.settle_due(chapter)
    shown = meetings.screen(current_user, chapter, meeting_id)
    qr = None
    if shown.code is not None:
        link = current_app.config["BASE_URL"].rstrip("/") + url_for("meetings.check_in", slug=chapter.slug,
                                                                    meeting_id=meeting_id, code=shown.code)
        qr = Markup(segno.make(link, error="m").svg_inline(scale=1, omitsize=True, svgclass="qr",
                                                           title=gettext("Check-in code")))
    last = shown.last_result
    return dict(chapter=chapter, membership=shown.view.membership, shown=shown, view=shown.view, qr=qr,
                sentence=results.outcome_sentence(last.result, last.referendum) if last else None)


@bp.get("/<int:meeting_id>/screen")
@login_required
def screen(slug: str, meeting_id: int):
    """For the projector: large type, the check-in code and its QR code, who is present against the
    quorum, the vote open and its turnout, the last result. Never a partial count."""
    chapter = chapters.get_chapter(slug)
    context = _screen_context(chapter, meeting_id)
    return render_template("meetings/screen.html", **context, refresh=SCREEN_REFRESH_SECONDS,
                           version=meetings.screen_version(current_user, chapter, meeting_id))


@bp.get("/<int:meeting_id>/screen/live")
@login_required
def screen_live(slug: str, meeting_id: int):
    chapter = chapters.get_chapter(slug)
    return live_part(meetings.screen_version(current_user, chapter, meeting_id),
                      lambda: render_template("meetings/_screen_live.html", **_screen_context(chapter, meeting_id)))
