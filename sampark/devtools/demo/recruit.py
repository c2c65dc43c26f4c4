"""Demo of recruitment drives: targets on Lucknow and its ACs, and three neighbours who
signed up through the demo booth volunteer's personal link (one verified by the sector
in-charge), so the drive page, the dashboards and the app's count show something."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from sampark.accounts.models import User
from sampark.geo import services as geo_services
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people import services as people_services
from sampark.people.enums import AssignmentStatus, VerifyMethod
from sampark.people.models import Assignment
from sampark.recruit import services as recruit_services
from sampark.recruit.models import Referral

NEIGHBOURS = (
    ("सुनीता यादव", "+919700000101", dt.date(1991, 3, 14)),
    ("मोहम्मद आरिफ़", "+919700000102", dt.date(1987, 8, 2)),
    ("कविता सिंह", "+919700000103", dt.date(1999, 11, 23)),
)
# The share of a full booth a district aims for in this drive.
DRIVE_SHARE = 0.6


def load() -> None:
    """Targets and referrals (idempotent: nothing is added twice)."""
    head = User.objects.filter(username="lucknow").select_related("unit").first()
    if head is None or head.unit is None:
        return
    _targets(head)
    volunteer = User.objects.filter(username="booth").select_related("person", "unit").first()
    sector_head = User.objects.filter(username="sector").first()
    if volunteer is None or volunteer.person is None or volunteer.unit is None:
        return
    if Referral.objects.filter(referrer=volunteer.person).exists():
        return
    booths = [
        volunteer.unit,
        *Unit.objects.filter(level=Level.BOOTH, sector_id=volunteer.unit.sector_id)
        .exclude(id=volunteer.unit.id)
        .order_by("number"),
    ]
    for name, phone, born in NEIGHBOURS:
        signup = recruit_services.volunteer_signup(
            name=name,
            phone=phone,
            date_of_birth=born,
            consents=[("volunteer_coordination", "sms"), ("campaign_updates", "whatsapp")],
            address="demo",
        )
        for booth in booths:  # the volunteer's booth, else a neighbouring one with a free seat
            try:
                recruit_services.volunteer_position_take(
                    person_id=signup.person_id,
                    booth=booth,
                    referrer_id=volunteer.person.id,
                    via="qr",
                )
            except ValidationError:
                continue
            break
    first = (
        Assignment.objects.filter(person__phone=NEIGHBOURS[0][1], status=AssignmentStatus.PENDING)
        .order_by("id")
        .first()
    )
    if first is not None and sector_head is not None:
        people_services.assignment_verify(
            assignment_id=first.id, actor=sector_head, method=VerifyMethod.INCHARGE
        )


def _targets(head: User) -> None:
    district = head.unit
    assert district is not None
    due = timezone.localdate() + dt.timedelta(days=60)
    full = int(settings.BOOTH_FULL_STAFF)
    units = [district, *Unit.objects.filter(level=Level.AC, district=district).order_by("number")]
    for unit in units:
        field = "district" if unit.level == Level.DISTRICT else "ac"
        booths = Unit.objects.filter(level=Level.BOOTH, **{field: unit}).count()
        if booths:
            geo_services.recruitment_target_set(
                unit_id=unit.id,
                volunteers=max(1, round(booths * full * DRIVE_SHARE)),
                due=due,
                note="Demo drive",
                actor=head,
            )
