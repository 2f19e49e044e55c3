"""Where a webhook may be sent: never to this network's own machines (SSRF), unless a setting allows it.

A URL whose host is, or resolves to, a private, loopback, link-local (169.254.169.254: the cloud's metadata
service), multicast, reserved or unspecified address is refused when the subscription is made, and again at
every delivery: a name may resolve elsewhere later (DNS rebinding), so the delivery connects to the very
address it checked (:func:`opener`) and follows no redirect. ``WEBHOOKS_ALLOW_PRIVATE`` (default off) lifts
the rule for a test bench or an intranet receiver.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit


class Refused(ValueError):
    """The URL may not be sent to; the message says why (English, for the delivery log)."""


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (an address literal is itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def check(url: str, allow_private: bool, lookup: Callable[[str, int], list[str]] | None = None) -> str:
    """The address to connect to for ``url``, or :class:`Refused` (unresolvable, or not public when
    ``allow_private`` is off)."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise Refused("the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = (lookup or resolve)(host, port)
    except (OSError, ValueError, UnicodeError) as exc:
        raise Refused(f"the host {host} cannot be resolved: {exc}") from exc
    if not addresses:
        raise Refused(f"the host {host} cannot be resolved")
    if not allow_private:
        private = [a for a in addresses if not is_public(a)]
        if private:
            raise Refused(f"the host {host} resolves to a non-public address ({private[0]})")
    return addresses[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is the receiver's answer, logged as a failure; never followed elsewhere


def opener(address: str) -> urllib.request.OpenerDirector:
    """An opener that connects to ``address`` whatever the URL's host resolves to now (the Host header and the
    TLS server name stay the URL's), with no proxy and no redirects."""

    class PinnedHTTP(http.client.HTTPConnection):
        def connect(self) -> None:
            self.sock = socket.create_connection((address, self.port), self.timeout)

    class PinnedHTTPS(http.client.HTTPSConnection):
        def connect(self) -> None:
            sock = socket.create_connection((address, self.port), self.timeout)
            self.sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(PinnedHTTP, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(PinnedHTTPS, req)

    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect(), HTTPHandler(),
                                       HTTPSHandler())
