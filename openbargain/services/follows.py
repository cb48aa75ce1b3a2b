"""Following a proposal (told when it changes state) or an elected (told of their mandates,
reports and published bargaining entries); the notices themselves are notifications.py's."""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from openbargain.clock import now
from openbargain.extensions import db
from openbargain import policy
from openbargain.models import Chapter, Follow, Membership, User
from openbargain.services import audit
from openbargain.services.access import load_proposal, membership_of, require_visible
from openbargain.services.errors import NotFound, PermissionDenied
from openbargain.services.uow import unit_of_work


def follow(actor: User, chapter: Chapter, *, proposal_id: int | None = None, membership_id: int | None = None,
           on: bool = True) -> bool:
    """Follows (or, `on` False, stops following) a proposal the actor may see, or an elected of
    their chapter. Returns whether the actor follows it now."""
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        if proposal_id is not None:
            require_visible(actor, mine, load_proposal(s, chapter, proposal_id), chapter, s)
            subject, match = f"proposal:{proposal_id}", Follow.proposal_id == proposal_id
        else:
            elected = s.get(Membership, membership_id)
            if elected is None or elected.chapter_id != chapter.id or not elected.is_elected or \
                    not policy.is_chapter_insider(mine):
                raise NotFound(gettext("No such elected."))
            subject, match = f"membership:{membership_id}", Follow.membership_id == membership_id
        if not policy.is_chapter_insider(mine):  # a public proposal: seen by all, followed by members
            raise PermissionDenied(gettext("Only the chapter's members can follow its proposals and electeds."))
        found = s.scalar(select(Follow.id).where(Follow.user_id == actor.id, match))
        if on and found is None:
            s.add(Follow(user_id=actor.id, proposal_id=proposal_id, membership_id=membership_id, created_at=now()))
            try:
                s.flush()
            except IntegrityError:  # a second click raced the first: it is followed either way
                return True
        elif not on and found is not None:
            s.execute(delete(Follow).where(Follow.id == found))
        else:
            return on
        audit.record(s, "user.followed" if on else "user.unfollowed", subject, actor=actor)
    return on


def follows(user: User | None, *, proposal_id: int | None = None, membership_id: int | None = None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    match = Follow.proposal_id == proposal_id if proposal_id is not None else Follow.membership_id == membership_id
    return db.session.scalar(select(Follow.id).where(Follow.user_id == user.id, match)) is not None
