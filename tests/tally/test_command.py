"""python -m openbargain.tally METHOD FILE, and the engine's independence from the app."""
from __future__ import annotations

import json
import subprocess
import sys

from openbargain.tally.__main__ import main
from tests.tally.helpers import ELECTIONS


def test_readable_round_by_round_count(capsys):
    assert main(["stv", str(ELECTIONS / "rctab_multi_winner_whole_threshold" / "ballots.csv"), "--seats", "3"]) == 0
    out = capsys.readouterr().out
    assert "Quota: 8.00000" in out
    assert "Round 1: elected: Candidate C Name" in out
    assert "Outcome: elected — Candidate C Name, Candidate A Name, Candidate B Name" in out


def test_json_output_is_the_full_result(capsys):
    assert main(["irv", str(ELECTIONS / "rctab_test_set_0_skipped_first_choice" / "ballots.csv"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["winners"] == ["Candidate B Name"] and len(result["rounds"]) == 3


def test_yes_no_file(tmp_path, capsys):
    path = tmp_path / "yn.csv"
    path.write_text("412,yes\n133,no\n31,abstain\n")
    assert main(["yes_no", str(path), "--roll-size", "1204", "--quorum", "1/5"]) == 0
    out = capsys.readouterr().out
    assert "yes 412  no 133  abstain 31  (yes 75.6% of yes+no" in out
    assert "Turnout 576 of 1204 (47.8%), quorum met" in out and "Outcome: adopted" in out


def test_bad_file_gets_a_line_numbered_error_and_status_2(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("3,A,B\n2,B,A\nmany,A\n")
    assert main(["irv", str(path)]) == 2
    assert "line 3: the count 'many' is not a whole number" in capsys.readouterr().err
    path.write_text("3,A,B,A\n")
    assert main(["irv", str(path)]) == 2
    assert "line 1: 'A' is ranked twice" in capsys.readouterr().err


def test_the_engine_imports_nothing_of_the_app():
    code = ("import sys, openbargain.tally, openbargain.tally.__main__, openbargain.tally.verify; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug', 'config')"
            " or (m.startswith('openbargain.') and not m.startswith('openbargain.tally'))]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
