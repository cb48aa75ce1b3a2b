"""Use-cases racing each other on real connections (threads, each with its own session)."""
from __future__ import annotations


from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import Bylaws, Membership, PetitionSignature, Referendum, User
from openbargain.services import audit, petitions
from openbargain.services.errors import DomainError
from tests import factories
from tests.helpers import audit_events, race




def test_racing_signatures_carry_the_petition_exactly_once(app, world):
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    proposal = factories.make_proposal(world.chapter, world.member, [elected])
    signers = [factories.make_membership(world.chapter).user for _ in range(6)]
    db.session.get(Bylaws, world.chapter.id).petition_percent = 30  # 9 in good standing → 3 needed
    db.session.commit()
    chapter_id, proposal_id = world.chapter.id, proposal.id
    user_ids = [u.id for u in signers]

    def sign(user_id):
        def job():
            from openbargain.models import Chapter

            return petitions.sign_petition(db.session.get(User, user_id), db.session.get(Chapter, chapter_id),
                                           proposal_id)
        return job

    outcomes = race(app, [sign(uid) for uid in user_ids])
    carried = [o for o in outcomes if o is True]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(carried) == 1, outcomes
    assert db.session.scalar(select(func.count()).select_from(Referendum)) == 1
    signatures = db.session.scalar(select(func.count()).select_from(PetitionSignature))
    assert signatures == 3 and len(refused) == 3  # the rest came after the vote was scheduled
    assert len(audit_events("petition.succeeded")) == 1
    assert audit.verify_audit_log(db.session).broken is None  # concurrent appends kept the chain whole
