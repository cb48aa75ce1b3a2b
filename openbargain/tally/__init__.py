"""Pure tabulation: imports nothing from Flask, SQLAlchemy or the rest of the app.

    from openbargain.tally import RankedBallots, count_ranked
    result = count_ranked("irv", RankedBallots.from_groups(["A", "B"], [(["A"], 3), (["B", "A"], 2)]))
"""
from openbargain.tally.ballots import RankedBallots, YesNoBallots
from openbargain.tally.registry import COUNTING_ENGINES, count_ranked
from openbargain.tally.result import TallyResult
from openbargain.tally.yesno import THRESHOLDS, tally_yes_no

__all__ = ["COUNTING_ENGINES", "THRESHOLDS", "RankedBallots", "TallyResult", "YesNoBallots", "count_ranked",
           "tally_yes_no"]
