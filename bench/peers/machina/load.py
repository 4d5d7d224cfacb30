#!/usr/bin/env python3
# ruff: noqa  (django-machina's peer harness, kept as its authors wrote it)
"""Closed-loop HTTP load generator: N clients GET one URL as fast as answers come back.

Standard library only (asyncio, raw HTTP/1.1), so it runs from any Python 3.11 and costs the
machine little CPU next to the server it measures. Each client behaves like one browser tab:
its own keep-alive connection and its own cookie jar (a session cookie set by the first answer
is sent back afterwards; --no-cookies turns that off). Requests that end during --warmup are
not counted; then every request that ends within --seconds is, and the figures are printed as
one JSON line: requests/s, latency percentiles (ms), errors, response size, client CPU.

Example:
    python3 load.py --url http://127.0.0.1:8765/forum/ --concurrency 20 --seconds 15
Only loopback targets are allowed unless --allow-remote is given.
"""

import argparse
import asyncio
import ipaddress
import json
import math
import resource
import socket
import ssl
import sys
import time
from urllib.parse import urlsplit


class Target:
    def __init__(self, url, headers, cookies):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ValueError("only http:// and https:// URLs are supported: %r" % url)
        if not parts.hostname:
            raise ValueError("no host in %r" % url)
        self.url = url
        self.host = parts.hostname
        self.tls = parts.scheme == "https"
        self.port = parts.port or (443 if self.tls else 80)
        path = parts.path or "/"
        self.path = path + ("?" + parts.query if parts.query else "")
        default_port = 443 if self.tls else 80
        host_header = self.host if ":" not in self.host else "[%s]" % self.host
        if self.port != default_port:
            host_header += ":%d" % self.port
        lines = [
            "GET %s HTTP/1.1" % self.path,
            "Host: %s" % host_header,
            "User-Agent: peer-load/1.0",
            "Accept: text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Language: fr-FR,fr;q=0.9",
            "Accept-Encoding: identity",
            "Connection: keep-alive",
        ] + list(headers)
        self.head = "\r\n".join(lines).encode("latin-1")
        self.keep_cookies = cookies
        self.ssl_context = ssl.create_default_context() if self.tls else None

    def request(self, jar):
        if self.keep_cookies and jar:
            cookie = "; ".join("%s=%s" % kv for kv in jar.items())
            return self.head + b"\r\nCookie: " + cookie.encode("latin-1") + b"\r\n\r\n"
        return self.head + b"\r\n\r\n"


class BadResponse(Exception):
    pass


async def read_response(reader):
    """Reads one HTTP/1.x response; returns (status, body, keep_alive, set_cookies)."""
    line = await reader.readline()
    if not line:
        raise ConnectionResetError("connection closed by the server")
    parts = line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise BadResponse("bad status line %r" % line[:80])
    version, status = parts[0], int(parts[1])
    headers, set_cookies = {}, []
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip()
        if name == b"set-cookie":
            set_cookies.append(value)
        else:
            headers[name] = value
    connection = headers.get(b"connection", b"").lower()
    keep_alive = (
        (connection != b"close") if version == b"HTTP/1.1" else (connection == b"keep-alive")
    )
    if status in (204, 304) or 100 <= status < 200:
        body = b""
    elif b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        chunks = []
        while True:
            size_line = await reader.readline()
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(chunks)
    elif b"content-length" in headers:
        body = await reader.readexactly(int(headers[b"content-length"]))
    else:
        body = await reader.read()  # delimited by the end of the connection
        keep_alive = False
    return status, body, keep_alive, set_cookies


class Stats:
    def __init__(self, max_requests):
        self.measure_from = 0.0
        self.measure_until = 0.0
        self.max_requests = max_requests
        self.started = 0
        self.latencies = []  # seconds, of good answers that ended in the window
        self.sizes = {}  # body size -> count, good answers in the window
        self.statuses = {}  # status -> count, answers that ended in the window
        self.errors = {}  # kind -> count, in the window
        self.connections = 0

    def in_window(self, t):
        return self.measure_from <= t <= self.measure_until

    def error(self, kind, t):
        if self.in_window(t):
            self.errors[kind] = self.errors.get(kind, 0) + 1


async def client(target, stats, args):
    reader = writer = None
    jar = dict(args.preset_cookies)
    expect = args.expect_text.encode() if args.expect_text else None
    try:
        while time.perf_counter() < stats.measure_until and stats.started < stats.max_requests:
            if writer is None:
                try:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection(
                            target.host,
                            target.port,
                            ssl=target.ssl_context,
                            limit=1 << 20,
                        ),
                        args.timeout,
                    )
                    sock = writer.get_extra_info("socket")
                    if sock is not None:
                        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    stats.connections += 1
                except (OSError, asyncio.TimeoutError) as exc:
                    stats.error("connect: " + type(exc).__name__, time.perf_counter())
                    reader = writer = None
                    await asyncio.sleep(0.05)  # do not spin on a refused port
                    continue
            stats.started += 1
            t0 = time.perf_counter()
            try:
                writer.write(target.request(jar))
                status, body, keep_alive, set_cookies = await asyncio.wait_for(
                    read_response(reader),
                    args.timeout,
                )
            except (
                OSError,
                EOFError,
                asyncio.IncompleteReadError,
                asyncio.TimeoutError,
                BadResponse,
                ValueError,
            ) as exc:
                stats.error(type(exc).__name__, time.perf_counter())
                writer.close()
                reader = writer = None
                continue
            t1 = time.perf_counter()
            if args.cookies:
                for raw in set_cookies:
                    pair = raw.split(b";", 1)[0]
                    name, eq, value = pair.partition(b"=")
                    if eq:
                        jar[name.strip().decode("latin-1")] = value.strip().decode("latin-1")
            if stats.in_window(t1):
                stats.statuses[status] = stats.statuses.get(status, 0) + 1
                if status != args.expect_status:
                    stats.error("status %d" % status, t1)
                elif expect is not None and expect not in body:
                    stats.error("expected text missing", t1)
                else:
                    stats.latencies.append(t1 - t0)
                    stats.sizes[len(body)] = stats.sizes.get(len(body), 0) + 1
            if not keep_alive:
                writer.close()
                reader = writer = None
    finally:
        if writer is not None:
            writer.close()


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def check_target_allowed(target, allow_remote):
    if allow_remote:
        return
    try:
        infos = socket.getaddrinfo(target.host, target.port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise SystemExit("load.py: cannot resolve %s: %s" % (target.host, exc))
    for info in infos:
        if not ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback:
            raise SystemExit(
                "load.py: %s is not a loopback address; pass --allow-remote to load it anyway"
                % target.host
            )


async def run(args):
    headers = []
    for header in args.header:
        if ":" not in header:
            raise SystemExit("load.py: --header wants 'Name: value', got %r" % header)
        headers.append(header)
    target = Target(args.url, headers, args.cookies)
    check_target_allowed(target, args.allow_remote)
    stats = Stats(args.max_requests)
    start = time.perf_counter()
    stats.measure_from = start + args.warmup
    stats.measure_until = stats.measure_from + args.seconds
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    tasks = [asyncio.create_task(client(target, stats, args)) for _ in range(args.concurrency)]
    # Clients stop starting requests at the end of the window; in-flight ones are abandoned.
    done, pending = await asyncio.wait(tasks, timeout=max(0.0, stats.measure_until - start))
    for task in pending:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for res in results:
        if isinstance(res, Exception) and not isinstance(res, asyncio.CancelledError):
            raise res
    end = min(time.perf_counter(), stats.measure_until)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    window = max(1e-9, end - stats.measure_from)
    lat = sorted(stats.latencies)
    ms = lambda v: None if v is None else round(v * 1000.0, 2)  # noqa: E731
    sizes = sorted(stats.sizes.items(), key=lambda kv: -kv[1])
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    return {
        "tool": "load.py",
        "url": args.url,
        "concurrency": args.concurrency,
        "warmup_s": args.warmup,
        "seconds": round(window, 2),
        "cookies": args.cookies,
        "requests": len(lat),
        "errors": sum(stats.errors.values()),
        "error_kinds": stats.errors,
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "rps": round(len(lat) / window, 1),
        "mean_ms": ms(sum(lat) / len(lat)) if lat else None,
        "p50_ms": ms(percentile(lat, 50)),
        "p90_ms": ms(percentile(lat, 90)),
        "p95_ms": ms(percentile(lat, 95)),
        "p99_ms": ms(percentile(lat, 99)),
        "max_ms": ms(lat[-1] if lat else None),
        "response_bytes": sizes[0][0] if sizes else None,
        "response_bytes_distinct": len(sizes),
        "connections_opened": stats.connections,
        "client_cpu_pct": round(100.0 * cpu / max(1e-9, time.perf_counter() - start), 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", required=True, help="http(s)://host[:port]/path?query")
    parser.add_argument("--concurrency", type=int, default=20, help="clients (default 20)")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured window (15)")
    parser.add_argument(
        "--warmup",
        type=float,
        default=0.0,
        help="seconds of load before the window, not counted (0)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per request (30 s)")
    parser.add_argument(
        "--expect-status", type=int, default=200, help="other statuses count as errors (200)"
    )
    parser.add_argument(
        "--expect-text", default="", help="an answer lacking this text counts as an error"
    )
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        help="extra request header 'Name: value' (repeatable)",
    )
    parser.add_argument(
        "--cookie",
        action="append",
        default=[],
        help="a cookie 'name=value' every client starts with (repeatable)",
    )
    parser.add_argument(
        "--no-cookies",
        dest="cookies",
        action="store_false",
        help="never send cookies back (every request a first visit)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=1_000_000,
        help="hard cap on requests started (1,000,000)",
    )
    parser.add_argument(
        "--allow-remote", action="store_true", help="allow a target that is not a loopback address"
    )
    args = parser.parse_args(argv)
    if any("=" not in cookie for cookie in args.cookie):
        parser.error("--cookie wants 'name=value'")
    args.preset_cookies = [cookie.split("=", 1) for cookie in args.cookie]
    if args.concurrency < 1 or args.seconds <= 0 or args.warmup < 0 or args.timeout <= 0:
        parser.error("--concurrency, --seconds and --timeout must be positive, --warmup >= 0")
    try:
        result = asyncio.run(run(args))
    except ValueError as exc:
        raise SystemExit("load.py: %s" % exc)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["requests"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
