"""JSON API v1 (/api/v1): bearer tokens only, problem+json errors, the same services as the pages."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from openbargain.api import actions, errors, openapi, resources, tokens  # noqa: E402,F401  (their routes register on bp)
