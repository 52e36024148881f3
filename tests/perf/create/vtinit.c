/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vtinit: the guest's /init in the create-time benchmark
 * (tests/perf/create_time.py).  It reads the TSC first thing and prints
 *
 *     vtinit: tsc=<n>
 *
 * on its console, then powers the guest off, so the guest's whole life
 * is kernel boot + this line.  Keel runs guests without a TSC offset
 * (and dom0 too), so the value is on the same clock as the TSC that
 * dom0's vtprobe read when it created the domain.
 *
 * With vtstay=1 on the kernel command line (the kernel hands unknown
 * name=value words to init as environment) it stays up instead: a guest
 * that occupies the host while others are created.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile ( "rdtsc" : "=a" (lo), "=d" (hi) );
    return ((uint64_t)hi << 32) | lo;
}

int main(void)
{
    uint64_t t = rdtsc();
    char buf[64];
    int n, fd = 1;

    /* The kernel opened /dev/console as fds 0-2 if it could. */
    if ( fcntl(1, F_GETFD) < 0 )
        fd = open("/dev/console", O_WRONLY);
    n = snprintf(buf, sizeof(buf), "vtinit: tsc=%llu\n",
                 (unsigned long long)t);
    if ( fd >= 0 && write(fd, buf, n) != n )
        return 1;
    if ( getenv("vtstay") )
        for ( ;; )
            pause();
    sync();
    reboot(RB_POWER_OFF);
    return 1;
}
