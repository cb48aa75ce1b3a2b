"""The roll-call records legislatures publish, read into one shape: Open States (state
legislatures: a bill with its vote events, API v3 `include=votes`), LegiScan (states and Congress:
`getRollCall`), Legistar (city councils: an event item and its `Votes`) and a CSV a clerk's record
can be typed into. Reading touches no database; a record that does not parse is refused with
what is wrong and where."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from flask_babel import gettext

from openbargain.models.roll_call import Position, Source
from openbargain.services.errors import ValidationFailed


# Each source's words for a position, lower-cased. Anything else is OTHER (kept as recorded).
_WORDS = {
    "yes": Position.YES, "yea": Position.YES, "aye": Position.YES, "affirmative": Position.YES, "y": Position.YES,
    "no": Position.NO, "nay": Position.NO, "negative": Position.NO, "n": Position.NO,
    "abstain": Position.ABSTAIN, "abstained": Position.ABSTAIN, "present": Position.ABSTAIN,
    "not voting": Position.ABSTAIN, "nv": Position.ABSTAIN,
    "absent": Position.ABSENT, "excused": Position.ABSENT, "absent/excused": Position.ABSENT,
}


def position(word: str | None) -> Position:
    return _WORDS.get((word or "").strip().lower(), Position.OTHER)


@dataclass(frozen=True)
class RecordedVote:
    person_id: str
    person_name: str
    position: Position
    as_recorded: str  # the source's own word, e.g. "Affirmative"


@dataclass(frozen=True)
class RollCallRecord:
    source: Source
    external_id: str  # the source's id of this roll call: importing it again changes nothing
    bill: str  # what a mandate links to: a bill number, LegiScan's bill id, a Legistar matter file
    motion: str
    voted_on: date
    result: str
    url: str | None
    votes: list[RecordedVote] = field(default_factory=list)


def _refuse(where: str, what: str) -> ValidationFailed:
    return ValidationFailed(gettext("The record cannot be read: %(where)s: %(what)s", where=where, what=what),
                            errors={"file": [f"{where}: {what}"]})


def _day(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise _refuse(where, gettext("not a date (%(value)s)", value=value)) from None


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _required(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or mapping.get(key) in (None, ""):
        raise _refuse(where, gettext("%(key)s is missing", key=key))
    return mapping[key]


def read_openstates(data: Any) -> list[RollCallRecord]:
    """A bill from Open States API v3 (`/bills/...?include=votes`), or a page of them (`results`)."""
    bills = data.get("results") if isinstance(data, dict) and "results" in data else [data]
    records = []
    for b, bill in enumerate(bills):
        identifier = _text(_required(bill, "identifier", f"bill {b + 1}"))
        for v, event in enumerate(bill.get("votes") or []):
            where = f"{identifier}, vote {v + 1}"
            votes = []
            for p, person in enumerate(_required(event, "votes", where)):
                voter = person.get("voter") or {}
                name = _text(person.get("voter_name") or voter.get("name"))
                votes.append(RecordedVote(_text(voter.get("id")) or f"name:{name}", name,
                                          position(person.get("option")), _text(person.get("option"))))
            sources = event.get("sources") or []
            records.append(RollCallRecord(
                Source.OPENSTATES, _text(_required(event, "id", where)), identifier, _text(event.get("motion_text")),
                _day(_required(event, "start_date", where), where), _text(event.get("result")),
                sources[0].get("url") if sources and isinstance(sources[0], dict) else None, votes))
    return records


def read_legiscan(data: Any) -> list[RollCallRecord]:
    """LegiScan's `getRollCall` answer (its `roll_call`)."""
    if not isinstance(data, dict) or data.get("status") not in (None, "OK"):
        raise _refuse("LegiScan", gettext("the answer is not OK"))
    call = _required(data, "roll_call", "LegiScan")
    where = f"roll call {call.get('roll_call_id')}"
    votes = [RecordedVote(_text(_required(v, "people_id", where)), "", position(v.get("vote_text")),
                          _text(v.get("vote_text")))
             for v in _required(call, "votes", where)]
    return [RollCallRecord(Source.LEGISCAN, _text(_required(call, "roll_call_id", where)),
                           _text(_required(call, "bill_id", where)), _text(call.get("desc")),
                           _day(_required(call, "date", where), where),
                           "passed" if call.get("passed") else "failed", None, votes)]


def read_legistar(data: Any) -> list[RollCallRecord]:
    """A Legistar meeting: the event (`/events/{id}`), its items (`/events/{id}/eventitems`) and
    each roll-call item's `Votes` (`/eventitems/{id}/votes`), as
    `{"event": {...}, "eventitems": [...], "votes": {"<EventItemId>": [...]}}`."""
    event = _required(data, "event", "Legistar")
    met_on = _day(_required(event, "EventDate", "Legistar event"), "Legistar event")
    votes_of = data.get("votes") or {}
    records = []
    for item in _required(data, "eventitems", "Legistar"):
        if not item.get("EventItemRollCallFlag"):
            continue
        item_id = _text(_required(item, "EventItemId", "Legistar event item"))
        where = f"event item {item_id}"
        votes = [RecordedVote(_text(_required(v, "VotePersonId", where)), _text(v.get("VotePersonName")),
                              position(v.get("VoteValueName")), _text(v.get("VoteValueName")))
                 for v in votes_of.get(item_id, [])]
        records.append(RollCallRecord(
            Source.LEGISTAR, item_id, _text(item.get("EventItemMatterFile")) or f"item:{item_id}",
            _text(item.get("EventItemActionName") or item.get("EventItemTitle")), met_on,
            _text(item.get("EventItemPassedFlagName")), event.get("EventInSiteURL") or None, votes))
    return records


CSV_COLUMNS = ("roll_call", "date", "bill", "motion", "result", "person_id", "person_name", "vote")


def read_csv(text: str) -> list[RollCallRecord]:
    """One row per member's vote: roll_call, date, bill, motion, result, person_id, person_name, vote."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise _refuse(gettext("the header"), gettext("columns missing: %(columns)s", columns=", ".join(missing)))
    calls: dict[str, RollCallRecord] = {}
    for line, row in enumerate(reader, start=2):
        where = gettext("line %(line)d", line=line)
        key = _text(row["roll_call"])
        if not key or not _text(row["person_id"]):
            raise _refuse(where, gettext("roll_call and person_id are required"))
        call = calls.setdefault(key, RollCallRecord(Source.CSV, key, _text(row["bill"]), _text(row["motion"]),
                                                    _day(row["date"], where), _text(row["result"]), None, []))
        call.votes.append(RecordedVote(_text(row["person_id"]), _text(row["person_name"]), position(row["vote"]),
                                       _text(row["vote"])))
    return list(calls.values())


READERS: dict[Source, Callable[[Any], list[RollCallRecord]]] = {
    Source.OPENSTATES: read_openstates, Source.LEGISCAN: read_legiscan, Source.LEGISTAR: read_legistar,
}


def read(source: Source, raw: bytes) -> list[RollCallRecord]:
    """A file of this source's format, read into roll calls (refused whole if any part is wrong)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(gettext("the file"), gettext("not UTF-8 text")) from None
    if source == Source.CSV:
        return read_csv(text)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _refuse(gettext("the file"), gettext("not JSON (%(error)s)", error=exc)) from None
    try:
        return READERS[source](data)
    except (AttributeError, TypeError, KeyError):
        raise _refuse(gettext("the file"), gettext("not the %(source)s format", source=source.value)) from None
