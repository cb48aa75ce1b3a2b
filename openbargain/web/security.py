"""Security headers on every response; the policy forbids inline scripts and styles."""
from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def headers_for(app: Flask) -> list[tuple[str, str]]:
    """What every response carries, for a response built without Flask (api/fast_cast.py)."""
    return list(HEADERS.items()) + ([HSTS] if app.config.get("SESSION_COOKIE_SECURE") else [])


def _headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.after_request(_hsts)


def _hsts(response: Response) -> Response:
    response.headers.setdefault(*HSTS)
    return response
