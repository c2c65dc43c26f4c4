"""ClaimReview parsers on fixture files: JSON-LD variants, an article page, CSV and RSS."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sampark.factcheck import claimreview
from sampark.factcheck.claimreview import parse_bytes, verdict_of
from sampark.factcheck.enums import Verdict

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_it_reads_a_single_object_with_nested_item_and_hindi_rating():
    # given one ClaimReview object with itemReviewed, an organisation author and a Hindi rating
    parsed = parse_bytes(read("claimreview_single.json"), name="claimreview_single.json")
    # then every field we keep is filled
    assert parsed.errors == []
    (record,) = parsed.records
    assert record.url.startswith("https://www.altnews.in/2000-rupee-note-gps-chip")
    assert record.claim_reviewed.startswith("2000 रुपये के नए नोट में GPS चिप")
    assert (record.rating, record.verdict) == ("फ़र्ज़ी", "false")
    assert record.claimant == "Viral WhatsApp message"
    assert (record.publisher, record.publisher_url) == ("Alt News", "https://www.altnews.in/")
    assert record.published_at == datetime(2016, 11, 10, 8, 35, tzinfo=UTC)
    assert record.language == "hi"
    assert record.title == "2000 के नोट में GPS चिप नहीं है"
    assert record.image_url.endswith("2000-note.jpg")
    assert record.summary.startswith("RBI")


def test_it_reads_a_graph_with_people_and_an_organisation_as_authors():
    # given a @graph whose ClaimReview lists a person and a news organisation as authors
    parsed = parse_bytes(read("claimreview_graph.jsonld"), name="claimreview_graph.jsonld")
    (record,) = parsed.records
    # then the organisation is the publisher and the person the author
    assert (record.publisher, record.author) == ("BOOM", "Anmol Alphonso")
    assert record.claimant == "Facebook users, X users"
    assert record.verdict == "false"
    # and a date without a time is midnight in India
    assert record.published_at == datetime(2024, 4, 17, 18, 30, tzinfo=UTC)
    assert record.language == "en"


def test_it_reads_a_list_and_reports_the_review_without_url():
    # given a list of three ClaimReviews, one without a URL
    parsed = parse_bytes(read("claimreview_list.json"), name="claimreview_list.json")
    # then two are kept and the third is reported by position
    assert [r.publisher for r in parsed.records] == ["Factly", "Vishvas News"]
    assert parsed.errors == [("claimreview_list.json#3", "no url")]
    factly, vishvas = parsed.records
    # a bare string author is the organisation; RFC 822 dates are read
    assert factly.verdict == "misleading"
    assert factly.published_at == datetime(2024, 4, 15, 4, 30, tzinfo=UTC)
    # a Language object and a list of ratings are read
    assert (vishvas.language, vishvas.rating, vishvas.verdict) == ("en", "Misleading", "misleading")


def test_it_extracts_the_claimreview_embedded_in_an_article():
    # given a fact-check article with a NewsArticle and a ClaimReview in JSON-LD
    parsed = parse_bytes(
        read("article_claimreview.html"),
        name="article.html",
        url="https://www.vishvasnews.com/hindi/politics/fact-check-vote-by-otp-claim-is-fake/",
    )
    # then the ClaimReview is found, with the article's headline and image
    assert parsed.errors == []
    (record,) = parsed.records
    assert record.claim_reviewed.startswith("इस बार वोट डालने के लिए आधार जरूरी नहीं")
    assert (record.verdict, record.publisher) == ("false", "Vishvas News")
    assert record.title.startswith("फ़ैक्ट चेक: आधार के बिना OTP")
    assert record.image_url.endswith("vote-otp.jpg")
    assert record.claimant == "WhatsApp यूज़र्स"


def test_a_page_without_claimreview_is_reported():
    parsed = claimreview.parse_html(
        "<html><body><p>No markup</p></body></html>", url="https://x.in/a"
    )
    assert parsed.records == []
    assert parsed.errors == [("https://x.in/a", "no ClaimReview on the page")]


def test_csv_keeps_good_rows_and_reports_bad_ones_by_line():
    # given a CSV with a bad URL on line 4 and an unreadable date on line 6
    parsed = parse_bytes(read("factchecks.csv"), name="factchecks.csv")
    # then the three good rows are kept
    assert [r.publisher for r in parsed.records] == ["Factly", "Newschecker", "BOOM"]
    assert parsed.errors == [
        ("factchecks.csv:4", "url must start with http:// or https:// ('not-a-url')"),
        ("factchecks.csv:6", "unreadable date 'next tuesday'"),
    ]
    factly, newschecker, boom = parsed.records
    assert factly.title == "No GPS chip in 2000 rupee notes"
    # day-first dates are Indian dates
    assert newschecker.published_at == datetime(2024, 4, 14, 18, 30, tzinfo=UTC)
    assert newschecker.verdict == "misleading"
    # a missing language is identified from the claim
    assert (boom.language, boom.verdict) == ("en", "false")


def test_csv_without_the_required_columns_is_refused_at_line_1():
    parsed = claimreview.parse_csv("link,text\nhttps://a.in/x,claim\n", where="x.csv")
    assert parsed.records == []
    assert parsed.errors == [("x.csv:1", "missing column(s): url, claim")]


def test_a_feed_fetches_each_article_and_extracts_its_claimreview():
    # given a feed of three entries: a fact-check, an explainer without markup, a broken link
    feed = read("feed.xml").replace(b"{{BASE}}", b"https://www.vishvasnews.com")
    article = read("article_claimreview.html").decode()
    fetched: list[str] = []

    def fetch(url: str) -> str:
        fetched.append(url)
        if "gone" in url:
            raise RuntimeError("404 Not Found")
        return article if "otp" in url else "<html><body>explainer</body></html>"

    # when parsed
    parsed = claimreview.parse_feed(feed, fetch=fetch, where="feed.xml")
    # then every article was fetched, the fact-check kept and the others reported
    assert len(fetched) == 3
    (record,) = parsed.records
    assert record.verdict == "false"
    assert [where for where, _reason in parsed.errors] == [
        "https://www.vishvasnews.com/explainer/how-evms-work/",
        "https://www.vishvasnews.com/gone/",
    ]
    assert parsed.errors[1][1] == "fetch failed: 404 Not Found"


@pytest.mark.parametrize("spelled", ["path", "url"], ids=["path_bytes_case", "url_text_case"])
def test_a_feed_is_never_read_from_the_path_or_url_its_content_spells(tmp_path, spelled):
    # given content that spells the path of a real feed file, or a URL
    path = tmp_path / "feed.xml"
    path.write_bytes(read("feed.xml").replace(b"{{BASE}}", b"https://www.vishvasnews.com"))
    content: str | bytes = str(path).encode() if spelled == "path" else "http://127.0.0.1:9/feed"
    fetched: list[str] = []

    def fetch(url: str) -> str:
        fetched.append(url)
        return ""

    # when it is parsed as a feed
    parsed = claimreview.parse_feed(content, fetch=fetch, where="upload")
    # then it is read as a (broken) document: no file opened, nothing fetched
    assert parsed.records == []
    assert parsed.errors[0][0] == "upload"
    assert parsed.errors[0][1].startswith("not a feed")
    assert fetched == []


def test_a_feed_without_network_access_is_reported():
    parsed = parse_bytes(read("feed.xml"), name="feed.xml")
    assert parsed.records == []
    assert parsed.errors == [("feed.xml", "a feed needs network access to read its articles")]


@pytest.mark.parametrize(
    ("rating", "verdict"),
    [
        pytest.param("फ़र्ज़ी", Verdict.FALSE, id="hindi_fake_with_nukta_case"),
        pytest.param("फर्जी", Verdict.FALSE, id="hindi_fake_without_nukta_case"),
        pytest.param("भ्रामक", Verdict.MISLEADING, id="hindi_misleading_case"),
        pytest.param("False", Verdict.FALSE, id="english_false_case"),
        pytest.param("Misleading", Verdict.MISLEADING, id="english_misleading_case"),
        pytest.param("Missing Context", Verdict.MISLEADING, id="missing_context_case"),
        pytest.param("Partly False", Verdict.PARTLY_FALSE, id="partly_false_case"),
        pytest.param("Half True", Verdict.PARTLY_FALSE, id="half_true_case"),
        pytest.param("आंशिक रूप से सही", Verdict.PARTLY_FALSE, id="hindi_partly_case"),
        pytest.param("Not True", Verdict.FALSE, id="not_true_case"),
        pytest.param("True", Verdict.TRUE, id="true_case"),
        pytest.param("सच", Verdict.TRUE, id="hindi_true_case"),
        pytest.param("Unverified", Verdict.UNPROVEN, id="unverified_case"),
        pytest.param("Satire", Verdict.SATIRE, id="satire_case"),
        pytest.param("व्यंग्य", Verdict.SATIRE, id="hindi_satire_case"),
        pytest.param("Explainer", Verdict.OTHER, id="unknown_case"),
    ],
)
def test_verdicts_from_hindi_and_english_ratings(rating, verdict):
    assert verdict_of(rating) == verdict


def test_numeric_ratings_are_a_fallback():
    assert verdict_of("", value=1, best=5, worst=1) == Verdict.FALSE
    assert verdict_of("", value=5, best=5, worst=1) == Verdict.TRUE
    assert verdict_of("", value=3, best=5, worst=1) == Verdict.PARTLY_FALSE


def test_verdict_names_match_the_model_choices():
    assert set(claimreview.VERDICTS) == set(Verdict.values)


# --- bad input (issue #12) ------------------------------------------------------------------


def test_a_bare_cr_in_an_unquoted_csv_field_ends_the_line():
    parsed = claimreview.parse_csv("url,claim\nhttps://a.in/1,one\rhttps://a.in/2,two\n")
    assert [r.url for r in parsed.records] == ["https://a.in/1", "https://a.in/2"]


def test_a_csv_field_over_the_limit_fails_its_row_only():
    big = "x" * 200_000
    parsed = claimreview.parse_csv(f"url,claim\nhttps://a.in/1,{big}\nhttps://a.in/2,two\n")
    assert [r.url for r in parsed.records] == ["https://a.in/2"]
    assert "field larger than field limit" in parsed.errors[0][1]


@pytest.mark.parametrize("depth", [900, 100_000], ids=["walk_depth_case", "json_depth_case"])
def test_deeply_nested_json_is_an_error_not_a_crash(depth):
    parsed = claimreview.parse_json_text("[" * depth + "]" * depth)
    assert parsed.records == []


FUZZ = hypothesis_settings(max_examples=300, deadline=None)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list('url,claim"\r\n\x00 xhttps://é'))), st.booleans())
def test_parse_csv_never_raises(text, header):
    claimreview.parse_csv(("url,claim\n" if header else "") + text)


@FUZZ
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "@type",
                        "@graph",
                        "url",
                        "claimReviewed",
                        "reviewRating",
                        "author",
                        "datePublished",
                        "itemReviewed",
                        "mainEntity",
                    ]
                ),
                inner,
                max_size=5,
            )
        ),
        max_leaves=30,
    )
)
def test_parse_jsonld_never_raises(data):
    claimreview.parse_json_text(json.dumps(data))
    claimreview.parse_jsonld(data)


@FUZZ
@given(st.text(max_size=400))
def test_parse_feed_text_never_raises(text):
    claimreview.parse_feed(
        f"<rss><channel><item>{text}</item></channel></rss>".encode(),
        fetch=lambda url: "<html></html>",
    )


@pytest.mark.parametrize(
    "value",
    ["Fri, 01 Mar 99999999999999999999 10:00:00 GMT", "0001-01-01T00:00:00+05:30", "0001-01-01"],
    ids=["huge_year_case", "first_day_east_case", "first_day_naive_case"],
)
def test_a_date_out_of_range_is_no_date(value):
    assert claimreview.parse_date(value) is None


def test_a_feed_that_breaks_feedparser_is_not_a_feed():
    # found by bench/fuzz.py: feedparser raised KeyError('links') on this markup
    content = (
        b'<?xml version="1UA\xc7\xb1#\xb5.0"?><rss version="2.0"><channel><title>x</title><item>'
        b"<title>t</title><link>https://a.in/1</<title>x</title><item><title>t</title>"
        b"<link>https://a.in/1</<title>x</title><item><title>t</title><link>https://a.in/1</link>"
        b"<pubDate>F024 10:00:00 GMT</pubDate></item>s://a.in/1</link><pubDate>F024 10:00:00 GMT"
        b"</pubDate></item>s://a.in/1</link><\xd0ubDate>F024 10:00:00 GMT</pubDate></item></channe"
    )
    parsed = claimreview.parse_feed(content, fetch=lambda url: "<html></html>")
    assert parsed.records == []
