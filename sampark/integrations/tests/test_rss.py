"""RSS/Atom connector against recorded feeds served on loopback."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline.types import FetchResult, Platform
from sampark.integrations import base, rss
from sampark.integrations.tests.fakes import PAYLOADS, FakeServer, Reply

FEED = "/feeds/up.xml"
ETAG = '"5f3a-61c2b7e0"'
MODIFIED = "Wed, 01 May 2024 05:35:00 GMT"


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    # The fakes listen on loopback, which the fetcher refuses unless the deployment allows it.
    settings.SAMPARK_FETCH_ALLOW_HOSTS = ["127.0.0.1"]


def poll(fake_http: FakeServer, cursor: dict[str, Any] | None = None, **config: Any) -> FetchResult:
    return rss.RssConnector().fetch(
        config={"url": fake_http.url + FEED, **config}, cursor=cursor or {}
    )


def test_it_reads_hindi_entries_with_dates_authors_and_plain_text(fake_http, time_machine):
    # given a Hindi RSS feed, read on a clock standing still
    now = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
    time_machine.move_to(now, tick=False)
    fake_http.add(FEED, file="rss_hindi.xml", headers={"ETag": ETAG, "Last-Modified": MODIFIED})
    # when it is polled for the first time
    result = poll(fake_http)
    # then every entry is a news post with title + summary as plain text
    first, second, third = result.posts
    assert first.platform == Platform.NEWS
    assert first.external_id == "lsn-2024-05-01-0142"
    assert first.text == (
        "लखनऊ में ईवीएम को लेकर अफ़वाह, निर्वाचन आयोग ने दी सफ़ाई\n"
        "सोशल मीडिया पर वायरल वीडियो को आयोग ने भ्रामक बताया।\n"
        "पूरी ख़बर पढ़ें »"
    )
    assert first.author == "संवाददाता, लखनऊ"
    assert first.url == f"{fake_http.url}/news/evm-afwah-lucknow.html"
    # +05:30 converted to aware UTC
    assert first.posted_at == datetime(2024, 5, 1, 5, 0, tzinfo=UTC)
    assert "प्रशासन & पुलिस" in second.text
    assert '"दोबारा वोट"' in second.text
    # an item with neither guid nor date: the link is its id, and it is dated now
    assert third.external_id == f"{fake_http.url}/news/varanasi-training-camp.html"
    assert third.text.endswith("#Varanasi")
    assert third.posted_at == now
    # and the cursor remembers the validators and the ids
    assert result.cursor["etag"] == ETAG
    assert result.cursor["modified"] == MODIFIED
    assert set(result.cursor["seen"]) == {p.external_id for p in result.posts}


def test_the_second_poll_sends_validators_and_a_304_brings_nothing(fake_http):
    # given a first poll that stored ETag and Last-Modified
    fake_http.add(
        FEED, file="rss_hindi.xml", headers={"ETag": ETAG, "Last-Modified": MODIFIED}, times=1
    )
    fake_http.add(FEED, Reply(304, b"", {"ETag": ETAG}))
    cursor = poll(fake_http).cursor
    # when it is polled again and the server says nothing changed
    result = poll(fake_http, cursor)
    # then it asked conditionally, got no posts, and the cursor is kept
    again = fake_http.calls(FEED)[1]
    assert again.headers["if-none-match"] == ETAG
    assert again.headers["if-modified-since"] == MODIFIED
    assert result.posts == []
    assert result.cursor == cursor


def test_a_changed_feed_yields_only_its_new_entries(fake_http):
    # given a feed polled once, then published again with one new entry on top
    fake_http.add(FEED, file="rss_hindi.xml", times=1)
    fake_http.add(FEED, file="rss_hindi_updated.xml")
    first = poll(fake_http)
    # when it is polled twice more
    second = poll(fake_http, first.cursor)
    third = poll(fake_http, second.cursor)
    # then only the new entry comes once, and nothing repeats
    assert [p.external_id for p in second.posts] == ["lsn-2024-05-01-0150"]
    assert second.posts[0].text.startswith("प्रयागराज में मतदाता जागरूकता रैली")
    assert third.posts == []
    assert second.cursor["seen"][0] == "lsn-2024-05-01-0150"


def test_it_reads_atom_with_relative_links_and_html_titles(fake_http):
    # given an Atom feed whose first link is relative and title is escaped HTML
    fake_http.add(FEED, file="atom_hindi.xml", headers={"Content-Type": "application/atom+xml"})
    # when it is polled
    posts = poll(fake_http).posts
    # then links are absolute, tags are gone, content stands in for a summary
    assert posts[0].url == f"{fake_http.url}/story/8812"
    assert posts[0].text == "गोरखपुर में पेयजल संकट पर धरना\nनगर निगम ने कहा – दो दिन में आपूर्ति ठीक होगी।"
    assert posts[0].author == "रेखा त्रिपाठी"
    assert posts[0].posted_at == datetime(2024, 5, 2, 2, 15, tzinfo=UTC)
    # an entry with only <updated> is dated by it
    assert posts[1].posted_at == datetime(2024, 5, 1, 18, 20, tzinfo=UTC)


def test_with_fetch_articles_the_text_comes_from_the_article_page(fake_http):
    # given a feed whose first entry links to a full article page with menus and comments
    fake_http.add(FEED, file="rss_hindi.xml")
    fake_http.add("/news/evm-afwah-lucknow.html", file="article_evm_afwah.html")
    # the other articles are gone (404): they keep the feed's summary
    # when it is polled with article fetching on
    posts = poll(fake_http, fetch_articles=True).posts
    # then the article body replaces the summary, without navigation, sidebar or comments
    article = posts[0].text
    assert article.startswith(
        "लखनऊ में ईवीएम को लेकर अफ़वाह, निर्वाचन आयोग ने दी सफ़ाई\nलखनऊ में मंगलवार रात से"
    )
    assert article.count("निर्वाचन आयोग ने दी सफ़ाई") == 1  # the headline is not repeated
    assert "वीवीपैट" in article
    assert "आईटी अधिनियम" in article
    assert "यह भी पढ़ें" not in article
    assert "लॉग इन करें" not in article
    assert "sahi kiya aayog" not in article
    assert posts[0].extra["article"] is True
    assert posts[1].text.endswith("2019 का निकला।")
    assert "article" not in posts[1].extra


def test_articles_are_fetched_only_up_to_the_limit(fake_http):
    # given a feed of three entries
    fake_http.add(FEED, file="rss_hindi.xml")
    # when it is polled with a limit of one article
    poll(fake_http, fetch_articles=True, max_articles=1)
    # then only one article page was asked for
    assert [r.path for r in fake_http.requests] == [FEED, "/news/evm-afwah-lucknow.html"]


def test_a_page_that_is_not_a_feed_is_a_clear_error(fake_http):
    # given an HTML maintenance page served with 200
    fake_http.add(FEED, file="rss_not_a_feed.html")
    # when it is polled
    with pytest.raises(base.ConnectorError, match="RSS: not a readable RSS/Atom feed"):
        poll(fake_http)


def test_a_server_error_names_the_feed_and_status(fake_http):
    # given a feed that fails
    fake_http.add(FEED, Reply(500, b"Internal Server Error"))
    # when it is polled
    with pytest.raises(base.ConnectorError) as caught:
        poll(fake_http)
    # then the message says where and what
    assert str(caught.value) == (
        f"RSS: {fake_http.url}{FEED} answered 500 Internal Server Error: Internal Server Error"
    )


def test_a_rate_limited_feed_says_when_to_return(fake_http):
    # given a feed that asks us to slow down
    fake_http.add(FEED, Reply(429, b"", {"Retry-After": "600"}))
    # then the poll raises RateLimited with that wait
    with pytest.raises(base.RateLimited) as caught:
        poll(fake_http)
    assert caught.value.retry_after == 600


def test_a_url_that_is_not_http_is_refused():
    with pytest.raises(base.ConnectorError, match="needs an http"):
        rss.RssConnector().fetch(config={"url": "file:///etc/passwd"}, cursor={})


def test_a_feed_at_a_private_address_is_refused_at_fetch_time(settings, fake_http):
    # given a feed on loopback, and a deployment that allows no private host
    settings.SAMPARK_FETCH_ALLOW_HOSTS = []
    fake_http.add(FEED, file="rss_hindi.xml")
    # when it is polled, then it is refused with the reason, and nothing was asked
    with pytest.raises(base.ConnectorError, match=r"^RSS: 127\.0\.0\.1 is not a public address"):
        poll(fake_http)
    assert fake_http.requests == []


def test_an_article_link_to_a_private_address_is_not_fetched(fake_http):
    # given an allowed feed whose entry links to the cloud metadata address
    feed = (
        b'<rss version="2.0"><channel><title>t</title><item><title>one</title><guid>1</guid>'
        b"<description>summary</description>"
        b"<link>http://169.254.169.254/latest/meta-data/</link></item></channel></rss>"
    )
    fake_http.add(FEED, Reply(200, feed, {"Content-Type": "application/rss+xml"}))
    # when it is polled with article fetching on
    (post,) = poll(fake_http, fetch_articles=True).posts
    # then the link was refused and the entry keeps the feed's summary
    assert post.text == "one\nsummary"
    assert "article" not in post.extra


def test_parse_feed_reads_a_local_file_without_any_network():
    # given the bytes of a feed file
    data = (PAYLOADS / "rss_hindi.xml").read_bytes()
    # when it is parsed on its own
    posts = rss.parse_feed(data, base_url="file:///tmp/up.xml")
    # then the entries come out as posts
    assert [p.external_id for p in posts][:2] == ["lsn-2024-05-01-0142", "lsn-2024-05-01-0139"]
    assert posts[0].extra["feed"] == "लखनऊ समाचार – उत्तर प्रदेश"


def test_parse_feed_never_treats_its_input_as_a_path(tmp_path):
    # given bytes that spell the path of a real feed file
    path = tmp_path / "feed.xml"
    path.write_bytes((PAYLOADS / "rss_hindi.xml").read_bytes())
    # when they are parsed
    # then they are read as a (broken) document, never opened as a file
    with pytest.raises(base.ConnectorError, match="not a readable"):
        rss.parse_feed(str(path).encode())


def test_very_long_ids_are_hashed_not_cut():
    # given two entries whose ids share their first 200 characters
    long = "https://example.in/" + "a" * 200
    feed = (
        '<rss version="2.0"><channel><title>t</title>'
        f"<item><title>one</title><guid>{long}1</guid></item>"
        f"<item><title>two</title><guid>{long}2</guid></item>"
        "</channel></rss>"
    ).encode()
    # when parsed
    ids = [p.external_id for p in rss.parse_feed(feed)]
    # then they stay distinct and fit the column
    assert len(set(ids)) == 2
    assert all(len(i) <= 200 and i.startswith("sha256:") for i in ids)
