"""A small keep-alive HTTP/1.1 load generator on asyncio (loopback only, bounded in time).

It measures what a browser-like client sees: full response read, latency per request.
Used by bench/run.py; no third-party dependency."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    name: str
    path: str
    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        data = sorted(self.latencies_ms)
        k = min(len(data) - 1, max(0, round(p / 100 * (len(data) - 1))))
        return data[k]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "path": self.path,
            "requests": self.requests,
            "errors": self.errors,
            "statuses": self.statuses,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
        }


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return (status, server wants the connection closed)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)
    }
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, headers.get("connection", "").lower() == "close"


async def _worker(
    host: str, port: int, requests: list[bytes], deadline: float, result: Result, offset: int = 0
) -> None:
    reader = writer = None
    turn = offset
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            t0 = time.perf_counter()
            request = requests[turn % len(requests)]
            turn += 1
            writer.write(request)
            await writer.drain()
            status, close = await _read_response(reader)  # type: ignore[arg-type]
            result.latencies_ms.append((time.perf_counter() - t0) * 1000)
            result.requests += 1
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status >= 400:
                result.errors += 1
            if close:  # gunicorn's sync workers close after each response
                writer.close()
                reader = writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


def run(
    name: str,
    host: str,
    port: int,
    path: str | list[str],
    *,
    connections: int = 16,
    seconds: float = 5.0,
    headers: dict[str, str] | None = None,
    cookies: list[str] | None = None,
) -> Result:
    """`path` may be a list: the connections then go through it in turn (each from its own
    starting point), e.g. 500 different organizations' pages. `cookies`: a `Cookie` header
    value per connection (connection i sends cookies[i % len]), e.g. one signed-in session
    each, as many browsers of the same person would."""
    paths = [path] if isinstance(path, str) else list(path)
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())

    def build(cookie: str | None) -> list[bytes]:
        cookie_line = f"Cookie: {cookie}\r\n" if cookie else ""
        return [
            (
                f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Language: ja\r\n"
                f"Connection: keep-alive\r\n{extra}{cookie_line}\r\n"
            ).encode()
            for p in paths
        ]

    per_connection = [build(c) for c in cookies] if cookies else [build(None)]
    requests = per_connection[0]
    label = paths[0] if len(paths) == 1 else f"{paths[0]} … ({len(paths)} paths)"
    result = Result(name=name, path=label)

    async def main() -> None:
        deadline = time.monotonic() + seconds
        start = time.monotonic()
        await asyncio.gather(
            *(
                _worker(
                    host,
                    port,
                    per_connection[i % len(per_connection)],
                    deadline,
                    result,
                    i * len(requests) // connections,
                )
                for i in range(connections)
            )
        )
        result.seconds = time.monotonic() - start

    asyncio.run(main())
    return result
