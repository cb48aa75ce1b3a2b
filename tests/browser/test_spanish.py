"""In a real browser that asks for Spanish: a member ranks the options by tapping, reviews and
casts, and every step — the script's own words included — is in Spanish; then reads the notice
of the vote, written once for the whole roll, in Spanish."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import Membership
from openbargain.services import reminders
from tests import factories
from tests.browser.conftest import PHONE, assert_accessible, screenshots

pytestmark = pytest.mark.browser


def test_a_member_votes_in_spanish_on_a_phone(app, live_server, browser, world, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "LANGUAGES", ["en", "es"])
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    referendum = factories.make_open_referendum(world, elected, kind="ranked", title="Apoyos en las primarias")
    reminders.tick()  # the vote's notice to its roll
    context = browser.new_context(locale="es-ES", viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Correo electrónico").fill(world.member.email)
    page.get_by_label("Contraseña").fill(factories.PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.goto(f"{live_server}/c/riverside/")
    expect(page.get_by_role("heading", name="Panel")).to_be_visible()
    expect(page.get_by_text("cierra en 7 días")).to_be_visible()
    page.get_by_role("link", name="Vota ya").click()
    expect(page.get_by_text("Toca las opciones por orden de preferencia")).to_be_visible()
    options = [o.label for o in referendum.proposal.options]
    page.get_by_role("button", name=f"{options[1]}: sin ordenar").click()
    expect(page.get_by_role("button", name=f"{options[1]}: tu 1.ª opción")).to_be_visible()
    expect(page.locator(".rank-status")).to_contain_text(f"Tu orden: 1. {options[1]}. Sin ordenar:")
    screenshots(page, "ballot-spanish", tmp_path)
    assert_accessible(page, "the ranked ballot in Spanish")
    page.get_by_role("button", name="Revisar mi papeleta").click()
    expect(page.get_by_role("heading", name="Revisa tu papeleta")).to_be_visible()
    page.get_by_role("button", name="Emitir mi voto").click()
    expect(page.get_by_role("heading", name="Tu papeleta está emitida")).to_be_visible()
    expect(page.get_by_role("button", name="Copiar")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    page.goto(f"{live_server}/notifications")
    expect(page.get_by_role("heading", name="Avisos")).to_be_visible()
    expect(page.get_by_role("link", name="La votación sobre «Apoyos en las primarias» está abierta")).to_be_visible()
    screenshots(page, "notifications-spanish", tmp_path)
    assert_accessible(page, "the notification list in Spanish")
    context.close()
