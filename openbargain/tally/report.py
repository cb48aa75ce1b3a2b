"""A readable, round-by-round text rendering of a result (the command's default output)."""
from __future__ import annotations

from openbargain.tally.result import TallyResult


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _ranked_rounds(result: TallyResult) -> list[str]:
    names = [o for o in result.options]
    key = "tallies" if result.method == "irv" else "votes"
    header = ["option"] + [f"R{r['round']}" for r in result.rounds]
    rows = [header]
    for name in names:
        rows.append([name] + [str(r.get(key, {}).get(name, "")) for r in result.rounds])
    if result.method == "irv":
        rows.append(["(exhausted)"] + [str(r["exhausted"]) for r in result.rounds])
    else:
        rows.append(["(non-transferable)"] + [str(r.get("non_transferable", "")) for r in result.rounds])
    lines = _table(rows)
    lines.append("")
    for r in result.rounds:
        events = []
        if r.get("action") in ("surplus", "remaining_elected"):
            events.append(r["action"].replace("_", " ") + (f" of {r['candidate']}" if r.get("candidate") else ""))
        if r.get("elected"):
            events.append("elected: " + ", ".join(r["elected"]))
        if r.get("eliminated") or r.get("excluded"):
            events.append("eliminated: " + ", ".join(r.get("eliminated") or r.get("excluded")))
        for tie in r.get("tie_breaks", []):
            events.append(f"tie among {', '.join(tie['among'])} broken by {tie['rule'].replace('_', ' ')}")
        if events:
            lines.append(f"Round {r['round']}: " + "; ".join(events))
    return lines


def render_text(result: TallyResult) -> str:
    lines = [f"Method: {result.method}   ballots: {result.ballots}   seats: {result.seats}"]
    if result.method == "yes_no":
        r = result.rounds[0]
        t = r["tallies"]
        lines.append(f"yes {t['yes']}  no {t['no']}  abstain {t['abstain']}  (yes {r['yes_percent']}% of yes+no; "
                     f"needs {result.details['threshold'].replace('_', ' ')})")
    elif result.method == "schulze":
        d = result.details["pairwise"]
        rows = [["beats →"] + list(result.options)]
        for a in result.options:
            rows.append([a] + ["—" if a == b else str(d[a][b]) for b in result.options])
        lines += ["Pairwise preferences (row over column):"] + _table(rows)
        lines.append("Ranking: " + " > ".join("=".join(g) for g in result.details["ranking"]))
        if result.details["condorcet_winner"]:
            lines.append(f"Condorcet winner: {result.details['condorcet_winner']}")
    else:
        if "quota" in result.details:
            lines.append(f"Quota: {result.details['quota']}")
        lines += _ranked_rounds(result)
    q = result.details.get("quorum")
    if q:
        lines.append(f"Turnout {q['ballots_cast']} of {q['roll_size']} ({q['turnout_percent']}%), quorum "
                     f"{'met' if q['met'] else 'NOT met'}")
    lines.append(f"Outcome: {result.outcome}" + (f" — {', '.join(result.winners)}" if result.winners else ""))
    return "\n".join(lines)
