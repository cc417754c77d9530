"""A/B tests through the API: variants and settings on create and read, validation, the
per-variant results in stats, and the pick."""

from __future__ import annotations

from campaigns.models import ABTest, CampaignVariant
from tests.ab_tests.conftest import numbers
from tests.api.conftest import error_of
from tests.engine.conftest import add_contacts

URL = "/api/v1/campaigns"


def _payload(world, **ab) -> dict:
    contact_list = add_contacts(world.account, numbers(20), first_name="Sam")
    ab_test = {
        "variants": [{"text": "Spring sale: 10% off"}, {"text": "Hi {{ first_name }}, 20% off for you"}],
        "mode": "winner",
        "test_share": 50,
        "wait_minutes": 30,
        "metric": "delivery",
        "auto_pick": False,
        **ab,
    }
    return {
        "name": "Split test",
        "channel": "sms",
        "connection": world.connection.pk,
        "sender": world.sender.pk,
        "audience": {"lists": [contact_list.pk]},
        "ab_test": ab_test,
    }


def test_create_read_launch_stats_and_pick(api, outsider_api, engine_world, simulators, client):
    created = api.post(URL, _payload(engine_world))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["text"] == "Spring sale: 10% off", "variant A is the campaign's own text"
    ab = body["ab_test"]
    assert [v["label"] for v in ab["variants"]] == ["A", "B"]
    assert ab["variants"][1]["text"] == "Hi {{ first_name }}, 20% off for you"
    assert (ab["mode"], ab["test_share"], ab["wait_minutes"], ab["auto_pick"], ab["phase"], ab["winner"]) == (
        "winner",
        50,
        30,
        False,
        "",
        None,
    )
    pk = body["id"]
    assert api.get(f"{URL}/{pk}").json()["ab_test"]["variants"][0]["text"] == "Spring sale: 10% off"

    launched = api.post(f"{URL}/{pk}/launch")
    assert launched.status_code == 200, launched.content
    simulators.deliver(client)
    stats = api.get(f"{URL}/{pk}/stats").json()["ab_test"]
    assert stats["phase"] == "testing"
    assert [(v["label"], v["messages"], v["delivered"], v["delivery_rate"]) for v in stats["variants"]] == [
        ("A", 5, 5, 100.0),
        ("B", 5, 5, 100.0),
    ]
    assert stats["variants"][1]["verdict"] == "A and B: no difference so far"

    assert outsider_api.post(f"{URL}/{pk}/pick_winner", {"label": "B"}).status_code == 404
    wrong = api.post(f"{URL}/{pk}/pick_winner", {"label": "D"})
    assert wrong.status_code == 409 and "no variant D" in error_of(wrong)["message"]
    picked = api.post(f"{URL}/{pk}/pick_winner", {"label": "B"})
    assert picked.status_code == 200, picked.content
    assert picked.json()["ab_test"]["winner"] == "B" and picked.json()["ab_test"]["phase"] == "winner"
    again = api.post(f"{URL}/{pk}/pick_winner", {"label": "A"})
    assert again.status_code == 409 and error_of(again)["message"] == "The winner is already picked."
    simulators.deliver(client)
    stats = api.get(f"{URL}/{pk}/stats").json()
    assert stats["status"] == "completed"
    assert [v["messages"] for v in stats["ab_test"]["variants"]] == [5, 15]


def test_bad_variants_answer_400(api, engine_world):
    one = api.post(URL, _payload(engine_world, variants=[{"text": "only one"}]))
    assert one.status_code == 400 and "ab_test" in error_of(one)["fields"]
    unknown = api.post(URL, _payload(engine_world, variants=[{"text": "a"}, {"text": "Hi {{ shoe_size }}"}]))
    assert unknown.status_code == 400 and "Variant B" in str(error_of(unknown)["fields"])
    share = api.post(URL, _payload(engine_world, test_share=0))
    assert share.status_code == 400
    pk = api.post(URL, {**_payload(engine_world), "ab_test": None}).json()["id"]
    partial = api.patch(f"{URL}/{pk}", {"ab_test": {"metric": "clicks"}})
    assert partial.status_code == 400 and "variants" in str(error_of(partial)["fields"])
    twice = api.post(URL, {**_payload(engine_world), "text": "something else"})
    assert twice.status_code == 400 and "give it once" in str(error_of(twice)["fields"])
    assert not ABTest.objects.exists() and not CampaignVariant.objects.exists()


def test_remove_the_test_from_a_draft(api, engine_world):
    pk = api.post(URL, _payload(engine_world)).json()["id"]
    assert api.patch(f"{URL}/{pk}", {"ab_test": None}).json()["ab_test"] is None
    assert not CampaignVariant.objects.filter(campaign_id=pk).exists()
    plain = api.get(f"{URL}/{pk}/stats").json()
    assert plain["ab_test"] is None
