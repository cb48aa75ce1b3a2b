"""Log in and out, passwords, invitations."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from openbargain import i18n
from openbargain.extensions import limiter
from openbargain.clock import now
from openbargain.models import User
from openbargain.services import accounts, api_tokens, login_sessions
from openbargain.services.errors import InvalidCredentials, InvalidToken
from openbargain.services.throttle import TooManyAttempts
from openbargain.web.feedback import submit
from openbargain.web.forms import (
    ActionForm,
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    ResetRequestForm,
    TokenForm,
    language_form,
)

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


def _log_in(user: User, remember: bool = False) -> None:
    """Starts a server-side login session for this browser, so logging out can end it."""
    user.login_token = login_sessions.start_session(user, request.user_agent.string or "")
    login_user(user, remember=remember)


def _switch_to(user: User | None, address: str) -> str:
    """This browser's session ends; `user`'s starts, when there is one. Returns where to go next."""
    logout_user()
    if user is not None:
        _log_in(user)
    return address


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, get_remote_address())
        except TooManyAttempts as exc:
            form.form_errors.append(exc.message)
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        except InvalidCredentials as exc:
            form.form_errors.append(exc.message)
        else:
            _log_in(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.post("/logout")
def logout():
    ActionForm().validate_on_submit()
    if current_user.is_authenticated:
        login_sessions.end_session(current_user.login_token)
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


def _saved_in_the_new_language(_user) -> str:
    refresh()  # the page's language was settled before the member chose another
    return _("Saved: the pages are now in the language you chose.")


def _language_form():
    return language_form(i18n.NAMES, i18n.offered(), current_user.locale)


def _account_page(password_form=None, token_form=None, new_token: str | None = None, status: int = 200):
    return render_template("auth/account.html", password_form=password_form or ChangePasswordForm(),
                           action_form=ActionForm(), token_form=token_form or TokenForm(),
                           language_form=_language_form() if len(i18n.offered()) > 1 else None,
                           tokens=api_tokens.tokens_of(current_user), new_token=new_token, now=now(),
                           sessions=login_sessions.active_sessions(current_user)), status


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return _account_page()


@bp.post("/account/language")
@login_required
def set_language():
    form = _language_form()
    back = url_for("auth.account")
    if not form.validate_on_submit():
        flash(_("Choose one of the languages offered."), "error")
        return redirect(back)
    return submit(None, lambda: accounts.set_language(current_user, form.language.data or None, i18n.offered()),
                  success=_saved_in_the_new_language,
                  done=lambda _user: back, refused=back)


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        followed = submit(form, lambda: api_tokens.create_token(current_user, form.name.data or "", form.days.data,
                                                                form.scopes.data or []),
                          success="", done=lambda made: _shown_once(made[1]))
        if followed:
            return followed
    return _account_page(token_form=form, status=422)


def _shown_once(secret: str):
    """The account page with the new token on it: never kept by a cache."""
    response = make_response(_account_page(new_token=secret))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if not ActionForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    return submit(None, lambda: api_tokens.revoke_token(current_user, token_id),
                  success=_("Token revoked: scripts using it stop working now."), done=lambda _: url_for("auth.account"))


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        followed = submit(form, lambda: accounts.change_password(current_user, form.current_password.data,
                                                                 form.new_password.data),
                          success=_("Password changed. Your other sessions and your access tokens are ended."),
                          done=lambda user: _switch_to(user, url_for("auth.account")))
        if followed:
            return followed
    return _account_page(password_form=form, status=422)


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    if ActionForm().validate_on_submit():
        accounts.log_out_everywhere(current_user)
        logout_user()
        flash(_("You are logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(_("If an account uses that email, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 200 if not form.errors else 422


def _link_invalid(exc: InvalidToken):
    return render_template("auth/link_invalid.html", message=exc.message), 400


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        accounts.user_for_reset_token(token)
    except InvalidToken as exc:
        return _link_invalid(exc)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            followed = submit(form, lambda: accounts.reset_password(token, form.password.data),
                              success=_("Your password is changed. Log in with it."),
                              done=lambda _: _switch_to(None, url_for("auth.login")))
        except InvalidToken as exc:
            return _link_invalid(exc)
        if followed:
            return followed
    return render_template("auth/reset_password.html", form=form), 200 if not form.errors else 422


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = accounts.invitation_for_token(token)
    except InvalidToken as exc:
        return _link_invalid(exc)
    needs_password = not invitation.user.has_account
    form = NewPasswordForm() if needs_password else ActionForm()
    if form.validate_on_submit():
        try:
            home = url_for("chapters.home", slug=invitation.chapter.slug)
            followed = submit(form, lambda: accounts.accept_invitation(token, form.password.data if needs_password
                                                                       else None),
                              success=_("Welcome to %(chapter)s.", chapter=invitation.chapter.name),
                              done=lambda accepted: _switch_to(accepted.user, home))
        except InvalidToken as exc:
            return _link_invalid(exc)
        if followed:
            return followed
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation,
                           needs_password=needs_password), 200 if not form.errors else 422
