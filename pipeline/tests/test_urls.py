"""Finding links in posts and reducing each to one canonical spelling."""

from __future__ import annotations

import pytest

from pipeline.urls import canonical, canonical_all, extract, strip_links


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("dekho https://bit.ly/abc.", ["https://bit.ly/abc"], id="trailing-dot"),
        pytest.param("(see https://x.com/a/status/1)", ["https://x.com/a/status/1"], id="paren"),
        pytest.param(
            "https://en.wikipedia.org/wiki/Foo_(bar)",
            ["https://en.wikipedia.org/wiki/Foo_(bar)"],
            id="balanced-paren-kept",
        ),
        pytest.param("[link](https://a.in/x)", ["https://a.in/x"], id="markdown"),
        pytest.param("देखें https://bit.ly/xyz।", ["https://bit.ly/xyz"], id="danda"),
        pytest.param("bit.ly/xyz aur youtu.be/abc", ["bit.ly/xyz", "youtu.be/abc"], id="bare"),
        pytest.param(
            "wa.me/919999999999 t.me/channel", ["wa.me/919999999999", "t.me/channel"], id="chat"
        ),
        pytest.param("visit www.example.com!", ["www.example.com"], id="www"),
        pytest.param("visit Www.Example.com", ["Www.Example.com"], id="www-mixed-case"),
        pytest.param("truncated https://t.co/abc…", ["https://t.co/abc"], id="ellipsis"),
        pytest.param('"https://a.com/x?y=1",', ["https://a.com/x?y=1"], id="quotes"),
        pytest.param("mail me: foo@t.co/x or x.bit.ly/y", [], id="not-email-or-subdomain"),
        pytest.param("no links here, only 3.5 / 10", [], id="none"),
        pytest.param("HTTPS://EXAMPLE.COM/A", ["HTTPS://EXAMPLE.COM/A"], id="upper"),
        pytest.param(
            "two:https://a.com/1,https://b.com/2",
            ["https://a.com/1,https://b.com/2"],
            id="glued-by-comma-stays-one",
        ),
    ],
)
def test_extract(text, expected):
    assert extract(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            "HTTP://WWW.Example.COM/Path", "https://example.com/Path", id="case-www-scheme"
        ),
        pytest.param("https://m.example.com/a", "https://example.com/a", id="m-dot"),
        pytest.param("https://mobile.twitter.com/u", "https://x.com/u", id="mobile-twitter"),
        pytest.param("https://twitter.com/u/status/1", "https://x.com/u/status/1", id="twitter-x"),
        pytest.param(
            "https://x.com/u/status/1?s=20&t=AbC", "https://x.com/u/status/1", id="x-share-params"
        ),
        pytest.param("https://a.com/p?t=5&s=2", "https://a.com/p?s=2&t=5", id="s-t-kept-elsewhere"),
        pytest.param("https://example.com:443/a", "https://example.com/a", id="default-port"),
        pytest.param("http://example.com:80/a", "https://example.com/a", id="http-default-port"),
        pytest.param("https://example.com:8080/a", "https://example.com:8080/a", id="other-port"),
        pytest.param("https://a.com/x#section", "https://a.com/x", id="fragment"),
        pytest.param(
            "https://a.com/x?utm_source=wa&utm_medium=x&fbclid=1&gclid=2&igshid=3&id=7",
            "https://a.com/x?id=7",
            id="tracking",
        ),
        pytest.param("https://a.com/x?ref=tw&feature=share&si=q", "https://a.com/x", id="ref"),
        pytest.param("https://a.com/x?b=2&a=1", "https://a.com/x?a=1&b=2", id="sorted"),
        pytest.param("https://a.com/x/", "https://a.com/x", id="trailing-slash"),
        pytest.param("https://a.com/", "https://a.com/", id="root-slash"),
        pytest.param("https://a.com", "https://a.com/", id="root-empty"),
        pytest.param(
            "https://youtu.be/abc123?si=xyz", "https://youtube.com/watch?v=abc123", id="youtu-be"
        ),
        pytest.param(
            "https://www.youtube.com/watch?v=abc123&t=30s&list=PL1&feature=share",
            "https://youtube.com/watch?v=abc123",
            id="youtube-watch",
        ),
        pytest.param(
            "https://youtube.com/shorts/abc123/", "https://youtube.com/watch?v=abc123", id="shorts"
        ),
        pytest.param(
            "https://m.youtube.com/live/abc123", "https://youtube.com/watch?v=abc123", id="live"
        ),
        pytest.param("https://a.com/%7euser/%41", "https://a.com/~user/A", id="unreserved-decoded"),
        pytest.param("https://a.com/a%2fb", "https://a.com/a%2Fb", id="reserved-upper-hex"),
        pytest.param(
            "https://hi.wikipedia.org/wiki/भारत",
            "https://hi.wikipedia.org/wiki/%E0%A4%AD%E0%A4%BE%E0%A4%B0%E0%A4%A4",
            id="hindi-path-escaped",
        ),
        pytest.param("https://例え.jp/", "https://xn--r8jz45g.jp/", id="idn-punycode"),
        pytest.param("bit.ly/abc", "https://bit.ly/abc", id="bare-host"),
        pytest.param(
            "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.bbc.com%2Fnews%3Futm_source%3Dfb&h=x",
            "https://bbc.com/news",
            id="facebook-redirect",
        ),
        pytest.param(
            "https://a.com/search?q=मोदी",
            "https://a.com/search?q=%E0%A4%AE%E0%A5%8B%E0%A4%A6%E0%A5%80",
            id="query-utf8",
        ),
    ],
)
def test_canonical(url, expected):
    assert canonical(url) == expected


def test_raw_and_escaped_hindi_paths_are_one_link():
    raw = "https://hi.wikipedia.org/wiki/भारत"
    escaped = "https://hi.wikipedia.org/wiki/%e0%a4%ad%e0%a4%be%e0%a4%b0%e0%a4%a4"
    assert canonical(raw) == canonical(escaped)


def test_canonical_is_idempotent():
    for url in ("HTTP://WWW.Example.COM/a/?b=2&a=1#x", "youtu.be/x", "https://a.com/%7e"):
        assert canonical(canonical(url)) == canonical(url)


def test_canonical_keeps_what_it_cannot_parse():
    assert canonical("https://[broken/x") == "https://[broken/x"


def test_canonical_all_dedupes_in_order_of_first_appearance():
    # given the same video three ways and another link
    text = (
        "https://youtu.be/abc dekho, phir https://www.youtube.com/watch?v=abc&t=1 "
        "aur https://bit.ly/z aur youtube.com/shorts/abc"
    )
    # then each link counts once, in the order it first appeared
    assert canonical_all(text) == ["https://youtube.com/watch?v=abc", "https://bit.ly/z"]


def test_canonical_all_without_links():
    assert canonical_all("") == []
    assert canonical_all("कोई लिंक नहीं। no link.") == []


def test_strip_links_removes_link_runs():
    assert strip_links("see bit.ly/x and https://a.com/b, ok").split() == ["see", "and", "ok"]
    assert strip_links("nothing here") == "nothing here"
