"""The bulletin board: what is published after a count, and the hashes that seal it.

Pure functions shared by the app (when it certifies) and by anyone checking a result from its
export (openbargain.tally.verify): the same bytes in give the same hashes out.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import cached_property
from operator import itemgetter
from fractions import Fraction
from typing import Any, Iterable, Sequence

from openbargain.tally.ballots import RankedBallots, YesNoBallots
from openbargain.tally.registry import count_ranked
from openbargain.tally.result import TallyResult
from openbargain.tally.yesno import tally_yes_no


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class BallotSet:
    """Ballot contents in canonical order, each one's canonical text computed once: certifying
    100,000 ballots hashes, chains and counts them without serialising any of them twice."""

    def __init__(self, contents: Iterable[dict[str, Any]]) -> None:
        keyed = sorted(((canonical(c), c) for c in contents), key=itemgetter(0))
        self.lines = [line for line, _ in keyed]
        self.contents = [content for _, content in keyed]

    @cached_property
    def hash(self) -> str:
        """SHA-256 over the contents in canonical order: the same ballots, however stored or
        listed, give the same hash. It also seeds the lot that breaks a final tie."""
        h = hashlib.sha256(b"openbargain-ballot-set/1")
        for line in self.lines:
            h.update(b"\n" + line.encode())
        return h.hexdigest()

    def board_hash(self, roll_hash: str, tracker_hashes: Sequence[str]) -> str:
        """The board's entries — the sorted tracker hashes, then the ballots in canonical order —
        each chained to the one before; the last link seals the whole board."""
        link = hashlib.sha256(f"openbargain-board/1:{roll_hash}".encode()).hexdigest()
        for tracker in sorted(tracker_hashes):
            link = hashlib.sha256(f"{link}:tracker:{tracker}".encode()).hexdigest()
        for line in self.lines:
            link = hashlib.sha256(f"{link}:ballot:{line}".encode()).hexdigest()
        return link


def count_contents(
    method: str,
    options: Sequence[str],
    contents: Iterable[dict[str, Any]] | BallotSet,
    *,
    seats: int = 1,
    threshold: str | None = None,
    roll_size: int,
    quorum: Fraction,
) -> TallyResult:
    """Counts ballot contents as the app stores them: {"choice": yes|no|abstain} or
    {"ranking": [labels]} (an empty ranking is a blank ballot, an abstention)."""
    ballots = contents if isinstance(contents, BallotSet) else BallotSet(contents)
    contents, seed = ballots.contents, ballots.hash
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
