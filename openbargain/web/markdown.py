"""Markdown for members' text: rendered by Python-Markdown, then sanitised by nh3 (Ammonia),
so no raw HTML, script or unsafe link survives whatever is typed."""
from __future__ import annotations

import re

import markdown as md
import nh3
from markupsafe import Markup

TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}


# A page's own h1 and h2 frame what members write: their headings come in below them, kept as
# headings (# and ## become h3, deeper ones h4) rather than dropped to paragraphs.
_HEADING = re.compile(r"<(/?)h([1-6])>")


def _nested(match: re.Match) -> str:
    return f"<{match.group(1)}h{3 if int(match.group(2)) <= 2 else 4}>"


def render_markdown(text: str | None) -> Markup:
    html = _HEADING.sub(_nested, md.markdown(text or "", extensions=["sane_lists"], output_format="html"))
    return Markup(nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                            link_rel="nofollow noopener noreferrer"))
