"""Reading ballot files: rows `count,first,second,...`, one per distinct ranking; a blank cell
ends the ranking. A first row `candidates,A,B,...` (or `options=` from the caller, as the CLI's
`--candidates` file) declares the options: then a name outside them — a typo, or an overvote
written `B|C` — is refused instead of becoming a new option. Undeclared, the options are the
names the file uses. Either way they are kept in sorted order, so that the order of the rows
never changes anything the count prints or draws.

The file is cut into records and cells by a compiled tokenizer (`_cells.c`, the csv module's
grammar; the csv module itself where it is not built) that numbers each distinct cell text; the
checks then run over numpy arrays of those numbers, each distinct text looked at once. Every
refusal names its line, the first in the file."""
from __future__ import annotations

import csv
import io
from typing import IO, NamedTuple

import numpy as np

from openbargain.tally.ballots import (
    MAX_BALLOTS,
    MAX_OPTIONS,
    PAD,
    TOO_MANY_BALLOTS,
    TOO_MANY_OPTIONS,
    RankedBallots,
    YesNoBallots,
    control_character,
)

try:
    from openbargain.tally import _cells  # built by `make install` from _cells.c
except ImportError:  # not built (no C compiler): the csv module reads the same files, slower
    _cells = None

HEADER = "candidates"
STOP = -1  # a blank cell: the ranking ends there


class BallotFileError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def _names(cells: list[str], line: int | None) -> list[str]:
    """Declared candidates, from the header row at `line` or (None) from the caller."""
    def refuse(message: str) -> ValueError:
        return BallotFileError(line, message) if line is not None else ValueError(f"the candidates: {message}")

    names = [cell.strip() for cell in cells if cell.strip()]
    for name in names:
        bad = control_character(name)
        if bad is not None:
            raise refuse(f"the name {name!r} holds a control character ({ord(bad):#04x})")
    if len(set(names)) != len(names):
        raise refuse("a candidate is declared twice")
    if len(names) > MAX_OPTIONS:
        raise refuse(TOO_MANY_OPTIONS)
    return names


def read_ranked(stream: IO[str], options: list[str] | None = None) -> RankedBallots:
    text = stream.read()
    return _ranked(split_cells(text), options, text)


class Records(NamedTuple):
    """A ballot file cut into records `count,first,second,...`, each cell given as the number of
    its text; a ranking ends at its first blank cell."""
    cells: list[str]  # the distinct cell texts
    counts: np.ndarray  # each record's first cell
    widths: np.ndarray  # the cells of each record's ranking
    filled: np.ndarray  # whether any cell of the record is not blank
    ranking: np.ndarray  # every ranking cell, record after record
    lines: np.ndarray  # the line each record ends on
    physical_lines: int
    error: tuple[int, str] | None  # where and why the file stopped being CSV (the rest is what came before)


def split_cells(text: str, compiled: bool = True) -> Records:
    """Records and cells as Python's csv module reads them (blank lines left out). The compiled
    tokenizer does it several times faster; without it, the csv module does."""
    limit = csv.field_size_limit()
    if compiled and _cells is not None:
        cells, counts, widths, filled, ranking, lines, physical, error = _cells.split(text, limit)
        return Records(cells, np.frombuffer(counts, dtype=np.int32), np.frombuffer(widths, dtype=np.int64),
                       np.frombuffer(filled, dtype=np.bool_), np.frombuffer(ranking, dtype=np.int32),
                       np.frombuffer(lines, dtype=np.int64), physical, error)
    numbers: dict[str, int] = {}
    blank: set[int] = set()
    counts, widths, filled, ranking, lines = [], [], [], [], []

    def number(cell: str) -> int:
        found = numbers.get(cell)
        if found is None:
            found = numbers[cell] = len(numbers)
            if not cell.strip():
                blank.add(found)
        return found

    error = None
    known = numbers.get
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for record in reader:
            if not record:
                continue
            ids = [known(cell) for cell in record]
            if None in ids:
                ids = [number(cell) for cell in record]
            if blank.isdisjoint(ids):  # the common row: no blank cell
                ranked, any_filled = len(ids) - 1, True
            else:
                ranked = next((i for i, cell in enumerate(ids[1:]) if cell in blank), len(ids) - 1)
                any_filled = not blank.issuperset(ids)
            counts.append(ids[0])
            widths.append(ranked)
            filled.append(any_filled)
            ranking.extend(ids[1:ranked + 1])
            lines.append(reader.line_num)
    except csv.Error as exc:
        error = (reader.line_num, str(exc))
    return Records(list(numbers), np.asarray(counts, dtype=np.int32), np.asarray(widths, dtype=np.int64),
                   np.asarray(filled, dtype=np.bool_), np.asarray(ranking, dtype=np.int32),
                   np.asarray(lines, dtype=np.int64), reader.line_num, error)


def _ranked(records: Records, options: list[str] | None, text: str) -> RankedBallots:
    """The checks of a ranked ballot file, over every record at once. A refusal names the first
    offending line, as reading row by row would: a count, then the running total, then the ranking's
    names from left to right; a file that stops being CSV is refused there; then the rankings."""
    cells, lines = records.cells, records.lines
    names: list[str] = _names(list(options), None) if options is not None else []
    declared = options is not None
    used = np.flatnonzero(records.filled)  # a record of blank cells is skipped
    ranking = records.ranking
    if not declared and used.size and cells[records.counts[used[0]]].strip().lower() == HEADER:
        header = int(used[0])  # the first record not skipped: no ranking cell comes before its own
        names, declared = _names(_first_filled_record(text)[1:], int(lines[header])), True
        ranking = ranking[records.widths[header]:]
        used = used[1:]
    widths = records.widths[used]
    ends = np.cumsum(widths)
    # (row, what is checked first within it, column, message) of each kind's first refusal; the first wins
    refusals: list[tuple[int, int, int, str]] = []

    first = records.counts[used]
    values = np.zeros(len(cells), dtype=np.int64)
    wrong: dict[int, str] = {}
    for number in _distinct(first, len(cells)):
        try:
            values[number] = _parse_count(cells[number])
        except ValueError as exc:
            wrong[number] = str(exc)
    if wrong:
        row = int(np.flatnonzero(np.isin(first, list(wrong)))[0])
        refusals.append((row, 0, 0, wrong[int(first[row])]))
    counts = values[first]
    over = np.flatnonzero(np.cumsum(counts) > MAX_BALLOTS)  # each count ≤ MAX_BALLOTS: the sum cannot wrap
    if over.size:
        refusals.append((int(over[0]), 1, 0, TOO_MANY_BALLOTS))

    position, resolved, refused = _positions(cells, _distinct(ranking, len(cells)), names, declared)
    if refused is not None:
        # Which name is refused depends on the order the names first appear in: go again in that order.
        distinct, first_seen = np.unique(ranking, return_index=True)
        order = np.argsort(first_seen)
        _, _, refused = _positions(cells, distinct[order].tolist(), names, declared)
        assert refused is not None
        at, message = int(first_seen[order][refused[0]]), refused[1]
        row = int(np.searchsorted(ends, at, side="right"))
        refusals.append((row, 2, at - int(ends[row] - widths[row]), message))
    if refusals:
        row, _, _, message = min(refusals)
        raise BallotFileError(int(lines[used[row]]), message)
    if records.error is not None:
        line, reason = records.error
        raise BallotFileError(line, f"not a readable CSV row ({reason})")
    if not resolved:
        raise BallotFileError(records.physical_lines or 1, "the file names no options")
    sorted_names, ranks = _canonical(resolved, position[ranking], widths)
    twice = _ranked_twice(ranks)
    if twice is not None:
        row, option = twice
        raise BallotFileError(int(lines[used[row]]), f"{sorted_names[option]!r} is ranked twice")
    return RankedBallots.from_arrays(sorted_names, ranks, counts)


def _distinct(numbers: np.ndarray, size: int) -> list[int]:
    return np.flatnonzero(np.bincount(numbers, minlength=size)).tolist()


def _positions(cells: list[str], numbers: list[int], names: list[str],
               declared: bool) -> tuple[np.ndarray, list[str], tuple[int, str] | None]:
    """Each cell text's option (STOP where none), the options with any new names added, and the
    first of `numbers` refused (its index and why), if any."""
    position = np.full(len(cells), STOP, dtype=np.int32)
    names = list(names)
    index = {name: i for i, name in enumerate(names)}
    for k, number in enumerate(numbers):
        name = cells[number].strip()
        if name in index:
            position[number] = index[name]
            continue
        if declared:
            return position, names, (k, f"{name!r} is not one of the declared candidates")
        bad = control_character(name)
        if bad is not None:
            return position, names, (k, f"the name {name!r} holds a control character ({ord(bad):#04x})")
        if len(names) == MAX_OPTIONS:
            return position, names, (k, TOO_MANY_OPTIONS)
        position[number] = index[name] = len(names)
        names.append(name)
    return position, names, None


def _first_filled_record(text: str) -> list[str]:
    for record in csv.reader(io.StringIO(text, newline=""), strict=True):
        if any(cell.strip() for cell in record):
            return record
    return []


def _canonical(names: list[str], flat: np.ndarray, widths: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The options sorted by name, and the rows as a padded array of indices into that order. A row
    longer than the options ranks one twice within its first len(names) + 1 cells: the rest is not
    needed to say so."""
    order = sorted(range(len(names)), key=names.__getitem__)
    renumber = np.empty(len(names), dtype=np.int16)
    renumber[order] = np.arange(len(names), dtype=np.int16)
    width = min(int(widths.max(initial=0)), len(names) + 1)
    if width < int(widths.max(initial=0)):
        keep = np.arange(len(flat)) - np.repeat(np.cumsum(widths) - widths, widths) < width
        flat, widths = flat[keep], np.minimum(widths, width)
    ranks = np.full((len(widths), max(width, 1)), PAD, dtype=np.int16)
    # Row-major order: the cells inside each row's width are the rankings, one row after another.
    ranks[np.arange(ranks.shape[1]) < widths[:, None]] = renumber[flat]
    return [names[i] for i in order], ranks


def _ranked_twice(ranks: np.ndarray) -> tuple[int, int] | None:
    """The first row that ranks an option twice, and that option."""
    ordered = np.sort(ranks, axis=1)
    twice = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] != PAD)
    rows = np.flatnonzero(twice.any(axis=1))
    if not rows.size:
        return None
    row = int(rows[0])
    return row, int(ordered[row, 1:][twice[row]][0])


def read_yes_no(stream: IO[str]) -> YesNoBallots:
    """Rows `count,choice` with choice yes, no or abstain (blank is an abstention)."""
    tallies = {"yes": 0, "no": 0, "abstain": 0}
    reader = csv.reader(stream, strict=True)
    try:
        for record in reader:
            if not record or not any(cell.strip() for cell in record):
                continue
            count = _count(record[0], reader.line_num)
            choice = (record[1].strip().lower() if len(record) > 1 else "") or "abstain"
            if choice not in tallies:
                raise BallotFileError(reader.line_num, f"choice {choice!r} is not yes, no or abstain")
            tallies[choice] += count
            if sum(tallies.values()) > MAX_BALLOTS:
                raise BallotFileError(reader.line_num, TOO_MANY_BALLOTS)
    except csv.Error as exc:
        raise BallotFileError(reader.line_num, f"not a readable CSV row ({exc})")
    return YesNoBallots(**tallies)


def _count(cell: str, line: int) -> int:
    try:
        return _parse_count(cell)
    except ValueError as exc:
        raise BallotFileError(line, str(exc)) from None


def _parse_count(cell: str) -> int:
    text = cell.strip()
    if not text:
        raise ValueError("the count is missing")
    # ASCII digits only: str.isdigit() alone would take "²" (which int() refuses) and "١٢".
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"the count {cell!r} is not a whole number of ballots")
    if len(text) > 20 or int(text) > MAX_BALLOTS:  # a longer number is refused before it is read
        raise ValueError(TOO_MANY_BALLOTS)
    return int(text)
