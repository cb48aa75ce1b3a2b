"""Telling a refused action on the page it came from, for one-button actions."""
from __future__ import annotations

from typing import Any, Callable

from flask import Response, flash, redirect

from openbargain.services.errors import DomainError, ValidationFailed
from openbargain.web.forms import apply_errors


def flash_refusal(exc: DomainError) -> None:
    """A refusal becomes a message on the next page; a 404 stays a 404 (nothing to tell)."""
    if exc.status == 404:
        raise exc
    details = " ".join(m for messages in exc.errors.values() for m in messages)
    flash(f"{exc.message} {details}".strip() if details and details != exc.message else exc.message, "error")


def submit(form, action: Callable[[], Any], *, success: str, done: Callable[[Any], str],
           refused: str) -> Response | None:
    """Runs a use-case for a validated form: on success a message and a redirect to `done(result)`;
    field errors go back onto the form (None: the view renders it again); any other refusal is a
    message on the page at `refused`."""
    try:
        result = action()
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return None
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(refused)
    if success:
        flash(success, "success")
    return redirect(done(result))
