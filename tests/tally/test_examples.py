"""Textbook examples with their published answers, and hand-checked small counts."""
from __future__ import annotations

from fractions import Fraction

import pytest

from openbargain.tally import RankedBallots, YesNoBallots, count_ranked, tally_yes_no
from openbargain.tally.ties import lot_key
from tests.tally.helpers import ranked

# Schulze's own worked example (45 voters, 5 candidates), as in his paper and Wikipedia.
SCHULZE_EXAMPLE = [("ACBED", 5), ("ADECB", 5), ("BEDAC", 8), ("CABED", 3), ("CAEBD", 7), ("CBADE", 2),
                   ("DCEBA", 7), ("EBADC", 8)]


def test_schulze_worked_example():
    result = count_ranked("schulze", ranked(SCHULZE_EXAMPLE))
    d = result.details["pairwise"]
    assert (d["A"]["B"], d["B"]["A"], d["A"]["C"], d["C"]["A"], d["E"]["D"], d["D"]["E"]) == (20, 25, 26, 19, 31, 14)
    p = result.details["strongest_paths"]
    assert [p["A"][x] for x in "BCDE"] == [28, 28, 30, 24]
    assert [p["E"][x] for x in "ABCD"] == [25, 28, 28, 31]
    assert result.details["ranking"] == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert result.winners == ("E",) and result.details["condorcet_winner"] is None


def test_schulze_condorcet_winner_and_tied_ranking_by_lot():
    result = count_ranked("schulze", ranked([("AB", 2), ("AC", 2)], "ABC"))
    assert result.details["condorcet_winner"] == "A"
    assert result.details["ranking"] == [["A"], ["B", "C"]]
    tie = result.details["tie_breaks"][0]
    assert tie["rule"] == "lot" and tie["among"] == ["B", "C"]
    seed = result.details["tie_breaks"][0]["seed"]
    assert tie["lot_order"] == sorted("BC", key=lambda c: lot_key(seed, 2, c))


def test_stv_textbook_food_election():
    # The classic "food election" STV example: 20 voters, 3 seats, Droop quota 6.
    ballots = RankedBallots.from_groups(
        ["Oranges", "Pears", "Chocolate", "Strawberries", "Bonbons"],
        [(["Oranges"], 4), (["Pears", "Oranges"], 2), (["Chocolate", "Strawberries"], 8),
         (["Chocolate", "Bonbons"], 4), (["Strawberries"], 1), (["Bonbons"], 1)],
    )
    result = count_ranked("stv", ballots, seats=3)
    assert result.details["quota"] == "6.00000"
    assert result.winners == ("Chocolate", "Oranges", "Strawberries")
    surplus = result.rounds[1]
    assert surplus["action"] == "surplus" and surplus["candidate"] == "Chocolate"
    assert surplus["transfers"] == {"Strawberries": "4.00000", "Bonbons": "2.00000"}
    assert result.rounds[2]["excluded"] == ["Pears"] and result.rounds[2]["elected"] == ["Oranges"]


def test_stv_transfer_values_truncate_to_five_places():
    # A holds 7 papers and a quota of 4 (10 valid, 2 seats): surplus 3, each paper 3/7 = 0.428571… → 0.42857.
    ballots = ranked([("AB", 7), ("C", 3)])
    result = count_ranked("stv", ballots, seats=2)
    surplus = result.rounds[1]
    assert surplus["transfers"] == {"B": "2.99999"}
    assert surplus["lost_to_truncation"] == "0.00001"


def test_meek_hand_checked():
    # 2 seats. A's surplus flows to B at A's keep factor; then D is excluded and C is elected.
    result = count_ranked("meek_stv", ranked([("AB", 8), ("B", 2), ("C", 4), ("DC", 3)]), seats=2)
    assert result.winners == ("A", "C")
    first = result.rounds[0]
    assert first["elected"] == ["A"]
    second = result.rounds[1]
    assert second["excluded"] == ["D"]
    # Converged: A keeps quota/8 of each vote; B then holds 2 + 8 × (1 − keep).
    quota = Fraction(second["quota"])
    assert abs(Fraction(second["votes"]["A"]) - quota) < Fraction(1, 10**4)
    assert abs(Fraction(second["votes"]["B"]) - (2 + 8 - quota)) < Fraction(1, 10**4)


def test_irv_elimination_tie_broken_by_the_earlier_round():
    # Round 1: A 6, B 4, C 3, D 2 → D out; D's papers: one to C, one exhausts → B 4, C 4 tied.
    # In round 1 C had fewer, so C goes.
    result = count_ranked("irv", ranked([("A", 6), ("B", 4), ("CA", 3), ("DC", 1), ("D", 1)]))
    second = result.rounds[1]
    assert second["tallies"] == {"A": 6, "B": 4, "C": 4}
    assert second["eliminated"] == ["C"]
    assert second["tie_breaks"][0]["rule"] == "earlier_round" and second["tie_breaks"][0]["by_earlier_round"] == [1]
    assert result.winners == ("A",)


def test_irv_tie_with_no_history_is_a_reproducible_lot():
    ballots = ranked([("A", 3), ("BA", 2), ("CA", 2)])
    one = count_ranked("irv", ballots)
    tie = one.rounds[0]["tie_breaks"][0]
    assert tie["rule"] == "lot" and tie["seed"] == ballots.digest()
    assert one.rounds[0]["eliminated"] == [min("BC", key=lambda c: lot_key(tie["seed"], 1, c))]
    assert count_ranked("irv", ballots).to_json() == one.to_json()
    picks = {count_ranked("irv", ballots, seed=str(s)).rounds[0]["eliminated"][0] for s in range(20)}
    assert picks == {"B", "C"}, "the lot must depend on its seed"


def test_irv_exhausted_ballots_are_counted_each_round():
    # R1: A 4, B 3, C 2, one blank → C out (one paper to B, one exhausts).
    # R2: A 4, B 4 of 8 continuing: no majority; B had fewer in R1, so B goes. R3: A alone.
    result = count_ranked("irv", ranked([("A", 4), ("B", 3), ("C", 1), ("CB", 1), ("", 1)]))
    assert [r["exhausted"] for r in result.rounds] == [1, 2, 6]
    assert result.rounds[1]["tallies"] == {"A": 4, "B": 4} and result.rounds[1]["eliminated"] == ["B"]
    assert result.rounds[0]["transfers"] == {"B": 1} and result.rounds[0]["transfers_exhausted"] == 1
    assert result.winners == ("A",)


def test_irv_all_blank_is_no_decision():
    result = count_ranked("irv", ranked([("", 5)], "AB"))
    assert result.outcome == "no_decision" and result.winners == ()


@pytest.mark.parametrize("yes, no, threshold, outcome", [
    (50, 50, "majority", "rejected"),
    (51, 50, "majority", "adopted"),
    (6, 4, "three_fifths", "adopted"),
    (59, 41, "three_fifths", "rejected"),
    (2, 1, "two_thirds", "adopted"),
    (200_000, 100_001, "two_thirds", "rejected"),
    (0, 0, "majority", "rejected"),
])
def test_yes_no_thresholds_are_exact(yes, no, threshold, outcome):
    assert tally_yes_no(YesNoBallots(yes, no, 7), threshold=threshold).outcome == outcome


def test_quorum_counts_abstentions_against_the_roll():
    short = tally_yes_no(YesNoBallots(10, 2, 7), roll_size=100, quorum=Fraction(1, 5))
    assert short.outcome == "no_decision" and short.details["quorum"]["met"] is False
    met = tally_yes_no(YesNoBallots(10, 2, 8), roll_size=100, quorum=Fraction(1, 5))
    assert met.outcome == "adopted" and met.details["quorum"]["turnout_percent"] == "20.0"


def test_ranked_quorum_not_met_is_no_decision():
    result = count_ranked("irv", ranked([("A", 3)], "AB"), roll_size=20, quorum=Fraction(1, 5))
    assert result.outcome == "no_decision" and result.winners == ()


@pytest.mark.parametrize("groups, message", [
    ([(["A", "Z"], 1)], "unknown option 'Z'"),
    ([(["A", "A"], 1)], "ranked more than once"),
    ([(["A"], -2)], "negative"),
    ([(["A"], 1.5)], "not a whole number"),
    ([(["A"], True)], "not a whole number"),
    ([("AB", 1)], "not one string"),
])
def test_invalid_ballots_raise_naming_the_ballot(groups, message):
    with pytest.raises(ValueError, match=message) as exc:
        RankedBallots.from_groups(["A", "B"], [(["B"], 1)] + groups)
    assert "ballot 2" in str(exc.value)


def test_invalid_arrays_raise():
    import numpy as np

    with pytest.raises(ValueError, match="ballot 2: an option is ranked more than once"):
        RankedBallots.from_arrays(["A", "B"], np.array([[0, 1], [1, 1]]), np.array([1, 1]))
    with pytest.raises(ValueError, match="ballot 1: a choice follows a blank"):
        RankedBallots.from_arrays(["A", "B"], np.array([[-1, 1]]), np.array([1]))
    with pytest.raises(ValueError, match="unknown option index"):
        RankedBallots.from_arrays(["A", "B"], np.array([[2, -1]]), np.array([1]))
    with pytest.raises(ValueError, match="negative"):
        RankedBallots.from_arrays(["A", "B"], np.array([[0, -1]]), np.array([-1]))


def test_unknown_method_and_bad_seats():
    ballots = ranked([("AB", 1)])
    with pytest.raises(ValueError, match="unknown method"):
        count_ranked("borda", ballots)
    with pytest.raises(ValueError, match="seats"):
        count_ranked("stv", ballots, seats=5)
    with pytest.raises(ValueError, match="seats must be 1"):
        count_ranked("irv", ballots, seats=2)


def test_stv_exclusion_tie_broken_by_the_earlier_round():
    # One seat, quota 8. R1: A 6, B 4, C 3, D 2 → D out, one paper to C → B 4, C 4 tied; C had fewer in R1.
    result = count_ranked("stv", ranked([("A", 6), ("B", 4), ("CA", 3), ("DC", 1), ("D", 1)]), seats=1)
    assert result.rounds[1]["votes"]["B"] == result.rounds[1]["votes"]["C"] == "4.00000"
    third = result.rounds[2]
    assert third["excluded"] == ["C"] and third["tie_breaks"][0]["rule"] == "earlier_round"


def test_stv_equal_surpluses_are_ordered_by_lot_and_recorded():
    ballots = ranked([("AC", 6), ("BD", 6), ("C", 1), ("D", 1)])
    result = count_ranked("stv", ballots, seats=3)
    first = result.rounds[0]
    assert sorted(first["elected"]) == ["A", "B"] and first["tie_breaks"][0]["rule"] == "lot"
    surplus = result.rounds[1]
    assert surplus["action"] == "surplus" and surplus["tie_breaks"][0]["among"] == ["A", "B"]
    assert surplus["candidate"] == surplus["tie_breaks"][0]["lot_order"][0]
    assert count_ranked("stv", ballots, seats=3).to_json() == result.to_json()
