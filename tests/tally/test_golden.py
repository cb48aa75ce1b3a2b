"""Real and reference elections with published results (see elections/README.md)."""
from __future__ import annotations

import pytest

from openbargain.tally import count_ranked
from tests.tally.helpers import election

IRV_CASES = [
    "rctab_2013_minneapolis_mayor",
    "rctab_2017_minneapolis_mayor",
    "rctab_generic_csv_test",
    "rctab_test_set_0_skipped_first_choice",
    "rctab_test_set_1_exhaust_at_overvote",
    "rctab_test_set_7_duplicate_skip_to_next",
]
STV_CASES = [
    "rctab_2013_minneapolis_park_board_stv3",
    "rctab_multi_winner_whole_threshold",
    "rctab_multi_winner_fractional_threshold",
]


@pytest.mark.parametrize("name", IRV_CASES)
def test_irv_matches_the_published_result(name):
    ballots, expected = election(name)
    result = count_ranked("irv", ballots)
    sequential = expected["sequential_elimination_result"]
    assert list(result.winners) == expected["winners"] == sequential["winners"]
    assert len(result.rounds) == sequential["num_rounds"]
    final = {k: int(v) for k, v in sequential["final_round_tally"].items()}
    assert result.rounds[-1]["tallies"] == final
    assert result.ballots == expected["ballots_in_file"]


@pytest.mark.parametrize("name", IRV_CASES)
def test_irv_first_round_matches_the_official_first_round(name):
    ballots, expected = election(name)
    result = count_ranked("irv", ballots)
    official = {k: int(v) for k, v in expected["rctab_expected_rounds"][0]["tally"].items()}
    assert {k: v for k, v in result.rounds[0]["tallies"].items() if v or k in official} == official


@pytest.mark.parametrize("name", STV_CASES)
def test_scottish_stv_elects_the_published_winners(name):
    ballots, expected = election(name)
    result = count_ranked("stv", ballots, seats=expected["seats"])
    assert sorted(result.winners) == sorted(expected["winners"])
    first = {k: int(v) for k, v in expected["rctab_expected_rounds"][0]["tally"].items()}
    assert {k: v for k, v in result.rounds[0]["votes"].items()} == {k: f"{v}.00000" for k, v in first.items()}


def test_park_board_quota_is_droop():
    ballots, expected = election("rctab_2013_minneapolis_park_board_stv3")
    result = count_ranked("stv", ballots, seats=3)
    valid = expected["ballots_in_file"]
    assert result.details["quota"] == f"{valid // 4 + 1}.00000"
