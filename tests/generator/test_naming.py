"""Unit tests of the generator's one naming function (openapi/clerkgen).

Run: PYTHONPATH=openapi /usr/bin/python3 -m unittest discover -s
tests/generator -p 'test_*.py'
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "openapi"))

from clerkgen.naming import (GENERATED_NAMES, MODEL_FAMILY,  # noqa: E402
                             RUNTIME_NAMES, Registry, ident, snake,
                             upper_ident)
from clerkgen.models import _enum_const  # noqa: E402
from clerkgen.ops import operation_name  # noqa: E402


class SnakeCase(unittest.TestCase):
    def test_camel_and_pascal(self):
        self.assertEqual(snake("oauthApplications"), "oauth_applications")
        self.assertEqual(snake("EmailAddress"), "email_address")
        self.assertEqual(snake("getOrganizationMemberships"),
                         "get_organization_memberships")

    def test_acronyms_whole(self):
        cases = {
            "emailSMSTemplates": "email_sms_templates",
            "getJWKS": "get_jwks",
            "m2m": "m2m",
            "createM2MToken": "create_m2m_token",
            "redirectUrls": "redirect_urls",
            "ListRedirectURLs": "list_redirect_urls",
            "getOAuthAccessToken": "get_oauth_access_token",
            "OAuthApplicationWithSecret": "oauth_application_with_secret",
            "SAMLConnection": "saml_connection",
            "ListJWTTemplates": "list_jwt_templates",
            "verifyTOTP": "verify_totp",
            "RotateSCIMDirectoryAPIKey": "rotate_scim_directory_api_key",
            "adminPortalLinkTokenID": "admin_portal_link_token_id",
            "userIDs": "user_ids",
            "generateSvixAuthURL": "generate_svix_auth_url",
        }
        for text, want in cases.items():
            with self.subTest(text=text):
                self.assertEqual(snake(text), want)

    def test_acronym_not_inside_a_word(self):
        self.assertEqual(snake("UUID"), "uuid")
        self.assertEqual(snake("Identity"), "identity")
        self.assertEqual(snake("APIs"), "apis")

    def test_separators_and_digits(self):
        self.assertEqual(snake("CommercePlan-2"), "commerce_plan_2")
        self.assertEqual(snake("JWKS.ed25519.PublicKey"),
                         "jwks_ed25519_public_key")
        self.assertEqual(snake("Web3Wallet"), "web3_wallet")
        self.assertEqual(snake("_VerificationResponse"),
                         "verification_response")
        self.assertEqual(snake("Allow-list / Block-list"),
                         "allow_list_block_list")
        self.assertEqual(snake("Email & SMS Templates"),
                         "email_sms_templates")
        self.assertEqual(snake("already_snake_case"), "already_snake_case")
        self.assertEqual(snake("+-"), "")

    def test_idempotent(self):
        for text in ("emailSMSTemplates", "SAMLConnection", "x509Cert"):
            self.assertEqual(snake(snake(text)), snake(text))


class Identifiers(unittest.TestCase):
    def test_c_and_cpp_keywords_escaped(self):
        for kw in ("default", "delete", "class", "new", "int", "template",
                   "private", "namespace", "bool", "true", "register"):
            with self.subTest(kw=kw):
                self.assertEqual(ident(kw), kw + "_")

    def test_platform_macros_escaped(self):
        self.assertEqual(ident("unix"), "unix_")
        self.assertEqual(ident("errno"), "errno_")

    def test_leading_digit(self):
        self.assertEqual(ident("2fa_enabled"), "n2fa_enabled")
        self.assertEqual(upper_ident("2legged"), "2LEGGED")  # prefixed later

    def test_empty(self):
        self.assertEqual(ident(""), "value")
        self.assertEqual(upper_ident("-", "EMPTY"), "EMPTY")

    def test_upper(self):
        self.assertEqual(upper_ident("guinea-pig"), "GUINEA_PIG")
        self.assertEqual(upper_ident("email_address"), "EMAIL_ADDRESS")


class Collisions(unittest.TestCase):
    def test_stable_suffix(self):
        r = Registry()
        self.assertEqual(r.claim("pets_list"), "pets_list")
        self.assertEqual(r.claim("pets_list"), "pets_list_2")
        self.assertEqual(r.claim("pets_list"), "pets_list_3")
        self.assertEqual(r.claim("pets_list_2"), "pets_list_2_2")

    def test_alternative_first(self):
        r = Registry(RUNTIME_NAMES)
        self.assertEqual(r.claim("client", alt="client_object"),
                         "client_object")
        self.assertEqual(r.claim("client", alt="client_object"), "client_2")

    def test_runtime_names_reserved(self):
        for name in ("client", "response", "status", "header", "error"):
            self.assertIn(name, RUNTIME_NAMES)


    def test_family_is_claimed_whole(self):
        # "Thing" takes clerk_thing_array_t along: "ThingArray" moves.
        r = Registry(RUNTIME_NAMES | GENERATED_NAMES)
        self.assertEqual(r.claim_family("thing", MODEL_FAMILY,
                                        alt="thing_object"), "thing")
        self.assertIn("thing_array", r)
        self.assertIn("thing_array_array", r)
        self.assertEqual(r.claim_family("thing_array", MODEL_FAMILY,
                                        alt="thing_array_object"),
                         "thing_array_object")
        # "Str" would make clerk_str_array_t, the runtime's.
        self.assertEqual(r.claim_family("str", MODEL_FAMILY,
                                        alt="str_object"), "str_object")
        # "All" / "Arrays" would write model/all.h / model/arrays.h.
        self.assertEqual(r.claim_family("all", MODEL_FAMILY,
                                        alt="all_object"), "all_object")
        self.assertEqual(r.claim_family("arrays", MODEL_FAMILY,
                                        alt="arrays_object"),
                         "arrays_object")
        # Without a free alternative: the first _<n> whose family is free.
        r.claim("x_2_array")
        self.assertEqual(r.claim_family("x", ("", "_array")), "x")
        self.assertEqual(r.claim_family("x", ("", "_array")), "x_3")


class EnumConstants(unittest.TestCase):
    def test_signs_and_empty(self):
        self.assertEqual(_enum_const("+"), "PLUS")
        self.assertEqual(_enum_const("-"), "MINUS")
        self.assertEqual(_enum_const(""), "EMPTY")
        self.assertEqual(_enum_const("-born"), "DESC_BORN")
        self.assertEqual(_enum_const("+born"), "ASC_BORN")
        self.assertEqual(_enum_const("born"), "BORN")
        self.assertEqual(_enum_const("a-b"), "A_B")
        self.assertEqual(_enum_const("-_x"), "X")


class OperationNames(unittest.TestCase):
    def test_extensions(self):
        self.assertEqual(operation_name("GetUserList", "Users", "users",
                                        "list"), "users_list")
        self.assertEqual(operation_name("X", "T", "emailSMSTemplates",
                                        "toggleTemplateDelivery"),
                         "email_sms_templates_toggle_template_delivery")
        self.assertEqual(operation_name("X", "T", "m2m", "createToken"),
                         "m2m_create_token")
        self.assertEqual(operation_name("GetJWKS", "JWKS", "jwks",
                                        "getJWKS"), "jwks_get_jwks")

    def test_fallback_drops_the_tag(self):
        cases = [
            ("createApiKey", "API Keys", "api_keys_create"),
            ("getApiKeys", "API Keys", "api_keys_list"),
            ("getApiKey", "API Keys", "api_keys_get"),
            ("getApiKeySecret", "API Keys", "api_keys_get_secret"),
            ("verifyApiKey", "API Keys", "api_keys_verify"),
            ("createAdminPortalLinkToken", "Admin Portal Link Tokens",
             "admin_portal_link_tokens_create"),
            ("revokeAdminPortalLinkToken", "Admin Portal Link Tokens",
             "admin_portal_link_tokens_revoke"),
            ("GetInstanceProtect", "Instance Settings",
             "instance_settings_get_instance_protect"),
            ("UpdateInstanceProtect", "Instance Settings",
             "instance_settings_update_instance_protect"),
        ]
        for op_id, tag, want in cases:
            with self.subTest(op_id=op_id):
                self.assertEqual(operation_name(op_id, tag), want)

    def test_get_of_one_is_not_a_list(self):
        self.assertEqual(operation_name("getEmails", "Emails",
                                        path="/emails"), "emails_list")
        self.assertEqual(operation_name("getEmails", "Emails",
                                        path="/emails/{email_id}"),
                         "emails_get")

    def test_fallback_keeps_something(self):
        self.assertEqual(operation_name("Pets", "Pets"), "pets_pets")


if __name__ == "__main__":
    unittest.main()
