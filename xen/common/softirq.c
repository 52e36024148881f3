/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Softirqs.  Each CPU has a word of pending bits, set atomically (by
 * interrupt handlers on that CPU or by other CPUs) and consumed by
 * do_softirq() on the owning CPU, lowest number first.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/softirq.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/processor.h>

static softirq_handler softirq_handlers[NR_SOFTIRQS];
static unsigned long pending[NR_CPUS];

void open_softirq(unsigned int nr, softirq_handler handler)
{
    BUG_ON(nr >= NR_SOFTIRQS);
    softirq_handlers[nr] = handler;
}

unsigned long softirq_pending(unsigned int cpu)
{
    return __atomic_load_n(&pending[cpu], __ATOMIC_ACQUIRE);
}

void raise_softirq(unsigned int nr)
{
    __atomic_fetch_or(&pending[smp_processor_id()], 1UL << nr,
                      __ATOMIC_SEQ_CST);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    unsigned long old = __atomic_fetch_or(&pending[cpu], 1UL << nr,
                                          __ATOMIC_SEQ_CST);

    /* A CPU with the bit already set has been woken already. */
    if ( cpu != smp_processor_id() && !(old & (1UL << nr)) )
        send_IPI_cpu(cpu, EVENT_CHECK_VECTOR);
}

void do_softirq(void)
{
    unsigned int cpu = smp_processor_id();
    unsigned long bits;

    local_irq_enable();
    while ( (bits = __atomic_exchange_n(&pending[cpu], 0,
                                        __ATOMIC_ACQ_REL)) )
    {
        unsigned int nr;

        for ( nr = 0; nr < NR_SOFTIRQS; nr++ )
            if ( (bits & (1UL << nr)) && softirq_handlers[nr] )
                softirq_handlers[nr]();
    }
}
