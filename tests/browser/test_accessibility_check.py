"""The axe check the journeys rely on can fail: a page with a serious violation does not pass it."""
from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_the_axe_check_fails_on_an_unlabelled_control(browser):
    page = browser.new_page()
    page.set_content('<!doctype html><html lang="en"><title>t</title><main><h1>Ballot</h1>'
                     '<select><option>1</option></select></main></html>')
    with pytest.raises(AssertionError, match="select-name"):
        assert_accessible(page, "a page built to fail")
    page.set_content('<!doctype html><html lang="en"><title>t</title><main><h1>Ballot</h1>'
                     '<label for="r">Rank</label><select id="r"><option>1</option></select></main></html>')
    assert_accessible(page, "the same page, labelled")
