"""The count's narrative in another language: every word of a round's events goes through the
`say` it is given (the app passes its translations), and the English default is unchanged."""
from __future__ import annotations

from openbargain.tally import report

ROUND = {
    "round": 3, "action": "surplus", "candidate": "Ana", "surplus": "12.00000", "transfer_value": "0.25000",
    "transfer_ratio": "12/48", "elected": ["Ana"], "eliminated": ["Bea"],
    "transfers": {"Cruz": "6.00000", "Dora": "3.00000"}, "papers": {"Cruz": 24},
    "transfers_exhausted": "3.00000", "papers_non_transferable": 12,
    "stopped_by": "iteration_limit", "iterations": 40,
    "tie_breaks": [{"among": ["Bea", "Eva"], "rule": "earlier_round", "by_earlier_round": [1, 2]},
                   {"among": ["Bea", "Eva"], "rule": "lot", "seed": "a" * 64, "round": 3, "lot_order": ["Eva", "Bea"]}],
}


def test_every_event_is_said_through_say():
    said: list[str] = []

    def say(message: str, **values) -> str:
        said.append(message)
        return "«" + (message % values if values else message) + "»"

    events = report.round_events(ROUND, "elegida", say)
    assert events[0].startswith("«surplus of Ana 12.00000«, transfer value 0.25000")
    assert events[1] == "elegida: Ana"  # the caller's own word, already in its language
    assert all(e.startswith("«") for e in events[2:]), events
    assert len(said) >= 9


def test_the_english_default_reads_as_before():
    assert report.round_events(ROUND) == [
        "surplus of Ana 12.00000, transfer value 0.25000 (= 12/48 of each paper's value)",
        "elected: Ana",
        "eliminated: Bea",
        "transfers: Cruz +6.00000 (24 papers), Dora +3.00000, exhausted +3.00000 (12 papers)",
        "40 iteration(s), stopped by iteration limit (surplus 12.00000)",
        "tie among Bea, Eva decided by round 2, the latest earlier round they differed in",
        "tie among Bea, Eva decided by lot (SHA-256 of seed aaaaaaaaaaaa…, round 3, each name): order Eva, Bea",
    ]
