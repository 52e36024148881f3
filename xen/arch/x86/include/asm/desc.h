/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Descriptor tables.  Every CPU has its own GDT (the selectors of
 * asm/config.h plus its 64-bit TSS descriptor) and TSS; the IDT is one
 * table for all CPUs, written once by trap_init() and read-only after.
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <asm/config.h>

/* IST slots (1-based, as in the gate's IST field). */
#define IST_DF   1
#define IST_NMI  2
#define IST_MCE  3
#define IST_MAX  3

/* GDT: null, CS64, DS, CS32, then the 16-byte TSS descriptor. */
#define GDT_ENTRIES  6

#ifndef __ASSEMBLY__

#include <xen/types.h>
#include <xen/compiler.h>

/* 64-bit TSS (Intel SDM vol. 3A 8.7, figure 8-11). */
struct tss64 {
    u32 _rsvd0;
    u64 rsp0, rsp1, rsp2;
    u64 _rsvd1;
    u64 ist[7];                 /* ist[0] is IST1 */
    u64 _rsvd2;
    u16 _rsvd3;
    u16 iomap_base;
} __packed;

/* 64-bit interrupt gate (Intel SDM vol. 3A 6.14.1, figure 6-8). */
struct idt_gate {
    u16 offset_lo;
    u16 selector;
    u8  ist;
    u8  type_attr;              /* P | DPL | type */
    u16 offset_mid;
    u32 offset_hi;
    u32 _rsvd;
} __packed;

struct desc_ptr {
    u16 limit;
    u64 base;
} __packed;

extern struct idt_gate idt_table[256];
extern struct tss64 per_cpu_tss[NR_CPUS];

/*
 * CPUs that ran cpu_init_tables(), with their APIC IDs from CPUID: the
 * ones that can take an NMI safely (see stop_other_cpus()).
 */
extern bool cpu_tables_loaded[NR_CPUS];
extern u32 cpu_tables_apic_id[NR_CPUS];

/* Fill the shared IDT from entry.S's stubs (BSP, once). */
void idt_init(void);

/* Base and top (exclusive) of this CPU's IST block, for stack checks. */
unsigned long ist_block_base(unsigned int cpu);

#endif /* !__ASSEMBLY__ */

#endif /* ASM_DESC_H */
