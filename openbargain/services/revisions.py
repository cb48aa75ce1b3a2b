"""What changed between two revisions of a proposal, line by line."""
from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def _as_lines(snapshot: dict) -> list[str]:
    lines = [f"Title: {snapshot['title']}", f"Decision: {snapshot['decision']}",
             f"Deadline: {snapshot['deadline']}", f"Ballot: {snapshot['ballot_kind'].replace('_', '/')}",
             f"Visibility: {snapshot['visibility']}", f"Urgent: {'yes' if snapshot['urgent'] else 'no'}", ""]
    lines += snapshot["body"].splitlines() + [""]
    for option in snapshot["options"]:
        lines.append(f"Option {option['label']}: {option['directive'] or '(the elected keeps discretion)'}")
    lines.append(f"If no decision: {snapshot['fallback_directive'] or '(none)'}")
    return lines


def compare(old: dict | None, new: dict) -> list[DiffLine]:
    kinds = {" ": "same", "+": "added", "-": "removed"}
    before = _as_lines(old) if old else []
    return [DiffLine(kinds[line[0]], line[2:]) for line in difflib.ndiff(before, _as_lines(new)) if line[0] in kinds]
