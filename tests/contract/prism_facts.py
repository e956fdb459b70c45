#!/usr/bin/env python3
"""Check the Prism behaviour the contract tests rely on.

    prism_facts.py STATE_FILE [--dynamic]

STATE_FILE is written by prism_ctl.py start (line 1: base URL).  Each fact
is one check; the script prints one line per check and exits 1 when any
fails, so an upgrade of Prism or a change of the derived spec that breaks an
assumption shows up here first and not as 249 confusing failures.

Facts (static server):
  1. A request without credentials is answered 401 and the `sl-violations`
     response header lists a violation whose location starts with
     "request" (bearerAuth is enforced).
  2. Request violations are reported in `sl-violations` as a JSON array of
     {location: [...], severity, code, message}; an invalid query value is
     answered 422 when the operation declares 422.
  3. The derived spec validates `claims` (type: object added): POST
     /api_keys with `"claims": 5` and no required field is rejected (400)
     with violations for the body; with a valid body, including
     `"claims": null`, it is accepted.
  4. `Prefer: code=N` returns a declared error status N with a ClerkErrors
     body; an undeclared N gives Prism's own 404 problem document.
  5. A request violation wins over `Prefer: code=N` (the forced-status
     tests therefore also prove that the request was valid).
  6. Paths are served without the /v1 of `servers`: /v1/users is unknown.
Facts (dynamic server, --dynamic):
  7. With a fixed --seed the same request gets the same body twice, so the
     plain and _detailed flavour of an operation see identical data.
"""

import http.client
import json
import sys
import urllib.parse

AUTH = {"Authorization": "Bearer sk_test_contract"}
FAILED = []


def request(base, method, path, headers=None, body=None):
    u = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    hdrs = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=hdrs)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    viol = resp.getheader("sl-violations")
    return resp.status, resp.getheader("content-type"), raw, (
        json.loads(viol) if viol else [])


def request_violations(viols):
    return [v for v in viols if v.get("location", [""])[0] == "request"]


def check(name, cond, detail=""):
    print("%s: %s%s" % ("ok  " if cond else "FAIL", name,
                        "" if cond else " -- " + detail))
    if not cond:
        FAILED.append(name)


def static_facts(base):
    st, _, _, v = request(base, "GET", "/users?limit=2")
    check("1 missing credentials: 401 + request violation",
          st == 401 and request_violations(v), "status %d %r" % (st, v))

    st, _, _, v = request(base, "GET", "/users?limit=abc", AUTH)
    rv = request_violations(v)
    check("2 invalid query: 422 + violation at request.query.limit",
          st == 422 and rv and rv[0]["location"] == ["request", "query",
                                                      "limit"],
          "status %d %r" % (st, v))

    st, _, _, v = request(base, "POST", "/api_keys", AUTH, {"claims": 5})
    locs = [tuple(x["location"]) for x in request_violations(v)]
    check("3a api_keys claims validated (derived spec)",
          st == 400 and ("request", "body", "claims") in locs,
          "status %d %r" % (st, v))
    good = {"name": "contract key", "subject": "user_" + "a" * 27,
            "claims": None}
    st, _, _, v = request(base, "POST", "/api_keys", AUTH, good)
    check("3b api_keys valid body with claims null accepted",
          st == 200 and not request_violations(v), "status %d %r" % (st, v))

    st, _, raw, v = request(base, "GET", "/users/user_123",
                            dict(AUTH, Prefer="code=404"))
    body = json.loads(raw)
    check("4a Prefer code=404 (declared): 404 ClerkErrors body",
          st == 404 and isinstance(body.get("errors"), list),
          "status %d %r" % (st, raw[:200]))
    st, ctype, raw, v = request(base, "GET", "/users/user_123",
                                dict(AUTH, Prefer="code=418"))
    check("4b Prefer code=418 (undeclared): Prism's 404 problem+json",
          st == 404 and "problem+json" in (ctype or "")
          and b"not defined in the document" in raw,
          "status %d %s %r" % (st, ctype, raw[:200]))

    st, _, _, v = request(base, "GET", "/users?limit=abc",
                          dict(AUTH, Prefer="code=400"))
    check("5 request violation wins over Prefer code=400",
          st == 422 and request_violations(v), "status %d %r" % (st, v))

    st, ctype, raw, v = request(base, "GET", "/v1/users", AUTH)
    check("6 /v1 prefix is not served", st == 404 and b"NO_PATH_MATCHED"
          in raw, "status %d %r" % (st, raw[:200]))


def dynamic_facts(base):
    a = request(base, "GET", "/users/user_123", AUTH)
    b = request(base, "GET", "/users/user_123", AUTH)
    check("7 fixed seed: same request, same body",
          a[0] == 200 and a[2] == b[2], "status %d" % a[0])


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], "r", encoding="utf-8") as f:
        base = f.readline().strip()
    if "--dynamic" in argv[2:]:
        dynamic_facts(base)
    else:
        static_facts(base)
    print("%d facts failed" % len(FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
