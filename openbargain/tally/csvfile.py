"""Reading ballot files: rows `count,first,second,...`, one per distinct ranking; a blank cell
ends the ranking. A first row `candidates,A,B,...` (or `options=` from the caller, as the CLI's
`--candidates` file) declares the options: then a name outside them — a typo, or an overvote
written `B|C` — is refused instead of becoming a new option. Undeclared, the options are the
names the file uses. Either way they are kept in sorted order, so that the order of the rows
never changes anything the count prints or draws.

The reader is a tight loop over the csv module into flat lists, then numpy arrays: a million
ballots in about a second. Every refusal names its line."""
from __future__ import annotations

import csv
from typing import IO

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


def _check_name(name: str, line: int) -> None:
    bad = control_character(name)
    if bad is not None:
        raise BallotFileError(line, f"the name {name!r} holds a control character ({ord(bad):#04x})")


def read_ranked(stream: IO[str], options: list[str] | None = None) -> RankedBallots:
    names: list[str] = _names(list(options), None) if options is not None else []
    declared = options is not None
    names_index = {name: i for i, name in enumerate(names)}
    # Each distinct cell text is resolved once (stripped, checked, numbered); after that a cell
    # costs one dictionary lookup.
    cells: dict[str, int] = {}
    flat: list[int] = []  # every row's option indices, one row after another
    widths: list[int] = []
    counts: list[int] = []
    lines: list[int] = []
    total = 0

    def resolve(cell: str, line: int) -> int:
        name = cell.strip()
        if not name:
            position = STOP
        elif name in names_index:
            position = names_index[name]
        elif declared:
            raise BallotFileError(line, f"{name!r} is not one of the declared candidates")
        else:
            _check_name(name, line)
            if len(names) == MAX_OPTIONS:
                raise BallotFileError(line, TOO_MANY_OPTIONS)
            position = names_index[name] = len(names)
            names.append(name)
        cells[cell] = position
        return position

    reader = csv.reader(stream, strict=True)
    try:
        for record in reader:
            if not record:
                continue
            first = record[0]
            if len(first) < 10 and first.isdigit() and first.isascii():  # a plain count: the common row
                count = int(first)
            else:
                line = reader.line_num
                text = first.strip()
                if not text:
                    if any(cell.strip() for cell in record):
                        raise BallotFileError(line, "the count is missing")
                    continue
                if text.lower() == HEADER and not counts and not declared:
                    names, declared = _names(record[1:], line), True
                    names_index, cells = {name: i for i, name in enumerate(names)}, {}
                    continue
                count = _count(text, line)
            total += count
            if total > MAX_BALLOTS:
                raise BallotFileError(reader.line_num, TOO_MANY_BALLOTS)
            start = len(flat)
            for cell in record[1:]:
                position = cells.get(cell)
                if position is None:
                    position = resolve(cell, reader.line_num)
                if position == STOP:
                    break
                flat.append(position)
            widths.append(len(flat) - start)
            counts.append(count)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise BallotFileError(reader.line_num, f"not a readable CSV row ({exc})")
    if not names:
        raise BallotFileError(reader.line_num or 1, "the file names no options")
    sorted_names, ranks = _canonical(names, flat, widths)
    twice = _ranked_twice(ranks)
    if twice is not None:
        row, option = twice
        raise BallotFileError(lines[row], f"{sorted_names[option]!r} is ranked twice")
    return RankedBallots.from_arrays(sorted_names, ranks, np.asarray(counts, dtype=np.int64))


def _canonical(names: list[str], flat: list[int], widths: list[int]) -> tuple[list[str], np.ndarray]:
    """The options sorted by name, and the rows as a padded array of indices into that order."""
    order = sorted(range(len(names)), key=names.__getitem__)
    renumber = np.empty(len(names), dtype=np.int16)
    renumber[order] = np.arange(len(names), dtype=np.int16)
    lengths = np.asarray(widths, dtype=np.int64)
    ranks = np.full((len(widths), max(int(lengths.max(initial=0)), 1)), PAD, dtype=np.int16)
    if flat:
        rows = np.repeat(np.arange(len(widths)), lengths)
        columns = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        ranks[rows, columns] = renumber[np.asarray(flat, dtype=np.int64)]
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
    text = cell.strip()
    # ASCII digits only: str.isdigit() alone would take "²" (which int() refuses) and "١٢".
    if not (text.isascii() and text.isdigit()):
        raise BallotFileError(line, f"the count {cell!r} is not a whole number of ballots")
    if len(text) > 20 or int(text) > MAX_BALLOTS:  # a longer number is refused before it is read
        raise BallotFileError(line, TOO_MANY_BALLOTS)
    return int(text)
