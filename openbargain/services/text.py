"""Rules for text members type, written once for forms, the API and imports alike."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import gettext
from openbargain.models.proposal import REASON_MAX
from openbargain.services.errors import ValidationFailed

def _(message: str) -> str:
    """Marks a rule's words for the translation catalog; they are translated where they are said."""
    return message


# Line breaks (including Unicode's), tabs and other control characters: a single-line field that
# held one would break a mail header, a CSV row or a page heading.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ONE_LINE = _("Use one line of text: no line breaks, tabs or control characters.")


def breaks_the_line(value: str | None) -> bool:
    return bool(value) and _CONTROL.search(value) is not None


def required_reason(reason: str | None, missing: str) -> str:
    """A reason members will read (for hiding a comment, urgency, withdrawing): trimmed, present, short."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", missing)
    if len(reason) > REASON_MAX:
        raise ValidationFailed.on("reason", gettext("Use at most %(count)d characters.", count=REASON_MAX))
    return reason


def check_one_line(errors: dict[str, list[str]], name: str, value: str, limit: int,
                   missing: str | None = None) -> None:
    """A form's one-line field (a title, a place): said in `errors` if it is empty and must not be
    (`missing` says so), too long, or breaks the line."""
    if not value:
        if missing:
            errors[name] = [missing]
    elif len(value) > limit:
        errors[name] = [gettext("Use at most %(count)d characters.", count=limit)]
    elif breaks_the_line(value):
        errors[name] = [gettext(ONE_LINE)]


def web_address_problem(url: str, limit: int, not_web: str | None = None) -> str | None:
    """What is wrong with a link, or None: an http(s) address of at most `limit` characters.
    `not_web` says what an address that is not a web address is refused with (by default, as an
    evidence link)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return not_web or gettext("An evidence link is a web address starting with http:// or https://.")
    if len(url) > limit:
        return gettext("Use at most %(count)d characters.", count=limit)
    return None
