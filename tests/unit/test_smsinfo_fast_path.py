"""sms_info's fast path for plain ASCII texts answers exactly what analyze() answers."""

from __future__ import annotations

import random

import pytest

from campaigns.encoding import analyze
from campaigns.services.smsinfo import sms_info


@pytest.mark.parametrize("code", range(128))
def test_every_ascii_character_inside_a_text(code):
    for text in (chr(code), f"Hello {chr(code)} there", f"{chr(code)}" * 161):
        assert sms_info(text) == analyze(text), repr(text)


def test_random_ascii_texts_around_the_segment_boundaries():
    rng = random.Random(7)
    for _ in range(3000):
        length = rng.choice([0, 1, 152, 153, 159, 160, 161, 306, 307, rng.randrange(400)])
        alphabet = "abcXYZ 019.,!?@£$" if rng.random() < 0.8 else "".join(map(chr, range(128)))
        text = "".join(rng.choice(alphabet) for _ in range(length))
        assert sms_info(text) == analyze(text), repr(text)
