"""A live server over the test database and Debian's Chromium, for the browser tests."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from openbargain.services import demo

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def live_server(app):
    demo.create_demo()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():
    from playwright.sync_api import expect

    # What a page's script renders is waited for, never raced; a shared CI machine can be slow.
    expect.set_options(timeout=30_000)
    if not CHROMIUM.exists():  # `make test` installs it; a suite that cannot run these fails
        pytest.fail("The browser tests need Debian's chromium: apt-get install chromium (`make test` does it "
                    "as root), or run `make test-fast`, the suite without them.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


def log_in(browser, live_server: str, email: str, password: str):
    page = browser.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    return page



PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": PHONE}


def screenshots(page, name: str, tmp_path: Path) -> None:
    """Takes the page at desktop and phone widths. With OPENBARGAIN_SCREENSHOTS set to a folder
    (docs/screenshots when refreshing the README's pictures) they are kept there."""
    folder = Path(os.environ.get("OPENBARGAIN_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert_accessible(page, name)  # a page worth a picture is a page state the journeys visit
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        shot = folder / f"{name}-{label}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 1000
    page.set_viewport_size(VIEWPORTS["desktop"])


BLOCKING_IMPACTS = {"serious", "critical"}


def assert_accessible(page, state: str) -> None:
    """Runs axe-core (bundled by axe-playwright-python) on the page as it stands and fails on any
    serious or critical violation, naming the page state and each rule with the nodes it hit."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    blocking = [v for v in found if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe found serious or critical problems on {state} ({page.url}): " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in blocking)


def assert_accessible_without_scripts(browser, page, state: str) -> None:
    """axe needs scripts, so a page seen with JavaScript off is checked as a twin: the same address,
    the same session, in a context where every script of the app's is refused."""
    context = browser.new_context(storage_state=page.context.storage_state())
    twin = context.new_page()
    twin.route("**/*.js", lambda route: route.abort())
    twin.goto(page.url)
    try:
        assert_accessible(twin, state)
    finally:
        context.close()
