"""The estimate: longest price prefix per destination, rendered segments for the first
recipients, the widest of those for the rest (counted per prefix in the database)."""

from __future__ import annotations

from decimal import Decimal

from campaigns.services import estimate as estimate_module
from campaigns.services.estimate import estimate
from tests.engine.conftest import add_contacts, make_campaign


def test_prefix_prices_and_fixed_segments(engine_world):
    audience = add_contacts(engine_world.account, ["+923001234517", "+923001234527", "+447700900123"])
    est = estimate(make_campaign(engine_world, audience, text="x" * 200))  # 2 segments each
    assert (est.recipients, est.units) == (3, 6)
    assert est.cost == Decimal("0.1000")  # 2 x 2 x 0.02 (+92) + 2 x 0.01 (default)


def test_personalized_text_beyond_the_exact_sample_uses_the_widest(engine_world, monkeypatch):
    monkeypatch.setattr(estimate_module, "EXACT_UP_TO", 2)
    audience = add_contacts(engine_world.account, ["+923001234517", "+923001234527", "+447700900123", "+447700900124"])
    contacts = list(audience.contacts.order_by("pk"))
    contacts[1].first_name = "y" * 90  # the second text needs 2 segments
    contacts[1].save()
    est = estimate(make_campaign(engine_world, audience, text="Hi {{ first_name }}, " + "z" * 100))
    # first two rendered: 1 + 2 segments at 0.02; the two +44 ones assumed widest (2) at 0.01
    assert (est.recipients, est.units) == (4, 7)
    assert est.cost == Decimal("0.1000")


def test_a_custom_attribute_placeholder_is_rendered_from_the_attributes(engine_world):
    audience = add_contacts(engine_world.account, ["+923001234517", "+923001234527"])
    long_city = audience.contacts.order_by("pk").last()
    long_city.attributes = {"city": "c" * 120}  # pushes that text into 2 segments
    long_city.save()
    est = estimate(make_campaign(engine_world, audience, text="Hi {{ first_name }} from {{ city }}, " + "z" * 40))
    assert (est.recipients, est.units) == (2, 3)
    assert est.cost == Decimal("0.0600")
