"""What the results page draws: the outcome in one sentence, and each round as bars. The figures
come from the certified tally; floats here only size the bars, they decide nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


@dataclass
class Bar:
    label: str
    value: str
    width: float  # 0..1 of the chart
    state: str = ""  # "elected", "eliminated", "exhausted" or ""


@dataclass
class RoundChart:
    number: int
    bars: list[Bar]
    notes: list[str] = field(default_factory=list)
    quota: float | None = None  # 0..1, where the quota line is drawn (STV)


def _number(value) -> Fraction:
    return Fraction(str(value))


def thousands(n: int) -> str:
    return f"{n:,}"


def outcome_sentence(result, referendum) -> str:
    tally = result.tally
    quorum = f"quorum {referendum.quorum_percent}% {'met' if result.quorum_met else 'not met'}"
    turnout = f"turnout {thousands(result.ballots_cast)} of {thousands(result.roll_size)}"
    if referendum.method == "yes_no":
        t = tally["rounds"][0]["tallies"]
        share = tally["rounds"][0]["yes_percent"]
        counts = f"{thousands(t['yes'])} yes, {thousands(t['no'])} no ({share}%), {thousands(t['abstain'])} abstain"
        verdict = {"adopted": "Adopted", "rejected": "Rejected", "no_decision": "No decision"}[result.outcome]
        return f"{verdict}: {counts}; {turnout}, {quorum}."
    if result.outcome == "no_decision":
        return f"No decision: {turnout}, {quorum}."
    rounds = len(tally["rounds"])
    who = ", ".join(result.winners)
    how = f" after {rounds} round{'s' if rounds != 1 else ''}" if referendum.method != "schulze" else ""
    return f"Elected: {who}{how}; {turnout}, {quorum}."


def round_charts(tally: dict) -> list[RoundChart]:
    method = tally["method"]
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
                    "elected" if name in elected else "eliminated" if name in eliminated else "")
                for name, v in sorted(figures.items(), key=lambda kv: (-kv[1], kv[0]))]
        bars.append(Bar("Exhausted" if method == "irv" else "Non-transferable",
                        thousands(int(exhausted)) if method == "irv" else str(r.get("non_transferable")),
                        float(exhausted / top), "exhausted"))
        notes = []
        if r.get("action") == "surplus":
            notes.append(f"Surplus of {r['candidate']} ({r['surplus']}) transferred.")
        if eliminated:
            notes.append(f"Eliminated: {', '.join(sorted(eliminated))}.")
        transfers = r.get("transfers") or {}
        if transfers:
            moved = ", ".join(f"{n} +{v if method != 'irv' else thousands(v)}" for n, v in transfers.items())
            notes.append(f"Transfers: {moved}; exhausted +{r.get('transfers_exhausted', r.get('transfers_non_transferable', 0))}.")
        if elected:
            notes.append(f"Elected: {', '.join(r['elected'])}.")
        for tie in r.get("tie_breaks", []):
            notes.append(f"Tie among {', '.join(tie['among'])} broken by "
                         f"{'the earlier round' if tie['rule'] == 'earlier_round' else 'lot seeded by the ballot-set hash'}.")
        charts.append(RoundChart(r["round"], bars, notes, float(quota / top) if quota else None))
    return charts
