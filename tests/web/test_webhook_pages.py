"""Steering's chat webhook pages: connecting a room by the form (errors tied to their fields,
nothing saved), the hook's page with its secret and delivery log, the buttons, and list pages
whose query count does not grow with their rows."""
from __future__ import annotations

from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import Webhook, WebhookDelivery
from openbargain.services import webhook_settings
from tests import factories
from tests.conftest import login
from tests.helpers import membership
from tests.services.test_webhooks import receiver

FORM = {"name": "#general", "format": "slack", "events": ["proposal.published", "vote.opened"]}


def test_steering_connects_a_room_and_sees_what_was_sent(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", True)
    login(client, world.steering)
    with receiver() as room:
        page = client.get("/c/riverside/webhooks/")
        assert page.status_code == 200 and "No room is connected yet." in page.get_data(as_text=True)
        done = client.post("/c/riverside/webhooks/", data=FORM | {"url": room.url()})
        hook = db.session.scalar(select(Webhook))
        assert done.status_code == 302 and done.location.endswith(f"/c/riverside/webhooks/{hook.id}")
        assert hook.events == "proposal.published vote.opened" and hook.format == "slack"
        assert client.post(f"/c/riverside/webhooks/{hook.id}/test").status_code == 302
        factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Strike fund")
        html = client.get(f"/c/riverside/webhooks/{hook.id}").get_data(as_text=True)
        assert hook.secret in html and "X-Openbargain-Signature" in html
        assert html.count("delivered (200)") == 2 and "Strike fund" in html and "ping" in html
        assert len(room.posts) == 2
        assert client.post(f"/c/riverside/webhooks/{hook.id}/disable").status_code == 302
        assert "Turned off" in client.get(f"/c/riverside/webhooks/{hook.id}").get_data(as_text=True)
        assert client.post(f"/c/riverside/webhooks/{hook.id}/delete").status_code == 302
        assert db.session.scalar(select(func.count()).select_from(Webhook)) == 0


def test_a_bad_form_is_shown_again_with_each_error_at_its_field(app, client, world):
    login(client, world.steering)
    for data, fields in (({"name": "", "url": "", "format": "irc"}, ("name", "url", "format")),
                         ({"name": "Room", "url": "http://10.1.2.3/hook", "format": "json"}, ("url", "events"))):
        response = client.post("/c/riverside/webhooks/", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        for field in fields:
            assert f'id="{field}-error"' in html, (field, data)
        assert 'aria-invalid="true"' in html and "thing" in html and "to fix" in html
    assert "points inside the server" in html
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 0


def test_the_pages_queries_do_not_grow_with_hooks_or_deliveries(app, client, world, count_queries):
    login(client, world.steering)

    def connect(n: int) -> Webhook:
        return webhook_settings.create_webhook(world.steering, world.chapter, webhook_settings.WebhookDraft(
            f"Room {n}", f"https://hooks.example.org/{n}", "json", ["vote.opened"]))

    def log(hook: Webhook, n: int, start: int) -> None:
        for i in range(start, start + n):
            db.session.add(WebhookDelivery(webhook_id=hook.id, key=f"k{i}", event="vote.opened", body="{}",
                                           created_at=hook.created_at, next_attempt_at=hook.created_at,
                                           attempts=1, last_status=500, last_error="HTTP 500"))
        db.session.commit()

    first = connect(0)
    log(first, 1, 0)
    with count_queries() as few:
        assert client.get("/c/riverside/webhooks/").status_code == 200
        assert client.get(f"/c/riverside/webhooks/{first.id}").status_code == 200
    for n in range(1, 6):
        connect(n)
    log(first, 20, 1)
    with count_queries() as many:
        assert client.get("/c/riverside/webhooks/").status_code == 200
        assert client.get(f"/c/riverside/webhooks/{first.id}").status_code == 200
    assert many["n"] == few["n"], many["sql"]


def test_members_are_refused_the_pages_and_the_buttons(app, client, world):
    hook = webhook_settings.create_webhook(world.steering, world.chapter, webhook_settings.WebhookDraft(
        "#general", "https://hooks.example.org/x", "slack", ["vote.opened"]))
    login(client, world.member)
    assert client.get("/c/riverside/webhooks/").status_code == 403
    assert client.post("/c/riverside/webhooks/", data=FORM | {"url": "https://hooks.example.org/y"}).status_code == 403
    assert client.post(f"/c/riverside/webhooks/{hook.id}", data=FORM | {"url": "https://evil.example/"}).status_code == 403
    for step in ("test", "enable", "disable", "secret", "delete"):
        assert client.post(f"/c/riverside/webhooks/{hook.id}/{step}").status_code == 403
    db.session.expire_all()
    assert db.session.get(Webhook, hook.id).url == "https://hooks.example.org/x"
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
