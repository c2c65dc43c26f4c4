"""Links in posts: find them, and reduce each to one canonical spelling so the same link
forwarded many ways (http/https, www./m., tracking parameters, youtu.be, twitter.com) counts once.

`canonical` is for comparing and counting, not for fetching: it maps http to https, drops
fragments and tracking parameters, and rewrites short YouTube and Twitter forms.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Hosts people paste without a scheme ("bit.ly/xyz"); anything else needs http(s):// or www.
SHORT_HOSTS = (
    "bit.ly", "youtu.be", "t.co", "wa.me", "t.me", "fb.me", "fb.watch", "tinyurl.com",
    "goo.gl", "amzn.to", "rb.gy", "cutt.ly", "is.gd", "ow.ly", "buff.ly", "lnkd.in",
    "shorturl.at", "chat.whatsapp.com", "youtube.com", "twitter.com", "x.com", "instagram.com",
    "facebook.com", "m.facebook.com",
)  # fmt: skip
_HOSTS_ALT = "|".join(re.escape(h) for h in sorted(SHORT_HOSTS, key=len, reverse=True))
_URL = re.compile(
    rf"(?:\bhttps?://|(?<![\w.@/-])(?:www\.|(?:{_HOSTS_ALT})/))[^\s<>\"'`|\u0964\u0965]+",
    re.IGNORECASE,
)
_STOPS = frozenset("<>\"'`|\u0964\u0965")
_BODY = re.compile("[^\\s<>\"'`|\u0964\u0965]*")
# Matched against the lower-cased text: IGNORECASE makes this search three times slower.
_ANCHOR = re.compile(
    "://|www\\.|\\.(?:"
    + "|".join(sorted({re.escape(h.rsplit(".", 1)[1]) for h in SHORT_HOSTS}))
    + ")/"
)
# Sentence punctuation glued to the end of a link, never a useful last character of one.
_TRAILING = ".,;:!?…'\"*_~»”’"
_CLOSERS = {")": "(", "]": "[", "}": "{"}

_TRACKING = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "igshid", "igsh", "si", "feature", "ref",
        "ref_src", "ref_url", "mibextid", "share_id", "_ga", "mc_cid", "mc_eid", "yclid",
        "wt.mc_id", "cmpid", "__tn__", "__cft__[0]",
    }
)  # fmt: skip
# Twitter/X share links add ?s=20&t=… (client and tracking id); elsewhere s and t can matter.
_X_TRACKING = frozenset({"s", "t", "ref_src", "ref_url"})
_HOST_ALIASES = {
    "twitter.com": "x.com", "fb.com": "facebook.com", "youtube-nocookie.com": "youtube.com",
    "mbasic.facebook.com": "facebook.com", "web.facebook.com": "facebook.com",
}  # fmt: skip
_HOST_PREFIXES = ("www.", "m.", "mobile.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 3986 unreserved characters are the same percent-encoded or not; reserved ones are not.
_PCT = re.compile("%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ASCII_SAFE = "".join(chr(c) for c in range(33, 127))
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_YOUTUBE_ID_PATHS = ("/shorts/", "/live/", "/embed/", "/v/")
# One-entry memo (a single tuple, replaced in one assignment, so safe across threads).
_last_chunks: tuple[str, list[tuple[int, int]]] = ("", [])


def _may_have_links(text: str) -> bool:
    # Every link has a "/" or starts with "www."; most posts have neither.
    return "." in text and ("/" in text or "www." in text.lower())


def _chunks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each whitespace-delimited run around a link anchor."""
    global _last_chunks
    if _last_chunks[0] == text:
        return _last_chunks[1]  # language id and URL extraction look at the same post
    found = list(_find_chunks(text))
    _last_chunks = (text, found)
    return found


def _find_chunks(text: str) -> Iterator[tuple[int, int]]:
    end = 0
    lower = text.lower()
    if len(lower) != len(text):
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)  # İ → i̇
    # Cheap anchors ("://", "www.", ".ly/") first, then look around each: running the full
    # pattern over the whole text costs ~20 µs per post, this a few.
    for anchor in _ANCHOR.finditer(lower):
        if anchor.start() < end:
            continue  # inside the run found at the previous anchor
        start = anchor.start()
        while start > 0 and text[start - 1] not in _STOPS and not text[start - 1].isspace():
            start -= 1
        body = _BODY.match(text, anchor.start())
        end = body.end() if body is not None else anchor.end()
        yield start, end


def extract(text: str) -> list[str]:
    """URLs as they appear in the text, without trailing punctuation or unbalanced brackets."""
    if not _may_have_links(text):
        return []
    out = []
    for start, end in _chunks(text):
        for match in _URL.finditer(text, start, end):
            url = _trim(match.group())
            if "." in url.split("/", 3)[2 if "://" in url else 0]:
                out.append(url)
    return out


def strip_links(text: str) -> str:
    """The text with every link-like run replaced by a space (for language id, word counts)."""
    if not _may_have_links(text):
        return text
    parts = []
    last = 0
    for start, end in _chunks(text):
        parts.append(text[last:start])
        last = end
    if not parts:
        return text
    parts.append(text[last:])
    return " ".join(parts)


def _trim(url: str) -> str:
    while url:
        last = url[-1]
        unbalanced = last in _CLOSERS and url.count(_CLOSERS[last]) < url.count(last)
        if last in _TRAILING or unbalanced:
            url = url[:-1]
        else:
            break
    return url


def canonical(url: str) -> str:
    """One spelling per link: https, lower-case host without www./m., no tracking or fragment."""
    url = url.strip()
    if not _SCHEME.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    default_port = _DEFAULT_PORTS.get(scheme)
    if scheme == "http":
        scheme = "https"  # the same page for counting purposes
    host = _host(host)
    path = _percent(parts.path)
    params = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k.lower(), host)
    ]
    host, path, params = _rewrite(host, path, params)
    netloc = host
    if port is not None and port != default_port:
        netloc = f"{host}:{port}"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = urlencode(sorted(params), quote_via=quote, safe="/:@!$'()*+,;")
    return urlunsplit((scheme, netloc, path or "/", query, ""))


def _host(host: str) -> str:
    host = host.lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    host = _HOST_ALIASES.get(host, host)
    if not host.isascii():
        # An invalid IDN label keeps its Unicode spelling rather than failing the post.
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return host


def _percent(path: str) -> str:
    """Decode escapes of unreserved characters, upper-case the rest, encode non-ASCII as UTF-8."""
    if "%" in path:
        path = _PCT.sub(_unescape, path)
    if not path.isascii():
        # A Hindi slug typed raw and the same slug escaped by another app must meet.
        path = quote(path, safe=_ASCII_SAFE)
    return path


def _unescape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _is_tracking(key: str, host: str) -> bool:
    if key.startswith("utm_") or key in _TRACKING:
        return True
    return host == "x.com" and key in _X_TRACKING


def _rewrite(
    host: str, path: str, params: list[tuple[str, str]]
) -> tuple[str, str, list[tuple[str, str]]]:
    """Short and alternative forms of the same YouTube, Facebook and Google links."""
    if host == "youtu.be" and path.strip("/"):
        return "youtube.com", "/watch", [("v", path.strip("/").split("/")[0])]
    if host == "youtube.com":
        for prefix in _YOUTUBE_ID_PATHS:
            if path.startswith(prefix) and len(path) > len(prefix):
                return host, "/watch", [("v", path[len(prefix) :].split("/")[0])]
        if path == "/watch":
            # Timestamps, playlists and share ids do not make it another video.
            return host, path, [(k, v) for k, v in params if k == "v"]
    if (host, path) in (("l.facebook.com", "/l.php"), ("google.com", "/url")):
        target = dict(params).get("u") or dict(params).get("q") or dict(params).get("url")
        if target and _SCHEME.match(target):
            unwrapped = canonical(target)
            parts = urlsplit(unwrapped)
            return parts.netloc, parts.path, parse_qsl(parts.query, keep_blank_values=True)
    return host, path, params


def canonical_all(text: str) -> list[str]:
    """Canonical forms of the URLs in a text, each once, in order of first appearance."""
    found = extract(text)
    if not found:
        return []
    return list(dict.fromkeys(canonical(u) for u in found))
