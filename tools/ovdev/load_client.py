"""The clients of ``make load``: N concurrent JSON-RPC callers (no Odoo needed).

One process, one asyncio task per client, each sending its next request as
soon as the previous answer arrived (a closed loop: what N users hammering
the server at once do). Odoo's HTTP server answers in HTTP/1.0, one request
per connection, so every request opens its own loopback connection, as
every client of such a server does. A request counts as an error unless it
got HTTP 200 and a JSON-RPC result (and, from ``/ov/*``, ``"ok": true``).
"""

import asyncio
import itertools
import json
import math
import time


class Workload:
    """One kind of request: where it goes, what it sends, how to read its answer.

    ``params(sample)`` builds the JSON-RPC params of one sample; ``answer``
    turns a result into a comparable value (the same on the governed path
    and on its stamp equivalent when both agree).
    """

    def __init__(self, name, path, params, answer, headers=None, envelope=True):
        self.name = name
        self.path = path
        self.params = params
        self.answer = answer
        self.headers = headers or {}
        self.envelope = envelope


def percentile(ordered, fraction):
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def latency_summary(latencies_ms, seconds, errors):
    ordered = sorted(latencies_ms)
    return {
        "requests": len(ordered),
        "errors": errors,
        "per_second": len(ordered) / seconds if seconds else 0.0,
        "p50_ms": percentile(ordered, 0.50),
        "p95_ms": percentile(ordered, 0.95),
        "p99_ms": percentile(ordered, 0.99),
        "max_ms": ordered[-1] if ordered else math.nan,
    }


def encode(host, port, path, params, headers, request_id=1):
    body = json.dumps(
        {"jsonrpc": "2.0", "method": "call", "params": params, "id": request_id}
    ).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{key}: {value}" for key, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def decode(raw):
    """(status, headers, body) of a whole HTTP/1.x response."""
    head, _sep, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = {}
    for line in header_lines:
        key, _sep, value = line.partition(":")
        headers.setdefault(key.strip().lower(), []).append(value.strip())
    if "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
        body = _unchunk(body)
    return status, headers, body


def _unchunk(body):
    out, rest = b"", body
    while rest:
        size_line, _sep, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if not size:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


def result_of(status, body, envelope):
    """The JSON-RPC result, or raise ``ValueError`` saying what went wrong."""
    if status != 200:
        raise ValueError(f"HTTP {status}: {body[:200]!r}")
    reply = json.loads(body)
    if "error" in reply:
        error = reply["error"]
        raise ValueError(str(error.get("data", {}).get("message") or error)[:300])
    result = reply["result"]
    if envelope:
        if not isinstance(result, dict) or result.get("ok") is not True:
            raise ValueError(f"not ok: {str(result)[:300]}")
        return result["data"]
    return result


async def call(host, port, path, params, headers):
    """One request on its own connection; the decoded response.

    The answer ends after ``Content-Length`` bytes, as for any HTTP client:
    Odoo's server (werkzeug's) closes the connection only after waiting
    10 ms for more request data, which no client waits for.
    """
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(encode(host, port, path, params, headers))
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status, found, _body = decode(head)
        if "content-length" in found:
            raw = head + await reader.readexactly(int(found["content-length"][0]))
        else:
            raw = head + await reader.read()
    finally:
        writer.close()
    return decode(raw)


async def _client(host, port, workload, samples, deadline, record):
    for index in samples:
        if time.monotonic() >= deadline:
            return
        sample = record.samples[index]
        start = time.perf_counter()
        try:
            status, _headers, body = await call(
                host, port, workload.path, workload.params(sample), workload.headers
            )
            data = result_of(status, body, workload.envelope)
        except (OSError, ValueError, KeyError, asyncio.IncompleteReadError) as error:
            record.errors.append(f"{workload.name}: {error}")
            continue
        record.latencies.append((time.perf_counter() - start) * 1000)
        record.answers.setdefault(index, workload.answer(data))


class Record:
    def __init__(self, samples):
        self.samples = samples
        self.latencies = []
        self.errors = []
        self.answers = {}


def run(host, port, workload, samples, clients, seconds):
    """Drive ``workload`` from ``clients`` concurrent clients for ``seconds``.

    Client ``i`` walks the samples ``i, i + clients, …`` (round and round),
    so the clients ask different questions at every moment. Returns the
    summary and ``{sample index: answer}``.
    """
    record = Record(samples)

    async def main():
        deadline = time.monotonic() + seconds
        tasks = [
            _client(
                host,
                port,
                workload,
                itertools.cycle(range(offset, len(samples), clients) or range(len(samples))),
                deadline,
                record,
            )
            for offset in range(clients)
        ]
        start = time.perf_counter()
        await asyncio.gather(*tasks)
        return time.perf_counter() - start

    elapsed = asyncio.run(main())
    summary = latency_summary(record.latencies, elapsed, len(record.errors))
    summary["error_examples"] = sorted(set(record.errors))[:3]
    return summary, record.answers


def mismatches(answers, other):
    """Sample indexes both paths answered, where they answered differently."""
    return sorted(
        index for index in answers.keys() & other.keys() if answers[index] != other[index]
    )
