"""Amendments: a changed directive or a competing option, accepted by the author or carried onto
the ballot by co-signers when declined."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Amendment,
    AmendmentKind,
    AmendmentSignature,
    AmendmentState,
    BallotKind,
    Chapter,
    Membership,
    Option,
    Proposal,
    ProposalKind,
    ProposalStatus,
    User,
)
from openbargain.models.proposal import DIRECTIVE_MAX, LABEL_MAX, TEXT_MAX
from openbargain.services import audit
from openbargain.services.access import acting_on, bylaws_of
from openbargain.services.bylaws import members_needed
from openbargain.services.text import ONE_LINE, breaks_the_line
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from openbargain.services.proposals import NO, YES, add_revision
from openbargain.services.uow import unit_of_work

REJECT_BOTH = "Reject both"


@dataclass(frozen=True)
class AmendmentDraft:
    kind: AmendmentKind
    option_id: int | None
    label: str
    directive: str
    reason: str = ""


def _check(proposal: Proposal, draft: AmendmentDraft) -> Option | None:
    errors: dict[str, list[str]] = {}
    option = None
    if draft.kind == AmendmentKind.CHANGE_DIRECTIVE:
        option = next((o for o in proposal.options if o.id == draft.option_id), None)
        if option is None:
            errors["option_id"] = [gettext("Choose which option's directive to change.")]
        elif proposal.ballot_kind == BallotKind.YES_NO and option.label != YES:
            errors["option_id"] = [gettext("On a yes/no proposal, amend the directive that applies if it is adopted.")]
    elif proposal.ballot_kind == BallotKind.YES_NO:
        errors["kind"] = [gettext("A yes/no proposal takes a changed directive, not a new option.")]
    label = draft.label.strip()
    if draft.kind == AmendmentKind.NEW_OPTION:
        if not label:
            errors["label"] = [gettext("Label the new option.")]
        elif any(o.label.casefold() == label.casefold() for o in proposal.options):
            errors["label"] = [gettext("An option already has this label.")]
    if len(label) > LABEL_MAX:
        errors["label"] = [gettext("Use at most %(count)d characters.", count=LABEL_MAX)]
    elif breaks_the_line(label):
        errors["label"] = [ONE_LINE]
    if not draft.directive.strip():
        errors["directive"] = [gettext("Write the directive the amendment proposes.")]
    elif len(draft.directive) > DIRECTIVE_MAX:
        errors["directive"] = [gettext("Use at most %(count)d characters.", count=DIRECTIVE_MAX)]
    if len(draft.reason) > TEXT_MAX:
        errors["reason"] = [gettext("Use at most %(count)d characters.", count=TEXT_MAX)]
    if errors:
        raise ValidationFailed(gettext("The amendment has problems; nothing was saved."), errors=errors)
    return option


def propose_amendment(actor: User, chapter: Chapter, proposal_id: int, draft: AmendmentDraft) -> Amendment:
    with unit_of_work() as uow:
        s = uow.session
        proposal, mine = acting_on(s, actor, chapter, proposal_id)
        if proposal.kind == ProposalKind.ELECTION:
            raise InvalidTransition(gettext("An election's ballot is its nominees: nominate someone instead."))
        if not policy.can_propose_amendment(actor, mine, proposal):
            if proposal.is_frozen or proposal.status != ProposalStatus.DELIBERATION:
                raise InvalidTransition(gettext("Amendments are proposed during deliberation only."))
            raise PermissionDenied(gettext("Members in good standing other than the author propose amendments."))
        option = _check(proposal, draft)
        amendment = Amendment(proposal_id=proposal.id, author_id=actor.id, kind=draft.kind,
                              option_id=option.id if option else None,
                              label=draft.label.strip() or (f"Amended: {option.label}" if option else ""),
                              directive=draft.directive.strip(), reason=draft.reason.strip(),
                              state=AmendmentState.OPEN)
        s.add(amendment)
        s.flush()
        s.add(AmendmentSignature(amendment_id=amendment.id, membership_id=mine.id))
        audit.record(s, "amendment.proposed", f"amendment:{amendment.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, "kind": draft.kind.value})
    return amendment


def _amendment_in(session: Session, actor: User, chapter: Chapter,
                  amendment_id: int) -> tuple[Amendment, Proposal, Membership | None]:
    amendment = session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(gettext("No such amendment."))
    return amendment, *acting_on(session, actor, chapter, amendment.proposal_id)


def decide_amendment(actor: User, chapter: Chapter, amendment_id: int, accept: bool) -> Amendment:
    with unit_of_work() as uow:
        s = uow.session
        amendment, proposal, mine = _amendment_in(s, actor, chapter, amendment_id)
        if not policy.can_decide_amendment(actor, mine, proposal):
            if not policy.is_author(actor, proposal):
                raise PermissionDenied(gettext("Only the proposal's author accepts or declines amendments."))
            raise InvalidTransition(gettext("Amendments are decided during deliberation only."))
        if amendment.state != AmendmentState.OPEN:
            raise InvalidTransition(gettext("This amendment has already been decided."))
        amendment.decided_at = now()
        if accept:
            amendment.state = AmendmentState.ACCEPTED
            _incorporate(proposal, amendment)
            s.flush()
            add_revision(s, proposal, actor, f"amendment {amendment.id} accepted")
        else:
            amendment.state = AmendmentState.DECLINED
        audit.record(s, "amendment.accepted" if accept else "amendment.declined", f"amendment:{amendment.id}",
                     actor=actor, chapter=chapter, data={"proposal_id": proposal.id})
        if not accept:
            _carry_if_backed(s, chapter, proposal, amendment, actor)
    return amendment


def _incorporate(proposal: Proposal, amendment: Amendment) -> None:
    if amendment.kind == AmendmentKind.CHANGE_DIRECTIVE:
        amendment.option.directive = amendment.directive
    else:
        proposal.options.append(Option(position=len(proposal.options), label=amendment.label,
                                       directive=amendment.directive))


def _put_on_ballot(proposal: Proposal, amendment: Amendment) -> None:
    """A declined amendment backed by enough members competes on the ballot. A yes/no proposal
    becomes a ranked choice of the original, the amended version and rejecting both."""
    if proposal.ballot_kind == BallotKind.YES_NO:
        yes = next(o for o in proposal.options if o.label == YES)
        no = next(o for o in proposal.options if o.label == NO)
        yes.label = "Original"
        no.label, no.position = REJECT_BOTH, 2
        proposal.options.append(Option(position=1, label=amendment.label, directive=amendment.directive))
        proposal.options.sort(key=lambda o: o.position)
        proposal.ballot_kind = BallotKind.RANKED
    else:
        proposal.options.append(Option(position=len(proposal.options), label=amendment.label,
                                       directive=amendment.directive))


def amendment_threshold(session: Session, chapter: Chapter) -> int:
    return members_needed(session, chapter, bylaws_of(chapter, session).amendment_percent)


def _carry_if_backed(session: Session, chapter: Chapter, proposal: Proposal, amendment: Amendment,
                     actor: User) -> None:
    signatures = session.scalar(select(func.count()).select_from(AmendmentSignature)
                                .where(AmendmentSignature.amendment_id == amendment.id))
    needed = amendment_threshold(session, chapter)
    if amendment.state != AmendmentState.DECLINED or signatures < needed:
        return
    amendment.state = AmendmentState.ON_BALLOT
    _put_on_ballot(proposal, amendment)
    session.flush()
    add_revision(session, proposal, actor, f"amendment {amendment.id} goes on the ballot")
    audit.record(session, "amendment.on_ballot", f"amendment:{amendment.id}", actor=actor, chapter=chapter,
                 data={"proposal_id": proposal.id, "signatures": signatures, "needed": needed})


def cosign_amendment(actor: User, chapter: Chapter, amendment_id: int) -> Amendment:
    with unit_of_work() as uow:
        s = uow.session
        amendment, proposal, mine = _amendment_in(s, actor, chapter, amendment_id)
        if not policy.can_cosign_amendment(actor, mine, proposal):
            if proposal.status != ProposalStatus.DELIBERATION:
                raise InvalidTransition(gettext("Amendments are signed during deliberation only."))
            raise PermissionDenied(gettext("Only members in good standing can co-sign amendments."))
        if amendment.state not in (AmendmentState.OPEN, AmendmentState.DECLINED):
            raise InvalidTransition(gettext("This amendment is no longer gathering signatures."))
        if s.scalar(select(AmendmentSignature.id).where(AmendmentSignature.amendment_id == amendment.id,
                                                         AmendmentSignature.membership_id == mine.id)):
            raise InvalidTransition(gettext("You have already signed this amendment."))
        s.add(AmendmentSignature(amendment_id=amendment.id, membership_id=mine.id))
        s.flush()
        audit.record(s, "amendment.signed", f"amendment:{amendment.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id})
        _carry_if_backed(s, chapter, proposal, amendment, actor)
    return amendment


@dataclass(frozen=True)
class AmendmentView:
    amendment: Amendment
    signers: list[str]


def amendments_of(proposal: Proposal) -> list[AmendmentView]:
    amendments = db.session.scalars(
        select(Amendment)
        .options(selectinload(Amendment.author), selectinload(Amendment.option),
                 selectinload(Amendment.signatures).selectinload(AmendmentSignature.membership)
                 .selectinload(Membership.user))
        .where(Amendment.proposal_id == proposal.id).order_by(Amendment.created_at, Amendment.id))
    return [AmendmentView(a, [sig.membership.user.name for sig in a.signatures]) for a in amendments]
