"""The registry of personal data across apps, and the keyed phone hash (docs/privacy.md).

People sits low in the layers (D9): it cannot import the apps that also hold a person's data
(groups, content, monitoring, events, calls, ...). Each of those registers, in its
`AppConfig.ready`, an *exporter* (what it holds about a person, for the download), an *eraser*
(remove it) and, where it keeps personal fields for a while, a *retention* sweep (the worker
step "privacy"). `people.rights` calls them all.

    from sampark.people import privacy
    privacy.register_exporter("groups", groups_privacy.export)
    privacy.register_eraser("groups", groups_privacy.erase)
    privacy.register_retention("groups", groups_privacy.sweep)

An exporter gets the `Subject` and returns JSON-able rows: `{"table name": [{...}, ...]}`.
An eraser gets the `Subject` inside the erasure's transaction and returns how many rows it
changed. A retention sweep gets `now` and returns rows changed; it must be idempotent and
batched. None of them may delete `people` rows: the erasure does that last.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast

from sampark.people import validation
from sampark.people.models import ErasedPhone


@dataclass(frozen=True)
class Subject:
    """Who is being exported or erased: the person's id (None once only the phone is left),
    their phone (E.164), the names they are known by, and the phone's keyed hash."""

    person_id: int | None
    phone: str
    names: tuple[str, ...] = ()
    user_id: int | None = None
    phone_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def phone_forms(self) -> list[str]:
        """The phone as it may be written: +919812345610, 919812345610, 9812345610, 98123 45610."""
        return phone_forms(self.phone)

    def mentions(self, text: str) -> bool:
        """Whether `text` holds the phone (in any of its forms) or one of the names."""
        if not text:
            return False
        if _phone_pattern(self.phone).search(text):
            return True
        folded = text.casefold()
        return any(n and n.casefold() in folded for n in self.names)

    def scrub(self, text: str, *, mask: str = "[erased]") -> str:
        """`text` with the phone (any form) and the names replaced by `mask`."""
        if not text:
            return text
        out = _phone_pattern(self.phone).sub(mask, text)
        for name in sorted((n for n in self.names if n), key=len, reverse=True):
            out = re.sub(re.escape(name), mask, out, flags=re.IGNORECASE)
        return out


Exporter = Callable[[Subject], dict[str, list[dict[str, Any]]]]
Eraser = Callable[[Subject], int]
Retention = Callable[..., int]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}
_retention: dict[str, Retention] = {}


def register_exporter(name: str, fn: Exporter) -> None:
    """Add an app's exporter for the person's download (call from `AppConfig.ready`)."""
    _exporters[name] = fn


def register_eraser(name: str, fn: Eraser) -> None:
    """Add an app's eraser, run inside the erasure's transaction (call from `AppConfig.ready`)."""
    _erasers[name] = fn


def register_retention(name: str, fn: Retention) -> None:
    """Add an app's retention sweep, run by the "privacy" worker step: `fn(now=...) -> int`."""
    _retention[name] = fn


def exporters() -> dict[str, Exporter]:
    return dict(_exporters)


def erasers() -> dict[str, Eraser]:
    return dict(_erasers)


def retention_sweeps() -> dict[str, Retention]:
    return dict(_retention)


def phone_hash(phone: str) -> str:
    """HMAC-SHA256 of the normalised phone under SAMPARK_ERASURE_KEY (hex).

    Keyed so a leaked table of hashes cannot be reversed by hashing all 10-digit numbers.
    """
    clean = validation.normalize_phone(phone)
    key = str(settings.SAMPARK_ERASURE_KEY).encode()
    return hmac.new(key, clean.encode(), hashlib.sha256).hexdigest()


def phone_forms(phone: str) -> list[str]:
    """The written forms of an Indian mobile number, longest first."""
    digits = re.sub(r"\D", "", phone or "")
    local = digits[-10:]
    if len(local) != 10:
        return [phone] if phone else []
    return [f"+91{local}", f"91{local}", f"0{local}", local, f"{local[:5]} {local[5:]}"]


def _phone_pattern(phone: str) -> re.Pattern[str]:
    """The last ten digits with any spaces, dashes or dots between them, and what may precede."""
    digits = re.sub(r"\D", "", phone or "")[-10:]
    if not digits:
        return re.compile(r"(?!x)x")
    body = r"[\s.\-]?".join(re.escape(d) for d in digits)
    return re.compile(rf"(?:\+?91[\s.\-]?|0)?{body}")


def erased_among(phones: Iterable[str]) -> set[str]:
    """Which of these normalised phones belong to persons erased at their request."""
    by_hash = {phone_hash(p): p for p in set(phones) if p}
    if not by_hash:
        return set()
    found = ErasedPhone.objects.filter(phone_hash__in=list(by_hash)).values_list(
        "phone_hash", flat=True
    )
    return {by_hash[h] for h in found}


def is_erased(phone: str) -> bool:
    """Whether this phone's person was erased at their request."""
    return bool(erased_among([phone]))


def _needles(subject: Subject) -> list[str]:
    """Strings whose presence in a text column marks a row to scrub (as stored; JSON escapes)."""
    found = [*subject.phone_forms(), *(n for n in subject.names if n)]
    escaped = [json.dumps(n)[1:-1] for n in subject.names if n]
    return list(dict.fromkeys([*found, *escaped]))


def scrub_text_column(model: type[models.Model], column: str, subject: Subject) -> int:
    """Scrub `column` in the rows of `model` that mention the person."""
    cond = Q()
    for needle in _needles(subject):
        cond |= Q(**{f"{column}__icontains": needle})
    n = 0
    for pk, text in model._default_manager.filter(cond).values_list("pk", column):
        model._default_manager.filter(pk=pk).update(**{column: subject.scrub(text)})
        n += 1
    return n


def scrub_json_column(model: type[models.Model], column: str, subject: Subject) -> int:
    """Scrub a JSON column in the rows of `model` that mention the person (any nesting)."""
    cond = Q()
    for needle in _needles(subject):
        cond |= Q(_as_text__icontains=needle)
    rows = (
        model._default_manager.annotate(_as_text=Cast(column, models.TextField()))
        .filter(cond)
        .values_list("pk", column)
    )
    n = 0
    for pk, value in rows:
        model._default_manager.filter(pk=pk).update(**{column: _scrub_value(value, subject)})
        n += 1
    return n


def _scrub_value(value: Any, subject: Subject) -> Any:
    if isinstance(value, str):
        return subject.scrub(value)
    if isinstance(value, list):
        return [_scrub_value(v, subject) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_value(v, subject) for k, v in value.items()}
    return value
