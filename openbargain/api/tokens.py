"""Tokens: log in for a pair of JWTs, rotate them, and your personal access tokens for scripts."""
from __future__ import annotations

from flask import current_app, g
from flask_limiter.util import get_remote_address
from marshmallow import fields, validate

from openbargain.api.auth import public, refresh, token_pair
from openbargain.api.base import Resource
from openbargain.api.fields import Body, Moment, Shape, Text, Through, Whole, items
from openbargain.extensions import limiter
from openbargain.models import TOKEN_SCOPES
from openbargain.models.api_token import TOKEN_NAME_MAX
from openbargain.models.user import EMAIL_MAX
from openbargain.services import accounts, api_tokens
from openbargain.services.accounts import PASSWORD_MAX

blp = Resource("tokens", __name__, description="Access tokens: JWTs from the password, and personal "
                                               "access tokens with chosen scopes for scripts.")

JWT_MAX = 4096


class Login(Body):
    email = Text(EMAIL_MAX, required=True)
    password = Text(PASSWORD_MAX, required=True)


class Refresh(Body):
    refresh_token = Text(JWT_MAX, required=True)


class TokenPair(Shape):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, validate=validate.OneOf(["Bearer"]))
    expires_in = fields.Integer(required=True)


class NewPersonalToken(Body):
    name = Text(TOKEN_NAME_MAX, required=True)
    days = Whole(required=True, validate=validate.Range(1, api_tokens.MAX_DAYS))
    scopes = fields.List(fields.String(validate=validate.OneOf(TOKEN_SCOPES)), required=True,
                         validate=validate.Length(min=1, max=len(TOKEN_SCOPES)))


class PersonalToken(Shape):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    scopes = fields.Function(lambda t: [s for s in TOKEN_SCOPES if s in t.scope_set], required=True,
                             metadata={"type": "array", "items": {"enum": list(TOKEN_SCOPES)}})
    created_at = Moment(required=True)
    expires_at = Moment(required=True)
    revoked_at = Moment(required=True, allow_none=True)


class PersonalTokenMade(PersonalToken):
    token = fields.String(required=True, metadata={"description": "The token itself, shown this once."})


class PersonalTokens(Shape):
    items = items(PersonalToken, required=True)


@blp.operation("POST", "/tokens", returns=TokenPair, status=201, auth=public, body=Login)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def create_tokens(data):
    """Log in: an access token (15 minutes) and a refresh token (30 days)"""
    return token_pair(accounts.authenticate(data["email"], data["password"], get_remote_address()))


@blp.operation("POST", "/tokens/refresh", returns=TokenPair, status=201, auth=public, body=Refresh)
def refresh_tokens(data):
    """Exchange a refresh token, once, for a new pair"""
    return token_pair(refresh(data["refresh_token"]))


@blp.operation("GET", "/personal-tokens", returns=PersonalTokens)
def personal_token_list():
    """Your personal access tokens, newest first (never the tokens themselves)"""
    return {"items": api_tokens.tokens_of(g.api_user)}


@blp.operation("POST", "/personal-tokens", returns=PersonalTokenMade, status=201, body=NewPersonalToken)
def personal_token_create(data):
    """Make a personal access token; a token may only make tokens with scopes it holds itself"""
    record, secret = api_tokens.create_token(g.api_user, data["name"], data["days"], data["scopes"],
                                             within=g.api_scopes)
    return Through(record, token=secret)  # the token itself, beside its record, this once


@blp.operation("DELETE", "/personal-tokens/<int:token_id>", returns=PersonalToken)
def personal_token_revoke(token_id: int):
    """Revoke one of your personal access tokens"""
    return api_tokens.revoke_token(g.api_user, token_id)
