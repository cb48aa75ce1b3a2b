"""Schulze (Condorcet): pairwise preferences, strongest paths by winning votes, full ranking.

A ballot prefers every option it ranks to every option it leaves unranked, and expresses no
preference between two unranked options.
"""
from __future__ import annotations

import numpy as np

from openbargain.tally.ballots import PAD, RankedBallots
from openbargain.tally.result import TallyResult
from openbargain.tally.ties import lot_key


def pairwise_matrix(ballots: RankedBallots) -> np.ndarray:
    """d[i, j] = how many ballots rank option i above option j."""
    n = len(ballots.options)
    rows, width = ballots.ranks.shape
    # position[g, option] = place of the option on ballot g; unranked options share place `width`.
    position = np.full((rows, n + 1), width, dtype=np.int16)
    ranks = np.where(ballots.ranks == PAD, n, ballots.ranks)
    position[np.arange(rows)[:, None], ranks] = np.arange(width, dtype=np.int16)
    position = position[:, :n]
    counts = ballots.counts
    d = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        prefers = position[:, i : i + 1] < position  # (rows, n): ballot ranks i above j
        d[i] = counts @ prefers
    np.fill_diagonal(d, 0)
    return d


def strongest_paths(d: np.ndarray) -> np.ndarray:
    """Widest paths where a link i→j has strength d[i, j] when it beats d[j, i] (winning votes)."""
    p = np.where(d > d.T, d, 0)
    n = len(d)
    for k in range(n):
        p = np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]))
    np.fill_diagonal(p, 0)
    return p


def tally_schulze(ballots: RankedBallots, *, seed: str | None = None) -> TallyResult:
    options = ballots.options
    n = len(options)
    d = pairwise_matrix(ballots)
    p = strongest_paths(d)
    beats = p > p.T
    # The Schulze relation is transitive: an option's place is the number of options beating it.
    beaten_by = beats.sum(axis=0)
    groups: dict[int, list[str]] = {}
    for i in range(n):
        groups.setdefault(int(beaten_by[i]), []).append(options[i])
    ranking = [sorted(groups[k]) for k in sorted(groups)]
    condorcet = [options[i] for i in range(n) if all(d[i, j] > d[j, i] for j in range(n) if j != i)]
    details: dict = {
        "pairwise": {options[i]: {options[j]: int(d[i, j]) for j in range(n) if j != i} for i in range(n)},
        "strongest_paths": {options[i]: {options[j]: int(p[i, j]) for j in range(n) if j != i} for i in range(n)},
        "ranking": ranking,
        "condorcet_winner": condorcet[0] if condorcet else None,
    }
    full_order: list[str] = []
    for place, group in enumerate(ranking, start=1):
        if len(group) > 1:
            lot_seed = seed or ballots.digest()
            group = sorted(group, key=lambda name: lot_key(lot_seed, place, name))
            details.setdefault("tie_breaks", []).append(
                {"among": sorted(group), "rule": "lot", "seed": lot_seed, "round": place, "lot_order": group})
        full_order.extend(group)
    details["order"] = full_order
    winners = (full_order[0],) if ballots.ranking_ballots else ()  # every ballot blank: nobody wins
    rounds = ({"round": 1, "ranking": ranking, "elected": list(winners)},)
    return TallyResult("schulze", options, 1, ballots.total, winners, "elected" if winners else "no_decision",
                       rounds, details)
