"""Demo war room: incidents opened from the listening demo's narratives and alerts, response
templates in Hindi and English, one response waiting for the state head's approval, and this
week's 24×7 roster.

Run after the listening demo (and the fact-check demo, if any): incidents are opened by the
real services, so their severity, matches and SLA clocks are the services' own.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from sampark.accounts.models import User
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.monitoring.enums import AlertKind, NarrativeStatus
from sampark.monitoring.models import Alert, Narrative
from sampark.warroom.enums import DutyRole, Language
from sampark.warroom.models import Incident, ResponseTemplate, Shift
from sampark.warroom.services import incidents as incident_services
from sampark.warroom.services import responses as response_services
from sampark.warroom.services import templates as template_services

TEMPLATES: list[tuple[str, str, str]] = [
    (
        "खंडन (तथ्य-जाँच के साथ)",
        Language.HINDI,
        "सोशल मीडिया पर दावा किया जा रहा है: \u201c{claim}\u201d\n\n"
        "यह दावा {verdict} है। {publisher} ने इसकी जाँच की है: {factcheck_url}\n\n"
        "कृपया बिना जाँचे कोई भी संदेश आगे न भेजें।",
    ),
    (
        "छोटा खंडन",
        Language.HINDI,
        "\u201c{claim}\u201d — यह {verdict} है। पूरी जाँच: {factcheck_url} ({publisher})",
    ),
    (
        "Rebuttal (with fact-check)",
        Language.ENGLISH,
        "A claim is going around: \u201c{claim}\u201d\n\n"
        "It is {verdict}. {publisher} checked it: {factcheck_url}\n\n"
        "Please do not forward messages without checking them.",
    ),
    (
        "Short rebuttal",
        Language.ENGLISH,
        "\u201c{claim}\u201d is {verdict}. Full check by {publisher}: {factcheck_url}",
    ),
]
# Three eight-hour shifts a day (IST): night, morning, evening.
SHIFT_STARTS = (0, 8, 16)


def load(*, rng: random.Random, now: dt.datetime | None = None) -> dict[str, int]:
    """Idempotent: nothing when the war room already has incidents or templates."""
    if Incident.objects.exists() or ResponseTemplate.objects.exists():
        return {}
    now = now or timezone.now()
    head = User.objects.get(username="state-head")
    analyst = User.objects.get(username="analyst")
    templates = [
        template_services.template_save(actor=head, name=name, language=lang, body=body, unit=None)
        for name, lang, body in TEMPLATES
    ]
    incidents: list[Incident] = []
    narratives = Narrative.objects.filter(status=NarrativeStatus.ACTIVE).order_by(
        "-burst", "-velocity", "id"
    )[:3]
    for narrative in narratives:
        incident, created = incident_services.incident_open_from_narrative(
            narrative_id=narrative.id
        )
        if created:  # two narratives of one story share their incident
            incidents.append(incident)
    for alert in Alert.objects.filter(kind=AlertKind.WATCH).order_by("-last_at")[:2]:
        incident, created = incident_services.incident_open_from_alert(alert_id=alert.id)
        if created:
            incidents.append(incident)
    responses = 0
    if incidents:
        worked = incidents[0]
        incident_services.incident_assign(incident_id=worked.id, assignee=analyst, actor=analyst)
        worked.refresh_from_db()
        response = response_services.response_draft(
            incident_id=worked.id,
            author=analyst,
            template_hi_id=templates[0].id,
            template_en_id=templates[2].id,
        )
        responses = 1
        if response.fact_check_id is not None:
            response_services.response_submit(response_id=response.id, actor=analyst)
    shifts = _roster(now=now, head=head, analyst=analyst, rng=rng)
    return {
        "templates": len(templates),
        "incidents": len(incidents),
        "responses": responses,
        "shifts": shifts,
    }


def _roster(*, now: dt.datetime, head: User, analyst: User, rng: random.Random) -> int:
    """This week's roster of the state war room, with a hand-over note on the last shift."""
    state = Unit.objects.get(level=Level.STATE, path="UP")
    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    people = [analyst, head]
    extra = list(User.objects.filter(username__in=["lucknow", "kanpur"]).order_by("username"))
    rows: list[Shift] = []
    for day in range(7):
        date = monday + dt.timedelta(days=day)
        for n, hour in enumerate(SHIFT_STARTS):
            start = timezone.make_aware(dt.datetime.combine(date, dt.time(hour)))
            rows.append(
                Shift(
                    unit=state,
                    user=people[(day + n) % len(people)],
                    role=DutyRole.ANALYST if n != 1 else DutyRole.LEAD,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=8),
                    created_by=head,
                )
            )
            if hour == 8 and extra:
                rows.append(
                    Shift(
                        unit=state,
                        user=rng.choice(extra),
                        role=DutyRole.APPROVER,
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=8),
                        created_by=head,
                    )
                )
    Shift.objects.bulk_create(rows)
    last = Shift.objects.filter(unit=state, ends_at__lte=now).order_by("-ends_at", "-id").first()
    if last is not None:
        last.handover_note = (
            "EVM और नोट वाली अफवाहों पर नज़र रखें; एक जवाब राज्य प्रमुख की मंज़ूरी के लिए रुका है।"
        )
        last.save(update_fields=["handover_note"])
    return len(rows)
