"""Password change and reset for staff (issue #12), through Django's auth views."""

from __future__ import annotations

import re

from sampark.accounts.models import User
from sampark.core.models import AuditEvent

NEW = "Lal-Qila-1857-kesariya"


def _link(body: str) -> str:
    match = re.search(r"https?://\S+/account/password/reset/\S+/\S+/", body)
    assert match is not None, body
    return match.group(0)


def test_staff_change_their_password(client, alice):
    # given alice, logged in
    client.force_login(alice)
    assert client.get("/account/password/").status_code == 200
    # when she changes her password
    response = client.post(
        "/account/password/",
        {"old_password": "pw", "new_password1": NEW, "new_password2": NEW},
    )
    # then it is changed and audited, and she stays logged in
    assert response["Location"] == "/account/password/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert AuditEvent.objects.filter(verb="user.password_changed", object_id=alice.id).exists()
    assert client.get("/account/").status_code == 200


def test_a_weak_new_password_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(
        "/account/password/",
        {"old_password": "pw", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password("pw")


def test_the_reset_flow(client, alice, mailoutbox, settings):
    # given alice with an e-mail address
    settings.SITE_URL = "https://sampark.example.org"
    alice.email = "alice@example.org"
    alice.save()
    # when she asks for a reset
    response = client.post("/account/password/reset/", {"email": "ALICE@example.org"})
    # then one e-mail goes out through the configured backend with a link on SITE_URL
    assert response["Location"] == "/account/password/reset/sent/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.org"]
    link = _link(mailoutbox[0].body)
    assert link.startswith("https://sampark.example.org/account/password/reset/")
    # when she opens it and sets a new password
    path = link.removeprefix("https://sampark.example.org")
    form = client.get(path, follow=True)
    assert form.status_code == 200
    assert b'data-testid="password-set"' in form.content
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/account/password/reset/complete/"
    # then the new password logs her in, the change is audited, and the link is spent
    assert client.post("/login/", {"username": "alice", "password": NEW}).status_code == 302
    assert AuditEvent.objects.filter(verb="user.password_reset", object_id=alice.id).exists()
    client.logout()
    again = client.get(path, follow=True)
    assert b'data-testid="bad-link"' in again.content


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, alice, mailoutbox):
    response = client.post("/account/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/account/password/reset/sent/"
    assert mailoutbox == []


def test_the_reset_lifts_a_lockout(client, alice, mailoutbox):
    # given alice locked out by five wrong passwords
    alice.email = "alice@example.org"
    alice.save()
    for _ in range(5):
        client.post("/login/", {"username": "alice", "password": "wrong"})
    assert client.post("/login/", {"username": "alice", "password": "pw"}).status_code == 429
    # when she resets her password through her mailbox
    client.post("/account/password/reset/", {"email": "alice@example.org"})
    form = client.get("/" + _link(mailoutbox[0].body).split("/", 3)[3], follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    # then she can log in again at once
    assert client.post("/login/", {"username": "alice", "password": NEW}).status_code == 302


def test_the_reset_mail_and_pages_speak_hindi(client, alice, mailoutbox):
    alice.email = "alice@example.org"
    alice.save()
    page = client.get("/account/password/reset/", HTTP_ACCEPT_LANGUAGE="hi")
    assert "पासवर्ड" in page.content.decode()
    client.post(
        "/account/password/reset/", {"email": "alice@example.org"}, HTTP_ACCEPT_LANGUAGE="hi"
    )
    assert "पासवर्ड" in mailoutbox[0].subject
    assert "लिंक" in mailoutbox[0].body


def test_the_login_page_links_to_the_reset(client, db):
    assert b'data-testid="forgot-password"' in client.get("/login/").content


def test_only_staff_with_a_usable_password_get_a_mail(client, alice, mailoutbox):
    alice.email = "alice@example.org"
    alice.set_unusable_password()
    alice.save()
    client.post("/account/password/reset/", {"email": "alice@example.org"})
    assert mailoutbox == []
    assert User.objects.get(id=alice.id).has_usable_password() is False
