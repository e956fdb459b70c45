#!/usr/bin/env python3
"""Mint session-token test cases with the openssl CLI (never with libclerk).

  mint_tokens.py OUT_DIR

Writes OUT_DIR/cases.json: keys (PEM texts and a JWKS) and one case per
rejection reason and edge, each with the token, the key source, the
verification options and the expected status and reason.  Keys are fresh
for every run; signatures come from `openssl dgst -sign`, HMAC from Python's
hmac module (for the HS256 key-confusion case).
"""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys

NOW = 1767225600  # 2026-01-01T00:00:00Z, the verifier's clock in every case
ISS = "https://clerk.example.test"
AZP = "https://app.example.test"


def run(*args, data=None):
    return subprocess.run(args, input=data, check=True, capture_output=True).stdout


def b64u(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def seg(obj):
    if isinstance(obj, (bytes, str)):
        raw = obj.encode() if isinstance(obj, str) else obj
    else:
        raw = json.dumps(obj, separators=(",", ":")).encode()
    return b64u(raw)


class Key:
    def __init__(self, out, name, kind="rsa", bits=2048):
        self.path = os.path.join(out, name + ".key")
        if kind == "rsa":
            run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                "rsa_keygen_bits:%d" % bits, "-out", self.path)
        else:
            run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-out", self.path)
        self.pem = run("openssl", "pkey", "-in", self.path, "-pubout").decode()
        self.private_pem = open(self.path).read()
        if kind == "rsa":
            mod = run("openssl", "rsa", "-in", self.path, "-noout", "-modulus")
            n = bytes.fromhex(mod.decode().strip().split("=", 1)[1])
            self.pkcs1_pem = run("openssl", "rsa", "-in", self.path,
                                 "-RSAPublicKey_out").decode()
            self.n = b64u(n.lstrip(b"\0"))
            self.e = "AQAB"

    def jwk(self, kid, **extra):
        d = {"kty": "RSA", "kid": kid, "use": "sig", "n": self.n, "e": self.e}
        d.update(extra)
        return d

    def sign(self, data, digest="sha256", pss=False):
        args = ["openssl", "dgst", "-" + digest, "-sign", self.path]
        if pss:
            args += ["-sigopt", "rsa_padding_mode:pss", "-sigopt",
                     "rsa_pss_saltlen:digest"]
        return run(*args, data=data)


def claims(**over):
    c = {"azp": AZP, "exp": NOW + 60, "iat": NOW - 10, "iss": ISS,
         "nbf": NOW - 20, "sid": "sess_2abc", "sub": "user_2abc"}
    for k, v in over.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


def header(**over):
    h = {"alg": "RS256", "kid": "ins_main", "typ": "JWT"}
    for k, v in over.items():
        if v is None:
            h.pop(k, None)
        else:
            h[k] = v
    return h


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    main_key = Key(out, "main")
    other = Key(out, "other")
    small = Key(out, "small", bits=1024)
    ec = Key(out, "ec", kind="ec")

    jwks = {"keys": [
        main_key.jwk("ins_main"),
        other.jwk("ins_rs384_only", alg="RS384"),
        {"kty": "EC", "kid": "ins_ec", "crv": "P-256", "x": "AA", "y": "AA"},
    ]}
    cases = []

    def token(h=None, c=None, key=main_key, digest=None, raw_header=None,
              raw_payload=None):
        h = header() if h is None else h
        c = claims() if c is None else c
        hs = seg(raw_header) if raw_header is not None else seg(h)
        ps = seg(raw_payload) if raw_payload is not None else seg(c)
        signing_input = (hs + "." + ps).encode()
        alg = h.get("alg", "RS256") if isinstance(h, dict) else "RS256"
        dig = digest or {"RS256": "sha256", "RS384": "sha384",
                         "RS512": "sha512"}.get(alg, "sha256")
        return hs + "." + ps + "." + b64u(key.sign(signing_input, dig))

    def add(name, tok, reason, status="unauthorized", source="pem", **opts):
        case = {"name": name, "token": tok, "source": source,
                "expect_reason": reason, "expect_status": status}
        case.update(opts)
        cases.append(case)

    valid = token()
    # Accepted, with every source and algorithm.
    add("valid_pem", valid, "ok", "ok", claims=claims())
    add("valid_jwks", valid, "ok", "ok", source="jwks")
    add("valid_keys", valid, "ok", "ok", source="keys")
    add("valid_pkcs1_pem", valid, "ok", "ok", source="pkcs1")
    add("valid_rs384", token(header(alg="RS384")), "ok", "ok")
    add("valid_rs512", token(header(alg="RS512")), "ok", "ok", source="jwks")
    add("valid_no_typ", token(header(typ=None)), "ok", "ok")
    add("valid_no_kid_pem", token(header(kid=None)), "ok", "ok")
    add("valid_parties", valid, "ok", "ok", authorized_parties=[AZP, "x"])
    add("valid_issuer_exact", valid, "ok", "ok", issuer=ISS)
    add("valid_aud_array", token(c=claims(aud=["a", "b"])), "ok", "ok",
        audiences=["b"])
    add("valid_aud_not_checked", token(c=claims(aud="a")), "ok", "ok")
    add("valid_no_azp_no_parties", token(c=claims(azp=None)), "ok", "ok")
    v2 = claims(v=2, fea="o:billing,u:beta,o:reports",
                o={"id": "org_1", "slg": "acme", "rol": "admin",
                   "per": "read,manage", "fpm": "3,1"},
                fva=[5, -1], sts="active", act={"sub": "user_admin"})
    add("valid_v2_claims", token(c=v2), "ok", "ok", claims=v2,
        expect_org={"id": "org_1", "slug": "acme", "role": "org:admin",
                    "permissions": ["org:billing:read", "org:billing:manage",
                                    "org:reports:read"]},
        expect_fva=[5, -1])
    # fva out of int64 range (a fuzz finding: converted before checked):
    # accepted, factor age not set.
    add("fva_huge", token(c=claims(fva=[-1e51, 1e300])), "ok", "ok",
        expect_no_fva=True)
    add("fva_fraction", token(c=claims(fva=[1.5, 2])), "ok", "ok",
        expect_no_fva=True)
    v1 = claims(org_id="org_9", org_slug="s", org_role="org:member",
                org_permissions=["org:a:b"])
    add("valid_v1_org", token(c=v1), "ok", "ok",
        expect_org={"id": "org_9", "slug": "s", "role": "org:member",
                    "permissions": ["org:a:b"]})

    # Time claims at and beyond the 5 s skew edges (and with no skew).
    add("exp_edge_valid", token(c=claims(exp=NOW - 4)), "ok", "ok")
    add("exp_edge_expired", token(c=claims(exp=NOW - 5)), "token-expired")
    add("exp_now_no_skew", token(c=claims(exp=NOW)), "token-expired",
        skew="none")
    add("exp_plus1_no_skew", token(c=claims(exp=NOW + 1)), "ok", "ok",
        skew="none")
    add("exp_custom_skew", token(c=claims(exp=NOW - 30)), "ok", "ok",
        skew=31000)
    add("nbf_edge_valid", token(c=claims(nbf=NOW + 5)), "ok", "ok")
    add("nbf_edge_future", token(c=claims(nbf=NOW + 6)), "token-not-active-yet")
    add("nbf_no_skew", token(c=claims(nbf=NOW + 1)), "token-not-active-yet",
        skew="none")
    add("iat_edge_valid", token(c=claims(iat=NOW + 5)), "ok", "ok")
    add("iat_future", token(c=claims(iat=NOW + 6)), "token-iat-in-the-future")
    add("exp_missing", token(c=claims(exp=None)), "token-verification-failed")
    add("exp_string", token(c=claims(exp=str(NOW + 60))),
        "token-verification-failed")
    add("exp_fraction", token(c=claims(exp=NOW + 60.5)),
        "token-verification-failed")
    add("nbf_string", token(c=claims(nbf="0")), "token-verification-failed")

    # Parties, audience, subject, issuer.
    add("azp_wrong", valid, "token-invalid-authorized-parties",
        authorized_parties=["https://other.test"])
    add("azp_missing", token(c=claims(azp=None)),
        "token-invalid-authorized-parties", authorized_parties=[AZP])
    add("aud_wrong", token(c=claims(aud="a")), "token-verification-failed",
        audiences=["b"])
    add("aud_bad_type", token(c=claims(aud=7)), "token-verification-failed",
        audiences=["b"])
    add("sub_missing", token(c=claims(sub=None)), "token-verification-failed")
    add("sub_number", token(c=claims(sub=5)), "token-verification-failed")
    add("iss_http", token(c=claims(iss="http://clerk.example.test")),
        "token-invalid-issuer")
    add("iss_missing", token(c=claims(iss=None)), "token-invalid-issuer")
    add("iss_other", valid, "token-invalid-issuer",
        issuer="https://clerk.other.test")

    # Algorithms and key confusion.
    hs_input = (seg(header(alg="HS256")) + "." + seg(claims())).encode()
    hs = hmac.new(main_key.pem.encode(), hs_input, hashlib.sha256).digest()
    add("alg_hs256_pem_secret", hs_input.decode() + "." + b64u(hs),
        "token-invalid-algorithm")
    add("alg_none", seg(header(alg="none")) + "." + seg(claims()) + ".",
        "token-invalid-algorithm")
    add("alg_missing", token(header(alg=None)), "token-invalid-algorithm")
    ps_input = (seg(header(alg="PS256")) + "." + seg(claims())).encode()
    add("alg_ps256", ps_input.decode() + "." +
        b64u(main_key.sign(ps_input, "sha256", pss=True)),
        "token-invalid-algorithm")
    es_input = (seg(header(alg="ES256", kid="ins_ec")) + "." +
                seg(claims())).encode()
    add("alg_es256", es_input.decode() + "." + b64u(ec.sign(es_input)),
        "token-invalid-algorithm", source="jwks")
    add("alg_rs256_on_ec_kid",
        token(header(kid="ins_ec")), "token-invalid-algorithm", source="jwks")
    add("alg_not_allowed_by_options", valid, "token-invalid-algorithm",
        algorithms=["RS512"])
    add("alg_rs256_on_rs384_jwk",
        token(header(kid="ins_rs384_only"), key=other),
        "token-invalid-algorithm", source="jwks")
    add("alg_rs384_jwk_ok", token(header(alg="RS384", kid="ins_rs384_only"),
                                  key=other), "ok", "ok", source="jwks")
    add("rs256_signed_as_rs512", token(header(alg="RS512"), digest="sha256"),
        "token-invalid-signature")

    # Keys and kids.
    add("kid_unknown", token(header(kid="ins_nope")), "jwk-kid-mismatch",
        source="jwks")
    add("kid_missing_jwks", token(header(kid=None)), "jwk-kid-mismatch",
        source="jwks")
    add("kid_number", token(header(kid=7)), "jwk-kid-mismatch", source="jwks")
    add("wrong_key", token(key=other), "token-invalid-signature")

    # One tampered byte in each segment.
    h, p, s = valid.split(".")
    h2 = seg(header(kid="ins_main", typ="JWT", x=1))
    add("tamper_header", h2 + "." + p + "." + s, "token-invalid-signature")
    p2 = seg(claims(sub="user_2abd"))
    add("tamper_payload", h + "." + p2 + "." + s, "token-invalid-signature")
    sig = bytearray(base64.urlsafe_b64decode(s + "=="))
    sig[len(sig) // 2] ^= 1
    add("tamper_signature", h + "." + p + "." + b64u(bytes(sig)),
        "token-invalid-signature")
    add("signature_truncated", h + "." + p + "." + b64u(bytes(sig[:-1])),
        "token-invalid-signature")
    add("signature_empty", h + "." + p + ".", "token-invalid-signature")

    # Form.
    add("two_segments", h + "." + p, "token-invalid")
    add("four_segments", valid + "." + s, "token-invalid")
    add("empty", "", "token-invalid")
    add("dots_only", "..", "token-invalid")
    add("padding", h + "." + p + "." + s + "==", "token-invalid")
    add("plus_slash", h + "." + p + "." + s.replace("-", "+").replace("_", "/")
        if ("-" in s or "_" in s) else h + "+." + p + "." + s, "token-invalid")
    # A 256-byte signature leaves 4 spare bits in its last digit; "B" and
    # "C" set one of them, so the text is not canonical base64url.
    add("noncanonical_tail", h + "." + p + "." + s[:-1] +
        ("C" if s[-1] == "B" else "B"), "token-invalid")
    add("whitespace", h + ". " + p + "." + s, "token-invalid")
    add("huge_100k", token(c=claims(pad="x" * 100000)), "token-invalid")
    add("header_not_json", token(raw_header="not json"), "token-invalid")
    add("header_array", token(raw_header="[1,2]"), "token-invalid")
    add("payload_not_json", token(raw_payload="{\"sub\":"), "token-invalid")
    add("payload_trailing", token(raw_payload=json.dumps(claims()) + " x"),
        "token-invalid")
    dup = json.dumps(claims())[:-1] + ',"sub":"user_evil"}'
    add("payload_duplicate_key", token(raw_payload=dup), "token-invalid")
    duph = '{"alg":"RS256","kid":"ins_main","alg":"none"}'
    add("header_duplicate_key", token(raw_header=duph), "token-invalid")
    add("payload_bad_utf8", token(raw_payload=b'{"sub":"\xff","exp":1}'),
        "token-invalid")
    add("payload_nul_escape", token(raw_payload=json.dumps(
        claims(sub="user_1\u0000admin"))), "token-invalid")
    add("typ_at_jwt", token(header(typ="at+jwt")), "token-invalid")
    add("typ_number", token(header(typ=1)), "token-invalid")
    add("cat_m2m", token(header(cat="cl_B7d4PD333AAA")), "token-invalid")
    add("cat_session_ok", token(header(cat="cl_B7d4PD111AAA")), "ok", "ok")
    add("crit", token(header(crit=["exp"])), "token-invalid")

    # Bad keys and options: invalid arguments, never a verdict on the token.
    add("pem_small_key", valid, "jwk-local-missing", "invalid_arg",
        source="pem_small")
    add("pem_private_key", valid, "jwk-local-missing", "invalid_arg",
        source="pem_private")
    add("pem_garbage", valid, "jwk-local-missing", "invalid_arg",
        source="pem_garbage")
    add("jwks_garbage", valid, "jwk-remote-invalid", "invalid_arg",
        source="jwks_garbage")
    add("jwks_no_rsa", valid, "jwk-remote-missing", "invalid_arg",
        source="jwks_no_rsa")
    add("no_source", valid, "jwk-failed-to-resolve", "invalid_arg",
        source="none")
    add("two_sources", valid, "jwk-failed-to-resolve", "invalid_arg",
        source="pem+jwks")
    add("negative_skew", valid, "unexpected-error", "invalid_arg", skew=-5)
    add("skew_above_max", valid, "unexpected-error", "invalid_arg",
        skew=86400001)
    add("skew_max_ok", token(c=claims(exp=NOW - 86000)), "ok", "ok",
        skew=86400000)
    add("now_negative", valid, "unexpected-error", "invalid_arg", now=-1)
    add("now_beyond_2p53_ms", valid, "unexpected-error", "invalid_arg",
        now=9007199254741)

    # For examples/verify_token, which reads the real clock.
    import time
    live_now = int(time.time())
    live = token(c=claims(exp=live_now + 3600, iat=live_now - 10,
                          nbf=live_now - 20))
    with open(os.path.join(out, "live_token.txt"), "w") as f:
        f.write(live)
    with open(os.path.join(out, "main.pub.pem"), "w") as f:
        f.write(main_key.pem)

    doc = {
        "now": NOW,
        "pem": main_key.pem,
        "pkcs1_pem": main_key.pkcs1_pem,
        "small_pem": small.pem,
        "private_pem": main_key.private_pem,
        "jwks": json.dumps(jwks),
        "jwks_no_rsa": json.dumps({"keys": [jwks["keys"][2]]}),
        "cases": cases,
    }
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(doc, f, indent=1)
    print("mint_tokens: %d cases in %s" % (len(cases), out))


if __name__ == "__main__":
    main()
