"""The join page's address: a signed token naming the unit and, for a personal link, the
volunteer who shares it. Signed, not numbered: nobody walks unit ids from the public page,
and a changed token is a 404. A printed poster must keep working, so tokens do not expire;
a unit's link changes only with SECRET_KEY."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "sampark.recruit.join"


@dataclass(frozen=True, slots=True)
class JoinTarget:
    unit_id: int
    referrer_id: int | None = None


def join_token(*, unit_id: int, referrer_id: int | None = None) -> str:
    payload: dict[str, int] = {"u": unit_id}
    if referrer_id is not None:
        payload["r"] = referrer_id
    # No timestamp: one unit (and referrer) always gets the same link, so posters agree.
    return signing.Signer(salt=_SALT).sign_object(payload, compress=True)


def read_token(token: str) -> JoinTarget | None:
    """The unit (and referrer) a token names, or None for a bad or tampered token."""
    if len(token) > 200:
        return None
    try:
        data = signing.Signer(salt=_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    unit_id, referrer_id = data.get("u"), data.get("r")
    if not isinstance(unit_id, int) or not (referrer_id is None or isinstance(referrer_id, int)):
        return None
    return JoinTarget(unit_id=unit_id, referrer_id=referrer_id)


def join_path(*, unit_id: int, referrer_id: int | None = None) -> str:
    return reverse(
        "volunteer:join", kwargs={"token": join_token(unit_id=unit_id, referrer_id=referrer_id)}
    )


def join_url(*, unit_id: int, referrer_id: int | None = None, via_qr: bool = False) -> str:
    """The absolute address printed on a poster or shared by a volunteer."""
    url = settings.SITE_URL.rstrip("/") + join_path(unit_id=unit_id, referrer_id=referrer_id)
    return url + ("?via=qr" if via_qr else "")
