/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Weak stand-ins for interfaces other subsystems are landing in parallel
 * (see pending.h).  Each is overridden by its owner's definition at link
 * time; delete it here once that has landed.  They do the least that
 * keeps a simple guest (the HVM selftest: flat 32-bit, paging off)
 * working, and refuse everything else.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <asm/p2m.h>
#include <asm/x86_emulate.h>
#include <asm/hvm/hvm.h>
#include "pending.h"

#define __weak __attribute__((weak))

/* "p2m": guest_access.c.  RAM of the domain only, page by page. */
static int phys_copy(struct domain *d, paddr_t gpa, void *buf, size_t len,
                     bool to_guest)
{
    while ( len )
    {
        size_t chunk = min(len, (size_t)(PAGE_SIZE - (gpa & ~PAGE_MASK)));
        p2m_type_t t;
        unsigned long mfn = p2m_get_entry(&d->p2m, gpa >> PAGE_SHIFT, &t,
                                          NULL);
        u8 *p;

        if ( mfn == INVALID_MFN || !p2m_is_ram(t) ||
             (to_guest && t != p2m_ram_rw) )
            return -EFAULT;
        p = (u8 *)maddr_to_virt((paddr_t)mfn << PAGE_SHIFT) +
            (gpa & ~PAGE_MASK);
        if ( to_guest )
            memcpy(p, buf, chunk);
        else
            memcpy(buf, p, chunk);
        buf = (u8 *)buf + chunk;
        gpa += chunk;
        len -= chunk;
    }
    return 0;
}

__weak int copy_from_guest_phys(struct domain *d, void *dst, paddr_t gpa,
                                size_t len)
{
    return phys_copy(d, gpa, dst, len, false);
}

__weak int copy_to_guest_phys(struct domain *d, paddr_t gpa, const void *src,
                              size_t len)
{
    return phys_copy(d, gpa, (void *)src, len, true);
}

/* Without the page walker only paging-off guests can be read. */
__weak int copy_from_guest_virt(struct vcpu *v, void *dst, unsigned long gva,
                                size_t len)
{
    if ( hvm_get_reg(v, HVM_REG_CR0) & X86_CR0_PG )
        return -EFAULT;
    return phys_copy(v->domain, (u32)gva, dst, len, false);
}

/* "emul": hvm/emulate.c. */
static int fetch_guest(unsigned long addr, void *buf, unsigned int bytes,
                       struct x86_emulate_ctxt *ctxt)
{
    struct vcpu *v = ctxt->data;

    if ( copy_from_guest_virt(v, buf, addr, bytes) )
        return X86EMUL_UNHANDLEABLE;
    return X86EMUL_OKAY;
}

__weak int hvm_insn_length(struct vcpu *v, unsigned int *len)
{
    static const struct x86_emulate_ops ops = { .fetch = fetch_guest };
    struct x86_emulate_ctxt ctxt = {
        .regs = &v->regs,
        .mode = hvm_guest_mode(v),
        .data = v,
    };
    struct segment_register cs;

    hvm_get_segment(v, x86_seg_cs, &cs);
    ctxt.seg_base[x86_seg_cs] = cs.base;
    return x86_insn_length(&ctxt, &ops, len);
}

__weak int hvm_emulate_one(struct vcpu *v)
{
    return X86EMUL_UNHANDLEABLE;
}
