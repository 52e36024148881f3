/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A PVH guest's memory: where RAM, the kernel, the ramdisk, start_info
 * and the console/xenstore pages go (xc_dom_plan), the start_info block
 * (xc_dom_start_info) and writing it all into the guest through a
 * struct xc_dom_mem (xc_dom_load), which may be foreign mappings of a
 * real domain or a buffer in a test: nothing here knows which.
 *
 * Layout (Xen's docs/misc/pvh.pandoc: everything the kernel reads at its
 * entry lies below 4 GiB):
 *
 *   0 .. 0xa0000          RAM
 *   0xa0000 .. 1 MiB      reserved (legacy VGA/BIOS: never RAM on a PC)
 *   1 MiB .. top          RAM: kernel segments at their paddr (16 MiB for
 *                         Linux), the ramdisk after them, then start_info
 *   top .. top + 2 pages  console and xenstore rings (reserved in the
 *                         memory map so the guest does not use them as
 *                         RAM; Linux finds them through the HVM params)
 *   3.75 GiB .. 4 GiB     MMIO hole
 *   4 GiB ..              the rest of RAM, for big guests
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenguest.h>

static void lerrf(char *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void lerrf(char *err, const char *fmt, ...)
{
    va_list ap;

    if ( !err )
        return;
    va_start(ap, fmt);
    vsnprintf(err, XC_DOM_ERRLEN, fmt, ap);
    va_end(ap);
}

#define PAGE_UP(x)   (((x) + XC_DOM_PAGE_SIZE - 1) & ~(XC_DOM_PAGE_SIZE - 1))
#define ALIGN8(x)    (((x) + 7) & ~(uint64_t)7)
#define MB(x)        ((uint64_t)(x) << 20)

static int memmap_add(struct xc_dom_layout *l, uint64_t start, uint64_t end,
                      uint32_t type)
{
    struct hvm_memmap_table_entry *e;

    if ( start >= end )
        return 0;
    if ( l->nr_memmap == XC_DOM_MAX_MEMMAP )
        return -ENOSPC;
    e = &l->memmap[l->nr_memmap++];
    e->addr = start;
    e->size = end - start;
    e->type = type;
    e->reserved = 0;
    return 0;
}

static uint64_t start_info_size(const struct xc_dom_layout *l,
                                const char *cmdline)
{
    uint64_t sz = ALIGN8(sizeof(struct hvm_start_info));

    if ( l->ramdisk_size )
        sz += ALIGN8(sizeof(struct hvm_modlist_entry));
    sz += ALIGN8(l->nr_memmap * sizeof(struct hvm_memmap_table_entry));
    sz += ALIGN8(strlen(cmdline ? cmdline : "") + 1);
    return sz;
}

int xc_dom_plan(const struct xc_dom_kernel *k, unsigned int mem_mb,
                uint64_t ramdisk_size, const char *cmdline,
                struct xc_dom_layout *l, char *err)
{
    uint64_t pages = (uint64_t)mem_mb << (20 - XC_DOM_PAGE_SHIFT);
    uint64_t isa = XC_DOM_ISA_HOLE_START >> XC_DOM_PAGE_SHIFT;
    uint64_t low_max = (XC_DOM_MMIO_HOLE - XC_DOM_ISA_HOLE_END) >>
                       XC_DOM_PAGE_SHIFT;
    uint64_t low, high, top, special, end, need;
    int rc = 0;

    memset(l, 0, sizeof(*l));
    if ( !k || !k->nr_segs )
    {
        lerrf(err, "no kernel to lay out");
        return -EINVAL;
    }
    /* The ISA RAM, then low RAM above 1 MiB, then RAM above 4 GiB. */
    if ( pages <= isa + XC_DOM_NR_SPECIAL )
    {
        lerrf(err, "memory = %u MiB is too small for any guest", mem_mb);
        return -EINVAL;
    }
    low = pages - isa;
    if ( low > low_max )
        low = low_max;
    high = pages - isa - low;
    top = XC_DOM_ISA_HOLE_END + (low << XC_DOM_PAGE_SHIFT);
    special = top - XC_DOM_NR_SPECIAL * XC_DOM_PAGE_SIZE;

    l->ram_pages = pages;
    l->ram[l->nr_ram++] = (struct xc_dom_range){ 0, XC_DOM_ISA_HOLE_START };
    l->ram[l->nr_ram++] = (struct xc_dom_range){ XC_DOM_ISA_HOLE_END, top };
    if ( high )
        l->ram[l->nr_ram++] = (struct xc_dom_range){
            XC_DOM_4G, XC_DOM_4G + (high << XC_DOM_PAGE_SHIFT) };
    l->console_pfn = special >> XC_DOM_PAGE_SHIFT;
    l->store_pfn = l->console_pfn + 1;

    rc |= memmap_add(l, 0, XC_DOM_ISA_HOLE_START, XEN_HVM_MEMMAP_TYPE_RAM);
    rc |= memmap_add(l, XC_DOM_ISA_HOLE_START, XC_DOM_ISA_HOLE_END,
                     XEN_HVM_MEMMAP_TYPE_RESERVED);
    rc |= memmap_add(l, XC_DOM_ISA_HOLE_END, special,
                     XEN_HVM_MEMMAP_TYPE_RAM);
    rc |= memmap_add(l, special, top, XEN_HVM_MEMMAP_TYPE_RESERVED);
    if ( high )
        rc |= memmap_add(l, XC_DOM_4G,
                         XC_DOM_4G + (high << XC_DOM_PAGE_SHIFT),
                         XEN_HVM_MEMMAP_TYPE_RAM);
    if ( rc )
    {
        lerrf(err, "memory map has more than %u entries", XC_DOM_MAX_MEMMAP);
        return -ENOSPC;
    }

    /* The kernel where it was linked to run. */
    l->kernel_lo = k->paddr_lo;
    l->kernel_hi = k->paddr_hi;
    if ( k->paddr_lo < XC_DOM_ISA_HOLE_END )
    {
        lerrf(err, "the kernel wants to load at %#llx, below 1 MiB: not a "
              "PVH kernel layout", (unsigned long long)k->paddr_lo);
        return -EINVAL;
    }

    /* The ramdisk right after it, then start_info. */
    end = PAGE_UP(l->kernel_hi);
    if ( ramdisk_size )
    {
        l->ramdisk_paddr = end;
        l->ramdisk_size = ramdisk_size;
        end = PAGE_UP(end + ramdisk_size);
    }
    l->start_info_paddr = end;
    l->start_info_size = start_info_size(l, cmdline);
    end = PAGE_UP(end + l->start_info_size);

    if ( end > special )
    {
        /* Enough RAM for all of it plus the hole and the special pages. */
        need = (end - XC_DOM_ISA_HOLE_END + XC_DOM_ISA_HOLE_START +
                XC_DOM_NR_SPECIAL * XC_DOM_PAGE_SIZE + MB(1) - 1) >> 20;
        lerrf(err, "memory = %u MiB is too small: the kernel (%#llx-%#llx)"
              "%s and start_info need RAM up to %#llx; give the guest at "
              "least %llu MiB", mem_mb, (unsigned long long)l->kernel_lo,
              (unsigned long long)l->kernel_hi,
              ramdisk_size ? ", the ramdisk" : "", (unsigned long long)end,
              (unsigned long long)need);
        return -ENOSPC;
    }
    return 0;
}

int xc_dom_start_info(const struct xc_dom_layout *l, const char *cmdline,
                      void *buf, size_t len)
{
    struct hvm_start_info *si = buf;
    struct hvm_modlist_entry *mod;
    uint8_t *b = buf;
    uint64_t off, base = l->start_info_paddr;
    size_t n;

    if ( !cmdline )
        cmdline = "";
    if ( len < l->start_info_size ||
         start_info_size(l, cmdline) != l->start_info_size )
        return -EINVAL;
    memset(buf, 0, l->start_info_size);
    si->magic = XEN_HVM_START_MAGIC_VALUE;
    si->version = 1;
    si->flags = 0;                  /* neither privileged nor dom0 */
    off = ALIGN8(sizeof(*si));

    if ( l->ramdisk_size )
    {
        mod = (struct hvm_modlist_entry *)(b + off);
        mod->paddr = l->ramdisk_paddr;
        mod->size = l->ramdisk_size;
        si->nr_modules = 1;
        si->modlist_paddr = base + off;
        off += ALIGN8(sizeof(*mod));
    }

    n = l->nr_memmap * sizeof(struct hvm_memmap_table_entry);
    memcpy(b + off, l->memmap, n);
    si->memmap_paddr = base + off;
    si->memmap_entries = l->nr_memmap;
    off += ALIGN8(n);

    n = strlen(cmdline) + 1;
    memcpy(b + off, cmdline, n);
    si->cmdline_paddr = base + off;
    off += ALIGN8(n);

    /* No ACPI tables for a PVH guest yet: rsdp_paddr stays 0. */
    return off == l->start_info_size ? 0 : -EINVAL;
}

/* Map at most this many frames at a time (32 MiB of address space). */
#define MAP_CHUNK 8192

/* Write len bytes from src (NULL: zeros) at guest-physical paddr. */
static int guest_write(struct xc_dom_mem *m, uint64_t paddr, const void *src,
                       uint64_t len, const char *what, char *err)
{
    const uint8_t *s = src;

    while ( len )
    {
        xen_pfn_t gfn = paddr >> XC_DOM_PAGE_SHIFT;
        uint64_t off = paddr & (XC_DOM_PAGE_SIZE - 1);
        uint64_t n = (PAGE_UP(off + len) >> XC_DOM_PAGE_SHIFT);
        uint64_t bytes;
        uint8_t *p;

        if ( n > MAP_CHUNK )
            n = MAP_CHUNK;
        bytes = (n << XC_DOM_PAGE_SHIFT) - off;
        if ( bytes > len )
            bytes = len;
        p = m->map(m, gfn, n, err);
        if ( !p )
        {
            char why[XC_DOM_ERRLEN];

            snprintf(why, sizeof(why), "%s", err);
            lerrf(err, "cannot write the %s at %#llx: %s", what,
                  (unsigned long long)paddr, why);
            return -EFAULT;
        }
        if ( s )
        {
            memcpy(p + off, s, bytes);
            s += bytes;
        }
        else
            memset(p + off, 0, bytes);
        m->unmap(m, p, n);
        paddr += bytes;
        len -= bytes;
    }
    return 0;
}

/* The kernel's span: segments in paddr order, the gaps zeroed. */
static int load_kernel(struct xc_dom_mem *m, const struct xc_dom_kernel *k,
                       char *err)
{
    unsigned int order[XC_DOM_MAX_SEGS], i, j;
    uint64_t pos = k->paddr_lo;
    int rc;

    for ( i = 0; i < k->nr_segs; i++ )
        order[i] = i;
    for ( i = 1; i < k->nr_segs; i++ )
        for ( j = i; j > 0 && k->seg[order[j]].paddr <
                              k->seg[order[j - 1]].paddr; j-- )
        {
            unsigned int t = order[j];

            order[j] = order[j - 1];
            order[j - 1] = t;
        }

    for ( i = 0; i < k->nr_segs; i++ )
    {
        const struct xc_dom_seg *s = &k->seg[order[i]];

        if ( s->paddr < pos )
        {
            lerrf(err, "kernel segments overlap at %#llx",
                  (unsigned long long)s->paddr);
            return -EINVAL;
        }
        if ( (rc = guest_write(m, pos, NULL, s->paddr - pos, "kernel",
                               err)) ||
             (rc = guest_write(m, s->paddr, k->elf + s->offset, s->filesz,
                               "kernel", err)) ||
             (rc = guest_write(m, s->paddr + s->filesz, NULL,
                               s->memsz - s->filesz, "kernel", err)) )
            return rc;
        pos = s->paddr + s->memsz;
    }
    return 0;
}

int xc_dom_load(struct xc_dom_mem *m, const struct xc_dom_kernel *k,
                const struct xc_dom_layout *l, const void *ramdisk,
                const char *cmdline, char *err)
{
    void *si;
    int rc;

    rc = load_kernel(m, k, err);
    if ( rc )
        return rc;
    if ( l->ramdisk_size )
    {
        rc = guest_write(m, l->ramdisk_paddr, ramdisk, l->ramdisk_size,
                         "ramdisk", err);
        if ( rc )
            return rc;
    }

    si = calloc(1, l->start_info_size);
    if ( !si )
    {
        lerrf(err, "out of memory for start_info");
        return -ENOMEM;
    }
    rc = xc_dom_start_info(l, cmdline, si, l->start_info_size);
    if ( rc )
        lerrf(err, "start_info does not match the plan (command line "
              "changed?)");
    else
        rc = guest_write(m, l->start_info_paddr, si, l->start_info_size,
                         "start_info", err);
    free(si);
    if ( rc )
        return rc;

    /* The rings start empty: both sides read their indexes from them. */
    return guest_write(m, (uint64_t)l->console_pfn << XC_DOM_PAGE_SHIFT,
                       NULL, XC_DOM_NR_SPECIAL * XC_DOM_PAGE_SIZE,
                       "console and xenstore pages", err);
}
