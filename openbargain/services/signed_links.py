"""Signed, expiring links (itsdangerous). Single use is each caller's business."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from openbargain.services.errors import InvalidToken


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"openbargain.{purpose}")


def sign(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age: timedelta | None) -> dict[str, Any]:
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()) if max_age else None)
    except SignatureExpired:
        raise InvalidToken(_("This link has expired. Ask for a new one."))
    except BadSignature:
        raise InvalidToken(_("This link is not valid. Check that you copied all of it."))
    if not isinstance(payload, dict):
        raise InvalidToken(_("This link is not valid."))
    return payload


def unsubscribe_link(user_id: int, kind: str) -> str:
    """The link in a notice mail that stops that kind of mail for its member without logging in
    (RFC 8058's one-click unsubscribe). It does not expire: a mail read a year later still works."""
    token = sign("unsubscribe", {"u": user_id, "k": kind})
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for("notices.unsubscribe", token=token, _external=True)


def read_unsubscribe_link(token: str) -> tuple[Any, Any]:
    """The (user id, kind) an unsubscribe link names, as signed; InvalidToken when it is not ours."""
    payload = unsign("unsubscribe", token, None)
    return payload.get("u"), payload.get("k")
