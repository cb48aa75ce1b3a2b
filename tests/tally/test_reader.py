"""The ballot file's two tokenizers — compiled (`_cells.c`) and the csv module — read every file
alike, and the checks over their output refuse the first bad line, as a row-by-row reader would."""
from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openbargain.tally import csvfile
from openbargain.tally.ballots import TOO_MANY_BALLOTS
from openbargain.tally.csvfile import BallotFileError, read_ranked, split_cells

# Pieces a ballot file is made of, and the ones that trip a CSV reader: quotes, line ends of every
# kind, blanks of every width, NUL, non-ASCII letters and a word that is a header in the first row.
PIECES = ["A", "B", "Zoë", "李", "1", "2", "10", "0", "candidates", ",", ",", ",", '"', '""', "\n", "\r", "\r\n",
          " ", "\t", "\u3000", "\x00", "\x85", "x" * 7]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
SETTINGS = settings(max_examples=400, deadline=None)


def outcome(text: str, compiled: bool):
    """What reading the file gives: its ballots, or the refusal with its line."""
    try:
        ballots = csvfile._ranked(split_cells(text, compiled=compiled), None, text)
    except BallotFileError as exc:
        return "refused", str(exc)
    return ballots.options, ballots.ranks.tolist(), ballots.counts.tolist()


def same_records(text: str) -> None:
    compiled, python = split_cells(text, compiled=True), split_cells(text, compiled=False)
    for field in csvfile.Records._fields:
        mine, theirs = getattr(compiled, field), getattr(python, field)
        if isinstance(mine, np.ndarray):
            assert mine.dtype == theirs.dtype and mine.tolist() == theirs.tolist(), field
        else:
            assert mine == theirs, field


def test_the_compiled_tokenizer_is_built():
    # `make install` builds it; without it the files are read by the csv module, several times slower.
    assert csvfile._cells is not None


@SETTINGS
@given(texts)
def test_both_tokenizers_cut_any_text_alike(text):
    same_records(text)


@SETTINGS
@given(texts)
def test_both_tokenizers_lead_to_the_same_ballots_or_the_same_refusal(text):
    assert outcome(text, compiled=True) == outcome(text, compiled=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["A", "é", "xyz", ",", '"', '""', "\n", "\r\n"]), max_size=40).map("".join))
def test_both_tokenizers_refuse_a_cell_over_the_field_limit_on_the_same_line(text):
    limit = csv.field_size_limit(4)
    try:
        same_records(text)
    finally:
        csv.field_size_limit(limit)


def test_the_field_limit_counts_characters_not_bytes():
    limit = csv.field_size_limit(3)
    try:
        assert split_cells("1,ééé\n", compiled=True).error is None
        assert split_cells('1,"é\né"\n', compiled=True).error is None  # three characters, five bytes
        assert split_cells("1,A\n2,éééé\n", compiled=True).error == (2, "field larger than field limit (3)")
    finally:
        csv.field_size_limit(limit)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "csv module"])
@pytest.mark.parametrize("text,message", [
    ('3,A\n2,"B ""the"" C",A\n', None),
    ('3,"Smith, Jo",B\n2,B\n', None),
    ("3,A\n2,x\n1,A,A\n", "line 3: 'A' is ranked twice"),
    ("3,A\nabc,B\n2,A\x01\n", "line 2: the count 'abc' is not a whole number of ballots"),
    ("3,A\n2,A\x01\nabc,B\n", "line 2: the name 'A\\x01' holds a control character (0x01)"),
    ("3,A\n2,B\x01\n99999999999,A\n", "line 2: the name 'B\\x01' holds a control character (0x01)"),
    ('3,A\nx,B\n2,"A"B\n', "line 2: the count 'x' is not a whole number of ballots"),
    ('3,A\n2,B\n2,"A"B\n', "line 3: not a readable CSV row (',' expected after '\"')"),
    ("3,A,,\x01\n,,\n1,A,,B\n", None),  # a ranking ends at its first blank; a row of blanks is skipped
    ("candidates,A,,B\n3,B\n2,A\n", None),  # a header's blank cells are not names
    ("candidates,A,B\n3,A\n1,C\n", "line 3: 'C' is not one of the declared candidates"),
    ("3,A\ncandidates,A\n", "line 2: the count 'candidates' is not a whole number of ballots"),
    ("60000000,A\n50000000,B\n2,C\x01\n", f"line 2: {TOO_MANY_BALLOTS}"),
    ("\n\n,,\n", "line 3: the file names no options"),
])
def test_the_first_bad_line_is_the_one_refused(compiled, text, message):
    if message is None:
        assert outcome(text, compiled) == outcome(text, not compiled) and outcome(text, compiled)[0] != "refused"
    else:
        assert outcome(text, compiled) == ("refused", message)


def test_rows_longer_than_the_options_are_refused_without_a_row_that_wide():
    text = "1," + ",".join(["A", "B"] * 50_000) + "\n"
    with pytest.raises(BallotFileError, match="line 1: 'A' is ranked twice"):
        read_ranked(io.StringIO(text))


def test_names_are_numbered_in_the_order_they_first_appear_only_to_find_the_first_refusal():
    many = ",".join(f"O{i}" for i in range(32767))
    # The 32,768th name is the one on line 2, whichever order the distinct names are met in.
    with pytest.raises(BallotFileError, match="line 2: more than 32,767 options"):
        read_ranked(io.StringIO(f"1,{many}\n1,Z\n1,Y\n"))
