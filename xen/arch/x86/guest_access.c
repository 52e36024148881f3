/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copies to and from guest memory (xen/guest_access.h).
 *
 * Every access goes page by page through the domain's own p2m and only
 * to p2m RAM (ram_rw, ram_logdirty; ram_ro for reads): never to MMIO,
 * grant or foreign entries, so a guest cannot make the hypervisor touch a
 * device or another domain's frame through a hypercall argument.  The
 * frames are reached through the direct map.  Guest-virtual addresses are
 * first translated by guest_walk() on the vCPU's paging state, reading
 * the guest's tables through the same p2m checks.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <asm/guest_walk.h>
#include <asm/p2m.h>

/* The direct-map address of gpa if it is RAM of d (writable if asked). */
static void *map_guest_ram(struct domain *d, paddr_t gpa, bool write)
{
    p2m_type_t t;
    unsigned long mfn = p2m_get_entry(&d->p2m, PFN_DOWN(gpa), &t, NULL);

    if ( !p2m_is_ram(t) || mfn == INVALID_MFN || mfn >= directmap_end_pfn )
        return NULL;
    /* Log-dirty pages stay writable for us; marking them comes later. */
    if ( write && t == p2m_ram_ro )
        return NULL;
    return maddr_to_virt(((paddr_t)mfn << PAGE_SHIFT) |
                         (gpa & ~PAGE_MASK));
}

static int copy_phys(struct domain *d, paddr_t gpa, void *buf, size_t len,
                     bool write)
{
    if ( !d || gpa + len < gpa )
        return -EFAULT;
    while ( len )
    {
        size_t n = PAGE_SIZE - (gpa & ~PAGE_MASK);
        void *p;

        if ( n > len )
            n = len;
        p = map_guest_ram(d, gpa, write);
        if ( !p )
            return -EFAULT;
        if ( write )
            memcpy(p, buf, n);
        else
            memcpy(buf, p, n);
        gpa += n;
        buf = (char *)buf + n;
        len -= n;
    }
    return 0;
}

int copy_from_guest_phys(struct domain *d, void *dst, paddr_t gpa,
                         size_t len)
{
    return copy_phys(d, gpa, dst, len, false);
}

int copy_to_guest_phys(struct domain *d, paddr_t gpa, const void *src,
                       size_t len)
{
    return copy_phys(d, gpa, (void *)src, len, true);
}

/* Table accesses of the guest walker: the same RAM-only rule. */
static int walk_read(void *ctx, paddr_t gpa, u64 *val, unsigned int size)
{
    return copy_phys(ctx, gpa, val, size, false);
}

static void walk_set_bits(void *ctx, paddr_t gpa, u64 bits,
                          unsigned int size)
{
    void *p = map_guest_ram(ctx, gpa, true);

    /* Entries are naturally aligned: one atomic OR, as the CPU does. */
    if ( !p )
        return;
    if ( size == 4 )
        __atomic_fetch_or((u32 *)p, (u32)bits, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_or((u64 *)p, bits, __ATOMIC_SEQ_CST);
}

enum guest_walk_result guest_walk_vcpu(struct vcpu *v, u64 va, u32 access,
                                       paddr_t *gpa, u32 *pfec)
{
    struct guest_paging_state s;
    struct guest_walk_ops ops = {
        .read = walk_read,
        .set_bits = walk_set_bits,
        .ctx = v->domain,
    };

    hvm_get_paging_state(v, &s);
    return guest_walk(&s, va, access, &ops, gpa, pfec, NULL);
}

enum guest_walk_result guest_copy_linear(struct vcpu *v, void *buf, u64 gva,
                                         size_t len, u32 access, bool write,
                                         u64 *fault_addr, u32 *pfec)
{
    struct guest_paging_state s;
    struct guest_walk_ops ops = {
        .read = walk_read,
        .set_bits = walk_set_bits,
    };

    *pfec = 0;
    *fault_addr = gva;
    if ( !v || !v->domain )
        return GW_BAD_GPA;
    ops.ctx = v->domain;
    if ( write )
        access |= PFEC_write_access;
    hvm_get_paging_state(v, &s);
    while ( len )
    {
        size_t n = PAGE_SIZE - (gva & ~PAGE_MASK);
        enum guest_walk_result r;
        paddr_t gpa;

        if ( n > len )
            n = len;
        r = guest_walk(&s, gva, access, &ops, &gpa, pfec, NULL);
        if ( r != GW_OK )
        {
            *fault_addr = gva;
            return r;
        }
        if ( copy_phys(v->domain, gpa, buf, n, write) )
        {
            *fault_addr = gva;
            return GW_BAD_GPA;
        }
        gva += n;
        buf = (char *)buf + n;
        len -= n;
    }
    return GW_OK;
}

/* Hypercall arguments: supervisor accesses on the guest's behalf. */
static int copy_virt(struct vcpu *v, unsigned long gva, void *buf,
                     size_t len, bool write)
{
    u64 addr;
    u32 pfec;

    return guest_copy_linear(v, buf, gva, len, 0, write, &addr, &pfec)
           == GW_OK ? 0 : -EFAULT;
}

int copy_from_guest_virt(struct vcpu *v, void *dst, unsigned long gva,
                         size_t len)
{
    return copy_virt(v, gva, dst, len, false);
}

int copy_to_guest_virt(struct vcpu *v, unsigned long gva, const void *src,
                       size_t len)
{
    return copy_virt(v, gva, (void *)src, len, true);
}
