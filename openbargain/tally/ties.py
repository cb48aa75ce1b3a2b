"""Tie-breaking: earlier rounds first (most recent first), then a reproducible lot.

The lot is a pure function of a seed (the ballot set's digest), the round and the names, so
anyone holding the ballots draws the same lot; the record says what was used.
"""
from __future__ import annotations

import hashlib
from typing import Any, Callable, Sequence


def lot_key(seed: str, round_number: int, name: str) -> str:
    return hashlib.sha256(f"{seed}\x1f{round_number}\x1f{name}".encode()).hexdigest()


def break_tie(
    tied: Sequence[str],
    history: Sequence[dict[str, Any]],
    *,
    lowest: bool,
    seed: str,
    round_number: int,
) -> tuple[str, dict[str, Any] | None]:
    """Picks one of `tied` (the lowest or the highest). `history` holds earlier rounds'
    tallies as {name: comparable number}, oldest first. Returns the pick and the record of the
    tie-break, or None when there was no tie."""
    candidates = sorted(tied)
    if len(candidates) == 1:
        return candidates[0], None
    record: dict[str, Any] = {"among": candidates}
    for index in range(len(history) - 1, -1, -1):
        tallies = history[index]
        values = {c: tallies.get(c) for c in candidates}
        if any(v is None for v in values.values()):
            continue
        target = min(values.values()) if lowest else max(values.values())
        narrowed = [c for c in candidates if values[c] == target]
        if len(narrowed) < len(candidates):
            candidates = narrowed
            record.setdefault("by_earlier_round", []).append(index + 1)
            if len(candidates) == 1:
                record["rule"] = "earlier_round"
                return candidates[0], record
    ordered = sorted(candidates, key=lambda c: lot_key(seed, round_number, c))
    record.update({"rule": "lot", "seed": seed, "round": round_number, "lot_order": ordered})
    return ordered[0], record


def choose(
    tied: Sequence[str],
    history: Sequence[dict[str, Any]],
    record: dict[str, Any],
    *,
    lowest: bool,
    seed: Callable[[], str],
) -> str:
    """break_tie for a round record: appends the tie-break to record["tie_breaks"] when there
    was one. The seed is asked for only then (hashing a large ballot set costs time)."""
    if len(tied) == 1:
        return tied[0]
    name, tie = break_tie(tied, history, lowest=lowest, seed=seed(), round_number=record["round"])
    record.setdefault("tie_breaks", []).append(tie)
    return name
