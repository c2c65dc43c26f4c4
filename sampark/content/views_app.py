"""The volunteer web app (PWA) at /app/: today's kits, one kit with its share buttons, my booth,
my settings, web-push subscription, and the files that make the app installable.

A volunteer is a user whose `person` is set; everything here is about that person's own
deliveries (`selectors.access_own_delivery`: anyone else's is a 404). WhatsApp is never sent to:
the "Share to WhatsApp" button is a wa.me link that opens the volunteer's own WhatsApp.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from PIL import Image, UnidentifiedImageError

from sampark.content import selectors, services
from sampark.content.enums import Channel, DistributionKind, ItemState, MediaKind
from sampark.content.models import ChannelPreference, ContentItem, Delivery, MediaAsset
from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.groups import selectors as groups_selectors
from sampark.people import selectors as people_selectors
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, Person

KITS_SHOWN = 30
MAX_GROUPS = services.MAX_FORWARDED_GROUPS
# Sizes (longest side, px) of the resized images the app shows on slow connections.
IMAGE_SIZES = {"thumb": 240, "screen": 720}
SHARE_SALT = "sampark.content.app.share"
SHELL_FONTS = (
    "vendor/fonts/noto-sans-devanagari-devanagari-400-normal.woff2",
    "vendor/fonts/noto-sans-devanagari-devanagari-700-normal.woff2",
    "vendor/fonts/noto-sans-devanagari-latin-400-normal.woff2",
    "vendor/fonts/noto-sans-devanagari-latin-700-normal.woff2",
)
SHELL_STATIC = (
    "sampark/app/app.css",
    "sampark/app/app.js",
    "vendor/htmx/htmx.min.js",
    "sampark/app/icon-192.png",
    *SHELL_FONTS,
)
THEME_COLOUR = "#c2410c"


def _no_person(request: HttpRequest) -> HttpResponse:
    """Staff accounts without a volunteer record get a note instead of an empty app."""
    return render(request, "content/app/no_person.html", status=200)


# -- forms -------------------------------------------------------------------------------------


class ForwardForm(forms.Form):
    groups = forms.IntegerField(
        label=gettext_lazy("Groups"),
        min_value=1,
        max_value=MAX_GROUPS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "groups-n"}),
    )


LANGUAGE_CHOICES = [("hi", "हिन्दी"), ("en", "English")]


class PreferenceForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Send my kits by"), choices=Channel.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the kits"),
        choices=LANGUAGE_CHOICES,
        widget=forms.RadioSelect,
    )


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
    chosen = (
        ChannelPreference.objects.filter(person=person).values_list("language", flat=True).first()
    )
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


def _url_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _push_key() -> str:
    try:
        from sampark.integrations import webpush
    except ImportError:
        return ""
    try:
        return webpush.public_key()
    except Exception:  # an unreadable configured key must not take the settings page down
        return ""


# -- pages -------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Today's kits: newest first, one card per kit (a take-down notice replaces its kit)."""
    person = _user(request).person
    if person is None:
        return _no_person(request)
    language = _kit_language(request, person)
    kits: list[Kit] = []
    seen: set[int] = set()
    for delivery in selectors.kits_for(person_id=person.id)[:KITS_SHOWN]:
        item_id = delivery.distribution.item_id
        if item_id in seen:
            continue
        seen.add(item_id)
        kits.append(_kit(delivery, language, request))
    return render(request, "content/app/home.html", {"kits": kits, "person": person})


def _telegram_link(person: Any) -> str:
    """The bot's deep link that connects this volunteer's Telegram chat (empty without a bot)."""
    bot = str(getattr(settings, "TELEGRAM_BOT_USERNAME", "") or "")
    if not bot:
        return ""
    return f"https://t.me/{bot}?start={services.telegram_link_token(person=person)}"


@login_required
@require_GET
def short_link(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """`/k/<id>`: the link in an SMS notice (DLT variables hold 30 characters at most)."""
    delivery = selectors.access_own_delivery(user=_user(request), delivery_id=delivery_id)
    return redirect("app:kit", delivery_id=delivery.id)


@login_required
@require_GET
def kit_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """One kit: read it, share it from one's own phone, say how many groups got it."""
    user = _user(request)
    delivery = selectors.access_own_delivery(user=user, delivery_id=delivery_id)
    assert user.person is not None  # access_own_delivery answers 404 without one
    services.delivery_open(delivery_id=delivery.id, person=user.person)
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
    return render(request, "content/app/kit.html", context, status=status)


@login_required
@require_POST
def kit_forwarded(request: HtmxRequest, delivery_id: int) -> HttpResponse:
    """ "I forwarded this to N groups"."""
    user = _user(request)
    delivery = selectors.access_own_delivery(user=user, delivery_id=delivery_id)
    assert user.person is not None
    form = ForwardForm(request.POST)
    if form.is_valid():
        try:
            delivery = services.delivery_forwarded(
                delivery_id=delivery.id, person=user.person, groups=form.cleaned_data["groups"]
            )
        except services.ContentError as exc:
            form.add_error("groups", str(exc))
    if not form.is_valid():
        if request.htmx:
            return render(
                request,
                "content/app/partials/forward.html",
                {"delivery": delivery, "form": form, "max_groups": MAX_GROUPS},
                status=422,
            )
        return _render_kit(request, delivery, user.person, form=form, status=422)
    if request.htmx:
        return render(
            request,
            "content/app/partials/forward.html",
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
    delivery = selectors.access_own_delivery(user=user, delivery_id=delivery_id)
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
    asset = get_object_or_404(MediaAsset.objects.select_related("item"), id=media_id)
    item = asset.item
    if item.state not in services.SENDABLE or item.recalled_at is not None:
        raise Http404
    if item.expires_at is not None and item.expires_at <= timezone.now():
        raise Http404
    return _file_response(asset, size=request.GET.get("size", ""), download=False, public=True)


def _booth_of(person: Person) -> tuple[Unit | None, list[Assignment]]:
    """The person's active positions and the booth among them (else their home booth)."""
    mine = list(
        Assignment.objects.filter(person=person)
        .exclude(status=AssignmentStatus.ENDED)
        .select_related("kind", "unit", "unit__ac", "unit__district")
        .order_by("started_at", "id")
    )
    booth = next((a.unit for a in mine if a.unit.level == Level.BOOTH), None)
    if booth is None and person.home_unit_id is not None:
        home = Unit.objects.select_related("ac", "district").get(id=person.home_unit_id)
        booth = home if home.level == Level.BOOTH else None
    return booth, mine


@login_required
@require_GET
def booth(request: HttpRequest) -> HttpResponse:
    """My booth, my position, the other volunteers' names, my groups, a rumour report."""
    person = _user(request).person
    if person is None:
        return _no_person(request)
    language = get_language() or "hi"
    unit, mine = _booth_of(person)
    team: list[dict[str, str]] = []
    if unit is not None:
        # Names and positions only: a volunteer never sees the others' phones here.
        team = [
            {"name": a.person.name, "label": a.kind.label(language)}
            for a in people_selectors.assignments_for_unit(unit=unit)
            if a.person_id != person.id and a.status == AssignmentStatus.VERIFIED
        ]
    positions = [
        {
            "label": a.kind.label(language),
            "unit": a.unit,
            "pending": a.status == AssignmentStatus.PENDING,
        }
        for a in mine
    ]
    groups_url = _url_or_empty("groups:mine")
    context = {
        "person": person,
        "booth": unit,
        "positions": positions,
        "team": team,
        "groups_url": groups_url,
        "tip_url": reverse("monitoring:tip_new"),
    }
    return render(request, "content/app/booth.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def app_settings(request: HttpRequest) -> HttpResponse:
    """How my kits reach me (channel, language) and the switch for notifications."""
    person = _user(request).person
    if person is None:
        return _no_person(request)
    current = ChannelPreference.objects.filter(person=person).first()
    initial = {
        "channel": current.channel if current else Channel.PUSH,
        "language": current.language if current else "hi",
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            current = services.preference_set(
                person=person,
                channel=form.cleaned_data["channel"],
                language=form.cleaned_data["language"],
            )
        except services.ContentError as exc:
            form.add_error("channel", str(exc))
        else:
            saved = True
    context = {
        "form": form,
        "saved": saved,
        "push_key": _push_key(),
        "telegram_linked": bool(current and current.telegram_chat_id),
        "telegram_link": _telegram_link(person),
    }
    response = render(request, "content/app/settings.html", context, status=200)
    if saved and current is not None:
        # The app then speaks the language chosen for the kits.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            current.language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
        )
    return response


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Store the browser's PushSubscription JSON (from app.js) for this volunteer."""
    person = _user(request).person
    if person is None:
        return JsonResponse({"detail": _("Only volunteers receive notifications.")}, status=403)
    try:
        data = json.loads(request.body or b"{}")
        endpoint = str(data["endpoint"])
        keys = data["keys"]
        p256dh, auth = str(keys["p256dh"]), str(keys["auth"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": _("This is not a push subscription.")}, status=400)
    try:
        services.push_subscribe(
            person=person,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except services.ContentError as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    return JsonResponse({"ok": True}, status=201)


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when a page is not cached and there is no network."""
    return render(request, "content/app/offline.html")


# -- installability: manifest and service worker --------------------------------------------


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": "संपर्क",
        "short_name": "संपर्क",
        "description": _("Today's kits for booth volunteers"),
        "lang": "hi",
        "dir": "ltr",
        "id": "/app/",
        "start_url": reverse("app:home"),
        "scope": reverse("app:home"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f6f7f9",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"sampark/app/icon-{n}.png"),
                "sizes": f"{n}x{n}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for n in (192, 512)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def _sw_source() -> str:
    found = finders.find("sampark/app/sw.js")
    if not found:
        raise Http404("sw.js missing")
    return Path(str(found)).read_text(encoding="utf-8")


def _sw_config() -> dict[str, Any]:
    shell = [static(p) for p in SHELL_STATIC]
    config: dict[str, Any] = {
        "shell": shell,
        "offline": reverse("app:offline"),
        "scope": reverse("app:home"),
        "static": settings.STATIC_URL,
        "icon": static("sampark/app/icon-192.png"),
    }
    # A new shell or a new worker script is a new cache version (old caches are dropped).
    digest = hashlib.sha256((json.dumps(config) + _sw_source()).encode()).hexdigest()[:12]
    config["version"] = digest
    return config


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """sw.js from /app/ so that it may control /app/ (with its shell list and version)."""
    body = f"self.SAMPARK = {json.dumps(_sw_config())};\n{_sw_source()}"
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("app:home")
    # Browsers re-check the worker at least daily; no-cache makes updates immediate.
    response["Cache-Control"] = "no-cache"
    return response
