"""The one result shape every method returns; its rounds are the explanation of the count."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

Outcome = str  # "adopted" | "rejected" | "elected" | "no_decision"


@dataclass(frozen=True)
class TallyResult:
    method: str
    options: tuple[str, ...]
    seats: int
    ballots: int
    winners: tuple[str, ...]
    outcome: Outcome
    rounds: tuple[dict[str, Any], ...]
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "options": list(self.options),
            "seats": self.seats,
            "ballots": self.ballots,
            "winners": list(self.winners),
            "outcome": self.outcome,
            "rounds": list(self.rounds),
            "details": self.details,
        }

    def to_json(self, indent: int | None = None) -> str:
        """Byte-identical for the same input: keys sorted, no floats anywhere."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=indent, ensure_ascii=False,
                          separators=(",", ":") if indent is None else None)


def no_ranking_ballots(method: str, ballots, seats: int) -> TallyResult:
    """The one rule for every ranked method: when no ballot ranks any option (all blank, or all
    counts zero), nobody is elected — not even by lot."""
    return TallyResult(method, ballots.options, seats, ballots.total, (), "no_decision",
                       ({"round": 1, "action": "no_ranking_ballots"},),
                       {"reason": "no ballot ranks any option"})


def fraction_str(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def fixed_str(units: int, places: int) -> str:
    """An integer count of 10**-places rendered as an exact decimal string."""
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(int(units)), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def percent_str(part: int, whole: int, places: int = 1) -> str:
    """A display figure only (rounded half up), never used to decide anything."""
    if whole == 0:
        return "0." + "0" * places
    scaled = Fraction(part * 100, whole) * 10**places
    return fixed_str(int(scaled + Fraction(1, 2)), places)
