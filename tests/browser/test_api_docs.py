"""In a real browser: the API's page lists every operation of the generated document, with who
may call it, and links the machine-readable document."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshots

pytestmark = pytest.mark.browser


def test_the_api_page_lists_the_generated_operations(live_server, browser, tmp_path):
    page = browser.new_page()
    page.goto(f"{live_server}/api/v1/docs")
    rows = page.locator("tbody tr")
    document = page.request.get(f"{live_server}/api/v1/openapi.json").json()
    operations = sum(len([m for m in ops if m != "parameters"]) for ops in document["paths"].values())
    assert rows.count() == operations
    accept = page.locator("tbody tr", has_text="/api/v1/invitations/accept")
    assert accept.get_by_text("none").is_visible()
    assert page.locator("tbody tr", has_text="/api/v1/personal-tokens").first.get_by_text("required").is_visible()
    assert page.get_by_role("link", name="/api/v1/openapi.json").is_visible()
    screenshots(page, "api-docs", tmp_path)
    page.close()
