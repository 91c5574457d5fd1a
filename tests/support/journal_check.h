/*
 * journal_check.h - what the journal's tests share (test_journal,
 * test_turnlog, test_compactor): a scratch directory per test, and
 * field-by-field comparison of journal records, so a mismatch names the
 * field.
 */
#ifndef XGATE_TEST_JOURNAL_CHECK_H
#define XGATE_TEST_JOURNAL_CHECK_H

#include <stddef.h>

#include "journal.h"

/* A fresh directory /tmp/<prefix>XXXXXX into dir (cap bytes). 0 or -1. */
int xg_test_scratch_dir(char *dir, size_t cap, const char *prefix);

/* Remove path and everything below it; silent on what is not there. */
void xg_test_rm_tree(const char *path);

/* cmocka asserts that every field of a and b is equal. */
void xg_test_assert_order_equal(const xg__journal_order *a,
                                const xg__journal_order *b);
void xg_test_assert_attempt_equal(const xg__journal_attempt *a,
                                  const xg__journal_attempt *b);

#endif
