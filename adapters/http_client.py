"""Outgoing HTTP over httpx, refusing loopback and private addresses where it matters: on the address
actually connected to, for the first URL and every redirect.

Names are resolved here, every resolved address is checked, and the connection is made to a checked
address (so a DNS answer that changes between a check and the connect — rebinding — cannot slip
through); the peer address of the open socket is checked once more. TLS still verifies the host name.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import anyio
import httpcore
import httpx

from plerome.ports.http_client import Fetched, FetchFailed

USER_AGENT = "plerome (+https://git.pleroma.social/pleroma/pleroma)"


def address_allowed(address: str) -> bool:
    """Whether an outgoing connection may go to `address`: public unicast only."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return ip.is_global and not ip.is_multicast


class _Refused(httpcore.ConnectError):
    """Our own rule refused the connection (not the remote)."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, allowed: Callable[[str], bool], resolve_timeout: float) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._ok = allowed
        self._resolve_timeout = resolve_timeout

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            with anyio.fail_after(self._resolve_timeout):
                infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, TimeoutError) as exc:
            raise httpcore.ConnectError(f"could not resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        allowed = [a for a in addresses if self._ok(a)]
        if not allowed:
            raise _Refused(f"{host} is a loopback, private or reserved address: not fetched")
        failure: Exception | None = None
        for address in allowed:
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            peer = stream.get_extra_info("server_addr")
            if not (isinstance(peer, tuple) and self._ok(str(peer[0]))):
                await stream.aclose()
                raise _Refused(f"{host} connected to a refused address: not fetched")
            return stream
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise _Refused("unix sockets are not used for outgoing fetches")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__(trust_env=False)
        # httpx has no public way to hand its pool a network backend; the pool it built is replaced.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=4,
            network_backend=backend,
        )


def _any_address(address: str) -> bool:
    return True


class HttpxClient:
    def __init__(
        self,
        *,
        allow_private: bool,
        timeout: float = 20.0,
        max_redirects: int = 5,
        allowed: Callable[[str], bool] | None = None,
    ) -> None:
        self._allowed = allowed or (_any_address if allow_private else address_allowed)
        self._timeout = timeout
        self._max_redirects = max_redirects

    async def get(self, url: str, *, max_bytes: int, accept: str = "application/json") -> Fetched:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError):
            raise FetchFailed(f"not a valid URL: {url}", refused=True) from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise FetchFailed(f"not an http(s) URL: {url}", refused=True)
        transport = _GuardedTransport(GuardedBackend(self._allowed, self._timeout))
        try:
            with anyio.fail_after(self._timeout):
                async with (
                    httpx.AsyncClient(
                        transport=transport,
                        follow_redirects=True,
                        max_redirects=self._max_redirects,
                        timeout=httpx.Timeout(self._timeout, connect=min(self._timeout, 10.0)),
                        trust_env=False,
                        headers={"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity"},
                    ) as client,
                    client.stream("GET", parsed) as response,
                ):
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise FetchFailed(f"{url} is larger than {max_bytes} bytes", too_large=True)
                    chunks, size = [], 0
                    async for chunk in response.aiter_bytes():  # decoded, counted as it inflates
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchFailed(f"{url} is larger than {max_bytes} bytes", too_large=True)
                        chunks.append(chunk)
                    body = b"".join(chunks)
                    return Fetched(
                        url=str(response.url),
                        status=response.status_code,
                        content_type=response.headers.get("content-type", ""),
                        body=body,
                    )
        except TimeoutError:
            raise FetchFailed(f"{url} did not answer within {self._timeout:g} seconds") from None
        except httpx.HTTPError as exc:
            refused = isinstance(exc.__cause__, _Refused) or isinstance(exc, httpx.UnsupportedProtocol)
            raise FetchFailed(str(exc) or type(exc).__name__, refused=refused) from None
