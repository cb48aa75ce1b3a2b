"""Posting an event to a chat room's webhook: the body in the format the room reads, the
signature, and an HTTP POST that reaches only the public internet unless told otherwise.

Every body is signed the same way, whatever its format (as Stripe does): the header
`X-Openbargain-Signature: t=<unix time>,v1=<hex>` carries HMAC-SHA256 over "<t>." followed by
the body's bytes, keyed with the webhook's secret. A receiver recomputes it, compares in constant
time and refuses an old `t`, which stops a replay. Slack, Discord and Matrix ignore the header:
their own URL is their secret.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import http.client
import ipaddress
import json
import re
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

SIGNATURE_HEADER = "X-Openbargain-Signature"
EVENT_HEADER = "X-Openbargain-Event"
DELIVERY_HEADER = "X-Openbargain-Delivery"
USER_AGENT = "openbargain-webhooks/1"
TIMEOUT = 10.0  # seconds to connect, and again to answer
ANSWER_MAX = 200  # how much of a refusal's body the delivery log keeps

def _(message: str) -> str:
    """Marks words for the translation catalog: this module knows no language; the page that shows a
    kind of room or a refusal translates it."""
    return message


FORMATS = {
    "json": _("Signed JSON, for a receiver of your own"),
    "slack": _("Slack (incoming webhook)"),
    "discord": _("Discord (channel webhook)"),
    "matrix": _("Matrix (hookshot generic webhook)"),
}
DISCORD_MAX = 2000  # characters of a Discord message


@dataclass(frozen=True)
class Event:
    name: str  # one of services.webhooks.EVENTS
    text: str  # one sentence a member reads in the room
    url: str  # the page it is about, absolute
    chapter_slug: str
    chapter_name: str
    occurred_at: datetime
    data: dict = field(default_factory=dict)  # what a program wants: ids, titles, times


def render(format: str, event: Event) -> str:
    """The body posted for this event, in the room's format (compact JSON)."""
    if format == "slack":
        body = {"text": f"{_slack(event.text)} <{event.url}|Open in openbargain>", "unfurl_links": False}
    elif format == "discord":
        link = f"\n<{event.url}>"  # the brackets keep Discord from adding a preview
        body = {"content": _discord(event.text)[:DISCORD_MAX - len(link)] + link,
                "allowed_mentions": {"parse": []}}  # a title holding "@everyone" pings no one
    elif format == "matrix":
        body = {"text": f"{event.text} {event.url}",
                "html": f'{html.escape(event.text)} <a href="{html.escape(event.url)}">Open in openbargain</a>'}
    else:
        body = {"event": event.name, "text": event.text, "url": event.url,
                "chapter": {"slug": event.chapter_slug, "name": event.chapter_name},
                "occurred_at": event.occurred_at.isoformat(), "data": event.data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _slack(text: str) -> str:
    # Slack reads &, < and > as markup: escaped, a member's title stays text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_DISCORD_MARKUP = re.compile(r"([\\*_~`|>\[\]()#-])")


def _discord(text: str) -> str:
    return _DISCORD_MARKUP.sub(r"\\\1", text)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (and the tests): the signature holds and is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if not parts.get("t", "").isdigit() or abs(now - int(parts["t"])) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, int(parts["t"]), body), f"t={parts['t']},v1={parts.get('v1', '')}")


class Refused(Exception):
    """The URL may not be posted to (not http(s), or an address inside the server's network)."""


def check_url(url: str, allow_private: bool) -> None:
    """Refuses what is wrong in the URL itself; the addresses its host names are checked at each post."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("The URL must start with https:// (or http://) and name a host."))
    try:
        parts.port
    except ValueError:
        raise Refused(_("The URL's port is not a number from 1 to 65535."))
    if not allow_private and (parts.hostname == "localhost" or _literal_inside(parts.hostname)):
        raise Refused(_("The URL points inside the server's own network, which webhooks may not reach here."))


def _literal_inside(host: str) -> bool:
    try:
        return _inside(ipaddress.ip_address(host))
    except ValueError:
        return False


def _inside(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the receiver's HTTP status, None when it never answered
    error: str | None  # None: delivered
    retry: bool  # worth trying again later

    @property
    def delivered(self) -> bool:
        return self.error is None


def post(url: str, body: str, headers: dict[str, str], *, allow_private: bool, timeout: float = TIMEOUT) -> Outcome:
    """POSTs the body once. A 2xx delivers; a 408, 429 or 5xx, or no answer at all, is worth
    another try; any other answer (the hook was deleted: 404, 410) is not. Redirects are not
    followed: a room's webhook URL does not move."""
    try:
        check_url(url, allow_private)
        parts = urlsplit(url)
        address = _resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), allow_private)
        connection = _Pinned(parts, address, timeout)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("POST", path, body=body.encode(), headers={
                "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers})
            answer = connection.getresponse()
            said = answer.read(ANSWER_MAX).decode("utf-8", "replace").strip()
        finally:
            connection.close()
    except Refused as exc:
        return Outcome(None, str(exc), retry=False)
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500], retry=True)
    if 200 <= answer.status < 300:
        return Outcome(answer.status, None, retry=False)
    error = f"HTTP {answer.status} {answer.reason}" + (f": {said}" if said else "")
    return Outcome(answer.status, error[:500], retry=answer.status in (408, 429) or answer.status >= 500)


def _resolve(host: str, port: int, allow_private: bool) -> tuple[str, int]:
    """One address of the host, refused if any of them lies inside the server's network (a DNS
    name pointing at the database or the cloud's metadata service)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not allow_private and any(_inside(ipaddress.ip_address(info[4][0].split("%")[0])) for info in found):
        raise Refused(f"{host} points inside the server's own network, which webhooks may not reach here.")
    return found[0][4][0], port


class _Pinned(http.client.HTTPSConnection):
    """Connects to the address already checked, not to whatever the name resolves to a moment
    later, while TLS still verifies the certificate against the host's name."""

    def __init__(self, parts, address: tuple[str, int], timeout: float) -> None:
        self._address, self._https = address, parts.scheme == "https"
        super().__init__(parts.hostname, address[1], timeout=timeout, context=ssl.create_default_context())
        self.default_port = 443 if self._https else 80  # the Host header names a port only when not the default

    def connect(self) -> None:
        sock = socket.create_connection(self._address, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host) if self._https else sock
