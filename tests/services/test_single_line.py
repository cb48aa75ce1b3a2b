"""A single-line field refuses line breaks, tabs and control characters with a field error, and
nothing is written: a title with a CR/LF once published a proposal and then failed its mail."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import BargainingEntry, Membership, PersonalAccessToken, Proposal
from openbargain.services import api_tokens, bargaining, chapters, proposals
from openbargain.services.errors import ValidationFailed
from openbargain.services.proposals import OptionDraft
from tests import factories

BREAKS = ["Inj\r\nBcc: evil@example.org", "tab\there", "nul\x00", "line\u2028sep", "bell\x07"]


def elected(world):
    return db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))


@pytest.mark.parametrize("bad", BREAKS)
def test_a_title_or_option_label_with_a_break_is_refused(app, world, bad):
    with pytest.raises(ValidationFailed) as refused:
        proposals.draft_proposal(world.member, world.chapter, factories.proposal_draft([elected(world)], title=bad))
    assert "title" in refused.value.errors and "one line" in refused.value.errors["title"][0]
    with pytest.raises(ValidationFailed) as refused:
        proposals.draft_proposal(world.member, world.chapter, factories.proposal_draft(
            [elected(world)], kind="ranked", options=[OptionDraft(bad, "x"), OptionDraft("Fine", "y")]))
    assert "one line" in refused.value.errors["options"][0]
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_a_counterparty_office_or_token_name_with_a_break_is_refused(app, world):
    from datetime import date

    with pytest.raises(ValidationFailed) as refused:
        bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(
            met_on=date.today(), counterparty="Speaker\r\nX-Evil: 1", offered="a chair"))
    assert "counterparty" in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(BargainingEntry)) == 0
    with pytest.raises(ValidationFailed) as refused:
        chapters.check_membership_rules(chapters.MembershipChange(
            standing=elected(world).standing, is_elected=True, is_steering=False, office="Ward 4\nBcc: x"))
    assert "office" in refused.value.errors
    with pytest.raises(ValidationFailed):
        api_tokens.create_token(world.member, "scr\r\nipt", 30, ["read"])
    assert db.session.scalar(select(func.count()).select_from(PersonalAccessToken)) == 0
