"""The chapter's bylaws: read by every rule that depends on them, edited by steering."""
from __future__ import annotations

from dataclasses import dataclass, fields

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openbargain import policy
from openbargain.models import BallotPublication, Bylaws, Chapter, Membership, Standing, User
from openbargain.models.bylaws import REPORT_PERIODS, CommitteeOf
from openbargain.services import audit
from openbargain.services.access import bylaws_of, membership_of, require, require_chapter_visible
from openbargain.services.errors import ValidationFailed
from openbargain.services.uow import unit_of_work
from openbargain.tally import THRESHOLDS


def members_needed(session: Session, chapter: Chapter, percent: int) -> int:
    """A bylaws threshold as a head count of the members in good standing now."""
    members = session.scalar(select(func.count()).select_from(Membership).where(
        Membership.chapter_id == chapter.id, Membership.standing == Standing.GOOD_STANDING)) or 0
    return Bylaws.share_of(percent, members)


@dataclass(frozen=True)
class BylawsChange:
    min_deliberation_hours: int
    urgent_min_deliberation_hours: int
    voting_hours: int
    urgent_voting_hours: int
    min_voting_hours: int
    urgent_min_voting_hours: int
    urgent_cosign_percent: int
    petition_delay_hours: int
    quorum_percent: int
    threshold: str
    petition_percent: int
    amendment_percent: int
    public_pages: bool
    ranked_ballots_public: str = "from_roll"
    ranked_ballots_min_roll: int = 50
    session_delay_minutes: int = 0
    public_sessions: bool = False
    ack_within_hours: int = 48
    report_grace_days: int = 7
    escalate_after_days: int = 14
    accountability_petition_percent: int = 10
    recall_petition: bool = False
    platform_report_months: int = 3
    committee_of: str = "none"
    callup_days: int = 7
    callup_percent: int = 5
    callup_suspends: bool = False
    revoting: bool = True
    meeting_quorum_percent: int = 10
    meeting_roll_call: bool = False
    meeting_vote_minutes: int = 10


HOURS_MAX = 24 * 90
DELAY_MAX = 24 * 60
DAYS_MAX = 365
MIN_ROLL_MAX = 1_000_000
MEETING_VOTE_MINUTES_MAX = 240


def check_bylaws(change: BylawsChange) -> None:
    errors: dict[str, list[str]] = {}
    SHORTER = gettext("The default length cannot be shorter than the minimum.")
    for name in ("min_deliberation_hours", "urgent_min_deliberation_hours", "petition_delay_hours"):
        if not 0 <= getattr(change, name) <= HOURS_MAX:
            errors[name] = [gettext("Use 0 to %(most)d hours.", most=HOURS_MAX)]
    for name in ("voting_hours", "urgent_voting_hours", "min_voting_hours", "urgent_min_voting_hours"):
        if not 1 <= getattr(change, name) <= HOURS_MAX:
            errors[name] = [gettext("A vote lasts 1 to %(most)d hours.", most=HOURS_MAX)]
    if change.voting_hours < change.min_voting_hours:
        errors.setdefault("voting_hours", []).append(SHORTER)
    if change.urgent_voting_hours < change.urgent_min_voting_hours:
        errors.setdefault("urgent_voting_hours", []).append(SHORTER)
    if change.urgent_min_voting_hours > change.min_voting_hours:
        errors.setdefault("urgent_min_voting_hours", []).append(
            gettext("An urgent vote's minimum cannot be longer than the normal one."))
    for name in ("quorum_percent", "petition_percent", "amendment_percent", "urgent_cosign_percent"):
        if not 0 <= getattr(change, name) <= 100:
            errors[name] = [gettext("Use a percentage from 0 to 100.")]
    if change.urgent_min_deliberation_hours > change.min_deliberation_hours:
        errors["urgent_min_deliberation_hours"] = [gettext("Urgent deliberation cannot be longer than the normal one.")]
    if change.threshold not in THRESHOLDS:
        errors["threshold"] = [gettext("Use one of %(choices)s.", choices=", ".join(THRESHOLDS))]
    if change.ranked_ballots_public not in BallotPublication._value2member_map_:
        errors["ranked_ballots_public"] = [gettext("Use one of %(choices)s.", choices=", ".join(BallotPublication))]
    if not 1 <= change.ranked_ballots_min_roll <= MIN_ROLL_MAX:
        errors["ranked_ballots_min_roll"] = [gettext("Use a roll size from 1 to %(most)s.", most=f"{MIN_ROLL_MAX:,}")]
    if not 1 <= change.ack_within_hours <= HOURS_MAX:
        errors["ack_within_hours"] = [gettext("Use 1 to %(most)d hours.", most=HOURS_MAX)]
    for name in ("report_grace_days", "escalate_after_days"):
        if not 0 <= getattr(change, name) <= DAYS_MAX:
            errors[name] = [gettext("Use 0 to %(most)d days.", most=DAYS_MAX)]
    if not 1 <= change.accountability_petition_percent <= 100:
        errors["accountability_petition_percent"] = [gettext("Use a percentage from 1 to 100: members' right to "
                                                             "petition cannot be taken away.")]
    if change.platform_report_months not in REPORT_PERIODS:
        errors["platform_report_months"] = [gettext("Use one of %(choices)s months.",
                                                    choices=", ".join(map(str, REPORT_PERIODS)))]
    if change.committee_of not in CommitteeOf._value2member_map_:
        errors["committee_of"] = [gettext("Use one of %(choices)s.", choices=", ".join(CommitteeOf))]
    if not 1 <= change.callup_days <= DAYS_MAX:
        errors["callup_days"] = [gettext("Use 1 to %(most)d days: members' right to call a decision up cannot be "
                                         "taken away.", most=DAYS_MAX)]
    if not 1 <= change.callup_percent <= 100:
        errors["callup_percent"] = [gettext("Use a percentage from 1 to 100: members' right to call a decision up "
                                            "cannot be taken away.")]
    if not 0 <= change.meeting_quorum_percent <= 100:
        errors["meeting_quorum_percent"] = [gettext("Use a percentage from 0 to 100.")]
    if not 1 <= change.meeting_vote_minutes <= MEETING_VOTE_MINUTES_MAX:
        errors["meeting_vote_minutes"] = [gettext("A meeting vote lasts 1 to %(most)d minutes.",
                                                  most=MEETING_VOTE_MINUTES_MAX)]
    if not 0 <= change.session_delay_minutes <= DELAY_MAX:
        errors["session_delay_minutes"] = [gettext("Use 0 to %(most)d minutes.", most=DELAY_MAX)]
    if errors:
        raise ValidationFailed(gettext("Some settings are not valid."), errors=errors)


def read_bylaws(actor: User | None, chapter: Chapter) -> Bylaws:
    """The chapter's rules, for its members (and anyone, where the chapter's pages are public)."""
    require_chapter_visible(actor, chapter)
    return bylaws_of(chapter)


def update_bylaws(actor: User, chapter: Chapter, change: BylawsChange) -> Bylaws:
    check_bylaws(change)
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_edit_bylaws(actor, mine), mine,
                gettext("Only the steering committee can change the bylaws."))
        bylaws = bylaws_of(chapter, s)
        before = {f.name: getattr(bylaws, f.name) for f in fields(BylawsChange)}
        after = {f.name: getattr(change, f.name) for f in fields(BylawsChange)}
        if before == after:
            return bylaws
        for name, value in after.items():
            setattr(bylaws, name, value)
        audit.record(s, "bylaws.updated", f"chapter:{chapter.id}", actor=actor, chapter=chapter,
                     data={"before": before, "after": after})
    return bylaws
