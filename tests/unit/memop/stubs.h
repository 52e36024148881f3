/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fake machine for memory.c and hvmop.c: frames, p2m, guest memory. */
#ifndef MEMOP_STUBS_H
#define MEMOP_STUBS_H

#include <xen/types.h>
#include <xen/sched.h>
#include <asm/p2m.h>

#define FAKE_MFN_BASE   0x100UL     /* frames 0x100 .. 0x100 + NR - 1 */
#define NR_FAKE_FRAMES  2048
#define FAKE_P2M_GFNS   4096        /* gfns the fake p2m can hold */
#define GUEST_VA        0x40000000UL
#define GUEST_MEM_SIZE  (64 * 1024)

extern unsigned int nr_tlb_flushes, nr_kicks;
/* gnttab_frame_unmapped() calls (memory.c reporting a grant frame gone). */
extern unsigned int nr_frame_unmaps;
extern u8 last_irq_vector;
extern struct vlapic *last_irq_vlapic;
extern unsigned int nr_irqs, nr_time_updates;

/* Checks the previous test's references first (fake_check_refs). */
void fake_reset(void);
/*
 * Domains hold one reference (the list's); the lookup stub takes one
 * more, which memory_op/hvm_op must drop on every path: this fails the
 * test unless every domain is back to one.
 */
void fake_check_refs(void);
struct domain *mkdom(domid_t id, bool privileged, unsigned int nr_vcpus);
/* A heap frame given to d as a single page, mapped at gfn (any mfn). */
unsigned long give_page(struct domain *d, unsigned long gfn);
/* Claim exactly frame mfn for d (order 0) and map it at gfn. */
void give_exact(struct domain *d, unsigned long gfn, unsigned long mfn);
void fake_p2m_set(struct domain *d, unsigned long gfn, unsigned long mfn,
                  p2m_type_t t);
unsigned long fake_p2m_get(struct domain *d, unsigned long gfn,
                           p2m_type_t *t);
bool frame_is_free(unsigned long mfn);
/* Guest memory: a pointer into it and its guest-virtual address. */
void *gmem(unsigned long gva);
#define GVA(off) (GUEST_VA + (off))

#endif
