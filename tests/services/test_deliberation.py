from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import AuditEvent, Comment, Membership, Standing, Stance
from openbargain.services import deliberation
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from openbargain.web.markdown import render_markdown
from tests import factories
from tests.helpers import audit_events


@pytest.fixture
def proposal(world):
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    return factories.make_proposal(world.chapter, world.member, [elected])


def comment_count():
    return db.session.scalar(select(func.count()).select_from(Comment))


def test_members_comment_and_reply_in_threads(app, world, proposal):
    first = deliberation.post_comment(world.member, world.chapter, proposal.id, Stance.FOR, "Yes, because.")
    reply = deliberation.post_comment(world.steering, world.chapter, proposal.id, Stance.QUESTION, "Why?", first.id)
    nested = deliberation.post_comment(world.elected, world.chapter, proposal.id, Stance.AGAINST, "Because.", reply.id)
    second = deliberation.post_comment(world.steering, world.chapter, proposal.id, Stance.NEUTRAL, "Later thread.")
    page = deliberation.thread_page(world.member, world.chapter, proposal)
    assert [e.comment.id for e in page.entries] == [first.id, reply.id, nested.id, second.id]
    assert [e.comment.depth for e in page.entries] == [0, 1, 2, 0]
    # Only the opening comments take a stance on the proposal (#15: replies distorted the tally).
    assert page.stances == {"for": 1, "against": 0, "question": 0, "neutral": 1}
    assert len(audit_events("comment.posted")) == 4


def test_lapsed_members_cannot_comment_but_a_directed_elected_can(app, world, proposal):
    with pytest.raises(PermissionDenied):
        deliberation.post_comment(world.lapsed, world.chapter, proposal.id, Stance.FOR, "Let me in")
    m = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    m.standing = Standing.LAPSED
    db.session.commit()
    deliberation.post_comment(world.elected, world.chapter, proposal.id, Stance.QUESTION, "I am directed.")
    assert comment_count() == 1


def test_outsiders_cannot_even_find_the_thread(app, world, proposal):
    for outsider in (world.other_steering, world.suspended):
        with pytest.raises(NotFound):
            deliberation.post_comment(outsider, world.chapter, proposal.id, Stance.FOR, "Hi")
    assert comment_count() == 0


def test_a_reply_to_another_proposals_comment_is_refused(app, world, proposal):
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    other = factories.make_proposal(world.chapter, world.member, [elected], title="Another")
    theirs = deliberation.post_comment(world.member, world.chapter, other.id, Stance.FOR, "Over there")
    with pytest.raises(ValidationFailed) as exc:
        deliberation.post_comment(world.member, world.chapter, proposal.id, Stance.FOR, "Sneaky", theirs.id)
    assert "parent_id" in exc.value.errors and comment_count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_empty_or_over_long_comments_are_refused(app, world, proposal, body):
    with pytest.raises(ValidationFailed):
        deliberation.post_comment(world.member, world.chapter, proposal.id, Stance.FOR, body)
    assert comment_count() == 0


def test_comments_are_closed_on_a_withdrawn_proposal(app, world, proposal):
    from openbargain.services.proposals import withdraw_proposal

    withdraw_proposal(world.member, world.chapter, proposal.id, "Superseded by events.")
    with pytest.raises(InvalidTransition):
        deliberation.post_comment(world.member, world.chapter, proposal.id, Stance.FOR, "Too late")


def test_the_author_edits_within_fifteen_minutes_and_it_is_marked(app, world, proposal):
    start = now()
    set_clock(lambda: start)
    c = deliberation.post_comment(world.member, world.chapter, proposal.id, Stance.FOR, "Typo")
    set_clock(lambda: start + timedelta(minutes=14))
    deliberation.edit_comment(world.member, world.chapter, c.id, "Fixed")
    db.session.refresh(c)
    assert c.body == "Fixed" and c.edited_at is not None
    with pytest.raises(PermissionDenied):
        deliberation.edit_comment(world.steering, world.chapter, c.id, "Not yours")
    set_clock(lambda: start + timedelta(minutes=16))
    with pytest.raises(InvalidTransition, match="15 minutes"):
        deliberation.edit_comment(world.member, world.chapter, c.id, "Rewriting history")
    db.session.refresh(c)
    assert c.body == "Fixed"


def test_steering_hides_a_comment_with_a_reason(app, world, proposal):
    c = deliberation.post_comment(world.member, world.chapter, proposal.id, Stance.AGAINST, "Something nasty")
    with pytest.raises(PermissionDenied):
        deliberation.hide_comment(world.elected, world.chapter, c.id, "no")
    with pytest.raises(ValidationFailed):
        deliberation.hide_comment(world.steering, world.chapter, c.id, "  ")
    deliberation.hide_comment(world.steering, world.chapter, c.id, "personal attack")
    shown = {who: deliberation.thread_page(getattr(world, who), world.chapter, proposal).entries[0].show_text
             for who in ("member", "steering", "elected")}
    assert shown == {"member": True, "steering": True, "elected": False}  # the author and steering still see it
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.kind == "comment.hidden" and event.data["reason"] == "personal attack"


def test_markdown_is_rendered_and_sanitised():
    html = str(render_markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.org)"
                               '\n\n<img src=x onerror=alert(1)>'))
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html and "<img" not in html
    assert 'href="https://example.org"' in html and "noopener" in html


def test_a_page_of_threads_is_bounded(app, world, proposal, count_queries):
    roots = [deliberation.post_comment(world.member, world.chapter, proposal.id, Stance.FOR, f"c{i}")
             for i in range(deliberation.THREADS_PER_PAGE + 5)]
    deliberation.post_comment(world.steering, world.chapter, proposal.id, Stance.FOR, "reply", roots[0].id)
    _ = (world.member.id, world.chapter.id, proposal.id)  # loaded before counting
    with count_queries() as n:
        page = deliberation.thread_page(world.member, world.chapter, proposal, 1)
    assert len(page.entries) == deliberation.THREADS_PER_PAGE + 1 and page.pages == 2
    assert n["n"] <= 6
    second = deliberation.thread_page(world.member, world.chapter, proposal, 2)
    assert [e.comment.id for e in second.entries] == [r.id for r in roots[-5:]]
