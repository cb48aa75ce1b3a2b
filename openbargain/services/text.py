"""Rules for text members type, written once for forms, the API and imports alike."""
from __future__ import annotations

import re

# Line breaks (including Unicode's), tabs and other control characters: a single-line field that
# held one would break a mail header, a CSV row or a page heading.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ONE_LINE = "Use one line of text: no line breaks, tabs or control characters."


def breaks_the_line(value: str | None) -> bool:
    return bool(value) and _CONTROL.search(value) is not None
