"""V-Appstore operations a user reaches: subscriptions (contact page, API, notify webhook,
contact filter) and the CaaS charging notification applied to its OTP."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import Contact, OtpRequest, Subscription
from providers.models import WebhookEvent
from tests.api.conftest import Api
from tests.conftest import login

PHONE = "+6792870912"


def contact(demo) -> Contact:
    return Contact.objects.create(account=demo.account, phone=PHONE, first_name="Mere")


def api(demo) -> Api:
    from campaigns.models import ApiKey

    _, raw = ApiKey.generate(account=demo.account, name="server", created_by=demo.world.admin)
    return Api(raw)


def test_register_from_the_contact_page_and_the_notify_agrees(demo):
    person = contact(demo)
    conn = demo.connections["vappstore"]
    client = login(demo.world.marketer)

    page = client.get(f"/contacts/{person.pk}/").content.decode()
    assert "Subscriptions" in page and "Never subscribed" in page
    response = client.post(f"/contacts/{person.pk}/subscription/", {"connection": conn.pk, "action": "register"})
    assert response.status_code == 302

    subscription = Subscription.objects.get(contact=person, connection=conn)
    assert (subscription.status, subscription.source) == ("registered", "portal")
    assert demo.simulators.deliver(demo.client) == [200]  # subscription/notify
    subscription.refresh_from_db()
    assert (subscription.status, subscription.frequency) == ("registered", "monthly")
    assert WebhookEvent.objects.get(kind="subscription").outcome == "applied"
    page = client.get(f"/contacts/{person.pk}/").content.decode()
    assert "monthly" in page and "Unregister" in page


def test_unregister_by_api_and_filter_contacts(demo):
    person = contact(demo)
    Contact.objects.create(account=demo.account, phone="+6792870913")
    conn = demo.connections["vappstore"]
    client = api(demo)
    assert client.post(f"/api/v1/contacts/{person.pk}/subscription", {"connection": conn.pk, "subscribed": True}).status_code == 200

    response = client.post(f"/api/v1/contacts/{person.pk}/subscription", {"connection": conn.pk, "subscribed": False})

    assert response.status_code == 200 and response.json()["status"] == "unregistered" and response.json()["source"] == "api"
    found = client.get("/api/v1/contacts", {"subscription": "unregistered"}).json()["results"]
    assert [c["phone"] for c in found] == [PHONE]
    assert [c["phone"] for c in client.get("/api/v1/contacts", {"subscription": "none"}).json()["results"]] == ["+6792870913"]
    page = login(demo.world.marketer).get("/contacts/?subscription=unregistered").content.decode()
    assert PHONE in page and "+6792870913" not in page


def test_subscription_on_a_connection_without_them_is_refused(demo):
    person = contact(demo)
    response = api(demo).post(f"/api/v1/contacts/{person.pk}/subscription", {"connection": demo.connections["vt"].pk, "subscribed": True})
    assert response.status_code == 422


def test_outsider_cannot_change_a_subscription(demo):
    person = contact(demo)
    response = login(demo.world.outsider).post(
        f"/contacts/{person.pk}/subscription/", {"connection": demo.connections["vappstore"].pk, "action": "register"}
    )
    assert response.status_code == 404
    assert login(demo.world.viewer).post(f"/contacts/{person.pk}/subscription/", {"connection": 1, "action": "register"}).status_code == 403
    assert not Subscription.objects.exists()


def test_charging_notification_is_applied_to_its_otp(demo, django_capture_on_commit_callbacks):
    conn = demo.connections["vappstore"]
    conn.settings = {**(conn.settings or {}), "otp_amount": "5.00"}
    conn.save()
    client = api(demo)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/otp", {"to": PHONE, "use_provider_otp": True, "connection": conn.pk})
    assert response.status_code == 201, response.content
    otp = OtpRequest.objects.get(pk=response.json()["id"])
    [pending] = demo.simulators["vappstore"].otps.values()
    code = pending.otp  # what the subscriber received
    assert client.post("/api/v1/otp/verify", {"id": otp.pk, "code": code}).json()["verified"] is True

    assert demo.simulators.deliver(demo.client) == [200]

    otp.refresh_from_db()
    assert (otp.charge_status, otp.charge_amount, otp.charge_currency) == ("paid", Decimal("5.00"), "FJD")
    assert WebhookEvent.objects.get(kind="charging").outcome == "applied"
    shown = client.get(f"/api/v1/otp/{otp.pk}").json()
    assert (shown["charge_status"], shown["charge_amount"], shown["charge_currency"]) == ("paid", "5.00", "FJD")
