/*
 * test_binance_sign.c - the Binance adapter's entry table, instance
 * creation and signing, checked against the shared signature vectors.
 *
 * The vectors (tests/data/vectors/binance.json, a copy of
 * shared/vectors/binance.json) are run through the adapter the way the
 * core and tools/xg-vector reach it: xg_adapter_entry() -> create -> sign
 * / build. Every byte of prehash, signature and request is compared.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "binance.h"

#define VECTORS  XG_TEST_DATA_DIR "/vectors/binance.json"
#define BASE_URL "https://api.binance.com"

static json_t *
load_vectors(void)
{
    json_error_t jerr;
    json_t *root = json_load_file(VECTORS, 0, &jerr);
    if (root == NULL) {
        fail_msg("cannot load %s: %s", VECTORS, jerr.text);
    }
    return root;
}

static void *
create_with(const char *key, const char *secret, const xg_kv *opts,
            size_t n_opts)
{
    const xg_adapter *a = xg_adapter_entry();
    xg_adapter_config cfg = {key, secret, NULL, opts, n_opts};
    char err[128] = "";
    void *inst = NULL;
    assert_int_equal(a->create(&cfg, &inst, err, sizeof(err)), XG_OK);
    assert_non_null(inst);
    return inst;
}

static const char *
find_header(const xg_http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strcmp(req->headers[i].name, name) == 0) {
            return req->headers[i].value;
        }
    }
    return NULL;
}

/* Credentials of a vector: its own, else the file's. */
static void *
create_for_vector(const json_t *root, const json_t *vec)
{
    const json_t *cred = json_object_get(vec, "credentials");
    if (cred == NULL) {
        cred = json_object_get(root, "credentials");
    }
    return create_with(json_string_value(json_object_get(cred, "api_key")),
                       json_string_value(json_object_get(cred, "secret")), NULL,
                       0);
}

static void
test_entry_table_is_complete(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    assert_non_null(a);
    assert_int_equal(a->abi_version, XG_ADAPTER_ABI_VERSION);
    assert_int_equal(a->struct_size, sizeof(xg_adapter));
    assert_string_equal(a->venue, "binance");
    assert_string_equal(a->default_base_url, BASE_URL);
    assert_non_null(a->create);
    assert_non_null(a->destroy);
    assert_non_null(a->build);
    assert_non_null(a->parse);
    assert_non_null(a->limits);
    assert_non_null(a->sign);
    assert_ptr_equal(xg_adapter_entry(), a);
}

/* Every vector through sign(): prehash, signature and request. */
static void
test_sign_reproduces_every_vector(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    json_t *root = load_vectors();
    const json_t *vectors = json_object_get(root, "vectors");
    size_t i = 0;
    const json_t *vec = NULL;
    size_t checked = 0;

    assert_true(json_array_size(vectors) >= 4);
    json_array_foreach(vectors, i, vec)
    {
        const json_t *in = json_object_get(vec, "input");
        const json_t *params = json_object_get(in, "params");
        const json_t *exp = json_object_get(vec, "expected_request");
        const char *id = json_string_value(json_object_get(vec, "id"));
        xg_kv kv[16];
        size_t n = json_array_size(params);
        void *inst = create_for_vector(root, vec);
        xg_signed *out = calloc(1, sizeof(*out));
        assert_non_null(out);
        assert_true(n <= 16);

        for (size_t k = 0; k < n; k++) {
            kv[k].key =
                json_string_value(json_array_get(json_array_get(params, k), 0));
            kv[k].value =
                json_string_value(json_array_get(json_array_get(params, k), 1));
        }
        const json_t *rw = json_object_get(in, "recv_window_ms");
        xg_sign_input si = {
            json_string_value(json_object_get(in, "method")),
            json_string_value(json_object_get(in, "path")),
            NULL,
            kv,
            n,
            json_integer_value(json_object_get(in, "timestamp_ms")),
            json_is_integer(rw) ? json_integer_value(rw) : -1,
        };
        assert_int_equal(a->sign(inst, &si, out), XG_OK);
        assert_string_equal(out->prehash,
                            json_string_value(json_object_get(vec, "prehash")));
        assert_string_equal(out->signature, json_string_value(json_object_get(
                                                vec, "signature")));
        assert_string_equal(out->signed_passphrase, "");

        const xg_http_request *req = &out->request;
        const char *url = json_string_value(json_object_get(exp, "url"));
        const json_t *body = json_object_get(exp, "body");
        const json_t *headers = json_object_get(exp, "headers");
        assert_int_equal(strncmp(url, BASE_URL, strlen(BASE_URL)), 0);
        const char *target = url + strlen(BASE_URL);
        assert_string_equal(req->method,
                            json_string_value(json_object_get(exp, "method")));
        assert_int_equal(req->is_signed, 1);
        assert_string_equal(
            find_header(req, "X-MBX-APIKEY"),
            json_string_value(json_object_get(headers, "X-MBX-APIKEY")));

        if (strcmp(id, "binance-doc-01") == 0) {
            /* The doc's POST carries everything in the query string;
             * xgate sends the same signed bytes as a form body. */
            const char *q = strchr(target, '?');
            assert_non_null(q);
            assert_int_equal(strncmp(req->target, target, (size_t)(q - target)),
                             0);
            assert_string_equal(req->target, "/api/v3/order");
            assert_string_equal(req->body, q + 1);
            assert_int_equal(req->body_len, strlen(q + 1));
            assert_string_equal(find_header(req, "Content-Type"),
                                "application/x-www-form-urlencoded");
        } else if (json_is_string(body)) {
            assert_string_equal(req->target, target);
            assert_string_equal(req->body, json_string_value(body));
            assert_int_equal(req->body_len, json_string_length(body));
            assert_string_equal(
                find_header(req, "Content-Type"),
                json_string_value(json_object_get(headers, "Content-Type")));
            assert_int_equal(req->n_headers, 2);
        } else {
            assert_string_equal(req->target, target);
            assert_string_equal(req->body, "");
            assert_int_equal(req->body_len, 0);
            assert_null(find_header(req, "Content-Type"));
            assert_int_equal(req->n_headers, 1);
        }
        checked++;
        free(out);
        a->destroy(inst);
    }
    assert_int_equal(checked, json_array_size(vectors));
    json_decref(root);
}

static const json_t *
vector_by_id(const json_t *root, const char *id)
{
    size_t i = 0;
    const json_t *vec = NULL;
    json_array_foreach(json_object_get(root, "vectors"), i, vec)
    {
        if (strcmp(json_string_value(json_object_get(vec, "id")), id) == 0) {
            return vec;
        }
    }
    fail_msg("no vector %s", id);
    return NULL;
}

static xg_instrument
btcusdt(void)
{
    xg_instrument ins;
    memset(&ins, 0, sizeof(ins));
    xg_strlcpy(ins.symbol, "BTC/USDT", sizeof(ins.symbol));
    xg_strlcpy(ins.venue_symbol, "BTCUSDT", sizeof(ins.venue_symbol));
    return ins;
}

/* build() for the vector's order gives the vector's body byte for byte. */
static void
test_build_new_order_reproduces_vector_body(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    json_t *root = load_vectors();
    const json_t *vec = vector_by_id(root, "binance-s-01");
    const json_t *exp = json_object_get(vec, "expected_request");
    void *inst = create_for_vector(root, vec);
    xg_instrument ins = btcusdt();
    xg_order o;
    memset(&o, 0, sizeof(o));
    xg_strlcpy(o.client_id, "gw0001", sizeof(o.client_id));
    xg_strlcpy(o.symbol, "BTC/USDT", sizeof(o.symbol));
    o.side = XG_SIDE_BUY;
    o.type = XG_TYPE_LIMIT;
    o.tif = XG_TIF_GTC;
    o.qty = (xg_decimal){1, 3};
    o.price = (xg_decimal){350005, 1};
    xg_op op = {XG_OP_NEW_ORDER, &ins, &o, "gw-0001", NULL, NULL, NULL, NULL};
    xg_http_request *req = calloc(1, sizeof(*req));
    assert_non_null(req);

    assert_int_equal(a->build(inst, &op, 1700000000000, req), XG_OK);
    assert_string_equal(req->method, "POST");
    assert_string_equal(req->target, "/api/v3/order");
    assert_string_equal(req->body,
                        json_string_value(json_object_get(exp, "body")));
    assert_int_equal(req->body_len, strlen(req->body));
    assert_string_equal(find_header(req, "X-MBX-APIKEY"),
                        json_string_value(json_object_get(
                            json_object_get(exp, "headers"), "X-MBX-APIKEY")));
    assert_string_equal(find_header(req, "Content-Type"),
                        "application/x-www-form-urlencoded");
    assert_int_equal(req->is_signed, 1);
    free(req);
    a->destroy(inst);
    json_decref(root);
}

static void
test_build_cancel_reproduces_vector_url(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    json_t *root = load_vectors();
    const json_t *vec = vector_by_id(root, "binance-s-02");
    const char *url = json_string_value(
        json_object_get(json_object_get(vec, "expected_request"), "url"));
    void *inst = create_for_vector(root, vec);
    xg_instrument ins = btcusdt();
    xg_op op = {
        XG_OP_CANCEL_ORDER, &ins, NULL, "gw-0001", NULL, NULL, NULL, NULL};
    xg_http_request *req = calloc(1, sizeof(*req));
    assert_non_null(req);

    assert_int_equal(a->build(inst, &op, 1700000001234, req), XG_OK);
    assert_string_equal(req->method, "DELETE");
    assert_string_equal(req->target, url + strlen(BASE_URL));
    assert_int_equal(req->body_len, 0);
    free(req);
    a->destroy(inst);
    json_decref(root);
}

/* Vector s-03 sends no recvWindow; build() always sends the configured
 * one, so the signature differs but must verify over what was sent. */
static void
test_build_query_signs_what_it_sends(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    json_t *root = load_vectors();
    const json_t *vec = vector_by_id(root, "binance-s-03");
    binance *b = create_for_vector(root, vec);
    xg_instrument ins = btcusdt();
    xg_op op = {
        XG_OP_QUERY_ORDER, &ins, NULL, "gw-0001", NULL, NULL, NULL, NULL};
    xg_http_request *req = calloc(1, sizeof(*req));
    char sig[XG_HEX_SHA256_LEN + 1];
    const char *prefix = "/api/v3/order?";
    const char *payload =
        "timestamp=1700000002500&symbol=BTCUSDT&origClientOrderId=gw-0001"
        "&recvWindow=5000";
    assert_non_null(req);

    assert_int_equal(a->build(b, &op, 1700000002500, req), XG_OK);
    assert_int_equal(binance_signature(b, payload, strlen(payload), sig),
                     XG_OK);
    char expect[512];
    snprintf(expect, sizeof(expect), "%s%s&signature=%s", prefix, payload, sig);
    assert_string_equal(req->method, "GET");
    assert_string_equal(req->target, expect);
    free(req);
    a->destroy(b);
    json_decref(root);
}

static void
test_sign_percent_encodes_values(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    void *inst = create_with("k", "s", NULL, 0);
    xg_kv kv[] = {{"symbol", "A B/C&D=E"}, {"newClientOrderId", "x~y_z-1.2"}};
    xg_sign_input si = {"GET", "/api/v3/order", NULL, kv, 2, 1700000000000, -1};
    xg_signed *out = calloc(1, sizeof(*out));
    assert_non_null(out);

    assert_int_equal(a->sign(inst, &si, out), XG_OK);
    assert_string_equal(out->prehash,
                        "timestamp=1700000000000&symbol=A%20B%2FC%26D%3DE"
                        "&newClientOrderId=x~y_z-1.2");
    free(out);
    a->destroy(inst);
}

/* Parameters without timestamp/recvWindow get them where build() puts
 * them: timestamp first, recvWindow last. */
static void
test_sign_adds_missing_timestamp_and_recv_window(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    void *inst = create_with("k", "s", NULL, 0);
    xg_kv kv[] = {{"symbol", "BTCUSDT"}};
    xg_sign_input si = {"DELETE", "/api/v3/order", NULL, kv, 1, 42, 7000};
    xg_signed *out = calloc(1, sizeof(*out));
    assert_non_null(out);

    assert_int_equal(a->sign(inst, &si, out), XG_OK);
    assert_string_equal(out->prehash,
                        "timestamp=42&symbol=BTCUSDT&recvWindow=7000");
    assert_int_equal(strncmp(out->request.target,
                             "/api/v3/order?timestamp=42&symbol=BTCUSDT"
                             "&recvWindow=7000&signature=",
                             strlen("/api/v3/order?timestamp=42&symbol=BTCUSDT"
                                    "&recvWindow=7000&signature=")),
                     0);
    assert_int_equal(strlen(out->signature), XG_HEX_SHA256_LEN);
    free(out);
    a->destroy(inst);
}

static void
test_sign_refuses_unknown_method_and_bad_input(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    void *inst = create_with("k", "s", NULL, 0);
    xg_kv kv[] = {{"symbol", NULL}};
    xg_sign_input patch = {"PATCH", "/api/v3/order", NULL, NULL, 0, 1, -1};
    xg_sign_input nullval = {"GET", "/api/v3/order", NULL, kv, 1, 1, -1};
    xg_signed *out = calloc(1, sizeof(*out));
    assert_non_null(out);

    assert_int_equal(a->sign(inst, &patch, out), XG_ERR_INVALID);
    assert_int_equal(a->sign(inst, &nullval, out), XG_ERR_INVALID);
    assert_int_equal(a->sign(inst, NULL, out), XG_ERR_INVALID);
    free(out);
    a->destroy(inst);
}

/* A payload larger than the request's target is refused, not cut. */
static void
test_sign_refuses_payload_that_does_not_fit(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    void *inst = create_with("k", "s", NULL, 0);
    char *big = malloc(XG_HTTP_TARGET_MAX);
    assert_non_null(big);
    memset(big, 'a', XG_HTTP_TARGET_MAX - 1);
    big[XG_HTTP_TARGET_MAX - 1] = '\0';
    xg_kv kv[] = {{"symbol", big}};
    xg_sign_input si = {"GET", "/api/v3/order", NULL, kv, 1, 1, -1};
    xg_signed *out = calloc(1, sizeof(*out));
    assert_non_null(out);

    assert_int_equal(a->sign(inst, &si, out), XG_ERR_TRUNCATED);
    free(out);
    free(big);
    a->destroy(inst);
}

/* --- create ------------------------------------------------------------- */

static xg_err
try_create(const char *key, const char *secret, const xg_kv *opts, size_t n,
           char *err, size_t err_len, void **inst)
{
    const xg_adapter *a = xg_adapter_entry();
    xg_adapter_config cfg = {key, secret, NULL, opts, n};
    return a->create(&cfg, inst, err, err_len);
}

static void
test_create_refuses_missing_credentials(void **state)
{
    (void)state;
    char err[128];
    void *inst = (void *)&err;

    assert_int_equal(try_create(NULL, "s", NULL, 0, err, sizeof(err), &inst),
                     XG_ERR_SECRET);
    assert_null(inst);
    assert_non_null(strstr(err, "api_key"));
    assert_int_equal(try_create("k", NULL, NULL, 0, err, sizeof(err), &inst),
                     XG_ERR_SECRET);
    assert_non_null(strstr(err, "secret"));
    assert_int_equal(try_create("k", "", NULL, 0, err, sizeof(err), &inst),
                     XG_ERR_SECRET);
    assert_int_equal(try_create("", "s", NULL, 0, err, sizeof(err), &inst),
                     XG_ERR_SECRET);
    /* A key that could split the header is refused. */
    assert_int_equal(
        try_create("k\r\nX-Evil: 1", "s", NULL, 0, err, sizeof(err), &inst),
        XG_ERR_SECRET);
    assert_null(inst);
}

static void
test_create_names_unknown_option(void **state)
{
    (void)state;
    char err[128];
    void *inst = NULL;
    xg_kv opts[] = {{"recv_window_ms", "6000"}, {"recvwindow", "1"}};

    assert_int_equal(
        try_create("k", "TOPSECRET", opts, 2, err, sizeof(err), &inst),
        XG_ERR_CONFIG);
    assert_null(inst);
    assert_non_null(strstr(err, "recvwindow"));
    assert_null(strstr(err, "TOPSECRET"));
}

static void
test_create_checks_option_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        const char *value;
    } bad[] = {
        {"recv_window_ms", "0"},
        {"recv_window_ms", "60001"},
        {"recv_window_ms", "abc"},
        {"recv_window_ms", "-5"},
        {"recv_window_ms", ""},
        {"recv_window_ms", "5e3"},
        {"recv_window_ms", " 5000"},
        {"recv_window_ms", NULL},
        {"recv_window_ms", "99999999999999999999999"},
        {"cancel_reserve_pct", "51"},
        {"cancel_reserve_pct", "-1"},
        {"query_reserve_pct", "51"},
        {"query_reserve_pct", "x"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[128] = "";
        void *inst = NULL;
        xg_kv kv = {bad[i].key, bad[i].value};
        assert_int_equal(
            try_create("k", "SECRETVALUE", &kv, 1, err, sizeof(err), &inst),
            XG_ERR_CONFIG);
        assert_null(inst);
        assert_non_null(strstr(err, bad[i].key));
        assert_null(strstr(err, "SECRETVALUE"));
    }
}

static void
test_create_applies_options(void **state)
{
    (void)state;
    xg_kv opts[] = {{"recv_window_ms", "60000"},
                    {"cancel_reserve_pct", "0"},
                    {"query_reserve_pct", "50"}};
    binance *b = create_with("k", "s", opts, 3);

    assert_int_equal(b->recv_window_ms, 60000);
    assert_int_equal(b->cancel_reserve_pct, 0);
    assert_int_equal(b->query_reserve_pct, 50);
    assert_string_equal(b->api_key, "k");
    xg_adapter_entry()->destroy(b);

    b = create_with("k", "s", NULL, 0);
    assert_int_equal(b->recv_window_ms, 5000);
    assert_int_equal(b->cancel_reserve_pct, 5);
    assert_int_equal(b->query_reserve_pct, 10);
    assert_int_equal(b->has_venue_limits, 0);
    xg_adapter_entry()->destroy(b);
}

static void
test_destroy_accepts_null(void **state)
{
    (void)state;
    xg_adapter_entry()->destroy(NULL);
}

/* The built plug-in, loaded the way the core's loader does, exports its
 * table and signs like the linked-in objects. Skipped when the .so has not
 * been built (only the test target was). */
static void
test_plugin_loads_and_signs_like_the_objects(void **state)
{
    (void)state;
    const char *path = XG_ADAPTER_DIR "/xgate_binance.so";
    struct stat st;
    if (stat(path, &st) != 0) {
        print_message("skipped: %s not built\n", path);
        skip();
    }
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    assert_non_null(dl);
    xg_adapter_entry_fn entry = NULL;
    void *sym = dlsym(dl, XG_ADAPTER_ENTRY_SYMBOL);
    assert_non_null(sym);
    memcpy(&entry, &sym, sizeof(entry));
    const xg_adapter *a = entry();
    assert_int_equal(a->abi_version, XG_ADAPTER_ABI_VERSION);
    assert_int_equal(a->struct_size, sizeof(xg_adapter));
    assert_string_equal(a->venue, "binance");
    /* Nothing but the entry point is exported. */
    assert_null(dlsym(dl, "binance_sign"));
    assert_null(dlsym(dl, "xg_hmac_new"));

    xg_adapter_config cfg = {"k", "s", NULL, NULL, 0};
    char err[128];
    void *inst = NULL;
    xg_kv kv[] = {{"symbol", "BTCUSDT"}};
    xg_sign_input si = {"GET", "/api/v3/order", NULL, kv, 1, 1, 5000};
    xg_signed *x = calloc(1, sizeof(*x));
    xg_signed *y = calloc(1, sizeof(*y));
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(a->create(&cfg, &inst, err, sizeof(err)), XG_OK);
    assert_int_equal(a->sign(inst, &si, x), XG_OK);
    a->destroy(inst);
    void *local = create_with("k", "s", NULL, 0);
    assert_int_equal(xg_adapter_entry()->sign(local, &si, y), XG_OK);
    xg_adapter_entry()->destroy(local);
    assert_string_equal(x->signature, y->signature);
    assert_string_equal(x->request.target, y->request.target);
    free(x);
    free(y);
    dlclose(dl);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_table_is_complete),
        cmocka_unit_test(test_sign_reproduces_every_vector),
        cmocka_unit_test(test_build_new_order_reproduces_vector_body),
        cmocka_unit_test(test_build_cancel_reproduces_vector_url),
        cmocka_unit_test(test_build_query_signs_what_it_sends),
        cmocka_unit_test(test_sign_percent_encodes_values),
        cmocka_unit_test(test_sign_adds_missing_timestamp_and_recv_window),
        cmocka_unit_test(test_sign_refuses_unknown_method_and_bad_input),
        cmocka_unit_test(test_sign_refuses_payload_that_does_not_fit),
        cmocka_unit_test(test_create_refuses_missing_credentials),
        cmocka_unit_test(test_create_names_unknown_option),
        cmocka_unit_test(test_create_checks_option_ranges),
        cmocka_unit_test(test_create_applies_options),
        cmocka_unit_test(test_destroy_accepts_null),
        cmocka_unit_test(test_plugin_loads_and_signs_like_the_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
