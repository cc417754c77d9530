"""Real browser: the page's segment counter (static/js/sms-counter.js) gives exactly what
campaigns/encoding.py gives, on the hard cases."""

import pytest

from campaigns.encoding import analyze
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASES = [
    "",
    "a" * 160,
    "a" * 161,
    "a" * 306,
    "a" * 307,
    "a" * 459,
    "ą" * 70,
    "ą" * 71,
    "ą" * 134,
    "ą" * 135,
    "a" * 152 + "€" + "a" * 10,  # an escape pair at the 153-septet boundary
    "a" * 159 + "[",
    "😀" * 35,
    "😀" * 36,
    "a" * 66 + "😀" + "a" * 10,  # a surrogate pair at the 67-unit boundary
    "Grüße ñ ¿ Ä @£$¥ {} ~ ^ \\ | €",
    "line\nbreak\r\nand tab\t",
]


def test_browser_counter_matches_the_encoding_module(page, live_server, sending_world):
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/templates/new/")
    for text in CASES:
        browser = page.evaluate("(t) => window.SmsCounter.analyze(t)", text)
        assert browser == analyze(text).as_dict(), repr(text)
