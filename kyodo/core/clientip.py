"""The client's address, as every per-address control (login lockout, API rate limit) sees it.

Without a proxy it is the socket's address (REMOTE_ADDR). Behind the documented reverse proxy
(`BEHIND_PROXY=1`) every request comes from the proxy, so the client is read from
`X-Forwarded-For` — but only the entry the *trusted* proxies appended: with
`KYODO_TRUSTED_PROXY_COUNT=n` the n-th entry from the right. Entries further left were sent by
the client and can say anything, so they are never used (ASVS 5.0 V4.1 / OWASP: do not trust
client-supplied forwarding headers). When the header holds fewer entries than the number of
trusted proxies the request did not come through them: the socket's address is used.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = int(getattr(settings, "KYODO_TRUSTED_PROXY_COUNT", 0) or 0)
    if not getattr(settings, "BEHIND_PROXY", False) or count <= 0:
        return remote
    forwarded = [
        part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return _valid(forwarded[-count]) or remote
