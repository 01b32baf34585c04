#!/usr/bin/env python3
"""Simulated Scavio hashtag API plus a webhook receiver, for hashtrack's tests.

One process, 127.0.0.1 only, standard library only. Tests steer it through
files in --state-dir and read back what it saw:

  world.json     {"tags": {"<tag>": RESPONSE | [RESPONSE, ...]}, "default": RESPONSE}
                 re-read on every request. RESPONSE is one of
                   {"videos": N, "views": N, "shape": 1..6}   counts (int or str)
                       optional "credits": N  -> top-level "credits_remaining"
                       optional "credits_used": N -> top-level "credits_used"
                       optional "snake": true -> shape 4 as video_count/view_count
                   {"status": N, "body": <JSON>}              any JSON answer
                   {"status": N, "raw": "<text>"}             any text answer
                   {"status": N, "raw_b64": "<base64>"}       any bytes, even invalid
                                                              UTF-8 (Content-Type
                                                              application/json)
                 each optionally with "delay": seconds and "headers": {...},
                 and with a fault of the connection itself:
                   "truncate": true  -> announce the whole body, send half, hang up
                   "hangup": true    -> hang up without answering
                 A list is answered in order across requests for that tag,
                 repeating its last element; the position restarts whenever
                 world.json is replaced.
  hook.json      {"statuses": [500, 500, 200]} consumed one per webhook
                 request (the file is rewritten), then 200; missing -> 200.
                 An entry may be {"status": 429, "headers": {"Retry-After": "1"}},
                 and may break the connection after its status line:
                   "truncate": true -> announce a longer body, send part, hang up
                   "stall": seconds -> send the status line only, wait, hang up
                 optional "delay": seconds before every webhook answer.
                 optional "paths": {"/hook/NAME": [entries]} answers requests to
                 that path from its own list first (then 200), so one channel
                 can be down while another is up. An entry's optional "body"
                 (JSON) is sent as the answer (Discord's {"retry_after": 0.5}).
  requests.jsonl one line per API request (never the key or Authorization),
                 written when it is answered.
  arrivals.jsonl one line per API request as soon as it arrives (before any
                 "delay"): {"t", "hashtag"}, to synchronise with slow answers.
  webhook.jsonl  one line per webhook request with its raw body.

  plan.json      read once at start; when present the API enforces a plan as
                 the real service does:
                   {"latency": 0.05, "concurrency": 50, "rate_per_min": null,
                    "burst": 1, "log": false}
                 latency     seconds from arrival to answer for an admitted request
                 concurrency requests in flight at once; null = no limit
                 rate_per_min requests started per minute, evenly spaced (a
                             GCRA, "leaky bucket as a meter"); null = no limit
                 burst       requests the rate allows back to back (>= 1)
                 log         also write requests.jsonl and arrivals.jsonl
                             (off by default: the bench must measure hashtrack)
                 threads     connections served at once (default 128): a
                             pool started up front, not a thread per connection
                 A request beyond a limit gets 429 at once, with Retry-After and
                 X-RateLimit-Reset (whole seconds, rounded up, as HTTP wants),
                 X-RateLimit-Remaining: 0 and, when a rate is set,
                 X-RateLimit-Limit: <rate_per_min> (per minute). Admitted
                 answers carry no X-RateLimit-* headers: whole seconds cannot
                 describe a sub-second bench plan without stalling the client.
  plan_stats.json written when the simulator stops (plan mode only):
                 {"requests", "admitted", "ok", "rejected": {"concurrency",
                 "rate"}, "ok_per_tag": {tag: n}, "max_in_flight",
                 "late_ms": {"p50", "p99", "max"}} where late_ms is how long
                 after arrival + latency the answer went out (the simulator's
                 own lag).

--tls-cert FILE --tls-key FILE serve https:// instead of http:// (the tests
make a private CA and a certificate for 127.0.0.1 and localhost with openssl);
a client that refuses the certificate is dropped during the handshake.

The API key is taken from $SIM_API_KEY, never from argv. Should a client put
the key anywhere the simulator records (body, path), it is replaced by
"[REDACTED]" and the record gets "key_leak": true.
"""

import argparse
import base64
import json
import math
import os
import queue
import re
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_PATH = "/api/v1/tiktok/hashtag"
HOOK_PREFIX = "/hook/"
REDACTED = "[REDACTED]"
DIGITS = re.compile(r"-?[0-9]+\Z")


def write_atomic(path, text):
    tmp = "%s.tmp.%d.%d" % (path, os.getpid(), threading.get_ident())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


class State:
    """The state directory, with one lock around every read-modify-write."""

    def __init__(self, directory, api_key):
        self.dir = directory
        self.key = api_key
        self.lock = threading.Lock()
        self.world_id = None
        self.world = None
        self.positions = {}

    def path(self, name):
        return os.path.join(self.dir, name)

    def redact(self, text):
        """Text with the key replaced, and whether it was there."""
        if self.key and self.key in text:
            return text.replace(self.key, REDACTED), True
        return text, False

    def append(self, name, record):
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.lock:
            with open(self.path(name), "a", encoding="utf-8") as f:
                f.write(line)
                f.flush()

    def load_world(self):
        """world.json, parsed again only when the file was replaced or changed.

        A change restarts every tag's position in its list of answers. The
        caller holds the lock.
        """
        p = self.path("world.json")
        try:
            st = os.stat(p)
        except FileNotFoundError:
            st = None
        ident = (st.st_ino, st.st_mtime_ns, st.st_size) if st else None
        if ident == self.world_id and self.world is not None:
            return self.world
        try:
            with open(p, encoding="utf-8") as f:
                st = os.fstat(f.fileno())   # the identity of what is read
                world = json.load(f)
            ident = (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            world, ident = {}, None
        if ident != self.world_id:
            self.positions = {}
        self.world_id, self.world = ident, world
        return world

    def pick_response(self, tag):
        """The RESPONSE for tag, or None when the tag is unknown."""
        with self.lock:
            world = self.load_world()
            tags = world.get("tags") or {}
            resp = tags.get(tag, world.get("default"))
            if isinstance(resp, list):
                if not resp:
                    return None
                i = self.positions.get(tag, 0)
                self.positions[tag] = i + 1
                resp = resp[min(i, len(resp) - 1)]
            return resp

    def next_hook_answer(self, path=None):
        """(status, headers, delay, fault, body) for the next webhook request.

        fault is None, ("truncate", None) or ("stall", seconds).
        """
        with self.lock:
            p = self.path("hook.json")
            try:
                with open(p, encoding="utf-8") as f:
                    hook = json.load(f)
            except FileNotFoundError:
                return 200, {}, 0, None, None
            paths = hook.get("paths") or {}
            if path in paths:
                own = paths[path]
                delay = float(hook.get("delay", 0) or 0)
                if not own:
                    return 200, {}, delay, None, None
                entry = own.pop(0)
                write_atomic(p, json.dumps(hook))
                if isinstance(entry, dict):
                    return (int(entry["status"]), entry.get("headers") or {}, delay, None,
                            entry.get("body"))
                return int(entry), {}, delay, None, None
            statuses = hook.get("statuses") or []
            delay = float(hook.get("delay", 0) or 0)
            if not statuses:
                return 200, {}, delay, None, None
            entry = statuses.pop(0)
            hook["statuses"] = statuses
            write_atomic(p, json.dumps(hook))
            if isinstance(entry, dict):
                fault = (("truncate", None) if entry.get("truncate") else
                         ("stall", float(entry["stall"])) if entry.get("stall") else None)
                return (int(entry["status"]), entry.get("headers") or {}, delay, fault,
                        entry.get("body"))
            return int(entry), {}, delay, None, None


class Plan:
    """An API plan's limits, enforced as requests arrive (plan.json).

    One lock guards the counters; a request beyond a limit is refused at once,
    an admitted one is answered `latency` seconds after it arrived.
    """

    def __init__(self, spec):
        self.latency = float(spec.get("latency") or 0)
        self.concurrency = spec.get("concurrency")
        self.rate = spec.get("rate_per_min")
        if self.rate is not None and (not isinstance(self.rate, int) or self.rate <= 0):
            raise ValueError("plan.json: rate_per_min must be a positive integer or null")
        if self.concurrency is not None and (
                not isinstance(self.concurrency, int) or self.concurrency <= 0):
            raise ValueError("plan.json: concurrency must be a positive integer or null")
        self.interval = 60.0 / self.rate if self.rate else 0.0
        # GCRA: a request may arrive `tolerance` before its theoretical time.
        self.tolerance = (max(1, int(spec.get("burst") or 1)) - 1) * self.interval
        self.log = bool(spec.get("log"))
        self.threads = int(spec.get("threads") or 128)
        self.lock = threading.Lock()
        self.tat = 0.0
        self.in_flight = self.max_in_flight = 0
        self.requests = self.admitted = self.ok = 0
        self.rejected = {"concurrency": 0, "rate": 0}
        self.ok_per_tag = {}
        self.late = []

    def admit(self, now):
        """None when admitted, else the 429 answer: (status, payload, headers)."""
        with self.lock:
            self.requests += 1
            if self.concurrency is not None and self.in_flight >= self.concurrency:
                # No slot frees later than one latency from now.
                return self.refuse("concurrency", self.latency,
                                   "plan allows %d requests in flight" % self.concurrency)
            if self.rate and now < self.tat - self.tolerance:
                return self.refuse("rate", self.tat - self.tolerance - now,
                                   "plan allows %d requests per minute" % self.rate)
            if self.rate:
                self.tat = max(self.tat, now) + self.interval
            self.admitted += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return None

    def refuse(self, reason, wait, message):
        # HTTP wants whole seconds; a wait under one second is rounded up, as
        # a real service must.
        secs = max(1, math.ceil(wait))
        self.rejected[reason] += 1
        headers = {"Retry-After": secs, "X-RateLimit-Remaining": 0, "X-RateLimit-Reset": secs}
        if self.rate:
            headers["X-RateLimit-Limit"] = self.rate
        if reason == "concurrency":
            headers["X-Concurrency-Limit"] = self.concurrency
        return 429, error_body(429, "rate limit exceeded: " + message), headers

    def wait_latency(self, arrived):
        left = arrived + self.latency - time.monotonic()
        if left > 0:
            time.sleep(left)

    def release(self, hashtag, status, arrived):
        """The answer is about to go out: its slot is free before the client sees it."""
        late = time.monotonic() - (arrived + self.latency)
        with self.lock:
            self.in_flight -= 1
            self.late.append(late)
            if status == 200:
                self.ok += 1
                self.ok_per_tag[hashtag] = self.ok_per_tag.get(hashtag, 0) + 1

    def stats(self):
        with self.lock:
            late = sorted(self.late)

            def pct(q):
                return round(late[min(len(late) - 1, int(q * len(late)))] * 1000, 3) if late else None

            return {"requests": self.requests, "admitted": self.admitted, "ok": self.ok,
                    "rejected": dict(self.rejected), "ok_per_tag": dict(self.ok_per_tag),
                    "max_in_flight": self.max_in_flight,
                    "late_ms": {"p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0)}}


def load_plan(state_dir):
    try:
        with open(os.path.join(state_dir, "plan.json"), encoding="utf-8") as f:
            return Plan(json.load(f))
    except FileNotFoundError:
        return None


def as_string_count(v):
    return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


def as_number_count(v):
    # Digit strings become JSON numbers of any size (to test imprecise counts);
    # anything else (null, floats, junk strings) is sent as given.
    if isinstance(v, str) and DIGITS.match(v):
        return int(v)
    return v


def render_counts(resp):
    shape = int(resp.get("shape", 2))
    videos, views = resp.get("videos"), resp.get("views")
    if shape == 1:
        stats = {"videoCount": as_string_count(videos), "viewCount": as_string_count(views)}
        body = {"data": {"challengeInfo": {"statsV2": stats}}}
    else:
        videos, views = as_number_count(videos), as_number_count(views)
        if shape == 2:
            body = {"data": {"challengeInfo": {"stats": {"videoCount": videos, "viewCount": views}}}}
        elif shape == 3:
            body = {"data": {"stats": {"video_count": videos, "view_count": views}}}
        elif shape == 4 and resp.get("snake"):
            body = {"data": {"video_count": videos, "view_count": views}}
        elif shape == 4:
            body = {"data": {"videoCount": videos, "viewCount": views}}
        elif shape == 5:
            body = {"video_count": videos, "view_count": views}
        elif shape == 6:
            challenge = {"id": "1", "title": "t", "stats": {"videoCount": videos, "viewCount": views}}
            body = {"data": {"challengeInfo": {"challenge": challenge}}}
        else:
            raise ValueError("unknown shape %r" % shape)
    if "credits" in resp:
        body["credits_remaining"] = resp["credits"]
    if "credits_used" in resp:
        body["credits_used"] = resp["credits_used"]
    return body


def error_body(code, message):
    return {"error": {"code": code, "message": message}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse works
    disable_nagle_algorithm = True  # headers and body go out in two writes
    server_version = "scavio-sim/1"
    sys_version = ""
    state = None  # set by main()
    plan = None   # set by main() when plan.json exists

    def log_message(self, format, *args):  # noqa: A002 - quiet by design
        pass

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def send(self, status, payload, headers=None, raw=None):
        if isinstance(raw, bytes):      # raw_b64: bytes as given, said to be JSON
            data, ctype = raw, "application/json"
        elif raw is not None:
            data, ctype = raw.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            data, ctype = json.dumps(payload).encode("utf-8"), "application/json"
        self.send_response(status)
        extra = dict(headers or {})
        if not any(k.lower() == "content-type" for k in extra):
            self.send_header("Content-Type", ctype)
        for k, v in extra.items():
            self.send_header(k, str(v))
        self.send_header("Content-Length", str(len(data)))
        # Headers and body in one write, as a server with an output buffer
        # sends a small answer: one segment, not two.
        if self.command != "HEAD":
            self._headers_buffer.append(b"\r\n" + data)
            self.flush_headers()
        else:
            self.end_headers()
        self.wfile.flush()

    def do_POST(self):
        body = self.read_body()
        if self.path.startswith(HOOK_PREFIX):
            self.handle_hook(body)
        else:
            self.handle_api(body)

    def do_GET(self):
        self.read_body()
        if self.path.startswith(HOOK_PREFIX):
            self.send(405, error_body(405, "method not allowed"))
            return
        self.handle_api(None)

    do_PUT = do_DELETE = do_PATCH = do_GET

    def handle_hook(self, body):
        st = self.state
        text, leak = st.redact(body.decode("utf-8", errors="replace"))
        path, leak2 = st.redact(self.path)
        status, headers, delay, fault, answer = st.next_hook_answer(self.path)
        record = {"t": time.time(), "path": path,
                  "content_type": self.headers.get("Content-Type"), "body": text,
                  "user_agent": self.headers.get("User-Agent"), "status": status,
                  "title": self.headers.get("Title"), "tags": self.headers.get("Tags"),
                  "click": self.headers.get("Click")}
        if leak or leak2:
            record["key_leak"] = True
        if fault:
            record["fault"] = fault[0]
        st.append("webhook.jsonl", record)
        if delay > 0:
            time.sleep(delay)
        try:
            if fault:
                self.send_hook_fault(fault, status, headers)
            elif answer is not None:
                self.send(status, answer, headers=headers)
            else:
                self.send(status, None, headers=headers, raw="ok")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up or was killed

    def send_hook_fault(self, fault, status, headers):
        """A status line, then a body cut short ("truncate") or silence ("stall")."""
        self.close_connection = True
        if fault[0] == "truncate":
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, str(v))
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"ok, and then")
        else:
            self.wfile.write(("HTTP/1.1 %d OK\r\n" % status).encode("ascii"))
        self.wfile.flush()
        if fault[0] == "stall":
            time.sleep(fault[1])
        self.connection.shutdown(socket.SHUT_RDWR)

    def handle_api(self, body):
        st, plan = self.state, self.plan
        arrived = time.monotonic()
        admitted = False
        auth = self.headers.get("Authorization")
        auth_ok = bool(st.key) and auth == "Bearer " + st.key
        hashtag = None
        leak = False
        body_text = None
        if body is not None:
            body_text, leak = st.redact(body.decode("utf-8", errors="replace"))
            try:
                parsed = json.loads(body)
                if isinstance(parsed, dict) and isinstance(parsed.get("hashtag_name"), str):
                    hashtag = parsed["hashtag_name"]
            except ValueError:
                pass
        path, leak_path = st.redact(self.path)
        resp, status, payload, raw, headers, delay = None, 0, None, None, None, 0
        fault = None
        route = self.path.split("?", 1)[0]
        if self.command != "POST" or route != API_PATH:
            status, payload = 404, error_body(404, "no such endpoint")
        elif not auth_ok:
            status, payload = 401, error_body(401, "invalid API key")
        elif hashtag is None or hashtag == "":
            status, payload = 400, error_body(400, "body must be {\"hashtag_name\": \"...\"}")
        elif plan and (refused := plan.admit(arrived)):
            status, payload, headers = refused
        else:
            admitted = plan is not None
            resp = st.pick_response(hashtag)
            if resp is None:
                status, payload = 404, error_body(404, "hashtag not found")
            else:
                headers = resp.get("headers")
                delay = float(resp.get("delay", 0) or 0)
                fault = "truncate" if resp.get("truncate") else (
                    "hangup" if resp.get("hangup") else None)
                if "status" in resp:
                    status = int(resp["status"])
                    if "raw" in resp:
                        raw = resp["raw"]
                    elif "raw_b64" in resp:
                        raw = base64.b64decode(resp["raw_b64"])
                    else:
                        payload = resp.get("body")
                else:
                    status, payload = 200, render_counts(resp)
        record = {"t": time.time(), "method": self.command, "path": path,
                  "hashtag": st.redact(hashtag)[0] if hashtag else hashtag,
                  "auth_ok": auth_ok,
                  "content_type": self.headers.get("Content-Type"),
                  "accept": self.headers.get("Accept"),
                  "user_agent": self.headers.get("User-Agent"),
                  "status": status, "body": body_text}
        if leak or leak_path or (hashtag and st.key and st.key in hashtag):
            record["key_leak"] = True
        logged = plan is None or plan.log
        try:
            if logged:
                st.append("arrivals.jsonl", {"t": record["t"], "hashtag": record["hashtag"]})
            if delay > 0:
                time.sleep(delay)
            if admitted:
                plan.wait_latency(arrived)
            record["t_answer"] = time.time()
            if fault:
                record["fault"] = fault
            if logged:
                st.append("requests.jsonl", record)
        finally:
            if admitted:
                plan.release(hashtag, status, arrived)
        try:
            if fault:
                self.send_fault(fault, status, payload, headers, raw)
            else:
                self.send(status, payload, headers=headers, raw=raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to answer

    def send_fault(self, fault, status, payload, headers, raw):
        """Break the connection: mid-body ("truncate") or before any answer."""
        self.close_connection = True
        if fault == "truncate":
            data = (raw if isinstance(raw, bytes) else raw.encode("utf-8") if raw is not None
                    else json.dumps(payload).encode("utf-8"))
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, str(v))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # A client opening its `concurrency` connections at once must not see
    # dropped SYNs (a one-second retransmit) behind the default backlog of 5.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # Clients hanging up mid-answer are expected (timeouts); stay quiet.
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class PooledServer(Server):
    """Plan mode: a fixed pool of handler threads, one per open connection.

    Started before the first request, so a client opening its `concurrency`
    connections at once is not served one thread start at a time, and
    bounded: connections beyond the pool wait for a thread to free up.
    """

    def __init__(self, address, handler, threads):
        super().__init__(address, handler)
        self.jobs = queue.SimpleQueue()
        for _ in range(threads):
            threading.Thread(target=self.work, daemon=True).start()

    def process_request(self, request, client_address):
        self.jobs.put((request, client_address))

    def work(self):
        while True:
            request, client_address = self.jobs.get()
            try:
                self.finish_request(request, client_address)
            except Exception:  # noqa: BLE001 - one connection's trouble, as socketserver does
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0, help="0 = ephemeral")
    ap.add_argument("--ready-file", required=True, help="the actual port is written here")
    ap.add_argument("--state-dir", required=True)
    ap.add_argument("--tls-cert", help="serve https with this PEM certificate (chain)")
    ap.add_argument("--tls-key", help="... and this PEM private key")
    args = ap.parse_args(argv)

    key = os.environ.get("SIM_API_KEY", "")
    if not key:
        print("scavio_sim: SIM_API_KEY is not set", file=sys.stderr)
        return 2
    os.makedirs(args.state_dir, exist_ok=True)
    Handler.state = State(args.state_dir, key)
    try:
        Handler.plan = load_plan(args.state_dir)
    except ValueError as e:
        print("scavio_sim: %s" % e, file=sys.stderr)
        return 2

    plan = Handler.plan
    server = (PooledServer(("127.0.0.1", args.port), Handler, plan.threads) if plan
              else Server(("127.0.0.1", args.port), Handler))

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    if args.tls_cert:
        # The handshake runs in accept(); one a client refuses raises an
        # SSLError there, which socketserver drops as it drops any OSError.
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = tls.wrap_socket(server.socket, server_side=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    write_atomic(args.ready_file, "%d\n" % server.server_address[1])
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
        if Handler.plan:
            write_atomic(os.path.join(args.state_dir, "plan_stats.json"),
                         json.dumps(Handler.plan.stats()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
