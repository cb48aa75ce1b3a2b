"""The bulletin board: what is published after a count, and the hashes that seal it.

Pure functions shared by the app (when it certifies) and by anyone checking a result from its
export (openbargain.tally.verify): the same bytes in give the same hashes out.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import cached_property
from fractions import Fraction
from typing import Any, Iterable, Iterator, Sequence

from openbargain.tally.ballots import RankedBallots, YesNoBallots
from openbargain.tally.registry import count_ranked
from openbargain.tally.result import TallyResult
from openbargain.tally.yesno import tally_yes_no


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _shape(content: dict[str, Any]) -> tuple | None:
    """A hashable stand-in for the two shapes of ballot the app writes, so that each distinct
    ballot is serialised once however often it was cast (a million ballots over eight options
    repeat about a hundred thousand contents). Anything else is serialised ballot by ballot."""
    if len(content) == 1:
        if type(ranking := content.get("ranking")) is list and all(type(label) is str for label in ranking):
            return ("ranking", *ranking)
        if type(choice := content.get("choice")) is str:
            return ("choice", choice)
    return None


class BallotSet:
    """Ballot contents in canonical order, held as the distinct contents with how many ballots
    carry each: the hashes, the board and the count walk each distinct ballot's canonical text,
    computed once, instead of serialising or even holding a million dictionaries."""

    def __init__(self, contents: Iterable[dict[str, Any]] = ()) -> None:
        self._set(self._lines_of(contents))

    @staticmethod
    def _lines_of(contents: Iterable[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any], int]]:
        lines: dict[tuple, str] = {}
        for content in contents:
            shape = _shape(content)
            line = lines.get(shape) if shape is not None else None
            if line is None:
                line = canonical(content)
                if shape is not None:
                    lines[shape] = line
            yield line, content, 1

    @classmethod
    def from_groups(cls, groups: Iterable[tuple[str, dict[str, Any], int]]) -> "BallotSet":
        """From (canonical line, its content, how many ballots) triples; a line may come again."""
        ballots = cls.__new__(cls)
        ballots._set(groups)
        return ballots

    def _set(self, groups: Iterable[tuple[str, dict[str, Any], int]]) -> None:
        counts: Counter[str] = Counter()
        parsed: dict[str, dict[str, Any]] = {}
        for line, content, n in groups:
            if line not in parsed:
                parsed[line] = content
            counts[line] += n
        self.groups = [(line, parsed[line], counts[line]) for line in sorted(counts)]
        self.size = sum(counts.values())

    @property
    def lines(self) -> Iterator[str]:
        for line, _, n in self.groups:
            for _ in range(n):
                yield line

    @property
    def contents(self) -> Iterator[dict[str, Any]]:
        for _, content, n in self.groups:
            for _ in range(n):
                yield content

    @cached_property
    def hash(self) -> str:
        """SHA-256 over the contents in canonical order: the same ballots, however stored or
        listed, give the same hash. It also seeds the lot that breaks a final tie."""
        h = hashlib.sha256(b"openbargain-ballot-set/1")
        for line, _, n in self.groups:
            h.update((b"\n" + line.encode()) * n)
        return h.hexdigest()

    def board_hash(self, roll_hash: str, tracker_hashes: Sequence[str]) -> str:
        """The board's entries — the sorted tracker hashes, then the ballots in canonical order —
        each chained to the one before; the last link seals the whole board."""
        sha256 = hashlib.sha256
        link = sha256(f"openbargain-board/1:{roll_hash}".encode()).hexdigest()
        for tracker in sorted(tracker_hashes):
            link = sha256(f"{link}:tracker:{tracker}".encode()).hexdigest()
        for line, _, n in self.groups:
            entry = f":ballot:{line}".encode()
            for _ in range(n):
                link = sha256(link.encode() + entry).hexdigest()
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
    seed = ballots.hash
    if method == "yes_no":
        tallies: Counter[str] = Counter()
        for _, content, n in ballots.groups:
            tallies[content["choice"]] += n
        unknown = set(tallies) - {"yes", "no", "abstain"}
        if unknown:
            raise ValueError(f"unknown yes/no choice(s): {sorted(unknown)}")
        ballots = YesNoBallots(tallies["yes"], tallies["no"], tallies["abstain"])
        return tally_yes_no(ballots, threshold=threshold or "majority", roll_size=roll_size, quorum=quorum)
    groups: Counter[tuple[str, ...]] = Counter()
    for _, content, n in ballots.groups:
        groups[tuple(content["ranking"])] += n
    ranked = RankedBallots.from_groups(list(options), [(list(r), n) for r, n in sorted(groups.items())])
    return count_ranked(method, ranked, seats=seats, seed=seed, roll_size=roll_size, quorum=quorum)
