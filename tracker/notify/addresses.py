"""Where a webhook may point: public http(s) addresses only (no server-side request forgery).

An admin types a robot's URL and the scheduler posts to it, so a URL naming this machine, the
intranet or the cloud metadata service (169.254.169.254) would make yuqing a proxy into
places nobody outside can reach. :func:`check_webhook_url` resolves the host name first and
judges every address it resolves to (a name in ``/etc/hosts`` or a DNS answer pointing at
127.0.0.1 is refused like the literal), including IPv4 inside IPv6 (``::ffff:127.0.0.1``,
6to4, NAT64). The sender then connects to exactly the addresses checked, so a second DNS
answer cannot swap them between check and connect.

``YUQING_WEBHOOK_ALLOW_PRIVATE=1`` allows loopback and private addresses (a robot gateway on
the intranet, the tests' local receivers); link-local, multicast, unspecified and reserved
addresses are refused always.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Kinds of address and how the admin page names them.
KIND_LABELS = {
    "loopback": "本机地址", "private": "内网地址", "link-local": "链路本地地址",
    "unspecified": "未指定地址", "multicast": "组播地址", "reserved": "保留地址",
}
#: Kinds refused even when private addresses are allowed.
ALWAYS_REFUSED = frozenset({"link-local", "unspecified", "multicast", "reserved"})
SCHEMES = {"http": 80, "https": 443}
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
THIS_NETWORK = ipaddress.IPv4Network("0.0.0.0/8")


class UnsafeWebhook(ValueError):
    """A webhook URL yuqing must not post to: ``str()`` for logs, ``label`` for the page."""

    def __init__(self, reason: str, label: str) -> None:
        super().__init__(reason)
        self.label = label


class UnresolvedHost(OSError):
    """The host name does not resolve now (it may later): nothing was judged."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"cannot resolve {host}: {reason}")
        self.host = host
        self.label = f"暂时无法解析主机名“{host}”"


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (the addresses judged) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _embedded_v4(ip: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_kind(ip: Address) -> str | None:
    """None for a public address, else its kind (a key of :data:`KIND_LABELS`)."""
    ip = _embedded_v4(ip) or ip
    if ip.is_unspecified or (isinstance(ip, ipaddress.IPv4Address) and ip in THIS_NETWORK):
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_link_local:
        return "link-local"
    if ip.is_loopback:
        return "loopback"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global or getattr(ip, "is_site_local", False):
        return "private"
    return None


def _resolve(host: str, port: int, resolver: Callable | None) -> list[Address]:
    try:
        infos = (resolver or socket.getaddrinfo)(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvedHost(host, str(exc)) from None
    found: list[Address] = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])  # drop an IPv6 scope id
        if ip not in found:
            found.append(ip)
    if not found:
        raise UnresolvedHost(host, "no address")
    return found


def check_webhook_url(url: str, *, allow_private: bool = False,
                      resolver: Callable | None = None) -> Target:
    """Resolve and judge ``url``; raise :class:`UnsafeWebhook` or :class:`UnresolvedHost`."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeWebhook("not a valid URL", "地址格式不正确") from None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in SCHEMES:
        raise UnsafeWebhook(f"scheme {scheme or 'missing'!r} is not http or https",
                            "地址必须以 http:// 或 https:// 开头")
    if not host:
        raise UnsafeWebhook("no host name", "地址中没有主机名")
    port = port or SCHEMES[scheme]
    addresses = _resolve(host, port, resolver)
    for ip in addresses:
        kind = address_kind(ip)
        if kind is None or (allow_private and kind not in ALWAYS_REFUSED):
            continue
        hint = "" if kind in ALWAYS_REFUSED else (
            "; YUQING_WEBHOOK_ALLOW_PRIVATE=1 allows loopback and private addresses")
        raise UnsafeWebhook(f"{host} resolves to {ip}, a {kind} address{hint}",
                            f"“{host}”指向{KIND_LABELS[kind]}（{ip}），不能作为群机器人地址")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port, path, tuple(str(ip) for ip in addresses))


def connect_checked(target: Target, timeout: float) -> socket.socket:
    """A TCP connection to one of the target's checked addresses, tried in order."""
    last: OSError | None = None
    for address in target.addresses:
        try:
            return socket.create_connection((address, target.port), timeout)
        except OSError as exc:
            last = exc
    raise last or OSError(f"no address to connect to for {target.host}")
