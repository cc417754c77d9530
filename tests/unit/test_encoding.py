import pytest

from campaigns.encoding import analyze, gsm7_units


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_boundaries(length, segments):
    info = analyze("a" * length)
    assert info.encoding == "gsm7"
    assert info.units == length
    assert info.segments == segments


@pytest.mark.parametrize(
    ("length", "segments"),
    [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_boundaries(length, segments):
    info = analyze("ж" * length)
    assert info.encoding == "ucs2"
    assert info.units == length
    assert info.segments == segments
    assert info.ucs2_chars == ["ж"]


def test_extension_characters_cost_two_septets():
    info = analyze("€" * 80)
    assert info.encoding == "gsm7"
    assert info.units == 160
    assert info.segments == 1
    assert analyze("€" * 80 + "a").segments == 2


def test_escape_sequence_never_split_across_segments():
    # 152 plain septets then one extension char: 154 septets would split the pair at 153,
    # so the euro sign moves whole into segment two.
    text = "a" * 152 + "€" + "a" * 100
    info = analyze(text)
    assert info.units == 254
    # naive 254/153 -> 2 segments; the packed split is 152 | 2+100 = 2 segments as well
    assert info.segments == 2
    # 152 + € fills segment one to 152 (pair moved), segment two: 2 + 151 = 153, third gets 1
    assert analyze("a" * 152 + "€" + "a" * 152).segments == 3
    assert gsm7_units("a" * 152 + "€" + "a" * 152) == 306  # 306 septets fit 2 if splittable


def test_surrogate_pair_never_split():
    # 66 units + one emoji (2 units) = 68 > 67: the emoji starts segment two
    text = "ж" * 66 + "😀" + "ж" * 67
    info = analyze(text)
    assert info.units == 135
    assert info.segments == 3  # 66 | 2+65 | 2 -> naive ceil(135/67) = 3 as well
    assert analyze("ж" * 66 + "😀" + "ж" * 66).segments == 3  # 134 units but unsplittable pair
    assert analyze("😀" * 35).segments == 1  # 70 units exactly
    assert analyze("😀" * 36).segments == 2


def test_emoji_forces_ucs2_and_is_named():
    info = analyze("Hello 😀 and ж")
    assert info.encoding == "ucs2"
    assert info.ucs2_chars == ["😀", "ж"]
    assert info.units == len("Hello  and ж") + 2


def test_empty_text_has_no_segments():
    info = analyze("")
    assert (info.units, info.segments) == (0, 0)


def test_remaining_counts_down():
    assert analyze("a" * 150).remaining == 10
    assert analyze("a" * 200).remaining == 306 - 200
