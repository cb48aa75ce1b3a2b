"""Every route of the app, walked for every role: a new page is never open by accident."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import AmendmentKind, EntryKind, Mandate, Membership, ReportOutcome, Stance
from openbargain.clock import now, set_clock
from openbargain.services import (
    amendments,
    bargaining,
    bargaining_sessions,
    committee,
    deliberation,
    elections,
    mandates,
    meetings,
    proposals,
    results,
    webhook_settings,
)
from tests import factories
from tests.conftest import ROLES, login
from tests.helpers import membership, set_bylaws

INSIDE = ("lapsed", "member", "elected", "steering")
# endpoint -> who may use it. A route missing here fails the walk below.
ACCESS = {
    "static": "public",
    "main.index": "public",
    "main.healthz": "public",
    "main.audit_checkpoint": "public",
    "auth.login": "public",
    "auth.reset_request": "public",
    "auth.reset_password": "token",
    "auth.accept_invitation": "token",
    "auth.logout": "post_any",
    "auth.account": "login",
    "auth.set_language": "login_post",
    "notices.index": "login",
    "proposals.follow": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    "accountability.follow_elected": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    "notices.preferences": "login",
    "notices.read_all": "login_post",
    "notices.open_notice": {"visitor": 302} | {role: 404 for role in ROLES if role != "visitor"},  # not theirs
    "notices.unsubscribe": "token",
    "auth.change_password": "login_form",
    "auth.logout_everywhere": "login_post",
    "auth.create_token": "login_form",
    "auth.revoke_token": {"visitor": 302} | {role: 404 for role in ROLES if role != "visitor"},  # not theirs
    "chapters.home": "public",  # members: the dashboard; everyone else: the front page (public_pages on)
    "chapters.roster_page": "steering",
    "chapters.roster_import": "steering",
    "chapters.roster_import_confirm": "steering_post",
    "chapters.membership_edit": "steering",
    "chapters.membership_invite": "steering_post",
    "chapters.audit_page": "steering",
    "chapters.audit_checkpoint": "public",
    "admin.chapters_page": "admin",
    "chapters.bylaws_page": "public",  # steering: the form; everyone else: the rules in words
    "chapters.bylaws_save": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 422},
    "chapters.language_save": "steering_post",
    "webhooks.index": "steering",
    "webhooks.show": "steering",
    "webhooks.act": "steering_post",  # the walk turns the hook off
    "webhooks.delete": "steering_post",  # walked after the others
    # A members-only proposal in deliberation, by the member, directing the elected, with a
    # comment by the elected: who gets what, role by role.
    "proposals.index": "public",
    "proposals.new": {"visitor": 302, "lapsed": 403, "member": 200, "elected": 200, "steering": 200},
    "proposals.show": {"visitor": 302, "lapsed": 200, "member": 200, "elected": 200, "steering": 200},
    "proposals.history": {"visitor": 302, "lapsed": 200, "member": 200, "elected": 200, "steering": 200},
    "proposals.edit": {"visitor": 302, "lapsed": 302, "member": 200, "elected": 302, "steering": 302},
    "proposals.publish": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    # The confirmation page for the author and steering; the others are sent back to the proposal.
    "proposals.withdraw": {"visitor": 302, "lapsed": 302, "member": 200, "elected": 302, "steering": 200},
    "proposals.sign": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    # One-button: a refusal is a message on the proposal page (the form needs its reason).
    "proposals.urgency_request": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    "proposals.comment": {"visitor": 302, "lapsed": 422, "member": 422, "elected": 422, "steering": 422},
    "proposals.comment_edit": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 200, "steering": 403},
    # One-button actions tell a refusal in a message on the proposal page.
    "proposals.comment_hide": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    "proposals.amend": {"visitor": 302, "lapsed": 422, "member": 422, "elected": 422, "steering": 422},
    "proposals.amendment_action": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    # An open yes/no vote on a second members-only proposal; the lapsed member is not on its roll.
    "referenda.schedule": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 200},
    "referenda.remind": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    "referenda.show": {"visitor": 302, "lapsed": 200, "member": 200, "elected": 200, "steering": 200},
    "referenda.ballot": {"visitor": 302, "lapsed": 302, "member": 200, "elected": 200, "steering": 200},
    "referenda.review": {"visitor": 302, "lapsed": 302, "member": 422, "elected": 422, "steering": 422},
    "referenda.cast": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    "referenda.reschedule": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 302},
    "referenda.tracker_file": {"visitor": 302, "lapsed": 400, "member": 400, "elected": 400, "steering": 400},
    "referenda.cancel": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 302},  # open
    # While the vote is open there is no result: insiders are told so, outsiders learn nothing.
    "referenda.result": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    "referenda.bulletin_board": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    "referenda.export_json": {"visitor": 302, "lapsed": 409, "member": 409, "elected": 409, "steering": 409},
    "referenda.export_csv": {"visitor": 302, "lapsed": 409, "member": 409, "elected": 409, "steering": 409},
    "referenda.export_blt": {"visitor": 302, "lapsed": 409, "member": 409, "elected": 409, "steering": 409},
    # A mandate to the elected from a closed, certified vote, acknowledged and reported on, and a
    # bargaining entry the elected logged on the members-only proposal.
    "accountability.mandate": {"visitor": 302, "lapsed": 200, "member": 200, "elected": 200, "steering": 200},
    "accountability.acknowledge": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    # An empty form is refused before anything else, as for comments: no outcome is chosen for anyone.
    "accountability.report": {"visitor": 302, "lapsed": 422, "member": 422, "elected": 422, "steering": 422},
    "accountability.review": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    "accountability.supersede": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    # An empty form: no evidence. Whoever may see the mandate reads why on its page.
    "accountability.rate": {"visitor": 302, **dict.fromkeys(INSIDE, 422)},
    "accountability.link_bill": {"visitor": 302, **dict.fromkeys(INSIDE, 422)},
    "accountability.confirm_record": {"visitor": 302},  # the walk's record does not exist
    "accountability.set_aside_record": {"visitor": 302},
    "accountability.import_votes": "steering",
    "accountability.source_id": {"visitor": 302, **dict.fromkeys(set(ROLES) - {"visitor"}, 400)},  # an empty form
    "accountability.open_escalation": {"visitor": 302},  # the walk's escalation does not exist
    "accountability.sign_escalation": {"visitor": 302},
    "accountability.recall_escalation": {"visitor": 302},
    "accountability.answer_escalation": dict.fromkeys(ROLES, 302),  # an empty answer, refused with a message
    "api.mandates.escalation_open": dict.fromkeys(ROLES, 401),
    "api.mandates.escalation_sign": dict.fromkeys(ROLES, 401),
    "api.mandates.escalation_recall": dict.fromkeys(ROLES, 401),
    "api.mandates.escalation_answer": dict.fromkeys(ROLES, 401),
    "api.mandates.bill_link": dict.fromkeys(ROLES, 401),
    "api.mandates.source_id_set": dict.fromkeys(ROLES, 401),
    "api.mandates.roll_call_import": dict.fromkeys(ROLES, 401),
    "api.mandates.record_confirm": dict.fromkeys(ROLES, 401),
    "api.mandates.record_set_aside": dict.fromkeys(ROLES, 401),
    "accountability.new_entry": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 200, "steering": 403},
    "accountability.entry": {"visitor": 302, "lapsed": 200, "member": 200, "elected": 200, "steering": 200},
    # A one-button action: a refusal (not the author, no proposal chosen) is told in a message.
    "accountability.link": dict.fromkeys(ROLES, 302),
    "accountability.report_page": {"visitor": 302, "lapsed": 200, "member": 200, "elected": 200, "steering": 200},
    "accountability.thread_comment": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 302},
    "accountability.scorecard": "public",
    "accountability.overview": "public",
    "accountability.atom": "public",
    # The API ignores the session cookie: without a bearer token, members-only resources do not exist
    # and every action is 401.
    "api.openapi": "public",
    "api.docs": "public",
    "api.audit.audit_checkpoint": "public",
    "api.audit.chapter_audit_checkpoint": "public",
    "api.audit.audit_events": dict.fromkeys(ROLES, 401),
    "api.tokens.create_tokens": dict.fromkeys(ROLES, 400),
    "api.tokens.refresh_tokens": dict.fromkeys(ROLES, 400),
    "api.tokens.personal_token_list": dict.fromkeys(ROLES, 401),
    "api.tokens.personal_token_create": dict.fromkeys(ROLES, 401),
    "api.tokens.personal_token_revoke": dict.fromkeys(ROLES, 401),
    "api.notifications.notice_list": dict.fromkeys(ROLES, 401),
    "api.notifications.notice_read": dict.fromkeys(ROLES, 401),
    "api.notifications.settings_get": dict.fromkeys(ROLES, 401),
    "api.notifications.settings_put": dict.fromkeys(ROLES, 401),
    "api.notifications.proposal_follow": dict.fromkeys(ROLES, 401),
    "api.notifications.proposal_unfollow": dict.fromkeys(ROLES, 401),
    "api.notifications.elected_follow": dict.fromkeys(ROLES, 401),
    "api.notifications.elected_unfollow": dict.fromkeys(ROLES, 401),
    "api.chapters.chapter": "public",
    "api.chapters.chapter_create": dict.fromkeys(ROLES, 401),
    "api.chapters.bylaws_read": "public",
    "api.chapters.bylaws_change": dict.fromkeys(ROLES, 401),
    "api.roster.roster_list": dict.fromkeys(ROLES, 401),
    "api.roster.roster_import": dict.fromkeys(ROLES, 401),
    "api.roster.membership": dict.fromkeys(ROLES, 401),
    "api.roster.membership_change": dict.fromkeys(ROLES, 401),
    "api.roster.membership_invite": dict.fromkeys(ROLES, 401),
    "api.roster.invitation_accept": dict.fromkeys(ROLES, 400),  # no token in the body
    "api.roster.elected_list": "public",
    "api.proposals.proposal_list": "public",
    "api.proposals.proposal": {},
    "api.proposals.proposal_create": dict.fromkeys(ROLES, 401),
    "api.proposals.proposal_update": dict.fromkeys(ROLES, 401),
    "api.proposals.proposal_publish": dict.fromkeys(ROLES, 401),
    "api.proposals.proposal_withdraw": dict.fromkeys(ROLES, 401),
    "api.comments.comment_list": {},
    "api.comments.comment_create": dict.fromkeys(ROLES, 401),
    "api.comments.comment_edit": dict.fromkeys(ROLES, 401),
    "api.comments.comment_hide": dict.fromkeys(ROLES, 401),
    "api.amendments.amendment_list": {},
    "api.amendments.amendment_create": dict.fromkeys(ROLES, 401),
    "api.amendments.amendment_action": dict.fromkeys(ROLES, 401),
    "api.petitions.petition": {},  # GET of a members-only proposal without a token
    "api.petitions.petition_sign": dict.fromkeys(ROLES, 401),
    "api.petitions.urgency_read": {},
    "api.petitions.urgency_declare": dict.fromkeys(ROLES, 401),
    "api.petitions.urgency_sign": dict.fromkeys(ROLES, 401),
    "api.referenda.referendum_list": "public",
    "api.referenda.referendum": {},
    "api.referenda.referendum_schedule": dict.fromkeys(ROLES, 401),
    "api.referenda.referendum_reschedule": dict.fromkeys(ROLES, 401),
    "api.referenda.referendum_cancel": dict.fromkeys(ROLES, 401),
    "api.referenda.cast": dict.fromkeys(ROLES, 401),
    "api.referenda.result": {},
    "api.referenda.board_lookup": dict.fromkeys(ROLES, 422),  # the walk sends no ?tracker=
    "api.referenda.export": {},
    "api.mandates.mandate_list": "public",
    "api.mandates.mandate": {},
    "api.mandates.acknowledge": dict.fromkeys(ROLES, 401),
    "api.mandates.supersede": dict.fromkeys(ROLES, 401),
    "api.mandates.verdict_create": dict.fromkeys(ROLES, 401),
    "api.mandates.report_create": dict.fromkeys(ROLES, 401),
    "api.mandates.report": {},
    "api.mandates.report_review": dict.fromkeys(ROLES, 401),
    "api.mandates.scorecard": "public",
    "api.bargaining.bargaining_list": "public",
    "api.bargaining.bargaining_entry": {},
    "api.bargaining.bargaining_create": dict.fromkeys(ROLES, 401),
    "api.bargaining.bargaining_link": dict.fromkeys(ROLES, 401),
    "referenda.calendar_page": "public",
    "referenda.calendar_feed": "public",
    "sessions.index": "insider",
    "sessions.new": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 200, "steering": 403},
    "sessions.show": "insider",
    "sessions.live": "insider",
    # An empty form: its fields' errors, on the page, for whoever may see it.
    "sessions.post_entry": {"visitor": 302, **dict.fromkeys(INSIDE, 422)},
    "sessions.react": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},
    "sessions.close": {"visitor": 302, **dict.fromkeys(INSIDE, 422)},
    "sessions.urgent_vote": {"visitor": 302, "lapsed": 302, "member": 422, "elected": 422, "steering": 422},
    "api.sessions.sessions_call_vote": dict.fromkeys(ROLES, 401),
    "api.sessions.sessions_list": {},  # members-only sessions, and the API ignores the cookie
    "api.sessions.sessions_open": dict.fromkeys(ROLES, 401),
    "api.sessions.sessions_show": {},
    "api.sessions.sessions_post": dict.fromkeys(ROLES, 401),
    "api.sessions.sessions_react": dict.fromkeys(ROLES, 401),
    "api.sessions.sessions_close": dict.fromkeys(ROLES, 401),
    # A members-only plank binding every elected, and a members-only committee decision of steering's.
    "platform.index": "public",
    "platform.plank": "insider",
    "platform.new": {"visitor": 302, "lapsed": 403, "member": 200, "elected": 200, "steering": 200},
    "platform.repeal": {"visitor": 302, "lapsed": 403, "member": 200, "elected": 200, "steering": 200},
    "platform.edit": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},  # a tactical proposal: its own edit page
    "committee.index": "public",
    "committee.new": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 200},
    "committee.show": "insider",
    # One-button: a refusal is a message on the decision's page, or on the bylaws page.
    "committee.call_up": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},
    "committee.seats": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},
    # The API ignores the cookie: what a visitor may read, and nothing members-only.
    "api.referenda.revote": dict.fromkeys(ROLES, 401),
    # A members-only election, nominations open.
    "elections.new": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 200},
    "elections.show": "insider",
    "elections.nominate": {"visitor": 302, **dict.fromkeys(INSIDE, 422)},  # no email: the form again
    # One-button and short forms: a refusal is a message on the election's page.
    "elections.answer": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},
    "elections.draw": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},
    "elections.grant": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 404},  # no winner
    "api.elections.election_open": dict.fromkeys(ROLES, 401),
    "api.elections.election": {},
    "api.elections.election_nominate": dict.fromkeys(ROLES, 401),
    "api.elections.election_answer": dict.fromkeys(ROLES, 401),
    "api.elections.election_draw": dict.fromkeys(ROLES, 401),
    "api.elections.election_grant": dict.fromkeys(ROLES, 401),
    "api.paper.paper_show": dict.fromkeys(ROLES, 401),
    "api.paper.tellers_set": dict.fromkeys(ROLES, 401),
    "api.paper.paper_mark": dict.fromkeys(ROLES, 401),
    "api.paper.paper_batch": dict.fromkeys(ROLES, 401),
    # The paper side of the open vote: its tellers (none appointed in the walk) and steering.
    "paper.show": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 200},
    "paper.tellers": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},  # a refusal is a message on the page
    "paper.mark": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 422},
    "paper.batch": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 422},
    "api.platform.platform_show": "public",
    "api.platform.plank_show": {},
    "api.platform.decisions_list": "public",
    "api.platform.decision_show": {},
    "api.platform.decisions_record": dict.fromkeys(ROLES, 401),
    "api.platform.decision_call_up": dict.fromkeys(ROLES, 401),
    # A meeting called for an hour from now, with no tellers: steering may run it (and cancels it
    # in the walk); one-button refusals are messages on the meeting's page.
    "meetings.index": "insider",
    "meetings.new": "steering",
    "meetings.edit": "steering",
    "meetings.show": "insider",
    "meetings.check_in": "insider",
    "meetings.check_in_online": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},
    "meetings.leave": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},
    "meetings.call_to_order": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},
    "meetings.adjourn": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},
    "meetings.cancel": {"visitor": 302, **dict.fromkeys(INSIDE, 302)},
    "meetings.open_vote": {"visitor": 302, **dict.fromkeys(INSIDE, 422)},  # no proposal: the page again
    "meetings.close_vote": {"visitor": 302, "lapsed": 302, "member": 302, "elected": 302, "steering": 404},
    "meetings.attendance": "steering",
    "meetings.check_in_member": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 422},
    "meetings.record_departure": {"visitor": 302, "lapsed": 403, "member": 403, "elected": 403, "steering": 400},
    "meetings.screen": "steering",
    "meetings.live": "insider",
    "meetings.screen_live": "steering",
    "api.meetings.meeting_list": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting_call": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting_change": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting_cancel": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting_order": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting_adjourn": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting_room": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting_check_in": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting_leave": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting_vote_open": dict.fromkeys(ROLES, 401),
    "api.meetings.meeting_vote_close": dict.fromkeys(ROLES, 401),
}

INSIDERS = {"lapsed", "member", "elected", "steering"}


def expected_status(access: str | dict, role: str) -> int:
    if isinstance(access, dict):
        # Outsiders (suspended, another chapter's steering, the site admin) get nothing.
        return access.get(role, 404)
    visitor = role == "visitor"
    if access == "public":
        return 200
    if access == "token":
        return 400
    if access == "post_any":
        return 302
    if access in ("login", "login_form", "login_post"):
        return 302 if visitor or access == "login_post" else (200 if access == "login" else 422)
    if visitor:
        return 302  # to the login page
    if access == "insider":
        return 200 if role in INSIDERS else 404
    if access.startswith("steering"):
        if role == "steering":
            return 302 if access == "steering_post" else 200
        return 403 if role in INSIDERS else 404
    if access == "admin":
        return 200 if role == "admin" else 404
    raise AssertionError(f"unknown access level {access}")


def test_every_route_is_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ACCESS.keys() == set(), "add the new route to ACCESS with who may use it"
    assert ACCESS.keys() - endpoints == set(), "ACCESS names a route that no longer exists"


@pytest.mark.parametrize("role", ROLES)
def test_route_access_for_each_role(app, world, role):
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    membership_id = elected.id
    plank = factories.adopt_plank(world)
    set_clock(None)
    set_bylaws(world.chapter, committee_of="steering")
    decision = committee.record_decision(world.steering, world.chapter, committee.DecisionDraft(
        "Harbor Point", "", "How to vote on Thursday.", date.today() + timedelta(days=2), [membership_id],
        [proposals.OptionDraft("No", "Vote no."), proposals.OptionDraft("Abstain", "Abstain.")], 1,
        "Against the platform.", [plank.id], {membership(world.steering).id: "1"}))
    election = elections.open_election(world.steering, world.chapter, elections.ElectionDraft(
        "Bargaining committee", "the bargaining committee", 3, now() + timedelta(days=8)))
    meeting = meetings.call_meeting(world.steering, world.chapter, meetings.MeetingDraft(
        "Spring general meeting", now() + timedelta(hours=1), now() + timedelta(hours=3), place="Union hall"))
    proposal = factories.make_proposal(world.chapter, world.member, [elected])
    comment = deliberation.post_comment(world.elected, world.chapter, proposal.id, Stance.QUESTION, "Why?")
    amendment = amendments.propose_amendment(world.steering, world.chapter, proposal.id, amendments.AmendmentDraft(
        AmendmentKind.CHANGE_DIRECTIVE, proposal.options[0].id, "", "Vote no and say why on the floor."))
    referendum = factories.make_open_referendum(world, elected)
    decided = factories.make_open_referendum(world, elected, closed=True, title="Decided")
    results.certify_closed(world.chapter.id)
    mandate = db.session.scalar(select(Mandate).where(Mandate.referendum_id == decided.id))
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    report = mandates.file_report(world.elected, world.chapter, mandate.id, mandates.ReportDraft(
        ReportOutcome.FULFILLED, "Voted as directed.", "https://example.org/roll-call", date.today()))
    update = bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(
        date.today(), "Speaker's office", offered="A committee seat", proposal_id=proposal.id))
    live = bargaining_sessions.open_session(world.elected, world.chapter, bargaining_sessions.SessionDraft(
        "The budget", "Speaker's office", "Both offices"))
    said = bargaining_sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.OFFER, "A seat")
    hook = webhook_settings.create_webhook(world.steering, world.chapter, webhook_settings.WebhookDraft(
        "#general", "https://hooks.example.org/services/T0/B0/x", "slack", ["vote.opened"]))
    args = {"referendum_id": referendum.id, "mandate_id": mandate.id, "report_id": report.id,
            "entry_id": update.id, "slug": world.chapter.slug, "membership_id": membership_id, "token": "not-a-real-token",
            "filename": "style.css", "proposal_id": proposal.id, "comment_id": comment.id, "amendment_id": amendment.id,
            "action": "sign", "part": "trackers", "kind": "reports", "item_id": report.id, "token_id": 999,
            "notice_id": 999, "webhook_id": hook.id, "step": "disable", "session_id": live.id,
            "session_entry_id": said.id, "temperature": "hold", "match_id": 999,
            "escalation_id": 999, "plank_id": plank.id, "decision_id": decision.id,
            "election_id": election.id, "meeting_id": meeting.id}
    client = app.test_client()
    if role != "visitor":
        login(client, world.user(role))
    failures = []
    for rule in app.url_map.iter_rules():
        url = rule.build({k: v for k, v in args.items() if k in rule.arguments}, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        response = client.open(url, method=method)
        response.close()
        want = expected_status(ACCESS[rule.endpoint], role)
        if response.status_code != want:
            failures.append(f"{method} {url}: {response.status_code}, expected {want}")
        if rule.endpoint == "auth.logout" and role != "visitor":
            login(client, world.user(role))
        if rule.endpoint == "auth.logout_everywhere" and role != "visitor":
            db.session.expire_all()
            login(client, world.user(role))
    assert failures == []


@pytest.mark.parametrize("path, status", [("/c/riverside/roster", 404), ("/c/riverside/audit", 404),
                                          ("/c/riverside/", 200)])  # the public front page, nothing more
def test_another_chapters_steering_gets_nothing(app, world, path, status):
    client = app.test_client()
    login(client, world.other_steering)
    response = client.get(path)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert world.member.email not in html and "Dashboard" not in html and "Your mandates" not in html


def test_a_membership_id_from_another_chapter_is_not_found(app, world):
    foreign = db.session.scalar(select(Membership.id).where(Membership.user_id == world.other_steering.id))
    client = app.test_client()
    login(client, world.steering)
    assert client.get(f"/c/riverside/roster/{foreign}").status_code == 404
    assert client.post(f"/c/riverside/roster/{foreign}", data={"standing": "lapsed"}).status_code == 404
