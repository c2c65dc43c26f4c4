"""URL extraction and canonicalisation, so the same link forwarded many ways counts as one."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

_URL = re.compile(
    r"(?:https?://|www\.|(?:bit\.ly|youtu\.be|t\.co|wa\.me|t\.me|fb\.me|tinyurl\.com|twitter\.com|x\.com|facebook\.com|youtube\.com|instagram\.com)/)[^\s<>\"'`]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?…।'\"*_~"
_TRACKING_PREFIXES = ("utm_",)
_TRACKING = frozenset(
    {"fbclid", "gclid", "igshid", "igsh", "si", "feature", "ref", "ref_src", "mibextid", "s", "t"}
)
_HOST_ALIASES = {"twitter.com": "x.com", "mobile.twitter.com": "x.com", "fb.com": "facebook.com"}


def extract(text: str) -> list[str]:
    """URLs as they appear in the text (trailing punctuation and unbalanced brackets removed)."""
    out = []
    for match in _URL.finditer(text):
        url = match.group()
        while url:
            if (
                url[-1] in _TRAILING
                or (url[-1] == ")" and url.count("(") < url.count(")"))
                or (url[-1] == "]" and url.count("[") < url.count("]"))
            ):
                url = url[:-1]
            else:
                break
        if len(url) > 8:
            out.append(url)
    return out


def canonical(url: str) -> str:
    """One spelling per link: lower-case host without www/m., no tracking, no fragment."""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.IGNORECASE):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return url
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    host = _HOST_ALIASES.get(host, host)
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower()
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%")
    params = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
        and not (k.lower() in _TRACKING and not (host == "youtube.com" and k == "t"))
    ]
    if host == "youtu.be" and path.strip("/"):
        params = [("v", path.strip("/").split("/")[0]), *params]
        host, path = "youtube.com", "/watch"
    elif host == "youtube.com" and path.startswith("/shorts/"):
        params = [("v", path.split("/")[2]), *params]
        path = "/watch"
    if host == "youtube.com" and path == "/watch":
        params = [(k, v) for k, v in params if k == "v"]
    netloc = host
    if port and not ((scheme == "https" and port == 443) or (scheme == "http" and port == 80)):
        netloc = f"{host}:{port}"
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted(params), doseq=True)
    return urlunsplit((scheme, netloc, path or "", query, ""))


def canonical_all(text: str) -> list[str]:
    """Canonical forms of the URLs in a text, each once, in order of appearance."""
    if "." not in text:
        return []
    return list(dict.fromkeys(canonical(u) for u in extract(text)))
