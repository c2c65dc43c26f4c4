"""Scoped reads: who sees whom, and phones masked unless the role may see them."""

from __future__ import annotations

import pytest
from django.http import Http404

from sampark.people import selectors, services
from sampark.people.tests.factories import PersonFactory


def test_persons_visible_by_position_or_home(tree, bob, alice, booth1, far_booth, sita, far_person):
    # given Sita lives in District 1, Ramesh in District 2 but holds a post on booth 1
    ramesh_post = services.assignment_create(
        person=far_person, unit=booth1, kind_code="booth_president", actor=bob
    )
    services.assignment_create(person=sita, unit=booth1, kind_code="whatsapp_pramukh", actor=bob)
    nowhere = PersonFactory.create(home_unit=None)
    # then bob sees both (each once), alice sees everyone placed, nobody sees the unplaced
    assert sorted(p.id for p in selectors.persons_visible(user=bob)) == sorted(
        [sita.id, far_person.id]
    )
    assert nowhere not in selectors.persons_visible(user=alice)
    # and when Ramesh's post on booth 1 ends, bob no longer sees him
    services.assignment_end(assignment_id=ramesh_post.id, actor=bob, reason="moved")
    assert list(selectors.persons_visible(user=bob)) == [sita]


def test_access_person_is_404_for_outsiders(tree, bob, charlie, sita, far_person):
    # charlie (District 2 volunteer) cannot reach bob's person, bob cannot reach District 2
    with pytest.raises(Http404):
        selectors.access_person(user=charlie, person_id=sita.id)
    with pytest.raises(Http404):
        selectors.access_person(user=bob, person_id=far_person.id)
    assert selectors.access_person(user=bob, person_id=sita.id) == sita


def test_access_assignment_is_404_for_outsiders(tree, bob, charlie, far_booth, far_person, pending):
    far = services.assignment_create(
        person=far_person, unit=far_booth, kind_code="booth_president", actor=None
    )
    with pytest.raises(Http404):
        selectors.access_assignment(user=charlie, assignment_id=pending.id)
    with pytest.raises(Http404):
        selectors.access_assignment(user=bob, assignment_id=far.id)
    assert selectors.access_assignment(user=bob, assignment_id=pending.id) == pending
    # a booth volunteer sees only his own booth, even inside his district
    assert charlie.unit_id != far_booth.id
    with pytest.raises(Http404):
        selectors.access_assignment(user=charlie, assignment_id=far.id)


def test_person_assignments_hides_positions_elsewhere(tree, bob, alice, booth1, far_booth, sita):
    services.assignment_create(person=sita, unit=booth1, kind_code="booth_president", actor=bob)
    services.assignment_create(
        person=sita, unit=far_booth, kind_code="booth_president", actor=alice
    )
    assert [a.unit_id for a in selectors.person_assignments(user=bob, person=sita)] == [booth1.id]
    assert len(selectors.person_assignments(user=alice, person=sita)) == 2


def test_assignments_for_unit_in_catalogue_order(tree, bob, booth1, django_assert_num_queries):
    for code in ("outreach_volunteer", "booth_president"):
        services.assignment_create(
            person=PersonFactory.create(), unit=booth1, kind_code=code, actor=bob
        )
    with django_assert_num_queries(1):
        rows = [(a.kind.code, a.person.name) for a in selectors.assignments_for_unit(unit=booth1)]
    assert [code for code, _name in rows] == ["booth_president", "outreach_volunteer"]


def test_phone_for_masks_unless_the_role_may_see_phones(tree, bob, dave, sita):
    assert selectors.phone_for(user=bob, person=sita) == "98123 45610"
    assert selectors.phone_for(user=dave, person=sita) == "98xxxxxx10"


def test_open_flags_are_scoped(tree, bob, charlie, sita, far_person):
    services.person_create(name="Someone Else", phone=sita.phone, source="test", actor=None)
    services.person_create(name="Another", phone=far_person.phone, source="test", actor=None)
    assert [f.person_id for f in selectors.open_flags(user=bob)] == [sita.id]


def test_phone_search_needs_the_see_phones_capability(tree, bob, dave, booth1, sita):
    # given Sita on booth 1 / when searching by a phone fragment
    # then bob finds her, dave (may not see phones) does not: search must not probe masks
    assert list(selectors.persons_for_list(user=bob, q="45610")) == [sita]
    assert list(selectors.persons_for_list(user=dave, q="45610")) == []
    assert list(selectors.persons_for_list(user=dave, q="सीता")) == [sita]


def test_consent_states_agree_with_consent_current_for_many_persons(db):
    import datetime as dt

    from sampark.people.models import ConsentEvent, Person
    from sampark.people.selectors import consent_current, consent_states

    # given one person who withdrew at the same instant as consenting, one who re-consented,
    # one with consent on another channel only
    at = dt.datetime(2027, 1, 1, 10, tzinfo=dt.UTC)
    tie, again, other = (
        Person.objects.create(name=n, phone=f"+91980000010{i}") for i, n in enumerate("abc")
    )
    for person, action, when, channel in [
        (tie, "given", at, "sms"),
        (tie, "withdrawn", at, "sms"),
        (again, "withdrawn", at, "sms"),
        (again, "given", at + dt.timedelta(hours=1), "sms"),
        (other, "given", at, "push"),
    ]:
        ConsentEvent.objects.create(
            person=person,
            purpose="volunteer_coordination",
            channel=channel,
            action=action,
            notice_version="v1",
            source="t",
            at=when,
        )
    # when read for all three at once
    states = consent_states(
        person_ids=[tie.id, again.id, other.id], purpose="volunteer_coordination", channels=["sms"]
    )
    # then each equals the one-person ledger's answer
    assert states == {(tie.id, "sms"): "withdrawn", (again.id, "sms"): "given"}
    for person in (tie, again):
        assert (
            consent_current(person=person)[("volunteer_coordination", "sms")].action
            == states[(person.id, "sms")]
        )


# --- reads for other apps ---------------------------------------------------------------------


def test_persons_by_ids_keeps_only_those_the_user_sees(tree, bob, charlie, sita, far_person):
    ids = [far_person.id, sita.id]
    # unscoped: both, by id; bob sees only Sita; charlie (another district's booth) neither
    assert selectors.persons_by_ids(person_ids=ids) == sorted(
        [sita, far_person], key=lambda p: p.id
    )
    assert selectors.persons_by_ids(person_ids=ids, user=bob) == [sita]
    assert selectors.persons_by_ids(person_ids=ids, user=charlie) == []


def test_person_by_phone_and_id(sita):
    assert selectors.person_by_phone(phone="+919812345610") == sita
    assert selectors.person_by_phone(phone="+919999999999") is None
    assert selectors.person_by_id(person_id=sita.id) == sita
    assert selectors.person_by_id(person_id=sita.id + 1000) is None


def test_booth_people_are_holders_residents_and_the_extra_ids(
    tree, bob, booth1, sita, far_person, far_booth
):
    # given Ramesh (District 2) holding an ended post on booth 1, and a third person elsewhere
    post = services.assignment_create(
        person=far_person, unit=booth1, kind_code="booth_president", actor=None
    )
    services.assignment_end(assignment_id=post.id, actor=bob, reason="moved")
    other = PersonFactory.create(name="Zoya", home_unit=far_booth)
    # then booth 1's people are its residents; an ended post does not count; extras are added
    assert selectors.booth_people(booth=booth1) == [sita]
    extra = type(other).objects.filter(id=other.id).values("id")
    assert selectors.booth_people(booth=booth1, also=extra) == [other, sita]  # by name


def test_position_kind_reads(tree):
    booth_codes = selectors.position_kind_codes(booth_only=True)
    assert booth_codes == [k.code for k in selectors.position_kinds() if k.counts_toward_staffing]
    assert {k.code for k in selectors.booth_position_kinds()} == set(booth_codes)
    assert len(selectors.position_kind_codes()) == len(selectors.position_kinds())
    # no codes: the booth volunteer kinds
    assert sorted(selectors.position_kind_ids(codes=[])) == sorted(
        k.id for k in selectors.booth_position_kinds()
    )
    [president] = selectors.position_kind_ids(codes=["booth_president"])
    assert president in selectors.position_kind_ids(codes=[])


def test_incharge_and_booth_assignments_leave_ended_ones_out(
    tree, bob, booth1, district1, sita, far_person
):
    # given Sita as district 1's IT-cell in-charge and booth 1's pramukh, and an ended post
    incharge = services.assignment_create(
        person=sita, unit=district1, kind_code="it_incharge_district", actor=None
    )
    pramukh = services.assignment_create(
        person=sita, unit=booth1, kind_code="whatsapp_pramukh", actor=bob
    )
    ended = services.assignment_create(
        person=far_person, unit=booth1, kind_code="booth_president", actor=bob
    )
    services.assignment_end(assignment_id=ended.id, actor=bob, reason="moved")
    kinds = [k.id for k in selectors.booth_position_kinds()]
    # then only the active ones are read, under a district or on the booth itself
    assert list(selectors.incharge_assignments(unit_ids=[district1.id, booth1.id])) == [incharge]
    assert list(selectors.booth_assignments(unit=district1, kind_ids=kinds)) == [pramukh]
    assert list(selectors.booth_assignments(unit=booth1, kind_ids=kinds)) == [pramukh]
    assert list(selectors.booth_assignments(unit=tree.state, kind_ids=[])) == []
