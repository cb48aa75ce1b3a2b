"""Properties every correct count has, checked on random elections (Hypothesis)."""
from __future__ import annotations

import io
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from openbargain.tally import RankedBallots, count_ranked
from openbargain.tally.csvfile import read_ranked
from openbargain.tally.stv import UNIT

OPTIONS = list("ABCDEF")


@st.composite
def elections(draw, min_options=2, max_options=6):
    n = draw(st.integers(min_options, max_options))
    options = OPTIONS[:n]
    groups = draw(st.lists(
        st.tuples(st.permutations(options).flatmap(lambda p: st.integers(0, len(p)).map(lambda k: p[:k])),
                  st.integers(0, 30)),
        min_size=1, max_size=14,
    ))
    return options, [(list(r), c) for r, c in groups]


def build(options, groups):
    return RankedBallots.from_groups(options, groups)


SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(elections(), st.randoms(use_true_random=False), st.sampled_from(["irv", "schulze", "stv", "meek_stv"]))
def test_ballot_order_and_grouping_never_matter(election, rnd, method):
    options, groups = election
    seats = 2 if method in ("stv", "meek_stv") and len(options) > 2 else 1
    shuffled = groups[:]
    rnd.shuffle(shuffled)
    # Split one group in two: the same ballots, grouped differently.
    ranking, count = shuffled[0]
    regrouped = [(ranking, count // 2), (ranking, count - count // 2)] + shuffled[1:]
    first = count_ranked(method, build(options, groups), seats=seats).to_json()
    assert count_ranked(method, build(options, regrouped), seats=seats).to_json() == first


@SETTINGS
@given(elections())
def test_irv_rounds_conserve_ballots(election):
    ballots = build(*election)
    for r in count_ranked("irv", ballots).rounds:
        assert sum(r["tallies"].values()) + r["exhausted"] == ballots.total


@SETTINGS
@given(elections(), st.sampled_from(OPTIONS[:2]))
def test_a_majority_first_choice_wins_irv(election, favourite):
    options, groups = election
    others = sum(c for _, c in groups)
    groups = groups + [([favourite], others + 1)]
    assert count_ranked("irv", build(options, groups)).winners == (favourite,)


@SETTINGS
@given(elections(min_options=3))
def test_a_condorcet_winner_wins_schulze(election):
    ballots = build(*election)
    result = count_ranked("schulze", ballots)
    condorcet = result.details["condorcet_winner"]
    if condorcet is not None:
        assert result.winners == (condorcet,)
        assert result.details["ranking"][0] == [condorcet]


@SETTINGS
@given(elections(min_options=3), st.integers(1, 3))
def test_stv_conserves_votes_up_to_recorded_truncation(election, seats):
    options, groups = election
    ballots = build(options, groups)
    seats = min(seats, len(options))
    result = count_ranked("stv", ballots, seats=seats)
    valid = sum(c for r, c in groups if r)
    if not valid:  # nothing ranked: nobody is elected, by any method (not even by lot)
        assert (result.outcome, result.winners) == ("no_decision", ())
        return
    for r in result.rounds:
        held = sum(Fraction(v) for v in r["votes"].values())
        assert held + Fraction(r["non_transferable"]) + Fraction(r["lost_to_truncation"]) == valid
        # Truncation loses under one unit (10**-5) per paper per surplus transfer.
        assert 0 <= Fraction(r["lost_to_truncation"]) * UNIT <= valid * r["round"]
    assert len(result.winners) == seats


@SETTINGS
@given(elections())
def test_meek_with_one_seat_agrees_with_irv(election):
    ballots = build(*election)
    irv = count_ranked("irv", ballots)
    if irv.winners:
        assert count_ranked("meek_stv", ballots, seats=1).winners == irv.winners


@SETTINGS
@given(elections())
def test_the_same_input_gives_byte_identical_json(election):
    a = count_ranked("schulze", build(*election)).to_json()
    b = count_ranked("schulze", build(*election)).to_json()
    assert a == b


def _file(groups) -> str:
    return "".join(",".join([str(c), *r]) + "\n" for r, c in groups)


@SETTINGS
@given(elections(), st.randoms(use_true_random=False), st.sampled_from(["irv", "schulze", "stv", "meek_stv"]))
def test_a_files_row_order_and_first_appearance_order_never_matter(election, rnd, method):
    """Read from a file, shuffled rows name the options in another first-appearance order: the
    digest, the lot and every figure printed stay the same."""
    _, groups = election
    seats = 2 if method in ("stv", "meek_stv") and len({o for r, _ in groups for o in r}) > 2 else 1
    shuffled = groups[:]
    rnd.shuffle(shuffled)
    try:
        first = read_ranked(io.StringIO(_file(groups)))
    except ValueError:
        return  # nothing ranked by anyone: the file names no options
    again = read_ranked(io.StringIO(_file(shuffled)))
    assert again.digest() == first.digest() and again.options == first.options
    assert count_ranked(method, again, seats=seats).to_json() == count_ranked(method, first, seats=seats).to_json()


@SETTINGS
@given(elections(), st.integers(2, 1000), st.sampled_from(["irv", "schulze"]))
def test_scaling_every_count_by_a_constant_changes_no_winner(election, factor, method):
    """IRV and Schulze compare whole-vote totals, so multiplying every count by the same number
    keeps every comparison, and so every winner (the lot drawn with the same seed). STV's integer
    Droop quota and its truncation to 10⁻⁵ are the statute's, not proportional, so it is left out."""
    options, groups = election
    scaled = [(r, c * factor) for r, c in groups]
    before = count_ranked(method, build(options, groups), seed="fixed")
    after = count_ranked(method, build(options, scaled), seed="fixed")
    assert after.winners == before.winners and after.outcome == before.outcome
