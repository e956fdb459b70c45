#!/usr/bin/env python3
"""Signed Clerk webhook events for tests/auth/test_webhook.c.

Builds event envelopes around the real-world payloads of
../shared/realworld/payloads and signs them with Python's hmac module, so
the C tests check libclerk against an independent HMAC-SHA256 and base64
rather than against its own code.

Usage: gen_webhook_events.py PAYLOAD_DIR OUT_JSON

Output: {"cases": [{"name", "secret", "id", "timestamp", "signature",
"body", "now", ...expectations}]}; bodies are exact strings.
"""
import base64
import hashlib
import hmac
import json
import sys

TIMESTAMP = 1700000000
# 24 bytes, the size of Clerk's (Svix's) secrets: "whsec_" + 32 characters.
KEY = bytes(range(1, 25))
SECRET = "whsec_" + base64.b64encode(KEY).decode()
# 32 bytes: base64 with one '=' of padding, given with and without it.
KEY32 = hashlib.sha256(b"libclerk webhook test key").digest()
# 64 bytes: the largest secret Standard Webhooks allows.
KEY64 = hashlib.sha512(b"libclerk webhook test key").digest()
OLD_KEY = bytes(range(101, 125))


def signature(key, msg_id, timestamp, body):
    content = f"{msg_id}.{timestamp}.".encode() + body.encode()
    mac = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def envelope(event_type, data, **extra):
    env = {"data": data, "object": "event", "type": event_type}
    env.update(extra)
    return compact(env)


def main():
    payloads, out_path = sys.argv[1], sys.argv[2]

    def load(name):
        with open(f"{payloads}/{name}", encoding="utf-8") as f:
            return json.load(f)

    user = load("user__js-backend-fixture.json")
    deleted_user = load("deleted_object__ruby-user_1_deleted.json")
    membership = load("organization_membership__docs-gitbook.json")
    organization = load("organization__go-v1-dummyOrganizationJson.json")
    session = load("session__js-backend-core-getSession.json")
    invitation = load("organization_invitation__docs-gitbook.json")

    attrs = {"http_request": {"client_ip": "192.0.2.1",
                              "user_agent": "Mozilla/5.0"}}
    events = [
        # name, body, expectations
        ("user_created",
         envelope("user.created", user, timestamp=1654012591835,
                  instance_id="ins_2bGQNgtRCJDsfZ1Gm1tcVz8dpS0",
                  event_attributes=attrs),
         {"kind": "user", "data_id": user["id"],
          "event_timestamp": 1654012591835,
          "instance_id": "ins_2bGQNgtRCJDsfZ1Gm1tcVz8dpS0"}),
        ("user_deleted",
         envelope("user.deleted", deleted_user, timestamp=1654012824306),
         {"kind": "deleted", "data_id": deleted_user["id"]}),
        ("organization_created",
         envelope("organization.created", organization),
         {"kind": "organization", "data_id": organization["id"]}),
        ("organization_deleted",
         envelope("organization.deleted",
                  {"deleted": True, "id": "org_2bGQNgtRCJDsfZ1Gm1tcVz8dpS0",
                   "object": "organization"}),
         {"kind": "deleted", "data_id": "org_2bGQNgtRCJDsfZ1Gm1tcVz8dpS0"}),
        # Only *.deleted events are DeletedObjects, whatever their data.
        ("deleted_member_on_update",
         envelope("organization.updated", dict(organization, deleted=False)),
         {"kind": "organization", "data_id": organization["id"]}),
        ("organization_membership_deleted",
         envelope("organizationMembership.deleted", membership),
         {"kind": "organization_membership", "data_id": membership["id"]}),
        ("organization_invitation_accepted",
         envelope("organizationInvitation.accepted", invitation),
         {"kind": "organization_invitation", "data_id": invitation["id"]}),
        ("session_created",
         envelope("session.created", session),
         {"kind": "session", "data_id": session["id"]}),
        ("email_created",
         envelope("email.created",
                  {"object": "email", "id": "ema_2bGQNgtRCJDsfZ1Gm1tcVz8dpS0",
                   "slug": "verification_code",
                   "to_email_address": "john.doe@clerk.test"}),
         {"kind": "json", "data_id": "ema_2bGQNgtRCJDsfZ1Gm1tcVz8dpS0"}),
        ("unknown_type",
         envelope("spaceship.launched", {"id": "ship_1", "crew": 3}),
         {"kind": "json", "data_id": "ship_1"}),
        ("type_without_dot",
         envelope("ping", {"id": "ping_1"}),
         {"kind": "json", "data_id": "ping_1"}),
        # Known type, data of the wrong shape: kind kept, typed data NULL.
        ("user_updated_bad_data",
         envelope("user.updated", {"object": "user", "id": 5}),
         {"kind": "user", "typed": False}),
        # Only whitespace may follow the JSON value.
        ("trailing_whitespace",
         envelope("user.deleted", deleted_user) + " \r\n\t",
         {"kind": "deleted", "data_id": deleted_user["id"]}),
        # Signed, but not a Clerk event.
        ("not_json", "this is not JSON", {"invalid": True}),
        ("empty_body", "", {"invalid": True}),
        ("trailing_garbage", envelope("ping", {}) + " x", {"invalid": True}),
        ("array_body", "[1,2,3]", {"invalid": True}),
        ("missing_type", compact({"data": {}, "object": "event"}),
         {"invalid": True}),
        ("empty_type", compact({"data": {}, "type": ""}), {"invalid": True}),
        ("type_not_string", compact({"data": {}, "type": 7}),
         {"invalid": True}),
        ("missing_data", compact({"object": "event", "type": "user.created"}),
         {"invalid": True}),
        ("data_not_object", compact({"data": [user], "type": "user.created"}),
         {"invalid": True}),
        ("object_not_string", compact({"data": {}, "type": "a.b",
                                       "object": 1}), {"invalid": True}),
        ("instance_id_not_string", compact({"data": {}, "type": "a.b",
                                            "instance_id": {}}),
         {"invalid": True}),
        ("timestamp_fraction", compact({"data": {}, "type": "a.b",
                                        "timestamp": 1.5}), {"invalid": True}),
        ("timestamp_string", compact({"data": {}, "type": "a.b",
                                      "timestamp": "1654012591835"}),
         {"invalid": True}),
        ("timestamp_beyond_2_53", compact({"data": {}, "type": "a.b",
                                           "timestamp": 2 ** 53 * 4}),
         {"invalid": True}),
        ("nulls_are_absent", compact({"data": {}, "type": "a.b",
                                      "object": None, "instance_id": None,
                                      "timestamp": None}),
         {"kind": "json"}),
    ]

    cases = []
    for name, body, expect in events:
        msg_id = f"msg_{name}"
        case = {"name": name, "secret": SECRET, "id": msg_id,
                "timestamp": str(TIMESTAMP), "now": TIMESTAMP,
                "signature": signature(KEY, msg_id, TIMESTAMP, body),
                "body": body}
        case.update(expect)
        cases.append(case)

    body = envelope("user.deleted", deleted_user)
    msg_id = "msg_secret_forms"
    b64_32 = base64.b64encode(KEY32).decode()
    assert b64_32.endswith("=") and not b64_32.endswith("==")
    for name, secret, key in (
            ("secret_32_padded", "whsec_" + b64_32, KEY32),
            ("secret_32_unpadded", "whsec_" + b64_32.rstrip("="), KEY32),
            ("secret_32_no_prefix", b64_32, KEY32),
            ("secret_64", "whsec_" + base64.b64encode(KEY64).decode(), KEY64)):
        cases.append({"name": name, "secret": secret, "id": msg_id,
                      "timestamp": str(TIMESTAMP), "now": TIMESTAMP,
                      "signature": signature(key, msg_id, TIMESTAMP, body),
                      "body": body, "kind": "deleted",
                      "data_id": deleted_user["id"]})

    # Secret rotation: Svix signs with the old and the new secret.
    body = envelope("user.created", user)
    msg_id = "msg_rotation"
    both = (signature(OLD_KEY, msg_id, TIMESTAMP, body) + " " +
            signature(KEY, msg_id, TIMESTAMP, body))
    cases.append({"name": "rotation", "secret": SECRET, "id": msg_id,
                  "timestamp": str(TIMESTAMP), "now": TIMESTAMP,
                  "signature": both, "body": body, "kind": "user",
                  "data_id": user["id"],
                  "old_secret": "whsec_" + base64.b64encode(OLD_KEY).decode()})

    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"generator": "tests/auth/gen_webhook_events.py",
                   "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
