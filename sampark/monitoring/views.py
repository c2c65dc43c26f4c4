"""Listening pages (issue #3): the live feed, narratives, alerts, sources, group uploads, tips
and watchlists. Views parse input, call one selector or service, and render.

Scope: the feed, narratives and alerts need Capability.LISTEN (403 otherwise); tips and group
uploads need only a login; anything outside the user's subtree is 404 (the `access_*` selectors).
An object id in the path is looked up first, so that an object outside the subtree is a 404 for
everyone, never a 403 that would tell it exists (the scope probe's rule).
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampark.accounts import selectors as account_selectors
from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_capability as _require
from sampark.core import tasks as core_tasks
from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.core.http import wants_fragment as _partial
from sampark.factcheck import selectors as factcheck_selectors
from sampark.geo.models import Unit
from sampark.geo.scope import contains
from sampark.integrations import base as connectors_base
from sampark.integrations import x as connectors_x
from sampark.monitoring import selectors, services, tipreply
from sampark.monitoring.enums import (
    LangChoice,
    NarrativeStatus,
    PlatformChoice,
    SourceKind,
)
from sampark.monitoring.forms import (
    ExportUploadForm,
    SourceForm,
    TipForm,
    WatchlistForm,
)
from sampark.monitoring.models import Alert, Post, Watchlist

FEED_PAGE = 50
LIST_PAGE = 50
SOURCES_PAGE = 100
# X accepts rules of up to 1,024 characters (512 on lower access levels; X says so itself).
RULE_MAX = 1024
ALERTS_SHOWN = 200
IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
FEED_LANGS = [c for c in LangChoice.choices if c[0]]


def _int(raw: str | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if value >= 0 else None


def _unit_choices(user: User) -> list[Unit]:
    """Suggestions for unit inputs: the top of the user's subtree and the units just below it."""
    root = account_selectors.scope_root(user=user)
    return [root, *Unit.objects.filter(parent=root).order_by("level", "number", "name")]


# -- the live feed ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedFilters:
    lang: str = ""
    platform: str = ""
    unit: Unit | None = None
    narrative_id: int | None = None
    q: str = ""

    def params(self) -> str:
        """The filters as a query string, for the poll and paging URLs."""
        pairs: dict[str, str | int] = {}
        if self.lang:
            pairs["lang"] = self.lang
        if self.platform:
            pairs["platform"] = self.platform
        if self.unit is not None:
            pairs["unit"] = self.unit.id
        if self.narrative_id:
            pairs["narrative"] = self.narrative_id
        if self.q:
            pairs["q"] = self.q
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        return bool(self.lang or self.platform or self.unit or self.narrative_id or self.q)


def _filters(request: HttpRequest, user: User) -> FeedFilters:
    get = request.GET
    lang = get.get("lang", "")
    platform = get.get("platform", "")
    unit_id = _int(get.get("unit"))
    return FeedFilters(
        lang=lang if lang in LangChoice.values else "",
        platform=platform if platform in PlatformChoice.values else "",
        unit=account_selectors.access_unit(user=user, unit_id=unit_id) if unit_id else None,
        narrative_id=_int(get.get("narrative")) or None,
        q=get.get("q", "").strip()[:200],
    )


def _feed_qs(user: User, f: FeedFilters, **ids: int | None) -> QuerySet[Post]:
    return selectors.feed(
        user=user,
        lang=f.lang,
        platform=f.platform,
        unit=f.unit,
        narrative_id=f.narrative_id,
        query=f.q,
        **ids,
    ).select_related("source")


def _with_hits(posts: list[Post], user: User) -> list[Post]:
    """Attach the matched watch terms to each post (one query for the page), and count each
    post's narrative over what the user may see."""
    hits = selectors.watch_hits_for(posts=posts) if posts else {}
    for post in posts:
        post.hits = hits.get(post.id, [])  # type: ignore[attr-defined]
    narratives = {p.narrative_id: p.narrative for p in posts if p.narrative is not None}
    scoped = selectors.narratives_scoped(user=user, narratives=narratives.values())
    by_id = {n.id: n for n in scoped}
    for post in posts:
        if post.narrative_id in by_id:
            post.narrative = by_id[post.narrative_id]
    return posts


def _page(qs: QuerySet[Post], user: User) -> tuple[list[Post], int | None]:
    """One page of the feed and the id to page back from (None when this is the oldest)."""
    rows = list(qs[: FEED_PAGE + 1])
    older = rows[FEED_PAGE - 1].seq if len(rows) > FEED_PAGE else None
    return _with_hits(rows[:FEED_PAGE], user), older


@login_required
@require_GET
def feed(request: HtmxRequest) -> HttpResponse:
    """The live feed. With `after` (the poll) only newer rows; with `before` the next older page."""
    user = _user(request)
    selectors.require_listen(user)
    f = _filters(request, user)
    after = _int(request.GET.get("after"))
    before = _int(request.GET.get("before"))
    if _partial(request) and after is not None:
        rows = list(_feed_qs(user, f, after_id=after)[: FEED_PAGE + 1])
        if not rows:
            return HttpResponse(status=204)  # htmx swaps nothing
        gap = len(rows) > FEED_PAGE
        posts = _with_hits(rows[:FEED_PAGE], user)
        return render(
            request,
            "monitoring/partials/feed_new.html",
            {"posts": posts, "gap": gap, "filters": f, "newest": posts[0].seq},
        )
    posts, older = _page(_feed_qs(user, f, before_id=before), user)
    context: dict[str, Any] = {"posts": posts, "older": older, "filters": f}
    if _partial(request):
        return render(request, "monitoring/partials/feed_rows.html", context)
    narrative = (
        selectors.access_narrative(user=user, narrative_id=f.narrative_id)
        if f.narrative_id
        else None
    )
    context.update(
        newest=posts[0].seq if posts else 0,
        live=before is None,
        narrative=narrative,
        langs=FEED_LANGS,
        platforms=PlatformChoice.choices,
        units=_unit_choices(user),
        **_side(user),
    )
    response = render(request, "monitoring/pages/feed.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _side(user: User) -> dict[str, Any]:
    return {
        "accelerating": selectors.narratives_accelerating(user=user, limit=8),
        "open_alerts": selectors.alerts_visible(user=user, open_only=True).count(),
    }


@login_required
@require_GET
def feed_side(request: HttpRequest) -> HttpResponse:
    """The side panel (fast-growing narratives, open alerts), polled by the feed page."""
    user = _user(request)
    selectors.require_listen(user)
    return render(request, "monitoring/partials/feed_side.html", _side(user))


# -- narratives -------------------------------------------------------------------------------


@login_required
@require_GET
def narrative_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    selectors.require_listen(user)
    sort = "recent" if request.GET.get("sort") == "recent" else "burst"
    order = ("-last_seen", "-id") if sort == "recent" else ("-burst", "-velocity", "-last_seen")
    page = Paginator(selectors.narratives_visible(user=user).order_by(*order), LIST_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.narratives_scoped(user=user, narratives=page.object_list)
    return render(request, "monitoring/pages/narratives.html", {"page": page, "sort": sort})


@login_required
@require_GET
def narrative_detail(request: HttpRequest, narrative_id: int) -> HttpResponse:
    user = _user(request)
    narrative = selectors.access_narrative(user=user, narrative_id=narrative_id)
    selectors.require_listen(user)
    (narrative,) = selectors.narratives_scoped(user=user, narratives=[narrative])
    f = FeedFilters(narrative_id=narrative.id)
    posts, older = _page(_feed_qs(user, f), user)
    return render(
        request,
        "monitoring/pages/narrative.html",
        {
            "narrative": narrative,
            "series": selectors.narrative_series(user=user, narrative=narrative),
            "districts": selectors.narrative_districts(user=user, narrative=narrative),
            "images": selectors.narrative_images(user=user, narrative=narrative),
            # Read as listening's matching stage stored them (issue #17), never matched here.
            "matches": factcheck_selectors.matches_shown(narrative_id=narrative.id),
            "story": selectors.story_members(user=user, narrative=narrative),
            "posts": posts,
            "older": older,
            "filters": f,
            "can_manage": selectors.may_change_state_wide(user=user),
        },
    )


@login_required
@require_POST
def narrative_status(request: HtmxRequest, narrative_id: int) -> HttpResponse:
    """Mute a narrative (no more velocity alerts) or make it active again."""
    user = _user(request)
    narrative = selectors.access_narrative(user=user, narrative_id=narrative_id)
    selectors.require_listen(user)
    _require(user, Capability.MANAGE_LISTENING)
    if not selectors.may_change_state_wide(user=user):
        raise PermissionDenied(_("Only the state may change what is shared state-wide."))
    status = request.POST.get("status", "")
    if status not in NarrativeStatus.values:
        return HttpResponse(status=400)
    services.narrative_set_status(narrative=narrative, status=status, actor=user)
    if _partial(request):
        narrative.status = status
        return render(
            request,
            "monitoring/partials/narrative_status.html",
            {"narrative": narrative, "can_manage": True},
        )
    return redirect("monitoring:narrative", narrative_id=narrative.id)


def _media_file(post: Post, name: str) -> Path:
    """Where a post's media file was stored, never outside MEDIA_ROOT.

    Exports keep images per group (`whatsapp/<source id>/<file name>`); tips store the path
    relative to MEDIA_ROOT (`tips/<hash>.jpg`).
    """
    root = Path(settings.MEDIA_ROOT).resolve()
    if post.source.kind == SourceKind.WHATSAPP_EXPORT:
        path = root / "whatsapp" / str(post.source_id) / Path(name).name
    else:
        path = root / name
    path = path.resolve()
    if not path.is_relative_to(root) or path.suffix.lower() not in IMAGE_TYPES:
        raise Http404("no such media")
    if not path.is_file():
        raise Http404("media not stored")
    return path


@login_required
@require_GET
def post_media(request: HttpRequest, post_id: int) -> FileResponse:
    """An image of a post the user may see (`?i=` picks one of several), streamed privately."""
    user = _user(request)
    post = get_object_or_404(
        selectors.posts_visible(user=user).select_related("source"), id=post_id
    )
    selectors.require_listen(user)
    index = _int(request.GET.get("i")) or 0
    names = [str(m) for m in post.media or []]
    if index >= len(names):
        raise Http404("no such media")
    path = _media_file(post, names[index])
    response = FileResponse(
        path.open("rb"), content_type=mimetypes.guess_type(path.name)[0] or "image/jpeg"
    )
    # Group media is private: not for shared caches; never sniffed into something else.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


# -- alerts -----------------------------------------------------------------------------------


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    selectors.require_listen(user)
    open_alerts = list(selectors.alerts_visible(user=user, open_only=True)[:ALERTS_SHOWN])
    seen = list(
        selectors.alerts_visible(user=user)
        .exclude(acknowledged_at=None)
        .order_by("-acknowledged_at")[:LIST_PAGE]
    )
    return render(
        request,
        "monitoring/pages/alerts.html",
        {
            "open_alerts": open_alerts,
            "seen": seen,
            "can_manage": user.can(Capability.MANAGE_LISTENING),
        },
    )


@login_required
@require_POST
def alert_ack(request: HtmxRequest, alert_id: int) -> HttpResponse:
    user = _user(request)
    alert: Alert = selectors.access_alert(user=user, alert_id=alert_id)
    selectors.require_listen(user)
    _require(user, Capability.MANAGE_LISTENING)
    won = services.alert_acknowledge(alert=alert, actor=user)
    if _partial(request):
        alert = selectors.access_alert(user=user, alert_id=alert.id)
        return render(
            request, "monitoring/partials/alert_row.html", {"a": alert, "can_manage": True}
        )
    if not won:
        messages.info(request, _("Someone had already acknowledged this alert."))
    return redirect("monitoring:alerts")


# -- sources ----------------------------------------------------------------------------------


@login_required
@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    selectors.require_listen(user)
    qs = (
        selectors.sources_visible(user=user)
        .exclude(kind=SourceKind.WHATSAPP_EXPORT)
        .order_by("kind", "name")
    )
    page = Paginator(qs, SOURCES_PAGE).get_page(request.GET.get("page"))
    rows = [(s, selectors.may_manage_source(user=user, source=s)) for s in page]
    return render(
        request,
        "monitoring/pages/sources.html",
        {"page": page, "rows": rows, "can_manage": user.can(Capability.MANAGE_LISTENING)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    selectors.require_listen(user)
    _require(user, Capability.MANAGE_LISTENING)
    form = SourceForm(request.POST or None)
    root = account_selectors.scope_root(user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.source_create(
            kind=data["kind"],
            name=data["name"],
            # The state's sources are state-wide; one added below it is its unit's (issue #12).
            unit=None if root.parent_id is None else root,
            config=form.config(),
            interval_s=int(data["interval_min"]) * 60,
            actor=user,
        )
        messages.success(request, _("Source added. It will be checked within a few minutes."))
        return redirect("monitoring:sources")
    return render(request, "monitoring/pages/source_new.html", {"form": form})


@login_required
@require_POST
def source_toggle(request: HtmxRequest, source_id: int) -> HttpResponse:
    """Pause or resume a source."""
    user = _user(request)
    source = selectors.access_source(user=user, source_id=source_id)
    selectors.require_listen(user)
    if not selectors.may_manage_source(user=user, source=source):
        raise PermissionDenied(_("Your role may not do this."))
    services.source_set_enabled(
        source=source, enabled=request.POST.get("enabled") == "1", actor=user
    )
    if _partial(request):
        source = selectors.access_source(user=user, source_id=source.id)
        return render(
            request, "monitoring/partials/source_row.html", {"s": source, "may_manage": True}
        )
    return redirect("monitoring:sources")


@login_required
@require_http_methods(["GET", "POST"])
def source_rules(request: HttpRequest, source_id: int) -> HttpResponse:
    """The rules of an X filtered-stream source, as X holds them: listed with their ids, added
    (or only checked, dry run) and deleted here (issue #17)."""
    user = _user(request)
    source = selectors.access_source(user=user, source_id=source_id)
    selectors.require_listen(user)
    if source.kind != SourceKind.X_STREAM:
        raise Http404
    if not selectors.may_manage_source(user=user, source=source):
        raise PermissionDenied(_("Your role may not do this."))
    if request.method == "POST":
        _source_rules_post(request, user, source)
        return redirect("monitoring:source_rules", source_id=source.id)
    rules: list[connectors_x.Rule] = []
    error = ""
    try:
        rules = connectors_x.rules_list(dict(source.config))
    except connectors_base.ConnectorError as exc:
        error = str(exc)
    return render(
        request,
        "monitoring/pages/source_rules.html",
        {"source": source, "rules": rules, "error": error},
    )


def _source_rules_post(request: HttpRequest, user: User, source: Any) -> None:
    value = request.POST.get("value", "").strip()
    rule_id = request.POST.get("rule_id", "").strip()
    if rule_id and not rule_id.isdigit():
        messages.error(request, _("Unknown rule."))
        return
    if not rule_id and not 0 < len(value) <= RULE_MAX:
        messages.error(request, _("Write a rule of at most %(n)s characters.") % {"n": RULE_MAX})
        return
    dry_run = request.POST.get("dry_run") == "1"
    try:
        result = services.stream_rules_change(
            source=source,
            actor=user,
            add=None if rule_id else (value, request.POST.get("tag", "").strip()[:100]),
            delete=rule_id,
            dry_run=dry_run,
        )
    except connectors_base.ConnectorError as exc:
        messages.error(request, _("X refused: %(why)s") % {"why": str(exc)[:300]})
        return
    for why in result.errors:
        messages.error(request, _("X refused the rule: %(why)s") % {"why": why[:300]})
    if result.errors:
        return
    if rule_id:
        messages.success(request, _("Rule deleted."))
    elif dry_run:
        messages.success(request, _("X accepts this rule (checked only, not added)."))
    else:
        messages.success(request, _("Rule added."))


# -- WhatsApp groups and their exports (any logged-in user, inside their subtree) ------------


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    """The chat-export channels of the user's groups. Groups are registered in one place, the
    booth group registry (`groups`), which opens a group's channel here (issue #17)."""
    user = _user(request)
    page = Paginator(selectors.group_sources(user=user), SOURCES_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "monitoring/pages/groups.html", {"page": page})


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def group_upload(request: HttpRequest, group_id: int) -> HttpResponse:
    user = _user(request)
    source = selectors.access_group_source(user=user, source_id=group_id)
    form = ExportUploadForm(request.POST or None, request.FILES or None)
    result: services.ExportResult | None = None
    queued = False
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            if not services.export_fits_request(data=data):
                services.export_queue(
                    source=source, data=data, filename=str(upload.name), actor=user
                )
                queued = True
            else:
                result = services.export_ingest(
                    source=source, data=data, filename=str(upload.name), actor=user
                )
        except services.ExportTooLargeError as exc:
            form.add_error(
                "file",
                _("This export is larger than the server accepts (%(reason)s).") % {"reason": exc},
            )
        except ValueError:  # not a readable zip, or no messages (services.NoMessagesError)
            result = None
            form.add_error(
                "file",
                _(
                    "No WhatsApp messages were found in this file. Upload the .txt or .zip "
                    "that WhatsApp's 'Export chat' made, without changing it."
                ),
            )
    return render(
        request,
        "monitoring/pages/group_upload.html",
        {
            "source": source,
            "form": form,
            "result": result,
            "queued": queued,
            "first_at": _when(result.summary.get("first_at")) if result else None,
            "last_at": _when(result.summary.get("last_at")) if result else None,
            "uploads": list(selectors.uploads_of(source=source)[:50]),
            "queued_files": core_tasks.queued_files(
                name="monitoring.export_ingest", source_id=source.id, actor_id=user.pk
            ),
        },
    )


# -- tips (any logged-in user) ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tip_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "GET" and user.is_volunteer_only:
        return redirect("app:rumour_new")  # a booth volunteer reports from the phone app
    form = TipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        image, image_name = data["image"] or (None, "")
        post = services.tip_submit(
            text=data["text"], url=data["url"], image=image, image_name=image_name, user=user
        )
        done = reverse("monitoring:tip_done")
        # None: this very tip had been received already (a double tap on Send).
        return redirect(f"{done}?again=1" if post is None else f"{done}?tip={post.id}")
    return render(request, "monitoring/pages/tip_new.html", {"form": form})


@login_required
@require_GET
def tip_done(request: HttpRequest) -> HttpResponse:
    """Thanks for the tip — and, when a published fact-check answers it, the answer (the page
    asks every 3 seconds until the automatic reply is there)."""
    tip_id = request.GET.get("tip", "")
    if _user(request).is_volunteer_only:
        if tip_id.isdigit():
            return redirect("app:rumour", post_id=int(tip_id))
        return redirect("app:rumours")
    reply, queued = None, False
    if tip_id.isdigit():
        reply, queued = tipreply.access_tip_status(user=_user(request), post_id=int(tip_id))
    context = {
        "again": request.GET.get("again") == "1",
        "tip_id": tip_id,
        "reply": reply,
        "queued": queued,
    }
    if request.headers.get("HX-Request"):
        return render(request, "monitoring/partials/tip_reply.html", context)
    return render(request, "monitoring/pages/tip_done.html", context)


# -- watchlists ------------------------------------------------------------------------------


@login_required
@require_GET
def watchlist_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    selectors.require_listen(user)
    root = account_selectors.scope_root(user=user)
    can_manage = user.can(Capability.MANAGE_LISTENING)
    watchlists = selectors.watchlists_visible(user=user, with_state=True)[:500]
    return render(
        request,
        "monitoring/pages/watchlists.html",
        {
            # The state's watchlists are read below it, edited only inside the subtree.
            "rows": [(w, can_manage and contains(root, w.unit)) for w in watchlists],
            "can_manage": can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def watchlist_edit(request: HttpRequest, watchlist_id: int | None = None) -> HttpResponse:
    """A new watchlist (no id), or an existing one of the user's subtree."""
    user = _user(request)
    watchlist: Watchlist | None = None
    initial: dict[str, Any] = {"unit": account_selectors.scope_root(user=user).path}
    if watchlist_id is not None:
        watchlist = selectors.access_watchlist(user=user, watchlist_id=watchlist_id)
        initial = {
            "name": watchlist.name,
            "unit": watchlist.unit.path,
            "terms": "\n".join(t.text for t in watchlist.terms.all()),
            "active": watchlist.active,
        }
    selectors.require_listen(user)
    _require(user, Capability.MANAGE_LISTENING)
    form = WatchlistForm(
        request.POST or None, user=user, editing=watchlist is not None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = services.watchlist_save(
            watchlist=watchlist,
            name=data["name"],
            unit=watchlist.unit if watchlist is not None else data["unit"],
            terms=data["terms"],
            active=data["active"],
            actor=user,
        )
        messages.success(request, _("Watchlist saved."))
        return redirect("monitoring:watchlist", watchlist_id=saved.id)
    return render(
        request,
        "monitoring/pages/watchlist_form.html",
        {"form": form, "watchlist": watchlist, "units": _unit_choices(user)},
    )
