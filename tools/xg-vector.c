/*
 * xg-vector.c - runs signature test vectors through an adapter plug-in.
 *
 *     xg-vector [--adapters DIR] [--strict] FILE...
 *
 * Each FILE follows the shared signature-vector schema (vectors/README.md
 * of the project's shared material, schema_version 1): an exchange name,
 * credentials and a list of vectors, each an input to sign at a frozen
 * clock with the prehash, signature and request a reference client
 * produced for it. The tool loads xgate_<exchange>.so from DIR (default:
 * ../adapters next to the executable) through the same loader the daemon
 * uses, signs every vector with a fresh adapter instance, and prints one
 * line per vector ("ok   id" or "FAIL id: what differs (got ..., want
 * ...)") and one summary line per file. Exit status: 0 when every vector
 * of every file passed, 1 when any differed, 2 when an input could not be
 * used (missing or malformed file, wrong schema, unknown exchange, plug-in
 * refused), with one line naming the file and the field.
 *
 * A file is checked completely before any vector runs, so a malformed file
 * produces its one error line and nothing else. Secrets from the file go
 * to the adapter only; a compared value that contains the secret or the
 * passphrase is never printed. The module owns the parsed JSON and the
 * loaded plug-ins; signing and the request's shape are the adapter's.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "loader.h"
#include "xgate/adapter.h"
#include "xgate/buf.h"

#define VEC_EXIT_PASS     0
#define VEC_EXIT_MISMATCH 1
#define VEC_EXIT_UNUSABLE 2

#define VEC_MAX_PARAMS 64
#define VEC_FIELD_MAX  128 /* "vectors[12].input.params[3][1]" */
#define VEC_SHOW_MAX   200 /* characters of a value shown in a FAIL line */
#define VEC_LINE_MAX   2048

typedef struct vec_creds {
    const char *api_key;
    const char *secret;
    const char *passphrase; /* NULL if none */
} vec_creds;

/* One vector, every pointer borrowed from the file's JSON. */
typedef struct vec_vector {
    const char *id;
    vec_creds creds;
    xg_sign_input in;
    xg_kv params[VEC_MAX_PARAMS];
    const char *prehash;
    const char *signature;
    const char *signed_passphrase; /* NULL if the vector has none */
    const char *want_method;
    const char *want_target; /* the expected URL without scheme and host */
    json_t *want_headers;    /* object of name: string */
    const char *want_body;   /* NULL for JSON null */
    size_t want_body_len;
} vec_vector;

/* One parsed file. */
typedef struct vec_file {
    const char *name; /* as given on the command line */
    json_t *root;
    const char *exchange;
    vec_vector *vectors;
    size_t n;
} vec_file;

/* Where a field check failed: the file and the dotted field path. */
typedef struct vec_where {
    const char *file;
    char field[VEC_FIELD_MAX];
} vec_where;

static void
vec_usage(FILE *to)
{
    fputs("usage: xg-vector [--adapters DIR] [--strict] FILE...\n"
          "Signs each vector of each FILE (schema_version 1) with the\n"
          "adapter xgate_<exchange>.so from DIR (default: ../adapters\n"
          "beside this program) and compares with the expected values.\n"
          "--strict: a POST expected with its parameters in the query\n"
          "string does not match one sending them as a form body.\n"
          "Exit: 0 all passed, 1 a vector differed, 2 unusable input.\n",
          to);
}

/* Print the one line for unusable input: "<file>: <field>: <problem>". */
static int
vec_unusable(const vec_where *w, const char *problem)
{
    fprintf(stderr, "%s: %s: %s\n", w->file, w->field, problem);
    return VEC_EXIT_UNUSABLE;
}

/* Set w's field to prefix + suffix (both may be ""). */
static void
vec_field(vec_where *w, const char *prefix, const char *suffix)
{
    xg_buf b;

    xg_buf_init(&b, w->field, sizeof(w->field));
    xg_buf_puts(&b, prefix);
    if (prefix[0] != '\0' && suffix[0] != '\0' && suffix[0] != '[') {
        xg_buf_putc(&b, '.');
    }
    xg_buf_puts(&b, suffix);
}

/* out = prefix + suffix, or prefix + suffix + "[index]" + after when
 * index >= 0; cut at VEC_FIELD_MAX (a field name is only shown). */
static void
vec_join(char out[VEC_FIELD_MAX], const char *prefix, const char *suffix,
         long index, const char *after)
{
    xg_buf b;

    xg_buf_init(&b, out, VEC_FIELD_MAX);
    xg_buf_puts(&b, prefix);
    xg_buf_puts(&b, suffix);
    if (index >= 0) {
        xg_buf_putc(&b, '[');
        xg_buf_put_i64(&b, index);
        xg_buf_putc(&b, ']');
        xg_buf_puts(&b, after);
    }
}

/*
 * Read obj[key] as a string into *out. required: absence is an error;
 * otherwise absent or null gives NULL. Strings with a NUL inside are
 * refused: C code downstream would silently see a shorter value.
 */
static int
vec_get_string(json_t *obj, const char *key, const char *prefix, int required,
               vec_where *w, const char **out)
{
    json_t *v = json_object_get(obj, key);

    vec_field(w, prefix, key);
    *out = NULL;
    if (v == NULL || (json_is_null(v) && !required)) {
        return required ? vec_unusable(w, "missing") : 0;
    }
    if (!json_is_string(v)) {
        return vec_unusable(w, "not a string");
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        return vec_unusable(w, "contains a NUL character");
    }
    *out = json_string_value(v);
    return 0;
}

/* The path and query of an absolute URL ("https://h/p?q" gives "/p?q"),
 * or url itself if it already starts with '/'; NULL if neither. */
static const char *
vec_url_target(const char *url)
{
    const char *p = strstr(url, "://");
    size_t host;

    if (url[0] == '/') {
        return url;
    }
    if (p == NULL) {
        return NULL;
    }
    p += 3;
    host = strcspn(p, "/?");
    if (p[host] == '\0') {
        return "/"; /* "https://host" is the root */
    }
    return p + host;
}

static int
vec_parse_creds(json_t *obj, const char *prefix, vec_where *w, vec_creds *c)
{
    int rc;

    if (!json_is_object(obj)) {
        vec_field(w, prefix, "");
        return vec_unusable(w, "not an object");
    }
    rc = vec_get_string(obj, "api_key", prefix, 1, w, &c->api_key);
    if (rc == 0) {
        rc = vec_get_string(obj, "secret", prefix, 1, w, &c->secret);
    }
    if (rc == 0) {
        rc = vec_get_string(obj, "passphrase", prefix, 0, w, &c->passphrase);
    }
    return rc;
}

static int
vec_parse_params(json_t *arr, const char *prefix, vec_where *w, vec_vector *v)
{
    char sub[VEC_FIELD_MAX];
    size_t i;

    vec_field(w, prefix, "params");
    if (!json_is_array(arr)) {
        return vec_unusable(w, arr == NULL ? "missing" : "not an array");
    }
    if (json_array_size(arr) > VEC_MAX_PARAMS) {
        return vec_unusable(w, "more than 64 parameters");
    }
    for (i = 0; i < json_array_size(arr); i++) {
        json_t *pair = json_array_get(arr, i);
        json_t *k = json_array_get(pair, 0);
        json_t *val = json_array_get(pair, 1);

        vec_join(sub, prefix, ".params", (long)i, "");
        vec_field(w, sub, "");
        if (!json_is_array(pair) || json_array_size(pair) != 2 ||
            !json_is_string(k) || !json_is_string(val)) {
            return vec_unusable(w, "not a [name, value] pair of strings");
        }
        if (strlen(json_string_value(k)) != json_string_length(k) ||
            strlen(json_string_value(val)) != json_string_length(val)) {
            return vec_unusable(w, "contains a NUL character");
        }
        v->params[i].key = json_string_value(k);
        v->params[i].value = json_string_value(val);
    }
    v->in.params = v->params;
    v->in.n_params = json_array_size(arr);
    return 0;
}

static int
vec_parse_input(json_t *in, const char *prefix, vec_where *w, vec_vector *v)
{
    char sub[VEC_FIELD_MAX];
    json_t *t;
    int rc;

    vec_join(sub, prefix, ".input", -1, "");
    if (!json_is_object(in)) {
        vec_field(w, sub, "");
        return vec_unusable(w, in == NULL ? "missing" : "not an object");
    }
    rc = vec_get_string(in, "method", sub, 1, w, &v->in.method);
    if (rc == 0) {
        rc = vec_get_string(in, "path", sub, 1, w, &v->in.path);
    }
    if (rc == 0) {
        rc = vec_get_string(in, "path_template", sub, 0, w,
                            &v->in.path_template);
    }
    if (rc != 0) {
        return rc;
    }
    vec_field(w, sub, "timestamp_ms");
    t = json_object_get(in, "timestamp_ms");
    if (!json_is_integer(t)) {
        return vec_unusable(w, t == NULL ? "missing" : "not an integer");
    }
    v->in.timestamp_ms = (int64_t)json_integer_value(t);

    vec_field(w, sub, "recv_window_ms");
    t = json_object_get(in, "recv_window_ms");
    if (t == NULL || json_is_null(t)) {
        v->in.recv_window_ms = -1;
    } else if (json_is_integer(t) && json_integer_value(t) >= 0) {
        v->in.recv_window_ms = (int64_t)json_integer_value(t);
    } else {
        return vec_unusable(w, "not null or a non-negative integer");
    }
    return vec_parse_params(json_object_get(in, "params"), sub, w, v);
}

static int
vec_parse_expected(json_t *req, const char *prefix, vec_where *w, vec_vector *v)
{
    char sub[VEC_FIELD_MAX];
    const char *url;
    const char *name;
    json_t *body;
    json_t *val;
    int rc;

    vec_join(sub, prefix, ".expected_request", -1, "");
    if (!json_is_object(req)) {
        vec_field(w, sub, "");
        return vec_unusable(w, req == NULL ? "missing" : "not an object");
    }
    rc = vec_get_string(req, "method", sub, 1, w, &v->want_method);
    if (rc == 0) {
        rc = vec_get_string(req, "url", sub, 1, w, &url);
    }
    if (rc != 0) {
        return rc;
    }
    v->want_target = vec_url_target(url);
    if (v->want_target == NULL) {
        return vec_unusable(w, "neither an absolute URL nor a path");
    }

    vec_field(w, sub, "headers");
    v->want_headers = json_object_get(req, "headers");
    if (!json_is_object(v->want_headers)) {
        return vec_unusable(w, v->want_headers == NULL ? "missing"
                                                       : "not an object");
    }
    json_object_foreach(v->want_headers, name, val)
    {
        if (!json_is_string(val)) {
            return vec_unusable(w, "a header value is not a string");
        }
    }

    vec_field(w, sub, "body");
    body = json_object_get(req, "body");
    if (body == NULL) {
        return vec_unusable(w, "missing (null when there is none)");
    }
    if (json_is_null(body)) {
        v->want_body = NULL;
        v->want_body_len = 0;
    } else if (json_is_string(body)) {
        v->want_body = json_string_value(body);
        v->want_body_len = json_string_length(body);
    } else {
        return vec_unusable(w, "not a string or null");
    }
    return 0;
}

/* Parse vectors[i] into v; file_creds (may be NULL) is the default. */
static int
vec_parse_vector(json_t *jv, size_t i, const vec_creds *file_creds,
                 vec_where *w, vec_vector *v)
{
    char prefix[VEC_FIELD_MAX];
    char sub[VEC_FIELD_MAX];
    json_t *c;
    int rc;

    vec_join(prefix, "vectors", "", (long)i, "");
    if (!json_is_object(jv)) {
        vec_field(w, prefix, "");
        return vec_unusable(w, "not an object");
    }
    rc = vec_get_string(jv, "id", prefix, 1, w, &v->id);
    if (rc != 0) {
        return rc;
    }
    if (v->id[0] == '\0') {
        return vec_unusable(w, "empty");
    }

    c = json_object_get(jv, "credentials");
    if (c != NULL) {
        vec_join(sub, prefix, ".credentials", -1, "");
        rc = vec_parse_creds(c, sub, w, &v->creds);
        if (rc != 0) {
            return rc;
        }
    } else if (file_creds != NULL) {
        v->creds = *file_creds;
    } else {
        vec_field(w, prefix, "credentials");
        return vec_unusable(w, "missing, and the file has none");
    }

    rc = vec_parse_input(json_object_get(jv, "input"), prefix, w, v);
    if (rc == 0) {
        rc = vec_get_string(jv, "prehash", prefix, 1, w, &v->prehash);
    }
    if (rc == 0) {
        rc = vec_get_string(jv, "signature", prefix, 1, w, &v->signature);
    }
    if (rc == 0) {
        rc = vec_get_string(jv, "signed_passphrase", prefix, 0, w,
                            &v->signed_passphrase);
    }
    if (rc == 0) {
        rc = vec_parse_expected(json_object_get(jv, "expected_request"), prefix,
                                w, v);
    }
    return rc;
}

/* Load and check a whole file before anything runs. */
static int
vec_parse_file(const char *name, vec_file *f)
{
    vec_creds file_creds;
    const vec_creds *fc = NULL;
    json_error_t jerr;
    json_t *t;
    vec_where w;
    size_t i, j;
    int rc;

    memset(f, 0, sizeof(*f));
    f->name = name;
    w.file = name;
    f->root = json_load_file(name, JSON_REJECT_DUPLICATES, &jerr);
    if (f->root == NULL) {
        /* jansson's own text says what and where ("... near 'x'"); a
         * file that could not be read has no line. */
        if (jerr.line < 1) {
            fprintf(stderr, "%s: (file): %s\n", name, jerr.text);
        } else {
            fprintf(stderr, "%s: line %d column %d: %s\n", name, jerr.line,
                    jerr.column, jerr.text);
        }
        return VEC_EXIT_UNUSABLE;
    }
    if (!json_is_object(f->root)) {
        vec_field(&w, "(top level)", "");
        return vec_unusable(&w, "not an object");
    }

    vec_field(&w, "schema_version", "");
    t = json_object_get(f->root, "schema_version");
    if (!json_is_integer(t) || json_integer_value(t) != 1) {
        return vec_unusable(&w, t == NULL ? "missing"
                                          : "not 1, the only version known");
    }
    rc = vec_get_string(f->root, "exchange", "", 1, &w, &f->exchange);
    if (rc != 0) {
        return rc;
    }
    if (!xg__venue_name_is_valid(f->exchange)) {
        return vec_unusable(&w, "not a venue name ([a-z0-9]{1,15})");
    }
    t = json_object_get(f->root, "credentials");
    if (t != NULL) {
        memset(&file_creds, 0, sizeof(file_creds));
        rc = vec_parse_creds(t, "credentials", &w, &file_creds);
        if (rc != 0) {
            return rc;
        }
        fc = &file_creds;
    }

    vec_field(&w, "vectors", "");
    t = json_object_get(f->root, "vectors");
    if (!json_is_array(t)) {
        return vec_unusable(&w, t == NULL ? "missing" : "not an array");
    }
    if (json_array_size(t) == 0) {
        return vec_unusable(&w, "empty");
    }
    f->n = json_array_size(t);
    f->vectors = calloc(f->n, sizeof(f->vectors[0]));
    if (f->vectors == NULL) {
        return vec_unusable(&w, "out of memory");
    }
    for (i = 0; i < f->n; i++) {
        rc = vec_parse_vector(json_array_get(t, i), i, fc, &w, &f->vectors[i]);
        if (rc != 0) {
            return rc;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(f->vectors[j].id, f->vectors[i].id) == 0) {
                vec_join(w.field, "vectors", "", (long)i, ".id");
                return vec_unusable(&w, "same id as an earlier vector");
            }
        }
    }
    return 0;
}

static void
vec_file_free(vec_file *f)
{
    free(f->vectors);
    json_decref(f->root);
    memset(f, 0, sizeof(*f));
}

/* True if s (len bytes) contains the credential c (may be NULL or ""). */
static int
vec_contains(const char *s, size_t len, const char *c)
{
    size_t n;
    size_t i;

    if (c == NULL || c[0] == '\0') {
        return 0;
    }
    n = strlen(c);
    for (i = 0; i + n <= len; i++) {
        if (memcmp(s + i, c, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Append s (len bytes) to b quoted for a one-line message: printable
 * ASCII as is, '"' and '\\' escaped, anything else as \xNN; cut after
 * VEC_SHOW_MAX characters. */
static void
vec_put_shown(xg_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    xg_buf_putc(b, '"');
    for (i = 0; i < len && i < VEC_SHOW_MAX; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\') {
            xg_buf_putc(b, '\\');
            xg_buf_putc(b, (char)c);
        } else if (c >= 0x20 && c < 0x7f) {
            xg_buf_putc(b, (char)c);
        } else {
            xg_buf_puts(b, "\\x");
            xg_buf_putc(b, hex[c >> 4]);
            xg_buf_putc(b, hex[c & 0xf]);
        }
    }
    xg_buf_putc(b, '"');
    if (len > VEC_SHOW_MAX) {
        xg_buf_puts(b, "...");
    }
}

/* What one vector's comparison found: the first difference, spelled out,
 * and how many there were. */
typedef struct vec_diff {
    const vec_creds *creds;
    char first[VEC_LINE_MAX];
    int count;
} vec_diff;

/* Record a difference in what; got and want are shown unless either holds
 * a credential, in which case neither is. */
static void
vec_differs(vec_diff *d, const char *what, const char *got, size_t got_len,
            const char *want, size_t want_len)
{
    size_t at = 0;
    xg_buf b;

    if (d->count++ > 0) {
        return;
    }
    while (at < got_len && at < want_len && got[at] == want[at]) {
        at++;
    }
    xg_buf_init(&b, d->first, sizeof(d->first));
    xg_buf_puts(&b, what);
    xg_buf_puts(&b, " differs at byte ");
    xg_buf_put_i64(&b, (int64_t)at);
    if (vec_contains(got, got_len, d->creds->secret) ||
        vec_contains(want, want_len, d->creds->secret) ||
        vec_contains(got, got_len, d->creds->passphrase) ||
        vec_contains(want, want_len, d->creds->passphrase)) {
        xg_buf_puts(&b, " (values hidden: they hold a credential)");
        return;
    }
    xg_buf_puts(&b, " (got ");
    vec_put_shown(&b, got, got_len);
    xg_buf_puts(&b, ", want ");
    vec_put_shown(&b, want, want_len);
    xg_buf_putc(&b, ')');
}

static void
vec_compare_str(vec_diff *d, const char *what, const char *got,
                const char *want)
{
    if (strcmp(got, want) != 0) {
        vec_differs(d, what, got, strlen(got), want, strlen(want));
    }
}

/* Every header the vector lists must be in the request with that value;
 * names compare case-insensitively, extra request headers are fine. */
static void
vec_compare_headers(vec_diff *d, const vec_vector *v,
                    const xg_http_request *req)
{
    char what[XG_HTTP_HNAME_MAX + 64];
    const char *name;
    json_t *val;
    size_t i;

    json_object_foreach(v->want_headers, name, val)
    {
        const xg_http_header *h = NULL;

        for (i = 0; i < req->n_headers && i < XG_HTTP_MAX_HEADERS; i++) {
            if (strcasecmp(req->headers[i].name, name) == 0) {
                h = &req->headers[i];
                break;
            }
        }
        snprintf(what, sizeof(what), "header %.*s", XG_HTTP_HNAME_MAX, name);
        if (h == NULL) {
            if (d->count++ == 0) {
                snprintf(d->first, sizeof(d->first), "%s missing", what);
            }
            continue;
        }
        vec_compare_str(d, what, h->value, json_string_value(val));
    }
}

/*
 * True if the vector expects a POST with its parameters in the query
 * string and no body, and the request sends the same path and the same
 * string as an application/x-www-form-urlencoded body instead. HTML form
 * encoding makes the two the same bytes; Binance documents both, and its
 * own example (binance-doc-01) is written the query way while its other
 * vectors, from ccxt, use the body. The signature covers the string, not
 * where it travels, so this is accepted unless --strict.
 */
static int
vec_is_query_sent_as_form(const vec_vector *v, const xg_http_request *req)
{
    static const char form[] = "application/x-www-form-urlencoded";
    const char *q = strchr(v->want_target, '?');
    size_t path_len;
    size_t i;

    if (strcmp(v->want_method, "POST") != 0 || v->want_body != NULL ||
        q == NULL) {
        return 0;
    }
    path_len = (size_t)(q - v->want_target);
    q++;
    if (strlen(req->target) != path_len ||
        memcmp(req->target, v->want_target, path_len) != 0 ||
        req->body_len != strlen(q) ||
        memcmp(req->body, q, req->body_len) != 0) {
        return 0;
    }
    for (i = 0; i < req->n_headers && i < XG_HTTP_MAX_HEADERS; i++) {
        if (strcasecmp(req->headers[i].name, "Content-Type") == 0 &&
            strncasecmp(req->headers[i].value, form, sizeof(form) - 1) == 0) {
            return 1;
        }
    }
    return 0;
}

static void
vec_compare(vec_diff *d, const vec_vector *v, const xg_signed *out, int strict)
{
    const xg_http_request *req = &out->request;

    vec_compare_str(d, "prehash", out->prehash, v->prehash);
    vec_compare_str(d, "signature", out->signature, v->signature);
    if (v->signed_passphrase != NULL) {
        vec_compare_str(d, "signed_passphrase", out->signed_passphrase,
                        v->signed_passphrase);
    }
    vec_compare_str(d, "request method", req->method, v->want_method);
    if (!strict && vec_is_query_sent_as_form(v, req)) {
        vec_compare_headers(d, v, req);
        return;
    }
    vec_compare_str(d, "request target", req->target, v->want_target);
    if (req->body_len != v->want_body_len ||
        (v->want_body_len > 0 &&
         memcmp(req->body, v->want_body, v->want_body_len) != 0)) {
        vec_differs(d, "request body", req->body, req->body_len,
                    v->want_body != NULL ? v->want_body : "", v->want_body_len);
    }
    vec_compare_headers(d, v, req);
}

/* Sign one vector with a fresh instance; 1 if it passed. Prints its line. */
static int
vec_run_vector(const xg_adapter *api, const vec_vector *v, xg_signed *out,
               int strict)
{
    xg_adapter_config cfg;
    char err[256] = "";
    void *inst = NULL;
    vec_diff d;
    xg_err rc;

    memset(&d, 0, sizeof(d));
    d.creds = &v->creds;
    memset(&cfg, 0, sizeof(cfg));
    cfg.api_key = v->creds.api_key;
    cfg.secret = v->creds.secret;
    cfg.passphrase = v->creds.passphrase;
    rc = api->create(&cfg, &inst, err, sizeof(err));
    if (rc != XG_OK) {
        /* One line per vector, whatever the adapter wrote. */
        err[sizeof(err) - 1] = '\0';
        for (char *c = err; *c != '\0'; c++) {
            if (*c == '\n' || *c == '\r') {
                *c = ' ';
            }
        }
        printf("FAIL %s: create refused the credentials: %s (%s)\n", v->id,
               xg_err_name(rc), err);
        return 0;
    }
    memset(out, 0, sizeof(*out));
    rc = api->sign(inst, &v->in, out);
    api->destroy(inst);
    if (rc != XG_OK) {
        printf("FAIL %s: sign returned %s\n", v->id, xg_err_name(rc));
        return 0;
    }
    /* The adapter's strings are ours to read: make sure they end. */
    out->prehash[sizeof(out->prehash) - 1] = '\0';
    out->signature[sizeof(out->signature) - 1] = '\0';
    out->signed_passphrase[sizeof(out->signed_passphrase) - 1] = '\0';
    out->request.method[sizeof(out->request.method) - 1] = '\0';
    out->request.target[sizeof(out->request.target) - 1] = '\0';
    if (out->request.body_len >= sizeof(out->request.body)) {
        out->request.body_len = sizeof(out->request.body) - 1;
    }
    for (size_t i = 0; i < XG_HTTP_MAX_HEADERS; i++) {
        out->request.headers[i].name[XG_HTTP_HNAME_MAX - 1] = '\0';
        out->request.headers[i].value[XG_HTTP_HVALUE_MAX - 1] = '\0';
    }

    vec_compare(&d, v, out, strict);
    if (d.count == 0) {
        printf("ok   %s\n", v->id);
        return 1;
    }
    if (d.count > 1) {
        printf("FAIL %s: %s [+%d more]\n", v->id, d.first, d.count - 1);
    } else {
        printf("FAIL %s: %s\n", v->id, d.first);
    }
    return 0;
}

/* Run one file; returns its exit status. */
static int
vec_run_file(xg__plugins *set, const char *adapters, const char *name,
             xg_signed *out, int strict)
{
    char err[XG_PLUGIN_PATH_MAX + 512];
    const xg__plugin *p;
    size_t passed = 0;
    size_t i;
    vec_file f;
    int rc;

    rc = vec_parse_file(name, &f);
    if (rc != 0) {
        vec_file_free(&f);
        return rc;
    }
    p = xg__plugins_find(set, f.exchange);
    if (p == NULL && xg__plugins_load_venue(set, adapters, f.exchange, &p, err,
                                            sizeof(err)) != XG_OK) {
        fprintf(stderr, "%s: exchange \"%s\": %s\n", name, f.exchange, err);
        vec_file_free(&f);
        return VEC_EXIT_UNUSABLE;
    }
    for (i = 0; i < f.n; i++) {
        passed += (size_t)vec_run_vector(p->api, &f.vectors[i], out, strict);
    }
    printf("%s: %lu passed, %lu failed\n", name, (unsigned long)passed,
           (unsigned long)(f.n - passed));
    rc = passed == f.n ? VEC_EXIT_PASS : VEC_EXIT_MISMATCH;
    vec_file_free(&f);
    return rc;
}

/* "<dir of /proc/self/exe>/../adapters" into dir. */
static int
vec_default_adapters(char *dir, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n;
    char *slash;
    xg_buf b;

    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) {
        return -1;
    }
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL) {
        return -1;
    }
    *slash = '\0';
    xg_buf_init(&b, dir, cap);
    xg_buf_puts(&b, exe);
    xg_buf_puts(&b, "/../adapters");
    return xg_buf_status(&b) == XG_OK ? 0 : -1;
}

int
main(int argc, char **argv)
{
    char dir[PATH_MAX];
    const char *adapters = NULL;
    xg__plugins *set = NULL;
    xg_signed *out = NULL;
    int status = VEC_EXIT_PASS;
    int strict = 0;
    int first = 1;
    int i;

    while (first < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--adapters") == 0 && first + 1 < argc) {
            adapters = argv[first + 1];
            first += 2;
        } else if (strcmp(argv[first], "--strict") == 0) {
            strict = 1;
            first++;
        } else if (strcmp(argv[first], "--help") == 0 ||
                   strcmp(argv[first], "-h") == 0) {
            vec_usage(stdout);
            return VEC_EXIT_PASS;
        } else if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        } else {
            fprintf(stderr, "xg-vector: unknown option %s\n", argv[first]);
            vec_usage(stderr);
            return VEC_EXIT_UNUSABLE;
        }
    }
    if (first >= argc) {
        vec_usage(stderr);
        return VEC_EXIT_UNUSABLE;
    }
    if (adapters == NULL) {
        if (vec_default_adapters(dir, sizeof(dir)) != 0) {
            fputs("xg-vector: cannot tell where this program is; "
                  "use --adapters DIR\n",
                  stderr);
            return VEC_EXIT_UNUSABLE;
        }
        adapters = dir;
    }

    /* Both are large; one of each serves every file. */
    set = malloc(sizeof(*set));
    out = malloc(sizeof(*out));
    if (set == NULL || out == NULL) {
        fputs("xg-vector: out of memory\n", stderr);
        free(out);
        free(set);
        return VEC_EXIT_UNUSABLE;
    }
    xg__plugins_init(set);
    for (i = first; i < argc; i++) {
        int rc = vec_run_file(set, adapters, argv[i], out, strict);

        if (rc > status) {
            status = rc;
        }
    }
    fflush(stdout);
    xg__plugins_fini(set);
    free(out);
    free(set);
    return status;
}
