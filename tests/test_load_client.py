"""``make load``'s clients, against a real loopback HTTP server (issue 15)."""

import http.server
import json
import math
import threading

import pytest
from ovdev.load_client import (
    Workload,
    decode,
    encode,
    latency_summary,
    mismatches,
    percentile,
    result_of,
    run,
)


def test_percentile_is_nearest_rank():
    ordered = [float(n) for n in range(1, 101)]
    assert percentile(ordered, 0.50) == 50.0
    assert percentile(ordered, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0
    assert math.isnan(percentile([], 0.5))


def test_latency_summary():
    summary = latency_summary([4.0, 1.0, 3.0, 2.0], seconds=2.0, errors=1)
    assert summary == {
        "requests": 4,
        "errors": 1,
        "per_second": 2.0,
        "p50_ms": 2.0,
        "p95_ms": 4.0,
        "p99_ms": 4.0,
        "max_ms": 4.0,
    }


def test_encode_is_a_json_rpc_post():
    raw = encode("127.0.0.1", 8069, "/ov/v1/check", {"target_id": 3}, {"Authorization": "Bearer k"})
    head, body = raw.split(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /ov/v1/check HTTP/1.1"
    assert "Authorization: Bearer k" in lines
    assert f"Content-Length: {len(body)}" in lines
    assert json.loads(body) == {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"target_id": 3},
        "id": 1,
    }


def test_decode_plain_and_chunked():
    status, headers, body = decode(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}")
    assert (status, headers["content-length"], body) == (200, ["2"], b"{}")
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    assert decode(chunked)[2] == b"abcde"


def test_result_of_refuses_every_kind_of_failure():
    ok = json.dumps({"result": {"ok": True, "data": [1, 2]}}).encode()
    assert result_of(200, ok, envelope=True) == [1, 2]
    assert result_of(200, json.dumps({"result": 5}).encode(), envelope=False) == 5
    with pytest.raises(ValueError, match="HTTP 500"):
        result_of(500, b"boom", envelope=True)
    with pytest.raises(ValueError, match="denied"):
        result_of(200, json.dumps({"error": {"data": {"message": "denied"}}}).encode(), True)
    not_ok = {"result": {"ok": False, "error": {"code": "invalid_argument"}}}
    with pytest.raises(ValueError, match="not ok"):
        result_of(200, json.dumps(not_ok).encode(), envelope=True)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers ``target_id`` even → True; ``/fail`` always fails."""

    def do_POST(self):
        params = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["params"]
        if self.path == "/fail":
            self.send_response(500)
            self.end_headers()
            return
        answer = {"jsonrpc": "2.0", "result": {"ok": True, "data": params["target_id"] % 2 == 0}}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_run_drives_concurrent_clients_and_records_answers(server):
    samples = [{"target_id": n} for n in range(10)]
    workload = Workload("check", "/ov/v1/check", lambda s: s, bool)
    summary, answers = run("127.0.0.1", server, workload, samples, clients=4, seconds=0.5)
    assert summary["errors"] == 0
    assert summary["requests"] >= 10
    assert summary["p50_ms"] <= summary["p99_ms"] <= summary["max_ms"]
    # Four clients walking 0,4,8 / 1,5,9 / 2,6 / 3,7 cover every sample.
    assert answers == {n: n % 2 == 0 for n in range(10)}
    other = {**answers, 3: True, 42: False}
    assert mismatches(answers, other) == [3]


def test_run_counts_errors(server):
    workload = Workload("fail", "/fail", lambda s: s, bool)
    summary, answers = run("127.0.0.1", server, workload, [{"target_id": 1}], 2, 0.3)
    assert summary["errors"] > 0
    assert summary["requests"] == 0
    assert answers == {}
    assert summary["error_examples"][0].startswith("fail: HTTP 500")
