/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory layout of the hypervisor.  The image is linked at its physical
 * load address (2 MiB) and runs identity-mapped; all RAM is also reachable
 * through the direct map at DIRECTMAP_VIRT_START (PML4 slot 262, as in
 * Xen).  Guests never share this address space: every guest runs under
 * SVM/VMX with its own nested page tables.
 */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#include <generated/autoconf.h>

#ifdef __ASSEMBLY__
#define _AC(x, s) x
#else
#define _AC(x, s) x##s
#endif

#define XEN_LOAD_ADDR        0x200000
#define PAGE_SHIFT           12
#define PAGE_SIZE            (_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK            (~(PAGE_SIZE - 1))

#define STACK_ORDER          2
#define STACK_SIZE           (PAGE_SIZE << STACK_ORDER)
#define CPUINFO_SIZE         64      /* struct cpu_info, top of each stack */

#define DIRECTMAP_SLOT       262
#define DIRECTMAP_VIRT_START _AC(0xffff830000000000, UL)
#define DIRECTMAP_SIZE       (_AC(1, UL) << 39)       /* 512 GiB, one PML4 slot */

/* Boot GDT selectors (per-CPU GDTs use the same values). */
#define __HYPERVISOR_CS      0x08
#define __HYPERVISOR_DS      0x10
#define __HYPERVISOR_CS32    0x18
#define TSS_SELECTOR         0x20

#ifndef CONFIG_NR_CPUS
#define CONFIG_NR_CPUS 64
#endif
#define NR_CPUS CONFIG_NR_CPUS

#endif
