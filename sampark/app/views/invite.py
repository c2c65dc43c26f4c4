"""Bring a volunteer: my personal join link and its QR code, and how many people it brought
(issue #13 item 3). The link names my booth and me, so each sign-up through it is credited
to me; the in-charge still verifies them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sampark.app.views.common import no_person
from sampark.core.http import request_user
from sampark.people import selectors as people_selectors
from sampark.recruit import links, poster
from sampark.recruit import selectors as recruit_selectors


@login_required
@require_GET
def invite(request: HttpRequest) -> HttpResponse:
    person = request_user(request).person
    if person is None:
        return no_person(request)
    booth, _mine = people_selectors.positions_and_booth(person=person)
    context: dict[str, object] = {
        "booth": booth,
        "stats": recruit_selectors.referral_stats(person_id=person.id),
    }
    if booth is not None:
        url = links.join_url(unit_id=booth.id, referrer_id=person.id)
        context.update(
            url=url,
            qr=poster.qr_svg(
                links.join_url(unit_id=booth.id, referrer_id=person.id, via_qr=True), scale=6
            ),
        )
    return render(request, "app/pages/invite.html", context)
