"""What every resource module stands on: its blueprint class (the request parser that turns bad
input into problems, the resource's tag in the document) and the chapter a request names."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser

from openbargain.api.auth import needs_scope, token_required
from openbargain.api.errors import ApiProblem, field_errors, invalid
from openbargain.models import Chapter
from openbargain.services import access, chapters


class Parser(FlaskParser):
    def load_json(self, req, schema):
        data = req.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiProblem(400, "Bad Request", "Send a JSON object (Content-Type: application/json).")
        return data

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        ((location, messages),) = error.messages.items()
        where = "request body" if location == "json" else "query"
        raise invalid(f"The {where} has invalid fields.", field_errors(messages))


class Resource(Blueprint):
    """One resource of the API; its operations are tagged with its name in the document."""

    ARGUMENTS_PARSER = Parser()

    def route(self, rule, *, parameters=None, tags=None, **options):
        return super().route(rule, parameters=parameters, tags=tags or [self.name], **options)

    def operation(self, method: str, rule: str, *, returns, status: int = 200, auth=token_required, body=None,
                  query=None, scope: str | None = None, **doc):
        """One operation, declared once: who may call it (`auth`: token_required, optional_token or
        public; `scope` when its method does not say it), the JSON body and query it takes (the view
        receives them first, body before query), what it answers. The token is checked before the
        body is read, so an anonymous caller learns nothing of the body's shape."""
        def declare(view):
            operation = self.response(status, returns)(view)
            if doc:
                operation = self.doc(**doc)(operation)
            if query is not None:
                operation = self.arguments(query, location="query")(operation)
            if body is not None:
                operation = self.arguments(body)(operation)
            operation = auth(operation)
            if scope is not None:
                operation = needs_scope(scope)(operation)
            return self.route(rule, methods=[method])(operation)
        return declare


def visible_chapter(slug: str) -> Chapter:
    chapter = chapters.get_chapter(slug)
    access.require_chapter_visible(g.api_user, chapter)
    return chapter
