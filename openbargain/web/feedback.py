"""The one way a view runs a use-case, and how it tells a refusal on the page."""
from __future__ import annotations

from typing import Any, Callable

from flask import Response, flash, redirect, render_template

from openbargain.services.errors import DomainError, ValidationFailed
from openbargain.web.forms import StopForm, apply_errors


def flash_refusal(exc: DomainError) -> None:
    """A refusal becomes a message on the next page; a 404 stays a 404 (nothing to tell)."""
    if exc.status == 404:
        raise exc
    details = " ".join(m for messages in exc.errors.values() for m in messages)
    flash(f"{exc.message} {details}".strip() if details and details != exc.message else exc.message, "error")


def submit(form, action: Callable[[], Any], *, success: str | Callable[[Any], str],
           done: Callable[[Any], str | Response], refused: str | None = None) -> Response | None:
    """Runs a use-case. Done: the `success` message (or the one made from the result) and a
    redirect to `done(result)` (or the response it gives). Refused: field errors go back onto
    `form` (None: the view renders it again); any other refusal, and a field error with no form to
    show it, is a message on the page at `refused`; with no such page it is the error page's
    (403, 409, …) to tell."""
    try:
        result = action()
    except DomainError as exc:
        if form is not None and isinstance(exc, ValidationFailed):
            apply_errors(form, exc)
            return None
        if refused is None:
            raise
        flash_refusal(exc)
        return redirect(refused)
    message = success(result) if callable(success) else success
    if message:
        flash(message, "success")
    after = done(result)
    return redirect(after) if isinstance(after, str) else after


def confirm_with_reason(act: Callable[[str], Any], *, success: str, done: Callable[[Any], str], back: str,
                        **page) -> Response | tuple[str, int]:
    """Stopping what members started (withdrawing, cancelling) takes a confirmation page with the
    public reason: shown until the reason is given and the use-case has run."""
    form = StopForm()
    if form.validate_on_submit():
        followed = submit(form, lambda: act(form.reason.data), success=success, done=done, refused=back)
        if followed:
            return followed
    return render_template("proposals/confirm_stop.html", form=form, back=back, **page), 422 if form.errors else 200
