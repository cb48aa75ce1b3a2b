"""Words said later, in the reader's language. A notice to a whole roll is written once and read by
each member in their own language; a mail to many is rendered once for each language among its
recipients; a chat room is told in its chapter's language. So a notice keeps its catalog message
and the values that fill it, not the words, until someone reads it.

`phrase("The vote on “%(title)s” is open", title=…)` marks the message for the catalog (babel.cfg
extracts `phrase` as it does `_`). A value may be words already said in each offered language
(`each_language`), for what is itself made of several translated parts, like a result's outcome.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_skeleton
from flask import has_request_context
from flask_babel import force_locale, get_locale, gettext

from openbargain.i18n import offered


class Localized(dict):
    """The same words in each offered language (language code → words); said in the current one.
    Stored as a plain mapping (JSON), which `say` reads the same way."""

    def __str__(self) -> str:
        return _pick(self)


@dataclass(frozen=True)
class Phrase:
    message: str  # a catalog message with %(name)s fields
    values: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return say(self.message, self.values)


def phrase(message: str, **values: Any) -> Phrase:
    return Phrase(message, values)


def say(message: str, values: dict[str, Any] | None = None) -> str:
    """The message in the current language, its fields filled (a Localized value in that language)."""
    filled = {name: _pick(value) if isinstance(value, dict) else value for name, value in (values or {}).items()}
    return gettext(message, **filled)


def _pick(words: dict[str, str]) -> str:
    return words.get(str(get_locale())) or next(iter(words.values()), "")


def language_for(*preferred: str | None) -> str:
    """The first of these languages the site offers (a member's choice, then their chapter's), else
    the site's default: the language of a mail or chat message nobody's browser asked for."""
    languages = offered()
    return next((code for code in preferred if code in languages), languages[0])


def dated(value: date, english: str, skeleton: str) -> str:
    """A date in the current language: English as the pages always wrote it (a strftime format);
    another language as the Unicode CLDR says it writes these fields (a skeleton such as "MMMd",
    or "full"), so no language needs a pattern of its own."""
    language = get_locale()
    if language is None or language.language == "en":
        return value.strftime(english)
    if skeleton == "full":
        return format_date(value, "full", locale=language)
    return format_skeleton(skeleton, value, locale=language)


ENGLISH = "%a %-d %b %Y, %H:%M %Z"


def local_time(moment: datetime, zone: str, english: str = ENGLISH) -> str:
    """A moment on a chapter's clock (its time zone's name), in the current language (in English,
    in this strftime format)."""
    there = moment.astimezone(ZoneInfo(zone))
    language = get_locale()
    if language is None or language.language == "en":
        return there.strftime(english)
    return format_datetime(there, "EEE d MMM y, HH:mm", tzinfo=there.tzinfo, locale=language) + there.strftime(" %Z")


def page_language() -> str | None:
    """The language of the page being answered (None outside a request)."""
    locale = get_locale() if has_request_context() else None
    return str(locale) if locale else None


def each_language(make: Callable[[], str]) -> Localized:
    """What `make` says, said once in each offered language."""
    said = Localized()
    for code in offered():
        with force_locale(code):
            said[code] = make()
    return said


def in_language(code: str, words: Any) -> str:
    """Words (a Phrase, Localized or plain text) said in this language."""
    with force_locale(code):
        return str(words)
