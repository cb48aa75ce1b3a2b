"""Public reasons for stopping what members started: a withdrawn proposal, a cancelled vote.

The reason is required, shown on the proposal to everyone who can see it, and mailed to the
proposal's author when someone else (steering) did it.
"""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from openbargain.extensions import db
from openbargain.models import Chapter, Proposal, StatedAction, StatedReason, User
from openbargain.phrases import language_for, phrase
from openbargain.services import outbox
from openbargain.services.text import required_reason
from openbargain.services.uow import UnitOfWork

SUBJECTS = {StatedAction.WITHDRAWN: lambda title: phrase("Your proposal was withdrawn: %(title)s", title=title),
            StatedAction.VOTE_CANCELLED: lambda title: phrase("The vote on your proposal was cancelled: %(title)s",
                                                              title=title)}


def checked(reason: str | None) -> str:
    """The reason as it will be published, or a field error that stops the use-case before it acts."""
    return required_reason(reason, gettext("Give members the reason: it is published on the proposal."))


def state(uow: UnitOfWork, chapter: Chapter, proposal: Proposal, actor: User, action: StatedAction, reason: str,
          *, as_steering: bool) -> StatedReason:
    stated = StatedReason(proposal_id=proposal.id, action=action, reason=reason, stated_by_id=actor.id,
                          as_steering=as_steering)
    uow.session.add(stated)
    uow.session.flush([stated])
    if proposal.author_id != actor.id:
        outbox.queue_mail(uow, f"stated-reason:{stated.id}", proposal.author.email,
                          SUBJECTS[action](proposal.title), "stated_reason",
                          language=language_for(proposal.author.locale, chapter.default_locale), chapter=chapter,
                          name=proposal.author.name, title=proposal.title, proposal_id=proposal.id,
                          action=action.value, reason=reason)
    return stated


def reasons_for(proposal_id: int) -> list[StatedReason]:
    return list(db.session.scalars(select(StatedReason).options(selectinload(StatedReason.stated_by))
                                   .where(StatedReason.proposal_id == proposal_id).order_by(StatedReason.id)))
