"""BLT ballot files: read as the field writes them, written for other STV software to recount."""
from __future__ import annotations

import io
import json
from fractions import Fraction

import pytest

from openbargain.tally import count_ranked
from openbargain.tally.__main__ import main
from openbargain.tally.blt import read_blt, write_blt
from openbargain.tally.csvfile import BallotFileError
from tests.tally.helpers import ELECTIONS, election

SCOTTISH = ELECTIONS / "scot_east_ayrshire_2022_ward5" / "ballots.blt"


def test_a_real_scottish_council_file_is_read_with_its_quoting_and_counted():
    with open(SCOTTISH, encoding="utf-8") as f:
        ward = read_blt(f)
    assert (ward.seats, len(ward.ballots.options), ward.ballots.total) == (3, 6, 3036)
    assert ward.title == '"Ward 5 - Kilmarnock South"'
    assert '"Jim TODD" "Scottish National Party (SNP)"' in ward.ballots.options
    result = count_ranked("stv", ward.ballots, seats=ward.seats)
    assert len(result.winners) == 3 and result.details["quota"] == f"{3036 // 4 + 1}.00000"


def test_writing_and_reading_back_keeps_every_ballot():
    with open(SCOTTISH, encoding="utf-8") as f:
        ward = read_blt(f)
    again = read_blt(io.StringIO(write_blt(ward.ballots, ward.seats, ward.title)))
    assert again.ballots.digest() == ward.ballots.digest() and (again.seats, again.title) == (3, ward.title)


def test_a_published_result_survives_the_trip_through_blt():
    ballots, expected = election("rctab_2013_minneapolis_park_board_stv3")
    text = write_blt(ballots, 3, "Minneapolis Park Board 2013, at large")
    trip = read_blt(io.StringIO(text))
    assert sorted(count_ranked("stv", trip.ballots, seats=trip.seats).winners) == sorted(expected["winners"])


def test_withdrawn_candidates_comments_and_ballots_over_several_lines():
    text = "\n".join([
        "# a hand-written example",
        "4 2",
        "-3",
        "5 1 2 0   # five ballots: 1, then 2",
        "3 3 4",
        "  1 0",
        "2 0",
        "0",
        '"Ana" "Ben" "Cleo"',
        '"Dev"',
        '"Committee ""A"""',
    ])
    e = read_blt(io.StringIO(text))
    assert e.withdrawn == ("Cleo",) and e.ballots.options == ("Ana", "Ben", "Dev") and e.title == 'Committee "A"'
    assert dict(e.ballots.groups()) == {("Ana", "Ben"): 5, ("Dev", "Ana"): 3, (): 2}


@pytest.mark.parametrize("text,message", [
    ("2 1\n1 3 0\n0\n\"A\"\n\"B\"\n", "line 2: candidate 3 does not exist"),
    ("2 1\n1 1 = 2 0\n0\n\"A\"\n\"B\"\n", "line 2: expected a candidate number, found '='"),
    ("2 1\n1 1 1 0\n0\n\"A\"\n\"B\"\n", "line 2: candidate 1 is ranked twice"),
    ("2 1\n1 1 2 0\n0\nA\n\"B\"\n", "line 4: the name of candidate 1 must be in double quotes"),
    ("2 3\n0\n\"A\"\n\"B\"\n", "line 1: 2 candidates and 3 seats"),
    ("2 1\n1 1 2 0\n", "the file ends before the end of the ballots (0)"),
])
def test_a_bad_blt_file_is_refused_with_its_line(text, message):
    with pytest.raises(BallotFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_blt(io.StringIO(text))


def test_the_command_reads_blt_with_the_files_seats(capsys):
    assert main(["stv", str(SCOTTISH), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["seats"] == 3 and len(result["winners"]) == 3


def test_an_official_count_is_reproduced_stage_by_stage_from_its_blt_file():
    """Glasgow 2007, Linn ward: the council's released BLT file counted to its published stage report."""
    folder = ELECTIONS / "scot_glasgow_2007_linn"
    with open(folder / "ballots.blt", encoding="utf-8") as f:
        ward = read_blt(f)
    official = json.loads((folder / "expected.json").read_text())
    assert (ward.seats, ward.ballots.total) == (official["seats"], official["valid_votes"])
    result = count_ranked("stv", ward.ballots, seats=ward.seats)
    assert result.details["quota"] == official["quota"]
    assert list(result.winners) == official["winners"]
    assert len(result.rounds) == len(official["stages"])
    for stage, report in zip(official["stages"], result.rounds):
        counted = {name: votes for name, votes in stage["votes"].items()
                   if votes is not None and name not in stage["excluded"]}
        assert {name: report["votes"][name] for name in counted} == counted, f"stage {report['round']}"
        lost = Fraction(report["non_transferable"]) + Fraction(report["lost_to_truncation"])
        assert lost == Fraction(stage["non_transferable"]), f"stage {report['round']}"
        assert (report.get("elected") or []) == stage["elected"], f"stage {report['round']}"
        moved = stage["surplus"] or (stage["excluded"] or [None])[0]  # whose papers the stage transferred
        assert report.get("candidate") == moved, f"stage {report['round']}"
