/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMP bring-up.  The BSP starts every enabled LAPIC listed in the MADT (up
 * to maxcpus=) with INIT-SIPI-SIPI through a real-mode trampoline in low
 * memory; each AP runs start_secondary() and ends in the idle loop.
 */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/cpumask.h>

/* Record a LAPIC from the MADT; returns its logical CPU number or -1. */
int smp_register_lapic(u32 apic_id, bool enabled);

/* Start the APs; prints "Brought up N CPUs". */
void smp_boot_cpus(void);

/* C entry of an AP, from the trampoline, on its own stack. */
void __noreturn start_secondary(void);

/* Number of logical CPUs known from the MADT (enabled ones). */
extern unsigned int nr_cpu_ids;

/* Every CPU ends here: run softirqs, halt when there is nothing to do. */
void __noreturn startup_cpu_idle_loop(void);

/* boot/trampoline.S: the real-mode blob and what it reads. */
extern const char trampoline_start[], trampoline_end[], trampoline_alive[];
extern u32 ap_cr3;
extern unsigned long ap_stack_top;

#endif /* ASM_SMP_H */
