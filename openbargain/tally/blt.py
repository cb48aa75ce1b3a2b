"""The BLT ballot file, as OpenSTV, OpaVote, Droop and most STV software read and write it:

    6 3                 candidates, seats
    -4                  (optional) withdrawn candidates, negated
    113 5 3 4 0         a weight (how many ballots), their ranking by candidate number, 0
    0                   the end of the ballots
    "Robin Bawa"        the candidates' names, in number order
    ...
    "Ward 5"            the title

Blank lines and comments (from # to the end of the line) are ignored; a ballot may run over
several lines. Withdrawn candidates are taken off every ballot and out of the count. Equal
rankings (`=`) and ballot ids are not read: they are refused, with their line."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

from openbargain.tally.ballots import RankedBallots
from openbargain.tally.csvfile import BallotFileError

TOKEN = re.compile(r'"((?:[^"]|"")*)"|(\S+)')


@dataclass(frozen=True)
class BltElection:
    title: str
    seats: int
    ballots: RankedBallots
    withdrawn: tuple[str, ...] = ()


def _tokens(stream: IO[str]):
    """(line, text, quoted) for every token, comments and blank lines left out."""
    for line, text in enumerate(stream, start=1):
        if "#" in text and '"' not in text.split("#", 1)[0]:
            text = text.split("#", 1)[0]
        for match in TOKEN.finditer(text):
            quoted, bare = match.groups()
            yield (line, quoted.replace('""', '"'), True) if quoted is not None else (line, bare, False)


def _number(token: tuple[int, str, bool], what: str) -> int:
    line, text, quoted = token
    if quoted or not re.fullmatch(r"-?[0-9]+", text):
        raise BallotFileError(line, f"expected {what}, found {text!r}")
    return int(text)


def read_blt(stream: IO[str]) -> BltElection:
    tokens = _tokens(stream)

    def take(what: str) -> tuple[int, str, bool]:
        token = next(tokens, None)
        if token is None:
            raise BallotFileError(0, f"the file ends before {what}")
        return token

    first = take("the number of candidates")
    n, seats = _number(first, "the number of candidates"), _number(take("the number of seats"), "the number of seats")
    if n < 1 or not 1 <= seats <= n:
        raise BallotFileError(first[0], f"{n} candidates and {seats} seats: need at least one seat, at most one a candidate")
    withdrawn: set[int] = set()
    groups: list[tuple[list[int], int, int]] = []
    token = take("the ballots")
    while True:
        value = _number(token, "a ballot weight")
        if value < 0:
            if groups or -value > n:
                raise BallotFileError(token[0], f"{value} is not a withdrawn candidate here")
            withdrawn.add(-value)
            token = take("the ballots")
            continue
        if value == 0:
            break
        line, ranking = token[0], []
        while (choice := _number(take("the end of a ballot (0)"), "a candidate number")) != 0:
            if not 1 <= choice <= n:
                raise BallotFileError(line, f"candidate {choice} does not exist (1 to {n})")
            if choice in ranking:
                raise BallotFileError(line, f"candidate {choice} is ranked twice")
            ranking.append(choice)
        groups.append((ranking, value, line))
        token = take("the end of the ballots (0)")
    names = []
    for number in range(1, n + 1):
        line, text, quoted = take(f"the name of candidate {number}")
        if not quoted:
            raise BallotFileError(line, f"the name of candidate {number} must be in double quotes")
        names.append(text.strip())
    title_token = next(tokens, None)
    title = title_token[1].strip() if title_token else ""
    kept = [i for i in range(1, n + 1) if i not in withdrawn]
    try:
        ballots = RankedBallots.from_groups(
            [names[i - 1] for i in kept],
            [([names[c - 1] for c in ranking if c not in withdrawn], count) for ranking, count, _ in groups])
    except ValueError as exc:
        raise BallotFileError(first[0], str(exc))
    return BltElection(title, seats, ballots, tuple(names[i - 1] for i in sorted(withdrawn)))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def write_blt(ballots: RankedBallots, seats: int, title: str) -> str:
    """The ballot set as a BLT file: one line a distinct ranking (its weight the count), the
    options in their order, numbered from 1."""
    number = {name: i for i, name in enumerate(ballots.options, start=1)}
    lines = [f"{len(ballots.options)} {seats}"]
    for ranking, count in ballots.groups():
        if count:
            lines.append(" ".join([str(count), *(str(number[name]) for name in ranking), "0"]))
    lines.append("0")
    lines.extend(_quoted(name) for name in ballots.options)
    lines.append(_quoted(title))
    return "\n".join(lines) + "\n"
