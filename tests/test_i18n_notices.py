"""Notices, mails and chat messages in each reader's language: one notice to a whole roll is read
by each member in theirs, a merged mail is written once for each language, a personal mail goes
in the member's (else the chapter's, else the page's), a chat room hears its chapter's; and
steering's own pages in Spanish."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import Chapter, MailMerge, Notification
from openbargain.phrases import Phrase, in_language
from openbargain.services import accounts, chapters, proposals, reminders, results
from tests import factories
from tests.conftest import login
from tests.helpers import auth, membership, tokens
from tests.services.test_webhooks import connect, receiver

LANGUAGES = ["en", "es"]


@pytest.fixture
def spanish_offered(app, monkeypatch):
    monkeypatch.setitem(app.config, "LANGUAGES", LANGUAGES)


def titles(kind: str) -> dict[int, Notification]:
    return {n.user_id: n for n in db.session.scalars(select(Notification).where(Notification.kind == kind))}


def test_one_vote_notice_is_read_and_mailed_in_each_members_language(app, client, world, outbox, spanish_offered):
    chapters.set_default_language(world.steering, world.chapter, "es", LANGUAGES)
    accounts.set_language(world.member, "en", LANGUAGES)  # the member's choice wins over the chapter's
    accounts.set_language(world.elected, "es", LANGUAGES)
    factories.make_open_referendum(world, membership(world.elected), title="Apoyar la huelga")
    outbox.clear()
    merges = db.session.scalar(select(db.func.count()).select_from(MailMerge))
    assert reminders.tick().open_notices == 3
    # One body for each language, whoever reads it: not one a member.
    assert db.session.scalar(select(db.func.count()).select_from(MailMerge)) == merges + len(LANGUAGES)
    mails = {m.to: m for m in outbox if "Apoyar la huelga" in m.subject}
    english, spanish = mails[world.member.email], mails[world.elected.email]
    assert mails[world.steering.email].subject == "Vota ya: Apoyar la huelga"  # chose nothing: the chapter's
    assert english.subject == "Vote now: Apoyar la huelga" and english.body.startswith(f"Hello {world.member.name},")
    assert "You are on its roll." in english.body and "notification settings" in english.body
    assert spanish.subject == "Vota ya: Apoyar la huelga" and spanish.body.startswith(f"Hola, {world.elected.name}:")
    assert "Estás en su censo." in spanish.body and "Recibes este correo" in spanish.body
    assert spanish.unsubscribe and spanish.unsubscribe != english.unsubscribe  # each its own link still
    login(client, world.elected)
    assert "La votación sobre «Apoyar la huelga» está abierta" in client.get("/notifications").get_data(as_text=True)
    login(client, world.member)
    assert "The vote on “Apoyar la huelga” is open" in client.get("/notifications").get_data(as_text=True)


def test_a_results_notice_carries_its_outcome_said_in_each_language(app, world, spanish_offered):
    factories.make_open_referendum(world, membership(world.elected), closed=True, title="Decidida")
    results.certify_closed(world.chapter.id)
    notice = titles("result_certified")[world.member.id]
    title = Phrase(notice.title, notice.title_values)
    english, spanish = in_language("en", title), in_language("es", title)
    assert english.startswith("“Decidida”: ") and "turnout" in english
    assert spanish.startswith("«Decidida»: ") and "participación" in spanish and "turnout" not in spanish


def test_notices_through_the_api_follow_accept_language(client, world, spanish_offered):
    factories.make_open_referendum(world, membership(world.elected), title="Huelga")
    reminders.tick()
    headers = auth(tokens(client, world.member)["access_token"])
    said = lambda **more: {n["kind"]: n["title"] for n in client.get(  # noqa: E731
        "/api/v1/notifications", headers=headers | more).get_json()["items"]}
    assert said()["vote_opened"] == "The vote on “Huelga” is open"
    assert said(**{"Accept-Language": "es"})["vote_opened"] == "La votación sobre «Huelga» está abierta"


def test_a_mail_to_one_member_is_in_their_language_else_the_chapters_else_the_pages(app, client, world, outbox,
                                                                                  spanish_offered):
    client.post("/reset", data={"email": world.member.email}, headers={"Accept-Language": "es"})
    [reset] = [m for m in outbox if m.to == world.member.email]
    assert reset.subject == "Restablece tu contraseña de openbargain" and "Alguien pidió restablecer" in reset.body
    outbox.clear()
    accounts.set_language(world.elected, "en", LANGUAGES)
    client.post("/reset", data={"email": world.elected.email}, headers={"Accept-Language": "es"})
    assert [m.subject for m in outbox] == ["Reset your openbargain password"]  # their choice, not the page's
    outbox.clear()
    chapters.set_default_language(world.steering, world.chapter, "es", LANGUAGES)
    newcomer = factories.make_membership(world.chapter, factories.make_user(account=False))
    chapters.invite_member(world.steering, db.session.get(Chapter, world.chapter.id), newcomer.id)
    [invitation] = outbox
    assert invitation.subject == "Te invitan a Riverside Socialists en openbargain"
    assert "te ha invitado a Riverside Socialists" in invitation.body and "Elige tu contraseña" in invitation.body


def test_a_chat_room_hears_its_chapters_language(app, world, monkeypatch, spanish_offered):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", True)  # the receiver listens on 127.0.0.1
    chapters.set_default_language(world.steering, world.chapter, "es", LANGUAGES)
    with receiver() as room:
        connect(world, room)
        proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], publish=False,
                                           title="Apoyar la huelga")
        proposals.publish_proposal(world.member, world.chapter, proposal.id)
        [(_path, _headers, body)] = room.posts
    assert json.loads(body)["text"] == f"{world.member.name} publicó una propuesta: «Apoyar la huelga»"


def test_steerings_pages_in_spanish(app, client, world, spanish_offered):
    accounts.set_language(world.steering, "es", LANGUAGES)
    login(client, world.steering)
    pages = {
        "/c/riverside/roster": ("Padrón", "Importar un CSV", "al corriente", "Nombre o correo"),
        "/c/riverside/roster/import": ("Importar el padrón", "Archivo del padrón (CSV)", "Ver cómo quedaría"),
        "/c/riverside/bylaws": ("Estatutos", "Deliberación mínima antes de que abra una votación (horas)",
                                "Mayoría de sí+no", "Idioma de la sección"),
        "/c/riverside/webhooks/": ("Webhooks de chat", "Conectar una sala", "JSON firmado, para un receptor propio",
                                   "Se publica una propuesta"),
        "/c/riverside/audit": ("Registro de auditoría", "Cuándo (UTC)"),
    }
    for path, words in pages.items():
        page = client.get(path).get_data(as_text=True)
        for said in words:
            assert said in page, (path, said)
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Presupuesto")
    schedule = client.get(f"/c/riverside/proposals/{proposal.id}/schedule").get_data(as_text=True)
    assert "Programar la votación sobre «Presupuesto»" in schedule and "Voto secreto" in schedule
    bad = client.post("/c/riverside/roster/import", data={"roster": (
        __import__("io").BytesIO(b"name,email,standing\nA,a@example.org,good_standing\nB,broken,lapsed\n"),
        "roster.csv")}, content_type="multipart/form-data")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "El archivo no se importó" in text and "Línea 3: el correo «broken» no es válido" \
        in text
    refused = client.post("/c/riverside/webhooks/", data={"name": "", "url": "ftp://x", "format": "json",
                                                          "events": ["vote.opened"]})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Ponle nombre a la sala" in text and "1 cosa por corregir" in text


def test_the_morning_digest_in_the_members_language(app, world, outbox, spanish_offered):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from openbargain.clock import now, set_clock
    from openbargain.services import notifications

    accounts.set_language(world.member, "es", LANGUAGES)
    notifications.set_preferences(world.member, {"proposal_changed": "app"})
    factories.make_open_referendum(world, membership(world.elected), closed=True, title="Decidida")
    results.certify_closed(world.chapter.id)  # the result's notice goes in the digest by default
    outbox.clear()
    zone = ZoneInfo(world.chapter.timezone)
    today = now().astimezone(zone).date()
    try:
        set_clock(lambda: datetime(today.year, today.month, today.day, 8, tzinfo=zone) + timedelta(days=1))
        notifications.send_digests()
    finally:
        set_clock(None)
    [digest] = [m for m in outbox if m.to == world.member.email]
    assert digest.subject == "Tu resumen de openbargain: 1 aviso"
    assert "Desde tu último resumen:" in digest.body and "- «Decidida»: " in digest.body
    assert "participación" in digest.body and "Para dejar de recibir este resumen" in digest.body
