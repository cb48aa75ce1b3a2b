"""Friendly error pages; a DomainError that escapes a view becomes its status page."""
from __future__ import annotations

import logging

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from openbargain.problems import API_PREFIX, problem
from openbargain.services.errors import DomainError

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Log in first"), _l("You need to log in to see this page.")),
    403: (_l("Not allowed"), _l("Your role in this chapter does not allow this.")),
    404: (_l("Not found"), _l("There is nothing here, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("That action is not available here.")),
    409: (_l("Not possible now"), _l("This cannot be done at this stage.")),
    413: (_l("Too large"), _l("The file you sent is too large.")),
    429: (_l("Slow down"), _l("Too many attempts. Wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An error on our side stopped this page. It has been logged.")),
}


def render_error(status: int, detail: str | None = None):
    title, default = MESSAGES.get(status, MESSAGES[400])
    return render_template("errors/error.html", status=status, title=str(title), detail=detail or str(default)), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(400, gettext("This form expired or did not come from this site. Go back, reload the page "
                                         "and try again."))

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if exc.status == 404 and request.method == "GET" and not current_user.is_authenticated:
            # A visitor who is not logged in may be a member whose session ended (arriving from a
            # "the vote is open" mail): send them to log in and back. Whether the page exists or is
            # for members only, the answer is the same, so it tells outsiders nothing.
            flash(gettext("Log in to see that page. Some pages are for the chapter's members only."), "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return render_error(exc.status if exc.status in MESSAGES else 400, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith(API_PREFIX):  # no API route matched: still answer as the API does
            return problem(exc.code or 500, exc.name, exc.description or exc.name)
        return render_error(exc.code or 500, None if exc.code in MESSAGES else exc.description)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return render_error(500)
