"""``phone__e164=True`` keeps exactly the numbers the E.164 rule accepts, on every database
(SQLite spells the rule with GLOB and length(); elsewhere it is the regular expression)."""

from __future__ import annotations

import re

from campaigns.lookups import E164_REGEX
from campaigns.models import Contact

NUMBERS = [
    "+12025550100",  # valid
    "+4915123456789",
    "+1234567",  # 7 digits: the shortest valid
    "+123456789012345",  # 15 digits: the longest valid
    "+123456",  # 6 digits: too short
    "+1234567890123456",  # 16 digits: too long
    "+02025550100",  # leading zero after +
    "12025550100",  # no +
    "+1202555010a",
    "+1 202 555 0100",
    "++12025550100",
    "+١٢٣٤٥٦٧٨",  # Arabic-Indic digits are not [0-9]
    "+12025550100\n",
    "",
    "+",
]


def test_the_lookup_keeps_what_the_rule_accepts_and_nothing_else(world):
    for i, phone in enumerate(NUMBERS):
        Contact.objects.create(account=world.account, phone=phone, first_name=f"n{i}")
    contacts = Contact.objects.filter(account=world.account)
    valid = set(contacts.filter(phone__e164=True).values_list("phone", flat=True))
    rule = re.compile(E164_REGEX.replace("$", r"\Z"))  # the number as a whole: no trailing newline either
    assert valid == {p for p in NUMBERS if rule.match(p)}
    assert valid == {"+12025550100", "+4915123456789", "+1234567", "+123456789012345"}
    assert contacts.exclude(phone__e164=True).count() == len(NUMBERS) - 4
