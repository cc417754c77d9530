"""Messages: list with filters, retrieve, and idempotent transactional sends."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import IdempotencyClaim, Message, Price
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/messages"
TO = "+923001234512"  # second-last digit 1: the simulator delivers it


@pytest.fixture
def send_ok(api, approved_sender, simulators, django_capture_on_commit_callbacks):
    def send(body: dict | None = None, key: str = "", client=None):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        with django_capture_on_commit_callbacks(execute=True):
            return (client or api).post(URL, {"to": TO, "text": "Your parcel is on its way", **(body or {})}, **headers)

    return send


def test_send_sms_now(send_ok, simulators, approved_sender):
    response = send_ok()
    assert response.status_code == 201, response.content
    body = response.json()
    message = Message.objects.get(pk=body["id"])
    assert message.sender == approved_sender.value and message.campaign is None
    assert message.status != "pending"  # the queued task ran (inline in tests) and submitted it
    assert simulators["vt"].stats()["submissions"] == 1


def test_same_idempotency_key_returns_the_same_message_and_sends_once(send_ok, simulators):
    first = send_ok(key="order-42")
    second = send_ok(key="order-42")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Message.objects.filter(idempotency_key="order-42").count() == 1
    assert simulators["vt"].stats()["submissions"] == 1


def test_same_key_with_another_body_is_a_conflict(send_ok):
    assert send_ok(key="k1").status_code == 201
    response = send_ok({"text": "something else"}, key="k1")
    assert response.status_code == 409 and error_of(response)["code"] == "idempotency_key_reused"
    assert Message.objects.count() == 1


def test_twin_arriving_while_the_first_is_sending_is_told_to_retry(api, world, approved_sender):
    IdempotencyClaim.objects.create(account=world.account, key="busy", fingerprint="x" * 64)
    response = api.post(URL, {"to": TO, "text": "hi"}, HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409 and error_of(response)["code"] in ("idempotency_key_in_use", "idempotency_key_reused")
    assert not Message.objects.exists()


def test_twin_after_the_first_committed_gets_its_message(send_ok, simulators):
    """Of two racing requests one wins the claim (unique row) and sends; the other finds
    the claim with its message and answers it without sending."""
    winner = send_ok(key="race").json()
    claim = IdempotencyClaim.objects.get(key="race")
    assert claim.message_id == winner["id"]
    twin = send_ok(key="race")
    assert twin.status_code == 200 and twin.json()["id"] == winner["id"]
    assert simulators["vt"].stats()["submissions"] == 1


def test_only_one_claim_per_key(world, keys):
    """What decides a race: the second insert of a key hits the unique constraint."""
    from campaigns.api.auth import Scope
    from campaigns.api.sending import _claim

    scope = Scope(world.account, None, False)
    assert _claim(scope, "twin", "a" * 64) is not None
    assert _claim(scope, "twin", "a" * 64) is None
    assert IdempotencyClaim.objects.filter(key="twin").count() == 1


def test_failed_send_releases_the_key(api, world, approved_sender):
    Price.objects.create(account=world.account, channel="sms", amount=Decimal("0.5"))
    refused = api.post(URL, {"to": TO, "text": "x"}, HTTP_IDEMPOTENCY_KEY="retry-me")
    assert refused.status_code == 422 and not IdempotencyClaim.objects.exists()
    Price.objects.all().delete()
    assert api.post(URL, {"to": TO, "text": "x"}, HTTP_IDEMPOTENCY_KEY="retry-me").status_code == 201


def test_send_validation(api, world, approved_sender, vt_connection):
    bad_number = api.post(URL, {"to": "12345", "text": "x"})
    assert bad_number.status_code == 400 and "to" in error_of(bad_number)["fields"]
    empty = api.post(URL, {"to": TO, "text": ""})
    assert empty.status_code == 400 and "text" in error_of(empty)["fields"]
    unapproved = api.post(URL, {"to": TO, "text": "x", "sender": "NOPE"})
    assert unapproved.status_code == 422 and error_of(unapproved)["code"] == "sender_not_approved"
    no_whatsapp = api.post(URL, {"to": TO, "text": "x", "channel": "whatsapp", "connection": vt_connection.pk, "sender": ""})
    assert no_whatsapp.status_code in (201, 422)  # VT does WhatsApp; only an approved WhatsApp sender is then needed
    long_key = api.post(URL, {"to": TO, "text": "x"}, HTTP_IDEMPOTENCY_KEY="k" * 121)
    assert long_key.status_code == 400 and error_of(long_key)["code"] == "invalid_idempotency_key"


def test_balance_must_cover_the_price(api, world, approved_sender):
    Price.objects.create(account=world.account, channel="sms", amount=Decimal("0.5"))
    response = api.post(URL, {"to": TO, "text": "x"})
    assert response.status_code == 422 and error_of(response)["code"] == "send_refused"
    assert "balance" in error_of(response)["message"]
    assert not Message.objects.exists()


def test_list_filters_and_retrieve(api, world, vt_connection):
    delivered = Message.objects.create(account=world.account, connection=vt_connection, to=TO, status="delivered")
    Message.objects.create(account=world.account, connection=vt_connection, to="+923001234599", status="failed")
    assert [m["id"] for m in api.get(URL, {"status": "delivered"}).json()["results"]] == [delivered.pk]
    assert len(api.get(URL, {"status": ["delivered", "failed"]}).json()["results"]) == 2
    today = delivered.created_at.date().isoformat()
    assert len(api.get(URL, {"date": today}).json()["results"]) == 2
    assert api.get(URL, {"date": "2001-01-01"}).json()["results"] == []
    bad_filter = api.get(URL, {"status": "exploded"})
    assert bad_filter.status_code == 400 and "status" in error_of(bad_filter)["fields"]
    assert api.get(f"{URL}/{delivered.pk}").json()["status"] == "delivered"


def test_access_control(apis, world, vt_connection):
    mine = Message.objects.create(account=world.account, subaccount=world.subaccount, connection=vt_connection, to=TO)
    account_wide = Message.objects.create(account=world.account, connection=vt_connection, to=TO)
    assert_access(f"{URL}/{mine.pk}", apis)
    assert apis["anon"].post(URL, {"to": TO, "text": "x"}).status_code == 401
    assert apis["ro"].post(URL, {"to": TO, "text": "x"}).status_code == 403
    assert [m["id"] for m in apis["sub"].get(URL).json()["results"]] == [mine.pk]
    assert apis["sub"].get(f"{URL}/{account_wide.pk}").status_code == 404
    assert apis["outsider"].get(URL).json()["results"] == []


def test_outsider_cannot_send_through_our_connection(outsider_api, vt_connection):
    response = outsider_api.post(URL, {"to": TO, "text": "x", "connection": vt_connection.pk})
    assert response.status_code == 404 and "connection" in error_of(response)["fields"]


def test_subaccount_key_sends_in_its_subaccount(sub_api, world, send_ok):
    response = send_ok(client=sub_api)
    assert response.status_code == 201
    assert Message.objects.get(pk=response.json()["id"]).subaccount == world.subaccount


def test_date_filters_accept_any_offset_and_refuse_out_of_range(api, world, vt_connection):
    Message.objects.create(account=world.account, connection=vt_connection, to=TO)
    assert len(api.get(URL, {"created_after": "2000-01-01T00:00:00-18:24"}).json()["results"]) == 1
    out_of_range = api.get(URL, {"created_after": "9999-12-31T23:59:59-18:00"})
    assert out_of_range.status_code == 400 and "created_after" in error_of(out_of_range)["fields"]
