import datetime as dt
import json

from sampark.events import selectors, services, tickets
from sampark.events.models import Attendance, Event, Gate, Registration, Scan

T0 = dt.datetime(2026, 12, 21, 5, 0, tzinfo=dt.UTC)


def _scan(client_id: str, code: str, minutes: int = 0) -> services.ScanIn:
    return services.ScanIn(client_id, code, T0 + dt.timedelta(minutes=minutes))


def _token(reg: Registration) -> str:
    return tickets.sign(event_id=reg.event_id, code=reg.ticket.code)


def test_a_ticket_admits_once_whatever_the_gate(gate, registered, workshop):
    # given a second gate
    other = Gate.objects.create(event=workshop, name="Gate B")
    reg = registered[0]
    # when the ticket is scanned at gate A, then at gate B
    first = services.scans_sync(gate_id=gate.id, scans=[_scan("a1", _token(reg))])
    second = services.scans_sync(gate_id=other.id, scans=[_scan("b1", _token(reg), 5)])
    # then A admits, B says duplicate, and there is one attendance
    assert first[0].result == "admitted"
    assert first[0].name == "Worker 0"
    assert second[0].result == "duplicate"
    assert Attendance.objects.filter(registration=reg).count() == 1


def test_a_retried_sync_answers_the_same_and_records_nothing(gate, registered):
    # given a synced scan
    scan = _scan("a1", _token(registered[0]))
    services.scans_sync(gate_id=gate.id, scans=[scan])
    # when the same batch is sent again (the answer was lost)
    again = services.scans_sync(gate_id=gate.id, scans=[scan])
    # then it is still "admitted" and nothing new is stored
    assert again[0].result == "admitted"
    assert Scan.objects.count() == 1
    assert Attendance.objects.count() == 1


def test_reordered_scans_keep_the_earliest_time(gate, registered, workshop):
    # given two gates that scanned the same person offline, the later one syncing first
    other = Gate.objects.create(event=workshop, name="Gate B")
    token = _token(registered[0])
    services.scans_sync(gate_id=other.id, scans=[_scan("b1", token, minutes=30)])
    # when the earlier scan arrives
    services.scans_sync(gate_id=gate.id, scans=[_scan("a1", token, minutes=1)])
    # then the one attendance has the earlier time and gate
    attendance = Attendance.objects.get()
    assert attendance.scanned_at == T0 + dt.timedelta(minutes=1)
    assert attendance.gate_id == gate.id


def test_a_typed_code_admits(gate, registered):
    # when the code is typed with a dash, in small letters
    out = services.scans_sync(
        gate_id=gate.id, scans=[_scan("t1", tickets.pretty(registered[1].ticket.code).lower())]
    )
    # then the person is in
    assert out[0].result == "admitted"


def test_foreign_unknown_and_cancelled_tickets_are_refused(gate, registered, season, numbered):
    # given a ticket of another event, a made-up code and a cancelled registration
    other_event = Event.objects.get(season=season, unit=numbered.districts[1])
    foreign = tickets.sign(event_id=other_event.id, code=registered[0].ticket.code)
    services.registration_cancel(registration_id=registered[1].id)
    # when they are scanned
    out = services.scans_sync(
        gate_id=gate.id,
        scans=[
            _scan("f1", foreign),
            _scan("u1", "ZZZZZ-ZZZZZ"),
            _scan("x1", "not a ticket"),
            _scan("c1", _token(registered[1])),
        ],
    )
    # then each gets its red answer and nobody is admitted
    assert [o.result for o in out] == ["foreign", "unknown", "unknown", "cancelled"]
    assert not Attendance.objects.exists()


def test_the_sync_api_is_idempotent_and_scoped(client, bob, charlie, gate, registered):
    # given bob (district 1) at the gate
    client.force_login(bob)
    body = {
        "scans": [
            {"client_id": "s1", "code": _token(registered[0]), "scanned_at": T0.isoformat()},
            {"client_id": "s2", "code": _token(registered[0]), "scanned_at": T0.isoformat()},
        ]
    }
    url = f"/api/events/gates/{gate.id}/sync"
    # when the batch is posted twice
    first = client.post(url, json.dumps(body), content_type="application/json").json()
    again = client.post(url, json.dumps(body), content_type="application/json").json()
    # then the answers agree and the second scan of the batch is the duplicate
    assert [r["result"] for r in first["results"]] == ["admitted", "duplicate"]
    assert again == first
    assert Attendance.objects.count() == 1
    # and charlie (district 2) finds no such gate
    client.force_login(charlie)
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 404


def test_the_gate_downloads_its_tickets_in_pages(client, bob, gate, registered):
    # given bob at the gate
    client.force_login(bob)
    # when the tickets are fetched one at a time
    page = client.get(f"/api/events/gates/{gate.id}/tickets?limit=1").json()
    rest = client.get(f"/api/events/gates/{gate.id}/tickets?after={page['next_after']}").json()
    # then both tickets come, with names
    codes = {t["code"] for t in page["tickets"] + rest["tickets"]}
    assert codes == {r.ticket.code for r in registered}


def test_a_walkin_at_the_gate_is_registered_and_admitted(client, bob, gate):
    # given bob at the gate
    client.force_login(bob)
    # when he registers a walk-in
    client.post(f"/events/gates/{gate.id}/walkin/", {"name": "Mohan", "phone": "9812345677"})
    # then they are in
    attendance = Attendance.objects.select_related("registration").get()
    assert attendance.registration.source == "gate"


def test_attendance_against_target_and_no_shows(client, bob, gate, registered, workshop, numbered):
    # given one of two registered people came
    services.scans_sync(gate_id=gate.id, scans=[_scan("a1", _token(registered[0]))])
    # when bob reads the district's attendance
    _unit, rows = selectors.attendance_by_unit(user=bob, event=workshop)
    # then the AC of booth 1 has 2 registered, 1 attended, 1 no-show, and a target
    first = rows[0]
    assert (first.registered, first.attended, first.no_show) == (2, 1, 1)
    assert first.target > 0
    # and the no-show list (the calls app's selector) names the other person
    assert [n.name for n in selectors.no_shows(event_id=workshop.id)] == ["Worker 1"]
    # and the CSV export carries them
    client.force_login(bob)
    csv = client.get(f"/events/{workshop.id}/no-shows.csv").content.decode("utf-8-sig")
    assert "Worker 1,+919812345611" in csv


def test_the_event_page_is_404_outside(client, charlie, workshop):
    # given charlie of district 2
    client.force_login(charlie)
    # when he opens district 1's event page
    # then it does not exist
    assert client.get(f"/events/{workshop.id}/").status_code == 404


def test_the_event_page_shows_attendance(
    client, bob, workshop, registered, django_assert_max_num_queries
):
    # given bob
    client.force_login(bob)
    # when he opens the event page
    with django_assert_max_num_queries(25):
        response = client.get(f"/events/{workshop.id}/")
    # then the attendance table is there
    assert b'data-testid="attendance"' in response.content


def test_the_list_links_only_events_of_ones_own_area(client, bob, season, numbered):
    # given bob of district 1
    client.force_login(bob)
    # when he opens the events list
    body = client.get("/events/").content.decode()
    # then district 1's workshop links to its page and district 2's does not appear
    own = Event.objects.get(season=season, unit=numbered.districts[0])
    other = Event.objects.get(season=season, unit=numbered.districts[1])
    assert f"/events/{own.id}/" in body
    assert f"/events/{other.id}/" not in body
