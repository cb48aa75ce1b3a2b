"""Every API error is an RFC 9457 problem document."""
from __future__ import annotations

import logging

from flask import Blueprint
from werkzeug.exceptions import HTTPException

from openbargain.problems import problem
from openbargain.services.errors import DomainError

log = logging.getLogger(__name__)

UNAUTHORISED_HEADERS = {"WWW-Authenticate": 'Bearer realm="openbargain"'}


class ApiProblem(Exception):
    def __init__(self, status: int, title: str, detail: str, errors: dict | None = None,
                 headers: dict | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors, self.headers = status, title, detail, errors, headers


def invalid(detail: str, errors: dict[str, list[str]]) -> ApiProblem:
    return ApiProblem(422, "Unprocessable Content", detail, errors)


def unauthorised(detail: str) -> ApiProblem:
    return ApiProblem(401, "Unauthorized", detail, headers=UNAUTHORISED_HEADERS)


def field_errors(messages: dict) -> dict[str, list[str]]:
    """marshmallow's nested messages, one list of strings per top-level field ("item 2: …" for
    what is wrong inside a list or an object)."""
    def flatten(value, prefix: str) -> list[str]:
        if isinstance(value, dict):
            return [m for key, inner in value.items()
                    for m in flatten(inner, f"{prefix}{'item ' + str(key) if isinstance(key, int) else key}: ")]
        if isinstance(value, list):
            return [m for inner in value for m in flatten(inner, prefix)]
        return [prefix + str(value)]
    return {str(name): flatten(value, "") for name, value in messages.items()}


def _api_problem(exc: ApiProblem):
    return problem(exc.status, exc.title, exc.detail, exc.errors, exc.headers)


def _domain(exc: DomainError):
    retry = getattr(exc, "retry_after", None)
    return problem(exc.status, exc.title, exc.message, exc.errors or None,
                   headers={"Retry-After": str(retry)} if retry else None)


def _http(exc: HTTPException):
    headers = None
    if exc.code == 429:  # Flask-Limiter's limit: tell the client when to come back
        limit = getattr(exc, "limit", None)
        seconds = limit.limit.get_expiry() if limit is not None else 60
        headers = {"Retry-After": str(seconds)}
    return problem(exc.code or 500, exc.name, exc.description or exc.name, headers=headers)


def _unexpected(exc: Exception):
    log.exception("unhandled API error")
    return problem(500, "Internal Server Error", "An error on our side stopped this request. It has been logged.")


def register(bp: Blueprint) -> None:
    bp.register_error_handler(ApiProblem, _api_problem)
    bp.register_error_handler(DomainError, _domain)
    bp.register_error_handler(HTTPException, _http)
    bp.register_error_handler(Exception, _unexpected)
