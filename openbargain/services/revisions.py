"""What changed between two revisions of a proposal, line by line."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from flask_babel import gettext


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def _as_lines(snapshot: dict) -> list[str]:
    lines = [gettext("Title: %(value)s", value=snapshot["title"]),
             gettext("Decision: %(value)s", value=snapshot["decision"]),
             gettext("Deadline: %(value)s", value=snapshot["deadline"]),
             gettext("Ballot: %(value)s", value=snapshot["ballot_kind"].replace("_", "/")),
             gettext("Visibility: %(value)s", value=snapshot["visibility"]),
             gettext("Urgent: yes") if snapshot["urgent"] else gettext("Urgent: no"), ""]
    lines += snapshot["body"].splitlines() + [""]
    for option in snapshot["options"]:
        lines.append(gettext("Option %(label)s: %(directive)s", label=option["label"],
                             directive=option["directive"] or gettext("(the elected keeps discretion)")))
    lines.append(gettext("If no decision: %(directive)s", directive=snapshot["fallback_directive"] or gettext("(none)")))
    return lines


def compare(old: dict | None, new: dict) -> list[DiffLine]:
    kinds = {" ": "same", "+": "added", "-": "removed"}
    before = _as_lines(old) if old else []
    return [DiffLine(kinds[line[0]], line[2:]) for line in difflib.ndiff(before, _as_lines(new)) if line[0] in kinds]
