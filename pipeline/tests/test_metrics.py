"""MAP@k and success@k against hand-computed values of the CheckThat! 2020 scorer (trectools)."""

import pytest

from pipeline.metrics import average_precision, evaluate, ranked


def test_it_orders_ties_by_higher_doc_id_like_the_scorer():
    # given equal scores
    # when ranked
    # then trectools' order (score desc, docid desc) is used
    assert ranked([(1, 0.5), (7, 0.5), (3, 0.9)]) == [3, 7, 1]


@pytest.mark.parametrize(
    ("_case", "ranking", "relevant", "k", "expected"),
    [
        ("hit_first", [5, 1, 2], {5}, 5, 1.0),
        ("hit_third", [1, 2, 5], {5}, 5, 1 / 3),
        ("hit_below_depth", [1, 2, 5], {5}, 1, 0.0),
        # two relevant, found at 1 and 3: (1/1 + 2/3) / 2
        ("two_relevant", [5, 1, 6], {5, 6}, 5, (1 + 2 / 3) / 2),
        # depth 1 still divides by both relevant docs (not min(R, k)): 1/2
        ("two_relevant_depth_1", [5, 1, 6], {5, 6}, 1, 0.5),
        ("none_relevant", [1, 2], set(), 5, 0.0),
    ],
)
def test_it_computes_average_precision(_case, ranking, relevant, k, expected):
    # given a ranking and its relevant docs
    # when AP@k is computed
    # then it equals the scorer's value
    assert average_precision(ranking, relevant, k) == pytest.approx(expected)


def test_it_averages_over_the_run_queries():
    # given three queries: gold at rank 1, at rank 2, and missing
    run = {
        1: [(10, 0.9), (11, 0.1)],
        2: [(20, 0.9), (21, 0.8)],
        3: [(30, 0.9)],
    }
    qrels = {1: {10}, 2: {21}, 3: {99}}
    # when evaluated
    result = evaluate(run, qrels)
    # then MAP@1 = 1/3, MAP@3 = (1 + 1/2 + 0)/3, success@5 = 2/3
    assert result["queries"] == 3
    assert result["map@1"] == pytest.approx(1 / 3)
    assert result["map@3"] == pytest.approx(1.5 / 3)
    assert result["map@5"] == pytest.approx(1.5 / 3)
    assert result["success@1"] == pytest.approx(1 / 3)
    assert result["success@5"] == pytest.approx(2 / 3)


def test_it_counts_empty_results_only_when_asked():
    # given a query that retrieved nothing
    run = {1: [(10, 1.0)], 2: []}
    qrels = {1: {10}, 2: {20}}
    # when evaluated as the scorer does, and with every query counted
    scorer = evaluate(run, qrels)
    strict = evaluate(run, qrels, queries=[1, 2])
    # then the scorer drops it (trectools counts run topics) and the strict count does not
    assert scorer["queries"] == 1
    assert scorer["map@5"] == 1.0
    assert strict["queries"] == 2
    assert strict["map@5"] == 0.5
