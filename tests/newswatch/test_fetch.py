"""The safe fetcher, against a real HTTP(S) server on 127.0.0.1.

Safety of the tests themselves: every socket connect in this module goes through ``network_guard``, which fails
the test (before any packet leaves) if a connection is attempted to anything but the loopback addresses. Names
are resolved by a stub (``fake_dns``): nothing here asks a real resolver either.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from predictions.newswatch import fetch as fetch_module
from predictions.newswatch.fetch import (
    DEFAULT_MAX_BYTES,
    USER_AGENT,
    BadScheme,
    BlockedAddress,
    FetchConnectionError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    Timeouts,
    TooLarge,
    TooManyRedirects,
    check_address,
    fetch,
    resolve_and_check,
)
from tests.newswatch.httpserver import LocalHTTPServer

REPO = Path(__file__).resolve().parents[2]


# --- fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every connect; refuse (with a failing assertion, before connecting) any non-loopback destination."""
    attempts: list[str] = []
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        attempts.append(str(host))
        assert ipaddress.ip_address(str(host).split("%")[0]).is_loopback, f"test tried to connect to {host}"
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    return attempts


@pytest.fixture(scope="module")
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        yield running


FakeDNS = Callable[[dict[str, list[str]]], list[str]]


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    """``fake_dns({"name": ["addr", ...]})`` makes getaddrinfo answer those names; returns the list of lookups.

    IP literals are answered as the real resolver would (numerically, without any query, and not recorded); any
    other name fails.
    """
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def install(table: dict[str, list[str]]) -> list[str]:
        def stub(host: object, port: object, *args: object, **kwargs: object) -> list:
            name = host.decode() if isinstance(host, bytes) else str(host)
            try:
                ipaddress.ip_address(name)
            except ValueError:
                lookups.append(name)
            else:
                return real_getaddrinfo(name, port, *args, **kwargs)  # numeric: no query leaves
            if name not in table:
                raise socket.gaierror(socket.EAI_NONAME, f"{name} unknown to the test resolver")
            answers = table[name]
            if callable(answers):
                answers = answers()
            result = []
            for address in answers:
                family = socket.AF_INET6 if ":" in address else socket.AF_INET
                sockaddr = (address, int(port or 0), 0, 0) if family == socket.AF_INET6 else (address, int(port or 0))
                result.append((family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr))
            return result

        monkeypatch.setattr(socket, "getaddrinfo", stub)
        return lookups

    return install


# --- the address check ------------------------------------------------------------------------------------------

BLOCKED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("fd00::1", "unique-local"),
    ("fc00::1", "unique-local"),
    ("100.64.0.1", "shared"),
    ("169.254.169.254", "metadata"),
    ("fd00:ec2::254", "metadata"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local"),
    ("fe80::1%1", "link-local"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.1", "special-purpose"),
    ("198.18.0.1", "special-purpose"),
    ("fec0::1", "site-local"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "metadata"),
    ("::ffff:10.0.0.1", "private"),
    ("64:ff9b::7f00:1", "loopback"),  # NAT64 spelling of 127.0.0.1
    ("2002:7f00:1::", "loopback"),  # 6to4 spelling of 127.0.0.1
    ("2002:a9fe:a9fe::", "metadata"),  # 6to4 spelling of 169.254.169.254
]


@pytest.mark.parametrize(("address", "why"), BLOCKED)
def test_check_address_refuses_non_public_addresses(address: str, why: str) -> None:
    with pytest.raises(BlockedAddress) as caught:
        check_address(address)
    assert why in caught.value.reason
    assert address.split("%")[0] in str(caught.value)
    assert why in str(caught.value)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450::1"])
def test_check_address_accepts_public_addresses(address: str) -> None:
    assert check_address(address) == ipaddress.ip_address(address)


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "10.0.0.1", "192.168.0.10", "fd00::1", "100.64.0.1"])
def test_allow_private_lifts_loopback_and_private_refusals(address: str) -> None:
    with pytest.raises(BlockedAddress):
        check_address(address, allow_private=False)
    assert check_address(address, allow_private=True) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    "address", ["169.254.169.254", "::ffff:169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1", "240.0.0.1"]
)
def test_allow_private_never_lifts_metadata_link_local_and_reserved(address: str) -> None:
    with pytest.raises(BlockedAddress):
        check_address(address, allow_private=True)


def test_check_address_rejects_non_addresses() -> None:
    with pytest.raises(BlockedAddress, match="not an IP address"):
        check_address("localhost")


@pytest.mark.parametrize(
    "answers",
    [
        ["10.0.0.1"],
        ["169.254.169.254"],
        ["::1"],
        ["fd00::1"],
        ["127.0.0.1"],
        ["8.8.8.8", "10.0.0.1"],  # one bad address refuses the whole name
        ["2606:4700:4700::1111", "::ffff:169.254.169.254"],
    ],
)
def test_resolve_and_check_refuses_a_name_if_any_address_is_refused(
    fake_dns: FakeDNS, answers: list[str], network_guard: list[str]
) -> None:
    lookups = fake_dns({"feeds.example.test": answers})
    with pytest.raises(BlockedAddress):
        resolve_and_check("feeds.example.test", 443, False)
    assert lookups == ["feeds.example.test"]
    assert network_guard == []


def test_resolve_and_check_returns_every_checked_address(fake_dns: FakeDNS) -> None:
    fake_dns({"feeds.example.test": ["93.184.216.34", "2606:4700:4700::1111", "93.184.216.34"]})
    assert [str(a) for a in resolve_and_check("feeds.example.test", 80, False)] == [
        "93.184.216.34",
        "2606:4700:4700::1111",
    ]


def test_resolve_and_check_checks_literals_without_resolving(fake_dns: FakeDNS) -> None:
    lookups = fake_dns({})
    with pytest.raises(BlockedAddress):
        resolve_and_check("[::1]", 80, False)
    assert [str(a) for a in resolve_and_check("8.8.8.8", 80, False)] == ["8.8.8.8"]
    assert lookups == []


def test_unknown_name_is_a_connection_error(fake_dns: FakeDNS) -> None:
    fake_dns({})
    with pytest.raises(FetchConnectionError, match="cannot resolve"):
        fetch("http://nowhere.example.test/feed")


# --- fetch: refusals before any connection ----------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["10.0.0.1", "169.254.169.254", "::1", "fd00::1", "127.0.0.1", "0.0.0.0"])
def test_fetch_refuses_names_resolving_to_private_addresses_before_connecting(
    fake_dns: FakeDNS, network_guard: list[str], answer: str
) -> None:
    fake_dns({"intranet.example.test": [answer]})
    with pytest.raises(BlockedAddress) as caught:
        fetch("https://intranet.example.test/feed.xml", allow_private=False)
    assert caught.value.address == answer
    assert caught.value.url == "https://intranet.example.test/feed.xml"
    assert network_guard == []


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/", "http://0.0.0.0:8000/"]
)
def test_fetch_refuses_metadata_literals_even_with_allow_private(network_guard: list[str], url: str) -> None:
    with pytest.raises(BlockedAddress):
        fetch(url, allow_private=True)
    assert network_guard == []


def test_loopback_is_refused_without_allow_private(server: LocalHTTPServer, network_guard: list[str]) -> None:
    before = len(server.requests)
    with pytest.raises(BlockedAddress, match="loopback"):
        fetch(server.url("/feeds/rss2/rss_2.0_bbc.xml"), allow_private=False)
    assert network_guard == []
    assert len(server.requests) == before


def test_loopback_is_allowed_with_allow_private(server: LocalHTTPServer) -> None:
    result = fetch(server.url("/feeds/rss2/rss_2.0_bbc.xml"), allow_private=True)
    assert result.status == 200
    assert result.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert b"Marcus Aurelius" in result.content
    assert result.headers["content-type"] == "application/xml"
    assert result.final_url == result.url == server.url("/feeds/rss2/rss_2.0_bbc.xml")
    assert result.not_modified is False


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("file:///etc/passwd", BadScheme),
        ("ftp://example.com/feed", BadScheme),
        ("gopher://127.0.0.1:70/", BadScheme),
        ("javascript:alert(1)", BadScheme),
        ("/relative/feed.xml", BadScheme),
        ("http://", InvalidURL),
    ],
)
def test_only_http_and_https(url: str, error: type[FetchError], network_guard: list[str]) -> None:
    with pytest.raises(error):
        fetch(url, allow_private=True)
    assert network_guard == []


def _setting_in_subprocess(tmp_path: Path, settings_body: str | None) -> str:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{tmp_path}:{REPO}"}
    if settings_body is not None:
        (tmp_path / "fake_settings.py").write_text(settings_body)
        env["DJANGO_SETTINGS_MODULE"] = "fake_settings"
    code = "from predictions.newswatch.fetch import default_allow_private; print(default_allow_private())"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.strip()


def test_allow_private_default_reads_the_django_setting_lazily(tmp_path: Path) -> None:
    assert _setting_in_subprocess(tmp_path, None) == "False"
    assert _setting_in_subprocess(tmp_path, "SECRET_KEY = 'x'\nNEWSWATCH_ALLOW_PRIVATE_ADDRESSES = True\n") == "True"
    assert _setting_in_subprocess(tmp_path, "SECRET_KEY = 'x'\nNEWSWATCH_ALLOW_PRIVATE_ADDRESSES = False\n") == "False"
    assert _setting_in_subprocess(tmp_path, "SECRET_KEY = 'x'\n") == "False"


def test_allow_private_none_follows_the_default(monkeypatch: pytest.MonkeyPatch, server: LocalHTTPServer) -> None:
    monkeypatch.setattr(fetch_module, "default_allow_private", lambda: False)
    with pytest.raises(BlockedAddress):
        fetch(server.url("/echo"))
    monkeypatch.setattr(fetch_module, "default_allow_private", lambda: True)
    assert fetch(server.url("/echo")).status == 200


# --- redirects --------------------------------------------------------------------------------------------------


def _redirect(server: LocalHTTPServer, to: str, code: int = 302) -> str:
    return server.url(f"/redirect?to={quote(to, safe='')}&code={code}")


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:169.254.169.254]/",
        "http://0.0.0.0/",
        "http://[fe80::1]/",
    ],
)
def test_redirect_to_metadata_or_link_local_is_refused_before_connecting(
    server: LocalHTTPServer, network_guard: list[str], target: str
) -> None:
    with pytest.raises(BlockedAddress) as caught:
        fetch(_redirect(server, target), allow_private=True)
    assert caught.value.url.startswith(target.rstrip("/"))
    assert all(ipaddress.ip_address(host).is_loopback for host in network_guard)
    assert len(network_guard) == 1  # the local server, then nothing


def test_redirect_to_a_name_resolving_to_metadata_is_refused(
    server: LocalHTTPServer, fake_dns: FakeDNS, network_guard: list[str]
) -> None:
    lookups = fake_dns({"metadata.example.test": ["93.184.216.34", "169.254.169.254"]})
    with pytest.raises(BlockedAddress, match="metadata"):
        fetch(_redirect(server, "http://metadata.example.test/latest/"), allow_private=True)
    assert "metadata.example.test" in lookups
    assert network_guard == ["127.0.0.1"]


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirects_are_followed_and_rechecked(server: LocalHTTPServer, code: int) -> None:
    result = fetch(_redirect(server, "/feeds/atom/atom_spec_1.xml", code), allow_private=True)
    assert result.status == 200
    assert result.final_url == server.url("/feeds/atom/atom_spec_1.xml")
    assert b"Atom-Powered Robots Run Amok" in result.content


def test_redirect_to_another_scheme_is_refused(server: LocalHTTPServer) -> None:
    with pytest.raises(BadScheme):
        fetch(_redirect(server, "file:///etc/passwd"), allow_private=True)


def test_five_redirects_are_followed_six_are_too_many(server: LocalHTTPServer) -> None:
    assert fetch(server.url("/chain/5"), allow_private=True).content == b"end of chain"
    with pytest.raises(TooManyRedirects, match="more than 5 redirects"):
        fetch(server.url("/chain/6"), allow_private=True)


def test_redirect_loop_stops(server: LocalHTTPServer) -> None:
    before = len(server.requests)
    with pytest.raises(TooManyRedirects):
        fetch(server.url("/loop"), allow_private=True)
    assert len(server.requests) - before == 6  # the first request and five redirects


# --- answers: status, size, time --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [404, 410, 500, 503])
def test_error_status_keeps_the_code(server: LocalHTTPServer, code: int) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        fetch(server.url(f"/status/{code}"), allow_private=True)
    assert caught.value.status == code
    assert str(code) in str(caught.value)


def test_redirect_without_location_is_a_status_error(server: LocalHTTPServer) -> None:
    with pytest.raises(HTTPStatusError, match="without a Location") as caught:
        fetch(server.url("/status/302"), allow_private=True)
    assert caught.value.status == 302


def test_fifty_megabytes_are_cut_at_the_cap(server: LocalHTTPServer) -> None:
    with pytest.raises(TooLarge, match=f"more than the {DEFAULT_MAX_BYTES}-byte cap"):
        fetch(server.url("/big?mb=50"), allow_private=True)


def test_announced_size_over_the_cap_is_refused_early(server: LocalHTTPServer) -> None:
    with pytest.raises(TooLarge, match="announces 52428800 bytes"):
        fetch(server.url("/big?mb=50&length=1"), allow_private=True)


def test_max_bytes_is_respected(server: LocalHTTPServer) -> None:
    with pytest.raises(TooLarge):
        fetch(server.url("/garbage"), allow_private=True, max_bytes=1000)
    assert len(fetch(server.url("/garbage"), allow_private=True, max_bytes=64 * 1024).content) == 64 * 1024


def test_slow_answer_times_out(server: LocalHTTPServer) -> None:
    with pytest.raises(FetchTimeout):
        fetch(server.url("/slow?seconds=3"), allow_private=True, timeout=Timeouts(connect=1, read=0.5, total=10))


def test_slow_body_times_out(server: LocalHTTPServer) -> None:
    with pytest.raises(FetchTimeout):
        fetch(server.url("/slow-body?seconds=3"), allow_private=True, timeout=Timeouts(connect=1, read=0.5, total=10))


def test_overall_deadline_caps_the_read_timeout(server: LocalHTTPServer) -> None:
    with pytest.raises(FetchTimeout):
        fetch(server.url("/slow?seconds=3"), allow_private=True, timeout=Timeouts(connect=1, read=10, total=0.5))
    with pytest.raises(FetchTimeout):
        fetch(server.url("/slow?seconds=3"), allow_private=True, timeout=0.5)


def test_garbage_is_fetched_as_bytes(server: LocalHTTPServer) -> None:
    result = fetch(server.url("/garbage"), allow_private=True)
    assert result.status == 200 and len(result.content) == 64 * 1024


# --- headers, conditional GET -----------------------------------------------------------------------------------


def test_user_agent_and_accept(server: LocalHTTPServer) -> None:
    sent = json.loads(fetch(server.url("/echo"), allow_private=True).content)
    assert sent["user-agent"] == USER_AGENT == "Reckoner/0.1 (+newswatch)"
    assert "application/rss+xml" in sent["accept"]
    assert "if-none-match" not in sent and "if-modified-since" not in sent
    sent = json.loads(fetch(server.url("/echo"), allow_private=True, accept="text/html").content)
    assert sent["accept"] == "text/html"


def test_conditional_get_with_etag_and_last_modified(server: LocalHTTPServer) -> None:
    url = server.url("/feeds/rss1/rss_1.0_debian.xml")
    first = fetch(url, allow_private=True)
    assert first.status == 200 and first.etag and first.last_modified == "Tue, 01 Sep 2020 00:00:00 GMT"

    again = fetch(url, allow_private=True, etag=first.etag)
    assert (again.status, again.not_modified, again.content) == (304, True, b"")
    assert again.etag == first.etag
    assert server.requests[-1][1]["If-None-Match"] == first.etag

    by_date = fetch(url, allow_private=True, last_modified=first.last_modified)
    assert by_date.not_modified and by_date.last_modified == first.last_modified
    assert server.requests[-1][1]["If-Modified-Since"] == first.last_modified

    changed = fetch(url, allow_private=True, etag='"stale"')
    assert changed.status == 200 and not changed.not_modified and changed.content == first.content


# --- pinning ----------------------------------------------------------------------------------------------------


def test_connects_to_the_checked_address_with_the_name_in_host(server: LocalHTTPServer, fake_dns: FakeDNS) -> None:
    lookups = fake_dns({"feeds.example.test": ["127.0.0.1"]})
    result = fetch(server.url("/echo", host="feeds.example.test"), allow_private=True)
    assert json.loads(result.content)["host"] == f"feeds.example.test:{server.port}"
    assert result.final_url == server.url("/echo", host="feeds.example.test")
    assert lookups == ["feeds.example.test"]


def test_dns_rebinding_cannot_switch_the_address_after_the_check(
    server: LocalHTTPServer, fake_dns: FakeDNS, network_guard: list[str]
) -> None:
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    lookups = fake_dns({"rebind.example.test": lambda: next(answers)})  # type: ignore[dict-item]
    result = fetch(server.url("/echo", host="rebind.example.test"), allow_private=True)
    assert result.status == 200
    assert lookups.count("rebind.example.test") == 1
    assert network_guard == ["127.0.0.1"]


def test_falls_back_to_the_next_checked_address(server: LocalHTTPServer, fake_dns: FakeDNS) -> None:
    # 127.0.0.2 is loopback too, but nothing listens there on this port: the fetcher tries the next address.
    fake_dns({"two.example.test": ["127.0.0.2", "127.0.0.1"]})
    result = fetch(server.url("/echo", host="two.example.test"), allow_private=True)
    assert result.status == 200


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalHTTPServer, Path]]:
    openssl = shutil.which("openssl")
    assert openssl, "the https pinning test needs the openssl command (Debian package openssl)"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert),
            "-subj", "/CN=feeds.example.test", "-addext", "subjectAltName=DNS:feeds.example.test",
        ],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    with LocalHTTPServer(tls=(cert, key)) as running:
        yield running, cert


def test_https_is_pinned_with_sni_and_certificate_checked_against_the_name(
    tls_server: tuple[LocalHTTPServer, Path], fake_dns: FakeDNS, network_guard: list[str]
) -> None:
    server, cert = tls_server
    fake_dns({"feeds.example.test": ["127.0.0.1"], "other.example.test": ["127.0.0.1"]})
    trust = ssl.create_default_context(cafile=str(cert))
    result = fetch(server.url("/echo", host="feeds.example.test"), allow_private=True, verify=trust)
    assert result.status == 200
    assert json.loads(result.content)["host"] == f"feeds.example.test:{server.port}"
    assert result.final_url.startswith("https://feeds.example.test:")
    # Same address, a name the certificate does not cover: the TLS check uses the name, not the pinned IP.
    with pytest.raises(FetchConnectionError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
        fetch(server.url("/echo", host="other.example.test"), allow_private=True, verify=trust)
    assert set(network_guard) == {"127.0.0.1"}


def test_error_hierarchy() -> None:
    for error in (BadScheme, InvalidURL, BlockedAddress, TooLarge, FetchTimeout, TooManyRedirects, HTTPStatusError):
        assert issubclass(error, FetchError)
    assert issubclass(BadScheme, InvalidURL)
