"""Demo call centre: a call agent in Lucknow, a Hindi/English workshop script, and a campaign
calling Lucknow's booth presidents (who gave voice consent for volunteer coordination), with a
few calls already made so the wallboard has figures.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from sampark.accounts.enums import Role
from sampark.accounts.models import RoleGrant, User
from sampark.calls import services
from sampark.calls.enums import Category, Mode, SourceKind
from sampark.calls.models import Campaign
from sampark.devtools.demo.organisation import DEMO_PASSWORD
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people.models import Assignment, ConsentEvent

PURPOSE = "volunteer_coordination"
CONSENTING = 400

STEPS = [
    {
        "key": "attend",
        "kind": "single",
        "hi": "क्या आप इस रविवार जिला आईटी कार्यशाला में आएँगे?",
        "en": "Will you attend the district IT workshop this Sunday?",
        "options": [
            {"value": "yes", "hi": "हाँ", "en": "Yes", "next": "count"},
            {"value": "no", "hi": "नहीं", "en": "No", "next": "stop"},
        ],
    },
    {
        "key": "count",
        "kind": "number",
        "hi": "आपके बूथ से कितने साथी आएँगे?",
        "en": "How many from your booth will come?",
        "min": 0,
        "max": 20,
        "next": "topics",
    },
    {
        "key": "topics",
        "kind": "multi",
        "hi": "किन विषयों पर प्रशिक्षण चाहिए?",
        "en": "Which topics do you want training on?",
        "options": [
            {"value": "groups", "hi": "बूथ व्हाट्सऐप समूह", "en": "Booth WhatsApp groups"},
            {"value": "factcheck", "hi": "अफ़वाहों की जाँच", "en": "Checking rumours"},
            {"value": "app", "hi": "स्वयंसेवक ऐप", "en": "The volunteer app"},
        ],
        "next": "phone",
    },
    {
        "key": "stop",
        "kind": "single",
        "hi": "क्या आप आगे से कॉल नहीं चाहते?",
        "en": "Would you rather not be called again?",
        "effect": "opt_out",
        "when": "yes",
        "options": [
            {"value": "yes", "hi": "हाँ, कॉल न करें", "en": "Yes, do not call"},
            {"value": "no", "hi": "नहीं, कॉल कर सकते हैं", "en": "No, calls are fine"},
        ],
        "next": "phone",
    },
    {
        "key": "phone",
        "kind": "text",
        "hi": "यदि नंबर बदला है तो नया नंबर",
        "en": "New number, if it has changed",
        "effect": "correct_phone",
        "next": "",
    },
]


def load(*, rng: random.Random) -> None:
    """Idempotent: does nothing when the demo campaign exists."""
    if Campaign.objects.filter(name__startswith="लखनऊ").exists():
        return
    supervisor = User.objects.filter(username="call-supervisor").first()
    lucknow = Unit.objects.filter(level=Level.DISTRICT, name__iexact="Lucknow").first() or (
        Unit.objects.filter(level=Level.DISTRICT).order_by("number").first()
    )
    if supervisor is None or lucknow is None:
        return
    agent = User.objects.filter(username="call-agent").first()
    if agent is None:
        agent = User.objects.create_user(
            username="call-agent", password=DEMO_PASSWORD, unit=lucknow, first_name="Call"
        )
        RoleGrant.objects.create(user=agent, role=Role.CALL_AGENT)
    presidents = list(
        Assignment.objects.filter(
            unit__district=lucknow, kind__code="booth_president", ended_at__isnull=True
        )
        .order_by("id")
        .values_list("person_id", flat=True)[:CONSENTING]
    )
    ConsentEvent.objects.bulk_create(
        [
            ConsentEvent(
                person_id=pid,
                purpose=PURPOSE,
                channel="voice",
                action="given",
                notice_version="v1",
                source="demo",
                at=timezone.now() - dt.timedelta(days=rng.randint(10, 90)),
            )
            for pid in presidents
        ]
    )
    script = services.script_save(
        actor=supervisor, name="जिला कार्यशाला पुष्टि", unit=lucknow, steps=STEPS
    )
    campaign = services.campaign_create(
        actor=supervisor,
        name="लखनऊ: बूथ अध्यक्षों से कार्यशाला की पुष्टि",
        unit=lucknow,
        source=SourceKind.POSITIONS,
        purpose=PURPOSE,
        category=Category.SERVICE,
        position_codes=["booth_president"],
        script=script,
        mode=Mode.PREVIEW,
    )
    _some_calls(campaign=campaign, agent=agent, rng=rng)


def _some_calls(*, campaign: Campaign, agent: User, rng: random.Random) -> None:
    """A few calls made in the last hour (inside calling hours only: the rules decide)."""
    now = timezone.now()
    for n in range(6):
        at = now - dt.timedelta(minutes=50 - 8 * n)
        contact = services.contact_next(agent=agent, campaign=campaign, now=at)
        if contact is None:
            return
        attempt = services.call_start(agent=agent, contact_id=contact.id, now=at)
        answered = rng.random() < 0.6
        services.disposition_save(
            agent=agent,
            attempt_id=attempt.id,
            disposition="completed" if answered else "no_answer",
            answers={"attend": "yes", "count": str(rng.randint(1, 5))} if answered else {},
            now=at + dt.timedelta(minutes=rng.randint(2, 5)),
        )
