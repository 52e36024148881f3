/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host harness for the unit tests: cmocka plus stand-ins for the few
 * hypervisor services the code under test calls.
 *
 * printk() appends to a log (level prefixes such as "<1>" removed) that
 * tests search with test_log_contains() / test_log_count().  panic()
 * records its message and, inside TEST_EXPECT_PANIC(), returns control to
 * the test; anywhere else it fails the test run.
 */
#ifndef KEEL_UNIT_HARNESS_H
#define KEEL_UNIT_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <setjmp.h>
#include <cmocka.h>

#define TEST_LOG_SIZE 65536

void test_log_reset(void);
const char *test_log(void);
bool test_log_contains(const char *needle);
unsigned int test_log_count(const char *needle);
/* Number of lines logged since the last reset. */
unsigned int test_log_lines(void);

/*
 * The Debian vmlinuz that tests/rig/deps.sh caches (${KEEL_CACHE:-
 * ~/.cache/keel}/vmlinuz), read into a malloc()ed buffer; NULL if it is
 * not there (the caller then skips).
 */
void *test_load_debian_vmlinuz(size_t *len);

/* Where panic() jumps while armed (see TEST_EXPECT_PANIC). */
extern jmp_buf *test_panic_jmp;

#define TEST_EXPECT_PANIC(stmt) do {                                    \
        jmp_buf jb_;                                                    \
        test_panic_jmp = &jb_;                                          \
        if ( !setjmp(jb_) )                                             \
        {                                                               \
            stmt;                                                       \
            test_panic_jmp = NULL;                                      \
            fail_msg("expected a panic from %s", #stmt);                \
        }                                                               \
        test_panic_jmp = NULL;                                          \
    } while ( 0 )

/* Fail with the log shown, so a wrong message is easy to see. */
#define assert_log_contains(s) do {                                     \
        if ( !test_log_contains(s) )                                    \
            fail_msg("log lacks \"%s\"; log was:\n%s", (s), test_log()); \
    } while ( 0 )

#endif
