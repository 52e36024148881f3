/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The idle loop every CPU ends in.  Interrupts are disabled while we look
 * at the pending softirqs, and "sti; hlt" re-enables them in the
 * interrupt shadow of sti, so a wake-up IPI or timer interrupt that
 * arrives after the check still ends the hlt (Intel SDM vol. 2 STI).
 *
 * Once the scheduler runs, its loop (common/sched.c) is the idle loop;
 * sched_idle_hook gives it our background work: zeroing dirty free
 * memory, so that creating a domain need not (xen/mm.h, MEMF_zero).
 */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/softirq.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <xen/sched.h>

/*
 * One batch of scrubbing (page_alloc.c bounds it), only while nothing is
 * pending here: a softirq (a vCPU woken on this pCPU, a timer) ends the
 * work at the next batch.  Nothing to do costs one counter read.
 */
static bool idle_scrub(unsigned int cpu)
{
    if ( softirq_pending(cpu) )
        return false;
    return scrub_free_pages();
}

void __noreturn startup_cpu_idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

    /*
     * Not before the scheduler starts: until then the boot CPU builds
     * dom0, and under QEMU's round-robin vCPUs (the test rig) another
     * CPU's scrubbing would slow it down.
     */
    sched_idle_hook = idle_scrub;
    for ( ; ; )
    {
        /* Once dom0 exists, every pCPU runs vCPUs (common/sched.c). */
        if ( sched_started )
            schedule_and_run();
        local_irq_disable();
        if ( !softirq_pending(cpu) )
            safe_halt();
        else
            local_irq_enable();
        do_softirq();
    }
}
