"""JSON API v1 (/api/v1): bearer tokens only, problem+json errors, the same services as the pages."""
from __future__ import annotations

from flask import Blueprint, request

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def _conditional(response):
    """Reads carry an ETag; a client sending If-None-Match gets 304 when nothing changed."""
    if request.method == "GET" and response.status_code == 200 and response.is_json:
        response.add_etag()
        response.make_conditional(request)
    return response


from openbargain.api import actions, errors, more, openapi, resources, tokens  # noqa: E402,F401  (their routes register on bp)
from openbargain.api.limits import limit_per_token  # noqa: E402

limit_per_token(bp)
