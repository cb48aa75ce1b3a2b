"""Flask-Login wiring: the session names a user *and* one of their server-side login sessions."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from openbargain.extensions import login_manager
from openbargain.models import User
from openbargain.services import login_sessions


def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not (user_id.isdigit() and token):
        return None
    user = login_sessions.user_for_session(int(user_id), token)
    if user is not None:
        user.login_token = token
    return user


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see that page.")
    login_manager.localize_callback = str  # the message is flashed in the request's language, as text
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
