"""Reading ballot files: rows `count,first,second,...`, one per distinct ranking; a blank cell
ends the ranking. Options are named by their labels, in order of first appearance."""
from __future__ import annotations

import csv
from typing import IO

from openbargain.tally.ballots import RankedBallots, YesNoBallots


class BallotFileError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line




def read_ranked(stream: IO[str], options: list[str] | None = None) -> RankedBallots:
    names: list[str] = list(options or [])
    known = set(names)
    groups: list[tuple[list[str], int]] = []
    reader = csv.reader(stream)
    try:
        for record in reader:
            line = reader.line_num
            if not record or not any(cell.strip() for cell in record):
                continue
            count = _count(record[0], line)
            ranking: list[str] = []
            for cell in record[1:]:
                name = cell.strip()
                if not name:
                    break
                if name in ranking:
                    raise BallotFileError(line, f"{name!r} is ranked twice")
                if name not in known:
                    if options is not None:
                        raise BallotFileError(line, f"{name!r} is not one of the declared options")
                    known.add(name)
                    names.append(name)
                ranking.append(name)
            groups.append((ranking, count))
    except csv.Error as exc:
        raise BallotFileError(reader.line_num, f"not a readable CSV row ({exc})")
    if not names:
        raise BallotFileError(reader.line_num or 1, "the file names no options")
    return RankedBallots.from_groups(names, groups)


def read_yes_no(stream: IO[str]) -> YesNoBallots:
    """Rows `count,choice` with choice yes, no or abstain (blank is an abstention)."""
    tallies = {"yes": 0, "no": 0, "abstain": 0}
    reader = csv.reader(stream)
    try:
        for record in reader:
            if not record or not any(cell.strip() for cell in record):
                continue
            count = _count(record[0], reader.line_num)
            choice = (record[1].strip().lower() if len(record) > 1 else "") or "abstain"
            if choice not in tallies:
                raise BallotFileError(reader.line_num, f"choice {choice!r} is not yes, no or abstain")
            tallies[choice] += count
    except csv.Error as exc:
        raise BallotFileError(reader.line_num, f"not a readable CSV row ({exc})")
    return YesNoBallots(**tallies)


def _count(cell: str, line: int) -> int:
    text = cell.strip()
    if not text.isdigit():
        raise BallotFileError(line, f"the count {cell!r} is not a whole number of ballots")
    return int(text)
