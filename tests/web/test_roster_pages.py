from __future__ import annotations

import io

from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import AuditEvent, Membership
from tests import factories
from tests.conftest import login

CSV = b"name,email,standing,roles,office\nRosa Parks,rosa@example.org,good_standing,,\nLucy Parsons,lucy@example.org,lapsed,,\n"


def upload(client, data: bytes, name="roster.csv"):
    return client.post("/c/riverside/roster/import", data={"roster": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_upload_previews_then_confirm_imports(client, world, outbox):
    login(client, world.steering)
    preview = upload(client, CSV)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Confirm the import" in html
    assert "<dt>Created</dt><dd>2</dd>" in html
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 6
    csv_text = html.split('name="csv_text" type="hidden" value="')[1].split('"')[0]
    import html as htmllib

    done = client.post("/c/riverside/roster/import/confirm", data={"csv_text": htmllib.unescape(csv_text)})
    assert done.status_code == 302
    assert "2 created" in client.get("/c/riverside/roster").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 8
    assert len(outbox) == 2


def test_a_bad_file_shows_line_numbered_errors_and_changes_nothing(client, world):
    login(client, world.steering)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = upload(client, b"name,email,standing\nA,a@example.org,good_standing\nB,broken,lapsed\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 3: email “broken” is not valid" in html
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 6
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_missing_file_is_a_field_error(client, world):
    login(client, world.steering)
    response = client.post("/c/riverside/roster/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a CSV file." in response.get_data(as_text=True)


def test_steering_edits_a_membership_by_hand(client, world):
    login(client, world.steering)
    target = db.session.scalar(select(Membership).where(Membership.user_id == world.member.id))
    bad = client.post(f"/c/riverside/roster/{target.id}", data={"standing": "good_standing", "office": "Mayor"})
    assert bad.status_code == 422 and "Only an elected holds an office." in bad.get_data(as_text=True)
    bogus = client.post(f"/c/riverside/roster/{target.id}", data={"standing": "emperor"})
    assert bogus.status_code == 422
    ok = client.post(f"/c/riverside/roster/{target.id}",
                     data={"standing": "good_standing", "is_elected": "y", "office": "Mayor"})
    assert ok.status_code == 302
    db.session.refresh(target)
    assert target.is_elected and target.office == "Mayor"


def test_roster_page_query_count_does_not_grow_with_members(client, world, count_queries):
    login(client, world.steering)
    client.get("/c/riverside/roster")
    with count_queries() as few:
        assert client.get("/c/riverside/roster").status_code == 200
    for _ in range(30):
        factories.make_membership(world.chapter)
    with count_queries() as many:
        html = client.get("/c/riverside/roster").get_data(as_text=True)
    assert html.count("/c/riverside/roster/") >= 35
    assert many["n"] == few["n"]


def test_audit_page_lists_the_chapters_events_only(client, world):
    login(client, world.steering)
    upload(client, CSV)  # a preview writes nothing
    target = db.session.scalar(select(Membership).where(Membership.user_id == world.member.id))
    client.post(f"/c/riverside/roster/{target.id}", data={"standing": "lapsed"})
    html = client.get("/c/riverside/audit").get_data(as_text=True)
    assert "membership.updated" in html and "roster.imported" not in html
