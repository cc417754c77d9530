"""Real browser: the retention policy line on the HTTP log, and the plain 400 page a form of
more than 1,000 fields gets, at desktop and phone width."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 800}}

OVERSIZED_FORM = """() => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = "/contacts/new/";
  for (let n = 0; n < 1500; n++) {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = "f" + n; input.value = "x";
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""


@pytest.mark.parametrize("size", SIZES)
def test_http_log_states_the_retention_policy(world, live_server, browser, size):
    page = browser.new_context(viewport=SIZES[size]).new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/admin/http-log/")
    policy = page.locator(".retention-policy")
    assert policy.is_visible() and "webhook bodies 30 days" in policy.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"] + 2
    shot(page, f"security-{size}-http-log-retention")


@pytest.mark.parametrize("size", SIZES)
def test_too_many_form_fields_get_a_plain_400_page(world, live_server, browser, size):
    page = browser.new_context(viewport=SIZES[size]).new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/contacts/new/")
    with page.expect_navigation() as navigation:
        page.evaluate(OVERSIZED_FORM)
    assert navigation.value.status == 400
    assert page.get_by_role("heading", name="This request could not be read").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"] + 2
    shot(page, f"security-{size}-bad-request")
