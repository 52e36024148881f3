/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System time from the TSC.  The BSP measures the TSC against PIT
 * channel 2 (gate and output in port 0x61, as on every PC since the AT)
 * once at boot; NOW() is then (rdtsc() - tsc at calibration) scaled to
 * nanoseconds with 32.32 fixed-point factors.  All CPUs use the BSP's
 * scale: the TSCs of one package (and QEMU's) tick together.
 *
 * Under QEMU TCG the TSC and the PIT both follow host time, so the
 * result varies from run to run; nothing may depend on an exact value.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/time.h>
#include <asm/io.h>
#include <asm/processor.h>

#define PIT_HZ          1193182UL
/*
 * 20 ms per run: a PIT tick (838 ns) is then 42 ppm of the result.  The
 * three runs are virtual time in deterministic emulation (-icount): at
 * 50 ms each they cost 150 ms of a 5 s boot.
 */
#define CALIBRATE_MS    20
#define CALIBRATE_LATCH (PIT_HZ * CALIBRATE_MS / 1000)

/* ns = (ticks * tsc_to_ns_mul) >> 32, ticks = (ns * ns_to_tsc_mul) >> 32 */
static u64 tsc_to_ns_mul, ns_to_tsc_mul;
static u64 boot_tsc;

u64 tsc_ticks_to_ns(u64 ticks)
{
    return ((unsigned __int128)ticks * tsc_to_ns_mul) >> 32;
}

u64 ns_to_tsc_ticks(u64 ns)
{
    return ((unsigned __int128)ns * ns_to_tsc_mul) >> 32;
}

s_time_t get_s_time(void)
{
    u64 now;

    if ( !tsc_to_ns_mul )
        return 0;
    now = rdtsc();
    /* A TSC read just before boot_tsc on another CPU: clamp to 0. */
    if ( now < boot_tsc )
        return 0;
    return tsc_ticks_to_ns(now - boot_tsc);
}

u64 stime_to_tsc(s_time_t t)
{
    return boot_tsc + ns_to_tsc_ticks(t < 0 ? 0 : t);
}

/*
 * Run PIT channel 2 in mode 0 (interrupt on terminal count) for
 * CALIBRATE_MS and count TSC ticks until OUT2 rises.  Returns the TSC
 * ticks elapsed, or 0 if the PIT never finished.
 */
static u64 pit_measure_tsc(void)
{
    u8 gate = inb(0x61);
    u64 start, end;
    unsigned long guard = 0;

    /* Gate high, speaker off (port 0x61 bits 0 and 1). */
    outb((gate & ~0x02) | 0x01, 0x61);
    outb(0xb0, 0x43);                   /* channel 2, lobyte/hibyte, mode 0 */
    outb(CALIBRATE_LATCH & 0xff, 0x42);
    outb(CALIBRATE_LATCH >> 8, 0x42);

    start = rdtsc();
    while ( !(inb(0x61) & 0x20) )
        if ( ++guard > 200000000UL )
        {
            outb(gate, 0x61);
            return 0;
        }
    end = rdtsc();

    outb(gate, 0x61);
    return end - start;
}

void time_init(void)
{
    u64 t[3], lo, hi, ticks;
    unsigned int i;

    /*
     * The median of three runs: a run is off when we were held up (an
     * SMI, or the emulator descheduling us) between the PIT and the TSC.
     */
    for ( i = 0; i < 3; i++ )
        if ( !(t[i] = pit_measure_tsc()) )
            panic("TSC calibration failed: PIT channel 2 does not count");
    lo = min(t[0], t[1]);
    hi = max(t[0], t[1]);
    ticks = t[2] < lo ? lo : t[2] > hi ? hi : t[2];

    cpu_khz = ticks * PIT_HZ / CALIBRATE_LATCH / 1000;
    if ( !cpu_khz )
        panic("TSC calibration gave 0 kHz");

    tsc_to_ns_mul = (1000000ULL << 32) / cpu_khz;
    ns_to_tsc_mul = ((u64)cpu_khz << 32) / 1000000ULL;
    boot_tsc = rdtsc();

    printk(XENLOG_INFO "Detected %lu.%03lu MHz processor.\n",
           cpu_khz / 1000, cpu_khz % 1000);
}
