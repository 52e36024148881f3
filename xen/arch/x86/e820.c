/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The e820 memory map: sanitizing what the loader reported and printing
 * it.  Everything except e820_init() is pure and host-tested
 * (tests/unit/e820).
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <asm/config.h>
#include <asm/e820.h>

struct e820map e820;

/*
 * How restrictive a type is.  Where entries overlap, the byte belongs to
 * the highest rank: handing out RAM that firmware also claims would
 * corrupt firmware data, so the claim always wins.  Types we do not know
 * (e.g. 12, some firmware's "persistent memory, legacy") are treated like
 * reserved.
 */
static unsigned int type_rank(u32 type)
{
    switch ( type )
    {
    case E820_RAM:  return 1;
    case E820_ACPI: return 2;
    case E820_NVS:  return 3;
    case E820_PMEM: return 4;
    default:        return 5;
    }
}

/* True if type a beats type b; ties go to the larger type number. */
static bool type_wins(u32 a, u32 b)
{
    unsigned int ra = type_rank(a), rb = type_rank(b);

    return ra != rb ? ra > rb : a > b;
}

static u64 entry_end(const struct e820entry *e)
{
    u64 end = e->addr + e->size;

    /* Clip ranges that wrap past 2^64 (seen with buggy firmware maps). */
    return end < e->addr ? ~0ULL : end;
}

int e820_sanitize(const struct e820entry *in, unsigned int nr,
                  struct e820entry *out, unsigned int max)
{
    /* Every start and end is a boundary where the winning type may change. */
    u64 pts[2 * E820MAX];
    unsigned int npts = 0, n = 0, i, k;

    if ( nr > E820MAX )
        return -E2BIG;

    for ( i = 0; i < nr; i++ )
    {
        if ( !in[i].size )
            continue;
        pts[npts++] = in[i].addr;
        pts[npts++] = entry_end(&in[i]);
    }

    /* Insertion sort: at most 256 points, and usually nearly sorted. */
    for ( i = 1; i < npts; i++ )
    {
        u64 v = pts[i];

        for ( k = i; k > 0 && pts[k - 1] > v; k-- )
            pts[k] = pts[k - 1];
        pts[k] = v;
    }

    for ( k = 0; k + 1 < npts; k++ )
    {
        u64 lo = pts[k], hi = pts[k + 1];
        u32 best = 0;
        bool have = false;

        if ( lo == hi )
            continue;

        /* [lo, hi) lies either wholly inside or wholly outside each entry. */
        for ( i = 0; i < nr; i++ )
        {
            if ( !in[i].size || in[i].addr > lo || entry_end(&in[i]) < hi )
                continue;
            if ( !have || type_wins(in[i].type, best) )
                best = in[i].type;
            have = true;
        }
        if ( !have )
            continue;

        if ( n && out[n - 1].type == best &&
             out[n - 1].addr + out[n - 1].size == lo )
        {
            out[n - 1].size += hi - lo;
            continue;
        }
        if ( n == max )
            return -ENOSPC;
        out[n].addr = lo;
        out[n].size = hi - lo;
        out[n].type = best;
        n++;
    }

    return n;
}

int e820_from_bootinfo(const struct boot_info *bi, struct e820map *out)
{
    struct e820entry basic[2];
    int rc = -ENOENT;

    /* The map is authoritative; under EFI mem_upper is not (it is tiny). */
    if ( bi->nr_memmap )
        rc = e820_sanitize(bi->memmap, bi->nr_memmap, out->map, E820MAX);

    if ( rc <= 0 && bi->have_meminfo )
    {
        /* mem_lower counts from 0, mem_upper from 1 MiB (multiboot 3.3). */
        basic[0].addr = 0;
        basic[0].size = bi->mem_lower_kb << 10;
        basic[0].type = E820_RAM;
        basic[1].addr = 1ULL << 20;
        basic[1].size = bi->mem_upper_kb << 10;
        basic[1].type = E820_RAM;
        rc = e820_sanitize(basic, 2, out->map, E820MAX);
    }

    if ( rc <= 0 )
    {
        out->nr_map = 0;
        return rc ? rc : -ENOENT;
    }
    out->nr_map = rc;
    return rc;
}

u64 e820_ram_bytes(const struct e820map *m)
{
    u64 total = 0;
    unsigned int i;

    for ( i = 0; i < m->nr_map; i++ )
        if ( m->map[i].type == E820_RAM )
            total += m->map[i].size;
    return total;
}

const char *e820_type_name(u32 type, char *buf, size_t len)
{
    switch ( type )
    {
    case E820_RAM:      return "usable";
    case E820_RESERVED: return "reserved";
    case E820_ACPI:     return "ACPI data";
    case E820_NVS:      return "ACPI NVS";
    case E820_UNUSABLE: return "unusable";
    case E820_DISABLED: return "disabled";
    case E820_PMEM:     return "persistent memory";
    }
    snprintf(buf, len, "type %u", type);
    return buf;
}

void e820_print(const struct e820map *m)
{
    unsigned int i;
    char tmp[16];

    for ( i = 0; i < m->nr_map; i++ )
    {
        const struct e820entry *e = &m->map[i];

        printk(" [%016llx, %016llx] (%s)\n",
               (unsigned long long)e->addr,
               (unsigned long long)(e->addr + e->size - 1),
               e820_type_name(e->type, tmp, sizeof(tmp)));
    }
}

#ifndef KEEL_HOST_TEST
void e820_init(void)
{
    unsigned int i;
    u64 ram;
    int rc = e820_from_bootinfo(&boot_info, &e820);

    if ( rc == -ENOSPC || rc == -E2BIG )
        panic("Memory map from the loader has too many entries");
    if ( rc < 0 )
        panic("No memory map and no mem_lower/mem_upper from the loader");
    if ( !boot_info.nr_memmap )
        printk(XENLOG_WARNING
               "No memory map from the loader: using mem_lower/mem_upper\n");

    printk("Xen-e820 RAM map:\n");
    e820_print(&e820);

    /* Whole pages only, as Xen counts (a -m 2048 guest: 2096636kB). */
    for ( ram = 0, i = 0; i < e820.nr_map; i++ )
    {
        u64 s = ROUNDUP(e820.map[i].addr, (u64)PAGE_SIZE);
        u64 e = ROUNDDOWN(e820.map[i].addr + e820.map[i].size,
                          (u64)PAGE_SIZE);

        if ( e820.map[i].type == E820_RAM && e > s )
            ram += e - s;
    }
    if ( !ram )
        panic("The memory map reports no RAM");
    printk("System RAM: %lluMB (%llukB)\n",
           (unsigned long long)(ram >> 20), (unsigned long long)(ram >> 10));
}
#endif
