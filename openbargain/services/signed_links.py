"""Signed, expiring links (itsdangerous). Single use is each caller's business."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
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
        raise InvalidToken("This link has expired. Ask for a new one.")
    except BadSignature:
        raise InvalidToken("This link is not valid. Check that you copied all of it.")
    if not isinstance(payload, dict):
        raise InvalidToken("This link is not valid.")
    return payload
