#!/usr/bin/env python3
"""Send every operation's sample request (contract_samples.py) to Prism.

    check_samples.py SPEC STATE_FILE [--verbose]

SPEC is the derived copy Prism serves; STATE_FILE comes from
prism_ctl.py start.  The requests are built here in Python, independently
of libclerk, so this test proves that the samples the C contract tests use
are valid requests: when a C test then reports a request violation, the
library is to blame, not the sample.  Prints one line per failing operation
and a summary `N passed, N failed`.
"""

import http.client
import json
import sys
import urllib.parse

import yaml

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import contract_samples as cs  # noqa: E402


def quote(v):
    return urllib.parse.quote(v, safe="-._~")


def qvalue(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def encode_query(query):
    parts = []
    for k, v in query.items():
        for item in (v if isinstance(v, list) else [v]):
            parts.append(quote(k) + "=" + quote(qvalue(item)))
    return "&".join(parts)


def multipart(fields, files):
    boundary = "----clerkcontractboundary"
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                "%s\r\n" % (boundary, k, v)).encode()
    for k, (fname, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                "filename=\"%s\"\r\nContent-Type: image/png\r\n\r\n"
                % (boundary, k, fname)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return "multipart/form-data; boundary=" + boundary, out


def main(argv):
    with open(argv[1], "r", encoding="utf-8") as f:
        spec = cs.Spec(yaml.safe_load(f))
    with open(argv[2], "r", encoding="utf-8") as f:
        base = urllib.parse.urlparse(f.readline().strip())
    verbose = "--verbose" in argv
    passed = failed = 0
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    for path, method, op, item in spec.operations():
        s = cs.op_sample(spec, path, method, op, item)
        url = path
        for name, val in zip(__import__("re").findall(r"{([^}]+)}", path),
                             s["path_args"]):
            url = url.replace("{" + name + "}", quote(val))
        if s["query"]:
            url += "?" + encode_query(s["query"])
        headers = {"Authorization": "Bearer sk_test_contract"}
        data = None
        if s["body_kind"] == "json":
            headers["Content-Type"] = "application/json"
            data = json.dumps(s["body"]).encode()
        elif s["body_kind"] == "multipart":
            headers["Content-Type"], data = multipart(s["body"], s["files"])
        conn.request(method.upper(), url, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        viol = json.loads(resp.getheader("sl-violations") or "[]")
        req_viol = [v for v in viol if v["location"][0] == "request"]
        want = min(int(c) for c in op["responses"] if c.startswith("2"))
        if req_viol or resp.status != want:
            failed += 1
            print("FAIL %s %s %s: status %d, %s" % (
                op["operationId"], method.upper(), url, resp.status,
                json.dumps(req_viol)))
            if verbose:
                print("     body: %s" % (data[:600] if data else b""))
        else:
            passed += 1
    conn.close()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
