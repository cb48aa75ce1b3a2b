"""Meek's method of STV (Hill, Wichmann & Woodall 1987, as in New Zealand's rules): every
elected candidate keeps only the share of each vote it needs (its keep factor), so surpluses
flow on through the whole ballot, even past candidates elected later. Quota and keep factors
are recomputed until the surplus is negligible; then the lowest hopeful is excluded.

Fixed point with nine decimal places: vote shares round down, keep factors round up.
"""
from __future__ import annotations

import numpy as np

from openbargain.tally.ballots import RankedBallots
from openbargain.tally.preferences import weighted_totals
from openbargain.tally.result import TallyResult, fixed_str, no_ranking_ballots
from openbargain.tally.ties import choose

PLACES = 9
SCALE = 10**PLACES
TOLERANCE = 10**4  # stop iterating once the total surplus is under 0.00001 of a vote
MAX_ITERATIONS = 1000  # a safety net only: a count that reaches it says so in its record


def _distribute(ranks: np.ndarray, counts: np.ndarray, keep: np.ndarray, n: int) -> tuple[np.ndarray, int]:
    """One pass over the ballots: each candidate takes its keep factor of what reaches it."""
    remaining = np.full(len(counts), SCALE, dtype=np.int64)
    votes = np.zeros(n + 1, dtype=np.int64)
    for column in range(ranks.shape[1]):
        candidates = ranks[:, column]
        give = remaining * keep[candidates] // SCALE
        remaining -= give
        votes += weighted_totals(candidates, counts * give, n + 1)
    return votes[:n], int((counts * remaining).sum())


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def tally_meek_stv(ballots: RankedBallots, *, seats: int, seed: str | None = None) -> TallyResult:
    options = ballots.options
    n = len(options)
    if not 1 <= seats <= n:
        raise ValueError(f"seats must be between 1 and the number of options ({n}), got {seats}")
    if not ballots.ranking_ballots:
        return no_ranking_ballots("meek_stv", ballots, seats)
    ranks = np.where(ballots.ranks < 0, n, ballots.ranks)
    counts = ballots.counts
    keep = np.full(n + 1, SCALE, dtype=np.int64)
    keep[n] = 0
    hopeful = set(range(n))
    unconverged: list[int] = []
    elected: list[int] = []
    excluded: list[int] = []
    history: list[dict[str, int]] = []
    rounds: list[dict] = []

    while len(elected) < seats:
        record: dict = {"round": len(rounds) + 1}
        if len(hopeful) + len(elected) <= seats:
            record["action"] = "remaining_elected"
            votes, _ = _distribute(ranks, counts, keep, n)
            record["elected"] = sorted((options[i] for i in hopeful), key=lambda c: (-votes[options.index(c)], c))
            elected.extend(options.index(c) for c in record["elected"])
            hopeful.clear()
            record["votes"] = {options[i]: fixed_str(int(votes[i]), PLACES) for i in elected}
            rounds.append(record)
            break
        iterations, previous = 0, None
        while True:
            iterations += 1
            votes, excess = _distribute(ranks, counts, keep, n)
            quota = (int(votes.sum()) // (seats + 1)) + 1  # votes.sum() = valid votes - excess
            newly = [i for i in hopeful if votes[i] >= quota]
            surplus = sum(int(votes[i]) - quota for i in elected if votes[i] > quota)
            # Converged: the surplus is negligible, or it no longer shrinks — the fixed point the
            # nine-decimal arithmetic can reach (with many ballots, rounding alone exceeds 10⁻⁵).
            stop = "elected" if newly else "tolerance" if surplus < TOLERANCE else \
                "no_further_progress" if previous is not None and surplus >= previous else \
                "iteration_limit" if iterations >= MAX_ITERATIONS else None
            if stop:
                break
            previous = surplus
            for i in elected:
                keep[i] = min(SCALE, _ceil_div(int(keep[i]) * quota, int(votes[i])))
        tallies = {options[i]: int(votes[i]) for i in sorted(hopeful | set(elected))}
        record.update({
            "quota": fixed_str(quota, PLACES),
            "excess": fixed_str(excess, PLACES),
            "surplus": fixed_str(surplus, PLACES),
            "iterations": iterations,
            "converged": stop != "iteration_limit",
            "stopped_by": stop,
            "votes": {k: fixed_str(v, PLACES) for k, v in tallies.items()},
            "keep_factors": {options[i]: fixed_str(int(keep[i]), PLACES) for i in elected},
        })
        if stop == "iteration_limit":
            unconverged.append(record["round"])
        if newly:
            record["action"] = "elected"
            for i in sorted(newly, key=lambda i: (-votes[i], options[i]))[: seats - len(elected)]:
                hopeful.discard(i)
                elected.append(i)
                record.setdefault("elected", []).append(options[i])
        else:
            # Hopefuls closer than the surplus still to move are tied: the iteration could yet
            # reorder them (their exact limits are often equal), so the documented rule decides.
            fewest = min(votes[i] for i in hopeful)
            tied = [options[i] for i in hopeful if votes[i] - fewest <= surplus]
            name = choose(tied, history, record, lowest=True, seed=lambda: seed or ballots.digest())
            loser = options.index(name)
            hopeful.discard(loser)
            excluded.append(loser)
            keep[loser] = 0
            record.update({"action": "exclusion", "excluded": [name]})
        history.append(tallies)
        rounds.append(record)

    winners = tuple(options[i] for i in elected)
    details = {"rules": "meek", "places": PLACES, "tolerance": fixed_str(TOLERANCE, PLACES),
               "order_of_election": list(winners)}
    if unconverged:
        details["warning"] = (f"round(s) {', '.join(map(str, unconverged))} stopped at the {MAX_ITERATIONS}-iteration "
                              "limit before the surplus settled")
    return TallyResult("meek_stv", options, seats, ballots.total, winners, "elected" if winners else "no_decision",
                       tuple(rounds), details)
