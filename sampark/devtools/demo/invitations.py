"""Demo of issue #13's invitations: a finished import of twelve volunteers in the Lucknow
in-charge's district (nine consented to operations messages by SMS, two of them also on
Telegram), invited by SMS; the worker expands and sends it (`/content/invitations/`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sampark.accounts.models import User
from sampark.content import invitations
from sampark.content.models import ChannelPreference
from sampark.people.enums import ConsentAction, ConsentPurpose
from sampark.people.models import ConsentEvent, ImportJob, Person

FILENAME = "demo-lucknow-volunteers.csv"
NAMES = [
    "सुनीता यादव",
    "अमित वर्मा",
    "रीना सिंह",
    "मोहम्मद आरिफ़",
    "कविता मौर्य",
    "राजेश पाल",
    "नेहा गुप्ता",
    "विनोद कुमार",
    "प्रिया शुक्ला",
    "संजय निषाद",
    "आरती देवी",
    "दीपक सोनकर",
]


def load() -> int:
    """Create the import and its invitation once (idempotent); the invitation's id, or 0."""
    lucknow = User.objects.filter(username="lucknow").select_related("unit").first()
    if lucknow is None or lucknow.unit is None:
        return 0
    if ImportJob.objects.filter(filename=FILENAME).exists():
        return 0
    now = timezone.now()
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=lucknow,
            scope=lucknow.unit,
            filename=FILENAME,
            status=ImportJob.Status.DONE,
            rows_total=len(NAMES),
            rows_created=len(NAMES),
            finished_at=now,
        )
        for n, name in enumerate(NAMES):
            person, _ = Person.objects.get_or_create(
                phone=f"+9160009{n:05d}",
                defaults={"name": name, "home_unit": lucknow.unit, "source": f"import:{job.id}"},
            )
            channels = ["sms", "telegram"] if n < 2 else ["sms"] if n < 9 else []
            if "telegram" in channels:
                ChannelPreference.objects.get_or_create(
                    person=person, defaults={"telegram_chat_id": str(880000 + n)}
                )
            for channel in channels:
                ConsentEvent.objects.create(
                    person=person,
                    purpose=ConsentPurpose.OPERATIONS,
                    channel=channel,
                    action=ConsentAction.GIVEN,
                    notice_version="v1",
                    source="demo",
                    at=now - dt.timedelta(days=1),
                )
        distribution = invitations.invitation_create(actor=lucknow, job_id=job.id, channel="sms")
    return distribution.id
