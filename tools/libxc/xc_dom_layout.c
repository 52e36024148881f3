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
#include <emmintrin.h>
#include <xenguest.h>
#include "xc_dom_private.h"

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
        xc_dom_errf(err, "no kernel to lay out");
        return -EINVAL;
    }
    /* The ISA RAM, then low RAM above 1 MiB, then RAM above 4 GiB. */
    if ( pages <= isa + XC_DOM_NR_SPECIAL )
    {
        xc_dom_errf(err, "memory = %u MiB is too small for any guest", mem_mb);
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
        xc_dom_errf(err, "memory map has more than %u entries", XC_DOM_MAX_MEMMAP);
        return -ENOSPC;
    }

    /* The kernel where it was linked to run. */
    l->kernel_lo = k->paddr_lo;
    l->kernel_hi = k->paddr_hi;
    if ( k->paddr_lo < XC_DOM_ISA_HOLE_END )
    {
        xc_dom_errf(err, "the kernel wants to load at %#llx, below 1 MiB: not a "
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
        xc_dom_errf(err, "memory = %u MiB is too small: the kernel (%#llx-%#llx)"
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

    si->rsdp_paddr = l->rsdp_paddr;     /* 0 without ACPI tables */
    return off == l->start_info_size ? 0 : -EINVAL;
}

/* ---- ACPI tables ------------------------------------------------------ */

/*
 * One page: RSDP, XSDT, FADT, DSDT, MADT at these offsets (ACPI 6.4
 * layouts; all little-endian, as the guest).  The MADT grows with the
 * vCPUs: 44 bytes plus 8 per local APIC entry.
 */
#define ACPI_RSDP_OFF   0x000
#define ACPI_XSDT_OFF   0x040
#define ACPI_FADT_OFF   0x080
#define ACPI_DSDT_OFF   0x1c0
#define ACPI_MADT_OFF   0x200
#define ACPI_HDR_LEN    36
#define ACPI_FADT_LEN   276
#define ACPI_MADT_MAX_VCPUS ((XC_DOM_PAGE_SIZE - ACPI_MADT_OFF - 44) / 8)

/* \_S5: Name (_S5, Package (2) { 5, 5 }) */
static const uint8_t dsdt_aml[] = {
    0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02,
    0x0a, XC_DOM_ACPI_S5_TYPE, 0x0a, XC_DOM_ACPI_S5_TYPE,
};

int xc_dom_plan_acpi(struct xc_dom_layout *l, unsigned int vcpus,
                     const char *cmdline, char *err)
{
    struct hvm_memmap_table_entry *ram0 = &l->memmap[0];
    uint64_t page = XC_DOM_ISA_HOLE_START - XC_DOM_PAGE_SIZE;
    uint64_t special = (uint64_t)l->console_pfn << XC_DOM_PAGE_SHIFT;
    unsigned int i;

    if ( !vcpus || vcpus > ACPI_MADT_MAX_VCPUS || vcpus > 128 )
    {
        xc_dom_errf(err, "%u vCPUs do not fit the guest's ACPI tables (at most "
              "128)", vcpus);
        return -EINVAL;
    }
    if ( l->acpi_size || !l->nr_memmap || ram0->addr != 0 ||
         ram0->size != XC_DOM_ISA_HOLE_START ||
         l->nr_memmap == XC_DOM_MAX_MEMMAP )
    {
        xc_dom_errf(err, "no room for ACPI tables in the memory map");
        return -ENOSPC;
    }
    /*
     * The last page below 640 KiB, taken out of RAM: Linux keeps all of
     * the first MiB for itself (never allocated), and the ACPI type keeps
     * any other guest off it too.
     */
    ram0->size -= XC_DOM_PAGE_SIZE;
    for ( i = l->nr_memmap; i > 1; i-- )
        l->memmap[i] = l->memmap[i - 1];
    l->memmap[1] = (struct hvm_memmap_table_entry){
        .addr = page, .size = XC_DOM_PAGE_SIZE,
        .type = XEN_HVM_MEMMAP_TYPE_ACPI,
    };
    l->nr_memmap++;
    l->acpi_paddr = page;
    l->acpi_size = XC_DOM_PAGE_SIZE;
    l->rsdp_paddr = page + ACPI_RSDP_OFF;
    l->acpi_vcpus = vcpus;

    /* start_info grew by one memory map entry: it must still fit. */
    l->start_info_size = start_info_size(l, cmdline);
    if ( PAGE_UP(l->start_info_paddr + l->start_info_size) > special )
    {
        xc_dom_errf(err, "no room for start_info with the ACPI memory map entry "
              "below %#llx; give the guest 1 MiB more",
              (unsigned long long)special);
        return -ENOSPC;
    }
    return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, v);
    put32(p + 4, v >> 32);
}

static uint8_t acpi_sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while ( n-- )
        s += *p++;
    return s;
}

static void acpi_header(uint8_t *t, const char *sig, uint32_t len,
                        uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "KEEL  ", 6);            /* OEM ID */
    memcpy(t + 16, "KEELPVH ", 8);          /* OEM table ID */
    put32(t + 24, 1);                       /* OEM revision */
    memcpy(t + 28, "KEEL", 4);              /* creator */
    put32(t + 32, 1);
}

static void acpi_finish(uint8_t *t)
{
    uint32_t len = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;

    t[9] = 0;
    t[9] = -acpi_sum(t, len);
}

/* A Generic Address Structure for a byte-wide I/O port. */
static void gas_io8(uint8_t *g, uint16_t port)
{
    g[0] = 1;                               /* system I/O */
    g[1] = 8;                               /* bit width */
    g[2] = 0;
    g[3] = 1;                               /* byte access */
    put64(g + 4, port);
}

int xc_dom_acpi_tables(const struct xc_dom_layout *l, void *buf,
                       size_t len)
{
    uint8_t *b = buf, *t;
    uint64_t base = l->acpi_paddr;
    uint32_t madt_len;
    unsigned int i;

    if ( !l->acpi_size || len < l->acpi_size || !l->acpi_vcpus ||
         l->acpi_vcpus > ACPI_MADT_MAX_VCPUS )
        return -EINVAL;
    memset(b, 0, l->acpi_size);

    /* RSDP (revision 2: XSDT only). */
    t = b + ACPI_RSDP_OFF;
    memcpy(t, "RSD PTR ", 8);
    memcpy(t + 9, "KEEL  ", 6);
    t[15] = 2;
    put32(t + 20, 36);
    put64(t + 24, base + ACPI_XSDT_OFF);
    t[8] = -acpi_sum(t, 20);
    t[32] = -acpi_sum(t, 36);

    /* XSDT: the FADT and the MADT (the DSDT hangs off the FADT). */
    t = b + ACPI_XSDT_OFF;
    acpi_header(t, "XSDT", ACPI_HDR_LEN + 16, 1);
    put64(t + 36, base + ACPI_FADT_OFF);
    put64(t + 44, base + ACPI_MADT_OFF);
    acpi_finish(t);

    /*
     * FADT 6.4, hardware-reduced: no SCI, PM timer, PM1 blocks or FACS;
     * sleep control/status and reset registers on I/O ports; no VGA, no
     * MSI (no PCI), no CMOS RTC.
     */
    t = b + ACPI_FADT_OFF;
    acpi_header(t, "FACP", ACPI_FADT_LEN, 6);
    put32(t + 40, base + ACPI_DSDT_OFF);
    put16(t + 109, (1u << 2) | (1u << 3) | (1u << 5));
    put32(t + 112, (1u << 4) | (1u << 5) | (1u << 10) | (1u << 20));
    gas_io8(t + 116, XC_DOM_ACPI_RESET_PORT);
    t[128] = XC_DOM_ACPI_RESET_VALUE;
    t[131] = 4;                             /* minor version */
    put64(t + 140, base + ACPI_DSDT_OFF);
    gas_io8(t + 244, XC_DOM_ACPI_SLEEP_CTL_PORT);
    gas_io8(t + 256, XC_DOM_ACPI_SLEEP_STS_PORT);
    memcpy(t + 268, "XenVMM\0\0", 8);       /* hypervisor vendor */
    acpi_finish(t);

    t = b + ACPI_DSDT_OFF;
    acpi_header(t, "DSDT", ACPI_HDR_LEN + sizeof(dsdt_aml), 2);
    memcpy(t + ACPI_HDR_LEN, dsdt_aml, sizeof(dsdt_aml));
    acpi_finish(t);

    /* MADT: the vLAPICs (IDs 2 * vCPU, as the hypervisor numbers them). */
    t = b + ACPI_MADT_OFF;
    madt_len = 44 + 8 * l->acpi_vcpus;
    acpi_header(t, "APIC", madt_len, 5);
    put32(t + 36, 0xfee00000);
    put32(t + 40, 0);                       /* no 8259s */
    for ( i = 0; i < l->acpi_vcpus; i++ )
    {
        uint8_t *e = t + 44 + 8 * i;

        e[0] = 0;                           /* processor local APIC */
        e[1] = 8;
        e[2] = i;                           /* ACPI processor UID */
        e[3] = 2 * i;                       /* APIC ID */
        put32(e + 4, 1);                    /* enabled */
    }
    acpi_finish(t);
    return 0;
}

/* Map at most this many frames at a time (32 MiB of address space). */
#define MAP_CHUNK 8192

/*
 * Under the benchmarks' instruction-counted time (and on real CPUs not
 * much differently) the loader's own work per byte matters: glibc's
 * memcpy/memset pick "rep movsb/stosb" for these sizes, one byte per
 * iteration under QEMU's icount; 16-byte SSE2 moves (baseline x86-64)
 * do a 4 KiB page in about 300 instructions.
 */
/*
 * Copy into guest pages.  Streaming stores need an aligned destination
 * (page offsets of segments are, in practice); they also keep compilers
 * from turning the loop back into a memcpy call.
 */
static void copy_out(uint8_t *d, const uint8_t *s, size_t len)
{
    if ( !((uintptr_t)d & 15) )
    {
        for ( ; len >= 64; d += 64, s += 64, len -= 64 )
        {
            __m128i a = _mm_loadu_si128((const __m128i *)s);
            __m128i b = _mm_loadu_si128((const __m128i *)(s + 16));
            __m128i c = _mm_loadu_si128((const __m128i *)(s + 32));
            __m128i e = _mm_loadu_si128((const __m128i *)(s + 48));

            _mm_stream_si128((__m128i *)d, a);
            _mm_stream_si128((__m128i *)(d + 16), b);
            _mm_stream_si128((__m128i *)(d + 32), c);
            _mm_stream_si128((__m128i *)(d + 48), e);
        }
        _mm_sfence();
    }
    memcpy(d, s, len);
}

static void zero_out(uint8_t *d, size_t len)
{
    const __m128i z = _mm_setzero_si128();

    if ( !((uintptr_t)d & 15) )
    {
        for ( ; len >= 64; d += 64, len -= 64 )
        {
            _mm_stream_si128((__m128i *)d, z);
            _mm_stream_si128((__m128i *)(d + 16), z);
            _mm_stream_si128((__m128i *)(d + 32), z);
            _mm_stream_si128((__m128i *)(d + 48), z);
        }
        _mm_sfence();
    }
    memset(d, 0, len);
}

/*
 * Whether the len bytes at s (NULL: zeros) are all zero.  Bytes of the
 * kernel's image are answered from its page map when it has one: a page
 * with any non-zero byte counts as non-zero (exact for page-aligned
 * segments; otherwise at worst a zero page is written), and neither the
 * zero pages' bytes are read nor their file pages faulted in.
 */
static bool src_zero(const struct xc_dom_kernel *k, const uint8_t *s,
                     uint64_t len)
{
    if ( !s )
        return true;
    if ( k && k->nz_map && s >= k->elf && len &&
         (uint64_t)(s - k->elf) + len <= k->nz_pages * XC_DOM_PAGE_SIZE )
    {
        uint64_t off = s - k->elf, i;

        for ( i = off >> XC_DOM_PAGE_SHIFT;
              i <= (off + len - 1) >> XC_DOM_PAGE_SHIFT; i++ )
            if ( k->nz_map[i >> 3] & (1u << (i & 7)) )
                return false;
        return true;
    }
    return xc_dom_all_zero(s, len);
}

/*
 * Write len bytes from src (NULL: zeros) at guest-physical paddr.  With
 * m->zeroed (fresh memory), pages that would only receive zeros are not
 * written at all: about half of Debian's vmlinux is zero pages (.bss,
 * .brk, page-aligned padding).  Runs of pages to write go to m->write
 * (the hypervisor's copy) or are mapped, MAP_CHUNK at most at a time;
 * each mapped page costs two p2m updates in the hypervisor (dom0's map
 * and unmap) plus dom0's own page-table work.  k (or NULL): the kernel
 * whose image src may point into, for its page map.
 */
static int guest_write(struct xc_dom_mem *m, const struct xc_dom_kernel *k,
                       uint64_t paddr, const void *src, uint64_t len,
                       const char *what, char *err)
{
    const uint8_t *s = src;
    uint64_t t0 = xc_dom_now_ns(), io = 0;
    int rc = 0;

    while ( len )
    {
        xen_pfn_t gfn = paddr >> XC_DOM_PAGE_SHIFT;
        uint64_t off = paddr & (XC_DOM_PAGE_SIZE - 1);
        uint64_t first = XC_DOM_PAGE_SIZE - off, bytes, n;
        uint64_t t;
        uint8_t *p;

        if ( first > len )
            first = len;
        if ( m->zeroed && src_zero(k, s, first) )
        {
            m->pages_skipped++;
            paddr += first;
            s = s ? s + first : NULL;
            len -= first;
            continue;
        }
        /* Extend the run over the following pages that need writing. */
        for ( bytes = first, n = 1; bytes < len && n < MAP_CHUNK; n++ )
        {
            uint64_t b = len - bytes < XC_DOM_PAGE_SIZE ?
                         len - bytes : XC_DOM_PAGE_SIZE;

            if ( m->zeroed && src_zero(k, s ? s + bytes : NULL, b) )
                break;
            bytes += b;
        }
        t = xc_dom_now_ns();
        if ( m->write && s )
        {
            rc = m->write(m, paddr, s, bytes, err);
            io += xc_dom_now_ns() - t;
            if ( !rc )
            {
                m->pages_written += n;
                s += bytes;
                paddr += bytes;
                len -= bytes;
                continue;
            }
            if ( rc != -ENOSYS && rc != -EOPNOTSUPP )
            {
                char why[XC_DOM_ERRLEN];

                snprintf(why, sizeof(why), "%s", err);
                xc_dom_errf(err, "cannot write the %s at %#llx: %s", what,
                      (unsigned long long)paddr, why);
                goto out;
            }
            /* An older hypervisor: map pages from now on. */
            rc = 0;
            m->write = NULL;
            t = xc_dom_now_ns();
        }
        p = m->map(m, gfn, n, err);
        m->map_ns += xc_dom_now_ns() - t;
        if ( !p )
        {
            char why[XC_DOM_ERRLEN];

            io += xc_dom_now_ns() - t;
            snprintf(why, sizeof(why), "%s", err);
            xc_dom_errf(err, "cannot write the %s at %#llx: %s", what,
                  (unsigned long long)paddr, why);
            rc = -EFAULT;
            goto out;
        }
        if ( s )
        {
            copy_out(p + off, s, bytes);
            s += bytes;
        }
        else
            zero_out(p + off, bytes);
        {
            uint64_t u = xc_dom_now_ns();

            m->unmap(m, p, n);
            m->unmap_ns += xc_dom_now_ns() - u;
        }
        io += xc_dom_now_ns() - t;
        m->pages_written += n;
        paddr += bytes;
        len -= bytes;
    }
 out:
    m->scan_ns += xc_dom_now_ns() - t0 - io;
    return rc;
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
            xc_dom_errf(err, "kernel segments overlap at %#llx",
                  (unsigned long long)s->paddr);
            return -EINVAL;
        }
        if ( (rc = guest_write(m, k, pos, NULL, s->paddr - pos, "kernel",
                               err)) ||
             (rc = guest_write(m, k, s->paddr, k->elf + s->offset,
                               s->filesz, "kernel", err)) ||
             (rc = guest_write(m, k, s->paddr + s->filesz, NULL,
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
        rc = guest_write(m, NULL, l->ramdisk_paddr, ramdisk, l->ramdisk_size,
                         "ramdisk", err);
        if ( rc )
            return rc;
    }

    si = calloc(1, l->start_info_size);
    if ( !si )
    {
        xc_dom_errf(err, "out of memory for start_info");
        return -ENOMEM;
    }
    rc = xc_dom_start_info(l, cmdline, si, l->start_info_size);
    if ( rc )
        xc_dom_errf(err, "start_info does not match the plan (command line "
              "changed?)");
    else
        rc = guest_write(m, NULL, l->start_info_paddr, si, l->start_info_size,
                         "start_info", err);
    free(si);
    if ( rc )
        return rc;

    if ( l->acpi_size )
    {
        uint8_t tables[XC_DOM_PAGE_SIZE];

        if ( l->acpi_size > sizeof(tables) ||
             xc_dom_acpi_tables(l, tables, sizeof(tables)) )
        {
            xc_dom_errf(err, "cannot lay out the ACPI tables for %u vCPUs",
                  l->acpi_vcpus);
            return -EINVAL;
        }
        rc = guest_write(m, NULL, l->acpi_paddr, tables, l->acpi_size,
                         "ACPI tables", err);
        if ( rc )
            return rc;
    }

    /* The rings start empty: both sides read their indexes from them. */
    return guest_write(m, NULL, (uint64_t)l->console_pfn << XC_DOM_PAGE_SHIFT,
                       NULL, XC_DOM_NR_SPECIAL * XC_DOM_PAGE_SIZE,
                       "console and xenstore pages", err);
}
