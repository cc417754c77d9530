"""The content step refuses a bad placeholder (a field error naming it); the review's launch
checks are the ones launch enforces, with the same figures and words (balance, subaccount
credit left, estimate, sender, schedule, content, audience)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Campaign, LedgerEntry, Price
from campaigns.services.ledger import top_up


@pytest.fixture
def funded(world):
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.0125"))
    top_up(world.account, Decimal("50"))
    return world


@pytest.mark.parametrize(
    "text, named",
    [
        ("Hi {{ firstname }}!", "Unknown placeholder {{ firstname }}: contacts have no field “firstname”. Did you mean {{ first_name }}?"),
        ("Hello {% if x %}VIP{% endif %}", "{% if x %} is not supported"),
        ("Hi {{ first_name", "“{{ first_name” is not closed: end it with }}."),
    ],
)
def test_content_step_blocks_a_bad_placeholder(marketer_client, draft, text, named):
    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/content/", {"text": text})
    assert response.status_code == 200
    assert any(named in e for e in response.context["form"].errors["text"])
    assert named.split(":")[0] in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    draft.refresh_from_db()
    assert draft.text == "Hi {{ first_name }}, 20% off today"


def test_content_step_accepts_a_fallback_and_says_how(marketer_client, draft):
    page = marketer_client.get(f"/campaigns/{draft.pk}/edit/content/").content.decode()
    assert 'first_name|default:"friend"' in page
    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/content/", {"text": 'Hi {{ first_name|default:"friend" }} in {{ city }}'})
    assert response.status_code == 302


def test_preview_shows_what_an_empty_field_becomes(marketer_client, draft, contacts):
    data = marketer_client.post(
        "/campaigns/compose/preview.json", {"text": 'Hi {{ first_name|default:"friend" }} {{ last_name }}!', "campaign": draft.pk}
    ).json()
    assert data["rendered"] == "Hi Name0 !" and data["rendered_empty"] == "Hi friend !" and data["problems"] == []


def checks_of(client, draft) -> dict:
    return client.get(f"/campaigns/{draft.pk}/estimate.json").json()


def test_review_checks_show_every_limit_with_the_money_format(marketer_client, funded, draft, contacts):
    report = checks_of(marketer_client, draft)
    rows = {c["key"]: c for c in report["checks"]}
    assert report["ok"] and report["errors"] == []
    assert list(rows) == ["connection", "sender", "content", "schedule", "audience", "estimate", "balance"]
    assert rows["estimate"]["value"] == "0.06 USD for 5 messages (5 billed units)"
    assert rows["balance"]["value"] == "50.00 USD"
    assert rows["sender"]["value"] == "ACME (approved)" and rows["audience"]["value"].startswith("5 (left out: 0 suppressed")


def test_over_the_credit_limit_review_and_launch_say_the_same(marketer_client, funded, draft, contacts):
    sub = funded.subaccount
    sub.credit_limit = Decimal("1.00")
    sub.save()
    LedgerEntry.objects.create(account=funded.account, subaccount=sub, kind="charge", amount=Decimal("-0.98"), balance_after=0)
    report = checks_of(marketer_client, draft)
    credit = next(c for c in report["checks"] if c["key"] == "credit")
    assert credit["label"] == "Credit left in Marketing" and not credit["ok"] and not report["ok"]
    assert credit["value"] == "0.02 USD of 1.00 USD (spent 0.98 USD, reserved 0.00 USD)"
    sentence = "The subaccount Marketing would pass its credit limit of 1.00 USD: this campaign costs about 0.06 USD, 0.02 USD is left."
    assert credit["problems"] == [sentence] and report["errors"] == [sentence]

    page = marketer_client.post(f"/campaigns/{draft.pk}/launch/", follow=True).content.decode()
    assert "The campaign was not launched" in page and sentence in page
    assert Campaign.objects.get(pk=draft.pk).status == "draft"


def test_launch_refuses_a_bad_placeholder_with_the_review_words(marketer_client, funded, draft, contacts):
    Campaign.objects.filter(pk=draft.pk).update(text="Hi {{ firstname }}")
    report = checks_of(marketer_client, draft)
    content = next(c for c in report["checks"] if c["key"] == "content")
    assert not content["ok"] and content["problems"][0].startswith("Unknown placeholder {{ firstname }}")
    page = marketer_client.post(f"/campaigns/{draft.pk}/launch/", follow=True).content.decode()
    assert "Unknown placeholder {{ firstname }}" in page and Campaign.objects.get(pk=draft.pk).status == "draft"
