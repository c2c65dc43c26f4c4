"""Services: sign-up de-duplication, positions, age rule, verification and the booth counter."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.core.models import AuditEvent
from sampark.geo.models import Unit
from sampark.people import services
from sampark.people.enums import AssignmentStatus, FlagKind, VerifyMethod
from sampark.people.models import Assignment, Person, PositionKind, SignupFlag
from sampark.people.staffing import booth_recount
from sampark.people.tests.factories import PersonFactory

IST = zoneinfo.ZoneInfo("Asia/Kolkata")


def _create(**overrides: Any) -> services.PersonCreateResult:
    fields: dict[str, Any] = {
        "name": "Ram Kumar",
        "phone": "98123 45610",
        "source": "test",
        "actor": None,
    }
    fields.update(overrides)
    return services.person_create(**fields)


def _volunteers(unit: Unit) -> int:
    unit.refresh_from_db(fields=["volunteers"])
    return unit.volunteers


# --- person_create ---


def test_it_creates_a_person_with_normalised_fields(tree, bob, booth1):
    # given a sign-up typed with Devanagari digits
    # when created
    result = _create(
        name="  राम   कुमार ",
        phone="०९८१२३ ४५६१०",
        epic="abc१२३४५६७",
        home_unit=booth1,
        actor=bob,
    )
    # then the person is stored in canonical form, and audited
    assert result.created is True
    assert result.flags == []
    person = result.person
    assert (person.name, person.phone, person.epic) == ("राम कुमार", "+919812345610", "ABC1234567")
    assert AuditEvent.objects.filter(
        verb="person.created", object_id=person.id, actor=bob, unit_path=booth1.path
    ).exists()


def test_it_returns_the_existing_person_for_a_known_phone(tree):
    # given a person registered with a phone
    first = _create(name="Ram Kumar", phone="9812345610").person
    # when the same person signs up again (same name, other spelling of the phone)
    again = _create(name="ram  KUMAR", phone="+91 98123 45610")
    # then no duplicate and no flag
    assert again.created is False
    assert again.person.id == first.id
    assert again.flags == []
    assert Person.objects.count() == 1
    assert not SignupFlag.objects.exists()


def test_it_flags_a_phone_reused_under_another_name(tree):
    # given a person registered with a phone
    first = _create(name="Ram Kumar").person
    # when someone signs up with the same phone under another name, twice
    result = _create(name="Shyam Lal")
    _create(name="Shyam Lal")
    # then the existing person is returned and flagged once, with the sign-up's name
    assert result.created is False
    assert result.person.id == first.id
    flag = SignupFlag.objects.get()
    assert (flag.person_id, flag.kind, flag.detail) == (
        first.id,
        FlagKind.PHONE_REUSED,
        "Shyam Lal",
    )
    assert result.flags == [flag]


def test_it_creates_but_flags_a_reused_epic(tree):
    # given a person with an EPIC
    first = _create(name="Ram Kumar", phone="9812345610", epic="ABC1234567").person
    # when another phone signs up with that EPIC
    result = _create(name="Ram K", phone="9812345611", epic="abc1234567")
    # then the person is created and flagged against the first
    assert result.created is True
    flag = SignupFlag.objects.get(kind=FlagKind.EPIC_REUSED)
    assert flag.person_id == result.person.id
    assert flag.other_person_id == first.id


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        pytest.param({"phone": "0522 2612345"}, "phone_not_mobile", id="landline_case"),
        pytest.param({"epic": "AB12"}, "epic_invalid", id="epic_case"),
        pytest.param({"name": "  "}, "name_required", id="blank_name_case"),
        pytest.param({"gender": "x"}, "gender_invalid", id="gender_case"),
        pytest.param({"date_of_birth": dt.date(2999, 1, 1)}, "dob_invalid", id="future_dob_case"),
    ],
)
def test_it_refuses_invalid_sign_ups(tree, overrides, code):
    with pytest.raises(ValidationError) as info:
        _create(**overrides)
    assert info.value.code == code
    assert not Person.objects.exists()


# --- assignment_create ---


def test_it_gives_a_pending_position(tree, bob, booth1, sita):
    # when bob puts Sita on booth 1
    a = services.assignment_create(person=sita, unit=booth1, kind_code="booth_president", actor=bob)
    # then she holds seat 1, pending, audited
    assert (a.status, a.seat, a.unit_id) == (AssignmentStatus.PENDING, 1, booth1.id)
    event = AuditEvent.objects.get(verb="assignment.created", object_id=a.id)
    assert event.data["age_confirmed"] is False
    assert event.unit_path == booth1.path


def test_it_refuses_a_position_of_another_level(tree, bob, booth1, sita):
    with pytest.raises(ValidationError) as info:
        services.assignment_create(
            person=sita, unit=booth1, kind_code="it_incharge_sector", actor=bob
        )
    assert info.value.code == "kind_level"


@time_machine.travel(dt.datetime(2025, 6, 1, 10, 0, tzinfo=IST), tick=False)
@pytest.mark.parametrize(
    ("born", "allowed"),
    [
        pytest.param(dt.date(2007, 6, 2), False, id="17_until_tomorrow_case"),
        pytest.param(dt.date(2007, 6, 1), True, id="18_today_case"),
        pytest.param(dt.date(2015, 1, 1), False, id="child_case"),
        pytest.param(dt.date(1960, 1, 1), True, id="adult_case"),
    ],
)
def test_it_refuses_minors(tree, bob, booth1, born, allowed):
    # given a person born on `born`, on 1 June 2025
    person = PersonFactory.create(date_of_birth=born)
    # when given a booth position
    if allowed:
        a = services.assignment_create(
            person=person, unit=booth1, kind_code="booth_president", actor=bob
        )
        assert a.status == AssignmentStatus.PENDING
    else:
        with pytest.raises(ValidationError) as info:
            services.assignment_create(
                person=person, unit=booth1, kind_code="booth_president", actor=bob
            )
        # then under-18s are refused even if the actor "confirms" their age
        assert info.value.code == "minor"
        assert not Assignment.objects.exists()


def test_it_needs_an_age_confirmation_without_date_of_birth(tree, bob, booth1):
    # given a person whose date of birth is unknown
    person = PersonFactory.create(date_of_birth=None)
    # when the actor does not confirm their age / then refused
    with pytest.raises(ValidationError) as info:
        services.assignment_create(
            person=person, unit=booth1, kind_code="booth_president", actor=bob
        )
    assert info.value.code == "age_unconfirmed"
    # when the actor confirms / then allowed, and the confirmation is in the audit row
    a = services.assignment_create(
        person=person, unit=booth1, kind_code="booth_president", actor=bob, age_confirmed=True
    )
    assert AuditEvent.objects.get(verb="assignment.created", object_id=a.id).data == {
        "person_id": person.id,
        "kind": "booth_president",
        "seat": 1,
        "age_confirmed": True,
    }


def test_it_picks_the_first_free_seat(tree, bob, booth1):
    # given a position with three seats, seat 1 and 2 taken, then seat 1 freed
    PositionKind.objects.filter(code="outreach_volunteer").update(seats=3)
    people = PersonFactory.create_batch(4)
    a1, a2 = (
        services.assignment_create(person=p, unit=booth1, kind_code="outreach_volunteer", actor=bob)
        for p in people[:2]
    )
    services.assignment_end(assignment_id=a1.id, actor=bob, reason="moved away")
    # when the next two people join
    b = services.assignment_create(
        person=people[2], unit=booth1, kind_code="outreach_volunteer", actor=bob
    )
    c = services.assignment_create(
        person=people[3], unit=booth1, kind_code="outreach_volunteer", actor=bob
    )
    # then the freed seat is reused first
    assert (a2.seat, b.seat, c.seat) == (2, 1, 3)
    # and a fourth active holder is refused
    with pytest.raises(ValidationError) as info:
        services.assignment_create(
            person=PersonFactory.create(), unit=booth1, kind_code="outreach_volunteer", actor=bob
        )
    assert info.value.code == "seats_full"


def test_it_refuses_two_staffing_positions_on_one_booth(tree, bob, booth1, booth2, sita):
    # given Sita is booth 1's president
    services.assignment_create(person=sita, unit=booth1, kind_code="booth_president", actor=bob)
    # when she is also made booth 1's WhatsApp pramukh / then refused
    with pytest.raises(ValidationError) as info:
        services.assignment_create(
            person=sita, unit=booth1, kind_code="whatsapp_pramukh", actor=bob
        )
    assert info.value.code == "two_booth_positions"
    # but she may serve on another booth
    services.assignment_create(person=sita, unit=booth2, kind_code="whatsapp_pramukh", actor=bob)


def test_it_refuses_positions_outside_the_actor_subtree(tree, bob, charlie, far_booth, sita):
    # bob may not staff District 2; charlie (volunteer) may not staff at all
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            person=sita, unit=far_booth, kind_code="booth_president", actor=bob
        )
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            person=sita, unit=far_booth, kind_code="booth_president", actor=charlie
        )


# --- verify and end ---


def test_second_verify_loses(tree, bob, alice, booth1, pending):
    # given a pending booth position verified by bob
    first = services.assignment_verify(
        assignment_id=pending.id, actor=bob, method=VerifyMethod.INCHARGE
    )
    # when alice verifies it too
    second = services.assignment_verify(
        assignment_id=pending.id, actor=alice, method=VerifyMethod.INCHARGE
    )
    # then only the first wins: one audit row, counter +1
    assert (first, second) == (True, False)
    assert AuditEvent.objects.filter(verb="assignment.verified", object_id=pending.id).count() == 1
    pending.refresh_from_db()
    assert (pending.status, pending.verify_method, pending.verified_by_id) == (
        AssignmentStatus.VERIFIED,
        VerifyMethod.INCHARGE,
        bob.id,
    )
    assert _volunteers(booth1) == 1


def test_it_does_not_count_incharge_positions(tree, bob, sita):
    # given a sector in-charge position
    sector = tree.sectors[0]
    a = services.assignment_create(
        person=sita, unit=sector, kind_code="it_incharge_sector", actor=bob
    )
    # when verified / then no booth counter moves
    assert services.assignment_verify(assignment_id=a.id, actor=bob, method=VerifyMethod.INCHARGE)
    assert sum(Unit.objects.filter(level="booth").values_list("volunteers", flat=True)) == 0


def test_it_refuses_verification_without_capability_or_scope(tree, dave, far_booth, far_person):
    # given a pending position in District 2
    a = services.assignment_create(
        person=far_person, unit=far_booth, kind_code="booth_president", actor=None
    )
    bob_d1 = make_user("bob2", tree.districts[0], Role.DISTRICT_INCHARGE)
    # then a District-1 in-charge may not verify it, and a volunteer may verify nothing
    with pytest.raises(PermissionDenied):
        services.assignment_verify(assignment_id=a.id, actor=bob_d1, method=VerifyMethod.INCHARGE)
    with pytest.raises(PermissionDenied):
        services.assignment_verify(assignment_id=a.id, actor=dave, method=VerifyMethod.INCHARGE)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.PENDING


def test_nobody_verifies_their_own_position(tree, bob, booth1, sita, pending):
    # given bob's user is linked to Sita's person record
    bob.person = sita
    bob.save(update_fields=["person"])
    # when bob verifies Sita's position / then refused
    with pytest.raises(PermissionDenied):
        services.assignment_verify(
            assignment_id=pending.id, actor=bob, method=VerifyMethod.INCHARGE
        )


def test_ending_a_verified_position_decrements_once(tree, bob, booth1, pending):
    # given a verified booth position
    services.assignment_verify(assignment_id=pending.id, actor=bob, method=VerifyMethod.INCHARGE)
    assert _volunteers(booth1) == 1
    # when ended twice
    first = services.assignment_end(assignment_id=pending.id, actor=bob, reason="moved away")
    second = services.assignment_end(assignment_id=pending.id, actor=bob, reason="again")
    # then the counter drops once and the end is audited with the previous status
    assert (first, second) == (True, False)
    assert _volunteers(booth1) == 0
    event = AuditEvent.objects.get(verb="assignment.ended", object_id=pending.id)
    assert event.data["was"] == AssignmentStatus.VERIFIED
    assert event.data["reason"] == "moved away"


def test_ending_a_pending_position_keeps_the_counter(tree, bob, booth1, pending):
    assert services.assignment_end(assignment_id=pending.id, actor=bob, reason="duplicate")
    assert _volunteers(booth1) == 0
    # and an ended position cannot be verified
    assert not services.assignment_verify(
        assignment_id=pending.id, actor=bob, method=VerifyMethod.INCHARGE
    )


def test_ending_needs_a_reason(tree, bob, pending):
    with pytest.raises(ValidationError):
        services.assignment_end(assignment_id=pending.id, actor=bob, reason="  ")


def test_holder_may_end_their_own_position(tree, booth1, sita, pending):
    # given Sita has a volunteer login of her own
    user = make_user("sita", booth1, Role.VOLUNTEER)
    user.person = sita
    user.save(update_fields=["person"])
    # when she resigns / then it ends
    assert services.assignment_end(assignment_id=pending.id, actor=user, reason="resigned")


def test_verify_does_not_take_otp(tree, bob, pending):
    with pytest.raises(ValueError, match="OTP"):
        services.assignment_verify(assignment_id=pending.id, actor=bob, method=VerifyMethod.OTP)


class _RollbackError(Exception):
    pass


OPS = st.lists(
    st.tuples(
        st.sampled_from(["create", "verify", "end"]),
        st.integers(min_value=0, max_value=5),  # person / assignment index
        st.integers(min_value=0, max_value=3),  # booth index
        st.sampled_from(["booth_president", "whatsapp_pramukh", "outreach_volunteer"]),
    ),
    max_size=30,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS)
def test_counter_equals_recount_after_any_sequence(tree, bob, ops):
    # given the booths of District 1 and six people
    booths = list(Unit.objects.filter(level="booth", district=tree.districts[0]).order_by("id"))
    try:
        with transaction.atomic():
            people = [PersonFactory.create() for _ in range(6)]
            made: list[Assignment] = []
            # when any sequence of create / verify / end runs (refusals included)
            for op, i, b, kind in ops:
                try:
                    if op == "create":
                        made.append(
                            services.assignment_create(
                                person=people[i],
                                unit=booths[b % len(booths)],
                                kind_code=kind,
                                actor=bob,
                            )
                        )
                    elif made and op == "verify":
                        services.assignment_verify(
                            assignment_id=made[i % len(made)].id,
                            actor=bob,
                            method=VerifyMethod.INCHARGE,
                        )
                    elif made:
                        services.assignment_end(
                            assignment_id=made[i % len(made)].id, actor=bob, reason="test"
                        )
                except ValidationError:
                    pass
            # then the incremental counters equal a full recount
            kept = dict(Unit.objects.filter(level="booth").values_list("id", "volunteers"))
            booth_recount()
            recounted = dict(Unit.objects.filter(level="booth").values_list("id", "volunteers"))
            assert kept == recounted
            raise _RollbackError
    except _RollbackError:
        pass


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_verifies_count_once(tree, bob, alice, booth1):
    # given a pending booth position
    person = PersonFactory.create()
    a = services.assignment_create(
        person=person, unit=booth1, kind_code="booth_president", actor=bob
    )
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def verify(actor):
        try:
            barrier.wait()
            results.append(
                services.assignment_verify(
                    assignment_id=a.id, actor=actor, method=VerifyMethod.INCHARGE
                )
            )
        finally:
            connection.close()

    # when two in-charges verify at the same moment
    threads = [threading.Thread(target=verify, args=(u,)) for u in (bob, alice)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one wins and the booth counts one volunteer
    assert sorted(results) == [False, True]
    assert _volunteers(booth1) == 1
    assert AuditEvent.objects.filter(verb="assignment.verified", object_id=a.id).count() == 1


def test_person_create_checks_the_actor(tree, dave, bob, far_booth):
    # a volunteer may not add people; bob may not place someone in District 2
    with pytest.raises(PermissionDenied):
        _create(actor=dave)
    with pytest.raises(PermissionDenied):
        _create(actor=bob, home_unit=far_booth)
    assert not Person.objects.exists()
