"""One safe fetcher for every outbound request: feeds, article pages, evidence links.

Server-side request forgery is the risk (OWASP, "Server Side Request Forgery Prevention Cheat Sheet"): a feed URL
typed by an editor, or a redirect sent by a feed, must not make the server talk to itself, to the private network
or to a cloud metadata service. The defences, each applied on every hop:

* only ``http`` and ``https`` URLs;
* the host name is resolved once with :func:`socket.getaddrinfo` and **every** address it resolves to is checked
  (:func:`check_address`); one bad address refuses the whole name;
* the connection then goes to the checked address itself ("pinning"): the request URL carries the IP literal, the
  ``Host`` header carries the name, and for https the TLS server name (SNI) and the certificate check use the name
  (httpcore's ``sni_hostname`` request extension). Nothing resolves the name a second time, so a DNS answer that
  changes between check and connect (DNS rebinding) cannot slip through;
* redirects are followed by hand, at most :data:`MAX_REDIRECTS`, each new location checked like the first URL;
* proxies from the environment are ignored (``trust_env=False``): a proxy would resolve names itself;
* the body is streamed and abandoned past ``max_bytes`` (5 MB by default, counted after content decoding, and
  refused early when ``Content-Length`` announces more); connect and read timeouts plus an overall deadline.

Residual risks, documented rather than hidden: :func:`socket.getaddrinfo` has no timeout of its own (the system
resolver's applies; the overall deadline is checked right after it); a compressed body is decoded one network chunk
at a time, so one chunk may expand beyond the cap before the count stops it (bounded by zlib's ratio on a 64 KiB
read); any port is allowed, since the address checks already keep requests off internal hosts.

``allow_private`` (or the Django setting ``NEWSWATCH_ALLOW_PRIVATE_ADDRESSES``) lets loopback, private (RFC 1918,
unique-local) and shared (100.64.0.0/10) addresses through, for local tests only. Link-local (which holds the
169.254.169.254 metadata service), multicast, unspecified, reserved and other non-global addresses stay refused
whatever the flag says.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Final

import httpx

__all__ = [
    "DEFAULT_ACCEPT",
    "DEFAULT_MAX_BYTES",
    "MAX_REDIRECTS",
    "USER_AGENT",
    "BadScheme",
    "BlockedAddress",
    "FetchConnectionError",
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "HTTPStatusError",
    "InvalidURL",
    "Timeouts",
    "TooLarge",
    "TooManyRedirects",
    "check_address",
    "default_allow_private",
    "fetch",
    "resolve_and_check",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT: Final = "Reckoner/0.1 (+newswatch)"
DEFAULT_MAX_BYTES: Final = 5 * 1024 * 1024
MAX_REDIRECTS: Final = 5
DEFAULT_ACCEPT: Final = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})

_METADATA_ADDRESSES: Final = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
_SHARED_ADDRESS_SPACE: Final = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598, carrier-grade NAT
_NAT64_PREFIX: Final = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052, embeds an IPv4 address


# --- errors -----------------------------------------------------------------------------------------------------


class FetchError(Exception):
    """Base class of every failure of :func:`fetch`; ``url`` is the URL being fetched when it failed."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class InvalidURL(FetchError):
    """The URL cannot be parsed or has no host."""


class BadScheme(InvalidURL):
    """The URL's scheme is not http or https."""


class BlockedAddress(FetchError):
    """The host is, or resolves to, an address the fetcher refuses; ``address`` and ``reason`` say which and why."""

    def __init__(self, message: str, *, address: str, reason: str, url: str = "") -> None:
        super().__init__(message, url=url)
        self.address = address
        self.reason = reason


class TooLarge(FetchError):
    """The body is larger than the size cap."""


class FetchTimeout(FetchError):
    """Connecting, reading or the whole fetch took too long."""


class TooManyRedirects(FetchError):
    """More than :data:`MAX_REDIRECTS` redirects."""


class FetchConnectionError(FetchError):
    """The connection failed (refused, reset, TLS error, protocol error)."""


class HTTPStatusError(FetchError):
    """The server answered 4xx or 5xx (or a 3xx that is no usable redirect); ``status`` keeps the code."""

    def __init__(self, message: str, *, status: int, url: str = "") -> None:
        super().__init__(message, url=url)
        self.status = status


# --- results and settings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchResult:
    """What :func:`fetch` got. ``headers`` has lower-case names; ``content`` is empty when ``not_modified``."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool


@dataclass(frozen=True)
class Timeouts:
    """Seconds allowed to connect, between two reads, and for the whole fetch (all hops, body included)."""

    connect: float = 5.0
    read: float = 10.0
    total: float = 30.0


@dataclass
class _Deadline:
    total: float
    started: float = field(default_factory=time.monotonic)

    def remaining(self, *, url: str) -> float:
        left = self.total - (time.monotonic() - self.started)
        if left <= 0:
            raise FetchTimeout(f"fetch took longer than {self.total:g} s", url=url)
        return left


def default_allow_private() -> bool:
    """``settings.NEWSWATCH_ALLOW_PRIVATE_ADDRESSES`` when Django settings are configured, else False.

    Read lazily at each call, so that this module imports without Django and tests may change the setting.
    """
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:  # pragma: no cover - Django is a dependency, but the fetcher does not need it
        return False
    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return False
    try:
        return bool(getattr(settings, "NEWSWATCH_ALLOW_PRIVATE_ADDRESSES", False))
    except ImproperlyConfigured:
        return False


# --- address checks ---------------------------------------------------------------------------------------------


def _refusal(ip: IPAddress) -> tuple[str, bool] | None:
    """Why ``ip`` is refused, and whether ``allow_private`` may lift that refusal; None when it is fine."""
    if ip in _METADATA_ADDRESSES:
        return "a cloud metadata service address", False
    if ip.is_unspecified:
        return "the unspecified address", False
    if ip.is_loopback:
        return "a loopback address", True
    if ip.is_link_local:
        return "a link-local address", False
    if ip.is_multicast:
        return "a multicast address", False
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "a site-local address", False
    if ip.is_reserved:
        return "a reserved address", False
    if ip in _SHARED_ADDRESS_SPACE:
        return "a shared address (100.64.0.0/10, carrier-grade NAT)", True
    if ip.is_private:
        # Python's is_private also covers documentation, benchmarking and other special ranges; only RFC 1918 and
        # unique-local addresses are "private networks" a local test might use.
        if isinstance(ip, ipaddress.IPv4Address) and any(
            ip in ipaddress.ip_network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
        ):
            return "a private address", True
        if isinstance(ip, ipaddress.IPv6Address) and ip in ipaddress.ip_network("fc00::/7"):
            return "a private (unique-local) address", True
        return "a special-purpose address", False
    if not ip.is_global:
        return "a non-global address", False
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (IPv4-mapped, NAT64, 6to4, Teredo client), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64_PREFIX:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def check_address(ip: str | IPAddress, *, allow_private: bool = False) -> IPAddress:
    """Return ``ip`` as an address object if the fetcher may connect to it; raise :class:`BlockedAddress` if not.

    Refused: loopback, private, shared (100.64/10), link-local (169.254/16, fe80::/10, metadata services),
    multicast, reserved, unspecified and every other non-global address (``ipaddress``'s ``is_global``, which
    follows the IANA special-purpose registries). An IPv6 address that embeds an IPv4 one (``::ffff:a.b.c.d``,
    NAT64 ``64:ff9b::/96``, 6to4, Teredo) is judged by the embedded address too. ``allow_private`` lifts the
    refusal of loopback, private and shared addresses only.
    """
    text = str(ip)
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0]) if isinstance(ip, str) else ip
    except ValueError as exc:
        raise BlockedAddress(f"{text!r} is not an IP address", address=text, reason="not an IP address") from exc
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            candidates.insert(0, embedded)
    for candidate in candidates:
        refusal = _refusal(candidate)
        if refusal is None:
            continue
        reason, liftable = refusal
        if liftable and allow_private:
            continue
        written = text.split("%", 1)[0]
        shown = f"{written} (standing for {candidate})" if candidate is not address else written
        hint = " (NEWSWATCH_ALLOW_PRIVATE_ADDRESSES is off)" if liftable else ""
        raise BlockedAddress(f"refused to connect to {shown}: {reason}{hint}", address=written, reason=reason)
    return address


def resolve_and_check(host: str, port: int, allow_private: bool = False) -> list[IPAddress]:
    """Resolve ``host`` and check every address it resolves to; return them in resolver order, duplicates removed.

    An IP literal is checked without asking the resolver. If any resolved address is refused, the whole host is
    refused: a name that points at both a public and a private address is not half-safe.
    """
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        literal: IPAddress | None = ipaddress.ip_address(bare)
    except ValueError:
        literal = None
    if literal is not None:
        return [check_address(literal, allow_private=allow_private)]
    try:
        infos = socket.getaddrinfo(bare, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchConnectionError(f"cannot resolve {bare!r}: {exc}") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        address = check_address(str(sockaddr[0]), allow_private=allow_private)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchConnectionError(f"{bare!r} resolves to no address")
    return addresses


# --- the fetch --------------------------------------------------------------------------------------------------


def _parse_url(raw: str | httpx.URL) -> httpx.URL:
    try:
        url = raw if isinstance(raw, httpx.URL) else httpx.URL(raw.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InvalidURL(f"invalid URL {raw!r}: {exc}", url=str(raw)) from exc
    if url.scheme not in ("http", "https"):
        raise BadScheme(f"only http and https URLs are fetched, not {url.scheme or 'a relative'!r} URLs", url=str(raw))
    if not url.raw_host:
        raise InvalidURL(f"URL {raw!r} has no host", url=str(raw))
    return url


def _as_timeouts(timeout: float | Timeouts | None) -> Timeouts:
    if timeout is None:
        return Timeouts()
    if isinstance(timeout, Timeouts):
        return timeout
    seconds = float(timeout)
    defaults = Timeouts()
    return Timeouts(connect=min(defaults.connect, seconds), read=min(defaults.read, seconds), total=seconds)


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int | None = None,
    timeout: float | Timeouts | None = None,
    allow_private: bool | None = None,
    accept: str | None = None,
    verify: bool | ssl.SSLContext = True,
) -> FetchResult:
    """GET ``url`` safely (see the module docstring) and return a :class:`FetchResult`.

    ``etag`` and ``last_modified`` (the values a previous result returned) are sent as ``If-None-Match`` and
    ``If-Modified-Since``; a 304 answer gives ``not_modified=True`` and empty content. ``timeout`` is a
    :class:`Timeouts` or a number of seconds for the whole fetch (connect and read timeouts are then capped by it).
    ``allow_private=None`` reads :func:`default_allow_private`. ``verify`` is passed to httpx (an
    :class:`ssl.SSLContext` in tests with a self-signed certificate). Failures raise a :class:`FetchError` subclass.
    """
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    timeouts = _as_timeouts(timeout)
    deadline = _Deadline(timeouts.total)
    private_ok = default_allow_private() if allow_private is None else allow_private
    headers = {"User-Agent": USER_AGENT, "Accept": accept or DEFAULT_ACCEPT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    current = _parse_url(url)
    for _hop in range(MAX_REDIRECTS + 1):
        host = current.raw_host.decode("ascii")
        port = current.port or (443 if current.scheme == "https" else 80)
        try:
            addresses = resolve_and_check(host, port, private_ok)
        except FetchError as exc:
            exc.url = str(current)
            raise
        deadline.remaining(url=str(current))
        response_or_redirect = _fetch_pinned(
            current, addresses, headers=headers, limit=limit, timeouts=timeouts, deadline=deadline, verify=verify
        )
        if isinstance(response_or_redirect, httpx.URL):
            current = _parse_url(response_or_redirect)
            continue
        status, response_headers, content = response_or_redirect
        return FetchResult(
            url=url,
            final_url=str(current),
            status=status,
            headers=response_headers,
            content=content,
            etag=response_headers.get("etag") or (etag if status == 304 else None),
            last_modified=response_headers.get("last-modified") or (last_modified if status == 304 else None),
            not_modified=status == 304,
        )
    raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects from {url} (last: {current})", url=url)


def _fetch_pinned(
    url: httpx.URL,
    addresses: list[IPAddress],
    *,
    headers: dict[str, str],
    limit: int,
    timeouts: Timeouts,
    deadline: _Deadline,
    verify: bool | ssl.SSLContext,
) -> httpx.URL | tuple[int, dict[str, str], bytes]:
    """One hop: try the checked addresses in turn until one connects; return a redirect target or the answer."""
    try:
        ipaddress.ip_address(url.host)
        host_is_literal = True
    except ValueError:
        host_is_literal = False
    last_error: Exception | None = None
    for address in addresses:
        remaining = deadline.remaining(url=str(url))
        request_timeout = httpx.Timeout(
            connect=min(timeouts.connect, remaining),
            read=min(timeouts.read, remaining),
            write=min(timeouts.read, remaining),
            pool=min(timeouts.connect, remaining),
        )
        pinned = url.copy_with(host=str(address))
        hop_headers = dict(headers)
        extensions: dict[str, object] = {}
        if not host_is_literal:
            hop_headers["Host"] = url.netloc.decode("ascii")
            if url.scheme == "https":
                extensions["sni_hostname"] = url.raw_host.decode("ascii")
        try:
            with httpx.Client(trust_env=False, follow_redirects=False, verify=verify) as client:
                with client.stream(
                    "GET", pinned, headers=hop_headers, timeout=request_timeout, extensions=extensions
                ) as response:
                    return _read_response(url, response, limit=limit, deadline=deadline)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            last_error = exc
            continue
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"timed out reading {url}: {type(exc).__name__}", url=str(url)) from exc
        except httpx.InvalidURL as exc:  # httpx parses a redirect's Location even when not following it
            raise InvalidURL(f"{url} answered with an invalid URL (a redirect location?): {exc}", url=str(url)) from exc
        except httpx.HTTPError as exc:
            raise FetchConnectionError(f"fetching {url} failed: {type(exc).__name__}: {exc}", url=str(url)) from exc
    if isinstance(last_error, httpx.ConnectTimeout):
        raise FetchTimeout(f"timed out connecting to {url}", url=str(url)) from last_error
    raise FetchConnectionError(f"cannot connect to {url}: {last_error}", url=str(url)) from last_error


def _read_response(
    url: httpx.URL, response: httpx.Response, *, limit: int, deadline: _Deadline
) -> httpx.URL | tuple[int, dict[str, str], bytes]:
    status = response.status_code
    response_headers = dict(response.headers.items())
    if status in REDIRECT_STATUSES:
        location = response.headers.get("location")
        if not location:
            raise HTTPStatusError(f"{url} answered {status} without a Location header", status=status, url=str(url))
        try:
            return url.join(location)
        except (httpx.InvalidURL, ValueError) as exc:
            raise InvalidURL(f"bad redirect location {location!r}: {exc}", url=str(url)) from exc
    if status == 304:
        return status, response_headers, b""
    if not 200 <= status < 300:
        raise HTTPStatusError(f"{url} answered {status} {response.reason_phrase}", status=status, url=str(url))
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"{url} announces {int(declared)} bytes, over the {limit}-byte cap", url=str(url))
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"{url} sent more than the {limit}-byte cap", url=str(url))
        chunks.append(chunk)
        deadline.remaining(url=str(url))
    return status, response_headers, b"".join(chunks)


def check_url(url: str, *, allow_private: bool | None = None) -> None:
    """Check ``url`` as :func:`fetch` checks it before connecting: http/https, a host, and every address the host
    resolves to allowed. Raises :class:`InvalidURL` (or :class:`BadScheme`), :class:`BlockedAddress`, or
    :class:`FetchConnectionError` when the host does not resolve. Used when a feed is saved."""
    parsed = _parse_url(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    private_ok = default_allow_private() if allow_private is None else allow_private
    resolve_and_check(parsed.raw_host.decode("ascii"), port, private_ok)
