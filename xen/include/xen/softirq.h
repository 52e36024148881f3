/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Softirqs: deferred work run on the CPU it was raised on, outside the
 * interrupt handler, whenever that CPU passes through do_softirq() (the
 * idle loop, and later the return path to a guest).  Raising one for
 * another CPU also sends it an event-check IPI so that it leaves hlt.
 */
#ifndef XEN_SOFTIRQ_H
#define XEN_SOFTIRQ_H

#include <xen/types.h>

enum {
    TIMER_SOFTIRQ = 0,
    SCHEDULE_SOFTIRQ,
    NEW_TLBFLUSH_CLOCK_PERIOD_SOFTIRQ,
    RCU_SOFTIRQ,
    TASKLET_SOFTIRQ,
    NR_SOFTIRQS
};

typedef void (*softirq_handler)(void);

void open_softirq(unsigned int nr, softirq_handler handler);

/* Mark softirq nr pending on this CPU / on cpu (with a wake-up IPI). */
void raise_softirq(unsigned int nr);
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);

/* Run every pending softirq of this CPU; interrupts enabled on return. */
void do_softirq(void);

/* Bitmap of the softirqs pending on cpu. */
unsigned long softirq_pending(unsigned int cpu);

#endif /* XEN_SOFTIRQ_H */
