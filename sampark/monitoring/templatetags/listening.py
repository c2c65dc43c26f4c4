"""`{% load listening %}`: post text with links and watch-term highlights, narrative titles,
and the server-rendered growth sparkline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from pipeline import text as pipeline_text
from pipeline import urls as pipeline_urls

register = template.Library()


def narrative_title(narrative: Any) -> str:
    """The title a user may see: `visible_title` when the selector annotated one.

    For users below the state, `narratives_visible` titles a narrative from the first post
    they may see; a narrative seen only through images then has no such text, and the stored
    title (taken from a post that may lie outside their subtree) must not be shown instead.
    """
    if hasattr(narrative, "visible_title"):
        return str(narrative.visible_title or "") or _("(images only)")
    return str(narrative.title)


@register.filter(name="ntitle")
def ntitle(narrative: Any) -> str:
    return narrative_title(narrative)


def _highlight(chunk: str, terms: re.Pattern[str] | None) -> str:
    if terms is None:
        return escape(chunk)
    out: list[str] = []
    pos = 0
    for match in terms.finditer(chunk):
        out.append(escape(chunk[pos : match.start()]))
        out.append(format_html("<mark>{}</mark>", match.group()))
        pos = match.end()
    out.append(escape(chunk[pos:]))
    return "".join(out)


def render_post_text(raw: str, hits: Sequence[str] = ()) -> SafeString:
    """Escaped, normalised post text: links shown as their canonical URL (opened in a new tab,
    no referrer, nofollow) and the watch terms that matched wrapped in <mark>."""
    body = pipeline_text.normalise(raw or "")
    words = sorted({h for h in hits if h.strip()}, key=len, reverse=True)
    terms = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
    out: list[str] = []
    pos = 0
    for found in pipeline_urls.extract(body):
        start = body.find(found, pos)
        if start < 0:
            continue
        out.append(_highlight(body[pos:start], terms))
        link = pipeline_urls.canonical(found)
        if link.startswith(("https://", "http://")):
            out.append(
                format_html(
                    '<a href="{}" target="_blank" rel="noopener noreferrer nofollow">{}</a>',
                    link,
                    link,
                )
            )
        else:
            out.append(escape(found))
        pos = start + len(found)
    out.append(_highlight(body[pos:], terms))
    return mark_safe("".join(out))  # noqa: S308 -- every piece above is escaped


@register.simple_tag(name="post_text")
def post_text(post: Any) -> SafeString:
    return render_post_text(str(post.text), getattr(post, "hits", ()))


@register.simple_tag(name="sparkline")
def sparkline(series: Sequence[int], width: int = 240, height: int = 48) -> SafeString:
    """An inline SVG polyline of hourly counts (oldest first), scaled to the largest hour."""
    values = [max(int(v), 0) for v in series] or [0]
    top = max(values) or 1
    pad = 2
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = " ".join(
        f"{pad + i * step:.1f},{height - pad - (v / top) * (height - 2 * pad):.1f}"
        for i, v in enumerate(values)
    )
    label = _("Posts per hour over the last %(hours)s hours, at most %(top)s") % {
        "hours": len(values),
        "top": max(values),
    }
    return format_html(
        '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{label}" preserveAspectRatio="none">'
        '<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{points}"/>'
        "</svg>",
        w=width,
        h=height,
        label=label,
        points=points,
    )
