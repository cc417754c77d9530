"""The two-proportion z-test against values computed by hand (and by scipy's norm.sf),
and the words a marketer reads."""

from __future__ import annotations

import pytest

from campaigns.services.significance import confidence_words, is_significant, normal_cdf, two_proportion_p_value


def test_normal_cdf_known_points():
    assert normal_cdf(0) == pytest.approx(0.5)
    assert normal_cdf(1.959964) == pytest.approx(0.975, abs=1e-6)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "expected"),
    [
        (60, 100, 40, 100, 0.004678),  # z = 2.828
        (55, 100, 45, 100, 0.157299),  # z = 1.414
        (200, 1000, 180, 1000, 0.254296),  # z = 1.140
        (50, 100, 50, 100, 1.0),
    ],
)
def test_p_value_matches_known_values(x1, n1, x2, n2, expected):
    assert two_proportion_p_value(x1, n1, x2, n2) == pytest.approx(expected, abs=1e-5)
    assert two_proportion_p_value(x2, n2, x1, n1) == pytest.approx(expected, abs=1e-5), "two-sided"


def test_no_trials_or_no_spread():
    assert two_proportion_p_value(0, 0, 3, 10) is None
    assert two_proportion_p_value(0, 10, 0, 10) == 1.0
    assert two_proportion_p_value(10, 10, 10, 10) == 1.0


def test_words():
    assert confidence_words("B", "A", 0.004678) == "B beats A: 99% confident this is not chance"
    assert confidence_words("B", "A", 0.05) == "B beats A: 95% confident this is not chance"
    assert confidence_words("B", "A", 0.157299) == "B vs A: too close to call yet (only 84% confident)"
    assert confidence_words("B", "A", 1e-9) == "B beats A: over 99.9% confident this is not chance"
    assert confidence_words("B", "A", None) == "B vs A: no results to compare yet"
    assert is_significant(0.01) and not is_significant(0.2) and not is_significant(None)
