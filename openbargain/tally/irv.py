"""Instant-runoff voting: one elimination per round until an option holds a majority of the
continuing votes. Ties for elimination: earlier rounds (most recent first), then the lot."""
from __future__ import annotations

from openbargain.tally.ballots import RankedBallots
from openbargain.tally.preferences import Preferences, weighted_totals
from openbargain.tally.result import TallyResult
from openbargain.tally.ties import choose


def tally_irv(ballots: RankedBallots, *, seed: str | None = None) -> TallyResult:
    options = ballots.options
    n = len(options)
    prefs = Preferences(ballots)
    counts = ballots.counts
    totals = weighted_totals(prefs.holder, counts, n + 1)
    continuing = list(range(n))
    history: list[dict[str, int]] = []
    rounds: list[dict] = []
    winners: tuple[str, ...] = ()
    while True:
        tallies = {options[i]: int(totals[i]) for i in continuing}
        active = sum(tallies.values())
        record = {
            "round": len(rounds) + 1,
            "tallies": tallies,
            "continuing_votes": active,
            "threshold": active // 2 + 1,  # a majority of the continuing votes
            "exhausted": int(totals[n]),
        }
        rounds.append(record)
        leader = max(continuing, key=lambda i: totals[i]) if continuing else None
        if leader is not None and 2 * totals[leader] > active:
            record["elected"] = [options[leader]]
            winners = (options[leader],)
            break
        if active == 0 or len(continuing) <= 1:
            break  # every ballot is blank or exhausted: nobody can win
        fewest = min(totals[i] for i in continuing)
        tied = [options[i] for i in continuing if totals[i] == fewest]
        loser_name = choose(tied, history, record, lowest=True, seed=lambda: seed or ballots.digest())
        loser = options.index(loser_name)
        history.append(tallies)
        record["eliminated"] = [loser_name]
        prefs.remove(loser)
        continuing.remove(loser)
        moved = prefs.rows_held_by(loser)
        new_holders = prefs.move_on(moved)
        received = weighted_totals(new_holders, counts[moved], n + 1)
        totals += received
        totals[loser] = 0
        record["transfers"] = {options[i]: int(received[i]) for i in continuing if received[i]}
        record["transfers_exhausted"] = int(received[n])
    outcome = "elected" if winners else "no_decision"
    return TallyResult("irv", options, 1, ballots.total, winners, outcome, tuple(rounds), {})
