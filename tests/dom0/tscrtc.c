/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tscrtc: when did this program start, in virtual time since machine reset?
 *
 * Under QEMU with "-icount shift=0,sleep=off -rtc clock=vm" both the TSC and
 * the CMOS RTC are clocked from virtual time.  The RTC's seconds register
 * changes at whole virtual seconds counted from the RTC base date
 * ("-rtc base=2000-01-01T00:00:00" makes that 946684800), so a seconds tick
 * is a point whose virtual time is known exactly.  The TSC is read once at
 * start (t0), then at two consecutive seconds ticks (t1, t2):
 *
 *     hz          = t2 - t1                    TSC counts per virtual second
 *     vtime(t0)   = (rtc1 - base) - (t1 - t0) / hz
 *
 * Only TSC differences enter the result, so it holds when a hypervisor runs
 * the guest with a TSC offset.  The naive t0 / hz (right only when the TSC
 * was 0 at reset) is printed too as a cross-check.
 *
 * Run as pid 1 (the initramfs' /init), it measures first thing and then
 * executes /init.sh (or the path in $TSCRTC_NEXT) so the boot goes on.
 *
 * The RTC is read through ports 0x70/0x71 (iopl(3)) as pid 1, else through
 * /dev/rtc0 (RTC_RD_TIME), each falling back to the other.
 *
 * Output, one machine-readable line the benchmark parses:
 *   tscrtc: result tsc0=<n> hz=<n> rtc=<epoch> base=<epoch>
 *           vt_rtc_us=<n|-> vt_tsc_us=<n> src=<port|dev>
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/rtc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BASE 946684800LL   /* 2000-01-01T00:00:00Z */
#define NEXT_INIT    "/init.sh"

/* MC146818 registers (datasheet "Address Map"). */
#define RTC_INDEX    0x70
#define RTC_DATA     0x71
#define REG_SEC      0x00
#define REG_MIN      0x02
#define REG_HOUR     0x04
#define REG_MDAY     0x07
#define REG_MON      0x08
#define REG_YEAR     0x09
#define REG_A        0x0a
#define REG_B        0x0b
#define REG_A_UIP    0x80
#define REG_B_24H    0x02
#define REG_B_BIN    0x04

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    /* lfence: do not let the read drift ahead of the poll that saw a tick */
    asm volatile ( "lfence; rdtsc" : "=a" (lo), "=d" (hi) :: "memory" );
    return ((uint64_t)hi << 32) | lo;
}

struct rtc_src {
    int use_ports;
    int fd;          /* /dev/rtc0 when !use_ports */
    int binary;      /* register B DM bit */
    int h24;
};

static unsigned int cmos_read(unsigned int reg)
{
    /* Bit 7 of the index port is the NMI mask on PCs: leave it clear. */
    outb(reg & 0x7f, RTC_INDEX);
    return inb(RTC_DATA);
}

static unsigned int from_bcd(const struct rtc_src *s, unsigned int v)
{
    return s->binary ? v : (v & 0x0f) + (v >> 4) * 10;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (y >= 1970). */
static long long days_from_civil(int y, int m, int d)
{
    static const int cum[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243,
                                 273, 304, 334 };
    long long days = 0;
    int yy;

    for ( yy = 1970; yy < y; yy++ )
        days += ((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0) ? 366 : 365;
    days += cum[(m - 1) % 12] + d - 1;
    if ( m > 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) )
        days++;
    return days;
}

/* Seconds register only: cheap enough to poll. */
static int rtc_seconds(struct rtc_src *s)
{
    struct rtc_time tm;

    if ( s->use_ports )
    {
        /*
         * A real MC146818 may show a half-updated time while UIP is set;
         * QEMU's never does, but then UIP costs one more read only.
         */
        if ( cmos_read(REG_A) & REG_A_UIP )
            return -1;
        return from_bcd(s, cmos_read(REG_SEC));
    }
    if ( ioctl(s->fd, RTC_RD_TIME, &tm) < 0 )
        return -1;
    return tm.tm_sec;
}

/* The whole date and time as seconds since the epoch, or -1. */
static long long rtc_epoch(struct rtc_src *s)
{
    int sec, min, hour, mday, mon, year;
    struct rtc_time tm;

    if ( s->use_ports )
    {
        unsigned int h;

        while ( cmos_read(REG_A) & REG_A_UIP )
            ;
        sec = from_bcd(s, cmos_read(REG_SEC));
        min = from_bcd(s, cmos_read(REG_MIN));
        h = cmos_read(REG_HOUR);
        mday = from_bcd(s, cmos_read(REG_MDAY));
        mon = from_bcd(s, cmos_read(REG_MON));
        year = from_bcd(s, cmos_read(REG_YEAR));
        /* 12-hour mode: bit 7 is PM, 12 AM is 0 h. */
        hour = from_bcd(s, h & 0x7f);
        if ( !s->h24 )
            hour = (hour % 12) + ((h & 0x80) ? 12 : 0);
        /* Two-digit year: the PC BIOS convention 80..99 -> 19xx. */
        year += year < 80 ? 2000 : 1900;
    }
    else
    {
        if ( ioctl(s->fd, RTC_RD_TIME, &tm) < 0 )
            return -1;
        sec = tm.tm_sec;
        min = tm.tm_min;
        hour = tm.tm_hour;
        mday = tm.tm_mday;
        mon = tm.tm_mon + 1;
        year = tm.tm_year + 1900;
    }
    if ( mon < 1 || mon > 12 || mday < 1 || mday > 31 || year < 1970 )
        return -1;
    return ((days_from_civil(year, mon, mday) * 24 + hour) * 60 + min) * 60
           + sec;
}

static int open_dev(struct rtc_src *s)
{
    s->use_ports = 0;
    s->fd = open("/dev/rtc0", O_RDONLY);
    if ( s->fd < 0 )
        s->fd = open("/dev/rtc", O_RDONLY);
    return s->fd < 0 ? -1 : 0;
}

static int open_ports(struct rtc_src *s)
{
    unsigned int b;

    if ( iopl(3) )
        return -1;
    b = cmos_read(REG_B);
    s->use_ports = 1;
    s->binary = !!(b & REG_B_BIN);
    s->h24 = !!(b & REG_B_24H);
    /* Nothing answering on the ports reads 0xff everywhere. */
    if ( b == 0xff && cmos_read(REG_A) == 0xff )
    {
        s->use_ports = 0;
        return -1;
    }
    return 0;
}

/*
 * As pid 1 (nothing else has started: no /dev yet) the ports are the only
 * way.  Otherwise /dev/rtc0 comes first: a process polling the ports with
 * iopl(3) hung Debian's 6.1 under QEMU TCG (observed: the guest stopped
 * within a second when tscrtc ran from a shell; the same loop as pid 1 was
 * fine), and the kernel's driver serialises with its own CMOS accesses.
 * TSCRTC_DEV=1 / TSCRTC_PORTS=1 force one of them.
 */
static int rtc_open(struct rtc_src *s)
{
    int dev_first = getpid() != 1;

    memset(s, 0, sizeof(*s));
    s->fd = -1;
    if ( getenv("TSCRTC_DEV") )
        return open_dev(s) ? (perror("tscrtc: /dev/rtc0"), -1) : 0;
    if ( getenv("TSCRTC_PORTS") )
        return open_ports(s) ? (perror("tscrtc: ports 0x70/0x71"), -1) : 0;
    if ( dev_first && !open_dev(s) )
        return 0;
    if ( !open_ports(s) )
        return 0;
    if ( !dev_first && !open_dev(s) )
        return 0;
    fprintf(stderr, "tscrtc: no RTC: neither ports 0x70/0x71 (iopl) nor "
            "/dev/rtc0 usable\n");
    return -1;
}

/*
 * Poll until the seconds register changes; return the TSC right after the
 * change was seen.  Gives up after max_tsc counts (a stuck RTC).
 */
static int wait_tick(struct rtc_src *s, uint64_t *tsc, uint64_t max_tsc)
{
    uint64_t start = rdtsc(), last = 0;
    int first = -1, now, debug = !!getenv("TSCRTC_DEBUG");

    while ( first < 0 )
    {
        first = rtc_seconds(s);
        if ( rdtsc() - start > max_tsc )
            return -1;
    }
    for ( ;; )
    {
        now = rtc_seconds(s);
        *tsc = rdtsc();
        if ( debug && ((*tsc - start) >> 28) != last )
        {
            last = (*tsc - start) >> 28;
            fprintf(stderr, "tscrtc: polling: seconds %d (first %d) tsc %llu\n",
                    now, first, (unsigned long long)*tsc);
        }
        if ( now >= 0 && now != first )
            return 0;
        if ( *tsc - start > max_tsc )
            return -1;
    }
}

static void usage(void)
{
    fprintf(stderr,
            "usage: tscrtc [--base EPOCH] [--ticks N]\n"
            "  Prints the virtual time at which it started, from the TSC\n"
            "  timed against CMOS RTC seconds ticks.  --base is the RTC's\n"
            "  date at reset (QEMU -rtc base=, default 2000-01-01, %lld).\n"
            "  As pid 1 it then executes $TSCRTC_NEXT or " NEXT_INIT ".\n",
            DEFAULT_BASE);
}

int main(int argc, char **argv)
{
    uint64_t t0 = rdtsc(), t1, t2, hz, limit;
    long long base = DEFAULT_BASE, rtc1, rtc2;
    struct rtc_src src;
    int ticks = 1, i, rc = 0;
    char vt_rtc[32];
    double vt_tsc;

    for ( i = 1; i < argc; i++ )
    {
        if ( !strcmp(argv[i], "--base") && i + 1 < argc )
            base = strtoll(argv[++i], NULL, 0);
        else if ( !strcmp(argv[i], "--ticks") && i + 1 < argc )
            ticks = atoi(argv[++i]);
        else if ( getpid() != 1 )
        {
            /* As init, argv holds whatever the kernel passed: ignore it. */
            usage();
            return 2;
        }
    }
    if ( ticks < 1 )
        ticks = 1;

    if ( rtc_open(&src) )
    {
        rc = 1;
        goto next;
    }

    /*
     * Bound each wait: 2^34 counts are >= 3 s at any TSC below 5.7 GHz and
     * 17 s at the 1 GHz of QEMU's icount mode.
     */
    limit = 1ULL << 34;
    if ( getenv("TSCRTC_DEBUG") )
        fprintf(stderr, "tscrtc: %s, reg B %#x, tsc %llu\n",
                src.use_ports ? "ports" : "dev",
                src.use_ports ? cmos_read(REG_B) : 0,
                (unsigned long long)rdtsc());
    if ( wait_tick(&src, &t1, limit) )
    {
        fprintf(stderr, "tscrtc: the RTC seconds did not tick\n");
        rc = 1;
        goto next;
    }
    rtc1 = rtc_epoch(&src);
    t2 = t1;
    for ( i = 0; i < ticks; i++ )
    {
        if ( wait_tick(&src, &t2, limit) )
        {
            fprintf(stderr, "tscrtc: the RTC seconds did not tick again\n");
            rc = 1;
            goto next;
        }
    }
    rtc2 = rtc_epoch(&src);
    hz = (t2 - t1) / ticks;

    /*
     * rtc1 was read just after the first tick: it names the second that
     * began at t1.  It must be within a day of the base to be meaningful
     * (otherwise QEMU was not given -rtc base=).
     */
    if ( rtc1 >= base && rtc1 - base < 86400 && rtc2 == rtc1 + ticks )
    {
        double v = (double)(rtc1 - base) - (double)(t1 - t0) / hz;

        snprintf(vt_rtc, sizeof(vt_rtc), "%lld", (long long)(v * 1e6));
        printf("tscrtc: started at %.6f s of virtual time (RTC)\n", v);
    }
    else
    {
        snprintf(vt_rtc, sizeof(vt_rtc), "-");
        printf("tscrtc: RTC reads %lld, not within a day after base %lld: "
               "no RTC-based time\n", rtc1, base);
    }
    vt_tsc = (double)t0 / hz;
    printf("tscrtc: TSC %llu at start, %llu per second: %.6f s if the TSC "
           "was 0 at reset\n", (unsigned long long)t0,
           (unsigned long long)hz, vt_tsc);
    printf("tscrtc: result tsc0=%llu hz=%llu rtc=%lld base=%lld "
           "vt_rtc_us=%s vt_tsc_us=%lld src=%s\n",
           (unsigned long long)t0, (unsigned long long)hz, rtc1, base,
           vt_rtc, (long long)(vt_tsc * 1e6),
           src.use_ports ? "port" : "dev");

 next:
    fflush(stdout);
    if ( getpid() == 1 )
    {
        const char *next = getenv("TSCRTC_NEXT");
        char *nargv[3];

        if ( !next )
            next = NEXT_INIT;
        nargv[0] = (char *)next;
        nargv[1] = NULL;
        execv(next, nargv);
        fprintf(stderr, "tscrtc: cannot execute %s: %s\n", next,
                strerror(errno));
        /* pid 1 must not exit: the kernel would panic. */
        for ( ;; )
            pause();
    }
    return rc;
}
