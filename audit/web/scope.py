"""Where a run may send requests: the sites it was asked to audit, and nowhere else.

A sitemap ``<loc>``, a redirect or a link can name any host, including a cloud metadata address
(169.254.169.254) or a service on the auditing machine.  The scope allows the hosts the user named (each
URL given, each crawl start, the WordPress site; ``www.`` and default ports ignored) plus hosts listed with
``--allow-host``; a listed host *name* is still refused when it resolves to a link-local, loopback or private
address (a listed address is taken as meant).  External link checks allow any host with public addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def site_key(url: str) -> tuple[str, int | None] | None:
    """(host without ``www.``, non-default port) of an http(s) URL; None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname.lower().rstrip(".").removeprefix("www.")
    return host, (None if port in (None, DEFAULT_PORTS[parts.scheme]) else port)


class Scope:
    """Answers, for every request a run is about to make, whether it stays on the audited sites."""

    def __init__(self, seeds: Iterable[str], allowed_hosts: Iterable[str] = (), any_public_host: bool = False):
        """``any_public_host``: every host is allowed as long as it resolves to public addresses (external
        link checks)."""
        self.sites = {key for key in (site_key(s) for s in seeds) if key is not None}
        self.extra = {h.lower().removeprefix("www.") for h in allowed_hosts}
        self.any_public_host = any_public_host
        self._checked: dict[str, str] = {}

    def refuses(self, url: str) -> str:
        """Why ``url`` must not be fetched ("" when it may)."""
        key = site_key(url)
        if key is None:
            return "not an http(s) URL"
        if key in self.sites:
            return ""
        host = key[0]
        if host in self.extra and _is_address(host):
            return ""  # named by its address on the command line: the user meant exactly that machine
        if host not in self.extra and not self.any_public_host:
            return f"{host} is not the audited site (list it with --allow-host to follow it)"
        if host not in self._checked:
            self._checked[host] = _unsafe_address(host)
        return self._checked[host]


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def _unsafe_address(host: str) -> str:
    """A reason when ``host`` resolves to a link-local, loopback or private address ("" otherwise)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return ""  # unresolvable: the request itself fails and says so
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_link_local or address.is_loopback or address.is_private or address.is_unspecified:
            return f"{host} resolves to a non-public address ({address})"
    return ""
