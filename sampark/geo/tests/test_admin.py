"""The Unit admin is read-mostly: list and search, no adding or deleting."""

from __future__ import annotations

from sampark.accounts.models import User


def test_admin_lists_and_searches_units(client, tree):
    admin = User.objects.create_superuser(username="root", password="pw", email="r@example.org")
    client.force_login(admin)
    response = client.get("/admin/geo/unit/", {"q": "UP/D2"})
    assert response.status_code == 200
    assert b"UP/D2/AC3" in response.content
    assert b"UP/D1/AC1" not in response.content
    assert client.get("/admin/geo/unit/add/").status_code == 403
    district = tree.districts[0]
    assert client.get(f"/admin/geo/unit/{district.id}/change/").status_code == 200
    assert client.get(f"/admin/geo/unit/{district.id}/delete/").status_code == 403
