"""JSON API v1 (/api/v1): bearer tokens only, problem+json errors, the same services as the pages.

One module per resource, each with its own blueprint nested under this one; the OpenAPI document
is generated from their declarations (flask-smorest: marshmallow schemas validate each request,
shape each response and describe both)."""
from __future__ import annotations

from flask import Flask, request
from flask_smorest import Blueprint

from openbargain.api import (
    amendments,
    audit,
    bargaining,
    chapters,
    comments,
    document,
    elections,
    errors,
    limits,
    mandates,
    meetings,
    notifications,
    paper,
    petitions,
    platform,
    proposals,
    referenda,
    roster,
    sessions,
    tokens,
)

RESOURCES = (tokens, chapters, roster, proposals, comments, amendments, petitions, referenda, mandates, bargaining,
             sessions, platform, paper, elections, meetings, notifications, audit)

root = Blueprint("api", __name__, url_prefix="/api/v1")
document.register_routes(root)
for resource in RESOURCES:
    root.register_blueprint(resource.blp)
errors.register(root)
limits.limit_per_token(root)


@root.after_request
def _conditional(response):
    """Reads carry an ETag; a client sending If-None-Match gets 304 when nothing changed."""
    if request.method == "GET" and response.status_code == 200 and response.is_json:
        response.add_etag()
        response.make_conditional(request)
    return response


def init_app(app: Flask, csrf) -> None:
    document.create(app).register_blueprint(root)
    # Bearer tokens only: no cookie authenticates the API, so no CSRF.
    csrf.exempt(root)
    for resource in RESOURCES:
        csrf.exempt(resource.blp)
