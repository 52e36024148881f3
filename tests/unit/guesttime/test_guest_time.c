/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvclock scale and conversion against exact 128-bit arithmetic, and the
 * RTC date conversion against a day-by-day count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <xen/guest_time.h>

typedef unsigned __int128 u128;

/* Deterministic xorshift for the random sweeps. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Exact nanoseconds of delta ticks at khz kHz, rounded down. */
static uint64_t exact_ns(uint64_t delta, uint64_t khz)
{
    return (uint64_t)(((u128)delta * 1000000ULL) / khz);
}

/* The frequencies the sweeps use: slow, around 1 GHz, fast, random. */
static uint64_t khz_at(unsigned int i)
{
    static const uint64_t fixed[] = {
        1, 1000, 14318, 100000, 499999, 500000, 999999, 1000000, 1000001,
        1193182, 1999999, 2000000, 2400000, 2899999, 3000000, 3700123,
        5000000, 9999999,
    };

    if ( i < sizeof(fixed) / sizeof(fixed[0]) )
        return fixed[i];
    return 1 + rnd() % 10000000ULL;
}

static void test_zero_khz(void **state)
{
    u32 mul = 123;
    s8 shift = 5;

    (void)state;
    pvclock_scale_from_khz(0, &mul, &shift);
    assert_int_equal(mul, 0);
    assert_int_equal(shift, 0);
    assert_int_equal(pvclock_scale_delta(12345, mul, shift), 0);
}

/* Full precision: mul in [2^31, 2^32) whenever a shift was needed. */
static void test_scale_precision(void **state)
{
    unsigned int i;

    (void)state;
    for ( i = 0; i < 2000; i++ )
    {
        uint64_t khz = khz_at(i);
        u32 mul;
        s8 shift;

        pvclock_scale_from_khz(khz, &mul, &shift);
        assert_true(shift >= 0 && shift <= 31);
        /* At exactly 1 GHz NOW()'s multiplier is 2^32: shift 1. */
        if ( khz > 1000000 )
            assert_int_equal(shift, 0);
        else
            assert_true(mul >= 0x80000000U);
        assert_true(mul != 0);
    }
}

/*
 * At 1 GHz and above the guest's conversion is exactly the one behind
 * NOW() (time.c: ticks * ((1e6 << 32) / khz) >> 32), so guest time and
 * hypervisor timers agree to the nanosecond.
 */
static void test_matches_now_scale(void **state)
{
    unsigned int i, j;

    (void)state;
    for ( i = 7; i < 1000; i++ )
    {
        uint64_t khz = khz_at(i);
        u64 now_mul;
        u32 mul;
        s8 shift;

        if ( khz <= 1000000 )
            continue;
        now_mul = ((u64)1000000 << 32) / khz;
        pvclock_scale_from_khz(khz, &mul, &shift);
        assert_int_equal(mul, now_mul);
        for ( j = 0; j < 200; j++ )
        {
            uint64_t d = rnd() >> (rnd() % 64);

            assert_int_equal(pvclock_scale_delta(d, mul, shift),
                             (uint64_t)(((u128)d * now_mul) >> 32));
        }
    }
}

/*
 * Against the exact value: mul is rounded down by less than one unit of
 * 2^-32 ns per (shifted) tick, so the result is never above it and below
 * by at most (delta << shift) / 2^32 + 1 ns (the final truncation): under
 * 1 ns per 4 s at 1 GHz.
 */
static void test_conversion_error(void **state)
{
    unsigned int i, j;

    (void)state;
    for ( i = 0; i < 2000; i++ )
    {
        uint64_t khz = khz_at(i);
        u32 mul;
        s8 shift;

        pvclock_scale_from_khz(khz, &mul, &shift);
        for ( j = 0; j < 100; j++ )
        {
            /* Up to about 2^40 ticks: minutes at GHz, days at MHz. */
            uint64_t d = rnd() >> (24 + rnd() % 40);
            uint64_t want = exact_ns(d, khz);
            uint64_t got = pvclock_scale_delta(d, mul, shift);
            uint64_t tol;

            if ( d > (~0ULL >> shift) )
                continue;           /* the guest never shifts that far */
            tol = ((d << shift) >> 32) + 2;
            assert_true(got <= want);
            assert_true(want - got <= tol);
        }
    }
}

static void test_scale_delta_shifts(void **state)
{
    (void)state;
    /* mul 2^31 is one half; shifts multiply or divide by powers of two. */
    assert_int_equal(pvclock_scale_delta(1000, 0x80000000U, 0), 500);
    assert_int_equal(pvclock_scale_delta(1000, 0x80000000U, 1), 1000);
    assert_int_equal(pvclock_scale_delta(1000, 0x80000000U, 3), 4000);
    assert_int_equal(pvclock_scale_delta(1000, 0x80000000U, -1), 250);
    assert_int_equal(pvclock_scale_delta(1001, 0x80000000U, -1), 250);
    assert_int_equal(pvclock_scale_delta(~0ULL, 0xffffffffU, 0),
                     (uint64_t)(((u128)~0ULL * 0xffffffffU) >> 32));
}

static void test_mktime_known(void **state)
{
    (void)state;
    assert_int_equal(guest_time_mktime(1970, 1, 1, 0, 0, 0), 0);
    assert_int_equal(guest_time_mktime(1970, 1, 2, 0, 0, 1), 86401);
    assert_int_equal(guest_time_mktime(2000, 3, 1, 0, 0, 0), 951868800ULL);
    assert_int_equal(guest_time_mktime(2024, 2, 29, 12, 34, 56),
                     1709210096ULL);
    assert_int_equal(guest_time_mktime(2038, 1, 19, 3, 14, 8),
                     2147483648ULL);
    assert_int_equal(guest_time_mktime(2100, 12, 31, 23, 59, 59),
                     4133980799ULL);
    /* Nonsense from a broken RTC gives 0 (no wallclock), not garbage. */
    assert_int_equal(guest_time_mktime(1969, 12, 31, 0, 0, 0), 0);
    assert_int_equal(guest_time_mktime(2020, 0, 1, 0, 0, 0), 0);
    assert_int_equal(guest_time_mktime(2020, 13, 1, 0, 0, 0), 0);
    assert_int_equal(guest_time_mktime(2020, 1, 0, 0, 0, 0), 0);
    assert_int_equal(guest_time_mktime(2020, 1, 32, 0, 0, 0), 0);
}

static bool leap(unsigned int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Every day from 1970 to 2199 against a running day count. */
static void test_mktime_every_day(void **state)
{
    static const unsigned int mdays[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    };
    uint64_t days = 0;
    unsigned int y, m, d;

    (void)state;
    for ( y = 1970; y < 2200; y++ )
        for ( m = 1; m <= 12; m++ )
        {
            unsigned int n = mdays[m - 1] + (m == 2 && leap(y));

            for ( d = 1; d <= n; d++, days++ )
                if ( guest_time_mktime(y, m, d, 23, 59, 58) !=
                     days * 86400 + 86398 )
                    fail_msg("%04u-%02u-%02u", y, m, d);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_khz),
        cmocka_unit_test(test_scale_precision),
        cmocka_unit_test(test_matches_now_scale),
        cmocka_unit_test(test_conversion_error),
        cmocka_unit_test(test_scale_delta_shifts),
        cmocka_unit_test(test_mktime_known),
        cmocka_unit_test(test_mktime_every_day),
    };

    return cmocka_run_group_tests_name("guesttime", tests, NULL, NULL);
}
