/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The direct map: all RAM at DIRECTMAP_VIRT_START + physical address.
 *
 * head.S maps 0-4 GiB with 2 MiB pages through l3_identmap, shared by PML4
 * slot 0 (identity, where the image runs) and DIRECTMAP_SLOT.  Here the
 * direct-map slot gets an L3 of its own, so RAM above 4 GiB appears in the
 * direct map only.  Above 4 GiB we map what the e820 calls RAM: whole
 * 1 GiB pages where the CPU has them (CPUID 0x80000001 EDX[26], Intel SDM
 * vol. 3A 4.5) and the gigabyte is all RAM, else 2 MiB pages.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <asm/e820.h>
#include <asm/processor.h>

#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_PSE      0x080UL
#define PTE_TABLE      (_PAGE_PRESENT | _PAGE_RW)
#define PTE_LEAF       (_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE)

#define GB(x)          ((paddr_t)(x) << 30)
#define MB(x)          ((paddr_t)(x) << 20)

extern u64 idle_pg_table[512], l3_identmap[512];

unsigned long directmap_end_pfn = GB(4) >> PAGE_SHIFT;

void *maddr_to_virt(paddr_t ma)
{
    ASSERT(ma < DIRECTMAP_SIZE);
    return (void *)(DIRECTMAP_VIRT_START + (unsigned long)ma);
}

paddr_t virt_to_maddr(const void *va)
{
    unsigned long v = (unsigned long)va;

    if ( v >= DIRECTMAP_VIRT_START &&
         v - DIRECTMAP_VIRT_START < DIRECTMAP_SIZE )
        return v - DIRECTMAP_VIRT_START;
    /* The image (statics, BSS, boot stacks) runs identity-mapped. */
    ASSERT(v < GB(4));
    return v;
}

/* Does e820 RAM overlap [s, e)?  With all: is [s, e) entirely RAM? */
static bool ram_in(paddr_t s, paddr_t e, bool all)
{
    unsigned int i;

    for ( i = 0; i < e820.nr_map; i++ )
    {
        const struct e820entry *r = &e820.map[i];
        paddr_t re = r->addr + r->size;

        if ( r->type != E820_RAM || re <= s || r->addr >= e )
            continue;
        /* Sanitized maps merge neighbouring RAM, so one entry suffices. */
        if ( !all || (r->addr <= s && re >= e) )
            return true;
    }
    return false;
}

static u64 *new_table(void)
{
    u64 *t = __va((paddr_t)alloc_boot_pages(1, 1) << PAGE_SHIFT);

    memset(t, 0, PAGE_SIZE);
    return t;
}

/* Read and write back one word through the direct map. */
static void probe(paddr_t ma)
{
    volatile u64 *p = __va(ma);
    u64 v = *p;

    *p = ~v;
    if ( *p != ~v )
        panic("Direct map: RAM at %#llx does not hold its value",
              (unsigned long long)ma);
    *p = v;
}

void init_directmap(void)
{
    paddr_t top = 0;
    unsigned int i, g, j, gb_used = 0, mb_used = 0;
    bool gb_pages = false;
    u64 *l3;

    for ( i = 0; i < e820.nr_map; i++ )
        if ( e820.map[i].type == E820_RAM )
            top = max(top, (paddr_t)(e820.map[i].addr + e820.map[i].size));
    if ( top > DIRECTMAP_SIZE )
        top = DIRECTMAP_SIZE;

    if ( top <= GB(4) )
    {
        printk("Direct map: 0-4GB (2MB pages)\n");
        return;
    }

    if ( cpuid_eax(0x80000000) >= 0x80000001 &&
         (cpuid_edx(0x80000001) & (1U << 26)) )
        gb_pages = true;

    /* Tables come from below 4 GiB: that is all the direct map has yet. */
    l3 = new_table();
    for ( g = 0; g < 4; g++ )
        l3[g] = l3_identmap[g];

    for ( g = 4; GB(g) < top; g++ )
    {
        u64 *l2;

        if ( !ram_in(GB(g), GB(g + 1), false) )
            continue;
        if ( gb_pages && ram_in(GB(g), GB(g + 1), true) )
        {
            l3[g] = GB(g) | PTE_LEAF;
            gb_used++;
            continue;
        }
        l2 = new_table();
        for ( j = 0; j < 512; j++ )
        {
            paddr_t s = GB(g) + MB(2) * j;

            if ( ram_in(s, s + MB(2), false) )
            {
                l2[j] = s | PTE_LEAF;
                mb_used++;
            }
        }
        l3[g] = virt_to_maddr(l2) | PTE_TABLE;
    }

    /* APs load idle_pg_table too, so they inherit the new slot. */
    idle_pg_table[DIRECTMAP_SLOT] = virt_to_maddr(l3) | PTE_TABLE;
    write_cr3(read_cr3());
    directmap_end_pfn = top >> PAGE_SHIFT;

    for ( i = 0; i < e820.nr_map; i++ )
    {
        const struct e820entry *r = &e820.map[i];

        if ( r->type != E820_RAM || r->addr + r->size <= GB(4) ||
             r->addr >= top )
            continue;
        probe(max((paddr_t)r->addr, GB(4)));
        probe(min((paddr_t)(r->addr + r->size), top) - sizeof(u64));
    }

    printk("Direct map: 0-%lluMB (%u x 1GB, %u x 2MB pages above 4GB)\n",
           (unsigned long long)(top >> 20), gb_used, mb_used);
}
