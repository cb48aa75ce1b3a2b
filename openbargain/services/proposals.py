"""Proposals: drafting, editing (with revisions), publishing, withdrawing, reading, listing."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Amendment,
    AmendmentState,
    BallotKind,
    Chapter,
    DirectedElected,
    Membership,
    Option,
    Plank,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Referendum,
    ReferendumStatus,
    Revision,
    StatedAction,
    StatedReason,
    User,
    Visibility,
    VoterRollEntry,
)
from openbargain.models.proposal import DIRECTIVE_MAX, LABEL_MAX, NO, TEXT_MAX, TITLE_MAX, YES
from openbargain.phrases import language_for, phrase
from openbargain.services import audit, notifications, outbox, stated_reasons, webhooks
from openbargain.services.access import acting_on, bylaws_of, load_proposal, membership_of, require, require_visible
from openbargain.services.text import ONE_LINE, breaks_the_line
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from openbargain.services.lifecycle import transition
from openbargain.services.periods import chapter_today
from openbargain.services.uow import UnitOfWork, unit_of_work

MAX_OPTIONS = 12
PAGE_SIZE = 25


@dataclass(frozen=True)
class OptionDraft:
    label: str
    directive: str


@dataclass(frozen=True)
class ProposalDraft:
    title: str
    body: str
    decision: str
    deadline: date | None
    ballot_kind: BallotKind
    visibility: Visibility
    elected_ids: list[int]
    adopted_directive: str = ""
    rejected_directive: str = ""
    fallback_directive: str = ""
    options: list[OptionDraft] = field(default_factory=list)
    deadline_time: time | None = None  # the hour the elected acts by, in the chapter's timezone
    kind: ProposalKind = ProposalKind.DIRECTIVE  # a directive, a plank or a repeal (never "committee")
    plank_id: int | None = None  # the plank amended or repealed
    binds_all_electeds: bool = False  # a plank binding every elected, those elected later included


def deadline_moment(chapter: Chapter, deadline: date, at: time | None) -> datetime:
    """The deadline as a moment: its hour in the chapter's timezone, or the end of its day."""
    zone = ZoneInfo(chapter.timezone)
    if at is None:
        return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=zone).astimezone(timezone.utc)
    return datetime.combine(deadline, at, tzinfo=zone).astimezone(timezone.utc)


def _electeds(session: Session, chapter: Chapter, ids: list[int]) -> list[Membership]:
    found = list(session.scalars(select(Membership).where(Membership.id.in_(ids or [0]),
                                                          Membership.chapter_id == chapter.id,
                                                          Membership.is_elected.is_(True))))
    return sorted(found, key=lambda m: ids.index(m.id))


def check_draft(session: Session, chapter: Chapter, draft: ProposalDraft) -> list[Membership]:
    """Every rule of a proposal's content, each written once; all problems reported together."""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not draft.title.strip():
        err("title", gettext("Give the proposal a title."))
    elif len(draft.title) > TITLE_MAX:
        err("title", gettext("Use at most %(count)d characters.", count=TITLE_MAX))
    elif breaks_the_line(draft.title):
        err("title", gettext(ONE_LINE))
    for name in ("body", "decision"):
        if len(getattr(draft, name)) > TEXT_MAX:
            err(name, gettext("Use at most %(count)d characters.", count=TEXT_MAX))
    if draft.kind == ProposalKind.DIRECTIVE:
        electeds = _check_directive(session, chapter, draft, err)
    else:
        electeds = _check_platform_change(session, chapter, draft, err)
    for name in ("adopted_directive", "rejected_directive", "fallback_directive"):
        if len(getattr(draft, name)) > DIRECTIVE_MAX:
            err(name, gettext("Use at most %(count)d characters.", count=DIRECTIVE_MAX))
    if draft.ballot_kind == BallotKind.YES_NO:
        if draft.kind == ProposalKind.DIRECTIVE and not draft.adopted_directive.strip():
            err("adopted_directive", gettext("Say what the elected must do if the proposal is adopted."))
        if draft.options:
            err("options", gettext("A yes/no proposal has no ranked options; choose a ranked ballot instead."))
    else:
        if draft.adopted_directive.strip() or draft.rejected_directive.strip():
            err("adopted_directive", gettext("A ranked proposal gives each option its own directive."))
        _check_options(draft.options, err)
    if errors:
        raise ValidationFailed(gettext("The proposal has problems; nothing was saved."), errors=errors)
    return electeds


def _check_directive(session: Session, chapter: Chapter, draft: ProposalDraft, err) -> list[Membership]:
    """A tactical decision: what the elected faces, by when, and whom it directs."""
    if not draft.decision.strip():
        err("decision", gettext("Say what decision the elected faces."))
    if draft.deadline is None:
        err("deadline", gettext("Give the date by which the elected must act."))
    elif draft.deadline < chapter_today(chapter) or (
            draft.deadline_time is not None and deadline_moment(chapter, draft.deadline, draft.deadline_time) <= now()):
        err("deadline", gettext("The deadline is in the past."))
    if draft.plank_id is not None or draft.binds_all_electeds:
        err("kind", gettext("Only a plank amends a plank or binds every elected."))
    return _directed(session, chapter, draft, err)


def _directed(session: Session, chapter: Chapter, draft: ProposalDraft, err) -> list[Membership]:
    electeds = _electeds(session, chapter, list(dict.fromkeys(draft.elected_ids)))
    if not draft.elected_ids:
        err("electeds", gettext("Choose at least one elected this proposal directs."))
    elif len(electeds) != len(set(draft.elected_ids)):
        err("electeds", gettext("Only electeds of this chapter can be directed."))
    return electeds


def _check_platform_change(session: Session, chapter: Chapter, draft: ProposalDraft, err) -> list[Membership]:
    """A plank (new or amending one) or a repeal: a standing directive with no date to act by,
    decided yes or no."""
    if draft.kind not in (ProposalKind.PLANK, ProposalKind.REPEAL):
        err("kind", gettext("Choose a tactical decision, a plank or a repeal."))
        return []
    if draft.ballot_kind != BallotKind.YES_NO:
        err("ballot_kind", gettext("The platform changes by a yes/no vote."))
    if draft.deadline is not None or draft.deadline_time is not None:
        err("deadline", gettext("A plank stands until it is amended or repealed: it has no deadline."))
    if draft.plank_id is not None:
        plank = session.get(Plank, draft.plank_id)
        if plank is None or plank.chapter_id != chapter.id or not plank.in_force:
            err("plank_id", gettext("Choose a plank of the platform in force."))
    elif draft.kind == ProposalKind.REPEAL:
        err("plank_id", gettext("Choose the plank to repeal."))
    if draft.kind == ProposalKind.REPEAL:
        if draft.elected_ids or draft.binds_all_electeds:
            err("electeds", gettext("A repeal binds nobody: it ends the plank and its standing mandates."))
        if draft.rejected_directive.strip() or draft.fallback_directive.strip():
            err("rejected_directive", gettext("A repeal that fails leaves the plank as it stands."))
        return []
    if not draft.adopted_directive.strip():
        err("adopted_directive", gettext("Write the plank: the standing directive the electeds must follow."))
    if draft.rejected_directive.strip() or draft.fallback_directive.strip():
        err("rejected_directive", gettext("A plank that fails binds nobody: it has no other directive."))
    if draft.binds_all_electeds:
        if draft.elected_ids:
            err("electeds", gettext("A plank binds every elected or the electeds it names, not both."))
        return []
    return _directed(session, chapter, draft, err)


def _check_options(options: list[OptionDraft], err) -> None:
    if len(options) < 2:
        err("options", gettext("A ranked proposal needs at least two options."))
    if len(options) > MAX_OPTIONS:
        err("options", gettext("Use at most %(count)d options.", count=MAX_OPTIONS))
    seen: set[str] = set()
    for number, option in enumerate(options, start=1):
        label = option.label.strip()
        if not label:
            err("options", gettext("Option %(number)d needs a label.", number=number))
        elif len(label) > LABEL_MAX:
            err("options", gettext("Option %(number)d: a label has at most %(count)d characters.", number=number,
                                   count=LABEL_MAX))
        elif breaks_the_line(label):
            err("options", gettext("Option %(number)d: %(rule)s", number=number, rule=gettext(ONE_LINE)))
        elif label.casefold() in seen:
            err("options", gettext("Two options are labelled “%(label)s”.", label=label))
        seen.add(label.casefold())
        if not option.directive.strip():
            err("options", gettext("Option %(number)d (%(label)s) needs a directive.", number=number,
                                   label=label or gettext("unlabelled")))
        elif len(option.directive) > DIRECTIVE_MAX:
            err("options", gettext("Option %(number)d: a directive has at most %(count)d characters.", number=number,
                                   count=DIRECTIVE_MAX))


def _option_rows(session: Session, draft: ProposalDraft) -> list[tuple[str, str | None]]:
    if draft.kind == ProposalKind.REPEAL:
        return [(YES, gettext("The plank “%(title)s” is repealed.", title=session.get(Plank, draft.plank_id).title)),
                (NO, None)]
    if draft.ballot_kind == BallotKind.YES_NO:
        return [(YES, draft.adopted_directive.strip()), (NO, draft.rejected_directive.strip() or None)]
    return [(o.label.strip(), o.directive.strip()) for o in draft.options]


def apply_draft(session: Session, proposal: Proposal, draft: ProposalDraft, electeds: list[Membership]) -> None:
    proposal.title = draft.title.strip()
    proposal.body = draft.body
    proposal.decision = draft.decision.strip()
    proposal.deadline = draft.deadline
    proposal.deadline_time = draft.deadline_time
    proposal.ballot_kind = draft.ballot_kind
    proposal.visibility = draft.visibility
    proposal.fallback_directive = draft.fallback_directive.strip() or None
    proposal.kind, proposal.plank_id, proposal.binds_all_electeds = draft.kind, draft.plank_id, draft.binds_all_electeds
    rows = _option_rows(session, draft)
    targeted = set(session.scalars(select(Amendment.option_id).where(
        Amendment.proposal_id == proposal.id, Amendment.state == AmendmentState.OPEN,
        Amendment.option_id.is_not(None)))) if proposal.id else set()
    for option in proposal.options[len(rows):]:
        if option.id in targeted:
            raise ValidationFailed.on("options", gettext("An open amendment concerns option “%(label)s”; decide it "
                                                         "before removing the option.", label=option.label))
    # Options are updated in place so amendments keep pointing at the option they concern.
    del proposal.options[len(rows):]
    for position, (label, directive) in enumerate(rows):
        if position < len(proposal.options):
            option = proposal.options[position]
            option.label, option.directive = label, directive
        else:
            proposal.options.append(Option(position=position, label=label, directive=directive))
    wanted = [m.id for m in electeds]
    proposal.directed[:] = [d for d in proposal.directed if d.membership_id in wanted]
    have = {d.membership_id for d in proposal.directed}
    for membership_id in wanted:
        if membership_id not in have:
            proposal.directed.append(DirectedElected(membership_id=membership_id))


def snapshot(proposal: Proposal) -> dict:
    return {
        "title": proposal.title,
        "decision": proposal.decision,
        "kind": proposal.kind.value,
        "plank_id": proposal.plank_id,
        "binds_all_electeds": proposal.binds_all_electeds,
        "deadline": proposal.deadline.isoformat() if proposal.deadline else None,
        "deadline_time": proposal.deadline_time.strftime("%H:%M") if proposal.deadline_time else None,
        "ballot_kind": proposal.ballot_kind.value,
        "visibility": proposal.visibility.value,
        "urgent": proposal.urgent,
        "body": proposal.body,
        "options": [{"label": o.label, "directive": o.directive} for o in proposal.options],
        "fallback_directive": proposal.fallback_directive,
        "electeds": [d.membership_id for d in proposal.directed],
    }


def add_revision(session: Session, proposal: Proposal, editor: User, note: str) -> Revision:
    proposal.revision += 1
    revision = Revision(proposal_id=proposal.id, number=proposal.revision, editor_id=editor.id,
                        note=note, snapshot=snapshot(proposal))
    session.add(revision)
    return revision


def draft_proposal(actor: User, chapter: Chapter, draft: ProposalDraft) -> Proposal:
    with unit_of_work() as uow:
        return drafted(uow, actor, chapter, draft)


def drafted(uow: UnitOfWork, actor: User, chapter: Chapter, draft: ProposalDraft) -> Proposal:
    """Drafting, inside a use-case's own transaction (a proposal called from a session)."""
    s = uow.session
    mine = membership_of(actor, chapter, s)
    require(policy.can_draft_proposal(actor, mine), mine,
            gettext("Only members in good standing can open proposals."))
    electeds = check_draft(s, chapter, draft)
    proposal = Proposal(chapter=chapter, author_id=actor.id, status=ProposalStatus.DRAFT, revision=0,
                        title="", body="", decision="")
    s.add(proposal)
    apply_draft(s, proposal, draft, electeds)
    s.flush()
    audit.record(s, "proposal.drafted", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                 data={"title": proposal.title})
    return proposal


def update_proposal(actor: User, chapter: Chapter, proposal_id: int, draft: ProposalDraft) -> Proposal:
    with unit_of_work() as uow:
        s = uow.session
        proposal, mine = acting_on(s, actor, chapter, proposal_id)
        if proposal.is_frozen:
            raise InvalidTransition(gettext(
                "A vote is scheduled: the text, options and directives can no longer change."))
        if proposal.kind in (ProposalKind.ELECTION, ProposalKind.COMMITTEE):
            raise InvalidTransition(gettext("An election or a committee decision is not edited as a proposal."))
        if not policy.can_edit_proposal(actor, mine, proposal):
            raise PermissionDenied(gettext("Only the author can edit a proposal."))
        electeds = check_draft(s, chapter, draft)
        apply_draft(s, proposal, draft, electeds)
        if proposal.status == ProposalStatus.DELIBERATION:
            add_revision(s, proposal, actor, "edited by the author")
        audit.record(s, "proposal.edited", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                     data={"revision": proposal.revision})
    return proposal


def publish_proposal(actor: User, chapter: Chapter, proposal_id: int) -> Proposal:
    with unit_of_work() as uow:
        return published(uow, actor, chapter, proposal_id)


def published(uow: UnitOfWork, actor: User, chapter: Chapter, proposal_id: int) -> Proposal:
    """Publishing, inside a use-case's own transaction."""
    s = uow.session
    proposal, mine = acting_on(s, actor, chapter, proposal_id)
    if proposal.status != ProposalStatus.DRAFT:
        raise InvalidTransition(gettext("This proposal is already published."))
    if not policy.can_publish_proposal(actor, mine, proposal):
        raise PermissionDenied(gettext("Only the author, in good standing, can publish this draft."))
    if proposal.deadline is not None and proposal.deadline < chapter_today(chapter):
        raise ValidationFailed.on("deadline", gettext("The deadline has passed; edit it before publishing."))
    transition(proposal, ProposalStatus.DELIBERATION)
    proposal.published_at = now()
    add_revision(s, proposal, actor, "published")
    audit.record(s, "proposal.published", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                 data={"title": proposal.title})
    for d in proposal.directed:
        outbox.queue_mail(uow, f"proposal-published:{proposal.id}:{d.membership_id}", d.membership.user.email,
                          phrase("A proposal directs you: %(title)s", title=proposal.title), "proposal_published",
                          language=language_for(d.membership.user.locale, chapter.default_locale), chapter=chapter,
                          name=d.membership.user.name, title=proposal.title, proposal_id=proposal.id,
                          author=actor.name)
    webhooks.emit(uow, chapter, "proposal.published", f"proposal:{proposal.id}",
                  phrase("%(name)s published a proposal: “%(title)s”", name=actor.name, title=proposal.title),
                  notifications.path("proposals.show", slug=chapter.slug, proposal_id=proposal.id),
                  proposal_id=proposal.id, title=proposal.title, kind=proposal.kind.value,
                  deadline=proposal.deadline.isoformat() if proposal.deadline else None)
    return proposal


def kind_of(actor: User | None, chapter: Chapter, proposal_id: int) -> ProposalKind:
    """What a proposal decides, for whoever may see it (a page shows an election as one)."""
    proposal = load_proposal(db.session, chapter, proposal_id)
    require_visible(actor, membership_of(actor, chapter), proposal, chapter, db.session)
    return proposal.kind


def withdraw_proposal(actor: User, chapter: Chapter, proposal_id: int, reason: str | None) -> Proposal:
    """Its author or steering stops a proposal before the vote opens, saying why in public."""
    with unit_of_work() as uow:
        s = uow.session
        proposal, mine = acting_on(s, actor, chapter, proposal_id)
        by_author = policy.is_author(actor, proposal)
        if not (by_author or policy.is_active_steering(mine)):
            raise PermissionDenied(gettext("Only the author or the steering committee can withdraw a proposal."))
        reason = stated_reasons.checked(reason)
        referendum = s.scalar(select(Referendum).where(Referendum.proposal_id == proposal.id))
        if referendum is not None:
            if referendum.by_petition:
                raise InvalidTransition(gettext("Members forced this vote by petition: it cannot be withdrawn."))
            if now() >= referendum.opens_at:
                raise InvalidTransition(gettext("Voting has begun: the proposal can no longer be withdrawn."))
        transition(proposal, ProposalStatus.WITHDRAWN)
        proposal.withdrawn_at = now()
        if referendum is not None:
            s.delete(referendum)
        stated_reasons.state(uow, chapter, proposal, actor, StatedAction.WITHDRAWN, reason, as_steering=not by_author)
        audit.record(s, "proposal.withdrawn", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                     data={"by": "author" if by_author else "steering", "reason": reason})
        notifications.proposal_moved(uow, proposal, chapter, by=actor.id)
    return proposal


@dataclass(frozen=True)
class ProposalView:
    proposal: Proposal
    membership: Membership | None
    referendum: Referendum | None
    revisions: list[Revision]
    my_entry: VoterRollEntry | None = None  # the actor's place on the vote's roll
    vote_status: ReferendumStatus | None = None
    vote_time_left: timedelta = timedelta(0)  # until the vote closes (open) or opens (scheduled)
    stated: list[StatedReason] = field(default_factory=list)  # why it was withdrawn or a vote cancelled


def get_proposal(actor: User | None, chapter: Chapter, proposal_id: int) -> ProposalView:
    s = db.session
    proposal = s.scalar(
        select(Proposal)
        .options(selectinload(Proposal.options),
                 selectinload(Proposal.directed).selectinload(DirectedElected.membership).selectinload(Membership.user),
                 selectinload(Proposal.author))
        .where(Proposal.id == proposal_id, Proposal.chapter_id == chapter.id)
    )
    if proposal is None:
        raise NotFound(gettext("No such proposal."))
    mine = membership_of(actor, chapter)
    require_visible(actor, mine, proposal, chapter, s)
    referendum = s.scalar(select(Referendum).where(Referendum.proposal_id == proposal.id))
    revisions = list(s.scalars(select(Revision).options(selectinload(Revision.editor))
                               .where(Revision.proposal_id == proposal.id).order_by(Revision.number)))
    stated = stated_reasons.reasons_for(proposal.id)
    if referendum is None:
        return ProposalView(proposal, mine, referendum, revisions, stated=stated)
    moment = now()
    status = referendum.status_at(moment)
    entry = s.scalar(select(VoterRollEntry).where(VoterRollEntry.referendum_id == referendum.id,
                                                  VoterRollEntry.membership_id == mine.id)) if mine else None
    until = referendum.closes_at if status == ReferendumStatus.OPEN else referendum.opens_at
    return ProposalView(proposal, mine, referendum, revisions, entry, status, max(until - moment, timedelta(0)),
                        stated)


@dataclass(frozen=True)
class ProposalPage:
    proposals: list[Proposal]
    page: int
    pages: int
    total: int


def list_proposals(actor: User | None, chapter: Chapter, *, status: ProposalStatus | None = None,
                   elected_id: int | None = None, query: str = "", page: int = 1) -> ProposalPage:
    s = db.session
    mine = membership_of(actor, chapter)
    bylaws = bylaws_of(chapter)
    if not policy.can_list_proposals(actor, mine, bylaws):
        raise NotFound(gettext("No such page."))
    # A committee decision is listed with the committee's (committee.list_decisions), not put to members.
    conditions = [Proposal.chapter_id == chapter.id, Proposal.kind != ProposalKind.COMMITTEE]
    # Drafts are their authors' alone; outsiders see what is public.
    visible_draft = Proposal.author_id == actor.id if actor is not None and actor.is_authenticated else False
    conditions.append((Proposal.status != ProposalStatus.DRAFT) | visible_draft)
    if not policy.is_chapter_insider(mine):
        conditions.append(Proposal.visibility == Visibility.PUBLIC)
    if status is not None:
        conditions.append(Proposal.status == status)
    if elected_id is not None:
        conditions.append(Proposal.id.in_(select(DirectedElected.proposal_id)
                                          .where(DirectedElected.membership_id == elected_id)))
    if query:
        conditions.append(func.lower(Proposal.title).contains(query.lower(), autoescape=True))
    total = s.scalar(select(func.count()).select_from(Proposal).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    proposals = list(s.scalars(
        select(Proposal)
        .options(selectinload(Proposal.directed).selectinload(DirectedElected.membership).selectinload(Membership.user),
                 selectinload(Proposal.author))
        .where(*conditions)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ))
    return ProposalPage(proposals, page, pages, total)


def proposal_titles(chapter: Chapter, *, decided_only: bool = False) -> list[tuple[int, str]]:
    """(id, title) for a form's choice of proposal, newest first: every published one (to link a
    bargaining entry to), or only those with a certified result (to supersede a mandate by)."""
    query = select(Proposal.id, Proposal.title).where(Proposal.chapter_id == chapter.id)
    if decided_only:
        query = query.where(Proposal.status.in_([ProposalStatus.DECIDED, ProposalStatus.NO_DECISION]))
    else:
        query = query.where(Proposal.status != ProposalStatus.DRAFT)
    return [(pid, title) for pid, title in db.session.execute(query.order_by(Proposal.id.desc()))]
