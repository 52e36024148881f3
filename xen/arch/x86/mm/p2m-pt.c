/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NPT entries (AMD APM vol. 2, 15.25): ordinary long-mode page-table
 * entries walked with the host's paging rules.  Every nested access is a
 * user access (15.25.5), so U/S must be set at every level.  A and D are
 * preset: the walker would otherwise write them back into our tables.
 * Uncached device space uses PCD|PWT, i.e. PAT entry 3 = UC with the
 * power-on PAT the host keeps.
 */
#include <xen/types.h>
#include <asm/p2m.h>

#define NPT_P       (1ULL << 0)
#define NPT_RW      (1ULL << 1)
#define NPT_US      (1ULL << 2)
#define NPT_PWT     (1ULL << 3)
#define NPT_PCD     (1ULL << 4)
#define NPT_A       (1ULL << 5)
#define NPT_D       (1ULL << 6)
#define NPT_PS      (1ULL << 7)     /* levels 2 and 3 */
#define NPT_NX      (1ULL << 63)    /* the host runs with EFER.NXE */

static u64 npt_table_entry(paddr_t ma)
{
    return (ma & P2M_ADDR_MASK) | NPT_P | NPT_RW | NPT_US | NPT_A;
}

static u64 npt_leaf_entry(unsigned long mfn, p2m_type_t t, unsigned int level)
{
    u64 e = ((u64)mfn << 12) & P2M_ADDR_MASK;
    u64 base = NPT_P | NPT_US | NPT_A;

    switch ( t )
    {
    case p2m_invalid:
        return 0;
    case p2m_ram_rw:
        e |= base | NPT_RW | NPT_D;
        break;
    case p2m_ram_logdirty:
    case p2m_ram_ro:
        e |= base;
        break;
    case p2m_mmio_direct:
        e |= base | NPT_RW | NPT_D | NPT_PCD | NPT_PWT;
        break;
    case p2m_grant_map_rw:
    case p2m_foreign:
        e |= base | NPT_RW | NPT_D | NPT_NX;
        break;
    case p2m_grant_map_ro:
        e |= base | NPT_NX;
        break;
    case p2m_io_forward:
        /* Not present: every access exits with an NPF. */
        e = 0;
        break;
    }
    if ( level > 1 )
        e |= NPT_PS;
    return e | ((u64)t << P2M_TYPE_SHIFT);
}

static bool npt_is_leaf(u64 e, unsigned int level)
{
    return level == 1 || (e & NPT_PS);
}

const struct p2m_format p2m_npt_format = {
    .name = "NPT",
    .table_entry = npt_table_entry,
    .leaf_entry = npt_leaf_entry,
    .is_leaf = npt_is_leaf,
};
