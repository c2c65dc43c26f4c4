"""The geo API: units, children and lookup by path, all scoped (404 outside the subtree)."""

from __future__ import annotations

from sampark.geo.models import Unit
from sampark.geo.tests.fixtures import small_state

API = "/api/geo"


def test_it_needs_a_login(client, tree):
    assert client.get(f"{API}/units/{tree.state.id}").status_code == 401


def test_bob_sees_his_district(client, tree, bob, district1):
    client.force_login(bob)
    response = client.get(f"{API}/units/{district1.id}")
    assert response.status_code == 200
    assert response.json() == {
        "id": district1.id,
        "level": "district",
        "code": "D1",
        "path": "UP/D1",
        "name": "District 1",
        "name_hi": "जिला 1",
        "number": 1,
        "parent_id": tree.state.id,
        "electors": None,
        "reservation": "",
    }


def test_bob_gets_404_outside_his_district(client, tree, bob, district2):
    # given bob, in charge of district 1
    client.force_login(bob)
    far_booth = Unit.objects.filter(level="booth", district=district2).first()
    assert far_booth is not None
    # then district 2, its booths, its children and the state above him do not exist
    assert client.get(f"{API}/units/{district2.id}").status_code == 404
    assert client.get(f"{API}/units/{far_booth.id}").status_code == 404
    assert client.get(f"{API}/units/{district2.id}/children").status_code == 404
    assert client.get(f"{API}/units/{tree.state.id}").status_code == 404
    assert client.get(f"{API}/units/by-path", {"path": "UP/D2"}).status_code == 404
    assert client.get(f"{API}/units/by-path", {"path": "UP"}).status_code == 404


def test_children_of_a_unit(client, tree, bob, district1):
    client.force_login(bob)
    response = client.get(f"{API}/units/{district1.id}/children")
    assert response.status_code == 200
    assert [u["path"] for u in response.json()] == ["UP/D1/AC1", "UP/D1/AC2"]


def test_alice_sees_the_state_and_its_districts(client, tree, alice):
    client.force_login(alice)
    response = client.get(f"{API}/units/{tree.state.id}/children")
    assert [u["path"] for u in response.json()] == ["UP/D1", "UP/D2"]
    assert client.get(f"{API}/units/by-path", {"path": "UP/D2"}).json()["name"] == "District 2"


def test_charlie_sees_only_his_booth(client, tree, charlie, district2):
    client.force_login(charlie)
    assert charlie.unit_id is not None
    assert client.get(f"{API}/units/{charlie.unit_id}").status_code == 200
    assert client.get(f"{API}/units/{charlie.unit_id}/children").json() == []
    assert client.get(f"{API}/units/{district2.id}").status_code == 404


def test_by_path_on_an_imported_state(client, tmp_path, django_user_model):
    # given an imported state and a user in charge of its district 1
    from sampark.geo.importer import import_state

    import_state(state="BR", data_dir=small_state(tmp_path))
    d1 = Unit.objects.get(path="BR/D1")
    user = django_user_model.objects.create_user(username="ravi", password="pw", unit=d1)
    client.force_login(user)
    # then he can walk down his district by path and not into district 2
    ac = client.get(f"{API}/units/by-path", {"path": "BR/D1/AC1"}).json()
    assert (ac["name"], ac["reservation"], ac["electors"]) == ("Valmiki Nagar", "GEN", 2500)
    mandals = client.get(f"{API}/units/{ac['id']}/children").json()
    assert [(m["name"], m["name_hi"]) for m in mandals] == [("Mandal 1", "मंडल 1")]
    assert client.get(f"{API}/units/by-path", {"path": "BR/D2/AC2"}).status_code == 404
