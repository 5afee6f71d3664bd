"""Trend statistics on constructed series with known answers."""

from datetime import date, timedelta

import numpy as np
import pytest

from core.trendstats import emerging_terms, g_squared, topic_trends

BASELINE = [3, 2, 4, 3, 2, 3, 4, 3]


def test_a_real_spike_is_rising_and_a_collapse_falling():
    counts = {"spike": BASELINE + [12, 14, 11, 13], "gone": [9, 10, 8, 11, 9, 10, 9, 10, 0, 1, 0, 0],
              "flat": BASELINE + [3, 3, 2, 4]}
    trends = {t.slug: t for t in topic_trends(counts, recent=4)}
    assert trends["spike"].trend == "rising" and trends["spike"].p_value < 0.001
    assert trends["spike"].count == 50 and trends["spike"].baseline_mean == 12.0
    assert trends["gone"].trend == "falling"
    assert trends["flat"].trend == "steady" and trends["flat"].p_value > 0.5


def test_sixteen_against_one_at_small_counts():
    """The page used to say '+1500 %' for 16 against 1; with a steady baseline of 1 it is a rise."""
    trends = topic_trends({"ai": [0, 1, 0, 0, 1, 0, 0, 0, 4, 4, 4, 4], "talent": [0] * 8 + [1, 0, 0, 1]},
                          recent=4)
    verdicts = {t.slug: t.trend for t in trends}
    assert verdicts == {"ai": "rising", "talent": "steady"}  # 2 against 0 is not evidence


def test_poisson_noise_stays_steady_in_at_least_95_percent_of_weeks():
    rng = np.random.default_rng(14)
    rates = rng.uniform(0.5, 8, size=21)
    steady_weeks = 0
    for _ in range(400):
        counts = {f"t{i}": [int(x) for x in rng.poisson(rate, size=12)] for i, rate in enumerate(rates)}
        steady_weeks += all(t.trend == "steady" for t in topic_trends(counts, recent=4))
    assert steady_weeks / 400 >= 0.95


def test_series_of_different_lengths_are_an_error():
    with pytest.raises(ValueError, match="same length"):
        topic_trends({"a": [1, 2, 3], "b": [1, 2]}, recent=1)
    with pytest.raises(ValueError):
        topic_trends({"a": [1, 2]}, recent=2)


def test_g_squared_matches_the_textbook_value():
    # Dunning's table: 2 * sum O ln(O/E), here computed by hand for [[10, 90], [10, 990]]
    observed = np.array([[10, 90], [10, 990]], dtype=float)
    expected = observed.sum(1, keepdims=True) * observed.sum(0, keepdims=True) / observed.sum()
    assert g_squared(10, 100, 10, 1000) == pytest.approx(2 * np.sum(observed * np.log(observed / expected)))
    assert g_squared(0, 100, 0, 1000) == 0


def test_emerging_terms_need_a_rise_and_a_minimum_count():
    monday = date(2026, 11, 30)
    weeks = {monday - timedelta(weeks=n): {"pymes": 5, "nube": 2} for n in range(1, 9)}
    weeks[monday] = {"pymes": 5, "nube": 2, "ciberseguridad": 6, "5g": 2}
    terms = emerging_terms(weeks, recent_from=monday)
    assert [t.term for t in terms] == ["ciberseguridad"]  # 5g under the minimum; pymes and nube flat
    assert terms[0].count == 6 and terms[0].baseline == 0 and terms[0].score > 10
    assert emerging_terms({monday: {"x": 9}}, recent_from=monday) == []  # no baseline, nothing emerges
