/*
 * test_orders.c - the order table's two indexes: by the strategy's client
 * id and by the gateway id (what a venue's stream names an order by),
 * through adds, restores and the eviction of finished orders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "orders.h"

static uint32_t
add(xg__orders *o, const char *client_id)
{
    uint32_t slot = XG_ORDER_NONE;
    assert_int_equal(xg__orders_add(o, client_id, &slot), XG_OK);
    return slot;
}

static void
finish(xg__orders *o, uint32_t slot)
{
    xg__orders_get(o, slot)->status = XG_STATUS_FILLED;
    xg__orders_finished(o, slot);
}

static void
test_orders_find_by_client_id_and_by_gateway_id(void **state)
{
    (void)state;
    xg__orders *o = xg__orders_new(64, 1796640000000);
    assert_non_null(o);
    uint32_t slots[40];
    char gw[40][XG_GW_ID_LEN + 1];
    for (int i = 0; i < 40; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        slots[i] = add(o, id);
        memcpy(gw[i], xg__orders_get(o, slots[i])->gw_id, sizeof gw[i]);
    }
    for (int i = 0; i < 40; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        assert_int_equal(xg__orders_find(o, id), slots[i]);
        assert_int_equal(xg__orders_find_gw(o, gw[i]), slots[i]);
        /* A gateway id is never a client id of the table and back. */
        assert_int_equal(xg__orders_find(o, gw[i]), XG_ORDER_NONE);
        assert_int_equal(xg__orders_find_gw(o, id), XG_ORDER_NONE);
    }
    assert_int_equal(xg__orders_find_gw(o, "lq0abcde00000000"), XG_ORDER_NONE);
    xg__orders_destroy(&o);
}

/* A full table forgets its oldest finished order to take a new one:
 * both of its ids go, every other order is still found by both. */
static void
test_orders_eviction_removes_both_ids(void **state)
{
    (void)state;
    xg__orders *o = xg__orders_new(8, 1796640000000);
    assert_non_null(o);
    uint32_t slots[8];
    char gw[8][XG_GW_ID_LEN + 1];
    for (int i = 0; i < 8; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        slots[i] = add(o, id);
        memcpy(gw[i], xg__orders_get(o, slots[i])->gw_id, sizeof gw[i]);
    }
    finish(o, slots[3]);
    finish(o, slots[5]);
    uint32_t fresh = add(o, "new1");
    assert_int_equal(fresh, slots[3]);
    assert_int_equal(xg__orders_find(o, "c3"), XG_ORDER_NONE);
    assert_int_equal(xg__orders_find_gw(o, gw[3]), XG_ORDER_NONE);
    assert_int_equal(xg__orders_find_gw(o, xg__orders_get(o, fresh)->gw_id),
                     fresh);
    for (int i = 0; i < 8; i++) {
        if (i == 3) {
            continue;
        }
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        assert_int_equal(xg__orders_find(o, id), slots[i]);
        assert_int_equal(xg__orders_find_gw(o, gw[i]), slots[i]);
    }
    xg__orders_destroy(&o);
}

/* An order rebuilt from the journal keeps its gateway id and is found by
 * it. */
static void
test_orders_restored_order_is_found_by_its_gateway_id(void **state)
{
    (void)state;
    xg__orders *o = xg__orders_new(8, 1796640000000);
    assert_non_null(o);
    uint32_t slot = XG_ORDER_NONE;
    assert_int_equal(xg__orders_restore(o, "c1", "lq0abcde0000001a", &slot),
                     XG_OK);
    assert_int_equal(xg__orders_find_gw(o, "lq0abcde0000001a"), slot);
    assert_int_equal(xg__orders_find(o, "c1"), slot);
    assert_int_equal(xg__orders_restore(o, "c1", "lq0abcde0000001b", &slot),
                     XG_ERR_DUPLICATE_ID);
    assert_int_equal(xg__orders_find_gw(o, "lq0abcde0000001b"), XG_ORDER_NONE);
    xg__orders_destroy(&o);
}

/* A fill of trade_id, 0.001 at 34000. */
static xg_fill
fill_of(const char *trade_id)
{
    xg_fill f;
    memset(&f, 0, sizeof f);
    snprintf(f.trade_id, sizeof f.trade_id, "%s", trade_id);
    f.qty = (xg_decimal){1, 3};
    f.price = (xg_decimal){34000, 0};
    return f;
}

static int
note(xg__orders *o, uint32_t slot, int venue, const char *trade_id)
{
    xg_fill f = fill_of(trade_id);
    return xg__orders_note_fill(o, slot, venue, &f);
}

/* A fill is new once per (venue, trade id) of an order, and adds its
 * quantity once; the notes read back in the order noted; an evicted
 * order's notes go back to the pool, and the slot's next order starts
 * with none. */
static void
test_orders_note_each_fill_once_and_forget_it_with_the_order(void **state)
{
    (void)state;
    xg__orders *o = xg__orders_new(2, 1796640000000);
    assert_non_null(o);
    uint32_t a = add(o, "a");
    uint32_t b = add(o, "b");
    for (int i = 0; i < 3000; i++) {
        char t[16];
        snprintf(t, sizeof t, "%d", i);
        assert_int_equal(note(o, a, 0, t), 1);
    }
    assert_int_equal(note(o, a, 0, "17"), 0);
    assert_int_equal(note(o, a, 1, "17"), 1);
    assert_int_equal(note(o, a, 1, "17"), 0);
    assert_int_equal(note(o, b, 0, "17"), 1);
    assert_int_equal(note(o, b, 0, "17"), 0);
    /* 3,001 fills of 0.001 noted on a, in the order noted. */
    const xg__order_rec *ra = xg__orders_get(o, a);
    assert_int_equal(xg_decimal_cmp(ra->fills_qty, (xg_decimal){3001, 3}), 0);
    int i = 0;
    for (uint32_t at = xg__orders_fills_first(o, a); at != 0;
         at = xg__orders_fills_next(o, at), i++) {
        char t[16];
        snprintf(t, sizeof t, "%d", i < 3000 ? i : 17);
        assert_string_equal(xg__orders_fill(o, at)->trade_id, t);
    }
    assert_int_equal(i, 3001);

    finish(o, a);
    uint32_t c = add(o, "c"); /* takes a's slot */
    assert_int_equal(c, a);
    assert_int_equal(xg__orders_fills_first(o, c), 0);
    assert_int_equal(note(o, c, 0, "17"), 1);
    assert_int_equal(note(o, b, 0, "17"), 0);
    assert_string_equal(
        xg__orders_fill(o, xg__orders_fills_first(o, c))->trade_id, "17");
    xg__orders_destroy(&o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders_find_by_client_id_and_by_gateway_id),
        cmocka_unit_test(test_orders_eviction_removes_both_ids),
        cmocka_unit_test(test_orders_restored_order_is_found_by_its_gateway_id),
        cmocka_unit_test(
            test_orders_note_each_fill_once_and_forget_it_with_the_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
