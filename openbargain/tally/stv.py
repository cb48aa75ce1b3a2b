"""Single transferable vote by the Scottish rules (The Scottish Local Government Elections
Order 2007, schedule 1, rules 45–52): Droop quota; surpluses transferred one at a time, largest
first, by the weighted inclusive Gregory method — every paper the elected candidate holds moves
on at (surplus × its value ÷ the candidate's total), truncated to five decimal places; then
exclusion of the candidate with fewest votes, all papers at their current value.

Votes are held as integers of 10**-5 so that every figure is exact and reproducible.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from openbargain.tally.ballots import RankedBallots
from openbargain.tally.preferences import Preferences, weighted_totals
from openbargain.tally.result import TallyResult, fixed_str, no_ranking_ballots
from openbargain.tally.ties import choose

PLACES = 5
UNIT = 10**PLACES


def droop_quota(valid_votes: int, seats: int) -> int:
    return valid_votes // (seats + 1) + 1


def tally_scottish_stv(ballots: RankedBallots, *, seats: int, seed: str | None = None) -> TallyResult:
    options = ballots.options
    n = len(options)
    if not 1 <= seats <= n:
        raise ValueError(f"seats must be between 1 and the number of options ({n}), got {seats}")
    if not ballots.ranking_ballots:
        return no_ranking_ballots("stv", ballots, seats)
    prefs = Preferences(ballots)
    counts = ballots.counts
    values = np.full(len(counts), UNIT, dtype=np.int64)  # each group's current paper value
    valid = int(counts[prefs.holder != prefs.exhausted].sum())
    quota = droop_quota(valid, seats) * UNIT
    votes = weighted_totals(prefs.holder, counts * values, n + 1)
    non_transferable = int(votes[n])  # blank papers: never valid, kept out of the count
    votes[n] = 0
    continuing = set(range(n))
    elected: list[int] = []
    pending_surplus: list[int] = []  # elected, surplus not yet transferred
    history: list[dict[str, int]] = []
    rounds: list[dict] = []
    lost = 0
    nt_total = 0

    def tie_seed() -> str:
        return seed or ballots.digest()

    def snapshot() -> dict[str, int]:
        return {options[i]: int(votes[i]) for i in range(n) if i in continuing or i in elected}

    def elect_reaching_quota(record: dict) -> None:
        reaching = [i for i in continuing if votes[i] >= quota]
        # Several at once: most votes first; equal ones by earlier stages, then the lot.
        while reaching and len(elected) < seats:
            top = max(votes[i] for i in reaching)
            tied = [options[i] for i in reaching if votes[i] == top]
            i = options.index(choose(tied, history, record, lowest=False, seed=tie_seed))
            reaching.remove(i)
            continuing.discard(i)
            prefs.remove(i)
            elected.append(i)
            pending_surplus.append(i)
            record.setdefault("elected", []).append(options[i])

    def finish(record: dict) -> None:
        record["votes"] = {k: fixed_str(v, PLACES) for k, v in snapshot().items()}
        record["non_transferable"] = fixed_str(nt_total, PLACES)
        record["lost_to_truncation"] = fixed_str(lost, PLACES)
        history.append(snapshot())
        rounds.append(record)

    def transfer(from_option: int, record: dict, revalue: Callable[[np.ndarray], np.ndarray] | None = None) -> tuple[int, int]:
        """Moves every paper the option holds to its next continuing choice; returns the
        value that reached candidates and the value that was non-transferable."""
        rows = prefs.rows_held_by(from_option)
        if revalue is not None:
            values[rows] = revalue(values[rows])
        holders = prefs.move_on(rows)
        received = weighted_totals(holders, counts[rows] * values[rows], n + 1)
        papers = weighted_totals(holders, counts[rows], n + 1)
        votes[:n] += received[:n]
        record["transfers"] = {options[i]: fixed_str(int(received[i]), PLACES) for i in range(n) if received[i]}
        record["transfers_non_transferable"] = fixed_str(int(received[n]), PLACES)
        record["papers"] = {options[i]: int(papers[i]) for i in range(n) if papers[i]}
        record["papers_non_transferable"] = int(papers[n])
        return int(received[:n].sum()), int(received[n])

    record = {"round": 1, "action": "first_preferences", "quota": fixed_str(quota, PLACES),
              "blank_ballots": int(non_transferable // UNIT)}
    elect_reaching_quota(record)
    finish(record)

    while len(elected) < seats:
        record = {"round": len(rounds) + 1, "quota": fixed_str(quota, PLACES)}
        if len(continuing) + len(elected) <= seats:
            record["action"] = "remaining_elected"
            for name in sorted((options[i] for i in continuing), key=lambda c: (-votes[options.index(c)], c)):
                i = options.index(name)
                elected.append(i)
                record.setdefault("elected", []).append(name)
            continuing.clear()
            finish(record)
            break
        if pending_surplus:
            top = max(votes[i] - quota for i in pending_surplus)
            tied = [options[i] for i in pending_surplus if votes[i] - quota == top]
            name = choose(tied, history, record, lowest=False, seed=tie_seed)
            source = options.index(name)
            pending_surplus.remove(source)
            surplus, total = int(votes[source] - quota), int(votes[source])
            record.update({"action": "surplus", "candidate": name, "surplus": fixed_str(surplus, PLACES)})
            if surplus > 0:  # surplus × value < 10⁸ ballots × 10⁵ × 10⁵ < 2⁶³ (ballots.MAX_BALLOTS)
                # What a full-value paper carries on (each paper: its value × surplus ÷ total,
                # truncated), and the exact ratio.
                record.update({"transfer_value": fixed_str(UNIT * surplus // total, PLACES),
                               "transfer_ratio": f"{surplus}/{total}"})
                reached, exhausted = transfer(source, record, lambda v: (v * surplus) // total)
                votes[source] = quota
                nt_total += exhausted
                lost += surplus - reached - exhausted
            elect_reaching_quota(record)
            finish(record)
            continue
        fewest = min(votes[i] for i in continuing)
        tied = [options[i] for i in continuing if votes[i] == fewest]
        name = choose(tied, history, record, lowest=True, seed=tie_seed)
        loser = options.index(name)
        continuing.discard(loser)
        prefs.remove(loser)
        record.update({"action": "exclusion", "candidate": name, "excluded": [name]})
        _, exhausted = transfer(loser, record)
        votes[loser] = 0
        nt_total += exhausted
        elect_reaching_quota(record)
        finish(record)

    winners = tuple(options[i] for i in elected)
    details = {
        "rules": "scottish_stv_2007",
        "quota": fixed_str(quota, PLACES),
        "valid_votes": valid,
        "places": PLACES,
        "order_of_election": list(winners),
        "non_transferable": fixed_str(nt_total, PLACES),
        "lost_to_truncation": fixed_str(lost, PLACES),
    }
    return TallyResult("stv", options, seats, ballots.total, winners, "elected" if winners else "no_decision",
                       tuple(rounds), details)

