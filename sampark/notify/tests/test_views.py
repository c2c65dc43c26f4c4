"""The inbox page, the unread badge, marking read (HTMX), preferences; others get 404."""

from __future__ import annotations

from django.urls import reverse

from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.notify import selectors, services
from sampark.notify.enums import Kind
from sampark.notify.models import Notification
from sampark.notify.services import Draft


def _notify(
    user: User, unit: Unit, signal: str = "directive:1", title: str = "Booth lists due"
) -> Notification:
    made = services.notification_create(
        user=user, draft=Draft(kind=Kind.DIRECTIVE, signal=signal, unit=unit, title=title)
    )
    assert made is not None
    return made


def test_the_inbox_shows_my_notifications_and_the_badge_counts_them(
    client, bob, district1, django_assert_max_num_queries
):
    # given two notifications for bob
    for i in range(2):
        _notify(bob, district1, signal=f"directive:{i}")
    client.force_login(bob)

    # when he opens the inbox and the badge
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notify:inbox"))
    badge = client.get(reverse("notify:badge"))

    # then both are listed and counted
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="notification"') == 2
    assert 'data-testid="notify-unread">2<' in badge.content.decode()


def test_mark_read_by_htmx_returns_the_row(client, bob, district1):
    # given an unread notification
    n = _notify(bob, district1)
    client.force_login(bob)

    # when bob marks it read through HTMX
    response = client.post(reverse("notify:read", args=[n.id]), HTTP_HX_REQUEST="true")

    # then the row comes back read and the count drops
    assert response.status_code == 200
    assert 'id="notification-' in response.content.decode()
    assert selectors.unread_count(user=bob) == 0


def test_someone_elses_notification_is_404(client, bob, charlie, alice, district1):
    # given a notification of bob's
    n = _notify(bob, district1)

    # when charlie (another district) or alice (above) asks for it
    for other in (charlie, alice):
        client.force_login(other)
        response = client.post(reverse("notify:read", args=[n.id]))
        api = client.post(f"/api/notify/{n.id}/read")
        # then it does not exist for them
        assert (response.status_code, api.status_code) == (404, 404)


def test_preferences_page_saves_channels_quiet_hours_and_digest(client, bob):
    # given bob on his preferences page
    client.force_login(bob)
    assert client.get(reverse("notify:preferences")).status_code == 200

    # when he chooses e-mail for approvals from high severity, and the digest
    response = client.post(
        reverse("notify:preferences"),
        {
            **{f"severity_{k}": "2" for k in Kind.values},
            "channels_approval": ["email"],
            "severity_approval": "3",
            "quiet_start": "21",
            "quiet_end": "6",
            "digest": "on",
        },
    )

    # then they are kept
    assert response.status_code == 302
    assert selectors.preferences_of(user=bob)[Kind.APPROVAL] == (["email"], 3)
    profile = selectors.profile_of(user=bob)
    assert (profile.quiet_start, profile.quiet_end, profile.digest) == (21, 6, True)


def test_the_api_lists_my_inbox(client, bob, district1):
    # given a notification
    _notify(bob, district1)
    client.force_login(bob)
    # when the API lists the inbox
    body = client.get("/api/notify/").json()
    # then it is there, unread
    assert body["unread"] == 1
    assert body["items"][0]["title"] == "Booth lists due"


def test_the_inbox_and_a_pulled_notification_read_in_hindi(client, bob, district1):
    # given a Hindi-first district in-charge and a new incident in his district
    from sampark.notify import pull
    from sampark.warroom.enums import Severity
    from sampark.warroom.services import incidents as incident_services

    incident_services.incident_open_manual(
        actor=bob, unit=district1, title="ईवीएम अफ़वाह", severity=Severity.HIGH
    )
    pull.new_incidents()
    client.force_login(bob)

    # when he opens the inbox in Hindi
    page = client.get(reverse("notify:inbox"), HTTP_ACCEPT_LANGUAGE="hi").content.decode()

    # then the page and the notification are in Hindi
    assert "मुझे कैसे बताया जाए" in page
    assert "नई घटना (ज़्यादा): ईवीएम अफ़वाह" in page
