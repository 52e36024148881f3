/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Software timers.  Each CPU keeps its own list of timers ordered by
 * expiry; the LAPIC timer is programmed for the earliest one, and
 * expired timers run from TIMER_SOFTIRQ on the CPU they belong to, with
 * interrupts enabled.  A timer's function may re-arm it.
 */
#ifndef XEN_TIMER_H
#define XEN_TIMER_H

#include <xen/types.h>
#include <xen/time.h>

struct timer {
    s_time_t expires;
    void (*function)(void *data);
    void *data;
    unsigned int cpu;
    u8 status;                  /* TIMER_STATUS_* */
    struct timer *prev, *next;  /* in the owning CPU's sorted list */
};

#define TIMER_STATUS_invalid  0 /* not initialised, or killed */
#define TIMER_STATUS_inactive 1
#define TIMER_STATUS_in_list  2

/* Prepare t to call fn(data) on cpu; it is not armed. */
void init_timer(struct timer *t, void (*fn)(void *), void *data,
                unsigned int cpu);

/* Arm (or re-arm) t to fire at system time expires (NOW() based). */
void set_timer(struct timer *t, s_time_t expires);

/* Disarm t; no effect if it is not armed. */
void stop_timer(struct timer *t);

/*
 * Make t belong to CPU cpu from now on: an armed t moves to cpu's list
 * with its expiry, an idle one fires on cpu once armed again.
 * Safe against t's function running or re-arming t on the old CPU at
 * the same time.  No effect on a killed or never initialised t.
 */
void migrate_timer(struct timer *t, unsigned int cpu);

/* Disarm t for good; it must be init_timer()ed again before use. */
void kill_timer(struct timer *t);

static inline bool timer_is_active(const struct timer *t)
{
    return t->status == TIMER_STATUS_in_list;
}

/* Open TIMER_SOFTIRQ (once, on the BSP). */
void timer_init(void);

/* Run expired timers of this CPU and reprogram the hardware timer. */
void timer_softirq_action(void);

/*
 * Program this CPU's hardware one-shot for timeout (system time; 0 stops
 * it).  Provided by the LAPIC driver.  Returns false if timeout already
 * passed, in which case nothing was programmed.
 */
bool reprogram_timer(s_time_t timeout);

#endif /* XEN_TIMER_H */
