"""Money and times are formatted one way everywhere."""

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from campaigns.formatting import format_money, format_when


def test_money_has_two_decimals_grouping_and_currency():
    assert format_money(Decimal("13.0000"), "USD") == "13.00 USD"
    assert format_money(Decimal("1234.5"), "PKR") == "1,234.50 PKR"
    assert format_money(Decimal("-0.001"), "USD") == "0.00 USD"


def test_unit_price_keeps_four_decimals():
    assert format_money(Decimal("0.0125"), "USD", unit=True) == "0.0125 USD"


def test_missing_amount_is_a_dash():
    assert format_money(None, "USD") == "–"


def test_when_is_in_the_active_zone_and_labelled():
    moment = dt.datetime(2026, 11, 30, 12, 40, tzinfo=dt.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Karachi")):
        assert format_when(moment) == "30 Nov 2026, 17:40 PKT"
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        assert format_when(moment) == "30 Nov 2026, 12:40 UTC"
