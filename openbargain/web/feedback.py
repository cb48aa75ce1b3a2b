"""Telling a refused action on the page it came from, for one-button actions."""
from __future__ import annotations

from flask import flash

from openbargain.services.errors import DomainError


def flash_refusal(exc: DomainError) -> None:
    """A refusal becomes a message on the next page; a 404 stays a 404 (nothing to tell)."""
    if exc.status == 404:
        raise exc
    details = " ".join(m for messages in exc.errors.values() for m in messages)
    flash(f"{exc.message} {details}".strip() if details and details != exc.message else exc.message, "error")
