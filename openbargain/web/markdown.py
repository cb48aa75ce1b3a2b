"""Markdown for members' text: rendered by Python-Markdown, then sanitised by nh3 (Ammonia),
so no raw HTML, script or unsafe link survives whatever is typed."""
from __future__ import annotations

import markdown as md
import nh3
from markupsafe import Markup

TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str | None) -> Markup:
    html = md.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return Markup(nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                            link_rel="nofollow noopener noreferrer"))
