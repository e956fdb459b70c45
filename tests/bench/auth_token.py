#!/usr/bin/python3
"""Mint the session token of the authentication benchmark.

    auth_token.py OUT_DIR

makes, with the openssl CLI, a fresh 2048-bit RSA key and an RS256 token
shaped like a Clerk session token (version 2 claims with an active
organization), and writes to OUT_DIR:

    jwt_key.pem   the public key (SubjectPublicKeyInfo PEM, what users keep
                  in CLERK_JWT_KEY)
    private.pem   the private key (only used here, to sign)
    token.jwt     the token, on one line
    token.json    {"now": ..., "azp": ..., "iat": ..., "exp": ..., "bytes": ...}

The token is valid for a year from now: @clerk/backend reads the system
clock, so a long validity lets every contender check exp, nbf and iat
against its own clock and accept; the C contenders pass "now" (iat + 30 s)
explicitly.  Only the Python standard library and openssl are used.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import time

AZP = "https://app.example.com"
ISS = "https://clerk.example.com"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def openssl(*args, data=None):
    ossl = shutil.which("openssl")
    if not ossl:
        raise RuntimeError("openssl not found")
    res = subprocess.run([ossl] + list(args), input=data,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (
            args[0], res.stderr.decode("utf-8", "replace").strip()))
    return res.stdout


def mint(out_dir, iat=None):
    """Writes the key and the token into out_dir; returns token.json's
    dict."""
    os.makedirs(out_dir, exist_ok=True)
    priv = os.path.join(out_dir, "private.pem")
    pub = os.path.join(out_dir, "jwt_key.pem")
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt",
            "rsa_keygen_bits:2048", "-out", priv)
    openssl("pkey", "-in", priv, "-pubout", "-out", pub)

    iat = int(time.time()) if iat is None else iat
    exp = iat + 365 * 24 * 3600
    header = {"alg": "RS256", "kid": "ins_2bNchQ4gQ7WxTe9Bv3JHk5RmA1s",
              "typ": "JWT"}
    # A version 2 session token of a user with an active organization, as
    # Clerk issues them (claim names and value shapes of Clerk's docs).
    payload = {
        "azp": AZP,
        "exp": exp,
        "fea": "o:articles,o:billing",
        "fva": [7, -1],
        "iat": iat,
        "iss": ISS,
        "nbf": iat - 10,
        "o": {"fpm": "3,1", "id": "org_2bNcj8Yt3RZs0Kq6wVhD4pLm9Xe",
              "per": "read,manage", "rol": "admin", "slg": "acme"},
        "sid": "sess_2bNcmF7uQw3YhR1tZk8VxJ0pLd5",
        "sts": "active",
        "sub": "user_2bNckTq9Lx4Vw7Rz1Hs6Yd3Mp0F",
        "v": 2,
    }
    signing_input = (b64url(compact(header)) + "." +
                     b64url(compact(payload))).encode("ascii")
    sig = openssl("dgst", "-sha256", "-sign", priv, "-binary",
                  data=signing_input)
    if len(sig) != 256:
        raise RuntimeError("unexpected signature length %d" % len(sig))
    token = signing_input.decode("ascii") + "." + b64url(sig)
    with open(os.path.join(out_dir, "token.jwt"), "w") as f:
        f.write(token + "\n")
    meta = {"now": iat + 30, "azp": AZP, "iss": ISS, "iat": iat,
            "exp": exp, "bytes": len(token)}
    with open(os.path.join(out_dir, "token.json"), "w") as f:
        json.dump(meta, f)
        f.write("\n")
    return meta


def main(argv):
    if len(argv) != 1:
        sys.stderr.write("usage: auth_token.py OUT_DIR\n")
        return 2
    meta = mint(argv[0])
    print(json.dumps(meta))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
