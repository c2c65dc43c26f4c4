"""The tip sources are named in the page's language (issue #11): the system makes them when the
first tip comes in and stores the kind's label of that moment, Hindi or English."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from sampark.monitoring import services
from sampark.monitoring.enums import SourceKind


def test_a_tip_source_made_in_hindi_is_named_in_english_on_english_pages(client, alice, charlie):
    # given the first web tip arrived while the page spoke Hindi
    with translation.override("hi"):
        services.tip_submit(text="वोटिंग की तारीख बदल गई", user=charlie)
    client.force_login(alice)
    # when the sources page is read in English, then the tip source has its English name
    client.cookies["django_language"] = "en"
    english = client.get(reverse("monitoring:sources"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies["django_language"] = "hi"
    hindi = client.get(reverse("monitoring:sources"), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    with translation.override("hi"):
        hindi_name = str(SourceKind.TIP_FORM.label)
    assert "<td>Tips (web form)<div" in english
    assert hindi_name not in english
    assert f"<td>{hindi_name}<div" in hindi
