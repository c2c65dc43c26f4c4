"""Group services: booth only, caps, links, rotation, counts history, consent on join, STOP."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from sampark.core.models import AuditEvent
from sampark.groups import services
from sampark.groups.enums import Platform
from sampark.groups.models import Group, GroupJoin, MemberCountReport
from sampark.groups.tests.factories import (
    TG_LINK,
    WA_LINK,
    WA_LINK_2,
    booth_in,
    make_group,
    make_person,
    volunteer_admin,
)
from sampark.people.enums import ConsentAction, ConsentChannel, ConsentPurpose
from sampark.people.models import ConsentEvent, Person

PHONE = "98123 45610"
E164 = "+919812345610"


@pytest.fixture
def booth(district1):
    return booth_in(district1)


@pytest.fixture
def group(booth):
    return make_group(booth=booth, member_count=10)


def test_it_creates_a_group_with_defaults_and_an_audit_row(bob, booth):
    # when an in-charge registers a WhatsApp group with a first count
    group = services.group_create(
        booth=booth,
        platform=Platform.WHATSAPP,
        name=" बूथ  1 – सूचना समूह ",
        member_count=12,
        actor=bob,
    )
    assert group.name == "बूथ 1 – सूचना समूह"
    assert group.created_by == bob
    # then the cap is WhatsApp's, a join token exists, and the count starts the history
    assert group.cap == 1024
    assert len(group.join_token) >= 16
    assert list(MemberCountReport.objects.filter(group=group).values_list("count", "delta")) == [
        (12, 12)
    ]
    assert AuditEvent.objects.filter(verb="booth_group.created", object_id=group.id).exists()


def test_telegram_groups_get_the_telegram_cap(booth):
    group = make_group(booth=booth, platform=Platform.TELEGRAM)
    assert group.cap == 200_000


def test_a_group_must_sit_on_a_booth(district1):
    with pytest.raises(ValidationError) as exc:
        make_group(booth=district1)
    assert exc.value.code == "not_booth"


@pytest.mark.parametrize(
    ("platform", "link"),
    [
        pytest.param(
            Platform.WHATSAPP, "https://example.com/AbCdEfGhIjKlMnOpQrSt", id="other_site_case"
        ),
        pytest.param(Platform.WHATSAPP, TG_LINK, id="telegram_link_on_whatsapp_case"),
        pytest.param(Platform.TELEGRAM, WA_LINK, id="whatsapp_link_on_telegram_case"),
        pytest.param(
            Platform.WHATSAPP, "http://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrSt", id="http_case"
        ),
    ],
)
def test_invite_links_are_validated_per_platform(booth, platform, link):
    with pytest.raises(ValidationError) as exc:
        make_group(booth=booth, platform=platform, invite_link=link)
    assert exc.value.code == "link_invalid"


def test_link_query_string_is_dropped():
    assert (
        services.clean_invite_link(platform=Platform.WHATSAPP, link=f" {WA_LINK}?mode=ac_t ")
        == WA_LINK
    )
    assert services.clean_invite_link(
        platform=Platform.TELEGRAM, link="https://t.me/joinchat/AbCdEfGhIjKl"
    )


def test_cap_cannot_exceed_the_platform(booth):
    with pytest.raises(ValidationError) as exc:
        make_group(booth=booth, cap=2000)
    assert exc.value.code == "cap_invalid"


@pytest.mark.parametrize(
    ("count", "code"),
    [
        pytest.param(1025, "count_above_cap", id="above_cap_case"),
        pytest.param(-1, "count_negative", id="negative_case"),
    ],
)
def test_member_count_is_refused_outside_zero_to_cap(group, count, code):
    with pytest.raises(ValidationError) as exc:
        services.member_count_report(group_id=group.id, count=count, actor=None)
    assert exc.value.code == code
    group.refresh_from_db()
    assert group.member_count == 10


def test_member_count_records_history_and_activity(bob, group):
    # when the in-charge reports a new count
    services.member_count_report(group_id=group.id, count=25, actor=bob)
    # then the group holds it, activity is now, and the history has the delta
    group.refresh_from_db()
    assert group.member_count == 25
    assert group.last_activity_at is not None
    assert list(group.count_reports.order_by("id").values_list("count", "delta")) == [
        (10, 10),
        (25, 15),
    ]


def test_volunteer_admin_may_run_only_their_own_group(booth, group):
    # given a volunteer who admins one group of the booth and not another
    other = make_group(booth=booth)
    volunteer = volunteer_admin(username="vimla", booth=booth, group=group)
    # then they may report on their group
    services.member_count_report(group_id=group.id, count=11, actor=volunteer)
    services.last_activity_attest(group_id=group.id, actor=volunteer)
    # but not on the other, and they may not manage even their own
    with pytest.raises(PermissionDenied):
        services.member_count_report(group_id=other.id, count=11, actor=volunteer)
    with pytest.raises(PermissionDenied):
        services.invite_rotate(group_id=other.id, invite_link=WA_LINK_2, actor=volunteer)
    with pytest.raises(PermissionDenied):
        services.group_update(group_id=group.id, name="x", actor=volunteer)


def test_incharge_outside_the_booth_may_not_create(district2, bob):
    with pytest.raises(PermissionDenied):
        services.group_create(
            booth=booth_in(district2), platform=Platform.WHATSAPP, name="x", actor=bob
        )


def test_rotation_changes_link_and_token(bob, group):
    old_token = group.join_token
    services.invite_rotate(group_id=group.id, invite_link=WA_LINK_2, actor=bob)
    group.refresh_from_db()
    assert group.invite_link == WA_LINK_2
    assert group.join_token != old_token
    assert group.invite_rotated_at is not None
    with pytest.raises(ValidationError) as exc:
        services.invite_rotate(group_id=group.id, invite_link=WA_LINK_2, actor=bob)
    assert exc.value.code == "link_unchanged"


def test_archive_is_first_writer_wins(bob, group):
    assert services.group_archive(group_id=group.id, actor=bob) is True
    assert services.group_archive(group_id=group.id, actor=bob) is False


def test_admins_must_be_visible_to_the_incharge(bob, booth, district2, group):
    # given a person living in district 2, outside bob's district
    stranger = make_person()
    stranger.home_unit = booth_in(district2)
    stranger.save()
    with pytest.raises(ValidationError):
        services.admins_set(group_id=group.id, person_ids=[stranger.id], actor=bob)
    # a person of bob's booth is accepted
    local = make_person()
    local.home_unit = booth
    local.save()
    services.admins_set(group_id=group.id, person_ids=[local.id], actor=bob)
    assert list(group.admins.values_list("id", flat=True)) == [local.id]


# --- citizens -----------------------------------------------------------------------------


@override_settings(SAMPARK_NOTICE_VERSION="2026-11-v3")
def test_join_records_consent_before_returning_the_link(group):
    # when a citizen joins with consent
    result = services.join_with_consent(
        group=group, name="Ramesh", phone=PHONE, adult=True, consent=True
    )
    # then the link comes back, the person exists by E.164 phone, with no home unit
    assert result.invite_link == WA_LINK
    assert result.person.phone == E164
    assert result.person.home_unit_id is None
    # and the ledger holds a group consent with the notice version and the group as source
    event = ConsentEvent.objects.get(person=result.person)
    assert (event.purpose, event.channel, event.action) == (
        ConsentPurpose.GROUP_MEMBERSHIP,
        ConsentChannel.WHATSAPP,
        ConsentAction.GIVEN,
    )
    assert event.notice_version == "2026-11-v3"
    assert event.source == f"invite:{group.id}"
    assert GroupJoin.objects.filter(group=group, person=result.person, left_at=None).count() == 1


def test_joining_twice_keeps_one_active_join(group):
    for _ in range(2):
        services.join_with_consent(
            group=group, name="Ramesh", phone=PHONE, adult=True, consent=True
        )
    assert GroupJoin.objects.filter(group=group).count() == 1
    assert ConsentEvent.objects.filter(person__phone=E164).count() == 2


def test_telegram_join_uses_the_telegram_channel(booth):
    group = make_group(booth=booth, platform=Platform.TELEGRAM)
    result = services.join_with_consent(
        group=group, name="Ramesh", phone=PHONE, adult=True, consent=True
    )
    assert ConsentEvent.objects.get(person=result.person).channel == ConsentChannel.TELEGRAM


@pytest.mark.parametrize(
    ("adult", "consent", "code"),
    [
        pytest.param(False, True, "minor", id="minor_case"),
        pytest.param(True, False, "consent_required", id="no_consent_case"),
    ],
)
def test_join_refuses_minors_and_missing_consent(group, adult, consent, code):
    with pytest.raises(ValidationError) as exc:
        services.join_with_consent(group=group, name="R", phone=PHONE, adult=adult, consent=consent)
    assert exc.value.code == code
    assert not Person.objects.filter(phone=E164).exists()
    assert not ConsentEvent.objects.exists()


def test_join_refuses_a_full_group(booth):
    group = make_group(booth=booth, cap=5, member_count=5)
    with pytest.raises(ValidationError) as exc:
        services.join_with_consent(group=group, name="R", phone=PHONE, adult=True, consent=True)
    assert exc.value.code == "full"
    assert not ConsentEvent.objects.exists()


def test_join_refuses_a_bad_phone(group):
    with pytest.raises(ValidationError):
        services.join_with_consent(group=group, name="R", phone="12345", adult=True, consent=True)
    assert not ConsentEvent.objects.exists()


def test_leave_withdraws_and_ends_the_join(group):
    joined = services.join_with_consent(
        group=group, name="Ramesh", phone=PHONE, adult=True, consent=True
    )
    assert services.leave(group=group, phone="+91 98123 45610") is True
    latest = ConsentEvent.objects.filter(person=joined.person).order_by("-id").first()
    assert latest is not None
    assert latest.action == ConsentAction.WITHDRAWN
    assert latest.source == f"leave:{group.id}"
    assert GroupJoin.objects.get(id=joined.join.id).left_at is not None
    # leaving again, or with a phone that never joined, changes nothing
    assert services.leave(group=group, phone=PHONE) is False
    assert services.leave(group=group, phone="99999 88888") is False


def test_stop_withdraws_every_group_consent_of_the_phone(booth):
    # given a citizen in a WhatsApp and a Telegram group, and another consent of theirs
    wa = make_group(booth=booth)
    tg = make_group(booth=booth, platform=Platform.TELEGRAM)
    joined = services.join_with_consent(group=wa, name="R", phone=PHONE, adult=True, consent=True)
    services.join_with_consent(group=tg, name="R", phone=PHONE, adult=True, consent=True)
    ConsentEvent.objects.create(
        person=joined.person,
        purpose=ConsentPurpose.EVENTS,
        channel=ConsentChannel.SMS,
        action=ConsentAction.GIVEN,
        notice_version="v1",
        source="test",
    )
    # when they reply STOP
    withdrawn = services.stop_keyword(phone=PHONE)
    # then both group consents are withdrawn, the other consent stays, and both joins end
    assert withdrawn == 2
    withdrawals = ConsentEvent.objects.filter(person=joined.person, action=ConsentAction.WITHDRAWN)
    assert sorted(withdrawals.values_list("channel", flat=True)) == ["telegram", "whatsapp"]
    assert not withdrawals.filter(purpose=ConsentPurpose.EVENTS).exists()
    assert not GroupJoin.objects.filter(person=joined.person, left_at=None).exists()
    # and a second STOP has nothing left to withdraw
    assert services.stop_keyword(phone=PHONE) == 0


def test_stop_from_an_unknown_phone_is_zero(db):
    assert services.stop_keyword(phone="98765 00000") == 0
    assert services.stop_keyword(phone="not a phone") == 0


def test_archived_group_takes_no_joins(bob, group):
    services.group_archive(group_id=group.id, actor=bob)
    group.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.join_with_consent(group=group, name="R", phone=PHONE, adult=True, consent=True)
    assert exc.value.code == "closed"
    assert Group.objects.get(id=group.id).archived_at is not None


# -- one registry of WhatsApp groups (issue #17) ------------------------------------------------


def test_export_channels_opened_outside_the_registry_are_adopted_once(bob, booth, district1):
    # given a group with its own export channel, and two channels listening opened before the
    # registry owned them: one at a booth, one at a district (no booth to register it at)
    from django.apps import apps as registry

    from sampark.groups.migrations import __name__ as migrations_package
    from sampark.monitoring.enums import SourceKind
    from sampark.monitoring.models import Source

    owned = make_group(booth=booth)
    services.export_source_link(group_id=owned.id, actor=bob)
    at_booth = Source.objects.create(
        kind=SourceKind.WHATSAPP_EXPORT, name="  Booth  group  ", unit=booth, interval_s=0
    )
    Source.objects.create(kind=SourceKind.WHATSAPP_EXPORT, name="District", unit=district1)
    # when they are adopted, twice (the service; the migration does the same)
    assert services.export_sources_adopt() == 1
    assert services.export_sources_adopt() == 0
    # then the booth's channel is owned by a registered WhatsApp group of that booth
    adopted = Group.objects.get(export_source=at_booth)
    assert (adopted.booth_id, adopted.platform, adopted.name) == (
        booth.id,
        "whatsapp",
        "Booth group",
    )
    assert adopted.cap == 1024
    assert Group.objects.count() == 2
    # and the migration adopts nothing more
    migration = __import__(f"{migrations_package}.0002_adopt_export_sources", fromlist=["adopt"])
    migration.adopt(registry, None)
    assert Group.objects.count() == 2
