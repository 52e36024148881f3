/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest time: the pvclock in each vCPU's vcpu_time_info and the
 * wallclock in shared_info (see xen/guest_time.h).
 *
 * The pure arithmetic comes first; the unit tests include this file with
 * KEEL_HOST_TEST, which leaves out everything touching hardware.
 */
#include <xen/types.h>
#include <xen/guest_time.h>

void pvclock_scale_from_khz(u64 khz, u32 *mul, s8 *shift)
{
    int s = 0;
    u64 m;

    if ( !khz )
    {
        *mul = 0;
        *shift = 0;
        return;
    }

    /*
     * Above 1 GHz use exactly the multiplier of NOW() (time.c:
     * (1e6 << 32) / khz, below 2^32) with no shift, so that the guest's
     * clock and our timers never drift apart.  Slower TSCs need a
     * positive shift to keep mul below 2^32: the smallest s with
     * 1e6 < khz << s, which also keeps mul >= 2^31 (full precision).
     * (1e6 << 32 < 2^52: 64-bit division is enough; no libgcc here.)
     */
    while ( s < 31 && (khz << s) <= 1000000ULL )
        s++;
    m = (1000000ULL << 32) / (khz << s);
    *mul = m > 0xffffffffULL ? 0xffffffffU : (u32)m;
    *shift = (s8)s;
}

u64 pvclock_scale_delta(u64 delta, u32 mul, s8 shift)
{
    if ( shift < 0 )
        delta >>= -shift;
    else
        delta <<= shift;
    return (u64)(((unsigned __int128)delta * mul) >> 32);
}

/* Days from 1970-01-01 to year-mon-day (proleptic Gregorian). */
static u64 days_since_epoch(unsigned int year, unsigned int mon,
                            unsigned int day)
{
    /* Count years from March so that the leap day ends the year. */
    u64 y = year - (mon <= 2);
    u64 era_days;
    unsigned int m = mon <= 2 ? mon + 9 : mon - 3;     /* March = 0 */
    u64 doy = (153 * m + 2) / 5 + day - 1;

    era_days = y * 365 + y / 4 - y / 100 + y / 400 + doy;
    /* The same count for 1970-01-01 is 719468. */
    return era_days - 719468;
}

u64 guest_time_mktime(unsigned int year, unsigned int mon, unsigned int day,
                      unsigned int hour, unsigned int min, unsigned int sec)
{
    if ( year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31 )
        return 0;
    return days_since_epoch(year, mon, day) * 86400ULL +
           hour * 3600ULL + min * 60ULL + sec;
}

#ifndef KEEL_HOST_TEST

#include <xen/lib.h>
#include <xen/console.h>
#include <xen/sched.h>
#include <xen/mm.h>
#include <public/xen.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/spinlock.h>
#include <asm/hvm/vlapic.h>     /* hvm_guest_tsc_offset() */

static DEFINE_SPINLOCK(wc_lock);
static u64 wc_base_ns;          /* time of day at system time 0 */
static u32 pv_mul;
static s8 pv_shift;
static u8 pv_flags;

/* ---- CMOS RTC (MC146818, as on every PC) ---- */

#define RTC_PORT_INDEX  0x70
#define RTC_PORT_DATA   0x71
#define RTC_SECONDS     0x00
#define RTC_MINUTES     0x02
#define RTC_HOURS       0x04
#define RTC_DAY         0x07
#define RTC_MONTH       0x08
#define RTC_YEAR        0x09
#define RTC_REG_A       0x0a
#define  RTC_UIP        0x80    /* update in progress: values unstable */
#define RTC_REG_B       0x0b
#define  RTC_24H        0x02
#define  RTC_BINARY     0x04
#define RTC_CENTURY     0x32    /* ACPI FADT's usual century register */

static u8 cmos_read(u8 reg)
{
    /* Bit 7 of the index is the NMI mask: leave NMIs enabled. */
    outb(reg & 0x7f, RTC_PORT_INDEX);
    return inb(RTC_PORT_DATA);
}

static unsigned int bcd2bin(u8 v)
{
    return (v & 0x0f) + (v >> 4) * 10;
}

struct rtc_time {
    u8 sec, min, hour, day, mon, year, century;
};

static bool rtc_read_once(struct rtc_time *t)
{
    unsigned int i;

    /*
     * The update cycle starts at most 244 us after UIP goes 1 (MC146818
     * datasheet, "Update cycle"): read only when UIP is clear, bounded
     * to about one second (an update happens every second).
     */
    for ( i = 0; i < 1000000 && (cmos_read(RTC_REG_A) & RTC_UIP); i++ )
        cpu_relax();
    if ( cmos_read(RTC_REG_A) & RTC_UIP )
        return false;
    t->sec = cmos_read(RTC_SECONDS);
    t->min = cmos_read(RTC_MINUTES);
    t->hour = cmos_read(RTC_HOURS);
    t->day = cmos_read(RTC_DAY);
    t->mon = cmos_read(RTC_MONTH);
    t->year = cmos_read(RTC_YEAR);
    t->century = cmos_read(RTC_CENTURY);
    return true;
}

/* Seconds since the epoch from the RTC, 0 if it cannot be read. */
static u64 rtc_read_seconds(void)
{
    struct rtc_time a, b;
    unsigned int i, sec, min, hour, day, mon, year, century;
    bool pm;
    u8 regb;

    /* Two identical reads in a row: no update happened in between. */
    for ( i = 0; i < 10; i++ )
    {
        if ( !rtc_read_once(&a) || !rtc_read_once(&b) )
            return 0;
        if ( !__builtin_memcmp(&a, &b, sizeof(a)) )
            break;
    }
    if ( i == 10 )
        return 0;

    regb = cmos_read(RTC_REG_B);
    pm = !(regb & RTC_24H) && (a.hour & 0x80);
    a.hour &= 0x7f;
    if ( regb & RTC_BINARY )
    {
        sec = a.sec; min = a.min; hour = a.hour;
        day = a.day; mon = a.mon; year = a.year; century = a.century;
    }
    else
    {
        sec = bcd2bin(a.sec); min = bcd2bin(a.min); hour = bcd2bin(a.hour);
        day = bcd2bin(a.day); mon = bcd2bin(a.mon);
        year = bcd2bin(a.year); century = bcd2bin(a.century);
    }
    if ( !(regb & RTC_24H) )
        hour = (hour % 12) + (pm ? 12 : 0);
    /* An implausible century register: assume 20xx. */
    if ( century < 19 || century > 21 )
        century = 20;
    year += century * 100;
    if ( sec > 59 || min > 59 || hour > 23 )
        return 0;
    return guest_time_mktime(year, mon, day, hour, min, sec);
}

/* ---- Wallclock ---- */

u64 guest_wallclock_base(void)
{
    return __atomic_load_n(&wc_base_ns, __ATOMIC_RELAXED);
}

void update_domain_wallclock_time(struct domain *d)
{
    struct shared_info *s = d->shared_info;
    u64 base = guest_wallclock_base();
    unsigned long flags;

    if ( !s )
        return;
    flags = spin_lock_irqsave(&wc_lock);
    /* Odd while updating; readers retry (as for vcpu_time_info). */
    s->wc_version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_sec = (u32)(base / 1000000000ULL);
    s->wc_sec_hi = (u32)((base / 1000000000ULL) >> 32);
    s->wc_nsec = (u32)(base % 1000000000ULL);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_version++;
    spin_unlock_irqrestore(&wc_lock, flags);
}

void guest_wallclock_set(u64 sec, u32 nsec, s_time_t stime)
{
    u64 now_ns = sec * 1000000000ULL + nsec;
    struct domain *d;

    /* A time of day before system time 0 is meaningless: clamp. */
    if ( stime < 0 )
        stime = 0;
    __atomic_store_n(&wc_base_ns, now_ns > (u64)stime ? now_ns - stime : 0,
                     __ATOMIC_RELAXED);
    for ( d = domain_list; d; d = d->next_in_list )
        update_domain_wallclock_time(d);
}

/* ---- pvclock ---- */

void update_vcpu_system_time(struct vcpu *v)
{
    struct shared_info *s = v->domain->shared_info;
    struct vcpu_info *vi = v->vcpu_info;
    volatile struct vcpu_time_info *t;
    unsigned long flags;
    u64 tsc;
    s_time_t now;

    if ( !vi && s && v->vcpu_id < XEN_LEGACY_MAX_VCPUS )
        vi = &s->vcpu_info[v->vcpu_id];
    if ( !vi || !cpu_khz )
        return;
    t = &vi->time;

    /* A consistent (tsc, NOW()) pair: no interrupt in between. */
    flags = local_irq_save();
    tsc = rdtsc();
    now = NOW();
    local_irq_restore(flags);
    /*
     * NOW() is computed from its own rdtsc() a little later; the few
     * cycles in between only make the guest's clock lag by as much.
     */
    tsc += (u64)hvm_guest_tsc_offset(v);

    t->version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = tsc;
    t->system_time = (u64)now;
    t->tsc_to_system_mul = pv_mul;
    t->tsc_shift = pv_shift;
    t->flags = pv_flags;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version++;
}

/*
 * sched_switch_in_hook: v is about to run on this pCPU after something
 * else (or nothing) ran.  Its time info must be valid before the guest
 * first reads it: Linux takes the TSC frequency from vcpu_info[0].time of
 * shared_info right after mapping it, before it registers anything.
 */
static void guest_time_switch_in(struct vcpu *v)
{
    update_vcpu_system_time(v);
    update_domain_wallclock_time(v->domain);
}

void guest_time_init(void)
{
    u64 secs;
    s_time_t now;

    pvclock_scale_from_khz(cpu_khz, &pv_mul, &pv_shift);
    /*
     * Invariant TSC (CPUID 0x80000007 EDX bit 8): one rate on every CPU
     * and in every C/P-state; time.c already assumes the TSCs are
     * synchronised, so the guest may skip its cross-CPU monotonic fixup.
     */
    if ( cpuid_eax(0x80000000) >= 0x80000007 &&
         (cpuid_edx(0x80000007) & (1u << 8)) )
        pv_flags = XEN_PVCLOCK_TSC_STABLE_BIT;

    secs = rtc_read_seconds();
    now = NOW();
    if ( secs )
        guest_wallclock_set(secs, 0, now);
    printk(XENLOG_DEBUG "Guest time: tsc mul %#x shift %d%s, RTC %lu s\n",
           pv_mul, pv_shift, pv_flags ? " stable" : "",
           (unsigned long)secs);

    sched_switch_in_hook = guest_time_switch_in;
    vcpu_op_init();
    physdev_op_init();
    platform_op_init();
}

#endif /* KEEL_HOST_TEST */
