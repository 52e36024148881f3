/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest time (arch/x86/guest_time.c) and the hypercalls that deal with
 * vCPUs, time, physical devices and the platform: vcpu_op
 * (common/vcpuop.c), physdev_op (arch/x86/physdev.c) and platform_op
 * (arch/x86/platform_op.c).
 *
 * A guest reads time from the vcpu_time_info in its vCPU's vcpu_info
 * (pvclock):
 *   ns = system_time + scale(tsc - tsc_timestamp, tsc_to_system_mul,
 *                            tsc_shift)
 * with the guest's TSC equal to the host's plus the vCPU's TSC offset.
 * The scale equals the one behind NOW() whenever the TSC runs at 1 GHz
 * or more, so the guest's clock and the hypervisor's timers agree to the
 * nanosecond and one update per vCPU would do; we update on
 * registration, on every timer hypercall and on every timer event.
 *
 * The wallclock in shared_info is the time of day at system time 0: the
 * CMOS RTC read once at boot minus NOW(), replaced by XENPF_settime64.
 */
#ifndef XEN_GUEST_TIME_H
#define XEN_GUEST_TIME_H

#include <xen/types.h>
#include <xen/time.h>

struct vcpu;
struct domain;

/* ---- Pure helpers (unit-tested on the host) ---- */

/*
 * tsc_to_system_mul / tsc_shift for a TSC of khz kHz: ns per tick is
 * 1e6 / khz = mul * 2^shift / 2^32.  0 kHz gives mul 0.
 */
void pvclock_scale_from_khz(u64 khz, u32 *mul, s8 *shift);

/* The guest's conversion: (delta shifted by shift) * mul >> 32. */
u64 pvclock_scale_delta(u64 delta, u32 mul, s8 shift);

/* Seconds since 1970-01-01 00:00:00 UTC of a Gregorian date and time. */
u64 guest_time_mktime(unsigned int year, unsigned int mon, unsigned int day,
                      unsigned int hour, unsigned int min, unsigned int sec);

/* ---- Hypervisor side ---- */

/*
 * Boot: read the RTC once for the wallclock and register vcpu_op,
 * physdev_op and platform_op.
 */
void guest_time_init(void);

/* Wallclock (ns since the epoch) at system time 0. */
u64 guest_wallclock_base(void);
/* XENPF_settime64: the time of day was sec.nsec at system time stime. */
void guest_wallclock_set(u64 sec, u32 nsec, s_time_t stime);
/* Copy the wallclock into d's shared_info (wc_version odd meanwhile). */
void update_domain_wallclock_time(struct domain *d);

/* Refresh v's vcpu_time_info (registered vcpu_info or shared_info). */
void update_vcpu_system_time(struct vcpu *v);

/*
 * Write v's runstate into the area it registered, if any.  For the
 * scheduler to call on every runstate change (see the report of the
 * vcpuop work); until then it runs on timer events and hypercalls.
 */
void vcpu_runstate_sync(struct vcpu *v);

/* The hypercalls. */
long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg,
                unsigned long a4, unsigned long a5);
long do_physdev_op(unsigned long cmd, unsigned long arg, unsigned long a3,
                   unsigned long a4, unsigned long a5);
long do_platform_op(unsigned long arg, unsigned long a2, unsigned long a3,
                    unsigned long a4, unsigned long a5);

/* Registration, called by guest_time_init(). */
void vcpu_op_init(void);
void physdev_op_init(void);
void platform_op_init(void);

#endif /* XEN_GUEST_TIME_H */
