/*
 * test_outbox.c - replies and events leave only once their turn's
 * journal frame is durable, whole turns in order (core/outbox.c).
 *
 * The events go through a real PUB socket to a SUB over inproc, so what
 * is checked is what a subscriber receives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <zmq.h>

#include "outbox.h"

typedef struct fixture {
    void *ctx, *pub, *sub;
    xg__outbox ob;
} fixture;

static int
setup(void **state)
{
    static fixture f;
    memset(&f, 0, sizeof f);
    f.ctx = zmq_ctx_new();
    f.pub = zmq_socket(f.ctx, ZMQ_PUB);
    f.sub = zmq_socket(f.ctx, ZMQ_SUB);
    assert_int_equal(zmq_bind(f.pub, "inproc://outbox"), 0);
    assert_int_equal(zmq_connect(f.sub, "inproc://outbox"), 0);
    assert_int_equal(zmq_setsockopt(f.sub, ZMQ_SUBSCRIBE, "", 0), 0);
    xg__outbox_init(&f.ob, NULL, f.pub);
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    xg__outbox_free(&f->ob);
    zmq_close(f->sub);
    zmq_close(f->pub);
    zmq_ctx_term(f->ctx);
    return 0;
}

static void
add_event(fixture *f, const char *body)
{
    xg__outbox_add(&f->ob, XG_OUTBOX_EVENT, "t", 1, 0, body, strlen(body));
}

/* The bodies of the events that arrive within timeout_ms, joined by
 * spaces, into out. */
static void
received(fixture *f, int timeout_ms, char *out, size_t cap)
{
    out[0] = '\0';
    zmq_pollitem_t it = {f->sub, 0, ZMQ_POLLIN, 0};
    while (zmq_poll(&it, 1, timeout_ms) == 1) {
        char topic[8], body[64];
        assert_true(zmq_recv(f->sub, topic, sizeof topic, 0) >= 0);
        int n = zmq_recv(f->sub, body, sizeof body - 1, 0);
        assert_true(n >= 0);
        body[n] = '\0';
        if (out[0] != '\0') {
            strncat(out, " ", cap - strlen(out) - 1);
        }
        strncat(out, body, cap - strlen(out) - 1);
        timeout_ms = 0;
    }
}

static void
test_outbox_sends_a_turn_only_once_its_frame_is_durable(void **state)
{
    fixture *f = *state;
    char got[256];

    /* The subscription reaches the PUB before anything is published. */
    add_event(f, "warm");
    xg__outbox_seal(&f->ob, 0);
    xg__outbox_flush(&f->ob, 0);
    for (int i = 0; i < 100; i++) {
        received(f, 10, got, sizeof got);
        if (got[0] != '\0') {
            break;
        }
        add_event(f, "warm");
        xg__outbox_seal(&f->ob, 0);
        xg__outbox_flush(&f->ob, 0);
    }

    add_event(f, "a1");
    add_event(f, "a2");
    xg__outbox_seal(&f->ob, 5);
    add_event(f, "b1");
    xg__outbox_seal(&f->ob, 6);
    /* A turn that wrote no frame waits for the last one written. */
    add_event(f, "c1");
    xg__outbox_seal(&f->ob, 6);
    add_event(f, "d1"); /* not sealed: its turn has not ended */

    xg__outbox_flush(&f->ob, 4);
    received(f, 50, got, sizeof got);
    assert_string_equal(got, "");
    xg__outbox_flush(&f->ob, 5);
    received(f, 50, got, sizeof got);
    assert_string_equal(got, "a1 a2");
    xg__outbox_flush(&f->ob, 100);
    received(f, 50, got, sizeof got);
    assert_string_equal(got, "b1 c1");
    xg__outbox_seal(&f->ob, 7);
    xg__outbox_flush(&f->ob, 7);
    received(f, 50, got, sizeof got);
    assert_string_equal(got, "d1");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_outbox_sends_a_turn_only_once_its_frame_is_durable, setup,
            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
