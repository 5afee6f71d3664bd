from search.hybrid import reciprocal_rank_fusion


def test_reciprocal_rank_fusion_sums_reciprocal_ranks():
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], rank_constant=60))
    assert fused["a"] == 1 / 61 + 1 / 62
    assert fused["c"] == 1 / 63 + 1 / 61
    assert fused["b"] == 1 / 62


def test_fusion_orders_best_first_and_breaks_ties_by_id():
    assert [i for i, _ in reciprocal_rank_fusion([["b", "x"], ["a", "y"]])] == ["a", "b", "x", "y"]
    assert reciprocal_rank_fusion([[], []]) == []
