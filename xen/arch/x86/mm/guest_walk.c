/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest page walks in every x86 paging mode (Intel SDM vol. 3A chapter 4,
 * AMD APM vol. 2 chapter 5).  One loop over levels; what differs between
 * the modes is described in a small table: entry size, index bits per
 * level, which levels may hold large pages and which bits are reserved.
 *
 * The order of checks follows the hardware: a not-present entry faults
 * before its other bits are looked at; reserved bits fault (with
 * PFEC_reserved_bit) before permissions; permissions are those of the
 * whole path (R/W and U/S ANDed, NX ORed) checked at the end.  A/D bits
 * are set only when the walk succeeds, as Xen's walker does.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <asm/guest_walk.h>

#define E_P         (1ULL << 0)
#define E_RW        (1ULL << 1)
#define E_US        (1ULL << 2)
#define E_A         (1ULL << 5)
#define E_D         (1ULL << 6)
#define E_PS        (1ULL << 7)
#define E_NX        (1ULL << 63)

/* Bits a..b inclusive. */
#define BITS(a, b)  ((~0ULL >> (63 - (b))) & ~((1ULL << (a)) - 1))

struct walk_mode {
    unsigned int levels;
    unsigned int entry_size;        /* 4 or 8 */
    unsigned int va_bits_per_level; /* 10 or 9 */
    bool pae_pdpt;                  /* top level is PAE's 4-entry PDPT */
};

static u64 walk_read(const struct guest_walk_ops *ops, paddr_t gpa,
                     unsigned int size, bool *ok)
{
    u64 v = 0;

    *ok = !ops->read(ops->ctx, gpa, &v, size);
    if ( size == 4 )
        v &= 0xffffffffULL;
    return v;
}

/* Reserved bits of a present entry at level l, given a (non-)large leaf. */
static u64 reserved_bits(const struct guest_paging_state *s,
                         const struct walk_mode *m, unsigned int l,
                         bool large)
{
    unsigned int maxphy = s->maxphyaddr ? s->maxphyaddr : 52;
    u64 r;

    if ( maxphy > 52 )
        maxphy = 52;
    if ( m->entry_size == 4 )
    {
        /* PSE-36: a 4 MiB entry holds address bits 32..39 in 13..20. */
        unsigned int hi = maxphy > 40 ? 40 : maxphy;

        if ( !large )
            return 0;
        return BITS(13 + (hi - 32), 21);
    }

    r = maxphy < 52 ? BITS(maxphy, 51) : 0;
    if ( !(s->efer & GW_EFER_NXE) || (m->pae_pdpt && l == m->levels) )
        r |= E_NX;
    if ( m->pae_pdpt && l == m->levels )
        return r | BITS(1, 2) | BITS(5, 8);
    if ( l >= 4 )
        r |= E_PS;
    if ( large )
        r |= BITS(13, 12 + 9 * (l - 1) - 1);
    return r;
}

enum guest_walk_result guest_walk(const struct guest_paging_state *s,
                                  u64 va, u32 access,
                                  const struct guest_walk_ops *ops,
                                  paddr_t *gpa, u32 *pfec,
                                  unsigned int *page_order)
{
    struct walk_mode m;
    paddr_t table, slot[5];
    u64 entry[5], e = 0;
    bool user = access & PFEC_user_mode, write = access & PFEC_write_access;
    bool fetch = access & PFEC_insn_fetch, rw = true, us = true, nx = false;
    bool nxe = s->efer & GW_EFER_NXE;
    unsigned int l, used = 0, shift = 0, order;
    u32 fault = access & (PFEC_write_access | PFEC_user_mode |
                          PFEC_insn_fetch);

    *pfec = 0;
    if ( !(s->cr0 & GW_CR0_PG) )
    {
        /* Paging off: linear = physical, 32 bits (long mode needs PG). */
        *gpa = va & 0xffffffffULL;
        if ( page_order )
            *page_order = 0;
        return GW_OK;
    }

    if ( s->efer & GW_EFER_LMA )
    {
        unsigned int vbits = (s->cr4 & GW_CR4_LA57) ? 57 : 48;
        u64 top = va >> (vbits - 1);

        /* Canonical: the bits above vbits - 1 copy bit vbits - 1. */
        if ( top != 0 && top != (~0ULL >> (vbits - 1)) )
            return GW_GP_FAULT;
        m = (struct walk_mode){ (s->cr4 & GW_CR4_LA57) ? 5 : 4, 8, 9,
                                false };
        table = s->cr3 & BITS(12, 51);
    }
    else if ( s->cr4 & GW_CR4_PAE )
    {
        va &= 0xffffffffULL;
        m = (struct walk_mode){ 3, 8, 9, true };
        table = s->cr3 & BITS(5, 31);
    }
    else
    {
        va &= 0xffffffffULL;
        m = (struct walk_mode){ 2, 4, 10, false };
        table = s->cr3 & BITS(12, 31);
    }

    for ( l = m.levels; l >= 1; l-- )
    {
        unsigned int idx_bits = (m.pae_pdpt && l == 3) ? 2
                                : m.va_bits_per_level;
        bool large = false, ok;
        u64 idx;

        shift = 12 + m.va_bits_per_level * (l - 1);
        idx = (va >> shift) & ((1ULL << idx_bits) - 1);
        slot[used] = table + idx * m.entry_size;
        e = walk_read(ops, slot[used], m.entry_size, &ok);
        if ( !ok )
            return GW_BAD_GPA;
        entry[used++] = e;

        if ( !(e & E_P) )
        {
            *pfec = fault;
            goto fault;
        }
        if ( l > 1 && (e & E_PS) && !(m.pae_pdpt && l == 3) )
        {
            if ( m.entry_size == 4 )
                large = s->cr4 & GW_CR4_PSE;
            else
                large = l <= 3;     /* PS in a PML4E/PML5E is reserved */
        }
        if ( e & reserved_bits(s, &m, l, large) )
        {
            *pfec = fault | PFEC_page_present | PFEC_reserved_bit;
            goto fault;
        }
        if ( !(m.pae_pdpt && l == 3) )
        {
            rw = rw && (e & E_RW);
            us = us && (e & E_US);
            nx = nx || (nxe && (e & E_NX));
        }
        if ( l == 1 || large )
            break;
        table = (m.entry_size == 4) ? (e & BITS(12, 31))
                                    : (e & BITS(12, 51));
    }

    /* Permissions of the whole path. */
    *pfec = fault | PFEC_page_present;
    if ( user && !us )
        goto fault;
    if ( write && !rw && (user || (s->cr0 & GW_CR0_WP)) )
        goto fault;
    if ( fetch && nx )
        goto fault;
    if ( !user && us )
    {
        if ( fetch && (s->cr4 & GW_CR4_SMEP) )
            goto fault;
        if ( !fetch && (s->cr4 & GW_CR4_SMAP) &&
             !(s->rflags & GW_RFLAGS_AC) && !(access & PFEC_no_smap) )
            goto fault;
    }

    /* The frame and offset. */
    if ( m.entry_size == 4 && l == 2 )
    {
        *gpa = (e & BITS(22, 31)) | (((e >> 13) & 0xff) << 32) |
               (va & BITS(0, 21));
        order = 10;
    }
    else
    {
        u64 base = (m.entry_size == 4) ? (e & BITS(12, 31))
                                       : (e & BITS(12, 51));

        base &= ~((1ULL << shift) - 1);
        *gpa = base | (va & ((1ULL << shift) - 1));
        order = shift - 12;
    }
    if ( page_order )
        *page_order = order;

    if ( ops->set_bits )
    {
        unsigned int i;

        for ( i = 0; i < used; i++ )
        {
            u64 want = E_A;

            if ( m.pae_pdpt && i == 0 )
                continue;           /* PDPTEs have no A bit */
            if ( i == used - 1 && write )
                want |= E_D;
            if ( (entry[i] & want) != want )
                ops->set_bits(ops->ctx, slot[i], want, m.entry_size);
        }
    }
    *pfec = 0;
    return GW_OK;

 fault:
    /* I/D is reported only where execute protection exists. */
    if ( !(nxe && m.entry_size == 8) && !(s->cr4 & GW_CR4_SMEP) )
        *pfec &= ~PFEC_insn_fetch;
    return GW_PAGE_FAULT;
}
