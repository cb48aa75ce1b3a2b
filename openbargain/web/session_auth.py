"""Flask-Login wiring: the session names a user *and* their session version."""
from __future__ import annotations

from flask import Flask

from openbargain.extensions import db, login_manager
from openbargain.models import User


def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
