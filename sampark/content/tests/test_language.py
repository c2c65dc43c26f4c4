"""A kit's history names its steps in the page's language (issue #11: the labels were marked
with an alias makemessages does not know, so they never reached the Hindi catalogue)."""

from __future__ import annotations

from django.urls import reverse


def test_kit_history_is_in_the_pages_language(client, alice, kit):
    client.force_login(alice)
    url = reverse("content:detail", args=[kit.id])
    client.cookies["django_language"] = "hi"
    hindi = client.get(url, HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "समीक्षा के लिए भेजा गया" in hindi
    assert "Sent for review" not in hindi
    assert "Sent for review" in english
