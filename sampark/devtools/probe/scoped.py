"""The probe's checks of what a user is shown and may change beyond single objects (issue #12).

- Figures against the visible rows: for each listening viewer, the counts the narrative API
  reports (`posts`, the 48-hour `series`, `velocity`, in the list and the detail) must equal the
  number of the narrative's posts that viewer may see, counted here from the world with the
  registry's own visibility rule.
- Writes above the user's unit: a viewer below the state who POSTs a change to a state-wide
  object they may read (mute a narrative, pause a state-wide source, edit a state watchlist,
  edit or retire a template for every war room) must get a 403 or a 404, and the object must be
  unchanged when read back inside the same savepoint.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.urls import reverse

from sampark.accounts.enums import Capability
from sampark.devtools.probe.prober import Answer, Call, Prober, who
from sampark.devtools.probe.registry import KINDS
from sampark.devtools.probe.world import Viewer, World
from sampark.monitoring.models import Narrative, Source, Watchlist
from sampark.training.models import Module as TrainingModule
from sampark.warroom.models import ResponseTemplate


@dataclass
class ScopedCounts:
    figures: int = 0  # narrative figures compared with the visible rows
    writes: int = 0  # writes to state-wide objects tried by users below the state


def _visible_posts(w: World, viewer: Viewer, narrative_id: int) -> int:
    post = KINDS["post"]
    return sum(1 for p in w.narrative_posts.get(narrative_id, []) if not post.outside(w, viewer, p))


def check_figures(prober: Prober, leaks: list[str]) -> int:
    """Narrative figures in the API against the posts each listening viewer may see."""
    w = prober.world
    done = 0
    for viewer in prober.viewers:
        if viewer.root is None or not viewer.user.can(Capability.LISTEN):
            continue
        listed = prober.request(viewer, _get("/api/monitoring/narratives", limit=200))
        rows = json.loads(listed.text) if isinstance(listed, Answer) and _ok(listed) else []
        by_id = {row["id"]: row for row in rows if isinstance(row, dict)}
        for narrative_id in viewer.inside.get("narrative", []):
            expected = _visible_posts(w, viewer, narrative_id)
            url = f"/api/monitoring/narratives/{narrative_id}"
            answer = prober.request(viewer, _get(url))
            where = f"GET {url} as {who(viewer)}"
            if isinstance(answer, str):
                leaks.append(f"{where} -> exception {answer}")
                continue
            if not _ok(answer):
                continue
            body = json.loads(answer.text)
            done += 1
            # Every probe post was posted at build time: all of them fall in the last 48 hours
            # and in the last hour or the one before (velocity counts the latter in part).
            found = {
                "posts": body["posts"],
                "series": sum(body["series"]),
                "listed": by_id.get(narrative_id, {}).get("posts", expected),
            }
            wrong = {k: v for k, v in found.items() if v != expected}
            if body["velocity"] > expected:
                wrong["velocity"] = body["velocity"]
            if wrong:
                leaks.append(f"{where} -> {wrong}, expected {expected} visible posts")
    return done


@dataclass(frozen=True)
class Write:
    """A change to a state-wide object: the URL, the form, and what must not change."""

    url: Callable[[int], str]
    form: Callable[[Viewer], dict[str, Any]]
    model: type[models.Model]
    fields: tuple[str, ...]
    targets: Callable[[World], list[int]]


WRITES: dict[str, Write] = {
    "training module edit": Write(
        url=lambda i: reverse("training:edit", kwargs={"module_id": i}),
        form=lambda v: {
            "title_hi": "जाँच",
            "title_en": "Probe took it",
            "body_hi": "क",
            "body_en": "b",
            "pass_mark": "1",
        },
        model=TrainingModule,
        fields=("title_en", "pass_mark", "version"),
        targets=lambda w: [i for i, m in w.modules.items() if w.units[m.unit_id].parent_id is None],
    ),
    "narrative status": Write(
        url=lambda i: reverse("monitoring:narrative_status", kwargs={"narrative_id": i}),
        form=lambda v: {"status": "muted"},
        model=Narrative,
        fields=("status",),
        targets=lambda w: list(w.narratives),
    ),
    "source toggle": Write(
        url=lambda i: reverse("monitoring:source_toggle", kwargs={"source_id": i}),
        form=lambda v: {"enabled": "0"},
        model=Source,
        fields=("enabled",),
        targets=lambda w: [i for i, s in w.sources.items() if s.unit_id is None],
    ),
    "watchlist edit": Write(
        url=lambda i: reverse("monitoring:watchlist", kwargs={"watchlist_id": i}),
        form=lambda v: {"name": "Probe took it", "terms": "probe", "active": ""},
        model=Watchlist,
        fields=("name", "active", "unit_id"),
        targets=lambda w: [
            i for i, x in w.watchlists.items() if w.units[x.unit_id].parent_id is None
        ],
    ),
    "template edit": Write(
        url=lambda i: reverse("warroom:template", kwargs={"template_id": i}),
        form=lambda v: {
            "name": "Probe took it",
            "language": "hi",
            "body": "{claim}",
            "unit": str(v.root.id) if v.root else "",
            "active": "on",
        },
        model=ResponseTemplate,
        fields=("name", "body", "unit_id", "active"),
        targets=lambda w: [i for i, t in w.templates.items() if t.unit_id is None],
    ),
    "template retire": Write(
        url=lambda i: reverse("warroom:template_delete", kwargs={"template_id": i}),
        form=lambda v: {},
        model=ResponseTemplate,
        fields=("active",),
        targets=lambda w: [i for i, t in w.templates.items() if t.unit_id is None],
    ),
}


def check_writes(prober: Prober, leaks: list[str]) -> int:
    """Every viewer below the state tries every write on every state-wide object."""
    done = 0
    for viewer in prober.viewers:
        if viewer.root is None or viewer.root.parent_id is None:
            continue
        for name, write in WRITES.items():
            for object_id in write.targets(prober.world):
                done += 1
                found = _try_write(prober, viewer, write, object_id)
                if found:
                    leaks.append(f"{name} POST {write.url(object_id)} as {who(viewer)} -> {found}")
    return done


class _Undo(Exception):  # noqa: N818 - control flow, not an error
    pass


def _try_write(prober: Prober, viewer: Viewer, write: Write, object_id: int) -> str:
    """POST the change in a savepoint, read the object back before the rollback: "" when
    refused and unchanged, else what went wrong."""

    def snapshot() -> tuple[Any, ...]:
        row = write.model._default_manager.filter(pk=object_id).values_list(*write.fields)
        return tuple(row.first() or ())

    before = snapshot()
    outcome = ""
    try:
        with transaction.atomic():
            try:
                response = prober.client(viewer.user).post(write.url(object_id), write.form(viewer))
            except Exception as exc:  # a crash is reported, not raised
                outcome = f"exception {type(exc).__name__}: {exc}"[:300]
                raise _Undo from exc
            after = snapshot()
            if response.status_code not in (403, 404):
                outcome = f"{response.status_code}"
            if after != before:
                outcome = f"{outcome or response.status_code}, changed {before} -> {after}"
            raise _Undo
    except _Undo:
        pass
    return outcome


def _get(url: str, **query: Any) -> Call:
    return Call("GET", url, {"query": query})


def _ok(answer: Answer) -> bool:
    return answer.status == 200 and answer.is_json
