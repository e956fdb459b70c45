/*
 * Test-side helpers for the scripted fault server: read its state file and
 * talk to its control port with plain libcurl.
 */
#include "fault.h"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static int http_port;
static int https_port;
static int control_port;
static int mtls_port;
static char ca_file[1024];
static char ca_path[1024];
static char client_cert[1024];
static char client_key[1024];
static char url_buf[512];

typedef struct sink {
    char *data;
    size_t len;
} sink_t;

static size_t sink_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    sink_t *s = ud;
    size_t n = size * nmemb;
    char *grown = realloc(s->data, s->len + n + 1);

    if (grown == NULL) {
        return 0;
    }
    memcpy(grown + s->len, ptr, n);
    s->data = grown;
    s->len += n;
    s->data[s->len] = '\0';
    return n;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    sink_t s = { NULL, 0 };
    char chunk[4096];
    size_t n;

    if (f == NULL) {
        return NULL;
    }
    for (;;) {
        n = fread(chunk, 1, sizeof(chunk), f);
        if (n == 0 || sink_write(chunk, 1, n, &s) != n) {
            break;
        }
    }
    fclose(f);
    return s.data;
}

static int json_int(const cJSON *doc, const char *key)
{
    const cJSON *item = cJSON_GetObjectItem(doc, key);

    return cJSON_IsNumber(item) ? item->valueint : -1;
}

int fault_init(void)
{
    const char *path = getenv("CLERK_FAULT_STATE");
    char *text;
    cJSON *doc;

    if (path == NULL) {
        return -1;
    }
    text = read_file(path);
    if (text == NULL) {
        return -1;
    }
    doc = cJSON_Parse(text);
    free(text);
    if (doc == NULL) {
        return -1;
    }
    http_port = json_int(doc, "http_port");
    https_port = json_int(doc, "https_port");
    control_port = json_int(doc, "control_port");
    mtls_port = json_int(doc, "mtls_port");
    snprintf(
        ca_file, sizeof(ca_file), "%s",
        cJSON_GetStringValue(cJSON_GetObjectItem(doc, "ca_file")));
    snprintf(
        ca_path, sizeof(ca_path), "%s",
        cJSON_GetStringValue(cJSON_GetObjectItem(doc, "ca_path")));
    snprintf(
        client_cert, sizeof(client_cert), "%s",
        cJSON_GetStringValue(cJSON_GetObjectItem(doc, "client_cert")));
    snprintf(
        client_key, sizeof(client_key), "%s",
        cJSON_GetStringValue(cJSON_GetObjectItem(doc, "client_key")));
    cJSON_Delete(doc);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return http_port > 0 && https_port > 0 && control_port > 0 && mtls_port > 0
               ? 0
               : -1;
}

const char *fault_base_url(const char *tag, bool tls)
{
    snprintf(
        url_buf, sizeof(url_buf), "%s://127.0.0.1:%d/t/%s/v1",
        tls ? "https" : "http", tls ? https_port : http_port, tag);
    return url_buf;
}

const char *fault_mtls_base_url(const char *tag)
{
    snprintf(
        url_buf, sizeof(url_buf), "https://127.0.0.1:%d/t/%s/v1", mtls_port,
        tag);
    return url_buf;
}

int fault_http_port(void)
{
    return http_port;
}

const char *fault_ca_file(void)
{
    return ca_file;
}

const char *fault_ca_path(void)
{
    return ca_path;
}

const char *fault_client_cert(void)
{
    return client_cert;
}

const char *fault_client_key(void)
{
    return client_key;
}

int fault_closed_port(void)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = -1;

    if (fd < 0) {
        return -1;
    }
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    close(fd); /* bound but never listening: connections are refused */
    return port;
}

/* One control request; returns the body (caller frees) or NULL. */
static char *control(
    const char *method, const char *path, const char *tag, const char *body)
{
    CURL *c = curl_easy_init();
    sink_t s = { NULL, 0 };
    char url[512];
    long code = 0;
    CURLcode rc;

    if (c == NULL) {
        return NULL;
    }
    snprintf(
        url, sizeof(url), "http://127.0.0.1:%d%s?tag=%s", control_port, path,
        tag);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body != NULL ? body : "");
    }
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK || code != 200) {
        free(s.data);
        return NULL;
    }
    return s.data;
}

int fault_script(const char *tag, const char *json)
{
    char *out = control("POST", "/script", tag, json);

    free(out);
    return out != NULL ? 0 : -1;
}

cJSON *fault_requests(const char *tag)
{
    char *out = control("GET", "/requests", tag, NULL);
    cJSON *doc;

    if (out == NULL) {
        return NULL;
    }
    doc = cJSON_Parse(out);
    free(out);
    return doc;
}

static int stat_field(const char *tag, const char *key)
{
    char *out = control("GET", "/stats", tag, NULL);
    cJSON *doc;
    int n = -1;

    if (out == NULL) {
        return -1;
    }
    doc = cJSON_Parse(out);
    free(out);
    if (cJSON_IsNumber(cJSON_GetObjectItem(doc, key))) {
        n = cJSON_GetObjectItem(doc, key)->valueint;
    }
    cJSON_Delete(doc);
    return n;
}

int fault_request_count(const char *tag)
{
    return stat_field(tag, "requests");
}

int fault_connection_count(const char *tag)
{
    return stat_field(tag, "connections");
}

const char *fault_req_field(const cJSON *requests, int i, const char *key)
{
    const cJSON *req = cJSON_GetArrayItem(requests, i);

    return cJSON_GetStringValue(cJSON_GetObjectItem(req, key));
}

const char *fault_req_header(const cJSON *requests, int i, const char *name)
{
    const cJSON *req = cJSON_GetArrayItem(requests, i);
    const cJSON *h;

    cJSON_ArrayForEach(h, cJSON_GetObjectItem(req, "headers"))
    {
        const char *k = cJSON_GetStringValue(cJSON_GetArrayItem(h, 0));

        if (k != NULL && strcasecmp(k, name) == 0) {
            return cJSON_GetStringValue(cJSON_GetArrayItem(h, 1));
        }
    }
    return NULL;
}
