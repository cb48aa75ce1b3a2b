"""What the results page draws: the outcome in one sentence, and each round as bars. The figures
come from the certified tally; floats here only size the bars, they decide nothing."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass
class Bar:
    label: str
    value: str
    width: float  # 0..1 of the chart
    state: str = ""  # "elected", "won", "eliminated", "exhausted" or ""


@dataclass
class RoundChart:
    number: int
    bars: list[Bar]
    quota: float | None = None  # 0..1, where the quota line is drawn (STV)


def _number(value) -> Fraction:
    return Fraction(str(value))


def thousands(n: int) -> str:
    return f"{n:,}"


def round_charts(tally: dict, binding: bool = True) -> list[RoundChart]:
    """`binding` False (no decision): the rounds are drawn as a count that elected no one — no
    winner's colour, no ✓."""
    method = tally["method"]
    winner_state = ("elected" if method in ("stv", "meek_stv") else "won") if binding else ""
    if method == "schulze":
        return []
    if method == "yes_no":
        t = tally["rounds"][0]["tallies"]
        top = max(t.values()) or 1
        return [RoundChart(1, [Bar(k.capitalize(), thousands(v), v / top) for k, v in t.items()])]
    charts = []
    key = "tallies" if method == "irv" else "votes"
    for r in tally["rounds"]:
        figures = {name: _number(v) for name, v in r.get(key, {}).items()}
        exhausted = _number(r.get("exhausted", r.get("non_transferable", 0)))
        quota = _number(r["quota"]) if "quota" in r else None
        top = max([*figures.values(), exhausted, quota or 0, Fraction(1)])
        elected, eliminated = set(r.get("elected", [])), set(r.get("eliminated", []) + r.get("excluded", []))
        bars = [Bar(name, r[key][name] if method != "irv" else thousands(r[key][name]), float(v / top),
                    winner_state if name in elected else "eliminated" if name in eliminated else "")
                for name, v in sorted(figures.items(), key=lambda kv: (-kv[1], kv[0]))]
        bars.append(Bar("Exhausted" if method == "irv" else "Non-transferable",
                        thousands(int(exhausted)) if method == "irv" else str(r.get("non_transferable")),
                        float(exhausted / top), "exhausted"))
        charts.append(RoundChart(r["round"], bars, float(quota / top) if quota else None))
    return charts
