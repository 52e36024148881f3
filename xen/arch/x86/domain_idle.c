/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The idle loop every CPU ends in.  Interrupts are disabled while we look
 * at the pending softirqs, and "sti; hlt" re-enables them in the
 * interrupt shadow of sti, so a wake-up IPI or timer interrupt that
 * arrives after the check still ends the hlt (Intel SDM vol. 2 STI).
 */
#include <xen/lib.h>
#include <xen/softirq.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <xen/sched.h>

void __noreturn startup_cpu_idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

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
