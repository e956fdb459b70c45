#!/usr/bin/env python3
"""Mint the keys and session tokens of the network-side auth tests.

Usage: mint_net_tokens.py OUT.json

Everything cryptographic is done by the openssl CLI (key generation, the
public key in PEM, the modulus and exponent for the JWKS, RS256 signatures
with `openssl dgst -sha256 -sign`); this script only arranges bytes, so the
tests never trust libclerk to make what it checks.  Standard library only.

OUT.json holds (all strings unless noted):
  now          number: the Unix time the tests verify at; the tokens are
               valid from now - 10 s to now + 1 day
  issuer, subject, session_id, azp   the claims of the tokens
  pem_a        public key A (SubjectPublicKeyInfo PEM)
  jwks_a       a JWKS document holding key A (kid "kid-a")
  jwks_ab      a JWKS document holding keys A and B (kid "kid-b")
  token_a      RS256 token signed with key A, kid "kid-a"
  token_b      RS256 token signed with key B, kid "kid-b"
"""

import base64
import json
import os
import re
import subprocess
import sys
import tempfile

NOW = 1767225600  # 2026-01-01T00:00:00Z; the tests pass it as options.now
ISSUER = "https://clerk.authnet.example.com"
SUBJECT = "user_2authnetTestSubject000000001"
SESSION_ID = "sess_2authnetTestSession00000001"
AZP = "https://app.authnet.example.com"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def openssl(workdir, *args, data=None):
    return subprocess.run(
        ["openssl"] + list(args), cwd=workdir, input=data, check=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout


def new_key(workdir, name):
    openssl(workdir, "genpkey", "-algorithm", "RSA",
            "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".key")
    pem = openssl(workdir, "pkey", "-in", name + ".key", "-pubout")
    modulus = openssl(workdir, "rsa", "-in", name + ".key", "-noout",
                      "-modulus").decode("ascii").strip()
    text = openssl(workdir, "rsa", "-in", name + ".key", "-noout",
                   "-text").decode("ascii")
    n_hex = modulus.split("=", 1)[1]
    exp = int(re.search(r"publicExponent: (\d+)", text).group(1))
    n = bytes.fromhex(n_hex)
    e = exp.to_bytes((exp.bit_length() + 7) // 8, "big")
    return {"path": name + ".key", "pem": pem.decode("ascii"),
            "n": b64url(n), "e": b64url(e)}


def jwk(key, kid):
    return {"use": "sig", "kty": "RSA", "kid": kid, "alg": "RS256",
            "n": key["n"], "e": key["e"]}


def sign(workdir, key, kid, payload):
    header = {"alg": "RS256", "kid": kid, "typ": "JWT"}
    signing_input = (b64url(json.dumps(header, separators=(",", ":"))
                            .encode("utf-8")) + "." +
                     b64url(json.dumps(payload, separators=(",", ":"))
                            .encode("utf-8")))
    sig = openssl(workdir, "dgst", "-sha256", "-sign", key["path"],
                  data=signing_input.encode("ascii"))
    return signing_input + "." + b64url(sig)


def main():
    if len(sys.argv) != 2:
        print(__doc__.split("\n")[2], file=sys.stderr)
        return 2
    out = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="authnet-") as workdir:
        a = new_key(workdir, "a")
        b = new_key(workdir, "b")
        payload = {"azp": AZP, "exp": NOW + 86400, "iat": NOW - 10,
                   "iss": ISSUER, "nbf": NOW - 10, "sid": SESSION_ID,
                   "sub": SUBJECT}
        doc = {
            "now": NOW,
            "issuer": ISSUER,
            "subject": SUBJECT,
            "session_id": SESSION_ID,
            "azp": AZP,
            "pem_a": a["pem"],
            "jwks_a": json.dumps({"keys": [jwk(a, "kid-a")]}),
            "jwks_ab": json.dumps({"keys": [jwk(a, "kid-a"),
                                            jwk(b, "kid-b")]}),
            "token_a": sign(workdir, a, "kid-a", payload),
            "token_b": sign(workdir, b, "kid-b", payload),
        }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
