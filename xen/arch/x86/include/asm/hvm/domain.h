/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-domain HVM state that the hypercalls keep (arch/x86/hvm/hvmop.c and
 * common/memory.c): HVM parameters, the per-vCPU event-channel upcall
 * vectors, the domain's own e820 and where its shared_info page is
 * mapped.  d->hvm is allocated on first use by hvm_domain_get() (no
 * domain needs it before its first hvm_op or memory_op) and freed by
 * hvm_domain_destroy().
 */
#ifndef ASM_HVM_DOMAIN_H
#define ASM_HVM_DOMAIN_H

#include <xen/types.h>
#include <xen/sched.h>
#include <xen/bootinfo.h>
#include <public/hvm/params.h>

struct hvm_domain {
    spinlock_t lock;                /* params, upcall vectors, memmap */
    /*
     * memory_op's physmap changes, one gfn or extent at a time (so two
     * vCPUs cannot both release one frame).  Outside the p2m, grant
     * table and heap locks.
     */
    spinlock_t physmap_lock;
    u64 params[HVM_NR_PARAMS];
    /*
     * HVMOP_set_evtchn_upcall_vector, per vCPU (0: none).  Takes
     * precedence over HVM_PARAM_CALLBACK_IRQ, as in Xen.
     */
    u8 upcall_vector[MAX_VIRT_CPUS];
    /* XENMEM_memory_map: the e820 the builder gave the domain. */
    struct e820entry *memmap;
    unsigned int nr_memmap;
    /* Where XENMAPSPACE_shared_info put d->shared_info (INVALID_GFN). */
    unsigned long shared_info_gfn;
};

/* d->hvm, allocated (zeroed) on first use; NULL only when out of memory. */
struct hvm_domain *hvm_domain_get(struct domain *d);
void hvm_domain_destroy(struct domain *d);

/* Register hvm_op (34).  Call once at boot. */
void hvm_op_init(void);

/* The hypercall for the calling vCPU v (exposed for the unit tests). */
long do_hvm_op_vcpu(struct vcpu *v, unsigned long op, unsigned long arg);

/*
 * The event-channel upcall of v as configured (the vector, or 0 when the
 * domain set neither an upcall vector nor a vector callback).  Pure, for
 * the delivery hook and the tests.
 */
u8 hvm_upcall_vector(const struct hvm_domain *hd, unsigned int vcpu_id);

/*
 * ---- memory_op (common/memory.c) ----
 *
 * The builder records the e820 it gave d (copied; 0 or -ENOMEM).  When
 * it did not, the hardware domain's map is rebuilt from the host e820
 * and its p2m the first time it uses memory_op (before any ballooning
 * can change which frames it has).
 */
int memory_set_domain_map(struct domain *d, const struct e820entry *map,
                          unsigned int nr);
void memory_op_init(void);
long do_memory_op_vcpu(struct vcpu *v, unsigned long cmd, unsigned long arg);

/* Extents (or batch entries) one memory_op call handles at most. */
#define MEMOP_MAX_EXTENTS       1024
/* Largest extent_order a guest may ask for (2 MiB). */
#define MEMOP_MAX_GUEST_ORDER   9
/* cmd bits above these carry the start extent (Xen's MEMOP_EXTENT_SHIFT). */
#define MEMOP_EXTENT_SHIFT      6
#define MEMOP_CMD_MASK          ((1UL << MEMOP_EXTENT_SHIFT) - 1)

#endif /* ASM_HVM_DOMAIN_H */
