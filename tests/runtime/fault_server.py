#!/usr/bin/env python3
"""Scripted HTTP/1.1 fault server for the runtime tests (standard library only).

Commands:
  fault_server.py start --dir DIR [--lifetime S]  make a test CA + server
      certificate with the openssl CLI, start `serve` in the background and
      wait until it listens (ctest FIXTURES_SETUP).
  fault_server.py stop --dir DIR                  ask it to stop (FIXTURES_CLEANUP).
  fault_server.py serve --dir DIR [--lifetime S]  run in the foreground.

It listens on four free 127.0.0.1 ports and writes them to DIR/state.json:
  http_port     plain HTTP/1.1 with keep-alive (also answers proxy-style
                absolute-form requests, so it can stand in for a proxy);
  https_port    the same over TLS (DIR/server.pem, issued by DIR/ca.pem);
  mtls_port     TLS that requires a client certificate issued by the CA
                (DIR/client.pem + DIR/client.key);
  control_port  the tests' control channel (one request per connection).
DIR/capath is a hashed CA directory (openssl rehash) for CURLOPT_CAPATH.

Requests to /t/<tag>/... belong to test <tag>; each tag has its own script
queue, request log and connection count, so tests can run in parallel.

Control endpoints (all take ?tag=<tag>):
  POST /script    body: a JSON list of actions, appended to the tag's queue
  GET  /requests  the tag's recorded requests, oldest first
  GET  /stats     {"connections": n, "requests": n}
  POST /shutdown  stop the server

An action is a JSON object; every key is optional:
  status   HTTP status (200)         headers  list of [name, value]
  body     body text ('{"ok":true}') big      send a JSON body of n bytes
  delay    seconds to wait before answering
  reset    true: read the request, then reset the connection (RST)
  truncate true: announce more bytes than sent, then close
  no_length true: no Content-Length; the body ends when the connection closes
  close    true: answer with "Connection: close" and close
  repeat   use this action n times
  match    only for requests whose target contains this text (the first
           action in the queue that fits the request is used; actions
           without `match` fit every request)
  echo     true: the body is {"ok":true,"n":<request no>,"target":<the
           request target>}, so a client can tell which request it answers
  big_header  add header X-Big-<i>: <n bytes of 'a'> (big_header_count of
           them, default 1)
  page     {"total": n, "wrap": key, "count": bool}: one page of a list of
           n items {"id": "item_<i>", "object": "user"} (i from 0), sliced
           by the request's limit (default 10) and offset (default 0)
           query parameters; a bare array, or with `wrap` an object with
           the items under that key, plus "total_count": n unless `count`
           is false (use `repeat` to serve many pages)
When no action fits, the answer is 200
{"ok":true,"n":<request no>,"target":<the request target>}, so a client can
tell which of its requests an answer belongs to.
The server exits by itself after --lifetime seconds (default 600).
"""

import argparse
import collections
import json
import os
import signal
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

IDLE_TIMEOUT = 30.0
MAX_LINE = 65536


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.scripts = collections.defaultdict(collections.deque)
        self.records = collections.defaultdict(list)
        self.conns = collections.defaultdict(int)
        self.next_conn = 0

    def new_conn_id(self):
        with self.lock:
            self.next_conn += 1
            return self.next_conn

    def count_conn(self, tag):
        with self.lock:
            self.conns[tag] += 1

    def record(self, tag, rec):
        with self.lock:
            self.records[tag].append(rec)
            return len(self.records[tag])

    def pop(self, tag, target=""):
        with self.lock:
            q = self.scripts[tag]
            for i, action in enumerate(q):
                if "match" in action and action["match"] not in target:
                    continue
                left = int(action.get("repeat", 1)) - 1
                if left <= 0:
                    del q[i]
                else:
                    q[i] = dict(action, repeat=left)
                return action
            return None

    def push(self, tag, actions):
        with self.lock:
            self.scripts[tag].extend(actions)

    def snapshot(self, tag):
        with self.lock:
            return list(self.records[tag])

    def stats(self, tag):
        with self.lock:
            return {"connections": self.conns[tag],
                    "requests": len(self.records[tag])}


STATE = State()


def tag_of(target):
    if target.startswith(("http://", "https://")):
        # absolute-form, as sent to a proxy
        target = urllib.parse.urlsplit(target).path
    if target.startswith("/t/"):
        parts = target.split("/", 3)
        if len(parts) >= 3:
            return parts[2]
    return ""


class Request:
    pass


def read_request(rfile, wfile):
    line = rfile.readline(MAX_LINE)
    if not line:
        return None
    while line in (b"\r\n", b"\n"):
        line = rfile.readline(MAX_LINE)
        if not line:
            return None
    req = Request()
    req.line = line.rstrip(b"\r\n").decode("latin-1")
    parts = req.line.split(" ")
    if len(parts) != 3:
        raise ValueError("bad request line")
    req.method, req.target, req.version = parts
    req.headers = []
    while True:
        h = rfile.readline(MAX_LINE)
        if not h or h in (b"\r\n", b"\n"):
            break
        name, _, value = h.decode("latin-1").rstrip("\r\n").partition(":")
        req.headers.append([name, value.strip()])
    lower = {k.lower(): v for k, v in req.headers}
    if lower.get("expect", "").lower() == "100-continue":
        wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        wfile.flush()
    body = b""
    if lower.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int(rfile.readline(MAX_LINE).split(b";")[0].strip(), 16)
            if size == 0:
                while rfile.readline(MAX_LINE) not in (b"\r\n", b"\n", b""):
                    pass
                break
            body += rfile.read(size)
            rfile.readline(MAX_LINE)
    elif "content-length" in lower:
        body = rfile.read(int(lower["content-length"]))
    req.body = body
    req.keep_alive = lower.get("connection", "").lower() != "close"
    return req


def reset_connection(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def page_body(target, page):
    """One page of a list of page["total"] items (see the `page` action)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
    limit = int(query.get("limit", ["10"])[0])
    offset = int(query.get("offset", ["0"])[0])
    total = int(page.get("total", 0))
    items = [{"id": "item_%d" % i, "object": "user"}
             for i in range(offset, min(total, offset + limit))]
    if not page.get("wrap"):
        return json.dumps(items)
    doc = {page["wrap"]: items}
    if page.get("count", True):
        doc["total_count"] = total
    return json.dumps(doc)


def respond(sock, wfile, req, action, n):
    """Send one response; return False when the connection must end."""
    if action is None:
        action = {"body": json.dumps({"ok": True, "n": n,
                                      "target": req.target})}
    delay = float(action.get("delay", 0))
    if delay > 0:
        time.sleep(delay)
    if action.get("reset"):
        reset_connection(sock)
        return False
    status = int(action.get("status", 200))
    if action.get("echo"):
        body = json.dumps({"ok": True, "n": n,
                           "target": req.target}).encode("utf-8")
    elif "page" in action:
        body = page_body(req.target, action["page"]).encode("utf-8")
    elif "big" in action:
        size = int(action["big"])
        body = (b'{"data":"' + b"x" * max(0, size - 11) + b'"}')[:size]
    else:
        body = action.get("body", '{"ok":true}').encode("utf-8")
    headers = [list(h) for h in action.get("headers", [])]
    if "big_header" in action:
        for i in range(int(action.get("big_header_count", 1))):
            headers.append(["X-Big-%d" % i, "a" * int(action["big_header"])])
    names = {h[0].lower() for h in headers}
    if "content-type" not in names:
        headers.append(["Content-Type", "application/json"])
    close = bool(action.get("close")) or not req.keep_alive
    if action.get("no_length"):
        close = True
    elif action.get("truncate"):
        headers.append(["Content-Length", str(len(body) + 100)])
        close = True
    else:
        headers.append(["Content-Length", str(len(body))])
    if close:
        headers.append(["Connection", "close"])
    head = "HTTP/1.1 %d Fault\r\n" % status
    head += "".join("%s: %s\r\n" % (k, v) for k, v in headers) + "\r\n"
    try:
        wfile.write(head.encode("latin-1"))
        if req.method != "HEAD":
            wfile.write(body)
        wfile.flush()
    except OSError:
        return False
    return not close


class FaultHandler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.settimeout(IDLE_TIMEOUT)
        if isinstance(sock, ssl.SSLSocket):
            try:
                sock.do_handshake()
            except (OSError, ssl.SSLError):
                return
        conn_id = STATE.new_conn_id()
        rfile = sock.makefile("rb")
        wfile = sock.makefile("wb")
        first = True
        try:
            while True:
                try:
                    req = read_request(rfile, wfile)
                except (OSError, ValueError, ssl.SSLError):
                    return
                if req is None:
                    return
                tag = tag_of(req.target)
                if first:
                    STATE.count_conn(tag)
                    first = False
                peer = None
                if isinstance(sock, ssl.SSLSocket) and sock.getpeercert():
                    for rdn in sock.getpeercert().get("subject", ()):
                        for key, value in rdn:
                            if key == "commonName":
                                peer = value
                n = STATE.record(tag, {
                    "conn": conn_id,
                    "request_line": req.line,
                    "method": req.method,
                    "target": req.target,
                    "headers": req.headers,
                    "body": req.body.decode("latin-1"),
                    "tls": isinstance(sock, ssl.SSLSocket),
                    "client_cert": peer,
                })
                if not respond(sock, wfile, req, STATE.pop(tag, req.target), n):
                    return
        finally:
            for f in (rfile, wfile):
                try:
                    f.close()
                except OSError:
                    pass


class FaultServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Room for the bursts of connections of the async tests (the default
    # backlog of 5 makes late SYNs wait for a retransmit).
    request_queue_size = 256
    tls_context = None

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls_context is not None:
            sock = self.tls_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr


class ControlHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.request.settimeout(10)
        try:
            req = read_request(self.rfile, self.wfile)
        except (OSError, ValueError):
            return
        if req is None:
            return
        url = urllib.parse.urlsplit(req.target)
        tag = urllib.parse.parse_qs(url.query).get("tag", [""])[0]
        status, out = 200, {"ok": True}
        if req.method == "POST" and url.path == "/script":
            STATE.push(tag, json.loads(req.body.decode("utf-8") or "[]"))
        elif req.method == "GET" and url.path == "/requests":
            out = STATE.snapshot(tag)
        elif req.method == "GET" and url.path == "/stats":
            out = STATE.stats(tag)
        elif req.method == "POST" and url.path == "/shutdown":
            threading.Thread(target=self.server.stop_all, daemon=True).start()
        else:
            status, out = 404, {"error": "unknown control request"}
        body = json.dumps(out).encode("utf-8")
        self.wfile.write(
            b"HTTP/1.1 %d OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (status, len(body))
            + body)


class ControlServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    servers = []

    def stop_all(self):
        for s in self.servers:
            s.shutdown()


def serve(args):
    directory = os.path.abspath(args.dir)
    http = FaultServer(("127.0.0.1", 0), FaultHandler)
    https = FaultServer(("127.0.0.1", 0), FaultHandler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(directory, "server.pem"),
                        os.path.join(directory, "server.key"))
    https.tls_context = ctx
    # mutual TLS: a client certificate issued by the test CA is required
    mtls = FaultServer(("127.0.0.1", 0), FaultHandler)
    mctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    mctx.load_cert_chain(os.path.join(directory, "server.pem"),
                         os.path.join(directory, "server.key"))
    mctx.load_verify_locations(os.path.join(directory, "ca.pem"))
    mctx.verify_mode = ssl.CERT_REQUIRED
    mtls.tls_context = mctx
    control = ControlServer(("127.0.0.1", 0), ControlHandler)
    servers = [http, https, mtls, control]
    control.servers = servers
    threads = [threading.Thread(target=s.serve_forever, daemon=True)
               for s in servers]
    for t in threads:
        t.start()
    state = {
        "pid": os.getpid(),
        "http_port": http.server_address[1],
        "https_port": https.server_address[1],
        "mtls_port": mtls.server_address[1],
        "control_port": control.server_address[1],
        "ca_file": os.path.join(directory, "ca.pem"),
        "ca_path": os.path.join(directory, "capath"),
        "client_cert": os.path.join(directory, "client.pem"),
        "client_key": os.path.join(directory, "client.key"),
    }
    tmp = os.path.join(directory, "state.json.tmp")
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, os.path.join(directory, "state.json"))
    # Bounded life: stop on our own even if nobody calls `stop`.
    timer = threading.Timer(args.lifetime, control.stop_all)
    timer.daemon = True
    timer.start()
    signal.signal(signal.SIGTERM, lambda *_: control.stop_all())
    for t in threads:
        t.join()
    for s in servers:
        s.server_close()
    try:
        os.unlink(os.path.join(directory, "state.json"))
    except OSError:
        pass
    return 0


def run_openssl(directory, *argv):
    subprocess.run(["openssl"] + list(argv), cwd=directory, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(directory):
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes"]
    run_openssl(directory, "req", "-x509", *key, "-keyout", "ca.key",
                "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=libclerk test CA",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run_openssl(directory, "req", *key, "-keyout", "server.key",
                "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(directory, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\n")
    run_openssl(directory, "x509", "-req", "-in", "server.csr",
                "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    run_openssl(directory, "req", *key, "-keyout", "client.key",
                "-out", "client.csr", "-subj", "/CN=libclerk test client")
    with open(os.path.join(directory, "client.ext"), "w") as f:
        f.write("basicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=clientAuth\n")
    run_openssl(directory, "x509", "-req", "-in", "client.csr",
                "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "client.pem", "-days", "2", "-extfile", "client.ext")
    # a hashed CA directory for the ca_path option
    capath = os.path.join(directory, "capath")
    os.makedirs(capath, exist_ok=True)
    with open(os.path.join(directory, "ca.pem"), "rb") as src:
        with open(os.path.join(capath, "ca.pem"), "wb") as dst:
            dst.write(src.read())
    run_openssl(directory, "rehash", capath)


def start(args):
    directory = os.path.abspath(args.dir)
    os.makedirs(directory, exist_ok=True)
    state_path = os.path.join(directory, "state.json")
    if os.path.exists(state_path):
        stop(args)
        try:
            os.unlink(state_path)
        except OSError:
            pass
    make_certs(directory)
    log = open(os.path.join(directory, "server.log"), "ab")
    subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "serve",
         "--dir", directory, "--lifetime", str(args.lifetime)],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log,
        start_new_session=True, close_fds=True)
    deadline = time.time() + 15
    while time.time() < deadline:
        if os.path.exists(state_path):
            print("fault server:", open(state_path).read())
            return 0
        time.sleep(0.05)
    print("fault server did not start; see", directory + "/server.log")
    return 1


def stop(args):
    state_path = os.path.join(os.path.abspath(args.dir), "state.json")
    try:
        with open(state_path) as f:
            state = json.load(f)
    except (OSError, ValueError):
        return 0
    try:
        urllib.request.urlopen(urllib.request.Request(
            "http://127.0.0.1:%d/shutdown" % state["control_port"],
            data=b"", method="POST"), timeout=5).read()
    except OSError:
        pass
    deadline = time.time() + 10
    while time.time() < deadline and os.path.exists(state_path):
        time.sleep(0.05)
    if os.path.exists(state_path):
        try:
            os.kill(int(state["pid"]), signal.SIGTERM)
        except OSError:
            pass
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("command", choices=["start", "stop", "serve"])
    p.add_argument("--dir", required=True)
    p.add_argument("--lifetime", type=float, default=600.0)
    args = p.parse_args()
    return {"start": start, "stop": stop, "serve": serve}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
