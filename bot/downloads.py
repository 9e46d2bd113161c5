"""Fetching a file a chat platform points at: the one place that does it, so no front door can forget a rule.

A file share is input from outside like any other, even inside a correctly signed request: its URL, its
declared size and its name are claims, not facts. So:

- a credential (Slack's bot token) goes only to that platform's file hosts over https, or to the configured API
  host (which tests point at a fake on loopback), and never along a redirect;
- loopback, private, link-local and other non-public addresses are refused, unless they are the configured API
  host; a name is resolved and every address it has is checked;
- a download streams under a hard byte cap, whatever size was declared, and a file over it is refused;
- what is kept is known by its bytes (`bot.files.keep`): refused unless its magic bytes are a kind we take,
  stored under its SHA-256.

A refusal is a `bot.files.FileRefused` carrying the polite message to send; `Unavailable` marks a refusal that
may pass on a later try (the host down, 429), so the front door can let the inbox retry the message first.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from bot.files import FileRefused, Kept, clean_name, keep

log = logging.getLogger(__name__)

# Slack serves url_private / url_private_download from files.slack.com (Enterprise Grid workspaces from other
# *.slack.com names). UNCONFIRMED: the exact set of file hosts is not in research/slack.md; every *.slack.com
# name over https is taken as Slack's.
SLACK_FILE_HOSTS = ("slack.com",)
# Chatwork's 30-second download_url. UNCONFIRMED: research/chatwork.md does not name its host; taken to be a
# *.chatwork.com name over https. It is signed on its own, so no token goes with it.
CHATWORK_FILE_HOSTS = ("chatwork.com",)
MAX_REDIRECTS = 3
DEADLINE_SECONDS = 60.0  # a host that trickles bytes must not hold a worker for ever

Resolver = Callable[[str, int], list[str]]


class Unavailable(FileRefused):
    """The file could not be had just now (network error, 429, 5xx): worth another try later."""


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Unavailable("err.file_unavailable", f"name does not resolve ({type(exc).__name__})") from exc
    return [str(info[4][0]) for info in infos]


def _not_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _origin(url: httpx.URL) -> tuple[str, str, int]:
    port = url.port or (443 if url.scheme == "https" else 80)
    return (url.scheme, url.host.lower().rstrip("."), port)


def _host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    return any(host == p or host.endswith("." + p) for p in patterns)


class Gate:
    """The rules for one platform's files: where they may come from, how big, and where they are kept."""

    def __init__(
        self,
        folder: Path,
        max_bytes: int | Callable[[], int],
        hosts: tuple[str, ...],
        trusted: tuple[str, ...] = (),
        resolver: Resolver = resolve,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        # A callable follows a limit that can change while the bot runs (the setting is the services' one).
        self._max_bytes = max_bytes
        self.hosts = hosts
        # The configured API base URLs: a fake on loopback in tests, or a self-hosted proxy, is trusted as is.
        self.trusted = {_origin(httpx.URL(u)) for u in trusted if u}
        self.resolver = resolver
        self.monotonic = monotonic

    @property
    def max_bytes(self) -> int:
        return self._max_bytes() if callable(self._max_bytes) else self._max_bytes

    @property
    def limit_mb(self) -> int:
        return self.max_bytes // (1024 * 1024)

    def check(self, url: object, name: str) -> httpx.URL:
        """The URL, if a file may be fetched from it; else FileRefused naming why (for the log)."""
        try:
            parsed = httpx.URL(str(url or ""))
        except (httpx.InvalidURL, TypeError, ValueError):
            raise FileRefused("err.file_unavailable", "unparseable URL", name=name) from None
        if not parsed.host:
            raise FileRefused("err.file_unavailable", f"no host in a {parsed.scheme or 'bare'} URL", name=name)
        origin = _origin(parsed)
        if origin in self.trusted:
            return parsed
        scheme, host, port = origin
        if scheme != "https":
            raise FileRefused("err.file_unavailable", f"{scheme} URL refused", name=name)
        if not _host_matches(host, self.hosts):
            raise FileRefused("err.file_unavailable", f"host {host} is not the platform's", name=name)
        try:
            literal: list[str] | None = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            literal = None
        for address in literal or self.resolver(host, port):
            if _not_public(address):
                raise FileRefused("err.file_unavailable", f"host {host} is a non-public address", name=name)
        return parsed

    def declared(self, size: object, name: str) -> None:
        """Refuse before fetching a byte when the platform itself says the file is too big."""
        try:
            declared = int(str(size)) if size not in (None, "") else 0
        except ValueError:
            declared = 0  # a size that is not a number says nothing; the cap still holds while streaming
        if declared > self.max_bytes:
            raise FileRefused("err.file_too_large", f"declared {declared} bytes", name=name,
                              size=round(declared / 1048576, 1), limit=self.limit_mb)  # fmt: skip

    # -- fetching --------------------------------------------------------------------------------

    def fetch(self, client: httpx.Client, url: object, name: object, size: object = None,
              token: str | None = None) -> Kept:  # fmt: skip
        """Fetch and keep one file (blocking). `token`, when given, goes with the first request only."""
        shown = clean_name(name)
        self.declared(size, shown)
        target = self.check(url, shown)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = self.monotonic()
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                with client.stream("GET", target, headers=headers, follow_redirects=False) as resp:
                    next_url = self._redirect(resp, target, shown, with_token=bool(token))
                    if next_url is None:
                        self._accept(resp, shown, with_token=bool(token))
                        return keep(self._read(resp.iter_bytes(), shown, started), shown, self.folder)
            except httpx.HTTPError as exc:
                raise Unavailable("err.file_unavailable", f"{type(exc).__name__}", name=shown) from exc
            target = next_url
        raise FileRefused("err.file_unavailable", "too many redirects", name=shown)

    async def afetch(self, client: httpx.AsyncClient, url: object, name: object, size: object = None) -> Kept:
        """The same for an asyncio front door. No credential: the only async caller's URLs are signed."""
        shown = clean_name(name)
        self.declared(size, shown)
        target = self.check(url, shown)
        started = self.monotonic()
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                async with client.stream("GET", target, follow_redirects=False) as resp:
                    next_url = self._redirect(resp, target, shown, with_token=False)
                    if next_url is None:
                        self._accept(resp, shown, with_token=False)
                        data = await self._aread(resp.aiter_bytes(), shown, started)
                        return keep(data, shown, self.folder)
            except httpx.HTTPError as exc:
                raise Unavailable("err.file_unavailable", f"{type(exc).__name__}", name=shown) from exc
            target = next_url
        raise FileRefused("err.file_unavailable", "too many redirects", name=shown)

    def _redirect(self, resp: httpx.Response, url: httpx.URL, name: str, with_token: bool) -> httpx.URL | None:
        if not resp.is_redirect:
            return None
        if with_token:
            # Following would carry the token, or lose it and fetch a stranger's idea of the file: neither.
            raise FileRefused("err.file_unavailable", f"redirect ({resp.status_code}) refused", name=name)
        return self.check(url.join(resp.headers.get("location", "")), name)

    def _accept(self, resp: httpx.Response, name: str, with_token: bool) -> None:
        status = resp.status_code
        if status == 429 or status >= 500:
            raise Unavailable("err.file_unavailable", f"HTTP {status}", name=name)
        if status != 200:
            raise FileRefused("err.file_unavailable", f"HTTP {status}", name=name)
        if with_token and resp.headers.get("content-type", "").startswith("text/html"):
            # Slack answers a token without files:read with its HTML sign-in page, not the file.
            raise FileRefused("err.file_unavailable", "an HTML page, not the file (is files:read granted?)",
                              name=name)  # fmt: skip
        length = resp.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            raise FileRefused("err.file_too_large", f"Content-Length {length}", name=name,
                              size=round(int(length) / 1048576, 1), limit=self.limit_mb)  # fmt: skip

    def _add(self, buffer: bytearray, chunk: bytes, name: str, started: float) -> None:
        buffer += chunk
        if len(buffer) > self.max_bytes:
            raise FileRefused("err.file_over_limit", f"more than {self.max_bytes} bytes sent", name=name,
                              limit=self.limit_mb)  # fmt: skip
        if self.monotonic() - started > DEADLINE_SECONDS:
            raise Unavailable("err.file_unavailable", "download too slow", name=name)

    def _read(self, chunks: Iterator[bytes], name: str, started: float) -> bytes:
        buffer = bytearray()
        for chunk in chunks:
            self._add(buffer, chunk, name, started)
        return bytes(buffer)

    async def _aread(self, chunks: AsyncIterator[bytes], name: str, started: float) -> bytes:
        buffer = bytearray()
        async for chunk in chunks:
            self._add(buffer, chunk, name, started)
        return bytes(buffer)


def refusal(err: FileRefused) -> dict[str, Any]:
    """What a front door keeps of a refusal to tell the sender: the message key and its data."""
    return {"key": err.key, **err.data}
