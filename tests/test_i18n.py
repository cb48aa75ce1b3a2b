"""The pages in the member's language: the Spanish catalog holds every message the code and the
translated templates mark, with the same placeholders; those templates hold no text outside a
translation; the language is the member's choice, else the browser's, else the chapter's; dates
and durations read as Spanish writes them; the API's problem titles follow Accept-Language."""
from __future__ import annotations

import contextvars
import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from openbargain.extensions import db
from openbargain.models import Chapter, User
from openbargain.services import accounts, chapters, notifications
from openbargain.services.proposals import chapter_today
from tests import factories
from tests.conftest import login
from tests.helpers import membership

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "openbargain"
CATALOG = PACKAGE / "translations" / "es" / "LC_MESSAGES" / "messages.po"
# Every template, pages and mails alike, may hold no text outside a translation.
TEMPLATES = sorted(str(p.relative_to(PACKAGE / "templates")) for p in (PACKAGE / "templates").rglob("*.*"))
NOT_WORDS = {"openbargain", "UTC"}  # the product's name, and the time zone's, stay as they are


def extracted() -> dict:
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
                "phrase": None}
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map, options_map, keywords=keywords):
        found[message if isinstance(message, str) else tuple(message)] = True
    return found


def spanish() -> dict:
    with open(CATALOG, "rb") as po:
        catalog = read_po(po, locale="es")
    return {m.id: m for m in catalog if m.id}


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def test_every_marked_message_has_a_spanish_translation_with_the_same_placeholders():
    messages, catalog = extracted(), spanish()
    assert len(messages) > 200
    missing = [m for m in messages if m not in catalog]
    assert missing == [], "run `make catalog` and translate what is new"
    for key in messages:
        entry = catalog[key]
        assert "fuzzy" not in entry.flags, key
        sources = key if isinstance(key, tuple) else (key,)
        targets = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(t.strip() for t in targets), f"untranslated: {key!r}"
        for target in targets:
            assert sorted(set(PLACEHOLDER.findall(target))) == sorted(set(PLACEHOLDER.findall(sources[-1]))), key


def test_the_catalog_compiles_without_a_format_error():
    """What `pybabel compile` (make install) checks: a message whose English reads as %-format (a
    bare "% of") must agree with its translation, or the install fails."""
    with open(CATALOG, "rb") as po:
        catalog = read_po(po, locale="es")
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert problems == []


SHOWN_ATTRIBUTES = re.compile(r"""\b(?:aria-label|title|alt|placeholder)=(["'])(.*?)\1""", re.S)


QUOTED = re.compile(r"""(?<![\w(])(['"])([A-Z][a-z]+(?:[ ,.;:'’][^'"]*)?)\1""")
TRANSLATED_CALL = re.compile(r"""\b_\((['"]).*?\1\)""")


def _literal_text(source: str) -> list[str]:
    """The words a template shows that no translation holds: its text, and the attributes a
    reader or a screen reader meets (aria-label, title, alt, placeholder)."""
    text = re.sub(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", " ", source, flags=re.S)
    # Words quoted in an expression are shown too ({{ 'Open' if … }}) unless a translation takes them.
    said = [quoted for code in re.findall(r"{{.*?}}|{%.*?%}", text, flags=re.S)
            for _, quoted in QUOTED.findall(TRANSLATED_CALL.sub("", code))]
    text = re.sub(r"{{.*?}}|{%.*?%}|{#.*?#}", " ", text, flags=re.S) + " " + " ".join(said)
    text = re.sub(r"<code\b[^>]*>.*?</code>", " ", text, flags=re.S)  # a command or a hash: never translated
    shown = " ".join(value for _, value in SHOWN_ATTRIBUTES.findall(text))
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S) + " " + shown
    text = re.sub(r"&\w+;|&#\d+;", " ", text)
    return [w for w in re.findall(r"[^\W\d_]{2,}", text) if w not in NOT_WORDS]


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_translated_template_holds_no_untranslated_text(app, name):
    assert _literal_text((PACKAGE / "templates" / name).read_text()) == []


def test_the_template_check_finds_untranslated_text():
    assert _literal_text('<p class="x">Vote now</p>{{ _("Vote now") }}{% trans %}Your vote{% endtrans %}') == \
        ["Vote", "now"]
    assert _literal_text('<nav aria-label="Site"><a href="{{ url }}">{{ _("Home") }}</a></nav>') == ["Site"]
    assert _literal_text("{{ 'Reschedule' if r else _('Schedule') }}{{ url_for('a.b', x='y') }}") == ["Reschedule"]


@pytest.fixture
def spanish_offered(app, monkeypatch):
    monkeypatch.setitem(app.config, "LANGUAGES", ["en", "es"])


def test_the_members_choice_then_the_browser_then_the_chapter(app, client, world, spanish_offered):
    login(client, world.member)
    page = lambda **headers: client.get("/c/riverside/", headers=headers).get_data(as_text=True)  # noqa: E731
    assert 'lang="en"' in page() and "Dashboard" in page()
    assert 'lang="es"' in page(**{"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}) and "Panel" in page(
        **{"Accept-Language": "es"})
    accounts.set_language(world.member, "en", ["en", "es"])
    assert "Dashboard" in page(**{"Accept-Language": "es"})  # the member's choice wins
    accounts.set_language(world.member, None, ["en", "es"])
    chapters.set_default_language(world.steering, world.chapter, "es", ["en", "es"])
    assert "Panel" in page(**{"Accept-Language": "fr"})  # no language offered asked for: the chapter's
    assert "Dashboard" in page(**{"Accept-Language": "en"})


def test_spanish_is_offered_by_default_and_a_site_can_offer_english_alone(app, client, world, monkeypatch):
    assert app.config["LANGUAGES"] == ["en", "es"]
    login(client, world.member)
    assert "Panel" in client.get("/c/riverside/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    monkeypatch.setitem(app.config, "LANGUAGES", ["en"])
    assert "Dashboard" in client.get("/c/riverside/", headers={"Accept-Language": "es"}).get_data(as_text=True)


def test_a_member_chooses_a_language_on_the_account_page(app, client, world, spanish_offered):
    login(client, world.member)
    page = client.get("/account").get_data(as_text=True)
    assert "Español" in page and "As my browser asks" in page
    assert client.post("/account/language", data={"language": "es"}).status_code == 302
    assert db.session.get(User, world.member.id).locale == "es"
    assert "Guardado" in client.get("/account").get_data(as_text=True)
    assert client.post("/account/language", data={"language": "xx"}).status_code == 302
    assert db.session.get(User, world.member.id).locale == "es"  # refused, nothing changed
    with pytest.raises(Exception):
        accounts.set_language(world.member, "xx", ["en", "es"])


def test_only_steering_sets_the_chapters_language(app, world):
    from openbargain.services.errors import PermissionDenied, ValidationFailed

    with pytest.raises(PermissionDenied):
        chapters.set_default_language(world.member, world.chapter, "es", ["en", "es"])
    with pytest.raises(ValidationFailed):
        chapters.set_default_language(world.steering, world.chapter, "fr", ["en", "es"])
    assert db.session.get(Chapter, world.chapter.id).default_locale == "en"


def test_the_vote_walk_in_spanish_with_dates_and_durations_as_spanish_writes_them(app, client, world,
                                                                                  spanish_offered):
    vote = factories.make_open_referendum(world, membership(world.elected), title="Apoyar la huelga")
    accounts.set_language(world.member, "es", ["en", "es"])
    login(client, world.member)
    home = client.get("/c/riverside/").get_data(as_text=True)
    assert "Vota ya" in home and re.search(r"cierra en \d+ días", home) and "votación espera tu voto" in home
    show = client.get(f"/c/riverside/referenda/{vote.id}").get_data(as_text=True)
    assert "Votación: Apoyar la huelga" in show and "Ir a tu papeleta" in show
    assert re.search(r"(lun|mar|mié|jue|vie|sáb|dom) \d+ (ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic) 20\d\d",
                     show), show
    ballot = client.get(f"/c/riverside/referenda/{vote.id}/ballot").get_data(as_text=True)
    assert "Voto secreto" in ballot and "Abstención — cuenta para el quórum" in ballot
    review = client.post(f"/c/riverside/referenda/{vote.id}/ballot/review", data={"choice": "yes"})
    assert "Revisa tu papeleta" in review.get_data(as_text=True)
    refused = client.post(f"/c/riverside/referenda/{vote.id}/ballot/review", data={"choice": "maybe"})
    assert refused.status_code == 422 and "Elige sí, no o abstención." in refused.get_data(as_text=True)
    receipt = client.post(f"/c/riverside/referenda/{vote.id}/ballot/cast", data={"choice": "yes"})
    text = receipt.get_data(as_text=True)
    assert "Tu papeleta está emitida" in text and "Solo se muestra esta vez" in text and "Copiar" in text


def test_api_problem_titles_follow_accept_language(app, client, world, spanish_offered):
    answer = client.get("/api/v1/chapters/nowhere", headers={"Accept-Language": "es"})
    assert answer.status_code == 404 and answer.get_json()["title"] == "No encontrado"
    assert client.get("/api/v1/chapters/nowhere").get_json()["title"] == "Not found"


def test_durations_in_spanish(app, spanish_offered):
    from openbargain.web.timezones import duration

    def said(left: timedelta, **headers) -> str:
        def within() -> str:  # a context of its own, as each request has: the language is chosen per request
            with app.test_request_context(headers=headers):
                return duration(left)
        return contextvars.Context().run(within)

    assert said(timedelta(days=2, hours=3), **{"Accept-Language": "es"}) == "2 días 3 h"
    assert said(timedelta(days=1), **{"Accept-Language": "es"}) == "1 día"
    assert said(timedelta(days=1, minutes=5)) == "1 day"


def test_steering_sets_the_chapters_language_on_the_bylaws_page(app, client, world, spanish_offered):
    login(client, world.steering)
    assert "The chapter's language" in client.get("/c/riverside/bylaws").get_data(as_text=True)
    assert client.post("/c/riverside/language", data={"language": "es"}).status_code == 302
    assert db.session.get(Chapter, world.chapter.id).default_locale == "es"
    client.post("/c/riverside/language", data={"language": "xx"})
    assert db.session.get(Chapter, world.chapter.id).default_locale == "es"
    login(client, world.member)
    assert client.post("/c/riverside/language", data={"language": "en"}).status_code == 403


def test_refusals_and_error_pages_in_spanish(app, client, world, spanish_offered):
    spanish = {"Accept-Language": "es"}
    wrong = client.post("/login", data={"email": world.member.email, "password": "not-the-password"}, headers=spanish)
    assert "Ese correo y esa contraseña no corresponden a ninguna cuenta." in wrong.get_data(as_text=True)
    members_only = client.get("/account", headers=spanish, follow_redirects=True)
    assert "Entra para ver esa página" in members_only.get_data(as_text=True)
    login(client, world.member)
    missing = client.get("/c/riverside/proposals/999", headers=spanish)
    assert missing.status_code == 404 and "No encontrado" in missing.get_data(as_text=True)
    listed = client.get("/c/riverside/proposals/", headers=spanish).get_data(as_text=True)
    assert "Ninguna propuesta coincide." in listed and "0 propuestas." in listed


def test_the_account_and_the_notification_settings_in_spanish(app, client, world, spanish_offered):
    accounts.set_language(world.member, "es", ["en", "es"])
    login(client, world.member)
    account = client.get("/account").get_data(as_text=True)
    assert "Tokens de acceso personales" in account and "Salir en todas partes" in account
    refused = client.post("/account/tokens", data={"name": "", "days": "0", "scopes": ["read"]})
    assert refused.status_code == 422 and "Ponle al token un nombre" in refused.get_data(as_text=True)
    settings = client.get("/notifications/settings").get_data(as_text=True)
    assert "Se abrió una votación y estás en su censo" in settings and "En el resumen diario" in settings
    chosen = {name: kind.default for name, kind in notifications.kinds_for(world.member).items()} | {
        "vote_opened": "digest"}
    saved = client.post("/notifications/settings", data=chosen, follow_redirects=True)
    assert "Tus ajustes de avisos están guardados." in saved.get_data(as_text=True)


def test_a_proposal_and_its_deliberation_in_spanish(app, client, world, spanish_offered):
    from openbargain.models import Stance
    from openbargain.services import deliberation

    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Presupuesto")
    deliberation.post_comment(world.elected, world.chapter, proposal.id, Stance.AGAINST, "No lo veo claro.")
    accounts.set_language(world.steering, "es", ["en", "es"])
    login(client, world.steering)
    page = client.get(f"/c/riverside/proposals/{proposal.id}").get_data(as_text=True)
    for said in ("Deliberación", "Petición de votación", "Programar una votación", "en contra", "Responder",
                 "Si se aprueba, si se rechaza", "Negociación a la vista", "en deliberación"):
        assert said in page, said
    assert re.search(r"(lunes|martes|miércoles|jueves|viernes|sábado|domingo), \d+ de \w+ de 20\d\d", page)


def test_a_certified_result_and_the_board_in_spanish(app, client, world, spanish_offered):
    from tests.web.test_result_pages import closed_vote

    accounts.set_language(world.member, "es", ["en", "es"])
    vote, _receipts = closed_vote(world, kind="ranked", title="Apoyos")
    login(client, world.member)
    page = client.get(f"/c/riverside/referenda/{vote.id}/result").get_data(as_text=True)  # certified on the way
    for said in ("Resultado: Apoyos", "Gana: Individually tras 1 ronda; participación 3 de 3, quórum del 20% "
                 "alcanzado.", "Ronda 1", "Recuento de la ronda 1", "Opción", "A qué obliga", "Participación por día"):
        assert said in page, said
    board = client.get(f"/c/riverside/referenda/{vote.id}/board?tracker=0000").get_data(as_text=True)
    assert "Tablón de verificación: Apoyos" in board and "Un código de seguimiento tiene 32 caracteres" in board


def test_the_public_front_page_and_the_calendar_in_spanish(app, client, world, spanish_offered):
    from openbargain.models import Bylaws

    db.session.get(Bylaws, world.chapter.id).public_pages = True
    db.session.commit()
    factories.make_open_referendum(world, membership(world.elected), visibility="public", title="Huelga")
    spanish = {"Accept-Language": "es"}
    front = client.get("/c/riverside/", headers=spanish).get_data(as_text=True)
    for said in ("En decisión", "En votación ahora", "Propuestas públicas", "Miembros: <a", "Huelga"):
        assert said in front, said
    login(client, world.member)
    calendar = client.get("/c/riverside/calendar", headers=spanish).get_data(as_text=True)
    assert "Cierra la votación" in calendar and "Suscríbete en tu aplicación de calendario" in calendar
    assert re.search(r"(lunes|martes|miércoles|jueves|viernes|sábado|domingo), \d+ de \w+ de 20\d\d", calendar)


def test_accountability_in_spanish(app, client, world, spanish_offered):
    from openbargain.services import bargaining

    mandate = factories.make_mandate(world)
    bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(
        met_on=chapter_today(world.chapter), counterparty="Alcaldía", offered="Una comisión"))
    accounts.set_language(world.member, "es", ["en", "es"])
    login(client, world.member)
    overview = client.get("/c/riverside/accountability").get_data(as_text=True)
    assert "Rendición de cuentas" in overview and "esperan informe" in overview and "recibido el" in overview
    card = client.get(f"/c/riverside/electeds/{mandate.membership_id}").get_data(as_text=True)
    for said in ("Seguir a este cargo electo", "Registro de negociación a la vista", "se reunió con Alcaldía",
                 "Ofrecido", "Todas las cifras", "sin informe"):
        assert said in card, said
    page = client.get(f"/c/riverside/mandates/{mandate.id}").get_data(as_text=True)
    for said in ("Mandato: ", "Instrucción", "Según", "aprobada", "Informes de cumplimiento", "Aún no hay informe."):
        assert said in page, said


def test_an_elected_reports_and_logs_in_spanish(app, client, world, spanish_offered):
    mandate = factories.make_mandate(world)
    accounts.set_language(world.elected, "es", ["en", "es"])
    login(client, world.elected)
    assert client.post(f"/c/riverside/mandates/{mandate.id}/acknowledge").status_code == 302
    refused = client.post(f"/c/riverside/mandates/{mandate.id}/reports", data={"outcome": "fulfilled",
                                                                             "statement": ""})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Di qué hiciste." in text and "Indica la fecha en que actuaste." in text
    form = client.get("/c/riverside/bargaining/new").get_data(as_text=True)
    assert "Anotar una negociación" in form and "Con quién" in form
    logged = client.post("/c/riverside/bargaining/new", data={
        "met_on": chapter_today(world.chapter).isoformat(), "counterparty": "Alcaldía", "offered": "Una comisión"},
        follow_redirects=True)
    assert "Anotada. Ya es pública." in logged.get_data(as_text=True)


def test_opening_a_proposal_in_spanish(app, client, world, spanish_offered):
    accounts.set_language(world.member, "es", ["en", "es"])
    login(client, world.member)
    form = client.get("/c/riverside/proposals/new").get_data(as_text=True)
    assert "Abrir una propuesta" in form and "La decisión que tiene delante el cargo electo" in form
    refused = client.post("/c/riverside/proposals/new", data={"title": "", "ballot_kind": "yes_no",
                                                              "visibility": "members"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Ponle un título a la propuesta." in text
    assert "Elige al menos un cargo electo" in text


def test_members_read_the_bylaws_in_spanish(app, client, world, spanish_offered):
    accounts.set_language(world.member, "es", ["en", "es"])
    login(client, world.member)
    page = client.get("/c/riverside/bylaws").get_data(as_text=True)
    for said in ("Deliberación y votación", "Qué pueden forzar los miembros", "Secreto y qué es público",
                 "se aprueba por <strong>mayoría</strong>"):
        assert said in page, said
