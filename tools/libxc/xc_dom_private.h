/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the domain builder's files (xc_dom_*.c).  Static
 * inline: dom0 test programs (tests/dom0/xcdemo.c) #include several of
 * those files into one translation unit.
 */
#ifndef XC_DOM_PRIVATE_H
#define XC_DOM_PRIVATE_H

#include <emmintrin.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/mman.h>

#include <xenguest.h>

/* Format the builder's error message into err (XC_DOM_ERRLEN bytes). */
static inline void __attribute__((format(printf, 2, 3)))
xc_dom_errf(char *err, const char *fmt, ...)
{
    va_list ap;

    if ( !err )
        return;
    va_start(ap, fmt);
    vsnprintf(err, XC_DOM_ERRLEN, fmt, ap);
    va_end(ap);
}

/* Monotonic nanoseconds, for the phase timings. */
static inline uint64_t xc_dom_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Whether len bytes are all zero.  16-byte SSE2 loads (baseline x86-64):
 * under the benchmarks' instruction-counted time a byte loop would cost
 * 4 KiB instructions per page.
 */
static inline bool xc_dom_all_zero(const uint8_t *p, size_t len)
{
    const __m128i z = _mm_setzero_si128();

    for ( ; len >= 64; p += 64, len -= 64 )
    {
        __m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)p),
                                 _mm_loadu_si128((const __m128i *)(p + 16)));
        __m128i b = _mm_or_si128(_mm_loadu_si128((const __m128i *)(p + 32)),
                                 _mm_loadu_si128((const __m128i *)(p + 48)));

        if ( _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(a, b), z)) !=
             0xffff )
            return false;
    }
    for ( ; len; p++, len-- )
        if ( *p )
            return false;
    return true;
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22           /* Linux 5.14 */
#endif

/*
 * Make len bytes from p present in this process's page tables (the
 * hypervisor reads a keel_load_memory source through them and cannot
 * fault pages in): one madvise where the kernel has MADV_POPULATE_READ,
 * else a read of each page.
 */
static inline void xc_dom_populate_read(const void *p, size_t len)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;
    uintptr_t end = (uintptr_t)p + len;

    if ( !len )
        return;
    if ( !madvise((void *)a, end - a, MADV_POPULATE_READ) )
        return;
    for ( ; a < end; a += 4096 )
        (void)*(volatile const uint8_t *)(a < (uintptr_t)p ?
                                          (uintptr_t)p : a);
}

#endif /* XC_DOM_PRIVATE_H */
