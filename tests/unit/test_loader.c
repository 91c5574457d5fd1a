/*
 * test_loader.c - the plug-in loader against the test-only mock adapters.
 *
 * tests/mock_adapter builds one good plug-in and one per broken promise of
 * the ABI (caps that cannot carry the gateway's client ids among them)
 * into XG_TEST_ADAPTER_DIR. Every refusal must come with the right
 * code, one line naming the file and the reason, an unchanged set and the
 * library closed again (RTLD_NOLOAD finds it no more).
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "loader.h"
#include "xgate/buf.h"

#ifndef XG_TEST_ADAPTER_DIR
#error "XG_TEST_ADAPTER_DIR must be set by tests/mock_adapter/CMakeLists.txt"
#endif

#define DIR  XG_TEST_ADAPTER_DIR
#define GOOD DIR "/xgate_mock.so"
#define TWIN DIR "/xgate_twin.so"

/* Too large for cmocka's default stack comfort; one per test run. */
static xg__plugins set;

static int
setup(void **state)
{
    (void)state;
    xg__plugins_init(&set);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    xg__plugins_fini(&set);
    return 0;
}

/* True if the library at path is currently loaded in this process. */
static int
is_loaded(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);

    if (h == NULL) {
        return 0;
    }
    dlclose(h); /* NOLOAD still took a reference */
    return 1;
}

/* A refusal line: starts with "<path>: ", holds reason, one line. */
static void
assert_refusal_line(const char *err, const char *path, const char *reason)
{
    size_t n = strlen(path);

    assert_true(strncmp(err, path, n) == 0);
    assert_true(strncmp(err + n, ": ", 2) == 0);
    if (strstr(err, reason) == NULL) {
        fail_msg("\"%s\" does not contain \"%s\"", err, reason);
    }
    assert_null(strchr(err, '\n'));
}

static void
test_loader_accepts_good_plugin_and_calls_through_table(void **state)
{
    static xg_signed out;
    static xg_http_request req;
    const xg__plugin *p = NULL;
    char err[512] = "";
    xg_adapter_config cfg = {"mockkey", "mocksecret", NULL, NULL, 0};
    xg_kv params[2] = {{"a", "1"}, {"b", "x"}};
    xg_sign_input in = {"GET", "/time", NULL, params, 2, 1700000000000, 5000};
    xg_bucket_spec specs[4];
    size_t n = 0;
    void *inst = NULL;

    (void)state;
    assert_int_equal(xg__plugins_load(&set, GOOD, &p, err, sizeof(err)), XG_OK);
    assert_string_equal(err, "");
    assert_non_null(p);
    assert_string_equal(p->path, GOOD);
    assert_string_equal(p->api->venue, "mock");
    assert_ptr_equal(xg__plugins_find(&set, "mock"), p);
    assert_null(xg__plugins_find(&set, "binance"));
    assert_true(is_loaded(GOOD));

    assert_int_equal(p->api->create(&cfg, &inst, err, sizeof(err)), XG_OK);
    assert_non_null(inst);

    assert_int_equal(p->api->limits(inst, specs, 4, &n), XG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(specs[0].name, "MOCK_REQUESTS_1S");
    assert_int_equal(specs[0].limit, 10);

    /* Expected values computed independently: Python hmac/hashlib. */
    assert_int_equal(p->api->sign(inst, &in, &out), XG_OK);
    assert_string_equal(out.prehash,
                        "1700000000000GET/time?a=1&b=x&recvWindow=5000");
    assert_string_equal(
        out.signature,
        "a4e0b28972a1390169b4c911bfe6b78e100ee12b08ff4c8bc51253122a342c05");
    assert_string_equal(out.request.target, "/time?a=1&b=x&recvWindow=5000");
    assert_int_equal(out.request.body_len, 0);

    xg_op op = {XG_OP_SERVER_TIME, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    memset(&req, 0, sizeof(req));
    assert_int_equal(p->api->build(inst, &op, 1700000000000, &req), XG_OK);
    assert_string_equal(req.method, "GET");
    assert_string_equal(req.target, "/time");
    assert_int_equal(req.n_costs, 1);
    assert_int_equal(req.costs[0].units, 1);

    xg_http_response resp = {200, NULL, 0, "1700000000123", 13};
    xg_result res;
    memset(&res, 0, sizeof(res));
    assert_int_equal(p->api->parse(inst, &op, &resp, NULL, &res), XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.server_time_ms, 1700000000123);

    p->api->destroy(inst);
    xg__plugins_fini(&set);
    assert_int_equal(set.n, 0);
    assert_false(is_loaded(GOOD));
}

static void
test_loader_load_venue_finds_file_by_venue(void **state)
{
    const xg__plugin *p = NULL;
    char err[512] = "";

    (void)state;
    assert_int_equal(
        xg__plugins_load_venue(&set, DIR, "mock", &p, err, sizeof(err)), XG_OK);
    assert_string_equal(p->path, GOOD);
    assert_string_equal(p->api->venue, "mock");
}

typedef struct refusal_case {
    const char *file;
    xg_err code;
    const char *reason;
} refusal_case;

static const refusal_case refusals[] = {
    {"mock_bad_abi.so", XG_ERR_ABI, "ABI version 99, this gateway speaks "},
    {"mock_bad_size.so", XG_ERR_ABI, "adapter table is "},
    {"mock_null_sign.so", XG_ERR_PLUGIN, "mandatory function sign is NULL"},
    {"mock_null_entry.so", XG_ERR_PLUGIN, "xg_adapter_entry() returned NULL"},
    {"mock_no_entry.so", XG_ERR_PLUGIN,
     "no xg_adapter_entry symbol, not an xgate adapter"},
    {"mock_bad_venue.so", XG_ERR_PLUGIN,
     "venue name \"Mock-1\" is not 1-15 characters [a-z0-9]"},
    {"mock_short_ids.so", XG_ERR_PLUGIN,
     "caps.client_id_max 16 is below the 17 characters of the gateway's "
     "client order ids"},
    {"mock_upper_ids.so", XG_ERR_PLUGIN,
     "caps.client_id_chars 0x5 lacks digits or lower-case letters"},
    {"mock_no_ban.so", XG_ERR_PLUGIN,
     "caps.default_ban_ms 0 is not at least 1"},
    {"mock_stream_no_entries.so", XG_ERR_PLUGIN,
     "caps.streams is set but not all of the five stream functions are set"},
    {"mock_stream_no_caps.so", XG_ERR_PLUGIN,
     "caps.streams is 0 but some of the five stream functions are set"},
    {"does_not_exist.so", XG_ERR_PLUGIN, "cannot load: "},
};

static void
test_loader_refuses_each_broken_plugin_and_closes_it(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        const refusal_case *c = &refusals[i];
        const xg__plugin *p = NULL;
        char path[1024];
        char err[1024] = "";
        xg_buf b;

        xg_buf_init(&b, path, sizeof(path));
        xg_buf_puts(&b, DIR "/");
        xg_buf_puts(&b, c->file);
        assert_int_equal(xg_buf_status(&b), XG_OK);

        xg_err rc = xg__plugins_load(&set, path, &p, err, sizeof(err));
        if (rc != c->code) {
            fail_msg("%s: got %s, want %s (%s)", c->file, xg_err_name(rc),
                     xg_err_name(c->code), err);
        }
        assert_refusal_line(err, path, c->reason);
        assert_null(p);
        assert_int_equal(set.n, 0);
        assert_false(is_loaded(path));
    }
}

static void
test_loader_refuses_file_that_is_not_elf(void **state)
{
    char path[] = "/tmp/xg_test_loader_XXXXXX";
    char err[1024] = "";
    const char junk[] = "this is not a shared object\n";
    int fd;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, junk, sizeof(junk) - 1),
                     (ssize_t)(sizeof(junk) - 1));
    close(fd);

    xg_err rc = xg__plugins_load(&set, path, NULL, err, sizeof(err));
    unlink(path);
    assert_int_equal(rc, XG_ERR_PLUGIN);
    assert_refusal_line(err, path, "cannot load: ");
    assert_int_equal(set.n, 0);
}

static void
test_loader_refuses_second_plugin_for_same_venue(void **state)
{
    const xg__plugin *p = NULL;
    char err[1024] = "";

    (void)state;
    assert_int_equal(xg__plugins_load(&set, GOOD, &p, err, sizeof(err)), XG_OK);

    /* Another file declaring the same venue. */
    assert_int_equal(xg__plugins_load(&set, TWIN, NULL, err, sizeof(err)),
                     XG_ERR_PLUGIN);
    assert_refusal_line(err, TWIN, "venue \"mock\" already loaded from " GOOD);
    assert_false(is_loaded(TWIN));

    /* The same file again: refused, and the first load stays usable. */
    assert_int_equal(xg__plugins_load(&set, GOOD, NULL, err, sizeof(err)),
                     XG_ERR_PLUGIN);
    assert_refusal_line(err, GOOD, "already loaded");
    assert_int_equal(set.n, 1);
    assert_true(is_loaded(GOOD));
    assert_ptr_equal(xg__plugins_find(&set, "mock"), p);
    assert_non_null(p->api->sign);
}

static void
test_loader_load_venue_refuses_file_declaring_other_venue(void **state)
{
    char err[1024] = "";

    (void)state;
    assert_int_equal(
        xg__plugins_load_venue(&set, DIR, "twin", NULL, err, sizeof(err)),
        XG_ERR_PLUGIN);
    assert_refusal_line(err, TWIN,
                        "declares venue \"mock\", expected \"twin\"");
    assert_int_equal(set.n, 0);
    assert_false(is_loaded(TWIN));
}

static void
test_loader_load_venue_refuses_bad_names_before_opening(void **state)
{
    static const char *const bad[] = {"../mock", "Mock", "", "abcdefghijklmnop",
                                      "mo ck"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[1024] = "";

        assert_int_equal(
            xg__plugins_load_venue(&set, DIR, bad[i], NULL, err, sizeof(err)),
            XG_ERR_PLUGIN);
        assert_refusal_line(err, DIR, "is not 1-15 characters [a-z0-9]");
    }
    assert_int_equal(set.n, 0);
    /* The longest valid name is fine as a name (there is just no file). */
    char err[1024] = "";
    assert_int_equal(xg__plugins_load_venue(&set, DIR, "abcdefghijklmno", NULL,
                                            err, sizeof(err)),
                     XG_ERR_PLUGIN);
    assert_refusal_line(err, DIR "/xgate_abcdefghijklmno.so", "cannot load");
}

static void
test_loader_refuses_when_set_is_full(void **state)
{
    static const xg_adapter fake = {.venue = "fake"};
    char err[1024] = "";
    size_t i;

    (void)state;
    /* Filling the set with real plug-ins would need 16 more builds; fake
     * entries are enough because the check comes before dlopen. */
    for (i = 0; i < XG_MAX_VENUES; i++) {
        set.items[i].api = &fake;
    }
    set.n = XG_MAX_VENUES;
    xg_err rc = xg__plugins_load(&set, GOOD, NULL, err, sizeof(err));
    set.n = 0; /* the fakes have no handles to close */
    assert_int_equal(rc, XG_ERR_PLUGIN);
    assert_refusal_line(err, GOOD, "16 adapters already loaded");
    assert_false(is_loaded(GOOD));
}

static void
test_loader_rejects_null_arguments_and_tolerates_no_err_buffer(void **state)
{
    char err[8];

    (void)state;
    assert_int_equal(xg__plugins_load(NULL, GOOD, NULL, NULL, 0),
                     XG_ERR_INVALID);
    assert_int_equal(xg__plugins_load(&set, NULL, NULL, NULL, 0),
                     XG_ERR_INVALID);
    assert_int_equal(xg__plugins_load_venue(&set, NULL, "mock", NULL, NULL, 0),
                     XG_ERR_INVALID);
    assert_int_equal(
        xg__plugins_load(&set, DIR "/mock_bad_abi.so", NULL, NULL, 0),
        XG_ERR_ABI);
    /* A short buffer gets a truncated, terminated line. */
    assert_int_equal(
        xg__plugins_load(&set, DIR "/mock_bad_abi.so", NULL, err, sizeof(err)),
        XG_ERR_ABI);
    assert_int_equal(strlen(err), sizeof(err) - 1);
    assert_null(xg__plugins_find(&set, NULL));
    assert_null(xg__plugins_find(NULL, "mock"));
}

static void
test_loader_venue_name_rule(void **state)
{
    (void)state;
    assert_true(xg__venue_name_is_valid("binance"));
    assert_true(xg__venue_name_is_valid("a"));
    assert_true(xg__venue_name_is_valid("x9"));
    assert_true(xg__venue_name_is_valid("abcdefghijklmno"));
    assert_false(xg__venue_name_is_valid("abcdefghijklmnop"));
    assert_false(xg__venue_name_is_valid(""));
    assert_false(xg__venue_name_is_valid(NULL));
    assert_false(xg__venue_name_is_valid("Binance"));
    assert_false(xg__venue_name_is_valid("bin-ance"));
    assert_false(xg__venue_name_is_valid("bin/ance"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_loader_accepts_good_plugin_and_calls_through_table, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_loader_load_venue_finds_file_by_venue, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_loader_refuses_each_broken_plugin_and_closes_it, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_loader_refuses_file_that_is_not_elf, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_loader_refuses_second_plugin_for_same_venue, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_loader_load_venue_refuses_file_declaring_other_venue, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_loader_load_venue_refuses_bad_names_before_opening, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_loader_refuses_when_set_is_full,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_loader_rejects_null_arguments_and_tolerates_no_err_buffer,
            setup, teardown),
        cmocka_unit_test(test_loader_venue_name_rule),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
