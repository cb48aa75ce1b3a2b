"""Each finding of the tally review (../shared/reviews/tally.md), with its minimal ballot file:
every one failed on the engine before the fix, and each now holds."""
from __future__ import annotations

import json

import pytest

from openbargain.tally import count_ranked
from openbargain.tally import meek
from openbargain.tally.__main__ import main
from openbargain.tally.ballots import MAX_BALLOTS
from tests.tally.helpers import ranked

METHODS = ["irv", "schulze", "stv", "meek_stv"]


def run(tmp_path, capsys, text: str, *args: str, encoding: str = "utf-8") -> tuple[int, str, str]:
    path = tmp_path / "ballots.csv"
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    status = main([*args[:1], str(path), *args[1:]])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("text,seats,elected,among,rule", [
    ("2,C,D,B\n1,C,A,D\n1,D,C,A\n1,B\n1,C,A,B,D\n1,D,C,B\n1,C,D,A,B\n", "3", ["C", "D", "A"], ["A", "B"],
     "earlier_round"),
    ("1,B,A,E,C\n1,B,C\n1\n1,B,D,E,A,C\n1,A,E,B,D,C\n", "4", ["B", "A", "E", "D"], ["C", "D"], "lot"),
], ids=["four-at-the-quota", "five-at-0.8"])
def test_d1_meek_exact_ties_go_to_the_documented_rule_and_are_recorded(tmp_path, capsys, text, seats, elected, among,
                                                                      rule):
    status, out, _ = run(tmp_path, capsys, text, "meek_stv", "--seats", seats, "--json")
    result = json.loads(out)
    exclusion = next(r for r in result["rounds"] if r["action"] == "exclusion")
    assert status == 0 and result["winners"] == elected
    assert [(t["among"], t["rule"]) for t in exclusion["tie_breaks"]] == [(among, rule)]
    assert exclusion["converged"] is True and exclusion["stopped_by"] in ("tolerance", "no_further_progress")


def test_meek_says_when_a_round_stops_at_the_iteration_limit(monkeypatch):
    ballots = ranked([("ABC", 5), ("BAC", 4), ("CBA", 3), ("ACB", 2)])
    monkeypatch.setattr(meek, "MAX_ITERATIONS", 1)
    monkeypatch.setattr(meek, "TOLERANCE", 0)
    result = count_ranked("meek_stv", ballots, seats=2)
    stopped = [r for r in result.rounds if r.get("stopped_by") == "iteration_limit"]
    assert stopped and all(r["converged"] is False for r in stopped)
    assert "iteration limit" in result.details["warning"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text,line", [
    ("1000000000000,A,B\n500000000000,B,C\n400000000000,C\n300000000000,D\n", 1),
    ("9223372036854775807,A\n1,B\n", 1),
    ("5000000,A\n1,B\n99999999999999999999,A\n", 3),
    (f"{MAX_BALLOTS},A\n1,B\n", 2),
], ids=["10^12 with surpluses", "int64 max", "over 2^63", "one over the bound"])
def test_overflow_sizes_are_refused_with_a_line_never_counted_wrong(tmp_path, capsys, method, text, line):
    status, out, err = run(tmp_path, capsys, text, method, "--seats", "2" if "stv" in method else "1")
    assert status == 2 and out == ""
    assert f"line {line}: more than {MAX_BALLOTS:,} ballots" in err


def test_the_bound_itself_is_counted_exactly(tmp_path, capsys):
    status, out, _ = run(tmp_path, capsys, f"{MAX_BALLOTS - 3},A,B\n2,B\n1,C,B\n", "meek_stv", "--seats", "2", "--json")
    result = json.loads(out)
    assert status == 0 and result["winners"] == ["A", "B"] and result["ballots"] == MAX_BALLOTS


@pytest.mark.parametrize("method", ["irv", "schulze"])
def test_one_option_with_votes_is_elected_by_every_single_seat_method(tmp_path, capsys, method):
    status, out, _ = run(tmp_path, capsys, "5,A\n", method, "--json")
    assert status == 0 and json.loads(out)["winners"] == ["A"]


@pytest.mark.parametrize("method", METHODS)
def test_all_zero_counts_are_no_decision_in_every_method(tmp_path, capsys, method):
    status, out, _ = run(tmp_path, capsys, "0,A\n0,B\n", method, "--json")
    result = json.loads(out)
    assert status == 0 and (result["outcome"], result["winners"]) == ("no_decision", [])


@pytest.mark.parametrize("text,message", [
    ("3,A\n2,A\x00\n", "line 2: the name 'A\\x00' holds a control character (0x00)"),
    ('3,A\n2,A,"B\n', "line 2: not a readable CSV row"),
    ("3,A\n\u00b2,B\n", "line 2: the count '\u00b2' is not a whole number"),
    ("3,A\n\u0661\u0662,B\n", "line 2: the count '\u0661\u0662' is not a whole number"),
    ("3,A\n,B\n", "line 2: the count is missing"),
    ("1," + ",".join(f"O{i}" for i in range(2**15)) + "\n", "line 1: more than 32,767 options"),
], ids=["NUL", "unterminated quote", "superscript two", "arabic-indic digits", "no count", "32768 options"])
def test_malformed_files_get_status_2_and_a_line(tmp_path, capsys, text, message):
    status, out, err = run(tmp_path, capsys, text, "irv")
    assert status == 2 and out == "" and message in err


def test_a_bom_and_crlf_line_ends_are_read(tmp_path, capsys):
    status, out, _ = run(tmp_path, capsys, "\ufeff3,A,B\r\n2,B,A\r\n", "irv", "--json")
    result = json.loads(out)
    assert status == 0 and result["options"] == ["A", "B"] and result["winners"] == ["A"]


def test_declared_candidates_refuse_typos_and_overvotes(tmp_path, capsys):
    candidates = tmp_path / "candidates.txt"
    candidates.write_text("A\nB\nC\n")
    status, _, err = run(tmp_path, capsys, "3,A,B\n2,B,A\n1,A,B|C\n", "irv", "--candidates", str(candidates))
    assert status == 2 and "line 3: 'B|C' is not one of the declared candidates" in err
    status, _, err = run(tmp_path, capsys, "candidates,A,B\n3,A,B\n2,a\n", "stv")
    assert status == 2 and "line 3: 'a' is not one of the declared candidates" in err
    status, out, _ = run(tmp_path, capsys, "candidates,A,B,C\n3,A,B\n2,B\n", "irv", "--json")
    assert status == 0 and json.loads(out)["options"] == ["A", "B", "C"]  # C declared, ranked by nobody


def test_reversing_the_rows_changes_nothing_printed(tmp_path, capsys):
    rows = ["1,B,A", "1,A,B", "1,C", "1,D,C", "1,C,D"]
    _, forward, _ = run(tmp_path, capsys, "\n".join(rows) + "\n", "irv", "--json")
    _, backward, _ = run(tmp_path, capsys, "\n".join(reversed(rows)) + "\n", "irv", "--json")
    assert forward == backward and json.loads(forward)["rounds"][0]["tie_breaks"][0]["rule"] == "lot"


def test_the_text_report_shows_transfer_values_papers_and_how_ties_were_decided(tmp_path, capsys):
    status, out, _ = run(tmp_path, capsys, "10,A,B\n2,A,C\n5,B\n3,C\n4,D,C\n", "stv", "--seats", "2")
    assert status == 0
    assert ("Round 2: surplus of A 3.00000, transfer value 0.25000 (= 300000/1200000 of each paper's value); "
            "transfers: B +2.50000 (10 papers), C +0.50000 (2 papers)") in out
    _, out, _ = run(tmp_path, capsys, "1,B,A\n1,A,B\n1,C\n1,D,C\n1,C,D\n", "irv")
    assert "(majority needed)" in out and "decided by lot (SHA-256 of seed" in out and "order" in out
    _, out, _ = run(tmp_path, capsys, "1,A,B\n1,B,A\n", "schulze")
    assert "Place 1: tie among A, B decided by lot" in out
    _, out, _ = run(tmp_path, capsys, "1,B,A,E,C\n1,B,C\n1\n1,B,D,E,A,C\n1,A,E,B,D,C\n", "meek_stv", "--seats", "4")
    assert "(quota)" in out and "(excess)" in out and "stopped by tolerance" in out


def test_stv_json_gives_each_surplus_its_transfer_value_and_papers(tmp_path, capsys):
    _, out, _ = run(tmp_path, capsys, "10,A,B\n2,A,C\n5,B\n3,C\n4,D,C\n", "stv", "--seats", "2", "--json")
    surplus = next(r for r in json.loads(out)["rounds"] if r.get("action") == "surplus")
    assert (surplus["transfer_value"], surplus["transfer_ratio"]) == ("0.25000", "300000/1200000")
    assert surplus["papers"] == {"B": 10, "C": 2} and surplus["transfers"] == {"B": "2.50000", "C": "0.50000"}
