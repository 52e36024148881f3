/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XEN_DOMCTL_keel_load_memory: copy a dom0 buffer into a paused guest's
 * RAM (the rules are in public/domctl.h).
 *
 * Every target page is looked up and referenced (get_page) before the
 * first byte is written, so a refused range is left whole and no frame
 * can be freed or change hands while it is being written.  The copy goes
 * through the hypervisor's direct map, straight from dom0's buffer: no
 * p2m entry changes, no TLB flush.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/mm.h>
#include <xen/guest_access.h>
#include <asm/p2m.h>
#include <public/domctl.h>
#include "domctl_load.h"

#define LOAD_MAX_PAGES  ((XEN_DOMCTL_KEEL_LOAD_MAX >> PAGE_SHIFT) + 1)

/* The referenced frames of one call; domctls are serialised by a lock. */
static unsigned long load_mfns[LOAD_MAX_PAGES];

static void put_frames(unsigned long n)
{
    unsigned long i;

    for ( i = 0; i < n; i++ )
        put_page(load_mfns[i]);
}

/* d's own writable RAM at gfn, referenced; INVALID_MFN if not. */
static unsigned long get_ram_frame(struct domain *d, unsigned long gfn)
{
    p2m_type_t t;
    unsigned long mfn = p2m_get_entry(&d->p2m, gfn, &t, NULL);

    /*
     * Only p2m_ram_rw: read-only RAM stays read-only, and a log-dirty
     * page written behind the tracker's back would be missed.  Foreign
     * and grant mappings have their own types; a grant-table frame is
     * the hypervisor's even where it is mapped as RAM.
     */
    if ( t != p2m_ram_rw || mfn == INVALID_MFN || page_is_xen_shared(mfn) ||
         page_get_owner(mfn) != d || !get_page(mfn, d) )
        return INVALID_MFN;
    return mfn;
}

long domctl_load_memory(struct vcpu *caller, struct domain *d,
                        struct xen_domctl_keel_load_memory *l)
{
    unsigned long gfn, nr, i;
    u64 gpa = l->gpa, end, done = 0;
    u8 *page;

    l->done = 0;
    if ( l->flags & ~XEN_DOMCTL_KEEL_LOAD_FLAGS || !l->nr_bytes ||
         l->nr_bytes > XEN_DOMCTL_KEEL_LOAD_MAX )
        return -EINVAL;
    end = gpa + l->nr_bytes;
    if ( end < gpa || (end - 1) >> PAGE_SHIFT >= INVALID_GFN )
        return -EINVAL;
    if ( d == caller->domain || d->is_hardware_domain || d->is_privileged )
        return -EINVAL;
    if ( !d->controller_paused )
        return -EBUSY;

    gfn = gpa >> PAGE_SHIFT;
    nr = ((end - 1) >> PAGE_SHIFT) - gfn + 1;
    for ( i = 0; i < nr; i++ )
    {
        load_mfns[i] = get_ram_frame(d, gfn + i);
        if ( load_mfns[i] == INVALID_MFN )
        {
            put_frames(i);
            return -EINVAL;
        }
    }

    for ( i = 0; i < nr; i++ )
    {
        u64 off = (gpa + done) & (PAGE_SIZE - 1);
        u64 n = PAGE_SIZE - off;

        if ( n > l->nr_bytes - done )
            n = l->nr_bytes - done;
        page = maddr_to_virt((paddr_t)load_mfns[i] << PAGE_SHIFT);
        if ( copy_from_guest_virt(caller, page + off, l->buffer + done,
                                  n) )
        {
            put_frames(nr);
            l->done = done;
            return -EFAULT;
        }
        done += n;
        if ( i == nr - 1 && (l->flags & XEN_DOMCTL_KEEL_LOAD_ZERO_TAIL) )
            memset(page + off + n, 0, PAGE_SIZE - off - n);
    }
    put_frames(nr);
    l->done = done;
    return 0;
}
