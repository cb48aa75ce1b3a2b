"""The chapter home as a to-do list: an elected's own mandates, overdue first; steering's queue of
reports to verify; the chapter's open mandates with overdue ones flagged."""
from __future__ import annotations

from datetime import timedelta

from openbargain.extensions import db
from openbargain.models import ReportOutcome, ReportReview
from openbargain.services import dashboard, mandates
from openbargain.services.proposals import chapter_today
from tests.services.test_mandates import decide, report


def test_an_elected_sees_their_mandates_overdue_first_and_steering_its_queue(app, world):
    [late] = decide(world, [{"choice": "yes"}], title="Budget deal")
    [soon] = decide(world, [{"choice": "yes"}], title="Transit levy")
    today = chapter_today(world.chapter)
    late.due_on, soon.due_on = today - timedelta(days=3), today + timedelta(days=5)
    db.session.commit()
    mandates.acknowledge_mandate(world.elected, world.chapter, soon.id)

    mine = dashboard.chapter_dashboard(world.elected, world.chapter).my_mandates
    assert [(line.mandate.id, line.days_left, line.overdue, line.needs_acknowledging) for line in mine] == [
        (late.id, -3, True, True), (soon.id, 5, False, False)]
    assert dashboard.chapter_dashboard(world.member, world.chapter).my_mandates == []

    board = dashboard.chapter_dashboard(world.steering, world.chapter)
    assert (board.overdue, board.to_verify_total, board.to_verify) == (1, 0, [])
    first = mandates.file_report(world.elected, world.chapter, soon.id, report())
    correction = mandates.file_report(world.elected, world.chapter, soon.id,
                                      report(outcome=ReportOutcome.PARTIALLY, corrects_id=first.id))
    board = dashboard.chapter_dashboard(world.steering, world.chapter)
    assert board.to_verify_total == 1 and [r.id for r in board.to_verify] == [correction.id]  # the latest only
    assert [line.mandate.id for line in board.open_mandates] == [late.id]  # the reported one left the list
    assert dashboard.chapter_dashboard(world.member, world.chapter).to_verify == []  # steering's queue alone
    mandates.review_report(world.steering, world.chapter, correction.id, ReportReview.VERIFIED, "")
    assert dashboard.chapter_dashboard(world.steering, world.chapter).to_verify_total == 0
