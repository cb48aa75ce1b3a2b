"""The bulletin board: what is published after a count, and the hashes that seal it.

Pure functions shared by the app (when it certifies) and by anyone checking a result from its
export (openbargain.tally.verify): the same bytes in give the same hashes out.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from fractions import Fraction
from typing import Any, Iterable, Sequence

from openbargain.tally.ballots import RankedBallots, YesNoBallots
from openbargain.tally.registry import count_ranked
from openbargain.tally.result import TallyResult
from openbargain.tally.yesno import tally_yes_no


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_order(contents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(contents, key=canonical)


def ballot_set_hash(contents: Iterable[dict[str, Any]]) -> str:
    """SHA-256 over the ballots' contents in canonical order: the same ballots, however stored or
    listed, give the same hash. It also seeds the lot that breaks a final tie."""
    h = hashlib.sha256(b"openbargain-ballot-set/1")
    for content in canonical_order(contents):
        h.update(b"\n" + canonical(content).encode())
    return h.hexdigest()


def board_hash(roll_hash: str, tracker_hashes: Sequence[str], contents: Iterable[dict[str, Any]]) -> str:
    """The board's entries — the sorted tracker hashes, then the ballots in canonical order — each
    chained to the one before; the last link seals the whole board."""
    link = hashlib.sha256(f"openbargain-board/1:{roll_hash}".encode()).hexdigest()
    for tracker in sorted(tracker_hashes):
        link = hashlib.sha256(f"{link}:tracker:{tracker}".encode()).hexdigest()
    for content in canonical_order(contents):
        link = hashlib.sha256(f"{link}:ballot:{canonical(content)}".encode()).hexdigest()
    return link


def count_contents(
    method: str,
    options: Sequence[str],
    contents: Iterable[dict[str, Any]],
    *,
    seats: int = 1,
    threshold: str | None = None,
    roll_size: int,
    quorum: Fraction,
) -> TallyResult:
    """Counts ballot contents as the app stores them: {"choice": yes|no|abstain} or
    {"ranking": [labels]} (an empty ranking is a blank ballot, an abstention)."""
    contents = list(contents)
    seed = ballot_set_hash(contents)
    if method == "yes_no":
        tallies = Counter(c["choice"] for c in contents)
        unknown = set(tallies) - {"yes", "no", "abstain"}
        if unknown:
            raise ValueError(f"unknown yes/no choice(s): {sorted(unknown)}")
        ballots = YesNoBallots(tallies["yes"], tallies["no"], tallies["abstain"])
        return tally_yes_no(ballots, threshold=threshold or "majority", roll_size=roll_size, quorum=quorum)
    groups = Counter(tuple(c["ranking"]) for c in contents)
    ranked = RankedBallots.from_groups(list(options), [(list(r), n) for r, n in sorted(groups.items())])
    return count_ranked(method, ranked, seats=seats, seed=seed, roll_size=roll_size, quorum=quorum)
