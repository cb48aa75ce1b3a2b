"""python -m openbargain.tally.verify EXPORT.json — recount a certified referendum from its
published export alone, and check every hash. Exit status 0 when everything agrees, 1 at the
first disagreement (named), 2 when the file cannot be read.

It needs nothing of the web app: no Flask, no SQLAlchemy, no database — only this package.
"""
from __future__ import annotations

import json
import sys
from fractions import Fraction
from typing import Any

from openbargain.tally.board import BallotSet, count_contents

EXPORT_FORMAT = "openbargain-referendum-export/1"


def first_difference(expected: Any, actual: Any, path: str = "result") -> str | None:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                return f"{path}.{key} is missing from the recount"
            if key not in expected:
                return f"{path}.{key} appears in the recount but not in the certified result"
            found = first_difference(expected[key], actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path} has {len(expected)} entries certified but {len(actual)} recounted"
        for i, (e, a) in enumerate(zip(expected, actual)):
            found = first_difference(e, a, f"{path}[{i}]")
            if found:
                return found
        return None
    if expected != actual:
        return f"{path}: certified {expected!r}, recounted {actual!r}"
    return None


def verify_export(export: dict[str, Any]) -> list[str]:
    """Returns the disagreements, most fundamental first (empty when the export checks out)."""
    if export.get("format") != EXPORT_FORMAT:
        return [f"not an openbargain export (format {export.get('format')!r})"]
    ref = export["referendum"]
    ballots = BallotSet(export["ballots"])
    problems = []
    if ballots.hash != export["ballot_set_hash"]:
        problems.append("the ballots do not match the certified ballot-set hash")
    if ballots.board_hash(ref["roll_hash"], export["trackers"]) != export["board_hash"]:
        problems.append("the bulletin board (trackers and ballots) does not match its closing hash")
    paper = export.get("paper_ballots", 0)  # counted from paper: no tracker
    if len(export["trackers"]) + paper != ballots.size:
        problems.append(f"{len(export['trackers'])} trackers published (and {paper} paper ballots) for "
                        f"{ballots.size} ballots")
    recount = count_contents(ref["method"], ref["options"], ballots, seats=ref["seats"], threshold=ref["threshold"],
                             roll_size=ref["roll_size"], quorum=Fraction(ref["quorum_percent"], 100))
    difference = first_difference(export["result"], recount.to_dict())
    if difference:
        problems.append(difference)
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m openbargain.tally.verify EXPORT.json", file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as fh:
            export = json.load(fh)
        if export.get("ballots_withheld"):
            print(f"{args[0]}: cannot be recounted: {export['ballots_withheld']}", file=sys.stderr)
            return 2
        problems = verify_export(export)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"{args[0]}: cannot be checked: {exc!r}", file=sys.stderr)
        return 2
    if problems:
        print(f"DISAGREES: {problems[0]}")
        for more in problems[1:]:
            print(f"also: {more}")
        return 1
    result = export["result"]
    print(f"Verified: {len(export['ballots'])} ballots recounted; outcome {result['outcome']}"
          + (f" ({', '.join(result['winners'])})" if result["winners"] else "") + "; hashes agree.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
