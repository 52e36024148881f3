/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System time.  s_time_t is nanoseconds since boot, read from the TSC
 * (calibrated against PIT channel 2 by time_init(); all CPUs share the
 * BSP's scale, the TSCs are assumed synchronised as on every
 * invariant-TSC machine and under QEMU).
 */
#ifndef XEN_TIME_H
#define XEN_TIME_H

#include <xen/types.h>

typedef s64 s_time_t;

#define SECONDS(s)    ((s_time_t)((s) * 1000000000ULL))
#define MILLISECS(ms) ((s_time_t)((ms) * 1000000ULL))
#define MICROSECS(us) ((s_time_t)((us) * 1000ULL))
#define STIME_MAX     ((s_time_t)((u64)~0ULL >> 1))

/* TSC frequency in kHz; 0 until time_init() ran. */
extern unsigned long cpu_khz;

/* Nanoseconds since the TSC was calibrated (0 before time_init()). */
s_time_t get_s_time(void);
#define NOW() get_s_time()

/* Nanoseconds <-> TSC ticks, with the calibrated scale. */
u64 tsc_ticks_to_ns(u64 ticks);
u64 ns_to_tsc_ticks(u64 ns);
/* The TSC value at system time t (for the TSC-deadline timer). */
u64 stime_to_tsc(s_time_t t);

/* BSP: calibrate the TSC against the PIT, set cpu_khz, start NOW(). */
void time_init(void);

#endif /* XEN_TIME_H */
