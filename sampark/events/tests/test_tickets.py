import re
import subprocess

import pytest
from django.core.exceptions import ValidationError

from sampark.events import selectors, services, tickets
from sampark.events.models import Registration
from sampark.events.tests.fixtures import make_person
from sampark.people.sms import locmem


def test_a_ticket_code_is_random_and_typable():
    # when many codes are made
    codes = {tickets.new_code() for _ in range(1000)}
    # then none repeats and each reads back when typed with a dash and in lower case
    assert len(codes) == 1000
    code = codes.pop()
    assert tickets.read(tickets.pretty(code).lower()) == (None, code)


def test_a_signed_ticket_reads_back_and_a_forged_one_does_not():
    # given a signed ticket
    token = tickets.sign(event_id=7, code="ABCDEFGHJK")
    # then it reads back, and changing the event in it breaks the signature
    assert tickets.read(token) == (7, "ABCDEFGHJK")
    forged = token.replace(token.split(":")[0], tickets.sign(event_id=8, code="X").split(":")[0])
    assert tickets.read(forged) is None
    assert tickets.read("garbage:zzz") is None


def test_capacity_then_waitlist_then_promotion(workshop, numbered, booth1):
    # given a workshop with two seats and three people
    ids = [make_person(f"P{i}", f"+91981234570{i}", booth1) for i in range(3)]
    # when all three register
    regs = [
        services.registration_create(event_id=workshop.id, person_id=i, source="app") for i in ids
    ]
    # then two are confirmed and the third waits
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted"]
    # when the first cancels
    assert services.registration_cancel(registration_id=regs[0].id)
    # then the waiting one gets the seat, and a second cancel is a no-op
    assert Registration.objects.get(id=regs[2].id).status == "confirmed"
    assert not services.registration_cancel(registration_id=regs[0].id)


def test_registering_twice_is_one_registration(workshop, volunteer):
    # when the same person taps register twice
    first = services.registration_create(
        event_id=workshop.id, person_id=volunteer.person_id, source="app"
    )
    second = services.registration_create(
        event_id=workshop.id, person_id=volunteer.person_id, source="app"
    )
    # then it is the same registration with one ticket
    assert first.id == second.id
    assert Registration.objects.filter(event=workshop).count() == 1


def test_a_closed_event_refuses_registration(workshop, volunteer):
    # given a closed event
    workshop.status = "closed"
    workshop.save()
    # then registering is refused
    with pytest.raises(ValidationError):
        services.registration_create(
            event_id=workshop.id, person_id=volunteer.person_id, source="app"
        )


def test_the_app_registers_in_one_tap_and_shows_the_ticket(client, workshop, volunteer):
    # given the volunteer in the app
    client.force_login(volunteer)
    page = client.get("/app/events/")
    assert "My events" in page.content.decode() or "मेरे कार्यक्रम" in page.content.decode()
    # when they tap register
    response = client.post(f"/app/events/{workshop.id}/register/", follow=True)
    # then the ticket page shows a QR and the code
    body = response.content.decode()
    assert 'data-testid="ticket-qr"' in body
    code = Registration.objects.get(event=workshop).ticket.code
    assert tickets.pretty(code) in body


def test_another_districts_event_is_404_in_the_app(client, workshop, charlie):
    # given charlie of district 2
    client.force_login(charlie)
    # when he tries to register for district 1's workshop
    response = client.post(f"/app/events/{workshop.id}/register/")
    # then it does not exist for him
    assert response.status_code == 404


def test_the_ticket_pdf_has_the_devanagari_name(client, workshop, volunteer, tmp_path):
    # given a registered volunteer with a Hindi name
    client.force_login(volunteer)
    client.post(f"/app/events/{workshop.id}/register/")
    # when they download the PDF
    response = client.get(f"/app/events/{workshop.id}/ticket.pdf")
    # then it is a PDF whose text holds the name as written
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "ticket.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # (pdftotext may split a word at a vowel sign; the shaping itself was checked by eye)
    assert "सीतादेवी" in "".join(text.split())


def test_a_walkin_registers_with_an_sms_code(client, workshop):
    # given the public page of the workshop
    locmem.outbox.clear()
    url = f"/events/e/{workshop.public_slug}/"
    # when a walk-in gives name and phone, then the code from the SMS
    response = client.post(url, {"name": "Ram Kumar", "phone": "9812345699"})
    assert response.status_code == 302
    code = re.search(r"\b(\d{6})\b", locmem.outbox[-1].text).group(1)  # type: ignore[union-attr]
    response = client.post(url + "confirm/", {"code": code})
    # then they land on their ticket
    assert response.status_code == 302
    ticket = client.get(response["Location"])
    assert 'data-testid="ticket-qr"' in ticket.content.decode()
    assert Registration.objects.get(event=workshop).source == "public"


def test_a_wrong_sms_code_registers_nobody(client, workshop):
    # given a walk-in waiting for their code
    url = f"/events/e/{workshop.public_slug}/"
    client.post(url, {"name": "Ram Kumar", "phone": "9812345698"})
    # when they type a wrong code
    response = client.post(url + "confirm/", {"code": "000000"})
    # then nothing is registered
    assert response.status_code == 200
    assert not Registration.objects.filter(event=workshop).exists()


def test_an_unknown_ticket_link_is_404(client, workshop):
    # when a made-up ticket link is opened
    response = client.get(
        "/events/t/" + tickets.sign(event_id=workshop.id, code="ABCDEFGHJK") + "/"
    )
    # then there is no such ticket
    assert response.status_code == 404


def test_my_events_lists_the_district_workshop(workshop, volunteer):
    # when the volunteer's events are read
    import datetime as dt

    rows = selectors.my_events(user=volunteer, now=workshop.starts_at - dt.timedelta(days=1))
    # then district 1's workshop is among them
    assert workshop.id in [r.event.id for r in rows]


def test_the_ticket_of_an_unregistered_volunteer_leads_to_the_list(client, workshop, volunteer):
    # given a volunteer who has not registered
    client.force_login(volunteer)
    # when they open the ticket address
    response = client.get(f"/app/events/{workshop.id}/ticket/")
    # then they are sent to My events to register
    assert response.status_code == 302
    assert response["Location"] == "/app/events/"
