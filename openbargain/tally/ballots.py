"""Ballot sets: ranked ballots as groups (ranking, count), yes/no ballots as three counts.

A ranked set is held as two arrays — one row of option indices per distinct ranking (padded
with -1) and one count per row — so that counting a million ballots is array work, not a
Python loop. Building one checks everything and raises ValueError naming the bad ballot.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from numbers import Integral
from typing import Iterable, Sequence

import numpy as np

PAD = -1
# The documented bounds of an exact count. Every engine counts in 64-bit integers; the largest
# products they form are Meek's shares (ballots × 10⁹ and 10⁹ × 10⁹) and Scottish STV's surplus
# transfers (ballots × 10⁵ × 10⁵), which stay below 2⁶³ up to a hundred million ballots. Larger
# sets are refused with this message, never counted wrong.
MAX_BALLOTS = 10**8
MAX_OPTIONS = 2**15 - 1  # rankings are held as 16-bit option indices
TOO_MANY_BALLOTS = f"more than {MAX_BALLOTS:,} ballots: beyond what this count is checked to do exactly"
TOO_MANY_OPTIONS = f"more than {MAX_OPTIONS:,} options"


def control_character(name: str) -> str | None:
    """The first control character in a name (a NUL, a tab, a line break…), if any."""
    return next((ch for ch in name if ord(ch) < 32 or 127 <= ord(ch) < 160), None)


def _check_options(options: Sequence[str]) -> tuple[str, ...]:
    options = tuple(options)
    if not options:
        raise ValueError("a ballot set needs at least one option")
    if len(options) > MAX_OPTIONS:
        raise ValueError(TOO_MANY_OPTIONS)
    for name in options:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"option names must be non-empty strings, got {name!r}")
        if control_character(name) is not None:
            raise ValueError(f"option name {name!r} holds a control character")
    if len(set(options)) != len(options):
        raise ValueError("option names must be distinct")
    return options


def _check_count(count: object, where: str) -> int:
    if isinstance(count, bool) or not isinstance(count, Integral):
        raise ValueError(f"{where}: the count {count!r} is not a whole number")
    if count < 0:
        raise ValueError(f"{where}: the count {count} is negative")
    if count > MAX_BALLOTS:
        raise ValueError(f"{where}: {TOO_MANY_BALLOTS}")
    return int(count)


def _check_total(counts: np.ndarray) -> None:
    if int(counts.sum()) > MAX_BALLOTS:  # each count is at most MAX_BALLOTS: the sum cannot wrap
        raise ValueError(TOO_MANY_BALLOTS)


class RankedBallots:
    """Distinct rankings with their counts over a declared list of options."""

    __slots__ = ("options", "ranks", "counts", "_digest")

    def __init__(self, options: tuple[str, ...], ranks: np.ndarray, counts: np.ndarray) -> None:
        self.options = options
        self.ranks = ranks
        self.counts = counts
        self._digest: str | None = None

    @classmethod
    def from_groups(cls, options: Sequence[str], groups: Iterable[tuple[Sequence[str], int]]) -> "RankedBallots":
        options = _check_options(options)
        index = {name: i for i, name in enumerate(options)}
        rows: list[list[int]] = []
        counts: list[int] = []
        for number, group in enumerate(groups, start=1):
            try:
                ranking, count = group
            except (TypeError, ValueError):
                raise ValueError(f"ballot {number}: expected (ranking, count), got {group!r}")
            if isinstance(ranking, str):
                raise ValueError(f"ballot {number} {ranking!r}: a ranking is a sequence of option names, not one string")
            where = f"ballot {number} {list(ranking)!r}"
            counts.append(_check_count(count, where))
            row = []
            for name in ranking:
                if name not in index:
                    raise ValueError(f"{where}: unknown option {name!r}")
                row.append(index[name])
            if len(set(row)) != len(row):
                raise ValueError(f"{where}: an option is ranked more than once")
            rows.append(row)
        width = max((len(r) for r in rows), default=0)
        ranks = np.full((len(rows), max(width, 1)), PAD, dtype=np.int16)
        for i, row in enumerate(rows):
            ranks[i, : len(row)] = row
        counted = np.asarray(counts, dtype=np.int64).reshape(-1)
        _check_total(counted)
        return cls(options, ranks, counted)

    @classmethod
    def from_arrays(cls, options: Sequence[str], ranks: np.ndarray, counts: np.ndarray) -> "RankedBallots":
        """For large sets built as arrays: row i ranks option indices, -1 after its last choice."""
        options = _check_options(options)
        ranks = np.ascontiguousarray(ranks, dtype=np.int16)
        try:
            counts = np.ascontiguousarray(counts, dtype=np.int64)
        except OverflowError:
            raise ValueError(TOO_MANY_BALLOTS)
        if ranks.ndim != 2 or counts.ndim != 1 or len(ranks) != len(counts):
            raise ValueError("ranks must be a 2-d array with one row per count")
        n = len(options)
        bad = np.flatnonzero((counts < 0))
        if bad.size:
            raise ValueError(f"ballot {bad[0] + 1}: the count {counts[bad[0]]} is negative")
        bad = np.flatnonzero(counts > MAX_BALLOTS)
        if bad.size:
            raise ValueError(f"ballot {bad[0] + 1}: {TOO_MANY_BALLOTS}")
        _check_total(counts)
        bad = np.flatnonzero(((ranks < PAD) | (ranks >= n)).any(axis=1))
        if bad.size:
            raise ValueError(f"ballot {bad[0] + 1}: unknown option index in {ranks[bad[0]].tolist()}")
        # A -1 ends the ranking: nothing may follow it.
        padded = ranks == PAD
        bad = np.flatnonzero((padded[:, :-1] & ~padded[:, 1:]).any(axis=1))
        if bad.size:
            raise ValueError(f"ballot {bad[0] + 1}: a choice follows a blank in {ranks[bad[0]].tolist()}")
        ordered = np.sort(ranks, axis=1)
        dup = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] != PAD)
        bad = np.flatnonzero(dup.any(axis=1))
        if bad.size:
            raise ValueError(f"ballot {bad[0] + 1}: an option is ranked more than once in {ranks[bad[0]].tolist()}")
        return cls(options, ranks, counts)

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    @property
    def ranking_ballots(self) -> int:
        """Ballots that rank at least one option (the others are blank)."""
        return int(self.counts[self.ranks[:, 0] != PAD].sum()) if len(self.counts) else 0

    def groups(self) -> list[tuple[tuple[str, ...], int]]:
        """The set as (ranking, count) pairs, merged and in canonical order."""
        merged: dict[tuple[int, ...], int] = {}
        for row, count in zip(self.ranks.tolist(), self.counts.tolist()):
            key = tuple(i for i in row if i != PAD)
            merged[key] = merged.get(key, 0) + count
        return [(tuple(self.options[i] for i in key), merged[key]) for key in sorted(merged)]

    def digest(self) -> str:
        """SHA-256 of the canonical ballot set: the same ballots give the same digest, whatever
        the order of their rows, their grouping or the order the options were first named in
        (options sorted, rankings by name). It seeds the lot that breaks a final tie."""
        if self._digest is None:
            h = hashlib.sha256()
            h.update(json.dumps(sorted(self.options), ensure_ascii=False).encode())
            for ranking, count in sorted(self.groups()):
                if count:
                    h.update(b"\n" + json.dumps([count, list(ranking)], ensure_ascii=False).encode())
            self._digest = h.hexdigest()
        return self._digest


@dataclass(frozen=True)
class YesNoBallots:
    yes: int
    no: int
    abstain: int = 0

    def __post_init__(self) -> None:
        for name in ("yes", "no", "abstain"):
            _check_count(getattr(self, name), f"{name} ballots")

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain

    def digest(self) -> str:
        return hashlib.sha256(json.dumps([self.yes, self.no, self.abstain]).encode()).hexdigest()
