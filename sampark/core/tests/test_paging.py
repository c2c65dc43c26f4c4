"""Every list endpoint pages within the shared bounds of sampark.core.pagination (issue #12)."""

import pytest

HUGE = "99999999999999999999999"  # beyond 64 bits

PAGED = [
    "/api/groups/",
    "/api/people/persons",
    "/api/content/items",
    "/api/content/distributions",
    "/api/directives/",
    "/api/monitoring/posts",
    "/api/monitoring/narratives",
    "/api/monitoring/alerts",
    "/api/factcheck/factchecks",
    "/api/warroom/incidents",
]


OFFSET_PAGED = [
    "/api/groups/",
    "/api/people/persons",
    "/api/content/items",
    "/api/content/distributions",
    "/api/analytics/units/{state}/booths-lacking",
]


@pytest.mark.parametrize("url", PAGED)
@pytest.mark.parametrize("params", [{"limit": HUGE}, {"limit": 501}, {"limit": 0}])
def test_limit_out_of_bounds_is_422(client, alice, url, params):
    client.force_login(alice)
    assert client.get(url, params).status_code == 422


@pytest.mark.parametrize("url", OFFSET_PAGED)
@pytest.mark.parametrize("params", [{"offset": HUGE}, {"offset": 10**7 + 1}, {"offset": -1}])
def test_offset_out_of_bounds_is_422(client, alice, tree, url, params):
    client.force_login(alice)
    assert client.get(url.format(state=tree.state.id), params).status_code == 422


@pytest.mark.parametrize("url", PAGED)
def test_paging_within_bounds_answers(client, alice, url):
    client.force_login(alice)
    assert client.get(url, {"limit": 500}).status_code == 200


@pytest.mark.parametrize("url", OFFSET_PAGED)
def test_offset_within_bounds_answers(client, alice, tree, url):
    client.force_login(alice)
    response = client.get(url.format(state=tree.state.id), {"limit": 1, "offset": 10**7})
    assert response.status_code == 200
