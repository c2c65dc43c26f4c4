"""War-room pages speak the page's language (issue #11): the timeline's state changes and
severities, "SLA" and the official accounts' states are labels, never stored values."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from sampark.warroom.enums import IncidentState, Severity
from sampark.warroom.models import Incident
from sampark.warroom.services import triage as triage_services

RAW = ("awaiting_approval", "responding", "triaged", "not_configured")


@pytest.fixture
def moved(alice, submitted):
    """An incident triaged, responding, with a response awaiting approval (its timeline holds
    the raw states), and one official account on record."""
    incident = Incident.objects.get(id=submitted.incident_id)
    submitted.official = {"@sampark_up": {"status": "not_configured"}}
    submitted.save(update_fields=["official"])
    return incident


def _get(client, url: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_timeline_names_states_in_hindi_on_hindi_pages(client, alice, moved):
    # given the incident's timeline, which stores "responding" → "awaiting_approval"
    client.force_login(alice)
    # when alice opens it in Hindi
    html = _get(client, reverse("warroom:incident", args=[moved.id]), "hi")
    # then every state is its Hindi label, never the stored value
    timeline = html[html.index('data-testid="timeline"') :]
    assert "स्वीकृति की प्रतीक्षा में" in timeline  # awaiting approval
    assert "जवाब दिया जा रहा है" in timeline  # responding
    for raw in RAW:
        assert raw not in timeline.replace('data-testid="to-', "")


def test_the_timeline_names_states_in_english_on_english_pages(client, alice, moved):
    client.force_login(alice)
    html = _get(client, reverse("warroom:incident", args=[moved.id]), "en")
    timeline = html[html.index('data-testid="timeline"') :]
    assert "Responding → Awaiting approval" in timeline
    for raw in RAW:
        assert raw not in timeline


def test_a_severity_in_the_timeline_is_a_label(client, alice, moved):
    # given a triage event that recorded the incident's severity (a number)
    triage_services.incident_triage(incident_id=moved.id, actor=alice)
    severity = Incident.objects.get(id=moved.id).severity
    client.force_login(alice)
    # when the timeline is read in Hindi and in English
    hindi = _get(client, reverse("warroom:incident", args=[moved.id]), "hi")
    english = _get(client, reverse("warroom:incident", args=[moved.id]), "en")
    # then the severity is named, in the page's language
    with translation.override("hi"):
        assert f"{gettext('severity')} {Severity(severity).label}" in hindi
    with translation.override("en"):
        assert f"severity {Severity(severity).label}" in english
    assert f"severity {severity}" not in english


@pytest.mark.parametrize("name", ["warroom:board", "warroom:queue"])
def test_sla_is_said_in_hindi(client, alice, moved, name):
    client.force_login(alice)
    hindi = _get(client, reverse(name), "hi")
    english = _get(client, reverse(name), "en")
    assert "SLA" not in hindi.split("<main>", 1)[1]
    assert "SLA" in english.split("<main>", 1)[1]


def test_official_account_states_are_labels(client, alice, submitted, moved):
    Incident.objects.filter(id=moved.id).update(state=IncidentState.PUBLISHED)
    type(submitted).objects.filter(id=submitted.id).update(state="published")
    client.force_login(alice)
    hindi = _get(client, reverse("warroom:response", args=[submitted.id]), "hi")
    english = _get(client, reverse("warroom:response", args=[submitted.id]), "en")
    assert "@sampark_up: कॉन्फ़िगर नहीं" in hindi
    assert "@sampark_up: Not configured" in english
