"""Pakistani numbers are reported on Pakistani networks (Jazz, Zong, Ufone, Telenor) by the
simulators and in the demo history, each provider in its own naming."""

import random

from campaigns.management.commands.seed_demo import demo_number
from providers.simulator.base import operator_for
from providers.simulator.registry import simulator_classes


def test_operator_by_prefix():
    numbers = ("+923001234567", "+923101234567", "+923331234567", "+923451234567", "+923211234567")
    assert [operator_for(n) for n in numbers] == ["Jazz", "Zong", "Ufone", "Telenor", "Jazz"]
    assert operator_for("+5511987654321") == "" and operator_for("+92301") == ""


def test_each_provider_names_pakistani_networks_its_way():
    classes = simulator_classes()
    assert classes["vt"].network_name("+923451234567") == "Telenor-PK"
    assert classes["wavy"].network_name("+923101234567") == "ZONG"
    assert classes["wavy"].network_name("+5511987654321") in {"VIVO", "CLARO", "TIM", "OI"}


def test_demo_contacts_spread_over_the_four_operators():
    rng = random.Random(2026)
    operators = {operator_for(demo_number(rng, i)) for i in range(40)}
    assert operators == {"Jazz", "Zong", "Ufone", "Telenor"}
