"""The HTTP log never keeps secrets, whatever the body's shape or size."""

import json

from providers.http import ALWAYS_REDACT, BODY_LIMIT, redact_body, redact_url

KEYS = ALWAYS_REDACT | {"authenticationtoken"}


def test_small_json_is_redacted_at_any_depth():
    body = json.dumps({"apikey": "K1", "messages": [{"to": "+1", "token": "T2"}]})
    out = redact_body(body, "application/json", KEYS)
    assert "K1" not in out and "T2" not in out and "+1" in out


def test_large_bulk_json_is_redacted_without_parsing_it_all():
    messages = [{"destination": f"+9230012{i:05d}", "messageText": "hello world " * 3} for i in range(3000)]
    body = json.dumps({"authenticationToken": "SECRET-TOKEN", "password": 12345, "messages": messages})
    assert len(body) > 4 * BODY_LIMIT
    out = redact_body(body, "application/json", KEYS)
    assert "SECRET-TOKEN" not in out and "12345" not in out
    assert out.count('"***"') == 2
    assert len(out) == BODY_LIMIT


def test_secret_cut_at_the_edge_is_still_hidden():
    body = '{"filler": "' + "x" * (BODY_LIMIT + 900) + '", "apikey": "' + "S" * 5000 + '"}'
    out = redact_body(body, "application/json", KEYS)
    assert "SSSS" not in out


def test_form_and_query_secrets():
    assert "pw1" not in redact_body("username=u&password=pw1", "application/x-www-form-urlencoded", KEYS)
    assert "K9" not in redact_url("https://x.test/v3/sendsms?hash=K9&receivernum=%2B92", KEYS)
