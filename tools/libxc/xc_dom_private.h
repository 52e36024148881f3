/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the domain builder's files (xc_dom_*.c).  Static
 * inline: dom0 test programs (tests/dom0/xcdemo.c) #include several of
 * those files into one translation unit.
 */
#ifndef XC_DOM_PRIVATE_H
#define XC_DOM_PRIVATE_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

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

#endif /* XC_DOM_PRIVATE_H */
