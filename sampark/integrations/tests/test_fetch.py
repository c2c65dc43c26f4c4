"""The safe fetcher (issue #12): a controlled resolver, a mock network, and a loopback server.

No test resolves a real name or leaves the machine: names go through an injected resolver, and
requests either reach an httpx.MockTransport (which shows the address that would be dialled)
or the loopback fake, allowed by SAMPARK_FETCH_ALLOW_HOSTS.
"""

from __future__ import annotations

import gzip
import re
import socket
import ssl
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sampark.integrations import fetch
from sampark.integrations.tests.fakes import FakeServer, Reply

PUBLIC = "93.184.216.34"


class Network:
    """A mock network: records every request as it would go on the wire, answers 200 or a reply."""

    def __init__(self, reply: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        self.seen: list[httpx.Request] = []
        self.reply = reply

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.reply is not None:
            return self.reply(request)
        return httpx.Response(200, content=b"ok")

    @property
    def dialled(self) -> list[str]:
        return [r.url.host for r in self.seen]


class Resolver:
    """Answers names from a table; `then` answers every lookup of a name after its first."""

    def __init__(
        self, table: dict[str, list[str]], *, then: dict[str, list[str]] | None = None
    ) -> None:
        self.table = table
        self.then = then or {}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        again = host in self.lookups
        self.lookups.append(host)
        answers = self.then.get(host) if again and host in self.then else self.table.get(host)
        if answers is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answers


def fetch_with(
    url: str, resolver: Resolver | None = None, network: Network | None = None, **kwargs
) -> httpx.Response:
    with fetch.safe_client(
        resolver=resolver or Resolver({}), transport=httpx.MockTransport(network or Network())
    ) as client:
        return fetch.get(url, client=client, **kwargs)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://127.8.9.10:8080/feed", "loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://224.0.0.1/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://240.0.0.1/", "reserved"),
        ("http://100.64.0.1/", "not reachable from the internet"),
        ("http://[::1]/", "loopback"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fc00::1]/", "private"),
        ("http://[ff02::1]/", "multicast"),
        ("http://[::]/", "unspecified"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://[64:ff9b::a9fe:a9fe]/", "link-local"),
        ("http://[2002:7f00:1::]/", "loopback"),
    ],
    ids=[
        "v4_loopback_case",
        "v4_loopback_range_case",
        "v4_private_10_case",
        "v4_private_192_case",
        "v4_private_172_case",
        "cloud_metadata_case",
        "v4_multicast_case",
        "v4_unspecified_case",
        "v4_reserved_case",
        "cgnat_case",
        "v6_loopback_case",
        "v6_link_local_case",
        "v6_unique_local_case",
        "v6_multicast_case",
        "v6_unspecified_case",
        "v4_mapped_loopback_case",
        "v4_mapped_private_case",
        "nat64_metadata_case",
        "sixtofour_loopback_case",
    ],
)
def test_non_public_addresses_are_refused_before_any_request(url, kind):
    # given an address that is not public, when it is fetched
    network = Network()
    with pytest.raises(fetch.FetchRefused, match="is not a public address") as caught:
        fetch_with(url, network=network)
    # then the reason names its kind, and nothing went on the wire
    assert f"is {kind})" in str(caught.value)
    assert network.seen == []


def test_other_spellings_of_loopback_are_refused():
    # given 127.0.0.1 written as one decimal number (the system resolver reads it as inet_aton)
    resolver = Resolver({"2130706433": ["127.0.0.1"]})
    with pytest.raises(fetch.FetchRefused, match=r"\(127\.0\.0\.1 is loopback\)"):
        fetch_with("http://2130706433/", resolver)


def test_a_public_name_that_resolves_to_a_private_address_is_refused():
    # given a name under an attacker's control pointing at the internal network
    resolver = Resolver({"feed.example": ["10.20.30.40"]})
    network = Network()
    # when it is fetched, then it is refused for the address it resolves to
    with pytest.raises(fetch.FetchRefused) as caught:
        fetch_with("https://feed.example/rss", resolver, network)
    assert str(caught.value) == ("feed.example is not a public address (10.20.30.40 is private).")
    assert network.seen == []


def test_one_private_answer_among_public_ones_is_enough_to_refuse():
    resolver = Resolver({"feed.example": [PUBLIC, "127.0.0.1"]})
    with pytest.raises(fetch.FetchRefused, match=re.escape("127.0.0.1 is loopback")):
        fetch_with("https://feed.example/rss", resolver)


def test_the_checked_address_is_dialled_with_the_name_in_host_and_tls():
    # given a public name
    resolver = Resolver({"news.example": [PUBLIC]})
    network = Network()
    # when it is fetched over https on a port of its own
    response = fetch_with("https://news.example:8443/feed?page=2", resolver, network)
    # then the connection goes to the checked address, the name travels in Host and TLS
    (sent,) = network.seen
    assert sent.url.host == PUBLIC
    assert sent.url.port == 8443
    assert sent.url.raw_path == b"/feed?page=2"
    assert sent.headers["host"] == "news.example:8443"
    assert sent.extensions["sni_hostname"] == "news.example"
    # and the caller sees the URL it asked for
    assert str(response.url) == "https://news.example:8443/feed?page=2"
    assert response.text == "ok"


def test_dns_rebinding_cannot_swap_the_address_after_the_check():
    # given a name whose DNS answers a public address first and a private one afterwards
    resolver = Resolver({"rebind.example": [PUBLIC]}, then={"rebind.example": ["127.0.0.1"]})
    network = Network()
    # when a feed and then its article are fetched on one client
    with fetch.safe_client(resolver=resolver, transport=httpx.MockTransport(network)) as client:
        fetch.get("http://rebind.example/feed", client=client)
        fetch.get("http://rebind.example/article", client=client)
    # then the name was resolved once, and both requests went to the address that was checked
    assert resolver.lookups == ["rebind.example"]
    assert network.dialled == [PUBLIC, PUBLIC]


def test_a_later_fetch_that_resolves_to_a_private_address_is_refused():
    # given a name that was public when a user saved it
    resolver = Resolver({"rebind.example": [PUBLIC]}, then={"rebind.example": ["10.0.0.8"]})
    fetch.check_url("http://rebind.example/feed", resolver=resolver)
    # when the worker fetches it and DNS now answers a private address
    network = Network()
    with pytest.raises(fetch.FetchRefused, match=re.escape("10.0.0.8 is private")):
        fetch_with("http://rebind.example/feed", resolver, network)
    # then nothing was sent
    assert network.seen == []


def test_public_addresses_in_ipv6_forms_are_dialled():
    # a NAT64 address of a public IPv4 host (a DNS64 network answers these for every v4 site)
    network = Network()
    fetch_with("http://[64:ff9b::5db8:d822]/", network=network)
    assert network.dialled == ["64:ff9b::5db8:d822"]


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/feed", "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "feed"],
    ids=["ftp_case", "file_case", "gopher_case", "no_scheme_case"],
)
def test_only_http_and_https_are_fetched(url):
    network = Network()
    with pytest.raises(fetch.FetchRefused):
        fetch_with(url, network=network)
    assert network.seen == []


def test_a_name_that_does_not_resolve_is_a_fetch_error():
    with pytest.raises(
        fetch.FetchError, match=re.escape("Cannot find the address of nowhere.example")
    ):
        fetch_with("http://nowhere.example/")


def test_check_url_refuses_private_addresses_and_lets_unknown_names_pass():
    resolver = Resolver({"intranet.example": ["192.168.0.10"]})
    with pytest.raises(fetch.FetchRefused):
        fetch.check_url("http://intranet.example/rss", resolver=resolver)
    with pytest.raises(fetch.FetchRefused):
        fetch.check_url("file:///etc/passwd", resolver=resolver)
    # DNS may be down when the user saves: every fetch checks again
    fetch.check_url("http://not-yet.example/rss", resolver=resolver)


def test_an_allow_listed_name_may_point_inside(settings):
    # given a deployment's own intranet feed, named in the allow-list
    settings.SAMPARK_FETCH_ALLOW_HOSTS = ["Intranet.Example"]
    resolver = Resolver({"intranet.example": ["192.168.0.10"], "other.example": ["192.168.0.11"]})
    network = Network()
    # when it is fetched, then its (private) address is dialled
    fetch_with("http://intranet.example/rss", resolver, network)
    assert network.dialled == ["192.168.0.10"]
    # and another private name is still refused
    with pytest.raises(fetch.FetchRefused):
        fetch_with("http://other.example/rss", resolver, network)


def test_a_redirect_to_a_private_address_is_refused():
    # given a public page that redirects to the cloud metadata address
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})

    resolver = Resolver({"news.example": [PUBLIC]})
    network = Network(reply)
    # when it is fetched, then the second hop is refused before it is sent
    with pytest.raises(fetch.FetchRefused, match=re.escape("169.254.169.254 is link-local")):
        fetch_with("http://news.example/story", resolver, network)
    assert network.dialled == [PUBLIC]


# -- against a loopback server (allow-listed: the checks above refuse 127.0.0.1) ----------------


@pytest.fixture
def loopback(settings, fake_http: FakeServer) -> FakeServer:
    settings.SAMPARK_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    return fake_http


def test_loopback_is_refused_unless_allow_listed(settings, fake_http):
    # given the loopback fake and no allow-list
    fake_http.add("/feed", Reply(200, b"<rss/>"))
    settings.SAMPARK_FETCH_ALLOW_HOSTS = []
    with pytest.raises(fetch.FetchRefused, match=re.escape("127.0.0.1 is loopback")):
        fetch.get(fake_http.url + "/feed")
    assert fake_http.requests == []
    # when the deployment allows the host, then it is fetched
    settings.SAMPARK_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    assert fetch.get(fake_http.url + "/feed").content == b"<rss/>"


def test_an_allow_listed_name_keeps_its_host_header_on_the_wire(settings, fake_http):
    # given a name that resolves to the loopback fake, allow-listed
    settings.SAMPARK_FETCH_ALLOW_HOSTS = ["feeds.intranet"]
    port = int(fake_http.url.rsplit(":", 1)[1])
    fake_http.add("/feed", Reply(200, b"<rss/>"))
    # when it is fetched
    with fetch.safe_client(resolver=Resolver({"feeds.intranet": ["127.0.0.1"]})) as client:
        response = fetch.get(f"http://feeds.intranet:{port}/feed", client=client)
    # then the server was dialled at the resolved address and saw the name
    assert response.content == b"<rss/>"
    assert fake_http.calls("/feed")[0].headers["host"] == f"feeds.intranet:{port}"


def test_redirects_are_followed_and_each_hop_is_checked(loopback):
    # given a moved feed
    loopback.add("/old", Reply(301, b"", {"Location": "/new"}))
    loopback.add("/new", Reply(200, b"<rss/>"))
    # when it is fetched, then the answer is the new page, at its own URL
    response = fetch.get(loopback.url + "/old")
    assert response.content == b"<rss/>"
    assert str(response.url) == loopback.url + "/new"


def test_a_redirect_from_an_allowed_host_to_a_private_one_is_refused(loopback):
    # given an allowed host redirecting to a name that resolves inside
    loopback.add("/hop", Reply(302, b"", {"Location": "http://internal.example/admin"}))
    resolver = Resolver({"internal.example": ["10.1.1.1"]})
    # when it is fetched, then the hop is refused
    with (
        fetch.safe_client(resolver=resolver) as client,
        pytest.raises(
            fetch.FetchRefused, match=re.escape("internal.example is not a public address")
        ),
    ):
        fetch.get(loopback.url + "/hop", client=client)


def test_a_redirect_to_another_scheme_is_refused(loopback):
    loopback.add("/hop", Reply(302, b"", {"Location": "file:///etc/passwd"}))
    with pytest.raises(fetch.FetchRefused, match="not file"):
        fetch.get(loopback.url + "/hop")


def test_redirects_are_capped(loopback):
    # given a redirect loop
    loopback.add("/loop", Reply(302, b"", {"Location": "/loop"}))
    # when it is fetched, then it stops after the cap
    with pytest.raises(fetch.FetchRefused, match="redirects more than 5 times"):
        fetch.get(loopback.url + "/loop")
    assert len(loopback.calls("/loop")) == 6


def test_a_declared_length_over_the_cap_is_refused(loopback):
    loopback.add("/big", Reply(200, b"x" * 5000))
    with pytest.raises(fetch.FetchError, match="sent more than 1000 bytes"):
        fetch.get(loopback.url + "/big", max_bytes=1000)


def test_a_stream_without_length_stops_at_the_cap(loopback):
    # given an endless-looking body without Content-Length
    loopback.add("/stream", Reply(200, chunks=[b"x" * 600] * 10))
    # when it is read with a cap of 1000 bytes, then reading stops there
    with pytest.raises(fetch.FetchError, match="sent more than 1000 bytes"):
        fetch.get(loopback.url + "/stream", max_bytes=1000)


def test_a_slow_body_stops_at_the_deadline(loopback):
    # given a server that trickles its body
    loopback.add("/slow", Reply(200, chunks=[b"x"] * 50, pause=0.05))
    # when the whole fetch may take 0.3 s, then it is cut off
    with pytest.raises(fetch.FetchError, match="took too long"):
        fetch.get(loopback.url + "/slow", deadline=0.3)


def test_a_compressed_body_is_returned_decoded(loopback):
    # given a gzip-encoded feed
    body = "<rss>ख़बर</rss>".encode()
    loopback.add("/gz", Reply(200, gzip.compress(body), {"Content-Encoding": "gzip"}))
    # then the caller reads the plain body
    response = fetch.get(loopback.url + "/gz")
    assert response.content == body
    assert "content-encoding" not in response.headers


def test_an_unreachable_port_is_a_fetch_error_without_the_query(loopback):
    with pytest.raises(
        fetch.FetchError, match=re.escape("Could not reach http://127.0.0.1:9/feed ")
    ) as caught:
        fetch.get("http://127.0.0.1:9/feed?key=SECRET")
    assert "SECRET" not in str(caught.value)


# -- TLS: the address is dialled, the certificate is verified for the name ----------------------


@pytest.fixture
def tls_server(tmp_path):
    """A loopback HTTPS server whose self-signed certificate names `feeds.intranet` only."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "feeds.intranet")])
    now = datetime.now(tz=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("feeds.intranet")]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    seen: list[tuple[str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            sni = getattr(self.connection, "sni", None)
            seen.append((self.headers["Host"], sni))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)

    def remember_sni(sock: ssl.SSLObject, server_name: str, _ctx: ssl.SSLContext) -> None:
        sock.sni = server_name  # type: ignore[attr-defined]

    server_context.sni_callback = remember_sni
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    client_context = ssl.create_default_context(cafile=str(cert_file))
    try:
        yield server.server_address[1], client_context, seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_https_dials_the_address_and_verifies_the_certificate_for_the_name(settings, tls_server):
    port, trust, seen = tls_server
    settings.SAMPARK_FETCH_ALLOW_HOSTS = ["feeds.intranet", "other.intranet"]
    resolver = Resolver({"feeds.intranet": ["127.0.0.1"], "other.intranet": ["127.0.0.1"]})
    # when the name the certificate holds is fetched at its (checked) address
    with fetch.safe_client(resolver=resolver, verify=trust) as client:
        response = fetch.get(f"https://feeds.intranet:{port}/feed", client=client)
    # then TLS carried the name and the certificate was accepted for it
    assert response.text == "ok"
    assert seen == [(f"feeds.intranet:{port}", "feeds.intranet")]
    # and another name at the same address is not accepted with that certificate
    with (
        fetch.safe_client(resolver=resolver, verify=trust) as client,
        pytest.raises(fetch.FetchError, match=r"CERTIFICATE_VERIFY_FAILED|hostname"),
    ):
        fetch.get(f"https://other.intranet:{port}/feed", client=client)
