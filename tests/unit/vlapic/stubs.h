/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the vLAPIC, vIOAPIC and dispatcher call outside themselves, faked
 * for the host: a settable clock, timers the test fires by hand, the
 * scheduler and backend hooks recorded, the platform IOAPIC recorded.
 */
#ifndef VDEV_TEST_STUBS_H
#define VDEV_TEST_STUBS_H

#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/timer.h>
#include <asm/hvm/io.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/vioapic.h>
#include <xen/event.h>

/* The fake clock: NOW() returns it; the TSC runs at 2 GHz. */
extern s_time_t test_now;

extern unsigned int wake_count, sleep_count, apic_eoi_count;

/* Start-up IPIs seen by hvm_vcpu_reset_to_sipi(). */
extern struct vcpu *sipi_vcpu;
extern int sipi_vector;
extern unsigned int sipi_count;

/* Calls to the platform IOAPIC interface. */
extern unsigned int route_count;
extern unsigned int route_gsi;
extern u8 route_vector;
extern bool route_level, route_low;
extern irq_handler_t route_fn;
extern int route_rc;
extern unsigned int mask_count, unmask_count;
extern bool pin_masked[64];

/*
 * The event-channel upcall: each vCPU's vcpu_info (evtchn_vcpu_info()),
 * and hvm_assert_evtchn_irq() raising test_upcall_vector (0: none) in
 * the vCPU's vLAPIC, counted.
 */
extern struct vcpu_info test_vcpu_info[4];
extern u8 test_upcall_vector;
extern unsigned int upcall_assert_count;

/* Advance the clock to t's expiry and run it; false if not armed. */
bool fire_timer(struct timer *t);

/* A test domain with nr vCPUs (vLAPICs, vIOAPIC, dispatcher). */
struct test_dom {
    struct domain d;
    struct vcpu v[4];
    struct vcpu *vp[4];
};
void test_dom_init(struct test_dom *td, unsigned int nr, bool hwdom);
void test_dom_free(struct test_dom *td);

void stubs_reset(void);

#endif
