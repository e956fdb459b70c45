/*
 * Test-side helpers for the scripted fault server (fault_server.py).
 * The server's state file is named by $CLERK_FAULT_STATE.
 */
#ifndef CLERK_TEST_FAULT_H
#define CLERK_TEST_FAULT_H

#include <cjson/cJSON.h>

#include <stdbool.h>
#include <stddef.h>

/* Read the server's ports; 0 on success. */
int fault_init(void);

/* "http(s)://127.0.0.1:<port>/t/<tag>/v1" in a static-per-call buffer the
 * caller copies or uses at once (clerk_client_new copies it). */
const char *fault_base_url(const char *tag, bool tls);

/* "https://127.0.0.1:<port>/t/<tag>/v1" of the port that requires a
 * client certificate (same buffer rules as fault_base_url). */
const char *fault_mtls_base_url(const char *tag);

/* The plain HTTP port, e.g. to use the server as an HTTP proxy. */
int fault_http_port(void);

/* The test CA bundle (PEM), its hashed directory, a client cert + key. */
const char *fault_ca_file(void);
const char *fault_ca_path(void);
const char *fault_client_cert(void);
const char *fault_client_key(void);

/* A 127.0.0.1 port that nothing listens on. */
int fault_closed_port(void);

/* Append actions (a JSON list as text) to the tag's script; 0 on success. */
int fault_script(const char *tag, const char *json);

/* The tag's recorded requests (a JSON array; caller deletes), or NULL. */
cJSON *fault_requests(const char *tag);

/* Number of recorded requests / accepted connections for the tag, or -1. */
int fault_request_count(const char *tag);
int fault_connection_count(const char *tag);

/* Field `key` of recorded request `i` ("request_line", "body", ...). */
const char *fault_req_field(const cJSON *requests, int i, const char *key);

/* Value of header `name` (case-insensitive) in recorded request `i`. */
const char *fault_req_header(const cJSON *requests, int i, const char *name);

#endif
