"""Method names to counting functions, and the one entry point the app and the command use."""
from __future__ import annotations

from fractions import Fraction
from typing import Callable

from openbargain.tally.ballots import RankedBallots
from openbargain.tally.irv import tally_irv
from openbargain.tally.meek import tally_meek_stv
from openbargain.tally.result import TallyResult
from openbargain.tally.schulze import tally_schulze
from openbargain.tally.stv import tally_scottish_stv
from openbargain.tally.yesno import quorum_check

COUNTING_ENGINES: dict[str, Callable[..., TallyResult]] = {
    "irv": tally_irv,
    "stv": tally_scottish_stv,
    "meek_stv": tally_meek_stv,
    "schulze": tally_schulze,
}
MULTI_SEAT = {"stv", "meek_stv"}


def count_ranked(
    method: str,
    ballots: RankedBallots,
    *,
    seats: int = 1,
    seed: str | None = None,
    roll_size: int | None = None,
    quorum: Fraction | None = None,
) -> TallyResult:
    """Counts with the named method; a quorum not met makes the outcome no_decision."""
    try:
        fn = COUNTING_ENGINES[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(COUNTING_ENGINES)}")
    if method in MULTI_SEAT:
        result = fn(ballots, seats=seats, seed=seed)
    elif seats != 1:
        raise ValueError(f"{method} elects one winner; seats must be 1")
    else:
        result = fn(ballots, seed=seed)
    q = quorum_check(ballots.total, roll_size, quorum)
    if q is None:
        return result
    details = {**result.details, "quorum": q}
    if not q["met"]:
        return TallyResult(result.method, result.options, result.seats, result.ballots, (), "no_decision",
                           result.rounds, details)
    return TallyResult(result.method, result.options, result.seats, result.ballots, result.winners,
                       result.outcome, result.rounds, details)
