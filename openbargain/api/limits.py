"""Rate limits per token (per address without one); a 429 says when to retry."""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app
from flask_limiter.util import get_remote_address

from openbargain.api.auth import bearer
from openbargain.extensions import limiter


def _key() -> str:
    token = bearer()
    # A hash, so tokens never sit in the limiter's storage (which may be a shared Redis).
    return "token:" + hashlib.sha256(token.encode()).hexdigest() if token else "ip:" + get_remote_address()


def limit_per_token(bp: Blueprint) -> None:
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_key)(bp)
