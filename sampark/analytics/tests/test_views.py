"""The coverage pages: drill-down, scope, HTMX, map, Hindi names, Indian digits, query budgets."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from sampark.analytics import selectors
from sampark.analytics.tests.fixtures import hold
from sampark.geo.models import RecruitmentTarget, Unit

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(unit: Unit) -> str:
    return reverse("analytics:unit", kwargs={"unit_id": unit.id})


@pytest.mark.parametrize(
    ("persona", "root"),
    [("alice", "UP"), ("bob", "UP/D1"), ("charlie", None)],
    ids=["state_head_case", "district_incharge_case", "volunteer_case"],
)
def test_home_opens_the_users_scope_root(client, request, staffed, persona, root):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("analytics:home"))
    assert response.status_code == 302
    expected = Unit.objects.get(path=root).id if root else user.unit_id
    assert response["Location"] == f"/units/{expected}/"


def test_home_needs_a_login(client, tree):
    response = client.get(reverse("analytics:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)


def test_state_page_shows_cards_children_and_lacking_booths(client, staffed, alice):
    # given alice, with a state target of 1,23,456 volunteers
    RecruitmentTarget.objects.create(unit=staffed.state, volunteers=123456)
    client.force_login(alice)
    # when she opens the state
    response = client.get(_url(staffed.state))
    page = response.content.decode()
    # then the cards, the districts and the lacking booths are there, numbers grouped the
    # Indian way
    assert response.status_code == 200
    assert "1,23,456" in page
    assert 'data-testid="booths-total">16<' in page
    assert 'data-testid="booths-full">4<' in page
    assert page.count('data-testid="child-row"') == 2
    assert page.count('data-testid="lacking-row"') == 12
    assert 'data-testid="map"' in page
    assert reverse("analytics:unit_vacancies", kwargs={"unit_id": staffed.state.id}) in page
    # and each child row drills down with HTMX, pushing the URL for Back
    child = _url(staffed.districts[0])
    assert f'hx-get="{child}" hx-target="#dashboard" hx-push-url="true"' in page


def test_htmx_drilldown_returns_the_fragment(client, staffed, alice):
    client.force_login(alice)
    # when a child link is followed with HTMX
    response = client.get(_url(staffed.districts[0]), **HTMX)
    page = response.content.decode()
    # then only the dashboard comes back, with the new title
    assert "<html" not in page
    assert "<title>District 1" in page
    assert page.count('data-testid="child-row"') == 2
    assert "HX-Request" in response["Vary"]
    # and the header's language switch is pointed at the new page (out-of-band swap)
    assert (
        f'<input name="next" type="hidden" value="{_url(staffed.districts[0])}" '
        'hx-swap-oob="outerHTML:#lang-form input[name=next]">'
    ) in page
    # but a history restore after a cache miss gets the whole page
    restored = client.get(
        _url(staffed.districts[0]), HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert "<html" in restored.content.decode()


def test_state_can_be_shown_by_lok_sabha_constituency(client, staffed, alice):
    client.force_login(alice)
    page = client.get(_url(staffed.state), {"by": "pc"}).content.decode()
    assert "PC 1" in page
    assert "PC 2" in page
    # an unknown grouping falls back to districts
    page = client.get(_url(staffed.state), {"by": "booth"}).content.decode()
    assert "District 2" in page


@pytest.mark.parametrize(
    "name",
    ["analytics:unit", "analytics:unit_map", "analytics:unit_lacking", "analytics:unit_vacancies"],
    ids=["page_case", "geojson_case", "lacking_case", "vacancies_case"],
)
def test_bob_cannot_open_district_2(client, staffed, bob, name):
    client.force_login(bob)
    for unit in (staffed.districts[1], staffed.booths[-1], staffed.state, staffed.pcs[0]):
        assert client.get(reverse(name, kwargs={"unit_id": unit.id})).status_code == 404
    assert client.get(reverse(name, kwargs={"unit_id": staffed.acs[0].id})).status_code == 200


def test_alice_sees_every_district(client, staffed, alice):
    client.force_login(alice)
    for unit in (*staffed.districts, *staffed.pcs, staffed.booths[-1]):
        assert client.get(_url(unit)).status_code == 200


def test_breadcrumbs_link_only_inside_the_scope(client, staffed, bob):
    client.force_login(bob)
    page = client.get(_url(staffed.sectors[0])).content.decode()
    crumbs = page.split('data-testid="crumbs"')[1].split("</nav>")[0]
    assert f'href="{_url(staffed.districts[0])}"' in crumbs
    assert f'href="{_url(staffed.acs[0])}"' in crumbs
    assert f'href="{_url(staffed.state)}"' not in crumbs
    assert ">UP<" not in crumbs


def test_hindi_names_when_the_language_is_hindi(client, staffed, alice):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    page = client.get(_url(staffed.state)).content.decode()
    assert "जिला 1" in page
    assert "प्राथमिक विद्यालय 2" in page  # the first booth lacking volunteers
    # a unit without a Hindi name keeps its English one
    page = client.get(_url(staffed.acs[0])).content.decode()
    assert "Mandal 1-1" in page
    assert '<html lang="hi">' in page


def test_english_names_when_the_language_is_english(client, staffed, alice):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(_url(staffed.state)).content.decode()
    assert "District 1" in page
    assert "जिला 1" not in page


def test_lacking_booths_show_the_incharge(client, staffed, bob):
    hold(staffed.sectors[1], "it_incharge_sector", name="सुनील कुमार")
    client.force_login(bob)
    page = client.get(_url(staffed.districts[0])).content.decode()
    assert "सुनील कुमार" in page
    assert "Sector IT-cell in-charge" in page


def test_more_lacking_booths_come_by_htmx(client, staffed, alice, monkeypatch):
    # given pages of five
    monkeypatch.setattr(selectors, "LACKING_PAGE", 5)
    client.force_login(alice)
    page = client.get(_url(staffed.state)).content.decode()
    more = reverse("analytics:unit_lacking", kwargs={"unit_id": staffed.state.id})
    assert page.count('data-testid="lacking-row"') == 5
    assert f'hx-get="{more}?offset=5"' in page
    # when "more" is clicked
    rows = client.get(more, {"offset": 5}, **HTMX).content.decode()
    # then the next five rows come with the next "more"
    assert "<html" not in rows
    assert rows.count('data-testid="lacking-row"') == 5
    assert f"{more}?offset=10" in rows
    last = client.get(more, {"offset": 10}, **HTMX).content.decode()
    assert last.count('data-testid="lacking-row"') == 2
    assert 'data-testid="lacking-more"' not in last
    # and without HTMX it is a page of its own
    assert "<html" in client.get(more, {"offset": "x"}).content.decode()


def test_vacancies_fragment(client, staffed, bob):
    hold(staffed.booths[0], "booth_president")
    client.force_login(bob)
    url = reverse("analytics:unit_vacancies", kwargs={"unit_id": staffed.districts[0].id})
    page = client.get(url, **HTMX).content.decode()
    assert 'data-testid="vacant-booth_president">7<' in page
    assert 'data-testid="vacant-bla_liaison">8<' in page


def test_booth_page_lists_positions_with_add_links(client, staffed, bob):
    booth = staffed.booths[1]
    holder = hold(booth, "booth_president", name="सीता देवी")
    client.force_login(bob)
    page = client.get(_url(booth)).content.decode()
    assert "Booth president" in page
    assert 'data-testid="volunteers">4 / 5<' in page
    assert "सीता देवी" in page
    assert reverse("people:detail", args=[holder.person_id]) in page
    new = reverse("people:new")
    assert f'href="{new}?unit={booth.id}&amp;kind=whatsapp_pramukh"' in page
    assert "kind=booth_president" not in page  # held already
    assert 'data-testid="chain"' in page


def test_volunteers_get_no_add_links_and_masked_phones(client, staffed, charlie):
    booth = Unit.objects.get(id=charlie.unit_id)
    hold(booth, "booth_president", name="Ram")
    client.force_login(charlie)
    page = client.get(_url(booth)).content.decode()
    assert "Ram" in page
    assert re.search(r"98x{6}\d\d", page)
    assert reverse("people:new") not in page
    assert 'data-testid="chain"' not in page


def test_geojson_is_scoped_cached_and_links_each_ac(client, staffed, bob):
    for ac in staffed.acs:
        ac.boundary = json.dumps(
            {"type": "Polygon", "coordinates": [[[80, 26], [81, 26], [81, 27], [80, 26]]]}
        )
        ac.save(update_fields=["boundary"])
    client.force_login(bob)
    response = client.get(
        reverse("analytics:unit_map", kwargs={"unit_id": staffed.districts[0].id})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "private" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    features = response.json()["features"]
    assert [f["properties"]["number"] for f in features] == [1, 2]
    assert features[0]["properties"]["url"] == _url(staffed.acs[0])
    assert features[0]["properties"]["pct_full"] == 50.0


@pytest.mark.parametrize(
    ("unit_of", "budget"),
    [
        (lambda t: t.state, 14),
        (lambda t: t.districts[0], 14),
        (lambda t: t.booths[0], 14),
    ],
    ids=["state_case", "district_case", "booth_case"],
)
def test_unit_page_query_budget(
    client, staffed, alice, unit_of, budget, django_assert_max_num_queries
):
    # given in-charges and holders everywhere, so that every section has rows
    for sector in staffed.sectors:
        hold(sector, "it_incharge_sector")
    for booth in staffed.booths:
        hold(booth, "booth_president")
    client.force_login(alice)
    url = _url(unit_of(staffed))
    client.get(url)  # session and caches warmed
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_unit_page_queries_do_not_grow_with_the_tree(client, alice, django_assert_max_num_queries):
    # given a tree four times as wide as the shared one
    from conftest import make_user
    from sampark.devtools.synthetic import build_tree

    tree = build_tree(code="BR", districts=4, acs_per_district=3, sectors_per_mandal=3)
    head = make_user("head", tree.state, "state_head")
    for sector in tree.sectors:
        hold(sector, "it_incharge_sector")
    client.force_login(head)
    for unit in (tree.state, tree.districts[0], tree.acs[0], tree.booths[0]):
        client.get(_url(unit))
        with django_assert_max_num_queries(14):
            assert client.get(_url(unit)).status_code == 200
