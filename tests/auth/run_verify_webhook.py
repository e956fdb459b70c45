#!/usr/bin/env python3
"""Run examples/verify_webhook on webhooks signed now, as Clerk would.

A user.created event around ../shared/realworld/payloads/
user__js-backend-fixture.json is signed at the current time with Python's
hmac module; the example must accept it (headers in argv, body from a file;
headers in the environment, body from stdin) and print the type and the
user id, and must refuse a tampered body, a wrong secret and an old
timestamp with the right reason.

Usage: run_verify_webhook.py EXAMPLE PAYLOAD_DIR WORK_DIR
"""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time

KEY = hashlib.sha256(b"verify_webhook example").digest()[:24]
SECRET = "whsec_" + base64.b64encode(KEY).decode()


def sign(msg_id, timestamp, body, key=KEY):
    content = f"{msg_id}.{timestamp}.".encode() + body
    mac = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


# CLERK_EXAMPLE_WRAPPER: a command line to run the example under (valgrind).
WRAPPER = os.environ.get("CLERK_EXAMPLE_WRAPPER", "").split()


def run(example, args, env_extra, stdin=None):
    env = dict(os.environ, CLERK_WEBHOOK_SECRET=SECRET)
    env.update(env_extra)
    return subprocess.run(WRAPPER + [example] + args, input=stdin, env=env,
                          capture_output=True, timeout=120, check=False)


def expect(name, proc, rc, out=None, err=None):
    stdout = proc.stdout.decode()
    stderr = proc.stderr.decode()
    ok = proc.returncode == rc
    ok = ok and (out is None or out in stdout)
    ok = ok and (err is None or err in stderr)
    # The secret never shows in what the example prints.
    ok = ok and SECRET[6:] not in stdout + stderr
    print(f"{'ok' if ok else 'FAIL'}: {name} (rc {proc.returncode})")
    if not ok:
        print(f"  stdout: {stdout!r}\n  stderr: {stderr!r}")
    return ok


def main():
    example, payloads, work = sys.argv[1:4]
    with open(os.path.join(payloads, "user__js-backend-fixture.json"),
              encoding="utf-8") as f:
        user = json.load(f)
    body = json.dumps({"data": user, "object": "event",
                       "type": "user.created",
                       "timestamp": int(time.time() * 1000)},
                      separators=(",", ":")).encode()
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "verify_webhook_body.json")
    with open(path, "wb") as f:
        f.write(body)
    msg_id = "msg_example_1"
    now = str(int(time.time()))
    sig = sign(msg_id, now, body)
    want = f"type: user.created\nuser: {user['id']}\n"

    results = [
        expect("argv headers, body file",
               run(example, [msg_id, now, sig, path], {}), 0, out=want),
        expect("environment headers, body on stdin",
               run(example, [], {"SVIX_ID": msg_id, "SVIX_TIMESTAMP": now,
                                 "SVIX_SIGNATURE": sig}, stdin=body),
               0, out=want),
        expect("tampered body",
               run(example, [msg_id, now, sig, "-"], {},
                   stdin=body.replace(b"John", b"Jane")),
               1, err="webhook-no-matching-signature"),
        expect("wrong secret",
               run(example, [msg_id, now, sig, path],
                   {"CLERK_WEBHOOK_SECRET":
                    "whsec_" + base64.b64encode(bytes(24)).decode()}),
               1, err="webhook-no-matching-signature"),
        expect("an hour old",
               run(example, [msg_id, str(int(now) - 3600),
                             sign(msg_id, str(int(now) - 3600), body), path],
                   {}),
               1, err="webhook-timestamp-too-old"),
        expect("missing header",
               run(example, [], {"SVIX_ID": msg_id, "SVIX_TIMESTAMP": now},
                   stdin=body),
               1, err="webhook-missing-header"),
    ]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
