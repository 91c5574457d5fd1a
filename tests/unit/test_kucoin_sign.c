/*
 * test_kucoin_sign.c - the KuCoin adapter's entry table, instance creation
 * (credentials, signed passphrase, options) and signing, checked against
 * the shared signature vectors through sign() and through build().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "kucoin.h"

#define VECTORS  XG_TEST_DATA_DIR "/vectors/kucoin.json"
#define BASE_URL "https://api.kucoin.com"

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
create_from(const json_t *root)
{
    const json_t *cred = json_object_get(root, "credentials");
    xg_adapter_config cfg = {
        json_string_value(json_object_get(cred, "api_key")),
        json_string_value(json_object_get(cred, "secret")),
        json_string_value(json_object_get(cred, "passphrase")), NULL, 0};
    char err[128] = "";
    void *inst = NULL;
    assert_int_equal(xg_adapter_entry()->create(&cfg, &inst, err, sizeof(err)),
                     XG_OK);
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

/* The expected request's headers and body against req. */
static void
check_request(const json_t *vec, const xg_http_request *req)
{
    const json_t *exp = json_object_get(vec, "expected_request");
    const json_t *headers = json_object_get(exp, "headers");
    const json_t *body = json_object_get(exp, "body");
    const char *url = json_string_value(json_object_get(exp, "url"));
    const char *name = NULL;
    const json_t *val = NULL;

    assert_string_equal(req->method,
                        json_string_value(json_object_get(exp, "method")));
    assert_true(strncmp(url, BASE_URL, strlen(BASE_URL)) == 0);
    assert_string_equal(req->target, url + strlen(BASE_URL));
    json_object_foreach((json_t *)headers, name, val)
    {
        const char *got = find_header(req, name);
        assert_non_null(got);
        assert_string_equal(got, json_string_value(val));
    }
    if (json_is_null(body)) {
        assert_int_equal(req->body_len, 0);
        assert_null(find_header(req, "Content-Type"));
    } else {
        assert_int_equal(req->body_len, json_string_length(body));
        assert_memory_equal(req->body, json_string_value(body), req->body_len);
    }
    assert_true(req->is_signed);
}

static void
test_entry_table_is_complete(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    assert_int_equal(a->abi_version, XG_ADAPTER_ABI_VERSION);
    assert_int_equal(a->struct_size, sizeof(xg_adapter));
    assert_string_equal(a->venue, "kucoin");
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

    /* The four shared vectors and xgate's two (extra.py). */
    assert_int_equal(json_array_size(vectors), 6);
    json_array_foreach(vectors, i, vec)
    {
        const json_t *in = json_object_get(vec, "input");
        const json_t *params = json_object_get(in, "params");
        xg_kv kv[16];
        size_t n = json_array_size(params);
        void *inst = create_from(root);
        xg_signed *out = calloc(1, sizeof(*out));
        assert_non_null(out);
        assert_true(n <= 16);
        for (size_t p = 0; p < n; p++) {
            kv[p].key =
                json_string_value(json_array_get(json_array_get(params, p), 0));
            kv[p].value =
                json_string_value(json_array_get(json_array_get(params, p), 1));
        }
        xg_sign_input si = {
            json_string_value(json_object_get(in, "method")),
            json_string_value(json_object_get(in, "path")),
            json_string_value(json_object_get(in, "path_template")),
            kv,
            n,
            json_integer_value(json_object_get(in, "timestamp_ms")),
            -1};
        assert_int_equal(a->sign(inst, &si, out), XG_OK);
        assert_string_equal(out->prehash,
                            json_string_value(json_object_get(vec, "prehash")));
        assert_string_equal(out->signature, json_string_value(json_object_get(
                                                vec, "signature")));
        assert_string_equal(
            out->signed_passphrase,
            json_string_value(json_object_get(vec, "signed_passphrase")));
        check_request(vec, &out->request);
        free(out);
        a->destroy(inst);
    }
    json_decref(root);
}

/* A template naming a parameter that is missing, or one that does not
 * describe the given path, is refused rather than signed wrongly. */
static void
test_sign_refuses_inconsistent_template(void **state)
{
    (void)state;
    json_t *root = load_vectors();
    void *inst = create_from(root);
    xg_kv kv[] = {{"clientOid", "abc"}, {"symbol", "BTC-USDT"}};
    xg_signed *out = calloc(1, sizeof(*out));
    xg_sign_input si = {"GET",
                        "/api/v1/hf/orders/client-order/xyz",
                        "/api/v1/hf/orders/client-order/{clientOid}",
                        kv,
                        2,
                        1700000000000,
                        -1};

    assert_int_equal(kucoin_sign(inst, &si, out), XG_ERR_INVALID);
    si.path = "/api/v1/hf/orders/client-order/abc";
    si.path_template = "/api/v1/hf/orders/client-order/{orderId}";
    assert_int_equal(kucoin_sign(inst, &si, out), XG_ERR_INVALID);
    si.path_template = "/api/v1/hf/orders/client-order/{clientOid";
    assert_int_equal(kucoin_sign(inst, &si, out), XG_ERR_INVALID);
    si.path_template = "/api/v1/hf/orders/client-order/{clientOid}";
    si.method = "PUT";
    assert_int_equal(kucoin_sign(inst, &si, out), XG_ERR_INVALID);
    si.method = "GET";
    assert_int_equal(kucoin_sign(inst, &si, out), XG_OK);
    assert_string_equal(out->request.target,
                        "/api/v1/hf/orders/client-order/abc?symbol=BTC-USDT");
    free(out);
    xg_adapter_entry()->destroy(inst);
    json_decref(root);
}

/* A flag (postOnly, hidden, iceberg) goes into the body as a JSON boolean;
 * given as anything but "true" or "false" it is refused, never sent as a
 * string the venue would read differently. */
static void
test_sign_sends_flags_as_booleans(void **state)
{
    (void)state;
    json_t *root = load_vectors();
    void *inst = create_from(root);
    xg_kv kv[] = {
        {"clientOid", "abc"}, {"postOnly", "true"}, {"hidden", "false"}};
    xg_signed *out = calloc(1, sizeof(*out));
    xg_sign_input si = {"POST", "/api/v1/hf/orders", NULL, kv,
                        3,      1700000000000,       -1};
    const char *bad[] = {"True", "1", "", "yes"};

    assert_non_null(out);
    assert_int_equal(kucoin_sign(inst, &si, out), XG_OK);
    assert_string_equal(out->request.body,
                        "{\"clientOid\":\"abc\",\"postOnly\":true,"
                        "\"hidden\":false}");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        kv[2].value = bad[i];
        assert_int_equal(kucoin_sign(inst, &si, out), XG_ERR_INVALID);
    }
    free(out);
    xg_adapter_entry()->destroy(inst);
    json_decref(root);
}

/* build() of vector kucoin-s-01's order gives its body and signature, and
 * cancel/query give kucoin-s-02/03's targets and signatures. */
static void
test_build_matches_vectors(void **state)
{
    (void)state;
    json_t *root = load_vectors();
    const json_t *vectors = json_object_get(root, "vectors");
    void *inst = create_from(root);
    xg_instrument ins;
    xg_order o;
    xg_http_request req;
    xg_op op;

    memset(&ins, 0, sizeof(ins));
    memcpy(ins.symbol, "BTC/USDT", 9);
    memcpy(ins.venue_symbol, "BTC-USDT", 9);
    memset(&o, 0, sizeof(o));
    memcpy(o.client_id, "gw-0001", 8);
    memcpy(o.symbol, "BTC/USDT", 9);
    o.side = XG_SIDE_BUY;
    o.type = XG_TYPE_LIMIT;
    o.tif = XG_TIF_GTC;
    assert_int_equal(xg_decimal_parse("35000.5", 7, &o.price), XG_OK);
    assert_int_equal(xg_decimal_parse("0.001", 5, &o.qty), XG_OK);

    const xg_op_kind kinds[] = {XG_OP_NEW_ORDER, XG_OP_CANCEL_ORDER,
                                XG_OP_QUERY_ORDER};
    for (size_t v = 0; v < 3; v++) {
        const json_t *vec = json_array_get(vectors, v);
        int64_t ts = json_integer_value(
            json_object_get(json_object_get(vec, "input"), "timestamp_ms"));
        memset(&op, 0, sizeof(op));
        op.kind = kinds[v];
        op.instrument = &ins;
        op.order = kinds[v] == XG_OP_NEW_ORDER ? &o : NULL;
        op.client_id = "gw-0001";
        memset(&req, 0, sizeof(req));
        assert_int_equal(kucoin_build(inst, &op, ts, &req), XG_OK);
        check_request(vec, &req);
        assert_string_equal(
            find_header(&req, "KC-API-SIGN"),
            json_string_value(json_object_get(vec, "signature")));
    }
    xg_adapter_entry()->destroy(inst);
    json_decref(root);
}

static xg_err
try_create(const char *key, const char *secret, const char *pass,
           const xg_kv *opts, size_t n, char *err, size_t err_len)
{
    xg_adapter_config cfg = {key, secret, pass, opts, n};
    void *inst = NULL;
    xg_err rc = kucoin_create(&cfg, &inst, err, err_len);
    if (rc == XG_OK) {
        assert_non_null(inst);
        kucoin_destroy(inst);
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
    assert_int_equal(try_create(NULL, "s", "p", NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    assert_int_equal(try_create("k", "", "p", NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    assert_int_equal(try_create("k", "s", NULL, NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    assert_non_null(strstr(err, "passphrase missing"));
    assert_int_equal(try_create("k y", "s", "p", NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    assert_int_equal(try_create("k", "s", "p", NULL, 0, err, sizeof(err)),
                     XG_OK);
}

/* The signed passphrase is computed once, at create, from the secret. */
static void
test_create_signs_passphrase_once(void **state)
{
    (void)state;
    xg_adapter_config cfg = {"64f0c0ffee0000000000abcd",
                             "f00dbabe-1234-4321-aaaa-0123456789ab",
                             "SharedPass1", NULL, 0};
    void *inst = NULL;
    assert_int_equal(kucoin_create(&cfg, &inst, NULL, 0), XG_OK);
    assert_string_equal(((kucoin *)inst)->signed_passphrase,
                        "icX+M0A6EkP69sSfWK1q8ez7h8wvm/zj9WkPwHdamgs=");
    kucoin_destroy(inst);
}

static void
test_create_refuses_unknown_and_bad_options(void **state)
{
    (void)state;
    char err[160];
    const char *secret = "TOPSECRETVALUE";
    xg_kv unknown[] = {{"recv_window_ms", "5000"}};
    xg_kv bad[] = {{"spot_pool_limit", "0"}};
    xg_kv bad2[] = {{"cancel_reserve_pct", "51"}};
    xg_kv bad3[] = {{"pool_window_ms", "3e4"}};
    xg_kv good[] = {{"spot_pool_limit", "16000"},
                    {"public_pool_limit", "100"},
                    {"pool_window_ms", "2000"},
                    {"cancel_reserve_pct", "0"},
                    {"query_reserve_pct", "50"}};

    assert_int_equal(
        try_create("k", secret, "pp", unknown, 1, err, sizeof(err)),
        XG_ERR_CONFIG);
    assert_string_equal(err, "kucoin: unknown option recv_window_ms");
    assert_int_equal(try_create("k", secret, "pp", bad, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_non_null(strstr(err, "spot_pool_limit"));
    assert_int_equal(try_create("k", secret, "pp", bad2, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_int_equal(try_create("k", secret, "pp", bad3, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_null(strstr(err, secret));
    assert_int_equal(try_create("k", secret, "pp", good, 5, err, sizeof(err)),
                     XG_OK);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_table_is_complete),
        cmocka_unit_test(test_sign_reproduces_every_vector),
        cmocka_unit_test(test_sign_refuses_inconsistent_template),
        cmocka_unit_test(test_sign_sends_flags_as_booleans),
        cmocka_unit_test(test_build_matches_vectors),
        cmocka_unit_test(test_create_refuses_missing_credentials),
        cmocka_unit_test(test_create_signs_passphrase_once),
        cmocka_unit_test(test_create_refuses_unknown_and_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
