#!/usr/bin/env python3
"""Simulated Scavio hashtag API plus a webhook receiver, for hashtrack's tests.

One process, 127.0.0.1 only, standard library only. Tests steer it through
files in --state-dir and read back what it saw:

  world.json     {"tags": {"<tag>": RESPONSE | [RESPONSE, ...]}, "default": RESPONSE}
                 re-read on every request. RESPONSE is one of
                   {"videos": N, "views": N, "shape": 1..5}   counts (int or str)
                       optional "credits": N  -> top-level "credits_remaining"
                       optional "snake": true -> shape 4 as video_count/view_count
                   {"status": N, "body": <JSON>}              any JSON answer
                   {"status": N, "raw": "<text>"}             any text answer
                 each optionally with "delay": seconds and "headers": {...}.
                 A list is answered in order across requests for that tag,
                 repeating its last element; the position restarts whenever
                 world.json is replaced.
  hook.json      {"statuses": [500, 500, 200]} consumed one per webhook
                 request (the file is rewritten), then 200; missing -> 200.
  requests.jsonl one line per API request (never the key or Authorization),
                 written when it is answered.
  arrivals.jsonl one line per API request as soon as it arrives (before any
                 "delay"): {"t", "hashtag"}, to synchronise with slow answers.
  webhook.jsonl  one line per webhook request with its raw body.

The API key is taken from $SIM_API_KEY, never from argv. Should a client put
the key anywhere the simulator records (body, path), it is replaced by
"[REDACTED]" and the record gets "key_leak": true.
"""

import argparse
import json
import os
import re
import signal
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

    def pick_response(self, tag):
        """The RESPONSE for tag, or None when the tag is unknown."""
        with self.lock:
            try:
                st = os.stat(self.path("world.json"))
                with open(self.path("world.json"), encoding="utf-8") as f:
                    world = json.load(f)
            except FileNotFoundError:
                world = {}
                st = None
            ident = (st.st_ino, st.st_mtime_ns, st.st_size) if st else None
            if ident != self.world_id:
                self.world_id = ident
                self.positions = {}
            tags = world.get("tags") or {}
            resp = tags.get(tag, world.get("default"))
            if isinstance(resp, list):
                if not resp:
                    return None
                i = self.positions.get(tag, 0)
                self.positions[tag] = i + 1
                resp = resp[min(i, len(resp) - 1)]
            return resp

    def next_hook_status(self):
        with self.lock:
            p = self.path("hook.json")
            try:
                with open(p, encoding="utf-8") as f:
                    statuses = json.load(f).get("statuses") or []
            except FileNotFoundError:
                return 200
            if not statuses:
                return 200
            status = int(statuses.pop(0))
            write_atomic(p, json.dumps({"statuses": statuses}))
            return status


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
        else:
            raise ValueError("unknown shape %r" % shape)
    if "credits" in resp:
        body["credits_remaining"] = resp["credits"]
    return body


def error_body(code, message):
    return {"error": {"code": code, "message": message}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse works
    server_version = "scavio-sim/1"
    sys_version = ""
    state = None  # set by main()

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
        data = raw.encode("utf-8") if raw is not None else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        ctype = "text/plain; charset=utf-8" if raw is not None else "application/json"
        extra = dict(headers or {})
        if not any(k.lower() == "content-type" for k in extra):
            self.send_header("Content-Type", ctype)
        for k, v in extra.items():
            self.send_header(k, str(v))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
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
        status = st.next_hook_status()
        record = {"t": time.time(), "path": path,
                  "content_type": self.headers.get("Content-Type"), "body": text,
                  "status": status}
        if leak or leak2:
            record["key_leak"] = True
        st.append("webhook.jsonl", record)
        self.send(status, None, raw="ok")

    def handle_api(self, body):
        st = self.state
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
        route = self.path.split("?", 1)[0]
        if self.command != "POST" or route != API_PATH:
            status, payload = 404, error_body(404, "no such endpoint")
        elif not auth_ok:
            status, payload = 401, error_body(401, "invalid API key")
        elif hashtag is None or hashtag == "":
            status, payload = 400, error_body(400, "body must be {\"hashtag_name\": \"...\"}")
        else:
            resp = st.pick_response(hashtag)
            if resp is None:
                status, payload = 404, error_body(404, "hashtag not found")
            else:
                headers = resp.get("headers")
                delay = float(resp.get("delay", 0) or 0)
                if "status" in resp:
                    status = int(resp["status"])
                    if "raw" in resp:
                        raw = resp["raw"]
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
        st.append("arrivals.jsonl", {"t": record["t"], "hashtag": record["hashtag"]})
        if delay > 0:
            time.sleep(delay)
        record["t_answer"] = time.time()
        st.append("requests.jsonl", record)
        try:
            self.send(status, payload, headers=headers, raw=raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to answer


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients hanging up mid-answer are expected (timeouts); stay quiet.
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0, help="0 = ephemeral")
    ap.add_argument("--ready-file", required=True, help="the actual port is written here")
    ap.add_argument("--state-dir", required=True)
    args = ap.parse_args(argv)

    key = os.environ.get("SIM_API_KEY", "")
    if not key:
        print("scavio_sim: SIM_API_KEY is not set", file=sys.stderr)
        return 2
    os.makedirs(args.state_dir, exist_ok=True)
    Handler.state = State(args.state_dir, key)

    server = Server(("127.0.0.1", args.port), Handler)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    write_atomic(args.ready_file, "%d\n" % server.server_address[1])
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
