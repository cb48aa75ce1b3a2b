"""python -m openbargain.tally METHOD FILE: count a ballot file and print the count."""
from __future__ import annotations

import argparse
import sys
from fractions import Fraction

from openbargain.tally.blt import read_blt
from openbargain.tally.csvfile import read_ranked, read_yes_no
from openbargain.tally.registry import COUNTING_ENGINES, count_ranked
from openbargain.tally.report import render_text
from openbargain.tally.yesno import THRESHOLDS, tally_yes_no


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m openbargain.tally", description=__doc__)
    parser.add_argument("method", choices=[*COUNTING_ENGINES, "yes_no"])
    parser.add_argument("file", help="CSV rows count,first,second,... (for yes_no: count,choice), or a BLT "
                                     "file (named *.blt)")
    parser.add_argument("--seats", type=int, help="seats to fill (stv, meek_stv; default 1, or the BLT file's)")
    parser.add_argument("--candidates", metavar="FILE",
                        help="the options, one per line: any other name in the ballots is refused (a first row "
                             "`candidates,A,B,...` in the ballot file does the same)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--seed", help="seed of the lot that breaks final ties (default: the ballot set's digest)")
    parser.add_argument("--threshold", choices=list(THRESHOLDS), default="majority", help="yes_no threshold")
    parser.add_argument("--roll-size", type=int, help="members on the roll, for the quorum")
    parser.add_argument("--quorum", type=Fraction, help="share of the roll that must vote, e.g. 1/5 or 0.2")
    args = parser.parse_args(argv)
    try:
        declared = _candidates(args.candidates) if args.candidates else None
        with open(args.file, encoding="utf-8-sig", newline="") as stream:
            if args.method == "yes_no":
                result = tally_yes_no(read_yes_no(stream), threshold=args.threshold, roll_size=args.roll_size,
                                      quorum=args.quorum)
            else:
                if args.file.lower().endswith(".blt"):
                    election = read_blt(stream)
                    ballots, seats = election.ballots, args.seats or election.seats
                else:
                    ballots, seats = read_ranked(stream, declared), args.seats or 1
                result = count_ranked(args.method, ballots, seats=seats, seed=args.seed, roll_size=args.roll_size,
                                      quorum=args.quorum)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{getattr(exc, 'filename', None) or args.file}: cannot read: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # BallotFileError (line-numbered) and invalid ballots alike
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 2
    print(result.to_json(indent=2) if args.json else render_text(result))
    return 0


def _candidates(path: str) -> list[str]:
    with open(path, encoding="utf-8-sig") as stream:
        return [line.strip() for line in stream if line.strip()]


if __name__ == "__main__":
    sys.exit(main())
