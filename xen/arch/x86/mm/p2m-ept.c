/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EPT entries (Intel SDM vol. 3C, 29.3.2): R/W/X permission bits, the
 * memory type in bits 5:3 of leaves (WB = 6, UC = 0), "ignore PAT" in
 * bit 6 and the large-page bit 7 at levels 2 and 3.  Bits 52-56 are
 * ignored by the processor and hold our type, as in the NPT format.
 * Device space is UC with ignore-PAT set so that no guest PAT setting
 * can make it cacheable.
 */
#include <xen/types.h>
#include <asm/p2m.h>

#define EPT_R       (1ULL << 0)
#define EPT_W       (1ULL << 1)
#define EPT_X       (1ULL << 2)
#define EPT_MT_UC   (0ULL << 3)
#define EPT_MT_WB   (6ULL << 3)
#define EPT_IPAT    (1ULL << 6)
#define EPT_LARGE   (1ULL << 7)

static u64 ept_table_entry(paddr_t ma)
{
    return (ma & P2M_ADDR_MASK) | EPT_R | EPT_W | EPT_X;
}

static u64 ept_leaf_entry(unsigned long mfn, p2m_type_t t, unsigned int level)
{
    u64 e = ((u64)mfn << 12) & P2M_ADDR_MASK;

    switch ( t )
    {
    case p2m_invalid:
        return 0;
    case p2m_ram_rw:
        e |= EPT_R | EPT_W | EPT_X | EPT_MT_WB;
        break;
    case p2m_ram_logdirty:
    case p2m_ram_ro:
        e |= EPT_R | EPT_X | EPT_MT_WB;
        break;
    case p2m_mmio_direct:
        e |= EPT_R | EPT_W | EPT_X | EPT_MT_UC | EPT_IPAT;
        break;
    case p2m_grant_map_rw:
    case p2m_foreign:
        e |= EPT_R | EPT_W | EPT_MT_WB;
        break;
    case p2m_grant_map_ro:
        e |= EPT_R | EPT_MT_WB;
        break;
    case p2m_io_forward:
        /* No access rights: an EPT violation on every access. */
        e = 0;
        break;
    }
    if ( level > 1 )
        e |= EPT_LARGE;
    return e | ((u64)t << P2M_TYPE_SHIFT);
}

static bool ept_is_leaf(u64 e, unsigned int level)
{
    return level == 1 || (e & EPT_LARGE);
}

const struct p2m_format p2m_ept_format = {
    .name = "EPT",
    .table_entry = ept_table_entry,
    .leaf_entry = ept_leaf_entry,
    .is_leaf = ept_is_leaf,
};
