"""POST /api/v1/tokens and /api/v1/tokens/refresh."""
from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address

from openbargain.api import bp
from openbargain.api.auth import refresh, token_pair
from openbargain.api.schemas import body_of
from openbargain.extensions import limiter
from openbargain.services import accounts


def _limits_off() -> bool:
    return not current_app.config["RATE_LIMITS_ENABLED"]


@bp.post("/tokens")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], exempt_when=_limits_off)
def create_tokens():
    data = body_of({"email": (str, 254), "password": (str, 128)})
    user = accounts.authenticate(data["email"], data["password"], get_remote_address())
    return token_pair(user), 201


@bp.post("/tokens/refresh")
def refresh_tokens():
    data = body_of({"refresh_token": (str, 4096)})
    return token_pair(refresh(data["refresh_token"])), 201
