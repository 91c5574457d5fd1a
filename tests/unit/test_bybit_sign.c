/*
 * test_bybit_sign.c - the Bybit adapter's entry table, instance creation
 * and signing, checked against the shared signature vectors.
 *
 * The vectors (tests/data/vectors/bybit.json, a copy of
 * shared/vectors/bybit.json) are run through the adapter the way the core
 * and tools/xg-vector reach it: xg_adapter_entry() -> create -> sign /
 * build. Every byte of prehash, signature and request is compared, and
 * build() of the vectors' orders must give the vectors' bodies and
 * targets, so the gateway signs exactly as the vectors do.
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

#include "bybit.h"

#define VECTORS XG_TEST_DATA_DIR "/vectors/bybit.json"
#define KEY     "XBAPIsharedKEY01"
#define SECRET  "bYbItShArEdSeCrEt0123456789abcdefXYZ"

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

static void
test_entry_table_is_complete(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    assert_non_null(a);
    assert_int_equal(a->abi_version, XG_ADAPTER_ABI_VERSION);
    assert_int_equal(a->struct_size, sizeof(xg_adapter));
    assert_string_equal(a->venue, "bybit");
    assert_string_equal(a->default_base_url, "https://api.bybit.com");
    assert_non_null(a->create);
    assert_non_null(a->destroy);
    assert_non_null(a->build);
    assert_non_null(a->parse);
    assert_non_null(a->limits);
    assert_non_null(a->sign);
}

/* Every vector through sign(): prehash, signature, target, body, headers. */
static void
test_sign_reproduces_every_vector(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    json_t *root = load_vectors();
    const json_t *vectors = json_object_get(root, "vectors");
    const json_t *cred = json_object_get(root, "credentials");
    size_t i = 0;
    const json_t *vec = NULL;

    /* The four shared vectors and xgate's two (extra.py). */
    assert_int_equal(json_array_size(vectors), 6);
    json_array_foreach(vectors, i, vec)
    {
        const json_t *in = json_object_get(vec, "input");
        const json_t *params = json_object_get(in, "params");
        const json_t *exp = json_object_get(vec, "expected_request");
        const json_t *hdrs = json_object_get(exp, "headers");
        const json_t *body = json_object_get(exp, "body");
        const char *url = json_string_value(json_object_get(exp, "url"));
        xg_kv kv[16];
        size_t n = json_array_size(params);
        void *inst = create_with(
            json_string_value(json_object_get(cred, "api_key")),
            json_string_value(json_object_get(cred, "secret")), NULL, 0);
        xg_signed *out = calloc(1, sizeof(*out));
        const char *name = NULL;
        const json_t *val = NULL;

        assert_non_null(out);
        assert_true(n <= 16);
        for (size_t k = 0; k < n; k++) {
            const json_t *p = json_array_get(params, k);
            kv[k].key = json_string_value(json_array_get(p, 0));
            kv[k].value = json_string_value(json_array_get(p, 1));
        }
        xg_sign_input si = {
            json_string_value(json_object_get(in, "method")),
            json_string_value(json_object_get(in, "path")),
            NULL,
            kv,
            n,
            json_integer_value(json_object_get(in, "timestamp_ms")),
            json_integer_value(json_object_get(in, "recv_window_ms")),
        };
        assert_int_equal(a->sign(inst, &si, out), XG_OK);
        assert_string_equal(out->prehash,
                            json_string_value(json_object_get(vec, "prehash")));
        assert_string_equal(out->signature, json_string_value(json_object_get(
                                                vec, "signature")));
        assert_string_equal(out->request.method,
                            json_string_value(json_object_get(exp, "method")));
        assert_string_equal(out->request.target,
                            strstr(url, "bybit.com") + strlen("bybit.com"));
        if (json_is_null(body)) {
            assert_int_equal(out->request.body_len, 0);
        } else {
            assert_string_equal(out->request.body, json_string_value(body));
            assert_int_equal(out->request.body_len, json_string_length(body));
        }
        json_object_foreach((json_t *)hdrs, name, val)
        {
            const char *got = find_header(&out->request, name);
            assert_non_null(got);
            assert_string_equal(got, json_string_value(val));
        }
        assert_true(out->request.is_signed);
        free(out);
        a->destroy(inst);
    }
    json_decref(root);
}

static xg_instrument
btc(void)
{
    xg_instrument ins;
    memset(&ins, 0, sizeof(ins));
    memcpy(ins.symbol, "BTC/USDT", 9);
    memcpy(ins.venue_symbol, "BTCUSDT", 8);
    ins.tick_size = (xg_decimal){1, 1};
    ins.lot_size = (xg_decimal){1, 3};
    ins.is_trading = 1;
    return ins;
}

/* build() of the vectors' operations at the vectors' time gives their
 * bytes and signatures: the gateway signs the same way sign() does. */
static void
test_build_matches_vectors(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    json_t *root = load_vectors();
    void *inst = create_with(KEY, SECRET, NULL, 0);
    xg_instrument ins = btc();
    xg_order o;
    xg_http_request *req = calloc(1, sizeof(*req));
    const char *ids[] = {"bybit-s-01", "bybit-s-02", "bybit-s-03"};
    const xg_op_kind kinds[] = {XG_OP_NEW_ORDER, XG_OP_CANCEL_ORDER,
                                XG_OP_QUERY_ORDER};

    assert_non_null(req);
    memset(&o, 0, sizeof(o));
    o.side = XG_SIDE_BUY;
    o.type = XG_TYPE_LIMIT;
    o.tif = XG_TIF_GTC;
    assert_int_equal(xg_decimal_parse("0.001", 5, &o.qty), XG_OK);
    assert_int_equal(xg_decimal_parse("35000.5", 7, &o.price), XG_OK);
    for (size_t i = 0; i < 3; i++) {
        const json_t *vec = vector_by_id(root, ids[i]);
        const json_t *in = json_object_get(vec, "input");
        const json_t *exp = json_object_get(vec, "expected_request");
        const json_t *body = json_object_get(exp, "body");
        const char *url = json_string_value(json_object_get(exp, "url"));
        xg_op op = {kinds[i], &ins, &o, "gw-0001", NULL, NULL, NULL, NULL};

        memset(req, 0, sizeof(*req));
        assert_int_equal(
            a->build(inst, &op,
                     json_integer_value(json_object_get(in, "timestamp_ms")),
                     req),
            XG_OK);
        assert_string_equal(req->method,
                            json_string_value(json_object_get(exp, "method")));
        assert_string_equal(req->target,
                            strstr(url, "bybit.com") + strlen("bybit.com"));
        if (json_is_null(body)) {
            assert_int_equal(req->body_len, 0);
        } else {
            assert_string_equal(req->body, json_string_value(body));
        }
        assert_string_equal(
            find_header(req, "X-BAPI-SIGN"),
            json_string_value(json_object_get(vec, "signature")));
        assert_string_equal(find_header(req, "X-BAPI-RECV-WINDOW"), "5000");
    }
    free(req);
    a->destroy(inst);
    json_decref(root);
}

/* recv_window_ms from the options reaches the header and the prehash
 * (vector bybit-s-04 signs with 10000). */
static void
test_recv_window_option_is_signed(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    xg_kv opt = {"recv_window_ms", "10000"};
    void *inst = create_with(KEY, SECRET, &opt, 1);
    xg_instrument ins = btc();
    xg_http_request req;
    xg_op op = {
        XG_OP_QUERY_ORDER, &ins, NULL, "gw0002", NULL, NULL, NULL, NULL};

    memset(&req, 0, sizeof(req));
    assert_int_equal(a->build(inst, &op, 1700000003000, &req), XG_OK);
    assert_string_equal(find_header(&req, "X-BAPI-RECV-WINDOW"), "10000");
    assert_string_equal(find_header(&req, "X-BAPI-TIMESTAMP"), "1700000003000");
    a->destroy(inst);
}

/* Without a recv window the header is absent and the prehash has no
 * window part. */
static void
test_sign_without_recv_window_omits_it(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    void *inst = create_with(KEY, SECRET, NULL, 0);
    xg_kv kv[] = {{"category", "spot"}};
    xg_sign_input si = {"GET", "/v5/order/realtime", NULL, kv, 1, 42, -1};
    xg_signed *out = calloc(1, sizeof(*out));

    assert_non_null(out);
    assert_int_equal(a->sign(inst, &si, out), XG_OK);
    assert_string_equal(out->prehash, "42" KEY "category=spot");
    assert_null(find_header(&out->request, "X-BAPI-RECV-WINDOW"));
    assert_string_equal(out->request.target,
                        "/v5/order/realtime?category=spot");
    free(out);
    a->destroy(inst);
}

/* GET values go verbatim into the target and the prehash alike, a comma
 * included, as Bybit's own client sends them; a value that cannot go in
 * verbatim is refused, never escaped into bytes the venue would sign
 * differently. JSON bodies escape quotes. */
static void
test_sign_sends_get_values_verbatim(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    void *inst = create_with(KEY, SECRET, NULL, 0);
    xg_kv get_kv[] = {{"coin", "USDT,BTC"}, {"cursor", "3:0%2C3:0"}};
    xg_kv post_kv[] = {{"note", "say \"hi\"\\"}};
    xg_sign_input get = {"GET", "/p", NULL, get_kv, 2, 1, 5000};
    xg_sign_input post = {"POST", "/p", NULL, post_kv, 1, 1, 5000};
    xg_sign_input del = {"DELETE", "/p", NULL, NULL, 0, 1, 5000};
    xg_signed *out = calloc(1, sizeof(*out));
    const char *unsendable[] = {"A B", "a&b", "a=b", "a+b", "a#b", "\xc3\xa9"};

    assert_non_null(out);
    assert_int_equal(a->sign(inst, &get, out), XG_OK);
    assert_string_equal(out->request.target,
                        "/p?coin=USDT,BTC&cursor=3:0%2C3:0");
    assert_string_equal(out->prehash,
                        "1" KEY "5000coin=USDT,BTC&cursor=3:0%2C3:0");
    for (size_t i = 0; i < sizeof(unsendable) / sizeof(unsendable[0]); i++) {
        xg_kv kv[] = {{"symbol", unsendable[i]}};
        xg_sign_input in = {"GET", "/p", NULL, kv, 1, 1, 5000};
        assert_int_equal(a->sign(inst, &in, out), XG_ERR_INVALID);
    }
    assert_int_equal(a->sign(inst, &post, out), XG_OK);
    assert_string_equal(out->request.body, "{\"note\":\"say \\\"hi\\\"\\\\\"}");
    assert_int_equal(a->sign(inst, &del, out), XG_ERR_INVALID);
    xg_kv null_kv[] = {{"k", NULL}};
    xg_sign_input bad = {"GET", "/p", NULL, null_kv, 1, 1, 5000};
    assert_int_equal(a->sign(inst, &bad, out), XG_ERR_INVALID);
    assert_int_equal(a->sign(NULL, &get, out), XG_ERR_INVALID);
    free(out);
    a->destroy(inst);
}

/* A body too large for the request is refused, not cut. */
static void
test_sign_refuses_oversized_payload(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    void *inst = create_with(KEY, SECRET, NULL, 0);
    char *big = malloc(XG_HTTP_BODY_MAX + 10);
    xg_signed *out = calloc(1, sizeof(*out));

    assert_non_null(big);
    assert_non_null(out);
    memset(big, 'x', XG_HTTP_BODY_MAX + 9);
    big[XG_HTTP_BODY_MAX + 9] = '\0';
    xg_kv kv[] = {{"k", big}};
    xg_sign_input si = {"POST", "/p", NULL, kv, 1, 1, 5000};
    assert_int_equal(a->sign(inst, &si, out), XG_ERR_TRUNCATED);
    free(out);
    free(big);
    a->destroy(inst);
}

static xg_err
create_err(const char *key, const char *secret, const xg_kv *opts, size_t n,
           char *err, size_t cap)
{
    const xg_adapter *a = xg_adapter_entry();
    xg_adapter_config cfg = {key, secret, NULL, opts, n};
    void *inst = (void *)1;
    xg_err rc = a->create(&cfg, &inst, err, cap);
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
    assert_int_equal(create_err(NULL, SECRET, NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    assert_string_equal(err, "bybit: api_key missing");
    assert_int_equal(create_err(KEY, "", NULL, 0, err, sizeof(err)),
                     XG_ERR_SECRET);
    assert_string_equal(err, "bybit: secret missing");
    assert_int_equal(
        create_err("with space", SECRET, NULL, 0, err, sizeof(err)),
        XG_ERR_SECRET);
    assert_null(strstr(err, "with space"));
    assert_int_equal(xg_adapter_entry()->create(NULL, NULL, err, sizeof(err)),
                     XG_ERR_INVALID);
}

/* Unknown options are named; bad values name the option, never the
 * value or a credential. */
static void
test_create_refuses_bad_options(void **state)
{
    (void)state;
    char err[160];
    xg_kv unknown = {"recvWindow", "5000"};
    xg_kv bad = {"recv_window_ms", "5e3"};
    xg_kv big = {"create_per_s", "1001"};
    xg_kv zero = {"query_per_s", "0"};
    xg_kv pct = {"cancel_reserve_pct", "51"};
    xg_kv noname = {NULL, "1"};
    xg_kv ok[] = {{"recv_window_ms", "60000"}, {"cancel_reserve_pct", "0"},
                  {"query_reserve_pct", "50"}, {"create_per_s", "40"},
                  {"cancel_per_s", "40"},      {"query_per_s", "100"},
                  {"ip_limit", "1200"},        {"ip_window_ms", "5000"}};

    assert_int_equal(create_err(KEY, SECRET, &unknown, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_string_equal(err, "bybit: unknown option recvWindow");
    assert_int_equal(create_err(KEY, SECRET, &bad, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_string_equal(err, "bybit: option recv_window_ms must be an integer "
                             "1..60000");
    assert_int_equal(create_err(KEY, SECRET, &big, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_int_equal(create_err(KEY, SECRET, &zero, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_int_equal(create_err(KEY, SECRET, &pct, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_int_equal(create_err(KEY, SECRET, &noname, 1, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_int_equal(create_err(KEY, SECRET, NULL, 2, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_null(strstr(err, SECRET));
    assert_int_equal(create_err(KEY, SECRET, ok, 8, err, sizeof(err)), XG_OK);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_table_is_complete),
        cmocka_unit_test(test_sign_reproduces_every_vector),
        cmocka_unit_test(test_build_matches_vectors),
        cmocka_unit_test(test_recv_window_option_is_signed),
        cmocka_unit_test(test_sign_without_recv_window_omits_it),
        cmocka_unit_test(test_sign_sends_get_values_verbatim),
        cmocka_unit_test(test_sign_refuses_oversized_payload),
        cmocka_unit_test(test_create_refuses_missing_credentials),
        cmocka_unit_test(test_create_refuses_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
