"""The app's own words for its states (standing, roles, report outcomes), and short dates, in the
reader's language: the models keep codes, the pages show these."""
from __future__ import annotations

from datetime import date

from flask_babel import get_locale, gettext, lazy_gettext as _l

from openbargain.phrases import dated as _dated, say
from openbargain.services.bargaining_sessions import ENTRY_KINDS
from openbargain.models.escalation import Missed
from openbargain.models.roll_call import Position, Source
from openbargain.services.roll_calls import POSITIONS, RECORD_SOURCES
from openbargain.services.verdicts import RATING_WORDS
from openbargain.models import (
    AmendmentState,
    CommitteeChoice,
    DecisionState,
    EntryKind,
    MandateSource,
    MandateStatus,
    ProposalStatus,
    Rating,
    ReferendumStatus,
    ReportOutcome,
    ReportReview,
    Role,
    Standing,
    Temperature,
)

STANDINGS = {Standing.GOOD_STANDING: _l("in good standing"), Standing.LAPSED: _l("lapsed"),
             Standing.SUSPENDED: _l("suspended")}
ROLES = {Role.MEMBER: _l("member"), Role.ELECTED: _l("elected"), Role.STEERING: _l("steering")}
OUTCOMES = {ReportOutcome.FULFILLED: _l("fulfilled"), ReportOutcome.PARTIALLY: _l("partially"),
            ReportOutcome.BREACHED: _l("breached")}


MISSED = {Missed.ACKNOWLEDGEMENT: _l("not acknowledged in time"), Missed.REPORT: _l("not reported on in time")}
TEMPERATURES = {Temperature.HOLD: _l("Hold the line"), Temperature.ACCEPTABLE: _l("We could accept this")}


def entry_kind(value: EntryKind) -> str:
    return str(ENTRY_KINDS[value])


def record_source(value: Source) -> str:
    return str(RECORD_SOURCES[value])


def position(value: Position) -> str:
    return str(POSITIONS[value])


def missed(value: Missed) -> str:
    return str(MISSED[value])


def rating(value: Rating) -> str:
    return str(RATING_WORDS[value])


def temperature(value: Temperature) -> str:
    return str(TEMPERATURES[value])


def standing(value: Standing) -> str:
    return str(STANDINGS[value])


def role(value: Role) -> str:
    return str(ROLES[value])


def outcome(value: ReportOutcome) -> str:
    return str(OUTCOMES[value])


def day(value: date) -> str:
    """'26 Nov', '26 nov': a day of this year, as the reader's language writes it."""
    return _dated(value, "%-d %b", "MMMd")


VOTE_STATUSES = {ReferendumStatus.SCHEDULED: _l("scheduled"), ReferendumStatus.OPEN: _l("open"),
                 ReferendumStatus.CLOSED: _l("closed"), ReferendumStatus.CERTIFIED: _l("certified")}
METHODS = {"yes_no": _l("Yes / no"), "irv": _l("Instant-runoff"), "stv": _l("Single transferable vote"),
           "schulze": _l("Schulze")}
THRESHOLDS = {"majority": _l("majority"), "three_fifths": _l("three fifths"), "two_thirds": _l("two thirds")}


def vote_status(value: ReferendumStatus) -> str:
    return str(VOTE_STATUSES[value])


def method(code: str) -> str:
    return str(METHODS[code])


def threshold(code: str) -> str:
    return str(THRESHOLDS.get(code, code.replace("_", " ")))


def long_day(value: date) -> str:
    """'Thursday 26 November', 'jue, 26 de noviembre'."""
    return _dated(value, "%A %-d %B", "MMMMEEEEd")


def weekday(value: date) -> str:
    """'Thu 26 Nov', 'jue, 26 nov'."""
    return _dated(value, "%a %-d %b", "MMMEd")


def copy_words() -> dict[str, str]:
    """copy.js's words: put on the element it enhances (data-copy)."""
    return {"copy": gettext("Copy"), "copied": gettext("Copied."),
            "refused": gettext("Your browser refused to copy: select the text and copy it by hand.")}


def ballot_words() -> dict[str, str]:
    """ballot.js's words ({name}, {rank}, {ranking} and {left} are filled in by the script)."""
    return {
        # Empty in English, whose ordinals the script writes itself (1st, 2nd …); Spanish: ".ª".
        "ordinal_suffix": "" if get_locale() is None or get_locale().language == "en" else gettext(".ª"),
        "ranked": gettext("{name}: your {rank} choice. Tap to take it out of your ranking."),
        "unranked": gettext("{name}: not ranked. Tap to make it your {rank} choice."),
        "empty": gettext("Tap the options in order of preference. A ballot with no ranks is an abstention."),
        "partial": gettext("Your ranking: {ranking}. Not ranked: {left}."),
        "complete": gettext("Your ranking: {ranking}. Every option is ranked."),
        "again": gettext("Start again"),
        "legend": gettext("Tap the options in the order you prefer them: first choice first. "
                          "Leave out any you would not support."),
    }


PROPOSAL_STATUSES = {ProposalStatus.DRAFT: _l("draft"), ProposalStatus.DELIBERATION: _l("deliberation"),
                     ProposalStatus.SCHEDULED: _l("scheduled"), ProposalStatus.VOTING: _l("voting"),
                     ProposalStatus.DECIDED: _l("decided"), ProposalStatus.NO_DECISION: _l("no decision"),
                     ProposalStatus.WITHDRAWN: _l("withdrawn")}


def proposal_status(value: ProposalStatus) -> str:
    return str(PROPOSAL_STATUSES[value])


MANDATE_STATUSES = {MandateStatus.ISSUED: _l("issued"), MandateStatus.ACKNOWLEDGED: _l("acknowledged"),
                    MandateStatus.FULFILLED: _l("fulfilled"), MandateStatus.PARTIALLY: _l("partially"),
                    MandateStatus.BREACHED: _l("breached"), MandateStatus.SUPERSEDED: _l("superseded"),
                    MandateStatus.SUSPENDED: _l("suspended until the members' vote"),
                    MandateStatus.LAPSED: _l("lapsed: no longer in office")}
MANDATE_SOURCES = {MandateSource.REFERENDUM: _l("from a referendum"), MandateSource.PLANK: _l("from a platform plank"),
                   MandateSource.COMMITTEE: _l("from a committee decision")}
DECISION_STATES = {DecisionState.IN_FORCE: _l("in force"), DecisionState.CALLED_UP: _l("called up: the members vote"),
                   DecisionState.CONFIRMED: _l("confirmed by the members"),
                   DecisionState.OVERTURNED: _l("overturned by the members")}
COMMITTEE_CHOICES = {CommitteeChoice.FOR: _l("for"), CommitteeChoice.ABSTAIN: _l("abstained"),
                     CommitteeChoice.ABSENT: _l("absent")}
AMENDMENT_STATES = {AmendmentState.OPEN: _l("open"), AmendmentState.ACCEPTED: _l("accepted"),
                    AmendmentState.DECLINED: _l("declined"), AmendmentState.ON_BALLOT: _l("on the ballot")}
STANCES = {"for": _l("for"), "against": _l("against"), "question": _l("question"), "neutral": _l("neutral")}


def mandate_status(value: MandateStatus) -> str:
    return str(MANDATE_STATUSES[value])


def mandate_source(value: MandateSource) -> str:
    return str(MANDATE_SOURCES[value])


def decision_state(value: DecisionState) -> str:
    return str(DECISION_STATES[value])


def committee_choice(value: CommitteeChoice) -> str:
    return str(COMMITTEE_CHOICES[value])


def amendment_state(value: AmendmentState) -> str:
    return str(AMENDMENT_STATES[value])


def stance(code: str) -> str:
    return str(STANCES[code])


def day_month(value: date) -> str:
    """'26 November', '26 de noviembre'."""
    return _dated(value, "%-d %B", "MMMMd")


def long_date(value: date) -> str:
    """'Thursday 26 November 2026', 'jueves, 26 de noviembre de 2026'."""
    return _dated(value, "%A %-d %B %Y", "full")


BAR_STATES = {"elected": _l("elected"), "won": _l("won"), "eliminated": _l("eliminated"), "exhausted": _l("exhausted"),
              "": ""}


def bar_state(code: str) -> str:
    """A bar of the count: who came through, who was eliminated (the table beside the chart)."""
    return str(BAR_STATES.get(code, code))


def short_date(value: date) -> str:
    """'26 Nov 2026', '26 nov 2026'."""
    return _dated(value, "%-d %b %Y", "yMMMd")


CATEGORIES = {"received": _l("received"), "acknowledged": _l("acknowledged"),
              "unacknowledged_48h": _l("unacknowledged 48h+"), "fulfilled": _l("fulfilled"),
              "partially": _l("partially"), "breached": _l("breached"), "unreported": _l("unreported"),
              "superseded": _l("superseded")}
REVIEWS = {ReportReview.VERIFIED: _l("verified"), ReportReview.DISPUTED: _l("disputed")}


def category(code: str) -> str:
    """A scorecard's figure, as its row is named."""
    return str(CATEGORIES[code])


def review(value: ReportReview) -> str:
    return str(REVIEWS[value])


def shares(parts: list[tuple[str, str, int]]) -> str:
    """The fulfilment bar read aloud: '2 fulfilled, 1 partially, …'."""
    return ", ".join(f"{n} {label}" for _key, label, n in parts)


BASES = {"adopted": _l("adopted"), "rejected": _l("rejected"), "no_decision": _l("no decision")}
ELECTED_PREFIX = "elected: "


def basis(text: str) -> str:
    """What a mandate's directive comes from: the outcome, or the options that won ("elected: A, B")."""
    if text.startswith(ELECTED_PREFIX):
        return gettext("elected: %(names)s", names=text[len(ELECTED_PREFIX):])
    return str(BASES.get(text, text.replace("_", " ")))


THRESHOLD_SHARES = {"majority": _l("a majority"), "three_fifths": _l("three fifths"), "two_thirds": _l("two thirds")}


def threshold_share(code: str) -> str:
    """How much of yes and no adopts a proposal, as a sentence says it: 'a majority'."""
    return str(THRESHOLD_SHARES[code])


def notice_title(notice) -> str:
    """A notice's title in the reader's language; one written before titles kept their values, as
    it was written."""
    return say(notice.title, notice.title_values)
