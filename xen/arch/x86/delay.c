/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Busy-wait delays.  Before the TSC is calibrated, PIT channel 2 counts
 * time (its gate and output are visible in port 0x61 on every PC).
 */
#include <xen/lib.h>
#include <xen/delay.h>
#include <xen/time.h>
#include <asm/io.h>
#include <asm/processor.h>

#define PIT_HZ 1193182UL

/* Set by time_init() once the TSC frequency is known (xen/time.h). */
unsigned long cpu_khz;

static void pit_wait_ticks(unsigned int ticks)
{
    u8 gate = inb(0x61);
    unsigned long guard = 0;

    outb((gate & ~0x02) | 0x01, 0x61);      /* gate on, speaker off */
    outb(0xb0, 0x43);                       /* ch2, lo/hi, mode 0 */
    outb(ticks & 0xff, 0x42);
    outb(ticks >> 8, 0x42);
    /* OUT2 (bit 5) rises at terminal count; bounded in case no PIT. */
    while ( !(inb(0x61) & 0x20) && ++guard < 100000000UL )
        cpu_relax();
    outb(gate, 0x61);
}

void udelay(unsigned long usecs)
{
    if ( cpu_khz )
    {
        u64 start = rdtsc(), ticks = usecs * cpu_khz / 1000;

        while ( rdtsc() - start < ticks )
            cpu_relax();
        return;
    }
    while ( usecs )
    {
        unsigned long chunk = usecs > 50000 ? 50000 : usecs;

        pit_wait_ticks(chunk * PIT_HZ / 1000000 ? : 1);
        usecs -= chunk;
    }
}

void mdelay(unsigned long msecs)
{
    while ( msecs-- )
        udelay(1000);
}
