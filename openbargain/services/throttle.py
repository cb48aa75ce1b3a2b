"""Failed logins are throttled per account, and per account and address, not per address alone:
sixty members at a general meeting share one address and must all get in, while fifteen wrong
passwords for one account must not all get a hearing. The per-address limit on the login routes
is only a generous ceiling against abuse. Counts live in the rate limiter's storage (memory, or a
shared Redis when several app servers run), keyed by a hash of the email, never the email itself.
"""
from __future__ import annotations

import hashlib
import time

from flask import current_app
from flask_babel import gettext
from limits import parse_many

from openbargain.extensions import limiter
from openbargain.services.errors import DomainError


class TooManyAttempts(DomainError):
    status = 429
    title = "Too many attempts"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _rules(email: str, address: str) -> list[tuple[str, tuple[str, ...]]]:
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    cfg = current_app.config
    return [(cfg["LOGIN_FAILURES_PER_ACCOUNT"], ("login-failures", account)),
            (cfg["LOGIN_FAILURES_PER_ACCOUNT_ADDRESS"], ("login-failures", account, address))]


def _enabled() -> bool:
    return bool(current_app.config["RATELIMIT_ENABLED"])


def check_allowed(rules: list[tuple[str, tuple[str, ...]]], message) -> None:
    """Refuses while any rule's failures are spent; `message(seconds)` says how long to wait."""
    if not _enabled():
        return
    strategy = limiter.limiter
    for spec, keys in rules:
        for limit in parse_many(spec):
            if not strategy.test(limit, *keys):
                reset_at, _ = strategy.get_window_stats(limit, *keys)
                wait = max(1, int(reset_at - time.time()))
                raise TooManyAttempts(message(wait), retry_after=wait)


def record_failure(rules: list[tuple[str, tuple[str, ...]]]) -> None:
    if not _enabled():
        return
    for spec, keys in rules:
        for limit in parse_many(spec):
            limiter.limiter.hit(limit, *keys)


def check_login_allowed(email: str, address: str) -> None:
    """Refuses before the password is even checked, so a throttled guess learns nothing."""
    check_allowed(_rules(email, address), lambda wait: gettext(
        "Too many wrong passwords for this account. Try again in %(seconds)d seconds, or reset your password.",
        seconds=wait))


def record_failed_login(email: str, address: str) -> None:
    record_failure(_rules(email, address))
