"""Casting a ballot: one per member on the roll, secret unless the vote is roll-call.

The transaction (see ../shared/DESIGN.md, "Ballot secrecy and verifiability"): read and check
everything with no lock held; then, under a shared lock on the referendum row that certification's
exclusive lock excludes, mark the member's roll entry voted only if it was not (a conditional
UPDATE whose row count must be 1) and insert the ballot sealed under the vote's key (sealing.py)
with a random id, no voter and no time. The roll entry's update and the sealed row
share a transaction, and so a transaction id, but the row reveals nothing until certification
opens every sealed ballot at once (results.py). The tracker code is returned to be shown once;
only its hash is kept, inside the seal.

A secret vote writes no per-voter audit event: turnout reaches the audit log as daily counts
(turnout.py). A roll-call vote is public by design and logs each voter.
"""
from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, delete, exists, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import contains_eager

from openbargain import policy
from openbargain.clock import now
from openbargain.models import (
    Chapter,
    Membership,
    Option,
    PersonalAccessToken,
    Proposal,
    Referendum,
    ReferendumStatus,
    SealedBallot,
    User,
    VoidedTracker,
    VoterRollEntry,
)
from openbargain.models.proposal import NO, YES
from openbargain.models.referendum import YES_NO_METHOD
from openbargain.services import api_tokens, audit, driver, sealing
from openbargain.services.access import bylaws_of, require_visible
from openbargain.services.errors import AlreadyVoted, InvalidTransition, NotEligible, NotFound, ValidationFailed
from openbargain.services.rolls import ensure_rolls_frozen
from openbargain.services.uow import bare_unit_of_work, unit_of_work

YES_NO_CHOICES = ("yes", "no", "abstain")


TRACKER_HEX = 32  # 128 random bits


def normalise_tracker(code: str) -> str:
    """A tracker as typed: case, spaces and dashes do not matter; anything else is not a tracker."""
    cleaned = "".join(code.split()).replace("-", "").lower()
    if len(cleaned) != TRACKER_HEX or any(ch not in "0123456789abcdef" for ch in cleaned):
        raise ValidationFailed.on("tracker", _("A tracker code is %(length)d characters, digits 0–9 and "
                                               "letters a–f (spaces and dashes are ignored).", length=TRACKER_HEX))
    return cleaned


def tracker_hash(code: str) -> str:
    return hashlib.sha256(normalise_tracker(code).encode()).hexdigest()


def ballot_content(referendum: Referendum, options: list[str], *, choice: str | None = None,
                   ranks: dict[str, str] | None = None, ranking: list[str] | None = None) -> dict:
    """The canonical content of a ballot; refuses anything malformed, including a ballot of the
    other method's shape. A yes/no ballot gives a `choice`; a ranked one gives `ranks` (the form:
    option label → rank, "" for unranked) or a `ranking` (the options in order). A blank ranked
    ballot is an explicit abstention. Ranks with gaps (1, 3) keep their order and close the gap."""
    if referendum.method == YES_NO_METHOD:
        if ranks is not None or ranking is not None:
            raise ValidationFailed.on("choice", _("This is a yes/no vote: choose yes, no or abstain; a ranking is "
                                                  "not a ballot here."))
        if choice not in YES_NO_CHOICES:
            raise ValidationFailed.on("choice", _("Choose yes, no or abstain."))
        return {"choice": choice}
    if choice is not None:
        raise ValidationFailed.on("ranking", _("This is a ranked vote: rank the options (an empty ranking abstains); "
                                               "a yes/no choice is not a ballot here."))
    if ranks is None and ranking is None:
        raise ValidationFailed.on("ranking", _("Send a ranking of the options (an empty one abstains)."))
    if ranking is None:
        ranking = _ranking_from_ranks(options, ranks or {})
    if set(ranking) - set(options):
        raise ValidationFailed.on("ranking", _("The ballot names an option that is not on it."))
    if len(set(ranking)) != len(ranking):
        raise ValidationFailed.on("ranking", _("An option is ranked more than once."))
    return {"ranking": list(ranking)}


def _ranking_from_ranks(options: list[str], ranks: dict[str, str]) -> list[str]:
    if set(ranks) - set(options):
        raise ValidationFailed.on("ranking", _("The ballot names an option that is not on it."))
    placed: dict[int, str] = {}
    for label in options:
        raw = (ranks.get(label) or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= len(options):
            raise ValidationFailed.on("ranking", _("A rank is a number from 1 to %(last)d.", last=len(options)))
        rank = int(raw)
        if rank in placed:
            raise ValidationFailed.on("ranking", _("%(first)s and %(second)s both have rank %(rank)d; give each "
                                                   "option its own rank.", first=placed[rank], second=label, rank=rank))
        placed[rank] = label
    return [placed[r] for r in sorted(placed)]


def choice_meanings(proposal: Proposal) -> dict[str, str]:
    """What each yes/no choice means, in a sentence that names the electeds it directs: the
    ballot's choices, its review and the receipt all say it the same way."""
    who = ", ".join(d.membership.user.name for d in proposal.directed) or _("the elected")
    yes = next((o.directive for o in proposal.options if o.label == YES), None)
    no = next((o.directive for o in proposal.options if o.label == NO), None)
    discretion = _("keeps their discretion")
    return {"yes": _("Yes — %(who)s: %(directive)s", who=who, directive=yes or discretion),
            "no": _("No — %(who)s: %(directive)s", who=who, directive=no or discretion),
            "abstain": _("Abstain — counts toward the quorum, neither yes nor no")}


def describe(content: dict, proposal: Proposal | None = None) -> str:
    if "choice" in content:
        if proposal is not None:
            return choice_meanings(proposal)[content["choice"]]
        return {"yes": _("Yes"), "no": _("No"), "abstain": _("Abstain")}[content["choice"]]
    if not content["ranking"]:
        return _("Blank ballot (abstention)")
    return " > ".join(content["ranking"])


def check_may_cast(status: ReferendumStatus, entry: VoterRollEntry | None) -> None:
    """Why this member may not cast now, if they may not: the vote is not open, they are not on
    its roll, or they have voted. The ballot pages ask the same before showing a ballot."""
    if policy.can_vote(entry, status):
        return
    if status != ReferendumStatus.OPEN:
        raise InvalidTransition(_("This vote is not open.") if status == ReferendumStatus.SCHEDULED
                                else _("This vote has closed."))
    if entry is None:
        raise NotEligible(_("You are not on this vote's roll: it holds the members in good standing when it opened."))
    raise AlreadyVoted(_("You have already voted in this referendum."))


def longest_payload(referendum: Referendum, labels: list[str]) -> dict:
    """The largest ballot this vote admits, which every sealed ballot is padded to."""
    content = {"ranking": labels} if referendum.ranked else {"choice": max(YES_NO_CHOICES, key=len)}
    return {"content": content, "tracker_hash": "f" * 64, "roll_entry": 2**63 - 1}


def _between_check_and_write() -> None:
    """A seam for the concurrency tests, which pause a cast here; nothing happens in production."""


def _written_not_committed() -> None:
    """A seam for the concurrency tests, which pause a cast here, holding its shared lock (but
    the plain cast's write on PostgreSQL is its own transaction, committed by now)."""


@dataclass(frozen=True)
class Receipt:
    tracker: str  # shown once to the voter, never stored
    roll_call: bool
    replaced: bool = False  # a revote: the ballot of the tracker presented is void

    @property
    def display(self) -> str:
        return grouped(self.tracker)


def grouped(code: str) -> str:
    """A tracker in groups of four, as people copy and compare it."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


class _RollNotFrozen(Exception):
    """The vote opened and nothing has frozen its roll yet (no tick, no page since)."""

    def __init__(self, chapter_id: int) -> None:
        super().__init__(chapter_id)
        self.chapter_id = chapter_id


def cast_ballot(actor: User, chapter: Chapter, referendum_id: int, content: dict) -> Receipt:
    """`content` holds the keyword arguments of ballot_content: choice, ranks or ranking."""
    return cast_ballot_in(actor, chapter.slug, referendum_id, content)


def cast_ballot_in(actor: User, slug: str, referendum_id: int, content: dict) -> Receipt:
    """The same, for a caller that knows only the chapter's slug (the API): the chapter is read
    with the vote rather than looked up first, a round trip fewer on the busiest call."""
    try:
        return _cast(actor, slug, referendum_id, content)
    except _RollNotFrozen as unfrozen:
        ensure_rolls_frozen(unfrozen.chapter_id)  # committed on its own: a refused cast never takes it back
        return _cast(actor, slug, referendum_id, content)


def _cast(actor: User, slug: str, referendum_id: int, content: dict) -> Receipt:
    # Read before the transaction begins (which expires what the request loaded), so that nothing
    # is loaded twice.
    actor_id = actor.id
    with unit_of_work() as uow:
        s = uow.session
        # Every read and check first, in one statement and with no lock held: the vote with its
        # chapter, proposal and options, the caster's membership and roll entry.
        found = s.execute(_VOTE_AND_VOTER, {"actor": actor_id, "referendum": referendum_id,
                                            "slug": slug}).unique().first()
        referendum, chapter, mine, entry = found or (None, None, None, None)
        if referendum is None:
            raise NotFound(_("No such vote."))
        if referendum.roll_frozen_at is None and referendum.opens_at <= now():
            raise _RollNotFrozen(chapter.id)
        if not policy.is_chapter_insider(mine):  # a vote's proposal is never a draft: members see it
            require_visible(actor, mine, referendum.proposal, chapter, s)
        check_may_cast(referendum.status_at(now()), entry)
        ballot = _sealed(referendum, [o.label for o in referendum.proposal.options], entry.id, content)
        _between_check_and_write()
        moment = now()
        voted_on = moment.astimezone(ZoneInfo(chapter.timezone)).date()
        if not _record(s.connection(), referendum.id, entry.id, moment, voted_on, ballot):
            s.expire(referendum)
            s.expire(entry)
            check_may_cast(referendum.status_at(now()), entry)  # says why: closed meanwhile, or voted
            raise AlreadyVoted(_("You have already voted in this referendum."))
        if not referendum.secret:
            audit.record(s, "referendum.voted", f"referendum:{referendum.id}", actor=actor, chapter=chapter)
        roll_call = not referendum.secret
        _written_not_committed()
    return Receipt(tracker=ballot.code, roll_call=roll_call)


@dataclass(frozen=True)
class _Sealed:
    code: str  # the tracker, for the voter's receipt only
    void_key: str  # what a revote finds it by, stored beside the seal
    id: str  # the sealed row's random id
    blob: bytes


def _sealed(referendum: Referendum, labels: list[str], entry_id: int, content: dict) -> _Sealed:
    """The ballot sealed with its tracker (refused as ValidationFailed when malformed)."""
    canonical = ballot_content(referendum, labels, **{k: content[k] for k in ("choice", "ranks", "ranking")
                                                         if k in content})
    code = secrets.token_hex(TRACKER_HEX // 2)
    seal, sealed_id = sealing.seal_for(referendum.seal_key_id, referendum.id), str(uuid.uuid4())
    blob = seal.seal(sealed_id, {"content": canonical, "tracker_hash": tracker_hash(code),
                                 "roll_entry": None if referendum.secret else entry_id},
                     longest=longest_payload(referendum, labels))
    return _Sealed(code, seal.void_key(code), sealed_id, blob)


def revote(actor: User, chapter: Chapter, referendum_id: int, code: str, content: dict) -> Receipt:
    """Casting again before the close, where the bylaws allow it: the ballot the member's tracker
    names is voided — listed apart on the board, never counted — and the new one counts, with a
    new tracker. The tracker is the proof: nothing records who revoted, nor which new ballot
    replaced which (in a roll-call vote, whose ballots name their voter, the voided one must also
    be the member's own). One ballot each still holds: the roll entry stays as it was."""
    code = normalise_tracker(code)
    actor_id = actor.id
    with unit_of_work() as uow:
        s = uow.session
        found = s.execute(_VOTE_AND_VOTER, {"actor": actor_id, "referendum": referendum_id,
                                            "slug": chapter.slug}).unique().first()
        referendum, home, mine, entry = found or (None, None, None, None)
        if referendum is None:
            raise NotFound(_("No such vote."))
        if not policy.is_chapter_insider(mine):
            require_visible(actor, mine, referendum.proposal, home, s)
        check_may_revote(referendum.status_at(now()), entry, bylaws_of(home, s).revoting)
        ballot = _sealed(referendum, [o.label for o in referendum.proposal.options], entry.id, content)
        seal = sealing.seal_for(referendum.seal_key_id, referendum.id)
        voided = s.connection().execute(_VOID, {"referendum": referendum.id, "void_key": seal.void_key(code),
                                                "moment": now()}).first()
        if voided is None:
            check_may_revote(referendum.status_at(now()), entry, True)  # closed meanwhile
            raise ValidationFailed.on("tracker", _("No ballot counted in this vote has this tracker code: it was "
                                                   "mistyped, or that ballot was already replaced."))
        if not referendum.secret:
            payload = seal.open(voided.id, voided.sealed)
            if payload["roll_entry"] != entry.id:
                raise ValidationFailed.on("tracker", _("In a roll-call vote you can replace only your own ballot."))
        s.connection().execute(insert(VoidedTracker).values(referendum_id=referendum.id,
                                                            tracker_hash=tracker_hash(code)))
        _store(s.connection(), referendum.id, ballot)
        if not referendum.secret:
            audit.record(s, "referendum.revoted", f"referendum:{referendum.id}", actor=actor, chapter=home)
    return Receipt(tracker=ballot.code, roll_call=not referendum.secret, replaced=True)


def check_may_revote(status: ReferendumStatus, entry: VoterRollEntry | None, allowed: bool) -> None:
    """Why this member may not cast again now, if they may not."""
    if status != ReferendumStatus.OPEN:
        raise InvalidTransition(_("This vote is not open.") if status == ReferendumStatus.SCHEDULED
                                else _("This vote has closed."))
    if entry is None:
        raise NotEligible(_("You are not on this vote's roll: it holds the members in good standing when it opened."))
    if entry.voted_on is None:
        raise InvalidTransition(_("You have not voted yet: cast your ballot."))
    if entry.on_paper:
        raise InvalidTransition(_("You voted on paper: a paper ballot has no tracker to replace it with."))
    if not allowed:
        raise InvalidTransition(_("Under this chapter's bylaws a ballot, once cast, is final."))


class _NotCast(Exception):
    """The plain path met something only the full path answers: roll back, and say nothing."""


def cast_by_token(secret: str, slug: str, referendum_id: int, content: dict) -> Receipt | None:
    """The API's busiest call on its plainest path (api/fast_cast.py): a member in the chapter,
    on the roll of an open secret vote, casting a well-formed ballot with a live personal access
    token that may vote. Read in one statement with no ORM objects, then written as `_cast` writes.
    Anything else — a refusal, a roll-call vote, a roll not yet frozen — returns None with nothing
    written, for the full path to answer with its reasons and statuses."""
    if not secret.startswith(api_tokens.PREFIX):
        return None
    try:
        with bare_unit_of_work() as connection:
            rows = driver.rows(connection, _PLAIN_CAST_READ, {
                "token_hash": api_tokens.token_hash(secret), "slug": slug, "referendum": referendum_id})
            first = rows[0] if rows else None
            # The vote as the rules read it, built from the row rather than loaded as an object.
            referendum = first and Referendum(
                id=referendum_id, method=first.method, seal_key_id=first.seal_key_id, secret=first.secret,
                opens_at=first.opens_at, closes_at=first.closes_at, certified_at=first.certified_at)
            if first is None or not _plain(first, referendum):
                raise _NotCast
            labels = [row.label for row in sorted(rows, key=lambda row: row.position)]
            try:
                ballot = _sealed(referendum, labels, first.entry_id, content)
            except ValidationFailed:
                raise _NotCast from None
            _between_check_and_write()
            moment = now()  # the write's own moment: a vote that closed since the check refuses it
            voted_on = moment.astimezone(ZoneInfo(first.timezone)).date()
            if not _record(connection, referendum_id, first.entry_id, moment, voted_on, ballot, on_driver=True):
                raise _NotCast
            _written_not_committed()
    except _NotCast:
        return None
    return Receipt(tracker=ballot.code, roll_call=False)


def _plain(row, referendum: Referendum) -> bool:
    """The token is live and may vote, its user a chapter insider who may cast now, and the vote
    secret with its roll frozen — by the same rules the full path applies."""
    mine = Membership(standing=row.standing) if row.standing is not None else None
    entry = VoterRollEntry(voted_on=row.voted_on) if row.entry_id is not None else None
    return (api_tokens.is_live(row.revoked_at, row.expires_at, bool(row.active)) and "vote" in row.scopes.split()
            and policy.is_chapter_insider(mine) and policy.can_vote(entry, referendum.status_at(now()))
            and referendum.secret and row.roll_frozen_at is not None)


def _record(connection: Connection, referendum_id: int, entry_id: int, moment, voted_on, ballot: _Sealed,
            on_driver: bool = False) -> bool:
    """Marks the roll entry voted and stores the sealed ballot — only if the entry has not voted
    (the conditional update, with the unique roll entry behind it: one ballot each) and the vote
    is still open and uncertified, checked under a *shared* lock on the vote: casts never wait on
    each other, while certification's exclusive lock waits for every cast in flight and they for
    it, so a cast racing the close is counted or refused, never accepted and dropped. False when
    it did not. On PostgreSQL both writes are one statement (one round trip), run `on_driver`'s
    cursor for the plain cast (services/driver.py)."""
    marking = {"entry": entry_id, "referendum": referendum_id, "moment": moment, "day": voted_on}
    # Core on the connection, not the session: with parameters the session would take these for
    # ORM bulk statements.
    if connection.dialect.name == "postgresql":
        values = {**marking, "sealed_id": ballot.id, "blob": ballot.blob, "void_key": ballot.void_key}
        if on_driver:
            return bool(driver.rows(connection, _MARK_AND_STORE, values))
        return connection.execute(_MARK_AND_STORE, values).first() is not None
    if connection.execute(_MARK, marking).rowcount != 1:
        return False
    _store(connection, referendum_id, ballot)
    return True


def _store(connection: Connection, referendum_id: int, ballot: _Sealed) -> None:
    connection.execute(insert(SealedBallot).values(id=ballot.id, referendum_id=referendum_id, sealed=ballot.blob,
                                                   void_key=ballot.void_key))


# The cast's statements, built once: building and keying them again for every cast was a fifth
# of its CPU.
_VOTE_AND_VOTER = (
    select(Referendum, Chapter, Membership, VoterRollEntry)
    .join(Referendum.proposal)
    .join(Chapter, and_(Chapter.id == Proposal.chapter_id, Chapter.slug == bindparam("slug")))
    .outerjoin(Membership, and_(Membership.chapter_id == Proposal.chapter_id,
                                Membership.user_id == bindparam("actor")))
    .outerjoin(VoterRollEntry, and_(VoterRollEntry.membership_id == Membership.id,
                                    VoterRollEntry.referendum_id == Referendum.id))
    # Only what a cast uses: the proposal's chapter and the options' labels (the rest, such as a
    # long body, is loaded only if asked for, by the visibility check of a caster who is no member).
    .options(contains_eager(Referendum.proposal).load_only(Proposal.chapter_id)
             .joinedload(Proposal.options).load_only(Option.label, Option.position))
    .where(Referendum.id == bindparam("referendum")))
_PLAIN_CAST_READ = (
    select(PersonalAccessToken.scopes, PersonalAccessToken.revoked_at, PersonalAccessToken.expires_at,
           User.password_hash.is_not(None).label("active"), Referendum.method, Referendum.seal_key_id,
           Referendum.secret, Referendum.opens_at, Referendum.closes_at, Referendum.certified_at,
           Referendum.roll_frozen_at, Chapter.timezone, Membership.standing, VoterRollEntry.id.label("entry_id"),
           VoterRollEntry.voted_on, Option.label, Option.position)
    .select_from(PersonalAccessToken)
    .join(User, User.id == PersonalAccessToken.user_id)
    .join(Referendum, Referendum.id == bindparam("referendum"))
    .join(Proposal, Proposal.id == Referendum.proposal_id)
    .join(Chapter, and_(Chapter.id == Proposal.chapter_id, Chapter.slug == bindparam("slug")))
    .join(Option, Option.proposal_id == Proposal.id)
    .outerjoin(Membership, and_(Membership.chapter_id == Chapter.id, Membership.user_id == User.id))
    .outerjoin(VoterRollEntry, and_(VoterRollEntry.membership_id == Membership.id,
                                    VoterRollEntry.referendum_id == Referendum.id))
    .where(PersonalAccessToken.token_hash == bindparam("token_hash")))
# The vote is open and uncertified, checked under a shared lock on it (see `_record`).
STILL_OPEN = exists(select(Referendum.id).where(Referendum.id == bindparam("referendum"),
                                                 Referendum.certified_at.is_(None),
                                                 Referendum.closes_at > bindparam("moment")).with_for_update(read=True))
_MARK = (update(VoterRollEntry)
         .where(VoterRollEntry.id == bindparam("entry"), VoterRollEntry.voted_on.is_(None), STILL_OPEN)
         .values(voted_on=bindparam("day")))
_MARKED = _MARK.returning(VoterRollEntry.id).cte("marked")
# The ballot a revote voids, under the same shared lock on the open vote as a cast.
_VOID = (delete(SealedBallot)
         .where(SealedBallot.referendum_id == bindparam("referendum"), SealedBallot.void_key == bindparam("void_key"),
                STILL_OPEN)
         .returning(SealedBallot.id, SealedBallot.sealed))
_MARK_AND_STORE = (
    insert(SealedBallot)
    .from_select(["id", "referendum_id", "sealed", "void_key"],
                 select(bindparam("sealed_id", type_=SealedBallot.id.type),
                        bindparam("referendum", type_=SealedBallot.referendum_id.type),
                        bindparam("blob", type_=SealedBallot.sealed.type),
                        bindparam("void_key", type_=SealedBallot.void_key.type)).select_from(_MARKED))
    .add_cte(_MARKED).returning(SealedBallot.referendum_id))
