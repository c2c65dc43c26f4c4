"""Bad input answers 4xx at the edge, never 500 (issue #12, item 4: the HTTP API and pages)."""

import json

import pytest

from sampark.core.middleware import MAX_JSON_DEPTH, json_problem

HUGE = "99999999999999999999999"  # beyond 64 bits


def _post_json(client, url, body: str):
    return client.generic("POST", url, body.encode(), content_type="application/json")


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/monitoring/tips", '{"text": "tip \\ud800 here", "unit_id": 1}'),
        ("/api/directives/", '{"title": "\\udfff", "body": "x", "unit_ids": [1]}'),
        ("/api/directives/", '{"title": "a\\u0000b", "body": "x", "unit_ids": [1]}'),
        ("/api/people/persons", '{"name": "x", "phone": "9\\udc00"}'),
    ],
    ids=["tip_surrogate_case", "directive_surrogate_case", "nul_case", "person_surrogate_case"],
)
def test_it_refuses_text_the_database_cannot_store(client, alice, url, body):
    # given a logged-in state head
    client.force_login(alice)
    # when a JSON body holds a lone surrogate or a NUL
    response = _post_json(client, url, body)
    # then it is a 400 that says why, before any view runs
    assert response.status_code == 400
    assert "Unicode" in response.json()["detail"]


def test_it_keeps_surrogate_pairs_and_escapes(client, alice):
    # a pair is one real character (an emoji), and an escaped backslash is plain text
    assert json_problem(b'{"t": "\\ud83d\\ude00 \\\\ud800"}') is None


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5000], ids=["over_cap_case", "deep_case"])
def test_it_refuses_deeply_nested_json(client, alice, depth):
    client.force_login(alice)
    body = "[" * depth + "]" * depth
    for url in ("/api/monitoring/tips", "/api/directives/", "/app/push/subscribe"):
        response = _post_json(client, url, body)
        assert response.status_code == 400, url


def test_it_lets_ordinary_nesting_through():
    body = json.dumps({"a": [[{"b": [1, 2, {"c": "ok"}]}]]}).encode()
    assert json_problem(body) is None


def test_it_refuses_huge_integers_in_json_bodies(client, alice):
    client.force_login(alice)
    response = _post_json(client, "/api/monitoring/tips", f'{{"text": "x", "unit_id": {HUGE}}}')
    assert response.status_code == 400


def test_it_refuses_nul_in_query_strings(client, alice):
    client.force_login(alice)
    assert client.get("/api/people/persons", {"q": "a\x00b"}).status_code == 400
    assert client.get("/people/", {"q": "a\x00b"}).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        f"/api/groups/{HUGE}",
        f"/api/people/persons/{HUGE}",
        f"/api/content/items/{HUGE}",
        f"/api/directives/{HUGE}",
        f"/api/monitoring/narratives/{HUGE}",
        f"/people/{HUGE}/",
        f"/directives/{HUGE}/",
    ],
)
def test_ids_beyond_64_bits_in_paths_are_404(client, alice, url):
    client.force_login(alice)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/groups/", {"unit_id": HUGE}),
        ("/api/people/persons", {"unit_id": HUGE}),
        ("/api/monitoring/posts", {"narrative_id": HUGE}),
        ("/api/monitoring/posts", {"before": HUGE}),
    ],
)
def test_ids_beyond_64_bits_in_queries_are_not_500(client, alice, url, params):
    client.force_login(alice)
    # (`before` an id no row can reach is simply every row: 200)
    assert client.get(url, params).status_code < 500
