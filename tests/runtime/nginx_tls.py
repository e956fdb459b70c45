#!/usr/bin/env python3
"""nginx over TLS for the async tests: HTTP/2 on one port, HTTP/1.1 on another.

Commands:
  nginx_tls.py start --dir DIR --certs CERTDIR [--lifetime S]
      run nginx (Debian package nginx / nginx-light, with the http_v2
      module) in the background under `timeout`, with the certificate the
      fault server made in CERTDIR (server.pem + server.key, issued by
      CERTDIR/ca.pem), and wait until it listens (ctest FIXTURES_SETUP);
  nginx_tls.py stop --dir DIR
      stop it (FIXTURES_CLEANUP).

Two 127.0.0.1 ports, written to DIR/state.json with the access log's path:
  h2_port  TLS with ALPN h2 (HTTP/2, http2_max_concurrent_streams 128);
  h1_port  TLS, HTTP/1.1 only.
Every request is answered 200 {"ok":true,"uri":"<request URI>"}.  The
access log has one line per request: `$server_port $connection
$server_protocol $status $request_uri`, so a test can count the TCP
connections the server accepted ($connection is nginx's serial number).
nginx exits by itself after --lifetime seconds (default 300).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

CONF = """daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    log_format conns '$server_port $connection $server_protocol $status '
                     '$request_uri';
    access_log {dir}/access.log conns;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;

    keepalive_requests 1000000;
    keepalive_timeout 300s;
    http2_max_concurrent_streams 128;
    server_tokens off;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate {certs}/server.pem;
    ssl_certificate_key {certs}/server.key;

    server {{
        listen 127.0.0.1:{h2_port} ssl http2;
        listen 127.0.0.1:{h1_port} ssl;
        server_name localhost;
        location / {{
            default_type application/json;
            return 200 '{{"ok":true,"uri":"$request_uri"}}';
        }}
    }}
}}
"""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def start(args):
    directory = os.path.abspath(args.dir)
    certs = os.path.abspath(args.certs)
    stop(args)
    os.makedirs(directory, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(directory, "tmp", sub), exist_ok=True)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        print("nginx is missing (Debian package nginx-light)")
        return 1
    h2_port = free_port()
    h1_port = free_port()
    while h1_port == h2_port:
        h1_port = free_port()
    conf = os.path.join(directory, "nginx.conf")
    with open(conf, "w") as f:
        f.write(CONF.format(dir=directory, certs=certs, h2_port=h2_port,
                            h1_port=h1_port))
    log = os.path.join(directory, "access.log")
    open(log, "w").close()
    out = open(os.path.join(directory, "nginx.out"), "w")
    # `timeout` ends nginx even when nobody calls `stop`.
    proc = subprocess.Popen(
        ["timeout", "-s", "TERM", "-k", "5", str(int(args.lifetime)), nginx,
         "-p", directory, "-c", conf, "-e",
         os.path.join(directory, "error.log")],
        stdin=subprocess.DEVNULL, stdout=out, stderr=out,
        start_new_session=True, close_fds=True)
    deadline = time.time() + 15
    while not (listening(h2_port) and listening(h1_port)):
        if proc.poll() is not None or time.time() > deadline:
            print("nginx did not start; see %s/error.log" % directory)
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except OSError:
                pass
            return 1
        time.sleep(0.05)
    state = {"pgid": proc.pid, "h2_port": h2_port, "h1_port": h1_port,
             "access_log": log}
    tmp = os.path.join(directory, "state.json.tmp")
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, os.path.join(directory, "state.json"))
    print("nginx:", json.dumps(state))
    return 0


def stop(args):
    path = os.path.join(os.path.abspath(args.dir), "state.json")
    try:
        with open(path) as f:
            state = json.load(f)
    except (OSError, ValueError):
        return 0
    try:
        os.killpg(int(state["pgid"]), signal.SIGTERM)
    except OSError:
        pass
    try:
        os.unlink(path)
    except OSError:
        pass
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("command", choices=["start", "stop"])
    p.add_argument("--dir", required=True)
    p.add_argument("--certs")
    p.add_argument("--lifetime", type=float, default=300.0)
    args = p.parse_args()
    if args.command == "start" and not args.certs:
        p.error("start needs --certs")
    return {"start": start, "stop": stop}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
