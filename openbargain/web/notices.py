"""A member's notifications: the list, what each kind sends them, and the one-click unsubscribe
link of every notice mail (no login: the signed link is the authority)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required

from openbargain.extensions import csrf
from openbargain.services import notifications
from openbargain.services.errors import InvalidToken
from openbargain.web.feedback import submit
from openbargain.web.forms import ActionForm, notification_preferences_form

bp = Blueprint("notices", __name__)


@bp.route("/notifications")
@login_required
def index():
    page = notifications.notices_of(current_user, request.args.get("page", 1, type=int))
    return render_template("notices/index.html", page=page, form=ActionForm())


@bp.route("/notifications/<int:notice_id>")
@login_required
def open_notice(notice_id: int):
    link = notifications.opened(current_user, notice_id)
    if link is None:
        abort(404)
    return redirect(link)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def read_all():
    if ActionForm().validate_on_submit():
        count = notifications.mark_read(current_user)
        flash(ngettext("%(num)d notice marked read.", "%(num)d notices marked read.", count), "success")
    return redirect(url_for("notices.index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def preferences():
    current = notifications.preferences_of(current_user)
    kinds = notifications.kinds_for(current_user)
    form = notification_preferences_form({name: kind.label for name, kind in kinds.items()},
                                         notifications.DELIVERIES, current)
    if form.validate_on_submit():
        followed = submit(form, lambda: notifications.set_preferences(
            current_user, {name: form[name].data for name in kinds}),
            success=gettext("Your notification settings are saved."), done=lambda _: url_for("notices.preferences"))
        if followed:
            return followed
    return render_template("notices/preferences.html", form=form, kinds=kinds,
                           digest_hour=notifications.DIGEST_HOUR), 422 if form.errors else 200


# A mail program's one-click unsubscribe POSTs here with no session and no form token (RFC 8058):
# the signed link is the whole authority, and all it can do is stop a kind of mail.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    try:
        if request.method == "POST":
            done = notifications.unsubscribe(token)
            return render_template("notices/unsubscribed.html", done=done, kinds=notifications.KINDS)
        found = notifications.read_unsubscribe(token)
    except InvalidToken as exc:
        return render_template("auth/link_invalid.html", message=exc.message), 400
    return render_template("notices/unsubscribe.html", found=found, kinds=notifications.KINDS)
