"""Every API error is an RFC 9457 problem document."""
from __future__ import annotations

import logging

from werkzeug.exceptions import HTTPException

from openbargain.api import bp
from openbargain.problems import problem
from openbargain.services.errors import DomainError

log = logging.getLogger(__name__)


class ApiProblem(Exception):
    def __init__(self, status: int, title: str, detail: str, errors: dict | None = None,
                 headers: dict | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors, self.headers = status, title, detail, errors, headers


@bp.errorhandler(ApiProblem)
def _api_problem(exc: ApiProblem):
    return problem(exc.status, exc.title, exc.detail, exc.errors, exc.headers)


@bp.errorhandler(DomainError)
def _domain(exc: DomainError):
    retry = getattr(exc, "retry_after", None)
    return problem(exc.status, exc.title, exc.message, exc.errors or None,
                   headers={"Retry-After": str(retry)} if retry else None)


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException):
    headers = None
    if exc.code == 429:  # Flask-Limiter's limit: tell the client when to come back
        limit = getattr(exc, "limit", None)
        seconds = limit.limit.get_expiry() if limit is not None else 60
        headers = {"Retry-After": str(seconds)}
    return problem(exc.code or 500, exc.name, exc.description or exc.name, headers=headers)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    log.exception("unhandled API error")
    return problem(500, "Internal Server Error", "An error on our side stopped this request. It has been logged.")
