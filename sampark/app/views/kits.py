"""Today's kits: the list, one kit with its share buttons, "I forwarded this to N groups", its
media (resized for slow connections), the public link a forwarded kit carries, and the short
link of an SMS notice.

WhatsApp is never sent to: the "Share to WhatsApp" button is a wa.me link that opens the
volunteer's own WhatsApp. Deliveries come from `content_selectors.access_own_delivery`: anyone
else's is a 404.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, replace
from io import BytesIO
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST
from PIL import Image, UnidentifiedImageError

from sampark.app.forms import MAX_GROUPS, ForwardForm
from sampark.app.views.common import no_person
from sampark.content import selectors as content_selectors
from sampark.content import services as content_services
from sampark.content.enums import DistributionKind, ItemState, MediaKind
from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.groups import selectors as groups_selectors

if TYPE_CHECKING:
    from sampark.content.models import ContentItem, Delivery, MediaAsset
    from sampark.people.models import Person

KITS_SHOWN = 30
# Sizes (longest side, px) of the resized images the app shows on slow connections.
IMAGE_SIZES = {"thumb": 240, "screen": 720}
# Links already forwarded in WhatsApp groups carry tokens signed with this salt: keep it.
SHARE_SALT = "sampark.content.app.share"


# -- what a kit looks like in the app ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Kit:
    delivery: Delivery
    item: ContentItem
    language: str
    text: str
    images: list[MediaAsset]
    videos: list[MediaAsset]
    pdfs: list[MediaAsset]
    withdrawn: bool
    expired: bool
    share_text: str = ""

    @property
    def wa_link(self) -> str:
        return "https://wa.me/?text=" + quote(self.share_text, safe="") if self.share_text else ""

    @property
    def shareable(self) -> bool:
        return not (self.withdrawn or self.expired)

    @property
    def thumb(self) -> MediaAsset | None:
        return self.images[0] if self.images else None


def _kit(delivery: Delivery, language: str, request: HttpRequest | None = None) -> Kit:
    """The kit as the app shows it; with `request`, also the text to share (with its link)."""
    item = delivery.distribution.item
    media = list(item.media.all())  # prefetched by selectors.kits_for
    withdrawn = (
        delivery.distribution.kind == DistributionKind.RECALL
        or item.state == ItemState.RECALLED
        or item.recalled_at is not None
    )
    expired = item.state == ItemState.EXPIRED or (
        item.expires_at is not None and item.expires_at <= timezone.now()
    )
    kit = Kit(
        delivery=delivery,
        item=item,
        language=language,
        text=item.text_for(language),
        images=[m for m in media if m.kind == MediaKind.IMAGE],
        videos=[m for m in media if m.kind == MediaKind.VIDEO],
        pdfs=[m for m in media if m.kind == MediaKind.PDF],
        withdrawn=withdrawn,
        expired=expired,
    )
    if request is None or not kit.shareable:
        return kit
    return replace(kit, share_text=share_text(request, kit))


def _kit_language(request: HttpRequest, person: Person) -> str:
    """?lang= on the page, else the language the person chose for kits, else the page's."""
    asked = request.GET.get("lang", "")
    if asked in ("hi", "en"):
        return asked
    preference = content_selectors.preference_of(person_id=person.id)
    chosen = preference.language if preference is not None else ""
    if chosen:
        return "en" if chosen.startswith("en") else "hi"
    return "en" if (get_language() or "hi").startswith("en") else "hi"


def share_token(media: MediaAsset) -> str:
    return signing.dumps(media.id, salt=SHARE_SALT)


def share_text(request: HttpRequest, kit: Kit) -> str:
    """The kit's text plus one public link to its main media (video first: it cannot ride in
    the text), which group members can open without an account."""
    candidates = kit.videos or kit.images or kit.pdfs
    if not candidates:
        return kit.text
    main = candidates[0]
    link = request.build_absolute_uri(reverse("app:shared_media", args=[share_token(main)]))
    return f"{kit.text}\n\n{link}" if kit.text else link


def _groups_admined(person: Person) -> int:
    return groups_selectors.groups_admined_by(person_id=person.id).count()


# -- pages -------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Today's kits: newest first, one card per kit (a take-down notice replaces its kit)."""
    person = _user(request).person
    if person is None:
        return no_person(request)
    language = _kit_language(request, person)
    kits: list[Kit] = []
    seen: set[int] = set()
    for delivery in content_selectors.kits_for(person_id=person.id)[:KITS_SHOWN]:
        item_id = delivery.distribution.item_id
        if item_id in seen:
            continue
        seen.add(item_id)
        kits.append(_kit(delivery, language, request))
    return render(request, "app/pages/home.html", {"kits": kits, "person": person})


@login_required
@require_GET
def short_link(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """`/k/<id>`: the link in an SMS notice (DLT variables hold 30 characters at most)."""
    delivery = content_selectors.access_own_delivery(user=_user(request), delivery_id=delivery_id)
    return redirect("app:kit", delivery_id=delivery.id)


@login_required
@require_GET
def kit_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """One kit: read it, share it from one's own phone, say how many groups got it."""
    user = _user(request)
    delivery = content_selectors.access_own_delivery(user=user, delivery_id=delivery_id)
    assert user.person is not None  # access_own_delivery answers 404 without one
    content_services.delivery_open(delivery_id=delivery.id, person=user.person)
    return _render_kit(request, delivery, user.person)


def _render_kit(
    request: HttpRequest,
    delivery: Delivery,
    person: Person,
    *,
    form: ForwardForm | None = None,
    status: int = 200,
) -> HttpResponse:
    kit = _kit(delivery, _kit_language(request, person), request)
    if form is None:
        default = delivery.forwarded_groups or _groups_admined(person) or 1
        form = ForwardForm(initial={"groups": min(max(default, 1), MAX_GROUPS)})
    share_image = kit.images[0] if kit.images else None
    context: dict[str, Any] = {
        "kit": kit,
        "share_text": kit.share_text,
        "wa_link": kit.wa_link,
        "share_image": share_image,
        "form": form,
        "max_groups": MAX_GROUPS,
    }
    return render(request, "app/pages/kit.html", context, status=status)


@login_required
@require_POST
def kit_forwarded(request: HtmxRequest, delivery_id: int) -> HttpResponse:
    """ "I forwarded this to N groups"."""
    user = _user(request)
    delivery = content_selectors.access_own_delivery(user=user, delivery_id=delivery_id)
    assert user.person is not None
    form = ForwardForm(request.POST)
    if form.is_valid():
        try:
            delivery = content_services.delivery_forwarded(
                delivery_id=delivery.id, person=user.person, groups=form.cleaned_data["groups"]
            )
        except content_services.ContentError as exc:
            form.add_error("groups", str(exc))
    if not form.is_valid():
        if request.htmx:
            return render(
                request,
                "app/partials/forward.html",
                {"delivery": delivery, "form": form, "max_groups": MAX_GROUPS},
                status=422,
            )
        return _render_kit(request, delivery, user.person, form=form, status=422)
    if request.htmx:
        return render(
            request,
            "app/partials/forward.html",
            {"delivery": delivery, "form": form, "max_groups": MAX_GROUPS, "thanked": True},
        )
    return redirect("app:kit", delivery_id=delivery.id)


def _resized(asset: MediaAsset, size: str) -> tuple[Any, str]:
    """(open file, mime) of a JPEG no larger than IMAGE_SIZES[size], made once and kept."""
    name = f"content/{asset.item_id}/resized/{asset.id}-{size}-{asset.sha256[:12]}.jpg"
    if not default_storage.exists(name):
        try:
            with asset.file.open("rb") as raw, Image.open(raw) as image:
                image.thumbnail((IMAGE_SIZES[size], IMAGE_SIZES[size]))
                out = BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=72, optimize=True, progressive=True)
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError):
            return asset.file.open("rb"), asset.mime
        default_storage.save(name, ContentFile(out.getvalue()))
    return default_storage.open(name, "rb"), "image/jpeg"


def _file_response(asset: MediaAsset, *, size: str, download: bool, public: bool) -> FileResponse:
    if asset.kind == MediaKind.IMAGE and size in IMAGE_SIZES:
        handle, mime = _resized(asset, size)
    else:
        handle, mime = asset.file.open("rb"), asset.mime
    response = FileResponse(
        handle,
        content_type=mime or mimetypes.guess_type(asset.filename)[0] or "application/octet-stream",
        as_attachment=download,
        filename=asset.filename,
    )
    # Kits change only by being withdrawn; a short public life lets a recall take effect.
    response["Cache-Control"] = "public, max-age=600" if public else "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def kit_media(request: HttpRequest, delivery_id: int, media_id: int) -> FileResponse:
    """A media file of one of my kits (`?size=thumb|screen` for a small JPEG, `?download=1`)."""
    user = _user(request)
    delivery = content_selectors.access_own_delivery(user=user, delivery_id=delivery_id)
    kit = _kit(delivery, "hi")
    asset = next((m for m in delivery.distribution.item.media.all() if m.id == media_id), None)
    if asset is None or kit.withdrawn:
        raise Http404
    return _file_response(
        asset,
        size=request.GET.get("size", ""),
        download=request.GET.get("download") == "1",
        public=False,
    )


@require_GET
def shared_media(request: HttpRequest, token: str) -> FileResponse:
    """The public link in a forwarded kit: its media, while the kit may still be shared."""
    try:
        media_id = int(signing.loads(token, salt=SHARE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        raise Http404 from None
    asset = content_selectors.shared_media(media_id=media_id)
    return _file_response(asset, size=request.GET.get("size", ""), download=False, public=True)
