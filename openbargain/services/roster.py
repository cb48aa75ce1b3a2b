"""The chapter's roster: listing it, and importing a national organisation's CSV export.

An import is an upsert keyed on email. It is parsed and checked whole before anything is
written: one bad row rejects the file, with every problem named by its line number.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from openbargain import policy
from openbargain.extensions import db
from openbargain.models import Chapter, Invitation, Membership, OutboxMail, Standing, User
from openbargain.models.user import EMAIL_MAX, NAME_MAX
from openbargain.services import accounts, audit, outbox, platform
from openbargain.services.access import membership_of, require
from openbargain.services.chapters import MembershipChange, check_membership_rules, ensure_steering_remains
from openbargain.services.text import breaks_the_line
from openbargain.services.errors import DomainError, ValidationFailed
from openbargain.services.rolls import freeze_due_rolls
from openbargain.services.uow import unit_of_work

REQUIRED_COLUMNS = ("name", "email", "standing")
MAX_ROWS = 50_000
ROSTER_PAGE_SIZE = 100

STANDING_ALIASES = {
    "good standing": Standing.GOOD_STANDING,
    "member in good standing": Standing.GOOD_STANDING,
    "active": Standing.GOOD_STANDING,
    "lapsed": Standing.LAPSED,
    "expired": Standing.LAPSED,
    "suspended": Standing.SUSPENDED,
}
ROLE_NAMES = {"member", "elected", "steering"}


class RosterInvalid(DomainError):
    """The file as a whole is rejected; `problems` lists (line number, message)."""

    status = 422
    title = "Roster file rejected"

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(ngettext("The file was not imported: %(num)d problem found.",
                                  "The file was not imported: %(num)d problems found.", len(problems)))
        self.problems = problems


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    email: str
    standing: Standing
    is_elected: bool
    is_steering: bool
    office: str | None


def _cell(record: dict, key: str) -> str:
    return (record.get(key) or "").strip()


def _parse_row(line: int, record: dict, has_roles: bool, has_office: bool) -> tuple[RosterRow | None, list[str]]:
    problems: list[str] = []
    name, raw_email, raw_standing = (_cell(record, k) for k in REQUIRED_COLUMNS)
    if not name:
        problems.append(gettext("name is empty"))
    elif len(name) > NAME_MAX:
        problems.append(gettext("name is longer than %(count)d characters", count=NAME_MAX))
    elif breaks_the_line(name):
        problems.append(gettext("name holds a line break, tab or control character"))
    email = ""
    if len(raw_email) > EMAIL_MAX:
        problems.append(gettext("email is longer than %(count)d characters", count=EMAIL_MAX))
    else:
        try:
            email = validate_email(raw_email, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            problems.append(gettext("email “%(email)s” is not valid (%(why)s)", email=raw_email, why=exc))
    standing = STANDING_ALIASES.get(" ".join(raw_standing.lower().replace("_", " ").replace("-", " ").split()))
    if standing is None:
        problems.append(gettext("standing “%(standing)s” is not one of good_standing, lapsed, suspended",
                                standing=raw_standing))
    roles: set[str] = set()
    if has_roles:
        roles = {r for r in _cell(record, "roles").replace(";", " ").replace(",", " ").replace("|", " ").lower().split()}
        unknown = roles - ROLE_NAMES
        if unknown:
            problems.append(gettext("unknown role(s) %(roles)s; use member, elected, steering",
                                    roles=", ".join(sorted(unknown))))
    office = _cell(record, "office") if has_office else ""
    change = MembershipChange(standing or Standing.LAPSED, "elected" in roles, "steering" in roles, office or None)
    try:
        check_membership_rules(change)
    except ValidationFailed as exc:
        problems.append(exc.message.lower().rstrip("."))
    if problems:
        return None, problems
    return RosterRow(line, name, email, standing, change.is_elected, change.is_steering, change.office), []


def parse_roster(data: bytes) -> list[RosterRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterInvalid([(0, gettext("the file is not UTF-8 text (byte %(byte)d); export it as UTF-8 CSV",
                                         byte=exc.start))])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise RosterInvalid([(1, gettext("the header cannot be read: %(why)s", why=exc))])
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RosterInvalid([(1, gettext("missing column(s): %(columns)s; the header needs name, email, standing",
                                         columns=", ".join(missing)))])
    reader.fieldnames = header
    rows: list[RosterRow] = []
    problems: list[tuple[int, str]] = []
    first_line_of: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
                continue
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append((line, gettext("the file has more than %(count)d rows", count=MAX_ROWS)))
                break
            row, row_problems = _parse_row(line, record, "roles" in header, "office" in header)
            problems.extend((line, p) for p in row_problems)
            if row is None:
                continue
            if row.email in first_line_of:
                problems.append((line, gettext("email %(email)s is already on line %(line)d", email=row.email,
                                               line=first_line_of[row.email])))
                continue
            first_line_of[row.email] = line
            rows.append(row)
    except csv.Error as exc:
        problems.append((reader.line_num, gettext("the CSV cannot be read: %(why)s", why=exc)))
    if problems:
        raise RosterInvalid(problems)
    if not rows:
        raise RosterInvalid([(1, gettext("the file has no members"))])
    return rows


@dataclass
class RosterPlan:
    created: list[RosterRow] = field(default_factory=list)
    updated: list[tuple[RosterRow, dict]] = field(default_factory=list)
    lapsed: list[RosterRow] = field(default_factory=list)
    unchanged: int = 0
    not_in_file: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "lapsed": len(self.lapsed),
            "unchanged": self.unchanged,
            "not_in_file": self.not_in_file,
        }


def _row_state(row: RosterRow) -> dict:
    return {"standing": row.standing.value, "is_elected": row.is_elected, "is_steering": row.is_steering, "office": row.office}


def _existing(session: Session, chapter: Chapter, emails: list[str]) -> tuple[dict[str, User], dict[int, Membership]]:
    users: dict[str, User] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        for user in session.scalars(select(User).where(func.lower(User.email).in_(chunk))):
            users[user.email.lower()] = user
    memberships = {
        m.user_id: m
        for m in session.scalars(select(Membership).where(Membership.chapter_id == chapter.id))
    }
    return users, memberships


def _plan(session: Session, chapter: Chapter, rows: list[RosterRow]) -> RosterPlan:
    users, memberships = _existing(session, chapter, [r.email for r in rows])
    plan = RosterPlan()
    seen_user_ids: set[int] = set()
    for row in rows:
        user = users.get(row.email)
        membership = memberships.get(user.id) if user else None
        if user:
            seen_user_ids.add(user.id)
        if membership is None:
            plan.created.append(row)
            continue
        before = {"standing": membership.standing.value, "is_elected": membership.is_elected,
                  "is_steering": membership.is_steering, "office": membership.office}
        after = _row_state(row)
        if before == after:
            plan.unchanged += 1
        elif row.standing == Standing.LAPSED and membership.standing != Standing.LAPSED:
            plan.lapsed.append(row)
        else:
            plan.updated.append((row, before))
    plan.not_in_file = len(set(memberships) - seen_user_ids)
    return plan


def preview_roster_import(actor: User, chapter: Chapter, data: bytes) -> RosterPlan:
    mine = membership_of(actor, chapter)
    require(policy.can_manage_roster(actor, mine), mine, gettext("Only the steering committee can import the roster."))
    return _plan(db.session, chapter, parse_roster(data))


def import_roster(actor: User, chapter: Chapter, data: bytes) -> RosterPlan:
    """Applies the file; users new to the site are invited by mail once the import is saved."""
    rows = parse_roster(data)
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_manage_roster(actor, mine), mine,
                gettext("Only the steering committee can import the roster."))
        freeze_due_rolls(s, chapter.id)  # a vote that has opened keeps the standing it opened with
        plan = _plan(s, chapter, rows)
        users, memberships = _existing(s, chapter, [r.email for r in rows])
        invitations: list[Invitation] = []
        for row in plan.created:
            user = users.get(row.email)
            if user is None:
                user = User(email=row.email, name=row.name)
                s.add(user)
            membership = Membership(chapter=chapter, user=user, standing=row.standing, is_elected=row.is_elected,
                                    is_steering=row.is_steering, office=row.office)
            s.add(membership)
            if not user.has_account:
                invitation = Invitation(chapter=chapter, user=user, invited_by_id=actor.id)
                s.add(invitation)
                invitations.append(invitation)
        for row in plan.lapsed + [r for r, _ in plan.updated]:
            membership = memberships[users[row.email].id]
            membership.standing = row.standing
            membership.is_elected = row.is_elected
            membership.is_steering = row.is_steering
            membership.office = row.office
        s.flush()
        ensure_steering_remains(s, chapter)
        audit.record(
            s, "roster.imported", f"chapter:{chapter.id}", actor=actor, chapter=chapter,
            data={
                "counts": plan.counts,
                "created": [r.email for r in plan.created],
                "lapsed": [r.email for r in plan.lapsed],
                "updated": [{"email": r.email, "before": before, "after": _row_state(r)} for r, before in plan.updated],
            },
        )
        platform.electeds_changed(uow, chapter)
        for invitation in invitations:
            accounts.send_invitation(uow, invitation, actor)
    return plan


@dataclass(frozen=True)
class RosterPage:
    memberships: list[Membership]
    page: int
    pages: int
    total: int


def undelivered_mail(actor: User, chapter: Chapter) -> list[OutboxMail]:
    """Steering's view of the chapter's notices the mail server refused or that ran out of tries,
    newest first: the addresses to correct, or the members to reach another way."""
    mine = membership_of(actor, chapter)
    require(policy.can_view_roster(actor, mine), mine, gettext("Only the steering committee can see the roster."))
    return outbox.undelivered(chapter)


def list_roster(actor: User, chapter: Chapter, page: int = 1, standing: Standing | None = None,
                query: str = "") -> RosterPage:
    mine = membership_of(actor, chapter)
    require(policy.can_view_roster(actor, mine), mine, gettext("Only the steering committee can see the roster."))
    conditions = [Membership.chapter_id == chapter.id]
    if standing is not None:
        conditions.append(Membership.standing == standing)
    if query:
        pattern = f"%{query.lower()}%"
        conditions.append(func.lower(User.name).like(pattern) | func.lower(User.email).like(pattern))
    total = db.session.scalar(
        select(func.count()).select_from(Membership).join(User, Membership.user_id == User.id).where(*conditions)
    ) or 0
    pages = max(1, -(-total // ROSTER_PAGE_SIZE))
    page = min(max(1, page), pages)
    memberships = list(
        db.session.scalars(
            select(Membership)
            .join(User, Membership.user_id == User.id)
            .options(joinedload(Membership.user))
            .where(*conditions)
            .order_by(func.lower(User.name), Membership.id)
            .limit(ROSTER_PAGE_SIZE)
            .offset((page - 1) * ROSTER_PAGE_SIZE)
        )
    )
    return RosterPage(memberships, page, pages, total)
