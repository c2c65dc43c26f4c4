from conftest import make_user
from sampark.accounts.enums import Capability, Role
from sampark.accounts.models import RoleGrant


def test_me_shows_unit_roles_and_capabilities(client, bob, district1):
    # when bob asks who he is
    client.force_login(bob)
    body = client.get("/api/accounts/me").json()
    # then he sees his district, his role and what it lets him do
    assert body["username"] == "bob"
    assert body["unit"] == {
        "id": district1.id,
        "path": district1.path,
        "name": district1.name,
        "name_hi": district1.name_hi,
        "level": "district",
    }
    assert body["roles"] == [Role.DISTRICT_INCHARGE]
    assert Capability.SEND_DIRECTIVES in body["capabilities"]


def test_me_for_a_volunteer_has_no_capabilities(client, charlie):
    client.force_login(charlie)
    body = client.get("/api/accounts/me").json()
    assert (body["roles"], body["capabilities"]) == ([Role.VOLUNTEER], [])


def test_me_needs_a_login(client, db):
    assert client.get("/api/accounts/me").status_code == 401


def test_admin_lists_and_edits_users_with_roles(client, tree, bob):
    # given a superuser
    root = make_user("root", tree.state)
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    # when they open the user list, bob's page and the role grants
    pages = [
        client.get("/admin/accounts/user/"),
        client.get(f"/admin/accounts/user/{bob.id}/change/"),
        client.get("/admin/accounts/user/add/"),
        client.get("/admin/accounts/rolegrant/"),
    ]
    # then every page renders, and bob's page carries his role inline
    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    assert 'name="roles-0-role"' in pages[1].content.decode()
    assert RoleGrant.objects.filter(user=bob).count() == 1
