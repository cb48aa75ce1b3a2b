"""Verdicts backed by the record (issue 18, part 2): each source's format read from its fixture,
an elected's ids, bills linked to mandates, imports that match recorded votes against mandates and
propose verdicts, steering confirming or setting them aside — on both databases."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import Rating, Verdict
from openbargain.models.roll_call import Position, RecordMatch, RecordedVote, RollCall, Source
from openbargain.services import record_fetch, roll_call_formats as formats, roll_calls, verdicts
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.helpers import audit_events, membership

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "roll_calls"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_open_states_reads_each_vote_event_of_the_bill():
    records = formats.read(Source.OPENSTATES, fixture("openstates_bill_with_votes.json"))
    assert [(r.external_id, r.bill, r.motion, r.voted_on.isoformat(), r.result) for r in records] == [
        ("ocd-vote/1b9a1c5e-33e5-4f6b-8f4c-5f1f0d2b6f11", "HB 74", "Second Reading", "2025-06-18", "pass"),
        ("ocd-vote/7e0c6a9d-4a0f-4c55-9b1c-8f3a5d7e2c90", "HB 74", "Third Reading", "2025-06-19", "pass")]
    first = records[0]
    assert first.url == "https://www.ncleg.gov/Legislation/Votes/RollCallVoteTranscript/2025/H/142"
    assert [(v.person_id, v.position) for v in first.votes] == [
        ("ocd-person/adb58f21-f2fd-4830-85b6-f490b0867d14", Position.YES),
        ("ocd-person/2f6c2a3e-1d22-4c1b-9d0a-0d1f8c8b3e55", Position.NO),
        ("name:Rivera", Position.ABSENT)]  # no matched person: known by the name recorded


def test_legiscan_reads_get_roll_call():
    [record] = formats.read(Source.LEGISCAN, fixture("legiscan_getRollCall.json"))
    assert (record.external_id, record.bill, record.voted_on.isoformat(), record.result) == (
        "234223", "460445", "2013-02-20", "passed")
    assert [(v.person_id, v.position, v.as_recorded) for v in record.votes][:4] == [
        ("3709", Position.YES, "Yea"), ("3715", Position.NO, "Nay"), ("3723", Position.ABSTAIN, "NV"),
        ("12137", Position.ABSENT, "Absent")]


def test_legistar_reads_the_roll_call_items_of_a_meeting():
    [record] = formats.read(Source.LEGISTAR, fixture("legistar_meeting.json"))  # item 440495 took no roll call
    assert (record.external_id, record.bill, record.motion, record.voted_on.isoformat(), record.result) == (
        "440494", "Int 0123-2024", "Approved by Council", "2024-03-05", "Pass")
    assert [(v.person_name, v.position) for v in record.votes] == [
        ("Christopher Marte", Position.YES), ("Alexa Avilés", Position.NO), ("Shahana Hanif", Position.ABSENT)]


def test_a_clerks_csv_reads_one_roll_call_per_id():
    [record] = formats.read(Source.CSV, fixture("clerk_record.csv"))
    assert (record.bill, record.motion) == ("Ordinance 2026-88", "Adopt the FY27 budget, as amended")
    assert [(v.person_id, v.position) for v in record.votes] == [
        ("rivera", Position.NO), ("chen", Position.YES), ("okafor", Position.YES)]


@pytest.mark.parametrize("source, raw, said", [
    (Source.OPENSTATES, b"{not json", "not JSON"),
    (Source.OPENSTATES, b'{"identifier": "HB 1", "votes": [{"id": "v", "votes": []}]}', "start_date is missing"),
    (Source.LEGISCAN, b'{"status": "ERROR"}', "not OK"),
    (Source.LEGISCAN, b'[1, 2]', "not OK"),
    (Source.LEGISTAR, b'{"eventitems": []}', "event is missing"),
    (Source.CSV, b"roll_call,date\n1,2026-01-01\n", "columns missing"),
    (Source.CSV, "roll_call,date,bill,motion,result,person_id,person_name,vote\n1,someday,B,M,R,p,P,Aye\n".encode(),
     "line 2"),
    (Source.CSV, b"\xff\xfe\x00", "not UTF-8"),
])
def test_a_bad_record_is_refused_saying_what_and_where(source, raw, said, app):
    with pytest.raises(ValidationFailed) as refused:
        formats.read(source, raw)
    assert said in refused.value.message


def test_fetching_asks_each_source_as_its_api_documents():
    asked: list[tuple[str, dict]] = []
    meeting = json.loads(fixture("legistar_meeting.json"))

    def get(url: str, headers: dict) -> bytes:
        asked.append((url, headers))
        if url.endswith("/eventitems?token=T"):
            return json.dumps(meeting["eventitems"]).encode()
        if "/votes" in url:
            return json.dumps(meeting["votes"]["440494"]).encode()
        return json.dumps(meeting["event"]).encode()

    bundle = record_fetch.fetch(Source.LEGISTAR, "nyc/1185", "T", get)
    assert [url for url, _ in asked] == ["https://webapi.legistar.com/v1/nyc/events/1185/eventitems?token=T",
                                         "https://webapi.legistar.com/v1/nyc/events/1185?token=T",
                                         "https://webapi.legistar.com/v1/nyc/eventitems/440494/votes?token=T"]
    assert formats.read(Source.LEGISTAR, bundle)[0].bill == "Int 0123-2024"
    asked.clear()
    record_fetch.fetch(Source.OPENSTATES, "ocd-bill/9c24", "K", lambda u, h: asked.append((u, h)) or b"{}")
    record_fetch.fetch(Source.LEGISCAN, "234223", "K", lambda u, h: asked.append((u, h)) or b"{}")
    assert asked == [("https://v3.openstates.org/bills/ocd-bill/9c24?include=votes", {"X-API-KEY": "K"}),
                     ("https://api.legiscan.com/?key=K&op=getRollCall&id=234223", {})]


def _linked(world, source=Source.CSV, bill="Ordinance 2026-88", person="rivera", directed=Position.YES):
    mandate = factories.make_mandate(world)
    roll_calls.set_source_id(world.elected, world.chapter, membership(world.elected).id, source, person)
    roll_calls.link_bill(world.steering, world.chapter, mandate.id, source, bill, directed)
    return mandate


def test_an_import_matches_the_recorded_vote_and_proposes_the_verdict(app, world):
    mandate = _linked(world)  # directed: yes; Rivera voted Nay
    report = roll_calls.import_records(world.chapter, formats.read(Source.CSV, fixture("clerk_record.csv")))
    assert (report.roll_calls, report.already, report.votes, report.matches) == (1, 0, 3, 1)
    [match] = db.session.scalars(select(RecordMatch)).all()
    assert match.proposed == Rating.BROKEN and match.against_the_mandate and match.mandate_id == mandate.id
    again = roll_calls.import_records(world.chapter, formats.read(Source.CSV, fixture("clerk_record.csv")))
    assert (again.roll_calls, again.already, again.matches) == (0, 1, 0)
    assert db.session.scalar(select(func.count()).select_from(RecordedVote)) == 3
    assert [e.data["roll_calls"] for e in audit_events("roll_calls.imported")] == [1, 0]
    flagged = roll_calls.against_the_mandate([mandate.id])
    assert [m.id for m in flagged[mandate.id]] == [match.id]


def test_linking_after_the_import_matches_too_and_a_vote_as_directed_proposes_kept(app, world):
    roll_calls.import_records(world.chapter, formats.read(Source.LEGISCAN, fixture("legiscan_getRollCall.json")))
    mandate = _linked(world, Source.LEGISCAN, "460445", "3709", Position.YES)  # 3709 voted Yea
    [match] = db.session.scalars(select(RecordMatch)).all()
    assert match.proposed == Rating.KEPT and not match.against_the_mandate and match.mandate_id == mandate.id


def test_steering_confirms_the_record_as_a_verdict_with_its_evidence(app, world):
    mandate = _linked(world)
    roll_calls.import_records(world.chapter, formats.read(Source.CSV, fixture("clerk_record.csv")))
    match = db.session.scalar(select(RecordMatch))
    with pytest.raises(PermissionDenied):
        roll_calls.confirm_match(world.elected, world.chapter, match.id)
    roll_calls.confirm_match(world.steering, world.chapter, match.id, reasoning="The record is plain.")
    [verdict] = verdicts.verdicts_of(mandate)
    assert verdict.rating == Rating.BROKEN and verdict.recorded_vote_id == match.recorded_vote_id
    assert "Alex Rivera voted “Nay”" in verdict.evidence_quote and "Ordinance 2026-88" in verdict.evidence_quote
    with pytest.raises(InvalidTransition):
        roll_calls.set_aside_match(world.steering, world.chapter, match.id)
    assert [e.kind for e in audit_events()][-3:] == ["roll_calls.imported", "mandate.rated", "record.confirmed"]


def test_a_vote_neither_way_proposes_nothing_and_steering_chooses_or_sets_it_aside(app, world):
    _linked(world, Source.LEGISCAN, "460445", "12137", Position.NO)  # 12137 was absent
    roll_calls.import_records(world.chapter, formats.read(Source.LEGISCAN, fixture("legiscan_getRollCall.json")))
    match = db.session.scalar(select(RecordMatch))
    assert match.proposed is None and not match.against_the_mandate
    with pytest.raises(ValidationFailed) as refused:
        roll_calls.confirm_match(world.steering, world.chapter, match.id)
    assert "rating" in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(Verdict)) == 0
    roll_calls.set_aside_match(world.steering, world.chapter, match.id)
    assert db.session.get(RecordMatch, match.id).set_aside_at is not None


@pytest.mark.parametrize("role, error", [("member", PermissionDenied), ("elected", PermissionDenied),
                                         ("other_steering", NotFound)])
def test_only_steering_links_bills_and_imports(app, world, role, error):
    mandate = factories.make_mandate(world)
    with pytest.raises(error):
        roll_calls.link_bill(world.user(role), world.chapter, mandate.id, Source.CSV, "B 1", Position.YES)
    with pytest.raises(error if role != "other_steering" else NotFound):
        roll_calls.import_records(world.chapter, [], actor=world.user(role))
    assert db.session.scalar(select(func.count()).select_from(RollCall)) == 0


def test_an_elected_sets_their_own_ids_and_no_one_elses(app, world):
    mine = membership(world.elected).id
    roll_calls.set_source_id(world.elected, world.chapter, mine, Source.OPENSTATES, "ocd-person/abc")
    assert roll_calls.source_ids_of(membership(world.elected).id) == {Source.OPENSTATES: "ocd-person/abc"}
    other = factories.make_membership(world.chapter, elected=True)
    with pytest.raises(PermissionDenied):
        roll_calls.set_source_id(world.elected, world.chapter, other.id, Source.OPENSTATES, "ocd-person/xyz")
    roll_calls.set_source_id(world.steering, world.chapter, mine, Source.OPENSTATES, "")
    assert roll_calls.source_ids_of(membership(world.elected).id) == {}
    with pytest.raises(ValidationFailed):
        roll_calls.set_source_id(world.elected, world.chapter, mine, Source.CSV, "two\nlines")


@pytest.mark.parametrize("bill, directed, field", [(" ", Position.YES, "bill"), ("B 1", Position.ABSENT, "position"),
                                                  ("x" * 201, Position.NO, "bill")])
def test_a_bad_link_is_refused(app, world, bill, directed, field):
    mandate = factories.make_mandate(world)
    with pytest.raises(ValidationFailed) as refused:
        roll_calls.link_bill(world.steering, world.chapter, mandate.id, Source.CSV, bill, directed)
    assert field in refused.value.errors


def test_the_import_votes_command_reads_a_file_and_fetches(app, world, monkeypatch, tmp_path):
    _linked(world)
    runner = app.test_cli_runner()
    csv_file = FIXTURES / "clerk_record.csv"
    done = runner.invoke(args=["openbargain", "import-votes", "riverside", "--source", "csv", "--file", str(csv_file)])
    assert done.exit_code == 0, done.output
    assert "1 roll call(s) imported (0 already there), 3 recorded vote(s); 1 record(s) matched" in done.output
    again = runner.invoke(args=["openbargain", "import-votes", "riverside", "--source", "csv", "--file", str(csv_file)])
    assert "0 roll call(s) imported (1 already there)" in again.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    refused = runner.invoke(args=["openbargain", "import-votes", "riverside", "--source", "legiscan", "--file", str(bad)])
    assert refused.exit_code == 1 and "not JSON" in refused.output
    asked = []
    monkeypatch.setitem(app.config["ROLL_CALL_KEYS"], "legiscan", "chapter-key")  # LEGISCAN_API_KEY
    monkeypatch.setattr(record_fetch, "_get", lambda url, headers: asked.append(url) or fixture("legiscan_getRollCall.json"))
    fetched = runner.invoke(args=["openbargain", "import-votes", "riverside", "--source", "legiscan", "--fetch", "234223"])
    assert fetched.exit_code == 0, fetched.output
    assert asked == ["https://api.legiscan.com/?key=chapter-key&op=getRollCall&id=234223"]
    assert runner.invoke(args=["openbargain", "import-votes", "riverside", "--source", "csv"]).exit_code == 2


def test_steering_links_imports_and_confirms_through_the_pages(client, world):
    from io import BytesIO

    from tests.conftest import login

    mandate = factories.make_mandate(world)
    elected = membership(world.elected).id
    login(client, world.elected)
    client.post(f"/c/riverside/electeds/{elected}/source-ids", data={"source": "csv", "person_id": "rivera"})
    login(client, world.steering)
    page = f"/c/riverside/mandates/{mandate.id}"
    bad = client.post(f"{page}/bills", data={"source": "csv", "bill": " ", "position": "yes"})
    assert bad.status_code == 422 and "Give the bill or motion as the source names it." in bad.get_data(as_text=True)
    client.post(f"{page}/bills", data={"source": "csv", "bill": "Ordinance 2026-88", "position": "yes"})
    form = client.get("/c/riverside/roll-calls/import").get_data(as_text=True)
    assert "roll_call, date, bill, motion, result, person_id, person_name, vote" in form
    wrong = client.post("/c/riverside/roll-calls/import", data={"source": "legiscan",
                                                                "file": (BytesIO(b"{not json"), "x.json")})
    assert wrong.status_code == 422 and "not JSON" in wrong.get_data(as_text=True)
    done = client.post("/c/riverside/roll-calls/import", follow_redirects=True, data={
        "source": "csv", "file": (BytesIO(fixture("clerk_record.csv")), "record.csv")})
    assert "1 roll call imported (0 already there); 1 record to confirm." in done.get_data(as_text=True)
    html = client.get(page).get_data(as_text=True)
    assert "Alex Rivera voted “Nay”; the mandate directs yes." in html and "Proposed verdict: <strong>broken</strong>" in html
    match = db.session.scalar(select(RecordMatch))
    client.post(f"/c/riverside/records/{match.id}/confirm", data={"reasoning": "Plain."})
    assert [v.rating for v in verdicts.verdicts_of(mandate)] == [Rating.BROKEN]
    card = client.get(f"/c/riverside/electeds/{elected}").get_data(as_text=True)
    assert "Voted against the mandate</strong>: “Nay” on Ordinance 2026-88" in card and "<code>rivera</code>" in card


def test_the_record_through_the_api(client, world):
    from tests.helpers import auth, tokens

    mandate = factories.make_mandate(world)
    steering = auth(tokens(client, world.steering)["access_token"])
    elected = auth(tokens(client, world.elected)["access_token"])
    base = "/api/v1/chapters/riverside"
    ids = client.put(f"{base}/electeds/{membership(world.elected).id}/source-ids",
                     json={"source": "legiscan", "person_id": "3715"}, headers=elected)
    assert ids.status_code == 200 and ids.get_json()["ids"] == {"legiscan": "3715"}
    assert client.post(f"{base}/mandates/{mandate.id}/bills", json={"source": "legiscan", "bill": "460445",
                                                                   "position": "maybe"}, headers=steering).status_code == 422
    assert client.post(f"{base}/mandates/{mandate.id}/bills", json={"source": "legiscan", "bill": "460445",
                                                                   "position": "no"}, headers=steering).status_code == 201
    record = fixture("legiscan_getRollCall.json").decode()
    assert client.post(f"{base}/roll-calls", json={"source": "legiscan", "record": record},
                       headers=elected).status_code == 403
    imported = client.post(f"{base}/roll-calls", json={"source": "legiscan", "record": record}, headers=steering)
    assert imported.status_code == 201 and imported.get_json()["matches"] == 1
    match = db.session.scalar(select(RecordMatch))
    confirmed = client.post(f"{base}/records/{match.id}/confirm", json={}, headers=steering)
    assert confirmed.status_code == 200 and confirmed.get_json()["proposed"] == "kept"  # 3715 voted Nay, as directed
    assert client.post(f"{base}/records/{match.id}/set-aside", headers=steering).status_code == 409


@pytest.mark.parametrize("source, name, calls, votes", [
    ("openstates", "openstates_bill_with_votes.json", 2, 5), ("legiscan", "legiscan_getRollCall.json", 1, 5),
    ("legistar", "legistar_meeting.json", 1, 3), ("csv", "clerk_record.csv", 1, 3)])
def test_each_format_imports_through_the_api(client, world, source, name, calls, votes):
    from tests.helpers import auth, tokens

    steering = auth(tokens(client, world.steering)["access_token"])
    record = fixture(name).decode()
    done = client.post("/api/v1/chapters/riverside/roll-calls", json={"source": source, "record": record},
                       headers=steering)
    assert done.status_code == 201 and done.get_json() == {"roll_calls": calls, "already": 0, "votes": votes,
                                                           "matches": 0}
    wrong = "openstates" if source != "openstates" else "legiscan"
    refused = client.post("/api/v1/chapters/riverside/roll-calls", json={"source": wrong, "record": record},
                          headers=steering)
    assert refused.status_code == 422 and db.session.scalar(select(func.count()).select_from(RollCall)) == calls
