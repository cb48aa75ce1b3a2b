"""The member's language. Each page is in the language the member chose on their account page;
else the best their browser asks for (Accept-Language) among those the site offers; else their
chapter's; else English. The API answers its problem titles in the language of Accept-Language.
What members write (proposals, comments) is never translated.

Flask-Babel reads the catalogs in openbargain/translations (compiled by `make install`);
LANGUAGES names the languages offered, the first being the default."""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, get_locale
from flask_login import current_user

from openbargain.problems import API_PREFIX

NAMES = {"en": "English", "es": "Español"}  # each in its own language: how a member finds theirs


def offered() -> list[str]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    languages = offered()
    if len(languages) == 1 or not has_request_context():
        return languages[0]
    api = request.path.startswith(API_PREFIX)
    if not api and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    browser = request.accept_languages.best_match(languages)
    if browser or api:
        return browser or languages[0]
    slug = (request.view_args or {}).get("slug")
    if slug:
        from openbargain.services.chapters import default_language

        chosen = default_language(slug)
        if chosen in languages:
            return chosen
    return languages[0]


def _choose_early() -> None:
    """A page's language is settled before its use-case runs: words are often first said after a
    failed statement (a unique key refusing a second signature), when the session can run no
    query, and the chapter's language may need one."""
    if request.endpoint != "static":
        get_locale()


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    app.before_request(_choose_early)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or offered()[0])
    from openbargain.web import words

    app.jinja_env.globals["words"] = words
    # Whitespace inside {% trans %} blocks is folded, so a catalog's entries do not depend on how
    # a template wraps its lines.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
