"""Certification: the count of a closed referendum, done exactly once, and what it publishes."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import gettext, ngettext
from sqlalchemy import Text, cast, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Ballot,
    BallotTracker,
    Chapter,
    Mandate,
    Membership,
    PaperBatch,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Referendum,
    ReferendumStatus,
    Result,
    ResultExport,
    SealedBallot,
    User,
    VoidedTracker,
    VoterRollEntry,
)
from openbargain.models.referendum import YES_NO_METHOD
from openbargain.phrases import each_language, phrase
from openbargain.services import audit, callup_outcomes, elections, notifications, platform, roll_notices, sealing, webhooks
from openbargain.services.access import bylaws_of, membership_of, require_visible
from openbargain.services.bulk import read_rows, write_rows
from openbargain.services.casting import tracker_hash
from openbargain.services.errors import InvalidTransition, NotFound
from openbargain.services.lifecycle import transition
from openbargain.services.rolls import freeze_due_rolls
from openbargain.services.mandates import issue_mandates
from openbargain.services.turnout import record_turnout
from openbargain.services.uow import UnitOfWork, unit_of_work
from openbargain.tally import RankedBallots, board, report
from openbargain.tally.blt import write_blt
from openbargain.tally.verify import EXPORT_FORMAT, first_difference


def _published(session: Session, referendum: Referendum) -> tuple[list[str], board.BallotSet]:
    """The board as stored: tracker hashes (sorted) and the ballots, read grouped by their stored
    text (each distinct text parsed and put in canonical form once, not trusted to be so)."""
    trackers = session.scalars(select(BallotTracker.tracker_hash).where(BallotTracker.referendum_id == referendum.id)
                               .order_by(BallotTracker.tracker_hash))
    stored = session.execute(select(cast(Ballot.content, Text), func.count())
                             .where(Ballot.referendum_id == referendum.id).group_by(cast(Ballot.content, Text)))
    parsed = ((json.loads(text), n) for text, n in stored)
    return list(trackers), board.BallotSet.from_groups((board.canonical(c), c, n) for c, n in parsed)


def _unseal_ballots(session: Session, referendum: Referendum,
                    paper: list[dict]) -> tuple[list[str], board.BallotSet]:
    """Opens every sealed ballot of the vote and writes them out in the open, in this one
    transaction: contents in canonical order (position = place in that order), trackers sorted
    and apart from the contents, roll-call voters pointed at a ballot of their content. Then the
    sealed rows go, so no stored row keeps the order, transaction or time of any cast. The sealed
    rows are read in batches and only the distinct contents, their counts and the trackers kept."""
    if not paper and session.scalar(select(SealedBallot.id).where(SealedBallot.referendum_id == referendum.id)
                                    .limit(1)) is None:
        return [], board.BallotSet()
    seal = sealing.BallotSeal(referendum.seal_key_id, referendum.id)
    sealed = read_rows(session, select(SealedBallot.id, SealedBallot.sealed)
                       .where(SealedBallot.referendum_id == referendum.id))
    trackers: list[str] = []
    roll_call: list[tuple[int, str]] = []

    def opened():
        for (line, payload), tracker in seal.open_all(sealed, lambda p: (board.canonical(p["content"]), p)):
            trackers.append(tracker)
            if payload["roll_entry"] is not None:
                roll_call.append((payload["roll_entry"], line))
            yield line, payload["content"], 1
        for content in paper:  # no tracker: a paper ballot's voter checks the count in the room
            yield board.canonical(content), content, 1

    ballots = board.BallotSet.from_groups(opened())
    trackers.sort()
    write_rows(session, Ballot.__table__, ["referendum_id", "position", "content"],
               ((referendum.id, position, line) for position, line in enumerate(ballots.lines)))
    write_rows(session, BallotTracker.__table__, ["referendum_id", "tracker_hash"],
               ((referendum.id, tracker) for tracker in trackers))
    if roll_call:
        session.execute(update(VoterRollEntry), _roll_call_positions(roll_call, ballots))
    session.execute(delete(SealedBallot).where(SealedBallot.referendum_id == referendum.id))
    return trackers, ballots


def paper_ballots(session: Session, referendum_id: int) -> list[dict]:
    """The paper ballots of the vote's batches two tellers agreed on (services/paper.py)."""
    return [content for batch in session.scalars(select(PaperBatch.ballots).where(
        PaperBatch.referendum_id == referendum_id, PaperBatch.agreed_at.is_not(None))) for content in batch]


def _roll_call_positions(roll_call: list[tuple[int, str]], ballots: board.BallotSet) -> list[dict]:
    """A roll-call voter points at a counted ballot of the same content (which of several equal
    ones does not matter: they are the same ballot)."""
    first: dict[str, int] = {}
    position = 0
    for line, _, n in ballots.groups:
        first[line] = position
        position += n
    taken: Counter[str] = Counter()
    voters = []
    for roll_entry, line in roll_call:
        voters.append({"id": roll_entry, "ballot_position": first[line] + taken[line]})
        taken[line] += 1
    return voters


def _count(referendum: Referendum, proposal: Proposal, contents: board.BallotSet | list[dict]):
    return board.count_contents(
        referendum.method, [o.label for o in proposal.options], contents, seats=referendum.seats,
        threshold=referendum.threshold, roll_size=referendum.roll_size or 0,
        quorum=Fraction(referendum.quorum_percent, 100))


def certify_due(uow: UnitOfWork, referendum_id: int) -> Result | None:
    """Certifies one closed referendum inside the caller's transaction, exactly once: the row lock
    queues any racing certifier (and any late cast) behind it, and the second finds it done.
    The result issues its mandates in the same transaction."""
    session = uow.session
    referendum = session.scalar(select(Referendum).where(Referendum.id == referendum_id).with_for_update())
    if referendum is None:
        return None
    existing = session.scalar(select(Result).where(Result.referendum_id == referendum.id))
    if existing is not None or referendum.status_at(now()) != ReferendumStatus.CLOSED:
        return existing
    freeze_due_rolls(session)  # a vote nobody touched while open still has the roll it opened with
    session.refresh(referendum)
    proposal = session.get(Proposal, referendum.proposal_id)
    chapter = session.get(Chapter, proposal.chapter_id)
    paper = paper_ballots(session, referendum.id)
    trackers, ballots = _unseal_ballots(session, referendum, paper)
    record_turnout(session, referendum, chapter)
    checkpoint = audit.head(session, chapter)
    tally = _count(referendum, proposal, ballots)
    quorum = tally.details.get("quorum") or {}
    result = Result(
        referendum_id=referendum.id, outcome=tally.outcome, winners=list(tally.winners), tally=tally.to_dict(),
        ballots_cast=ballots.size, paper_ballots=len(paper), roll_size=referendum.roll_size or 0,
        quorum_met=bool(quorum.get("met")), ballot_set_hash=ballots.hash,
        board_hash=ballots.board_hash(referendum.roll_hash or "", trackers), certified_at=now(),
        audit_length=checkpoint.length, audit_head=checkpoint.hash, audit_chain=checkpoint.chain,
        ballots_public=_ballots_public(session, chapter, referendum))
    session.add(result)
    referendum.certified_at = result.certified_at
    transition(proposal, ProposalStatus.NO_DECISION if tally.outcome == "no_decision" else ProposalStatus.DECIDED)
    session.flush()
    audit.record(session, "referendum.certified", f"referendum:{referendum.id}", actor=None, chapter=chapter,
                 data={"outcome": result.outcome, "winners": result.winners, "ballots_cast": result.ballots_cast,
                       "voided_by_revoting": len(voided_trackers(session, referendum.id)), "on_paper": len(paper),
                       "roll_size": result.roll_size, "ballot_set_hash": result.ballot_set_hash,
                       "board_hash": result.board_hash, "audit_checkpoint": checkpoint.label})
    sentence = each_language(lambda: outcome_sentence(result, referendum))
    said = phrase("“%(title)s”: %(sentence)s", title=proposal.title, sentence=sentence)
    # The rooms hear of the result before the mandates it issues.
    webhooks.emit(uow, chapter, "result.certified", f"referendum:{referendum.id}", said,
                  notifications.path("referenda.result", slug=chapter.slug, referendum_id=referendum.id),
                  referendum_id=referendum.id, proposal_id=proposal.id, outcome=result.outcome,
                  winners=list(result.winners), ballots_cast=result.ballots_cast, roll_size=result.roll_size,
                  quorum_met=result.quorum_met)
    _carry_out(uow, referendum, proposal, result)
    _store_export(session, referendum, result, chapter, (trackers, ballots))  # once: served as it is
    notifications.proposal_moved(uow, proposal, chapter)
    roll_notices.announce(
        uow, "result_certified", f"result:{referendum.id}", referendum.id, chapter=chapter,
        title=said, subject=phrase("Result: %(title)s", title=proposal.title), template="result_certified",
        link=notifications.path("referenda.result", slug=chapter.slug, referendum_id=referendum.id),
        proposal=proposal, referendum=referendum, sentence=sentence)
    return result


def _carry_out(uow: UnitOfWork, referendum: Referendum, proposal: Proposal, result: Result) -> None:
    """What a certified result does: a plank or a repeal changes the platform; an election elects
    people; a called-up committee decision is confirmed or overturned; any other result issues its
    mandates."""
    if proposal.kind in (ProposalKind.PLANK, ProposalKind.REPEAL):
        platform.enact(uow, proposal, result)
    elif proposal.kind == ProposalKind.ELECTION:
        elections.decided(uow, proposal, result)
    elif (decision := callup_outcomes.called_up_by(uow.session, proposal.id)) is not None:
        callup_outcomes.settle(uow, decision, referendum, proposal, result)
    else:
        issue_mandates(uow, referendum, proposal, result)


def outcome_sentence(result: Result, referendum: Referendum) -> str:
    """The outcome in one sentence, with the turnout and the quorum: the result page, the
    chapter's front page and the notice of the result say it alike."""
    tally = result.tally
    quorum = (gettext("quorum %(percent)s%% met", percent=referendum.quorum_percent) if result.quorum_met
              else gettext("quorum %(percent)s%% not met", percent=referendum.quorum_percent))
    turnout = gettext("turnout %(cast)s of %(roll)s", cast=_thousands(result.ballots_cast), roll=_thousands(result.roll_size))
    if referendum.method == "yes_no":
        t = tally["rounds"][0]["tallies"]
        counts = gettext("%(yes)s yes, %(no)s no (%(share)s%%), %(abstain)s abstain", yes=_thousands(t["yes"]),
                   no=_thousands(t["no"]), share=tally["rounds"][0]["yes_percent"], abstain=_thousands(t["abstain"]))
        verdict = {"adopted": gettext("Adopted"), "rejected": gettext("Rejected"), "no_decision": gettext("No decision")}[result.outcome]
        return gettext("%(verdict)s: %(counts)s; %(turnout)s, %(quorum)s.", verdict=verdict, counts=counts, turnout=turnout,
                 quorum=quorum)
    if result.outcome == "no_decision":
        return gettext("No decision: %(turnout)s, %(quorum)s. The count below binds no one.", turnout=turnout, quorum=quorum)
    rounds = len(tally["rounds"])
    who = ", ".join(result.winners)
    if referendum.method == "schulze":
        return gettext("Won: %(who)s; %(turnout)s, %(quorum)s.", who=who, turnout=turnout, quorum=quorum)
    if referendum.method == "stv":  # people are elected; an option wins
        return ngettext("Elected: %(who)s after %(num)d round; %(turnout)s, %(quorum)s.",
                        "Elected: %(who)s after %(num)d rounds; %(turnout)s, %(quorum)s.", rounds, who=who,
                        turnout=turnout, quorum=quorum)
    return ngettext("Won: %(who)s after %(num)d round; %(turnout)s, %(quorum)s.",
                    "Won: %(who)s after %(num)d rounds; %(turnout)s, %(quorum)s.", rounds, who=who, turnout=turnout,
                    quorum=quorum)


def _thousands(n: int) -> str:
    return f"{n:,}"


def _ballots_public(session: Session, chapter: Chapter, referendum: Referendum) -> bool:
    """Yes/no ballots say one of three things and roll-call votes are public by choice; a secret
    ranked vote publishes its individual ballots as the bylaws say for its roll."""
    if referendum.method == YES_NO_METHOD or not referendum.secret:
        return True
    return bylaws_of(chapter, session).publishes_ranked_ballots(referendum.roll_size or 0)


def winner_word(result: Result) -> str:
    """People are elected (STV's seats); an option wins; a count that missed quorum binds no one."""
    if result.outcome == "no_decision":
        return gettext("ahead when the count ended, binding no one")
    return gettext("elected") if result.tally.get("method") in ("stv", "meek_stv") else gettext("won")


def narrative(result: Result) -> dict[int, list[str]]:
    """Round number → what happened in it and why (who came through, who was eliminated,
    transfers with their papers and values, ties and how they were decided), as the command's
    text report says it. Schulze's lot, where a lot chose the winner, is round 0."""
    word = winner_word(result)
    events = {r["round"]: report.round_events(r, word, gettext) for r in result.tally.get("rounds", []) if "round" in r}
    lots = [report.tie_text(tie, gettext) for tie in result.tally.get("details", {}).get("tie_breaks", [])]
    if lots:
        events[0] = lots
    return events


def withheld_reason(result: Result) -> str | None:
    """Why the individual ballots are not published, as the result page and the export say it."""
    if result.ballots_public:
        return None
    return gettext("The chapter's bylaws withhold the individual ranked ballots of this vote (with a roll of %(roll)s, a "
             "published ranking could point at the member who cast it). The round-by-round count, the ballot-set "
             "hash and the board's closing hash are published, and every tracker can be checked.",
             roll=result.roll_size)


def certify_closed(chapter_id: int | None = None) -> int:
    """Certifies every referendum that has closed and is not certified (tick, and lazily on access)."""
    query = select(Referendum.id).join(Proposal, Proposal.id == Referendum.proposal_id).where(
        Referendum.certified_at.is_(None), Referendum.closes_at <= now())
    if chapter_id is not None:
        query = query.where(Proposal.chapter_id == chapter_id)
    due = list(db.session.scalars(query))
    for referendum_id in due:
        with unit_of_work() as uow:
            certify_due(uow, referendum_id)
    return len(due)


# --- reading the result ---------------------------------------------------------------------

@dataclass(frozen=True)
class ResultView:
    referendum: Referendum
    proposal: Proposal
    membership: Membership | None
    result: Result
    roll_call: list[tuple[str, dict]]  # (member name, ballot content) for roll-call votes only
    mandates: list[Mandate]  # what the result binds each directed elected to do
    voided: list[str]  # the trackers of ballots their voters replaced by revoting, sorted


def voided_trackers(session: Session, referendum_id: int) -> list[str]:
    return list(session.scalars(select(VoidedTracker.tracker_hash).where(VoidedTracker.referendum_id == referendum_id)
                                .order_by(VoidedTracker.tracker_hash)))


def _certified(actor: User | None, chapter: Chapter, referendum_id: int) -> tuple[Referendum, Membership | None]:
    referendum = db.session.get(Referendum, referendum_id)
    if referendum is None or referendum.proposal.chapter_id != chapter.id:
        raise NotFound(gettext("No such vote."))
    mine = membership_of(actor, chapter)
    require_visible(actor, mine, referendum.proposal, chapter, db.session)
    if referendum.certified_at is None:
        raise InvalidTransition(gettext("There is no result while the vote is open: only the turnout is shown "
                                        "until the count is certified after it closes."))
    return referendum, mine


def get_result(actor: User | None, chapter: Chapter, referendum_id: int) -> ResultView:
    referendum, mine = _certified(actor, chapter, referendum_id)
    result = db.session.scalar(select(Result).where(Result.referendum_id == referendum.id))
    roll_call: list[tuple[str, dict]] = []
    if not referendum.secret:
        rows = db.session.execute(
            select(User.name, Ballot.content).join(Membership, Membership.user_id == User.id)
            .join(VoterRollEntry, VoterRollEntry.membership_id == Membership.id)
            .join(Ballot, (Ballot.referendum_id == VoterRollEntry.referendum_id)
                  & (Ballot.position == VoterRollEntry.ballot_position))
            .where(VoterRollEntry.referendum_id == referendum.id).order_by(User.name))
        roll_call = [(r.name, r.content) for r in rows]
    issued = list(db.session.scalars(select(Mandate).options(selectinload(Mandate.membership).selectinload(
        Membership.user)).where(Mandate.referendum_id == referendum.id).order_by(Mandate.id)))
    return ResultView(referendum, referendum.proposal, mine, result, roll_call, issued,
                      voided_trackers(db.session, referendum.id))


def find_tracker(actor: User | None, chapter: Chapter, referendum_id: int, code: str) -> str | None:
    """Where a tracker stands on the board: "counted", "voided" (its voter revoted), or None."""
    referendum, _ = _certified(actor, chapter, referendum_id)
    digest = tracker_hash(code)
    if db.session.get(BallotTracker, (referendum.id, digest)) is not None:
        return "counted"
    return "voided" if db.session.get(VoidedTracker, (referendum.id, digest)) is not None else None


def _export_document(session: Session, referendum: Referendum, result: Result, chapter: Chapter,
                     board_lists: tuple[list[str], board.BallotSet] | None = None) -> bytes:
    """Everything needed to recount, in one document: the referendum's parameters, the board
    (trackers and ballots; `board_lists` when the caller holds them already) and the certified
    result with its hashes. Where the bylaws withheld the individual ballots, `ballots` is empty
    and `ballots_withheld` says why. Compact JSON with sorted keys: a machine's document (any JSON
    viewer indents it), a third smaller and four times faster to write than indented."""
    trackers, ballots = board_lists or _published(session, referendum)
    withheld = withheld_reason(result)
    proposal = session.get(Proposal, referendum.proposal_id)
    document = {
        "format": EXPORT_FORMAT,
        "chapter": chapter.slug,
        "referendum": {
            "id": referendum.id, "proposal": proposal.title, "method": referendum.method,
            "seats": referendum.seats, "threshold": referendum.threshold,
            "quorum_percent": referendum.quorum_percent, "secret": referendum.secret,
            "opens_at": referendum.opens_at.isoformat(), "closes_at": referendum.closes_at.isoformat(),
            "roll_size": referendum.roll_size or 0, "roll_hash": referendum.roll_hash or "",
            "options": [o.label for o in proposal.options],
        },
        "trackers": trackers,
        "voided_trackers": voided_trackers(session, referendum.id),
        "paper_ballots": result.paper_ballots,
        "ballots": [],
        "ballots_withheld": withheld,
        "ballot_set_hash": result.ballot_set_hash,
        "board_hash": result.board_hash,
        "certified_at": result.certified_at.isoformat(),
        "audit_checkpoint": {"chain": result.audit_chain, "length": result.audit_length, "head": result.audit_head},
        "result": result.tally,
    }
    # The long lists are joined, not serialised item by item: each ballot's canonical line is
    # already this JSON, and tracker hashes are hex digits, which JSON writes as they are.
    raw = {"trackers": '["' + '","'.join(trackers) + '"]' if trackers and all(map(str.isalnum, trackers)) else None,
           "ballots": "[" + ",".join(ballots.lines) + "]" if not withheld else None}
    fields = [f"{_compact(key)}:{raw.get(key) or _compact(value)}" for key, value in sorted(document.items())]
    return ("{" + ",".join(fields) + "}").encode()


def _compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def _store_export(session: Session, referendum: Referendum, result: Result, chapter: Chapter,
                  board_lists: tuple[list[str], board.BallotSet] | None = None) -> ResultExport:
    document = _export_document(session, referendum, result, chapter, board_lists)
    stored = ResultExport(referendum_id=referendum.id, document=document,
                          digest=hashlib.sha256(document).hexdigest(), built_at=now())
    session.add(stored)
    session.flush([stored])
    return stored


def export_file(actor: User | None, chapter: Chapter, referendum_id: int) -> ResultExport:
    """The stored recount document, for whoever may see the result. A result certified before
    exports were stored gets its document now, once; two first downloads at the same moment
    store one (the key refuses the second, which then reads the first)."""
    referendum, _ = _certified(actor, chapter, referendum_id)
    stored = db.session.get(ResultExport, referendum.id)
    if stored is not None:
        return stored
    try:
        with unit_of_work() as uow:
            result = uow.session.scalar(select(Result).where(Result.referendum_id == referendum_id))
            _store_export(uow.session, uow.session.get(Referendum, referendum_id), result, chapter)
    except IntegrityError:
        pass
    return db.session.get(ResultExport, referendum_id)


def export(actor: User | None, chapter: Chapter, referendum_id: int) -> dict:
    """The recount document as data (the CSV and BLT downloads are cut from it)."""
    return json.loads(export_file(actor, chapter, referendum_id).document)


def export_blt(actor: User | None, chapter: Chapter, referendum_id: int) -> str:
    """A certified ranked vote's ballots as a BLT file, for any other STV software to recount."""
    document = export(actor, chapter, referendum_id)
    ref = document["referendum"]
    if ref["method"] == YES_NO_METHOD:
        raise NotFound(gettext("A yes/no vote has no ranked ballots."))
    if document["ballots_withheld"]:
        raise NotFound(document["ballots_withheld"])
    groups = Counter(tuple(c["ranking"]) for c in document["ballots"])
    return write_blt(RankedBallots.from_groups(ref["options"], groups.items()), ref["seats"], ref["proposal"])


def verify_result(referendum_id: int) -> list[str]:
    """`flask openbargain verify-result`: recounts from the stored ballots and compares with the
    certified result and its hashes; returns the disagreements (none when all agree)."""
    referendum = db.session.get(Referendum, referendum_id)
    if referendum is None:
        raise NotFound(f"No referendum {referendum_id}.")
    result = db.session.scalar(select(Result).where(Result.referendum_id == referendum_id))
    if result is None:
        raise InvalidTransition(f"Referendum {referendum_id} is not certified yet.")
    trackers, ballots = _published(db.session, referendum)
    problems = []
    if ballots.hash != result.ballot_set_hash:
        problems.append("the stored ballots do not match the certified ballot-set hash")
    if ballots.board_hash(referendum.roll_hash or "", trackers) != result.board_hash:
        problems.append("the stored board does not match the certified closing hash")
    difference = first_difference(result.tally, _count(referendum, referendum.proposal, ballots).to_dict())
    if difference:
        problems.append(difference)
    return problems
