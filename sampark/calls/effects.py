"""What an answer on a call changes elsewhere, through the owning app's services.

- `opt_out` (and the `do_not_call` disposition): every consent the number gave is withdrawn on
  every channel (`people.services.consent_withdraw_channel`) and the number goes on our own
  do-not-call list, in the disposition's transaction.
- `correct_phone`: the number said on the call becomes a pending correction of the person's
  phone (`people.services.phone_correction_request`); an in-charge who sees the person confirms
  it on the person's page. The phone is the person's identity, so a call never changes it.
- `volunteer`: a volunteer seat on the person's booth awaiting the in-charge's verification
  (`recruit.services.volunteer_position_take`, the drive's own path), so it shows in the
  existing verification queue. With no birth date on record it needs the `adult` answer too.
- `register_event`: a registration for the campaign's event (`events.services`).

Each returns a short outcome for the audit row ("volunteer", "volunteer:booth_full", …); only
a number that is not a mobile refuses the disposition (the agent corrects what they typed).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from sampark.accounts.models import User
from sampark.calls.enums import Effect
from sampark.calls.models import Contact, DoNotCall
from sampark.events import services as events_services
from sampark.events.enums import RegistrationSource
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors
from sampark.people import services as people_services
from sampark.people.enums import ConsentChannel
from sampark.recruit import services as recruit_services

SOURCE = "call_centre"


def _booth(contact: Contact) -> Unit | None:
    if contact.unit.level == Level.BOOTH:
        return contact.unit
    booth, _positions = people_selectors.positions_and_booth(person=contact.person)
    return booth


def _volunteer(contact: Contact, *, adult: bool) -> str:
    booth = _booth(contact)
    if booth is None:
        return "volunteer:no_booth"
    try:
        took = recruit_services.volunteer_position_take(
            person_id=contact.person_id,
            booth=booth,
            referrer_id=None,
            via="call",
            age_confirmed=adult,
        )
    except ValidationError as exc:
        return f"volunteer:{exc.code or 'refused'}"
    return "volunteer" if took else "volunteer:already"


def _register(contact: Contact, *, agent: User) -> str:
    event_id = contact.campaign.event_id
    if event_id is None:
        return "register_event:no_event"
    try:
        events_services.registration_create(
            event_id=event_id,
            person_id=contact.person_id,
            source=RegistrationSource.DESK,
            actor=agent,
        )
    except ValidationError as exc:
        return f"register_event:{exc.code or 'refused'}"
    return "register_event"


def opt_out(phone: str) -> None:
    for channel in ConsentChannel.values:
        people_services.consent_withdraw_channel(phone=phone, channel=channel, source=SOURCE)
    DoNotCall.objects.get_or_create(phone=phone, defaults={"reason": "opted out on a call"})


def apply(*, contact: Contact, fired: list[tuple[str, object]], agent: User) -> list[str]:
    """Apply the fired (effect, answer) pairs; the outcomes, for the audit row."""
    adult = any(effect == Effect.ADULT for effect, _answer in fired)
    applied: list[str] = []
    for effect, answer in fired:
        if effect == Effect.OPT_OUT:
            opt_out(contact.person.phone)
            applied.append(effect)
        elif effect == Effect.CORRECT_PHONE:
            fix = people_services.phone_correction_request(
                person_id=contact.person_id, phone=str(answer), source=SOURCE
            )
            applied.append(effect if fix is not None else "correct_phone:same")
        elif effect == Effect.VOLUNTEER:
            applied.append(_volunteer(contact, adult=adult))
        elif effect == Effect.REGISTER_EVENT:
            applied.append(_register(contact, agent=agent))
    return applied
