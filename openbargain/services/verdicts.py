"""Steering's verdict on a mandate, on the scale public promise-trackers use: in the works or
stalled while it is under way; kept, compromise or broken once decided. Every verdict carries its
evidence and is kept: a revision is a new verdict, and the page shows them all. The elected's own
reports stay beside it."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Chapter, Mandate, MandateStatus, User
from openbargain.models.mandate import URL_MAX
from openbargain.models.verdict import QUOTE_MAX, REASONING_MAX, Rating, Verdict
from openbargain.phrases import each_language, phrase
from openbargain.services import audit, notifications
from openbargain.services.access import require
from openbargain.services.errors import InvalidTransition, ValidationFailed
from openbargain.services.mandates import load_mandate
from openbargain.services.text import web_address_problem
from openbargain.services.uow import UnitOfWork, unit_of_work


RATING_WORDS = {Rating.IN_THE_WORKS: _l("in the works"), Rating.STALLED: _l("stalled"), Rating.KEPT: _l("kept"),
                Rating.COMPROMISE: _l("compromise"), Rating.BROKEN: _l("broken")}


@dataclass(frozen=True)
class VerdictDraft:
    rating: Rating
    reasoning: str = ""
    evidence_url: str = ""
    evidence_quote: str = ""


def _check(draft: VerdictDraft) -> None:
    errors: dict[str, list[str]] = {}
    url, quote = draft.evidence_url.strip(), draft.evidence_quote.strip()
    if not url and not quote:
        errors["evidence_url"] = [gettext("A verdict needs its evidence: a link, or the words of a document.")]
    if url and (problem := web_address_problem(url, URL_MAX)):
        errors["evidence_url"] = [problem]
    if len(quote) > QUOTE_MAX:
        errors["evidence_quote"] = [gettext("Use at most %(count)d characters.", count=QUOTE_MAX)]
    if len(draft.reasoning) > REASONING_MAX:
        errors["reasoning"] = [gettext("Use at most %(count)d characters.", count=REASONING_MAX)]
    if errors:
        raise ValidationFailed(gettext("The verdict has problems; nothing was recorded."), errors=errors)


def rate_mandate(actor: User, chapter: Chapter, mandate_id: int, draft: VerdictDraft) -> Verdict:
    """Steering rates a mandate, or revises its rating; the elected and their followers are told."""
    with unit_of_work() as uow:
        return rated(uow, actor, chapter, mandate_id, draft)


def rated(uow: UnitOfWork, actor: User, chapter: Chapter, mandate_id: int, draft: VerdictDraft,
          recorded_vote_id: int | None = None) -> Verdict:
    """Rating, inside a use-case's own transaction (a roll call confirmed as the verdict: its
    record is the evidence, beside the link and words drawn from it)."""
    _check(draft)
    s = uow.session
    mandate, mine = load_mandate(s, actor, chapter, mandate_id, lock=True)
    require(policy.can_review_reports(actor, mine), mine, gettext("Only the steering committee rates mandates."))
    if mandate.status == MandateStatus.SUPERSEDED:
        raise InvalidTransition(gettext("This mandate was superseded: it is no longer rated."))
    latest = s.scalar(select(Verdict).where(Verdict.mandate_id == mandate.id).order_by(Verdict.id.desc()).limit(1))
    verdict = Verdict(mandate_id=mandate.id, rating=draft.rating, reasoning=draft.reasoning.strip(),
                      evidence_url=draft.evidence_url.strip() or None,
                      evidence_quote=draft.evidence_quote.strip() or None, recorded_vote_id=recorded_vote_id,
                      rated_by_id=actor.id, rated_at=now(), revises_id=latest.id if latest else None)
    s.add(verdict)
    s.flush()
    audit.record(s, "mandate.rated", f"mandate:{mandate.id}", actor=actor, chapter=chapter,
                 data={"verdict": verdict.id, "rating": draft.rating.value, "revises": verdict.revises_id,
                       "evidence_url": verdict.evidence_url, "recorded_vote": recorded_vote_id,
                       "reasoning": verdict.reasoning})
    elected = mandate.membership
    link = notifications.path("accountability.mandate", slug=chapter.slug, mandate_id=mandate.id)
    title = phrase("Steering rated %(name)s's mandate “%(title)s”: %(rating)s", name=elected.user.name,
                   title=mandate.proposal.title, rating=each_language(lambda: str(RATING_WORDS[draft.rating])))
    notifications.tell(uow, "elected_activity", f"verdict:{verdict.id}",
                       notifications.followers_of_elected(chapter.id, elected.id), chapter=chapter, title=title,
                       link=link)
    notifications.tell(uow, "mandate_rated", f"verdict:{verdict.id}",
                       notifications.to_user(elected.user_id), chapter=chapter, title=title, link=link)
    return verdict


def verdicts_of(mandate: Mandate) -> list[Verdict]:
    """Every verdict on the mandate, oldest first: the last is the one in force."""
    return list(db.session.scalars(select(Verdict).options(selectinload(Verdict.rated_by))
                                   .where(Verdict.mandate_id == mandate.id).order_by(Verdict.id)))


def current_verdicts(mandate_ids: list[int]) -> dict[int, Verdict]:
    """The verdict in force on each of these mandates (those rated), in one query."""
    latest = (select(Verdict.mandate_id, db.func.max(Verdict.id).label("id"))
              .where(Verdict.mandate_id.in_(mandate_ids or [0])).group_by(Verdict.mandate_id).subquery())
    return {v.mandate_id: v for v in db.session.scalars(select(Verdict).join(latest, latest.c.id == Verdict.id))}
