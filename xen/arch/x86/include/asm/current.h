/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU state reachable from the stack pointer, as in Xen: every CPU's
 * stack is STACK_SIZE-aligned and struct cpu_info sits at its top, so
 * get_cpu_info() is a mask of %rsp and works in any context (faults,
 * early boot, NMIs) without a segment base.
 */
#ifndef ASM_CURRENT_H
#define ASM_CURRENT_H

#include <xen/types.h>
#include <asm/config.h>

struct vcpu;

struct cpu_info {
    unsigned int processor_id;
    unsigned int apic_id;
    struct vcpu *current_vcpu;
    unsigned long per_cpu_offset;
    unsigned long pad[5];       /* CPUINFO_SIZE bytes in all */
};

static inline struct cpu_info *get_cpu_info(void)
{
    unsigned long sp;

    __asm__ ( "mov %%rsp, %0" : "=r" (sp) );
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1) - 1;
}

#define smp_processor_id() (get_cpu_info()->processor_id)
#define current            (get_cpu_info()->current_vcpu)

#endif
