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


def _check_options(options: Sequence[str]) -> tuple[str, ...]:
    options = tuple(options)
    if not options:
        raise ValueError("a ballot set needs at least one option")
    for name in options:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"option names must be non-empty strings, got {name!r}")
    if len(set(options)) != len(options):
        raise ValueError("option names must be distinct")
    return options


def _check_count(count: object, where: str) -> int:
    if isinstance(count, bool) or not isinstance(count, Integral):
        raise ValueError(f"{where}: the count {count!r} is not a whole number")
    if count < 0:
        raise ValueError(f"{where}: the count {count} is negative")
    return int(count)


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
        return cls(options, ranks, np.asarray(counts, dtype=np.int64).reshape(-1))

    @classmethod
    def from_arrays(cls, options: Sequence[str], ranks: np.ndarray, counts: np.ndarray) -> "RankedBallots":
        """For large sets built as arrays: row i ranks option indices, -1 after its last choice."""
        options = _check_options(options)
        ranks = np.ascontiguousarray(ranks, dtype=np.int16)
        counts = np.ascontiguousarray(counts, dtype=np.int64)
        if ranks.ndim != 2 or counts.ndim != 1 or len(ranks) != len(counts):
            raise ValueError("ranks must be a 2-d array with one row per count")
        n = len(options)
        bad = np.flatnonzero((counts < 0))
        if bad.size:
            raise ValueError(f"ballot {bad[0] + 1}: the count {counts[bad[0]]} is negative")
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

    def groups(self) -> list[tuple[tuple[str, ...], int]]:
        """The set as (ranking, count) pairs, merged and in canonical order."""
        merged: dict[tuple[int, ...], int] = {}
        for row, count in zip(self.ranks.tolist(), self.counts.tolist()):
            key = tuple(i for i in row if i != PAD)
            merged[key] = merged.get(key, 0) + count
        return [(tuple(self.options[i] for i in key), merged[key]) for key in sorted(merged)]

    def digest(self) -> str:
        """SHA-256 of the canonical ballot set: the same ballots give the same digest,
        whatever their order or grouping. It seeds the lot that breaks a final tie."""
        if self._digest is None:
            h = hashlib.sha256()
            h.update(json.dumps(list(self.options), ensure_ascii=False).encode())
            for ranking, count in self.groups():
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
