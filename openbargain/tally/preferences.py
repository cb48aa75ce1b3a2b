"""Where each ballot group currently sits: the column of its highest continuing choice.

Shared by instant-runoff and STV. Only the groups sitting with an option that leaves the count
are moved on, so later rounds cost what they move, not the whole ballot set.
"""
from __future__ import annotations

import numpy as np

from openbargain.tally.ballots import PAD, RankedBallots


class Preferences:
    def __init__(self, ballots: RankedBallots) -> None:
        n = len(ballots.options)
        self.exhausted = n  # the holder index of a ballot with no continuing choice left
        # Padding becomes index n, which is never continuing.
        self.ranks = np.where(ballots.ranks == PAD, n, ballots.ranks).astype(np.int16)
        self.continuing = np.ones(n + 1, dtype=bool)
        self.continuing[n] = False
        rows = len(self.ranks)
        self.position = np.zeros(rows, dtype=np.int16)
        self.holder = self.ranks[:, 0].astype(np.int64) if rows else np.zeros(0, dtype=np.int64)

    def remove(self, option: int) -> None:
        self.continuing[option] = False

    def move_on(self, rows: np.ndarray) -> np.ndarray:
        """Moves the given groups to their next continuing choice; returns their new holders."""
        if rows.size == 0:
            return np.zeros(0, dtype=np.int64)
        sub = self.ranks[rows]
        later = np.arange(sub.shape[1]) > self.position[rows, None]
        available = self.continuing[sub] & later
        found = available.any(axis=1)
        nxt = available.argmax(axis=1)
        holders = np.where(found, sub[np.arange(len(rows)), nxt], self.exhausted).astype(np.int64)
        self.position[rows] = np.where(found, nxt, sub.shape[1])
        self.holder[rows] = holders
        return holders

    def rows_held_by(self, option: int) -> np.ndarray:
        return np.flatnonzero(self.holder == option)


def weighted_totals(index: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Exact integer sums of weights by index (np.bincount would sum in floating point)."""
    totals = np.zeros(size, dtype=np.int64)
    np.add.at(totals, index, weights)
    return totals
