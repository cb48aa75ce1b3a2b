"""The demo chapter's recent history, played through the real use-cases with a moving clock, so a
first look shows every part of the loop: a vote decided with its mandates and a compliance
report and steering's verdict, a missed deadline flagged, a vote open now, a proposal in
deliberation with a petition, a bargaining entry, a live bargaining session under way, a plank of
the platform binding both electeds, and a committee decision within it that a member has begun to
call up."""
from __future__ import annotations

from dataclasses import fields
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from openbargain.clock import set_clock
from openbargain.extensions import db
from openbargain.models import (
    BallotKind,
    Chapter,
    CommitteeDecision,
    EntryKind,
    Mandate,
    Membership,
    Plank,
    ProposalKind,
    Rating,
    ReportOutcome,
    Stance,
    Standing,
    Temperature,
    User,
    Visibility,
)
from openbargain.services import (
    bargaining,
    bargaining_sessions,
    bylaws,
    callups,
    casting,
    committee,
    deliberation,
    escalations,
    mandates,
    meetings,
    petitions,
    proposals,
    referenda,
    results,
    verdicts,
)
from openbargain.services.proposals import OptionDraft, ProposalDraft


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def play(chapter: Chapter, domain: str, start: datetime) -> None:
    """Plays the story up to `start` (now), then gives the clock back."""

    def at(days: float) -> datetime:
        moment = start + timedelta(days=days)
        set_clock(lambda: moment)
        return moment

    try:
        _play(chapter, domain, at, start)
    finally:
        set_clock(None)


def _play(chapter: Chapter, domain: str, at, start: datetime) -> None:
    steering = _user(f"steering@{domain}")
    alex, jordan = _user(f"elected1@{domain}"), _user(f"elected2@{domain}")
    members = list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.chapter_id == chapter.id, Membership.standing == Standing.GOOD_STANDING,
               User.email.like("member%")).order_by(User.id)))
    author = members[0]
    elected_ids = {u.id: db.session.scalar(select(Membership.id).where(Membership.user_id == u.id)) for u in (alex, jordan)}
    today = start.date()

    at(-20)
    slate = proposals.draft_proposal(author, chapter, ProposalDraft(
        title="Endorse the insurgent slate as a bloc?", body="Six members of the caucus are challenged in the "
        "primary. Do our electeds endorse the insurgents together, one by one, or not at all?",
        decision="Whether and how to endorse the insurgent primary challengers.",
        deadline=today + timedelta(days=20), ballot_kind=BallotKind.RANKED, visibility=Visibility.PUBLIC,
        elected_ids=list(elected_ids.values()), fallback_directive="Make no endorsement.",
        options=[OptionDraft("As a bloc", "Endorse all six insurgents together, at one press event."),
                 OptionDraft("One by one", "Endorse each insurgent separately, as their campaigns ask."),
                 OptionDraft("No endorsement", "Make no endorsement in these primaries.")]))
    proposals.publish_proposal(author, chapter, slate.id)
    deliberation.post_comment(members[1], chapter, slate.id, Stance.FOR, "A bloc shows we mean it.")
    plank = proposals.draft_proposal(members[6], chapter, ProposalDraft(
        title="No tax abatements for luxury towers", body="Developers keep asking the council for abatements "
        "on towers nobody in our neighbourhoods can afford. Our electeds should say no, every time.",
        decision="", deadline=None, ballot_kind=BallotKind.YES_NO, visibility=Visibility.PUBLIC, elected_ids=[],
        adopted_directive="Vote no on every tax abatement above $1M for market-rate housing.",
        kind=ProposalKind.PLANK, binds_all_electeds=True))
    proposals.publish_proposal(members[6], chapter, plank.id)
    at(-19)
    slate_vote = referenda.schedule_referendum(steering, chapter, slate.id, referenda.Schedule(
        method="irv", opens_at=start - timedelta(days=12), closes_at=start - timedelta(days=5), quorum_percent=20))
    plank_vote = referenda.schedule_referendum(steering, chapter, plank.id, referenda.Schedule(
        method="yes_no", opens_at=start - timedelta(days=12), closes_at=start - timedelta(days=5), quorum_percent=20,
        threshold="majority"))
    at(-11)
    rankings = [["As a bloc", "One by one"], ["One by one", "As a bloc"], ["As a bloc"], ["No endorsement"],
                ["One by one"], ["As a bloc", "No endorsement"]]
    for i, voter in enumerate(members[:18]):
        casting.cast_ballot(voter, chapter, slate_vote.id, {"ranking": rankings[i % len(rankings)]})
        casting.cast_ballot(voter, chapter, plank_vote.id, {"choice": "no" if i % 5 == 4 else "yes"})

    at(-10)
    budget = proposals.draft_proposal(members[2], chapter, ProposalDraft(
        title="Vote no on the budget deal", body="The leadership's deal **cuts transit** by 12% to fund a "
        "corporate tax credit. Our electeds should vote no and say why on the floor.",
        decision="How to vote on the budget deal on the Assembly floor.", deadline=today + timedelta(days=12),
        ballot_kind=BallotKind.YES_NO, visibility=Visibility.PUBLIC,
        elected_ids=[elected_ids[alex.id]], adopted_directive="Vote no on the budget deal and speak against it.",
        rejected_directive="", fallback_directive=""))
    proposals.publish_proposal(members[2], chapter, budget.id)
    first = deliberation.post_comment(members[3], chapter, budget.id, Stance.FOR, "Transit riders are our base.")
    deliberation.post_comment(alex, chapter, budget.id, Stance.QUESTION,
                              "If I vote no, leadership says my district loses its school money. Advice?", first.id)
    at(-9)
    budget_vote = referenda.schedule_referendum(steering, chapter, budget.id, referenda.Schedule(
        method="yes_no", opens_at=start - timedelta(days=2), closes_at=start + timedelta(days=5), quorum_percent=20,
        threshold="majority"))

    at(-4)
    results.certify_closed(chapter.id)
    slate_mandates = list(db.session.scalars(select(Mandate).where(Mandate.proposal_id == slate.id)))
    at(-3)
    mine = next(m for m in slate_mandates if m.membership_id == elected_ids[alex.id])
    mandates.acknowledge_mandate(alex, chapter, mine.id)
    _committee_decides(chapter, steering, alex, members, elected_ids[alex.id], plank.id, at)
    transit = proposals.draft_proposal(members[4], chapter, ProposalDraft(
        title="Back the transit workers' strike", body="Local 100 may strike next month.",
        decision="Whether our electeds publicly back a transit strike.", deadline=today + timedelta(days=40),
        ballot_kind=BallotKind.YES_NO, visibility=Visibility.MEMBERS,
        elected_ids=list(elected_ids.values()), adopted_directive="Publicly back the strike and join the picket.",
        rejected_directive="", fallback_directive=""))
    proposals.publish_proposal(members[4], chapter, transit.id)
    petitions.sign_petition(members[5], chapter, transit.id)

    at(-1)
    callups.sign_callup(members[7], chapter, db.session.scalar(select(CommitteeDecision.id)))
    for i, voter in enumerate(members[:14]):
        casting.cast_ballot(voter, chapter, budget_vote.id, {"choice": "yes" if i % 4 else "no"})
    mandates.file_report(alex, chapter, mine.id, mandates.ReportDraft(
        ReportOutcome.FULFILLED, "I endorsed all six at the joint press event on the capitol steps.",
        "https://example.org/press/insurgent-slate", (start - timedelta(days=2)).date()))
    bargaining.log_entry(alex, chapter, bargaining.EntryDraft(
        met_on=(start - timedelta(days=1)).date(), counterparty="Speaker's office",
        offered="The chair of the transportation committee next session",
        demanded="A yes vote on the budget deal", threatened="Moving my district's school funding to next year",
        proposal_id=budget.id))
    verdicts.rate_mandate(steering, chapter, mine.id, verdicts.VerdictDraft(
        Rating.KEPT, "All six endorsed together, as the members chose.",
        "https://example.org/press/insurgent-slate"))

    # The transit strike goes to next week's general meeting, at seven in the evening, in the hall and online.
    evening = datetime.combine(today + timedelta(days=6), time(19), ZoneInfo(chapter.timezone))
    meetings.call_meeting(steering, chapter, meetings.MeetingDraft(
        title="Winter general meeting", starts_at=evening, ends_at=evening + timedelta(hours=2),
        place="Union hall, 12 Dock Street", video_url="https://video.example.org/riverside-gm",
        remote_check_in=True, teller_emails=(members[1].email, members[3].email), agenda=(transit.id,)))

    at(-0.05)  # about an hour ago: Alex is at the table now
    escalations.flag_missed()  # Jordan never acknowledged the slate mandate
    session = bargaining_sessions.open_session(alex, chapter, bargaining_sessions.SessionDraft(
        "The budget vote", "Speaker's office", "Alex Rivera; the Speaker's chief of staff; the majority whip",
        proposal_ids=[budget.id]))
    for minutes, kind, body in ((1, EntryKind.DEMAND, "A yes vote on the budget deal, or no transportation chair."),
                                (20, EntryKind.OFFER, "Restore half the transit cut if I vote yes."),
                                (45, EntryKind.THREAT, "My district's school money moves to next year if I vote no.")):
        at(-0.05 + minutes / 1440)
        entry = bargaining_sessions.post_entry(alex, chapter, session.id, kind, body)
        for i, member in enumerate(members[:8]):
            bargaining_sessions.react(member, chapter, session.id, entry.id,
                                      Temperature.ACCEPTABLE if kind == EntryKind.OFFER and i % 3 == 0
                                      else Temperature.HOLD)


def _committee_decides(chapter: Chapter, steering: User, alex: User, members: list[User], alex_id: int,
                       proposal_id: int, at) -> None:
    """The bylaws make steering the committee; it settles, within the plank, a council vote that
    cannot wait for a referendum."""
    current = bylaws.read_bylaws(steering, chapter)
    bylaws.update_bylaws(steering, chapter, bylaws.BylawsChange(**{
        f.name: getattr(current, f.name) for f in fields(bylaws.BylawsChange)} | {"committee_of": "steering"}))
    plank = db.session.scalar(select(Plank).where(Plank.proposal_id == proposal_id))
    mandates.acknowledge_mandate(alex, chapter, db.session.scalar(select(Mandate.id).where(
        Mandate.proposal_id == proposal_id, Mandate.membership_id == alex_id)))
    at(-2)
    committee.record_decision(steering, chapter, committee.DecisionDraft(
        title="How to vote on the Harbor Point abatement", body="The council votes on Thursday at 10:00 on a "
        "$3M abatement for the Harbor Point tower.", decision="Alex's vote on the Harbor Point abatement.",
        deadline=(at(-2) + timedelta(days=3)).date(), elected_ids=[alex_id],
        options=[OptionDraft("Vote no", "Vote no on the Harbor Point abatement and say why."),
                 OptionDraft("Vote no, and move to send it to committee",
                             "Vote no, and move to send the abatement back to the finance committee.")],
        chosen=1, reasoning="The platform rules out abatements above $1M; this one is $3M. Moving to send it "
        "back would give the developer time to lobby.", plank_ids=[plank.id],
        votes={m.id: "1" for m in committee.members_of(db.session, chapter, bylaws.read_bylaws(steering, chapter))},
        visibility=Visibility.PUBLIC))
