"""Attendance by position on the event page, and the drill-down from the host to the booth."""

from sampark.events import selectors
from sampark.events.models import Attendance, Registration


def _give_positions(registered: list[Registration]) -> None:
    Registration.objects.filter(id=registered[0].id).update(position="booth_president")
    Registration.objects.filter(id=registered[1].id).update(position="whatsapp_pramukh")
    Attendance.objects.create(
        event_id=registered[0].event_id,
        registration=registered[0],
        scanned_at=registered[0].created_at,
    )


def test_it_counts_registered_attended_and_no_show_by_position(alice, workshop, registered):
    # given two registrations of two positions, one attended
    _give_positions(registered)
    # when the positions are tallied for the host district
    rows = selectors.attendance_by_position(user=alice, event=workshop, unit=workshop.unit)
    # then each position has its row, in catalogue order
    got = [(r.code, r.registered, r.attended, r.no_show) for r in rows]
    assert got == [("booth_president", 1, 1, 0), ("whatsapp_pramukh", 1, 0, 1)]


def test_the_event_page_shows_positions_and_drills_to_the_booth(
    client, alice, workshop, registered, booth1
):
    # given the state head on the workshop's page
    _give_positions(registered)
    client.force_login(alice)
    # when they drill down from the district through AC, mandal and sector
    chain = [booth1.ac_id, booth1.mandal_id, booth1.sector_id]
    pages = [client.get(f"/events/{workshop.id}/")]
    pages += [client.get(f"/events/{workshop.id}/?unit={u}") for u in chain]
    # then every level answers with the positions table, and the sector's page lists booths
    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    for page in pages:
        assert 'data-testid="attendance-positions"' in page.content.decode()
    last = pages[-1].content.decode()
    assert booth1.display_name in last
    assert 'data-testid="attendance-up"' in last
    assert pages[-1].context["positions"][0].registered == 1


def test_a_unit_outside_the_event_is_a_404(client, alice, workshop, district2):
    client.force_login(alice)
    response = client.get(f"/events/{workshop.id}/?unit={district2.id}")
    assert response.status_code == 404
