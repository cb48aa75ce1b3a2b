"""The OpenAPI 3.1 document, generated from the resources' own declarations, and its page."""
from __future__ import annotations

import http

from flask import current_app, render_template
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response

from openbargain.api.fields import Problem
from openbargain.problems import PROBLEM

DESCRIPTION = (
    "Members direct their electeds, in the open. Authenticate with `Authorization: Bearer <token>`: an access "
    "token from `POST /api/v1/tokens`, or a personal access token. A personal access token holds scopes: `read` "
    "for reading, `write` for any other change, `vote` for casting a ballot. Errors are RFC 9457 problem "
    "documents; `errors` names each field and what is wrong with it. Reads carry an ETag.")


class Document(Api):
    """flask-smorest's spec, with our problem documents as every error and no error handlers of its
    own (the API blueprint answers problems; the pages keep their HTML errors)."""

    ERROR_SCHEMA = Problem

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            if status >= 400:
                response = {"description": status.phrase, "schema": self.ERROR_SCHEMA}
                prepare_response(response, self.spec, PROBLEM)
                self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem document", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def create(app) -> Document:
    document = Document(app, spec_kwargs={"title": "openbargain API", "version": "1", "openapi_version": "3.1.0",
                                          "info": {"description": DESCRIPTION}})
    document.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    app.extensions["openbargain.api"] = document
    return document


def spec() -> dict:
    return current_app.extensions["openbargain.api"].spec.to_dict()


def register_routes(bp: Blueprint) -> None:
    @bp.route("/openapi.json", methods=["GET"])
    @bp.doc(security=[], summary="This document", responses={"200": {
        "description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}})
    def openapi():
        return spec()

    @bp.route("/docs", methods=["GET"])
    @bp.doc(security=[], summary="This document as a page", responses={"200": {
        "description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}})
    def docs():
        return render_template("api/docs.html", doc=spec())
