"""The deliberation thread: comments with a stance, replies, a 15-minute edit window, moderation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    BargainingEntry,
    Chapter,
    Comment,
    ComplianceReport,
    Mandate,
    Membership,
    Proposal,
    Referendum,
    Stance,
    User,
)
from openbargain.models.proposal import COMMENT_MAX
from openbargain.services.text import required_reason
from openbargain.services import audit, notifications
from openbargain.services.access import acting_on, membership_of, require_visible
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from openbargain.services.uow import UnitOfWork, unit_of_work

EDIT_WINDOW = timedelta(minutes=15)
THREADS_PER_PAGE = 30
MAX_DEPTH = 8


def check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationFailed.on("body", gettext("Write something first."))
    if len(body) > COMMENT_MAX:
        raise ValidationFailed.on("body", gettext("Use at most %(count)d characters.", count=COMMENT_MAX))
    return body


def post_comment(actor: User, chapter: Chapter, proposal_id: int, stance: Stance, body: str,
                 parent_id: int | None = None) -> Comment:
    """A comment in the proposal's deliberation thread (open while it is debated and voted on)."""
    body = check_body(body)
    with unit_of_work() as uow:
        s = uow.session
        proposal, mine = acting_on(s, actor, chapter, proposal_id)
        if not policy.can_comment(actor, mine, proposal):
            if proposal.status not in policy.OPEN_FOR_DEBATE:
                raise InvalidTransition(gettext("This proposal is not open for debate."))
            raise PermissionDenied(gettext("Only members in good standing and the directed electeds can comment."))
        return _add(uow, actor, chapter, proposal, stance, body, parent_id, Thread())


@dataclass(frozen=True)
class Thread:
    """Which thread of a proposal: its deliberation, or a report's or a bargaining entry's."""

    report_id: int | None = None
    entry_id: int | None = None


def post_comment_on(actor: User, chapter: Chapter, thread: Thread, stance: Stance, body: str,
                    parent_id: int | None = None) -> Comment:
    """A comment on a compliance report or a bargaining entry: members discuss what their
    electeds did and were offered, after the vote as before it."""
    with unit_of_work() as uow:
        s = uow.session
        proposal_id = _proposal_of(s, chapter, thread)
        proposal, mine = acting_on(s, actor, chapter, proposal_id)
        if thread.entry_id is not None and not _released(s, thread.entry_id, mine):
            raise NotFound(gettext("No such bargaining entry."))
        if not (policy.in_good_standing(mine) or policy.is_directed(mine, proposal)):
            raise PermissionDenied(gettext("Only members in good standing and the directed electeds can comment."))
        return _add(uow, actor, chapter, proposal, stance, check_body(body), parent_id, thread)


def _released(session: Session, entry_id: int, mine: Membership | None) -> bool:
    """An embargoed entry is discussed once it is published (steering and its author see it before)."""
    entry = session.get(BargainingEntry, entry_id)
    opens_at = session.scalar(select(Referendum.opens_at).where(Referendum.proposal_id == entry.proposal_id))
    return entry.published(now(), opens_at) or policy.is_active_steering(mine) or \
        (mine is not None and mine.id == entry.membership_id)


def _proposal_of(session: Session, chapter: Chapter, thread: Thread) -> int:
    if thread.report_id is not None:
        report = session.get(ComplianceReport, thread.report_id)
        mandate = session.get(Mandate, report.mandate_id) if report else None
        if mandate is None or mandate.chapter_id != chapter.id:
            raise NotFound(gettext("No such report."))
        return mandate.proposal_id
    entry = session.get(BargainingEntry, thread.entry_id)
    if entry is None or entry.chapter_id != chapter.id or entry.proposal_id is None:
        raise NotFound(gettext("No such bargaining entry, or it has no discussion (an elected's own log entry)."))
    return entry.proposal_id


def _add(uow: UnitOfWork, actor: User, chapter: Chapter, proposal: Proposal, stance: Stance, body: str,
         parent_id: int | None, thread: Thread) -> Comment:
    s = uow.session
    parent = None
    if parent_id is not None:
        parent = s.get(Comment, parent_id)
        if parent is None or parent.proposal_id != proposal.id or \
                (parent.report_id, parent.entry_id) != (thread.report_id, thread.entry_id):
            raise ValidationFailed.on("parent_id", gettext("You can only reply to a comment in this thread."))
    comment = Comment(proposal_id=proposal.id, author_id=actor.id, stance=stance, body=body,
                      report_id=thread.report_id, entry_id=thread.entry_id,
                      parent_id=parent.id if parent else None,
                      depth=min(parent.depth + 1, MAX_DEPTH) if parent else 0)
    s.add(comment)
    s.flush()
    comment.root_id = parent.root_id if parent else comment.id
    audit.record(s, "comment.posted", f"comment:{comment.id}", actor=actor, chapter=chapter,
                 data={"proposal_id": proposal.id, "stance": stance.value, "reply_to": comment.parent_id,
                       "report_id": thread.report_id, "entry_id": thread.entry_id})
    # Who is told sees what they are told of: no notice from the thread of an entry still embargoed.
    if thread.entry_id is None or _released(s, thread.entry_id, None):
        notifications.comment_posted(uow, comment, parent.author_id if parent else None, proposal, chapter, actor,
                                     link=_thread_link(chapter, proposal, thread, comment))
    return comment


def _thread_link(chapter: Chapter, proposal: Proposal, thread: Thread, comment: Comment) -> str:
    anchor = f"#comment-{comment.id}"
    if thread.report_id is not None:
        return notifications.path("accountability.report_page", slug=chapter.slug, report_id=thread.report_id) + anchor
    if thread.entry_id is not None:
        return notifications.path("accountability.entry", slug=chapter.slug, entry_id=thread.entry_id) + anchor
    return notifications.path("proposals.show", slug=chapter.slug, proposal_id=proposal.id) + anchor


def _comment_in(session: Session, chapter: Chapter, comment_id: int) -> tuple[Comment, Proposal]:
    comment = session.get(Comment, comment_id)
    proposal = session.get(Proposal, comment.proposal_id) if comment else None
    if comment is None or proposal is None or proposal.chapter_id != chapter.id:
        raise NotFound(gettext("No such comment."))
    return comment, proposal


def edit_comment(actor: User, chapter: Chapter, comment_id: int, body: str) -> Comment:
    body = check_body(body)
    with unit_of_work() as uow:
        s = uow.session
        comment, proposal = _comment_in(s, chapter, comment_id)
        mine = membership_of(actor, chapter, s)
        require_visible(actor, mine, proposal, chapter, s)
        if comment.author_id != actor.id:
            raise PermissionDenied(gettext("Only its author can edit a comment."))
        if now() - comment.created_at > EDIT_WINDOW:
            raise InvalidTransition(gettext("A comment can be edited for 15 minutes after posting."))
        if comment.hidden_at is not None:
            raise InvalidTransition(gettext("A hidden comment cannot be edited."))
        if body == comment.body:
            return comment
        comment.body = body
        comment.edited_at = now()
        audit.record(s, "comment.edited", f"comment:{comment.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id})
    return comment


def hide_comment(actor: User, chapter: Chapter, comment_id: int, reason: str) -> Comment:
    with unit_of_work() as uow:
        s = uow.session
        comment, proposal = _comment_in(s, chapter, comment_id)
        mine = membership_of(actor, chapter, s)
        require_visible(actor, mine, proposal, chapter, s)
        if not policy.can_moderate(actor, mine):
            raise PermissionDenied(gettext("Only the steering committee moderates the debate."))
        reason = required_reason(reason, gettext("Give members the reason."))
        if comment.hidden_at is not None:
            raise InvalidTransition(gettext("This comment is already hidden."))
        comment.hidden_at = now()
        comment.hidden_by_id = actor.id
        comment.hidden_reason = reason
        audit.record(s, "comment.hidden", f"comment:{comment.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, "reason": reason})
    return comment


@dataclass(frozen=True)
class ThreadEntry:
    comment: Comment
    show_text: bool
    editable: bool
    badge: str = ""  # "elected, City Council Ward 4" or "steering": who speaks, in the chapter's roles


@dataclass(frozen=True)
class ThreadPage:
    entries: list[ThreadEntry]  # in display order: each thread, replies under their parent
    stances: dict[str, int]
    total: int
    page: int
    pages: int


def thread_page(actor: User | None, chapter: Chapter, proposal: Proposal, page: int = 1,
                thread: Thread | None = None) -> ThreadPage:
    """One page of threads in four queries, however many comments there are."""
    thread = thread or Thread()
    s = db.session
    in_thread = (Comment.proposal_id == proposal.id,
                 Comment.report_id.is_(None) if thread.report_id is None else Comment.report_id == thread.report_id,
                 Comment.entry_id.is_(None) if thread.entry_id is None else Comment.entry_id == thread.entry_id)
    mine = membership_of(actor, chapter)
    moderator = policy.can_moderate(actor, mine)
    # A reply answers someone; only a thread's opening comment takes a stance on the proposal.
    stance_rows = s.execute(select(Comment.stance, func.count()).where(*in_thread, Comment.parent_id.is_(None))
                            .group_by(Comment.stance)).all()
    stances = {st.value: 0 for st in Stance} | {row[0].value: row[1] for row in stance_rows}
    threads = s.scalar(select(func.count()).select_from(Comment)
                       .where(*in_thread, Comment.parent_id.is_(None))) or 0
    pages = max(1, -(-threads // THREADS_PER_PAGE))
    page = min(max(1, page), pages)
    roots = select(Comment.id).where(*in_thread, Comment.parent_id.is_(None)) \
        .order_by(Comment.created_at, Comment.id).limit(THREADS_PER_PAGE).offset((page - 1) * THREADS_PER_PAGE)
    comments = list(s.scalars(select(Comment).options(selectinload(Comment.author))
                              .where(Comment.root_id.in_(roots)).order_by(Comment.created_at, Comment.id)))
    children: dict[int | None, list[Comment]] = {}
    for c in comments:
        children.setdefault(c.parent_id if c.id != c.root_id else None, []).append(c)
    ordered: list[Comment] = []

    def walk(parent: int | None) -> None:
        for c in children.get(parent, []):
            ordered.append(c)
            walk(c.id)

    walk(None)
    moment = now()
    user_id = actor.id if actor is not None and actor.is_authenticated else None
    badges = _badges(chapter, {c.author_id for c in ordered})
    entries = [
        ThreadEntry(
            c,
            show_text=c.hidden_at is None or moderator or c.author_id == user_id,
            editable=c.author_id == user_id and c.hidden_at is None and moment - c.created_at <= EDIT_WINDOW,
            badge=badges.get(c.author_id, ""),
        )
        for c in ordered
    ]
    return ThreadPage(entries, stances, sum(stances.values()), page, pages)


def _badges(chapter: Chapter, user_ids: set[int]) -> dict[int, str]:
    """The roles that change how members read a comment: an elected (and their office), steering."""
    found = {}
    for m in db.session.scalars(select(Membership).where(Membership.chapter_id == chapter.id,
                                                         Membership.user_id.in_(user_ids or {0}))):
        if m.is_elected:
            found[m.user_id] = gettext("elected, %(office)s", office=m.office) if m.office else gettext("elected")
        elif m.is_steering:
            found[m.user_id] = gettext("steering")
    return found


def comment_for_editing(actor: User, chapter: Chapter, comment_id: int) -> Comment:
    comment, proposal = _comment_in(db.session, chapter, comment_id)
    require_visible(actor, membership_of(actor, chapter), proposal, chapter, db.session)
    if comment.author_id != actor.id:
        raise PermissionDenied(gettext("Only its author can edit a comment."))
    return comment
