"""A readable, round-by-round text rendering of a result (the command's default output): every
figure a member needs to follow the count — the threshold or quota, each round's tallies, what
moved where (and at what value), what was exhausted, and how every tie was decided."""
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


def english(message: str, **values) -> str:
    """How the report says a message: as written, its %(name)s fields filled. A page in another
    language passes its own `say` (the app's translations); the count never needs one."""
    return message % values if values else message


def _(message: str) -> str:
    """Marks a message for the app's translation catalog; the report's own words are English."""
    return message


def tie_text(tie: dict, say=english) -> str:
    among = ", ".join(tie["among"])
    if tie["rule"] == "earlier_round":
        return say(_("tie among %(among)s decided by round %(round)s, the latest earlier round they differed in"),
                   among=among, round=tie["by_earlier_round"][-1])
    return say(_("tie among %(among)s decided by lot (SHA-256 of seed %(seed)s…, round %(round)s, each name): "
                 "order %(order)s"), among=among, seed=tie["seed"][:12], round=tie["round"],
               order=", ".join(tie["lot_order"]))


def _moved(r: dict, say=english) -> str:
    transfers = r.get("transfers") or {}
    papers = r.get("papers") or {}
    parts = [(say(_("%(name)s +%(value)s (%(papers)s papers)"), name=name, value=value, papers=papers[name])
              if name in papers else f"{name} +{value}") for name, value in transfers.items()]
    lost = r.get("transfers_exhausted", r.get("transfers_non_transferable"))
    if lost not in (None, 0, "0.00000"):
        parts.append(say(_("exhausted +%(value)s (%(papers)s papers)"), value=lost, papers=r["papers_non_transferable"])
                     if r.get("papers_non_transferable") else say(_("exhausted +%(value)s"), value=lost))
    return say(_("transfers: %(parts)s"), parts=", ".join(parts)) if parts else ""


def _ranked_rounds(result: TallyResult) -> list[str]:
    key = "tallies" if result.method == "irv" else "votes"
    rows = [["option"] + [f"R{r['round']}" for r in result.rounds]]
    for name in result.options:
        rows.append([name] + [str(r.get(key, {}).get(name, "")) for r in result.rounds])
    if result.method == "irv":
        rows.append(["(exhausted)"] + [str(r.get("exhausted", "")) for r in result.rounds])
        rows.append(["(majority needed)"] + [str(r.get("threshold", "")) for r in result.rounds])
    elif result.method == "meek_stv":
        rows.append(["(excess)"] + [str(r.get("excess", "")) for r in result.rounds])
        rows.append(["(quota)"] + [str(r.get("quota", "")) for r in result.rounds])
    else:
        rows.append(["(non-transferable)"] + [str(r.get("non_transferable", "")) for r in result.rounds])
    lines = _table(rows)
    lines.append("")
    for r in result.rounds:
        events = round_events(r)
        if events:
            lines.append(f"Round {r['round']}: " + "; ".join(events))
    return lines


def round_events(r: dict, winner: str = "elected", say=english) -> list[str]:
    """What happened in one round, and why, in words: the results page says it the same way
    (`winner`: how it names who came through — "elected" for people, "won" for an option; `say`:
    in which language, see `english`)."""
    events = []
    if r.get("action") == "surplus":
        value = (say(_(", transfer value %(value)s (= %(ratio)s of each paper's value)"), value=r["transfer_value"],
                     ratio=r["transfer_ratio"]) if "transfer_value" in r else say(_(", nothing to transfer")))
        events.append(say(_("surplus of %(candidate)s %(surplus)s%(value)s"), candidate=r["candidate"],
                          surplus=r["surplus"], value=value))
    elif r.get("action") == "remaining_elected":
        events.append(say(_("remaining candidates fill the remaining seats")))
    elif r.get("action") == "no_ranking_ballots":
        events.append(say(_("no ballot ranks any option: nobody is elected")))
    if r.get("elected"):
        events.append(f"{winner}: " + ", ".join(r["elected"]))
    if r.get("eliminated") or r.get("excluded"):
        events.append(say(_("eliminated: %(names)s"), names=", ".join(r.get("eliminated") or r.get("excluded"))))
    moved = _moved(r, say)
    if moved:
        events.append(moved)
    if r.get("stopped_by") and r["stopped_by"] != "elected":
        events.append(say(_("%(iterations)s iteration(s), stopped by %(rule)s (surplus %(surplus)s)"),
                          iterations=r["iterations"], rule=r["stopped_by"].replace("_", " "), surplus=r["surplus"]))
    events.extend(tie_text(tie, say) for tie in r.get("tie_breaks", []))
    return events


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
        lines.extend(f"Place {tie['round']}: {tie_text(tie)}" for tie in result.details.get("tie_breaks", []))
    else:
        if "quota" in result.details:
            lines.append(f"Quota: {result.details['quota']}")
        lines += _ranked_rounds(result)
    if result.details.get("warning"):
        lines.append(f"Warning: {result.details['warning']}")
    q = result.details.get("quorum")
    if q:
        lines.append(f"Turnout {q['ballots_cast']} of {q['roll_size']} ({q['turnout_percent']}%), quorum "
                     f"{'met' if q['met'] else 'NOT met'}")
    lines.append(f"Outcome: {result.outcome}" + (f" — {', '.join(result.winners)}" if result.winners else ""))
    return "\n".join(lines)
