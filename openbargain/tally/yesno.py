"""Yes / no / abstain with a threshold of yes+no and a quorum of the roll. Exact fractions."""
from __future__ import annotations

from fractions import Fraction

from openbargain.tally.ballots import YesNoBallots
from openbargain.tally.result import TallyResult, fraction_str, percent_str

THRESHOLDS = {
    # name: (share of yes+no, whether reaching it exactly is enough)
    "majority": (Fraction(1, 2), False),  # more than half: a tie does not adopt
    "three_fifths": (Fraction(3, 5), True),
    "two_thirds": (Fraction(2, 3), True),
}


def quorum_check(ballots_cast: int, roll_size: int | None, quorum: Fraction | None) -> dict | None:
    """Quorum counts every ballot cast, abstentions and blanks included, against the roll."""
    if quorum is None:
        return None
    quorum = Fraction(quorum)
    if not 0 <= quorum <= 1:
        raise ValueError(f"quorum must be a share between 0 and 1, got {quorum}")
    if roll_size is None or roll_size < ballots_cast or roll_size < 0:
        raise ValueError(f"roll size {roll_size} cannot hold {ballots_cast} ballots cast")
    needed = quorum * roll_size
    return {
        "roll_size": roll_size,
        "quorum": fraction_str(quorum),
        "ballots_cast": ballots_cast,
        "needed": fraction_str(needed),
        "met": roll_size > 0 and ballots_cast >= needed,
        "turnout_percent": percent_str(ballots_cast, roll_size),
    }


def tally_yes_no(
    ballots: YesNoBallots,
    *,
    threshold: str = "majority",
    roll_size: int | None = None,
    quorum: Fraction | None = None,
) -> TallyResult:
    if threshold not in THRESHOLDS:
        raise ValueError(f"unknown threshold {threshold!r}; use one of {', '.join(THRESHOLDS)}")
    share_needed, inclusive = THRESHOLDS[threshold]
    decisive = ballots.yes + ballots.no
    yes_share = Fraction(ballots.yes, decisive) if decisive else Fraction(0)
    passes = decisive > 0 and (yes_share >= share_needed if inclusive else yes_share > share_needed)
    q = quorum_check(ballots.total, roll_size, quorum)
    if q is not None and not q["met"]:
        outcome, winners = "no_decision", ()
    else:
        outcome, winners = ("adopted", ("yes",)) if passes else ("rejected", ("no",))
    round_ = {
        "round": 1,
        "tallies": {"yes": ballots.yes, "no": ballots.no, "abstain": ballots.abstain},
        "yes_share": fraction_str(yes_share),
        "yes_percent": percent_str(ballots.yes, decisive),
    }
    details = {
        "threshold": threshold,
        "threshold_share": fraction_str(share_needed),
        "threshold_inclusive": inclusive,
        "quorum": q,
    }
    return TallyResult("yes_no", ("yes", "no"), 1, ballots.total, winners, outcome, (round_,), details)
