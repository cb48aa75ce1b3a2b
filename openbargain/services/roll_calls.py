"""Verdicts backed by the legislature's own record. Steering links a mandate that directs a vote
to the bill or motion in a source (Open States, LegiScan, Legistar, or a clerk's CSV) and says
which vote the directive requires; each elected's profile holds their ids in those sources.
Importing roll calls then matches each elected's recorded vote against their mandate and proposes
a verdict — kept when they voted as directed, broken when they voted the other way, none when
they did not vote either way — with the record as its evidence. Steering confirms it (it becomes
a verdict like any other) or sets it aside; both are audited."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Chapter, Mandate, MandateStatus, Membership, Rating, User
from openbargain.models.roll_call import (
    EXTERNAL_MAX,
    BillLink,
    Position,
    RecordMatch,
    RecordedVote,
    RollCall,
    Source,
    SourceId,
)
from openbargain.services import audit, roll_call_formats, verdicts
from openbargain.services.access import membership_of, require
from openbargain.services.errors import InvalidTransition, NotFound, ValidationFailed
from openbargain.services.mandates import load_mandate
from openbargain.services.roll_call_formats import RollCallRecord
from openbargain.services.text import ONE_LINE, breaks_the_line
from openbargain.services.uow import unit_of_work

DIRECTABLE = (Position.YES, Position.NO)
RECORD_SOURCES = {Source.OPENSTATES: _l("Open States (state legislatures)"),
                  Source.LEGISCAN: _l("LegiScan (states and Congress)"),
                  Source.LEGISTAR: _l("Legistar (city and county councils)"), Source.CSV: _l("A clerk's record (CSV)")}
POSITIONS = {Position.YES: _l("yes"), Position.NO: _l("no"), Position.ABSTAIN: _l("abstain"),
             Position.ABSENT: _l("absent"), Position.OTHER: _l("other")}


def _identifier(name: str, value: str, missing: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationFailed.on(name, missing)
    if len(value) > EXTERNAL_MAX:
        raise ValidationFailed.on(name, gettext("Use at most %(count)d characters.", count=EXTERNAL_MAX))
    if breaks_the_line(value):
        raise ValidationFailed.on(name, gettext(ONE_LINE))
    return value


def set_source_id(actor: User, chapter: Chapter, membership_id: int, source: Source, person_id: str) -> SourceId | None:
    """The elected's id in a source, set by steering or the elected; an empty id removes it."""
    person_id = person_id.strip()
    if person_id:
        person_id = _identifier("person_id", person_id, "")
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        elected = s.get(Membership, membership_id)
        if elected is None or elected.chapter_id != chapter.id or not elected.is_elected:
            raise NotFound(gettext("No such elected."))
        require(policy.is_active_steering(mine) or (mine is not None and mine.id == elected.id), mine,
                gettext("Only steering and the elected set an elected's ids in the public record."))
        row = s.scalar(select(SourceId).where(SourceId.membership_id == elected.id, SourceId.source == source))
        if not person_id:
            if row is not None:
                s.delete(row)
        elif row is None:
            row = SourceId(membership_id=elected.id, source=source, person_id=person_id)
            s.add(row)
        else:
            row.person_id = person_id
        audit.record(s, "elected.source_id_set", f"membership:{elected.id}", actor=actor, chapter=chapter,
                     data={"source": source.value, "person_id": person_id or None})
        if person_id:
            _match(s, chapter, membership_ids=[elected.id])
    return row if person_id else None


def source_ids_of(membership_id: int) -> dict[Source, str]:
    return {row.source: row.person_id for row in db.session.scalars(
        select(SourceId).where(SourceId.membership_id == membership_id).order_by(SourceId.source))}


def link_bill(actor: User, chapter: Chapter, mandate_id: int, source: Source, bill: str,
              directed: Position) -> BillLink:
    """Steering links a mandate to the bill it directs a vote on, and says which vote; roll calls
    already imported are matched at once."""
    bill = _identifier("bill", bill, gettext("Give the bill or motion as the source names it."))
    if directed not in DIRECTABLE:
        raise ValidationFailed.on("position", gettext("A directive requires a yes or a no."))
    with unit_of_work() as uow:
        s = uow.session
        mandate, mine = load_mandate(s, actor, chapter, mandate_id)
        require(policy.can_review_reports(actor, mine), mine, gettext("Only the steering committee links bills."))
        if mandate.status == MandateStatus.SUPERSEDED:
            raise InvalidTransition(gettext("This mandate was superseded: it is no longer rated."))
        link = BillLink(mandate_id=mandate.id, source=source, bill=bill, position=directed, linked_at=now())
        try:
            with s.begin_nested():
                s.add(link)
        except IntegrityError:
            raise InvalidTransition(gettext("This mandate is already linked to that bill.")) from None
        audit.record(s, "mandate.bill_linked", f"mandate:{mandate.id}", actor=actor, chapter=chapter,
                     data={"source": source.value, "bill": bill, "position": directed.value})
        _match(s, chapter, mandate_ids=[mandate.id])
    return link


@dataclass(frozen=True)
class ImportReport:
    roll_calls: int  # new ones
    already: int  # imported before: left as they were
    votes: int
    matches: int  # new proposals for steering


def import_records(chapter: Chapter, records: list[RollCallRecord], actor: User | None = None) -> ImportReport:
    """Stores the roll calls not stored before (a second import of the same file changes nothing)
    and matches them; by steering, or by the operator's command (no actor)."""
    with unit_of_work() as uow:
        s = uow.session
        if actor is not None:
            mine = membership_of(actor, chapter, s)
            require(policy.can_review_reports(actor, mine), mine,
                    gettext("Only the steering committee imports roll calls."))
        known = set(s.execute(select(RollCall.source, RollCall.external_id).where(
            RollCall.chapter_id == chapter.id,
            tuple_(RollCall.source, RollCall.external_id).in_([(r.source, r.external_id) for r in records] or
                                                              [("", "")]))).all())
        moment, added, votes, fresh = now(), 0, 0, []
        for record in records:
            if (record.source, record.external_id) in known:
                continue
            known.add((record.source, record.external_id))
            call = RollCall(chapter_id=chapter.id, source=record.source, external_id=record.external_id,
                            bill=record.bill, motion=record.motion, voted_on=record.voted_on, result=record.result,
                            url=record.url, imported_at=moment)
            seen: set[str] = set()
            for v in record.votes:
                if v.person_id not in seen:  # a person recorded twice counts once, as first recorded
                    seen.add(v.person_id)
                    call.votes.append(RecordedVote(person_id=v.person_id, person_name=v.person_name,
                                                   position=v.position, as_recorded=v.as_recorded))
            s.add(call)
            fresh.append(call)
            added += 1
            votes += len(call.votes)
        s.flush()
        matches = _match(s, chapter, roll_call_ids=[c.id for c in fresh]) if fresh else 0
        audit.record(s, "roll_calls.imported", f"chapter:{chapter.id}", actor=actor, chapter=chapter,
                     data={"roll_calls": added, "already": len(records) - added, "votes": votes, "matches": matches,
                           "sources": sorted({r.source.value for r in records})})
    return ImportReport(added, len(records) - added, votes, matches)


def import_file(actor: User, chapter: Chapter, source: Source, raw: bytes) -> ImportReport:
    """A record steering uploads: read whole (refused whole if any of it is wrong), then imported."""
    return import_records(chapter, roll_call_formats.read(source, raw), actor=actor)


def _proposed(recorded: Position, directed: Position) -> Rating | None:
    if recorded not in DIRECTABLE:
        return None
    return Rating.KEPT if recorded == directed else Rating.BROKEN


def _match(s: Session, chapter: Chapter, *, mandate_ids: list[int] | None = None,
           membership_ids: list[int] | None = None, roll_call_ids: list[int] | None = None) -> int:
    """Writes a match for each recorded vote of a linked elected on a linked bill not matched
    before (narrowed to these mandates, electeds or roll calls); returns how many."""
    query = (select(BillLink.mandate_id, BillLink.position, RecordedVote.id, RecordedVote.position)
             .join(Mandate, Mandate.id == BillLink.mandate_id)
             .join(SourceId, (SourceId.membership_id == Mandate.membership_id) & (SourceId.source == BillLink.source))
             .join(RollCall, (RollCall.chapter_id == Mandate.chapter_id) & (RollCall.source == BillLink.source)
                   & (RollCall.bill == BillLink.bill))
             .join(RecordedVote, (RecordedVote.roll_call_id == RollCall.id)
                   & (RecordedVote.person_id == SourceId.person_id))
             .outerjoin(RecordMatch, (RecordMatch.mandate_id == BillLink.mandate_id)
                        & (RecordMatch.recorded_vote_id == RecordedVote.id))
             .where(Mandate.chapter_id == chapter.id, Mandate.status != MandateStatus.SUPERSEDED,
                    RecordMatch.id.is_(None)))
    if mandate_ids is not None:
        query = query.where(BillLink.mandate_id.in_(mandate_ids))
    if membership_ids is not None:
        query = query.where(Mandate.membership_id.in_(membership_ids))
    if roll_call_ids is not None:
        query = query.where(RollCall.id.in_(roll_call_ids))
    moment, found = now(), 0
    for mandate_id, directed, vote_id, recorded in s.execute(query).all():
        s.add(RecordMatch(mandate_id=mandate_id, recorded_vote_id=vote_id, directed=directed,
                          proposed=_proposed(recorded, directed), found_at=moment))
        found += 1
    s.flush()
    return found


def _open_match(s: Session, actor: User, chapter: Chapter, match_id: int) -> RecordMatch:
    match = s.scalar(select(RecordMatch).options(selectinload(RecordMatch.recorded_vote)
                                                 .selectinload(RecordedVote.roll_call))
                     .where(RecordMatch.id == match_id).with_for_update(of=RecordMatch))
    if match is None:
        raise NotFound(gettext("No such record."))
    mandate, mine = load_mandate(s, actor, chapter, match.mandate_id)
    require(policy.can_review_reports(actor, mine), mine, gettext("Only the steering committee rates mandates."))
    if match.verdict_id is not None or match.set_aside_at is not None:
        raise InvalidTransition(gettext("This record was already confirmed or set aside."))
    return match


def confirm_match(actor: User, chapter: Chapter, match_id: int, rating: Rating | None = None,
                  reasoning: str = "") -> RecordMatch:
    """The record becomes steering's verdict: the proposed rating, or the one steering chooses
    (needed where the elected did not vote either way), with the roll call as its evidence."""
    with unit_of_work() as uow:
        s = uow.session
        match = _open_match(s, actor, chapter, match_id)
        chosen = rating or match.proposed
        if chosen is None:
            raise ValidationFailed.on("rating", gettext("The elected did not vote yes or no: choose the verdict."))
        vote, call = match.recorded_vote, match.recorded_vote.roll_call
        quote = gettext("%(motion)s, %(day)s (%(bill)s): %(name)s voted “%(vote)s”; the mandate directs “%(directed)s”.",
                        motion=call.motion, day=call.voted_on.isoformat(), bill=call.bill,
                        name=vote.person_name or vote.person_id, vote=vote.as_recorded, directed=match.directed.value)
        verdict = verdicts.rated(uow, actor, chapter, match.mandate_id, verdicts.VerdictDraft(
            chosen, reasoning, call.url or "", quote), recorded_vote_id=vote.id)
        match.verdict_id = verdict.id
        audit.record(s, "record.confirmed", f"mandate:{match.mandate_id}", actor=actor, chapter=chapter,
                     data={"match": match.id, "verdict": verdict.id, "rating": chosen.value})
    return match


def set_aside_match(actor: User, chapter: Chapter, match_id: int) -> RecordMatch:
    with unit_of_work() as uow:
        s = uow.session
        match = _open_match(s, actor, chapter, match_id)
        match.set_aside_at = now()
        audit.record(s, "record.set_aside", f"mandate:{match.mandate_id}", actor=actor, chapter=chapter,
                     data={"match": match.id})
    return match


def record_of(mandate: Mandate) -> tuple[list[BillLink], list[RecordMatch]]:
    """The bills a mandate is linked to, and each recorded vote matched against it, newest first."""
    links = list(db.session.scalars(select(BillLink).where(BillLink.mandate_id == mandate.id).order_by(BillLink.id)))
    matches = list(db.session.scalars(
        select(RecordMatch).options(selectinload(RecordMatch.recorded_vote).selectinload(RecordedVote.roll_call))
        .where(RecordMatch.mandate_id == mandate.id).order_by(RecordMatch.id.desc())))
    return links, matches


def against_the_mandate(mandate_ids: list[int]) -> dict[int, list[RecordMatch]]:
    """Recorded votes that went against each of these mandates (what the scorecard flags), in one query."""
    found: dict[int, list[RecordMatch]] = {}
    for match in db.session.scalars(
            select(RecordMatch).options(selectinload(RecordMatch.recorded_vote).selectinload(RecordedVote.roll_call))
            .where(RecordMatch.mandate_id.in_(mandate_ids or [0]), RecordMatch.proposed == Rating.BROKEN)):
        found.setdefault(match.mandate_id, []).append(match)
    return found
