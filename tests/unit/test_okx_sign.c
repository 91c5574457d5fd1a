/*
 * test_okx_sign.c - the OKX adapter's entry table, instance creation,
 * ISO-8601 timestamps and signing, checked against the shared vectors.
 *
 * The vectors (tests/data/vectors/okx.json, a copy of
 * shared/vectors/okx.json) are run through the adapter the way the core
 * and tools/xg-vector reach it: xg_adapter_entry() -> create -> sign /
 * build. Every byte of prehash, signature, target, body and auth header is
 * compared, and build() of the vectors' operations must give the same
 * request as sign().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "okx.h"

#define VECTORS  XG_TEST_DATA_DIR "/vectors/okx.json"
#define BASE_URL "https://www.okx.com"

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
create_with(const char *key, const char *secret, const char *pass,
            const xg_kv *opts, size_t n_opts)
{
    const xg_adapter *a = xg_adapter_entry();
    xg_adapter_config cfg = {key, secret, pass, opts, n_opts};
    char err[128] = "";
    void *inst = NULL;
    assert_int_equal(a->create(&cfg, &inst, err, sizeof(err)), XG_OK);
    assert_non_null(inst);
    return inst;
}

static void *
create_for_vectors(const json_t *root)
{
    const json_t *cred = json_object_get(root, "credentials");
    return create_with(json_string_value(json_object_get(cred, "api_key")),
                       json_string_value(json_object_get(cred, "secret")),
                       json_string_value(json_object_get(cred, "passphrase")),
                       NULL, 0);
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

/* The vector's expected URL without the base. */
static const char *
vector_target(const json_t *exp)
{
    const char *url = json_string_value(json_object_get(exp, "url"));
    assert_non_null(url);
    assert_memory_equal(url, BASE_URL, strlen(BASE_URL));
    return url + strlen(BASE_URL);
}

/* The request matches the vector's method, target, body and headers. */
static void
assert_request_is_vector(const xg_http_request *req, const json_t *exp)
{
    const json_t *body = json_object_get(exp, "body");
    const char *name = NULL;
    const json_t *val = NULL;

    assert_string_equal(req->method,
                        json_string_value(json_object_get(exp, "method")));
    assert_string_equal(req->target, vector_target(exp));
    if (json_is_null(body)) {
        assert_int_equal(req->body_len, 0);
    } else {
        assert_string_equal(req->body, json_string_value(body));
        assert_int_equal(req->body_len, json_string_length(body));
    }
    json_object_foreach((json_t *)json_object_get(exp, "headers"), name, val)
    {
        const char *got = find_header(req, name);
        if (got == NULL) {
            fail_msg("header %s missing", name);
        }
        assert_string_equal(got, json_string_value(val));
    }
    assert_true(req->is_signed);
}

static void
test_entry_table_is_complete(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    assert_non_null(a);
    assert_int_equal(a->abi_version, XG_ADAPTER_ABI_VERSION);
    assert_int_equal(a->struct_size, sizeof(xg_adapter));
    assert_string_equal(a->venue, "okx");
    assert_string_equal(a->default_base_url, BASE_URL);
    assert_non_null(a->create);
    assert_non_null(a->destroy);
    assert_non_null(a->build);
    assert_non_null(a->parse);
    assert_non_null(a->limits);
    assert_non_null(a->sign);
}

static void
test_sign_reproduces_every_vector(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    json_t *root = load_vectors();
    const json_t *vectors = json_object_get(root, "vectors");
    const json_t *vec = NULL;
    size_t i = 0;
    void *inst = create_for_vectors(root);
    xg_signed *out = calloc(1, sizeof(*out));
    assert_non_null(out);

    assert_int_equal(json_array_size(vectors), 4);
    json_array_foreach(vectors, i, vec)
    {
        const json_t *in = json_object_get(vec, "input");
        const json_t *params = json_object_get(in, "params");
        xg_kv kv[16];
        size_t n = json_array_size(params);
        assert_true(n <= 16);
        for (size_t k = 0; k < n; k++) {
            kv[k].key =
                json_string_value(json_array_get(json_array_get(params, k), 0));
            kv[k].value =
                json_string_value(json_array_get(json_array_get(params, k), 1));
        }
        xg_sign_input si = {
            json_string_value(json_object_get(in, "method")),
            json_string_value(json_object_get(in, "path")),
            NULL,
            kv,
            n,
            json_integer_value(json_object_get(in, "timestamp_ms")),
            -1,
        };
        assert_int_equal(a->sign(inst, &si, out), XG_OK);
        assert_string_equal(out->prehash,
                            json_string_value(json_object_get(vec, "prehash")));
        assert_string_equal(out->signature, json_string_value(json_object_get(
                                                vec, "signature")));
        assert_string_equal(out->signed_passphrase, "");
        assert_request_is_vector(&out->request,
                                 json_object_get(vec, "expected_request"));
        /* The timestamp header is the vector's ISO form of its ms. */
        assert_string_equal(
            find_header(&out->request, "OK-ACCESS-TIMESTAMP"),
            json_string_value(json_object_get(in, "timestamp_iso")));
    }
    free(out);
    a->destroy(inst);
    json_decref(root);
}

static const xg_instrument *
btc_usdt(void)
{
    static xg_instrument ins;
    memset(&ins, 0, sizeof(ins));
    memcpy(ins.symbol, "BTC/USDT", 9);
    memcpy(ins.venue_symbol, "BTC-USDT", 9);
    ins.scope = 7;
    ins.is_trading = 1;
    return &ins;
}

/* The vector of id `id` from the file. */
static const json_t *
vector_by_id(const json_t *root, const char *id)
{
    const json_t *vec = NULL;
    size_t i = 0;
    json_array_foreach(json_object_get(root, "vectors"), i, vec)
    {
        if (strcmp(json_string_value(json_object_get(vec, "id")), id) == 0) {
            return vec;
        }
    }
    fail_msg("vector %s missing", id);
    return NULL;
}

static int64_t
vector_ms(const json_t *vec)
{
    return json_integer_value(
        json_object_get(json_object_get(vec, "input"), "timestamp_ms"));
}

/* build() uses the same signing code: the vectors' order, cancel and
 * query, built from xg_op, are the vectors' requests byte for byte. */
static void
test_build_gives_vector_requests(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    json_t *root = load_vectors();
    void *inst = create_for_vectors(root);
    xg_http_request *req = calloc(1, sizeof(*req));
    xg_order ord;
    assert_non_null(req);

    memset(&ord, 0, sizeof(ord));
    memcpy(ord.client_id, "gw0001", 7);
    memcpy(ord.symbol, "BTC/USDT", 9);
    ord.side = XG_SIDE_BUY;
    ord.type = XG_TYPE_LIMIT;
    ord.tif = XG_TIF_GTC;
    ord.price = (xg_decimal){350005, 1};
    ord.qty = (xg_decimal){1, 3};

    const json_t *v1 = vector_by_id(root, "okx-s-01");
    xg_op op = {
        XG_OP_NEW_ORDER, btc_usdt(), &ord, "gw0001", NULL, NULL, NULL, NULL};
    assert_int_equal(a->build(inst, &op, vector_ms(v1), req), XG_OK);
    assert_request_is_vector(req, json_object_get(v1, "expected_request"));

    const json_t *v2 = vector_by_id(root, "okx-s-02");
    memset(req, 0, sizeof(*req));
    xg_op cancel = {
        XG_OP_CANCEL_ORDER, btc_usdt(), NULL, "gw0001", NULL, NULL, NULL, NULL};
    assert_int_equal(a->build(inst, &cancel, vector_ms(v2), req), XG_OK);
    assert_request_is_vector(req, json_object_get(v2, "expected_request"));

    const json_t *v3 = vector_by_id(root, "okx-s-03");
    memset(req, 0, sizeof(*req));
    xg_op query = {
        XG_OP_QUERY_ORDER, btc_usdt(), NULL, "gw0001", NULL, NULL, NULL, NULL};
    assert_int_equal(a->build(inst, &query, vector_ms(v3), req), XG_OK);
    assert_request_is_vector(req, json_object_get(v3, "expected_request"));
    /* A GET carries no Content-Type and no body. */
    assert_null(find_header(req, "Content-Type"));

    free(req);
    a->destroy(inst);
    json_decref(root);
}

static void
assert_iso(int64_t ms, const char *want)
{
    char out[OKX_ISO_MAX];
    memset(out, 'x', sizeof(out));
    assert_int_equal(okx_iso8601(ms, out), XG_OK);
    assert_string_equal(out, want);
}

static void
test_iso8601_known_instants(void **state)
{
    (void)state;
    assert_iso(0, "1970-01-01T00:00:00.000Z");
    assert_iso(1700000000000, "2023-11-14T22:13:20.000Z");
    assert_iso(1700000001234, "2023-11-14T22:13:21.234Z");
    assert_iso(951782400000, "2000-02-29T00:00:00.000Z"); /* leap 400 */
    assert_iso(946684799999, "1999-12-31T23:59:59.999Z");
    assert_iso(1709251199999, "2024-02-29T23:59:59.999Z");
    assert_iso(4107542400000, "2100-03-01T00:00:00.000Z"); /* 2100: no 29th */
    assert_iso(253402300799999, "9999-12-31T23:59:59.999Z");
}

static void
test_iso8601_refuses_out_of_range(void **state)
{
    (void)state;
    char out[OKX_ISO_MAX];
    assert_int_equal(okx_iso8601(-1, out), XG_ERR_INVALID);
    assert_int_equal(okx_iso8601(INT64_MIN, out), XG_ERR_INVALID);
    assert_int_equal(okx_iso8601(253402300800000, out), XG_ERR_INVALID);
    assert_int_equal(okx_iso8601(INT64_MAX, out), XG_ERR_INVALID);
}

/* The integer conversion agrees with the C library's for one instant in
 * every day from 1970 to 2400 (the library is fine in a test; the adapter
 * may not use it). */
static void
test_iso8601_agrees_with_gmtime_over_centuries(void **state)
{
    (void)state;
    char out[OKX_ISO_MAX];
    char want[64];
    const int64_t day_ms = 86400000;
    for (int64_t d = 0; d < 157000; d++) {
        int64_t ms = d * day_ms + (d * 7919 % day_ms);
        time_t t = (time_t)(ms / 1000);
        struct tm tm;
        assert_non_null(gmtime_r(&t, &tm));
        snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, (int)(ms % 1000));
        assert_int_equal(okx_iso8601(ms, out), XG_OK);
        if (strcmp(out, want) != 0) {
            fail_msg("ms %lld: got %s want %s", (long long)ms, out, want);
        }
    }
}

static xg_err
create_err(const char *key, const char *secret, const char *pass,
           const xg_kv *opts, size_t n, char *err, size_t err_len)
{
    const xg_adapter *a = xg_adapter_entry();
    xg_adapter_config cfg = {key, secret, pass, opts, n};
    void *inst = (void *)1;
    xg_err rc = a->create(&cfg, &inst, err, err_len);
    if (rc == XG_OK) {
        a->destroy(inst);
    } else {
        assert_null(inst);
    }
    return rc;
}

static void
test_create_refuses_missing_credentials(void **state)
{
    (void)state;
    char err[160];
    assert_int_equal(create_err("k", "s", NULL, NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    assert_non_null(strstr(err, "passphrase"));
    assert_int_equal(create_err("k", "s", "", NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    assert_int_equal(create_err("", "s", "p", NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    assert_int_equal(create_err("k", NULL, "p", NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    /* A key or passphrase that could split a header. */
    assert_int_equal(
        create_err("k\r\nX: 1", "s", "p", NULL, 0, err, sizeof(err)),
        XG_ERR_SECRET);
    assert_int_equal(create_err("k", "s", "pa\nss", NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    assert_null(strstr(err, "pa\nss"));
    assert_int_equal(
        create_err("k", "s", "pass word", NULL, 0, err, sizeof(err)), XG_OK);
}

static void
test_create_refuses_unknown_option_by_name(void **state)
{
    (void)state;
    char err[160];
    xg_kv bad[] = {{"recvWindow", "5000"}};
    assert_int_equal(
        create_err("k", "topsecret", "mypass", bad, 1, err, sizeof(err)),
        XG_ERR_CONFIG);
    assert_non_null(strstr(err, "unknown option recvWindow"));
    assert_null(strstr(err, "topsecret"));
    assert_null(strstr(err, "mypass"));

    xg_kv range[] = {{"place_limit", "0"}};
    assert_int_equal(create_err("k", "s", "p", range, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_non_null(strstr(err, "place_limit"));
    xg_kv junk[] = {{"window_ms", "2e3"}};
    assert_int_equal(create_err("k", "s", "p", junk, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    xg_kv big[] = {{"query_reserve_pct", "51"}};
    assert_int_equal(create_err("k", "s", "p", big, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    xg_kv flag[] = {{"simulated_trading", "yes"}};
    assert_int_equal(create_err("k", "s", "p", flag, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    xg_kv noval[] = {{"window_ms", NULL}};
    assert_int_equal(create_err("k", "s", "p", noval, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    xg_kv noname[] = {{NULL, "1"}};
    assert_int_equal(create_err("k", "s", "p", noname, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
}

/* recv_window_ms becomes OKX's expTime header (timestamp + window);
 * simulated_trading adds the demo header. */
static void
test_options_add_exptime_and_demo_headers(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    xg_kv opts[] = {{"recv_window_ms", "5000"}, {"simulated_trading", "true"}};
    void *inst = create_with("k", "s", "p", opts, 2);
    xg_http_request *req = calloc(1, sizeof(*req));
    assert_non_null(req);
    xg_op op = {
        XG_OP_QUERY_ORDER, btc_usdt(), NULL, "gw0001", NULL, NULL, NULL, NULL};
    assert_int_equal(a->build(inst, &op, 1700000000000, req), XG_OK);
    assert_string_equal(find_header(req, "expTime"), "1700000005000");
    assert_string_equal(find_header(req, "x-simulated-trading"), "1");
    a->destroy(inst);

    inst = create_with("k", "s", "p", NULL, 0);
    memset(req, 0, sizeof(*req));
    assert_int_equal(a->build(inst, &op, 1700000000000, req), XG_OK);
    assert_null(find_header(req, "expTime"));
    assert_null(find_header(req, "x-simulated-trading"));
    /* The passphrase goes as it is, not hashed. */
    assert_string_equal(find_header(req, "OK-ACCESS-PASSPHRASE"), "p");
    free(req);
    a->destroy(inst);
}

static void
test_sign_refuses_bad_input(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    void *inst = create_with("k", "s", "p", NULL, 0);
    xg_signed *out = calloc(1, sizeof(*out));
    assert_non_null(out);
    xg_kv kv[] = {{"a", NULL}};
    xg_sign_input del = {"DELETE", "/x", NULL, NULL, 0, 1700000000000, -1};
    assert_int_equal(a->sign(inst, &del, out), XG_ERR_INVALID);
    xg_sign_input nullval = {"GET", "/x", NULL, kv, 1, 1700000000000, -1};
    assert_int_equal(a->sign(inst, &nullval, out), XG_ERR_INVALID);
    xg_sign_input neg = {"GET", "/x", NULL, NULL, 0, -5, -1};
    assert_int_equal(a->sign(inst, &neg, out), XG_ERR_INVALID);
    assert_int_equal(a->sign(NULL, &neg, out), XG_ERR_INVALID);
    /* A parameter too large for the body is refused, not cut. */
    char *big = malloc(XG_HTTP_BODY_MAX + 10);
    assert_non_null(big);
    memset(big, 'a', XG_HTTP_BODY_MAX + 9);
    big[XG_HTTP_BODY_MAX + 9] = '\0';
    xg_kv huge[] = {{"instId", big}};
    xg_sign_input post = {"POST", "/x", NULL, huge, 1, 1700000000000, -1};
    assert_int_equal(a->sign(inst, &post, out), XG_ERR_TRUNCATED);
    free(big);
    /* JSON escaping: a quote in a value cannot break out of the body. */
    xg_kv quote[] = {{"instId", "A\"B"}};
    xg_sign_input q = {"POST", "/x", NULL, quote, 1, 1700000000000, -1};
    assert_int_equal(a->sign(inst, &q, out), XG_OK);
    assert_string_equal(out->request.body, "{\"instId\":\"A\\\"B\"}");
    free(out);
    a->destroy(inst);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_table_is_complete),
        cmocka_unit_test(test_sign_reproduces_every_vector),
        cmocka_unit_test(test_build_gives_vector_requests),
        cmocka_unit_test(test_iso8601_known_instants),
        cmocka_unit_test(test_iso8601_refuses_out_of_range),
        cmocka_unit_test(test_iso8601_agrees_with_gmtime_over_centuries),
        cmocka_unit_test(test_create_refuses_missing_credentials),
        cmocka_unit_test(test_create_refuses_unknown_option_by_name),
        cmocka_unit_test(test_options_add_exptime_and_demo_headers),
        cmocka_unit_test(test_sign_refuses_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
