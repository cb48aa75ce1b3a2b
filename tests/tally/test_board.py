"""The bulletin board's hashes are a published format: the grouped BallotSet must give, for any
ballots, exactly what serialising each ballot in canonical order gives (the first release's way,
written out here as the reference)."""
from __future__ import annotations

import hashlib
import json

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from openbargain.tally.board import BallotSet, count_contents


def reference(contents, roll_hash, trackers):
    lines = sorted(json.dumps(c, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for c in contents)
    h = hashlib.sha256(b"openbargain-ballot-set/1")
    for line in lines:
        h.update(b"\n" + line.encode())
    link = hashlib.sha256(f"openbargain-board/1:{roll_hash}".encode()).hexdigest()
    for tracker in sorted(trackers):
        link = hashlib.sha256(f"{link}:tracker:{tracker}".encode()).hexdigest()
    for line in lines:
        link = hashlib.sha256(f"{link}:ballot:{line}".encode()).hexdigest()
    return lines, h.hexdigest(), link


LABELS = st.sampled_from(["Bloc", "Individually", "Ñandú", "A \"quoted\" one", "back\\slash", "日本", "Option 1"])
CONTENTS = st.one_of(
    st.lists(LABELS, unique=True, max_size=5).map(lambda r: {"ranking": r}),
    st.sampled_from(["yes", "no", "abstain"]).map(lambda c: {"choice": c}),
    # Shapes the app does not write: counted the slow way, hashed the same.
    st.dictionaries(st.sampled_from(["ranking", "choice", "note"]), st.one_of(st.integers(), LABELS),
                    min_size=1, max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(CONTENTS, max_size=40), st.lists(st.text("0123456789abcdef", min_size=64, max_size=64), max_size=5))
def test_the_grouped_set_hashes_exactly_as_each_ballot_serialised_in_order(contents, trackers):
    ballots = BallotSet(contents)
    lines, ballot_set_hash, board_hash = reference(contents, "roll", trackers)
    assert list(ballots.lines) == lines and ballots.size == len(contents)
    assert [json.loads(line) for line in lines] == list(ballots.contents)
    assert ballots.hash == ballot_set_hash
    assert ballots.board_hash("roll", trackers) == board_hash


def test_repeated_ballots_are_held_once_with_their_count():
    ballots = BallotSet([{"ranking": ["B", "A"]}, {"ranking": ["A"]}, {"ranking": ["B", "A"]}, {"ranking": []}])
    assert [(line, n) for line, _, n in ballots.groups] == [
        ('{"ranking":["A"]}', 1), ('{"ranking":["B","A"]}', 2), ('{"ranking":[]}', 1)]
    assert BallotSet.from_groups(reversed(ballots.groups)).hash == ballots.hash
    assert BallotSet.from_groups([('{"ranking":[]}', {"ranking": []}, 2), ('{"ranking":[]}', {"ranking": []}, 3)]) \
        .groups == [('{"ranking":[]}', {"ranking": []}, 5)]


def test_the_count_weighs_each_distinct_ballot_by_how_often_it_was_cast():
    ballots = BallotSet([{"choice": "yes"}] * 3 + [{"choice": "no"}] * 2 + [{"choice": "abstain"}])
    result = count_contents("yes_no", ["yes", "no"], ballots, roll_size=10, quorum=Fraction(1, 2))
    assert result.outcome == "adopted" and result.rounds[0]["tallies"] == {"yes": 3, "no": 2, "abstain": 1}
    ranked = BallotSet([{"ranking": ["A", "B"]}] * 3 + [{"ranking": ["B"]}] * 4 + [{"ranking": ["C", "A"]}] * 2)
    irv = count_contents("irv", ["A", "B", "C"], ranked, roll_size=9, quorum=Fraction(0))
    assert list(irv.winners) == ["A"]  # C out first, its two go to A: 5 to 4
