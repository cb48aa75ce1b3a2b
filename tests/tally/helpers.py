from __future__ import annotations

import json
from pathlib import Path

from openbargain.tally import RankedBallots
from openbargain.tally.csvfile import read_ranked

ELECTIONS = Path(__file__).parent / "elections"


def ranked(groups: list[tuple[str, int]], options: str | None = None) -> RankedBallots:
    """ranked([("ABC", 3), ("B", 2)]) — one letter an option."""
    names = sorted(set(options or "".join(r for r, _ in groups)))
    return RankedBallots.from_groups(names, [(list(r), c) for r, c in groups])


def election(name: str) -> tuple[RankedBallots, dict]:
    folder = ELECTIONS / name
    with open(folder / "ballots.csv", encoding="utf-8", newline="") as fh:
        ballots = read_ranked(fh)
    return ballots, json.loads((folder / "expected.json").read_text())
