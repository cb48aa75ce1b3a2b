"""Bearer tokens: short-lived access and longer-lived refresh JWTs (HS256, pinned on decode), and
personal access tokens.

Every JWT carries the user's session version: logging out everywhere or changing the password
bumps it, and every token issued before stops working; the same events revoke personal access
tokens. Roles are read from the database on each request, never trusted from the token.

A personal access token holds the scopes chosen when it was made: `read` for reading, `write` for
any other change, `vote` for casting. A JWT from logging in with the password holds them all.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from functools import wraps

import jwt
from flask import current_app, g, request
from flask_smorest import Blueprint

from openbargain.api.errors import ApiProblem, unauthorised
from openbargain.clock import now
from openbargain.models import TOKEN_SCOPES, User
from openbargain.services import api_tokens
from openbargain.services.errors import InvalidCredentials

AUDIENCE = "openbargain-api"
INVALID = "The token is missing, expired, revoked or not valid."
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)


def issue(user: User, kind: str) -> str:
    moment = now()
    ttl = ACCESS_TTL if kind == "access" else REFRESH_TTL
    claims = {"sub": str(user.id), "aud": AUDIENCE, "iat": int(moment.timestamp()),
              "exp": int((moment + ttl).timestamp()), "jti": uuid.uuid4().hex, "typ": kind,
              "ver": user.session_version}
    return jwt.encode(claims, current_app.secret_key, algorithm="HS256")


def token_pair(user: User) -> dict:
    return {"access_token": issue(user, "access"), "refresh_token": issue(user, "refresh"),
            "token_type": "Bearer", "expires_in": int(ACCESS_TTL.total_seconds())}


def _authenticate(token: str) -> None:
    """Sets who is asking and what their token may do, for the access token given."""
    if token.startswith(api_tokens.PREFIX):
        record = api_tokens.personal_token(token)
        if record is None:
            raise unauthorised(INVALID)
        g.api_user, g.api_scopes = record.user, record.scope_set
    else:
        g.api_user, g.api_scopes = _user_for_jwt(token, "access"), frozenset(TOKEN_SCOPES)
    needed = required_scope()
    if needed not in g.api_scopes:
        raise ApiProblem(403, "Forbidden", f"This token may not do this: it needs the “{needed}” scope, and holds "
                                           f"{', '.join(sorted(g.api_scopes))}. Make a token with that scope.")


def required_scope() -> str:
    """Casting needs `vote`; reading needs `read`; any other change needs `write`."""
    view = current_app.view_functions.get(request.endpoint)
    marked = getattr(view, "api_scope", None)
    if marked:
        return marked
    return "read" if request.method in ("GET", "HEAD") else "write"


def needs_scope(scope: str):
    """Marks a view whose operation needs a scope other than what its method implies."""
    def mark(view):
        view.api_scope = scope
        return view
    return mark


def refresh(token: str) -> User:
    """Exchanges a refresh token once: the next use of the same one is refused."""
    user = _user_for_jwt(token, "refresh")
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    try:
        api_tokens.spend_refresh_token(str(jti)[:32])
    except InvalidCredentials as exc:
        raise unauthorised(exc.message)
    return user


def _user_for_jwt(token: str, kind: str) -> User:
    refused = unauthorised(INVALID)
    try:
        # Times are checked below against the app's one clock (which tests move), not the OS clock.
        claims = jwt.decode(token, current_app.secret_key, algorithms=["HS256"], audience=AUDIENCE,
                            options={"require": ["exp", "iat", "sub", "aud", "jti"], "verify_exp": False,
                                     "verify_iat": False})
    except jwt.PyJWTError:
        raise refused
    if claims.get("typ") != kind or not str(claims.get("sub", "")).isdigit():
        raise refused
    moment = now().timestamp()
    if not (isinstance(claims["exp"], int) and isinstance(claims["iat"], int)) \
            or claims["exp"] <= moment or claims["iat"] > moment + 60:
        raise refused
    user = api_tokens.jwt_user(int(claims["sub"]), claims.get("ver"))
    if user is None:
        raise refused
    return user


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_required(view):
    """Only `Authorization: Bearer` authenticates the API — never the session cookie. Checked
    before the body is read, so an anonymous request learns nothing of the body's shape."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer()
        if token is None:
            raise unauthorised("Send an access token: Authorization: Bearer <token>.")
        _authenticate(token)
        return view(*args, **kwargs)
    return Blueprint.doc(security=[{"bearer": []}])(wrapper)


def optional_token(view):
    """Public resources answer without a token, and with one show what its user may see."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer()
        if token:
            _authenticate(token)
        else:
            g.api_user, g.api_scopes = None, frozenset()
        return view(*args, **kwargs)
    return Blueprint.doc(security=[{}, {"bearer": []}])(wrapper)


def public(view):
    """No token needed nor read (the token endpoints, the checkpoint, the document)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.api_user, g.api_scopes = None, frozenset()
        return view(*args, **kwargs)
    return Blueprint.doc(security=[])(wrapper)
