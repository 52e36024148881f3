/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH dom0 builder (see asm/dom0_build.h for the sequence).
 *
 * Dom0 runs on an identity p2m: its RAM is the host RAM the allocator
 * gives up for it, at the same addresses, so the kernel's PT_LOAD
 * segments (linked at fixed physical addresses, 16 MiB for Debian's
 * kernel) are claimed for dom0 before anything else, then the rest of
 * its memory is populated in ascending order.  Everything the kernel
 * reads at its entry (initrd, command line, hvm_start_info with its
 * module list and memory map) is placed in dom0 RAM after the kernel,
 * below 4 GiB, as Xen's docs/misc/pvh.pandoc requires.
 *
 * The memory map and the start_info block are built by pure functions
 * (compiled on the host too, for tests/unit/sched).
 */
#include <xen/types.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <asm/dom0_build.h>

/* ---- dom0's memory map ------------------------------------------------ */

static int memmap_add(struct hvm_memmap_table_entry *out, unsigned int *nr,
                      unsigned int max, u64 start, u64 end, u32 type)
{
    struct hvm_memmap_table_entry *last = *nr ? &out[*nr - 1] : NULL;

    if ( start >= end )
        return 0;
    if ( last && last->type == type && last->addr + last->size == start )
    {
        last->size += end - start;
        return 0;
    }
    if ( *nr == max )
        return -ENOSPC;
    out[*nr].addr = start;
    out[*nr].size = end - start;
    out[*nr].type = type;
    out[*nr].reserved = 0;
    (*nr)++;
    return 0;
}

int dom0_build_memmap(const struct e820entry *host, unsigned int nr_host,
                      const struct dom0_range *ram, unsigned int nr_ram,
                      struct hvm_memmap_table_entry *out,
                      unsigned int max_out)
{
    unsigned int i, j = 0, nr = 0;

    for ( i = 0; i < nr_host; i++ )
    {
        u64 s = host[i].addr, e = host[i].addr + host[i].size;

        if ( host[i].type != E820_RAM )
        {
            if ( memmap_add(out, &nr, max_out, s, e, host[i].type) )
                return -ENOSPC;
            continue;
        }

        /* Split host RAM into dom0's pieces and the rest. */
        while ( s < e )
        {
            u64 rs, re;

            while ( j < nr_ram && ram[j].end <= s )
                j++;
            if ( j == nr_ram || ram[j].start >= e )
            {
                if ( memmap_add(out, &nr, max_out, s, e, E820_UNUSABLE) )
                    return -ENOSPC;
                break;
            }
            rs = ram[j].start > s ? ram[j].start : s;
            re = ram[j].end < e ? ram[j].end : e;
            if ( memmap_add(out, &nr, max_out, s, rs, E820_UNUSABLE) ||
                 memmap_add(out, &nr, max_out, rs, re, E820_RAM) )
                return -ENOSPC;
            s = re;
        }
    }
    return nr;
}

int dom0_memmap_mark(struct hvm_memmap_table_entry *m, unsigned int nr,
                     unsigned int max, u64 start, u64 end, u32 type)
{
    unsigned int i, add;
    u64 s, e;

    for ( i = 0; i < nr; i++ )
        if ( m[i].addr <= start && end <= m[i].addr + m[i].size )
            break;
    if ( i == nr || start >= end || m[i].type != E820_RAM )
        return -EINVAL;
    s = m[i].addr;
    e = m[i].addr + m[i].size;
    /* RAM before, the new range, RAM after: up to two more entries. */
    add = (s < start) + (end < e);
    if ( nr + add > max )
        return -ENOSPC;
    memmove(&m[i + 1 + add], &m[i + 1], (nr - i - 1) * sizeof(*m));
    if ( s < start )
    {
        m[i].addr = s;
        m[i].size = start - s;
        m[i].type = E820_RAM;
        m[i].reserved = 0;
        i++;
    }
    m[i].addr = start;
    m[i].size = end - start;
    m[i].type = type;
    m[i].reserved = 0;
    if ( end < e )
    {
        m[i + 1].addr = end;
        m[i + 1].size = e - end;
        m[i + 1].type = E820_RAM;
        m[i + 1].reserved = 0;
    }
    return nr + add;
}

/* ---- the start_info block --------------------------------------------- */

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

static size_t strsize(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

size_t dom0_start_info_size(const struct dom0_start_params *p)
{
    size_t sz = ALIGN8(sizeof(struct hvm_start_info));

    if ( p->initrd_size )
        sz += ALIGN8(sizeof(struct hvm_modlist_entry));
    sz += ALIGN8(p->nr_memmap * sizeof(struct hvm_memmap_table_entry));
    sz += ALIGN8(strsize(p->cmdline));
    if ( p->initrd_size )
        sz += ALIGN8(strsize(p->initrd_cmdline));
    return sz;
}

size_t dom0_start_info_build(void *buf, size_t bufsz, u64 base,
                             const struct dom0_start_params *p)
{
    char *b = buf;
    struct hvm_start_info *si = buf;
    struct hvm_modlist_entry *mod = NULL;
    size_t off, need = dom0_start_info_size(p), n;

    if ( need > bufsz )
        return 0;
    memset(buf, 0, need);

    si->magic = XEN_HVM_START_MAGIC_VALUE;
    si->version = 1;
    si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    off = ALIGN8(sizeof(*si));

    if ( p->initrd_size )
    {
        mod = (struct hvm_modlist_entry *)(b + off);
        mod->paddr = p->initrd_paddr;
        mod->size = p->initrd_size;
        si->nr_modules = 1;
        si->modlist_paddr = base + off;
        off += ALIGN8(sizeof(*mod));
    }

    n = p->nr_memmap * sizeof(struct hvm_memmap_table_entry);
    if ( n )
    {
        memcpy(b + off, p->memmap, n);
        si->memmap_paddr = base + off;
        si->memmap_entries = p->nr_memmap;
    }
    off += ALIGN8(n);

    si->rsdp_paddr = p->rsdp_paddr;

    if ( p->cmdline )
    {
        n = strsize(p->cmdline);
        memcpy(b + off, p->cmdline, n);
        si->cmdline_paddr = base + off;
        off += ALIGN8(n);
    }

    if ( mod && p->initrd_cmdline )
    {
        n = strsize(p->initrd_cmdline);
        memcpy(b + off, p->initrd_cmdline, n);
        mod->cmdline_paddr = base + off;
        off += ALIGN8(n);
    }

    return off;
}

#ifndef KEEL_HOST_TEST

#include <xen/console.h>
#include <xen/param.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/cpumask.h>
#include <xen/acpi.h>
#include <asm/config.h>
#include <asm/dom0.h>
#include <asm/e820.h>
#include <asm/p2m.h>
#include <asm/processor.h>

/*
 * dom0=<list>: "pvh" (Xen's option) is accepted; it is also what dom0
 * always is here: Keel has no PV dom0, so "pv" is refused.  Xen's
 * sub-options (shadow=, verbose=, ...) are not known yet and make the
 * value invalid.
 */
static int parse_dom0(const char *s)
{
    bool pvh = false;

    while ( *s )
    {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);

        if ( len == 3 && !strncmp(s, "pvh", 3) )
            pvh = true;
        else
            return -EINVAL;
        s += len;
        if ( *s == ',' )
            s++;
    }
    return pvh ? 0 : -EINVAL;
}
custom_param("dom0", parse_dom0);

#define GB(x) ((u64)(x) << 30)

/* Most memory map entries / RAM ranges dom0 gets. */
#define DOM0_MAX_MEMMAP 128
#define DOM0_MAX_RANGES 64

/* Is frame pfn dom0 RAM (gfn == mfn)? */
static bool dom0_pfn_is_ram(struct domain *d, unsigned long pfn)
{
    p2m_type_t t;
    unsigned long mfn = p2m_get_entry(&d->p2m, pfn, &t, NULL);

    return p2m_is_ram(t) && mfn == pfn;
}

static bool dom0_range_is_ram(struct domain *d, u64 start, u64 end)
{
    unsigned long pfn;

    for ( pfn = PFN_DOWN(start); pfn < PFN_UP(end); pfn++ )
        if ( !dom0_pfn_is_ram(d, pfn) )
            return false;
    return true;
}

/*
 * Claim [start, end) of host memory for dom0 and map it 1:1 as RAM.
 * Fails if any frame of it is not free (hypervisor image, heap, boot
 * modules): the PT_LOAD segments cannot then be placed at their paddr.
 */
static int dom0_claim_exact(struct domain *d, u64 start, u64 end)
{
    unsigned long pfn, first = PFN_DOWN(start), last = PFN_UP(end);
    unsigned int order;

    /*
     * Two passes: take every frame first, then map them.  Mapping
     * allocates p2m table pages, which would otherwise be carved out of
     * the remnants of the blocks just split, inside the range itself.
     */
    for ( pfn = first; pfn < last; pfn += 1UL << order )
    {
        order = 0;
        if ( dom0_pfn_is_ram(d, pfn) )
            continue;
        /* The biggest aligned block that fits; fall back to smaller. */
        while ( order < 9 && !(pfn & ((2UL << order) - 1)) &&
                pfn + (2UL << order) <= last )
            order++;
        for ( ; ; )
        {
            if ( alloc_domheap_exact(d, pfn, order) )
                break;
            if ( !order )
            {
                printk(XENLOG_ERR "Dom0: frame %#lx is not free\n", pfn);
                return -EBUSY;
            }
            order--;
        }
    }

    for ( pfn = first; pfn < last; pfn += 1UL << order )
    {
        order = 0;
        if ( dom0_pfn_is_ram(d, pfn) )
            continue;
        while ( order < 9 && !(pfn & ((2UL << order) - 1)) &&
                pfn + (2UL << order) <= last &&
                !dom0_pfn_is_ram(d, pfn + (1UL << order)) &&
                !dom0_pfn_is_ram(d, pfn + (2UL << order) - 1) )
            order++;
        if ( p2m_set_entry(&d->p2m, pfn, pfn, order, p2m_ram_rw) )
            return -ENOMEM;
    }
    return 0;
}

/*
 * Lowest dom0 RAM range of size bytes at or above from, wholly below
 * 4 GiB; 0 if none (dom0 never gets page 0 for this).
 */
static u64 dom0_find_ram(struct domain *d, u64 from, u64 size)
{
    unsigned long pfn = PFN_UP(from), start = pfn;
    unsigned long need = PFN_UP(size), limit = PFN_DOWN(GB(4));

    for ( ; pfn < limit; pfn++ )
    {
        if ( !dom0_pfn_is_ram(d, pfn) )
        {
            start = pfn + 1;
            continue;
        }
        if ( pfn + 1 - start >= need )
            return (u64)start << PAGE_SHIFT;
    }
    return 0;
}

/* dom0's RAM as sorted ranges, from the p2m over the host's RAM. */
static unsigned int dom0_ram_ranges(struct domain *d, struct dom0_range *r,
                                    unsigned int max)
{
    unsigned int i, nr = 0;

    for ( i = 0; i < e820.nr_map; i++ )
    {
        const struct e820entry *e = &e820.map[i];
        unsigned long pfn = PFN_UP(e->addr);
        unsigned long end = PFN_DOWN(e->addr + e->size);

        if ( e->type != E820_RAM )
            continue;
        while ( pfn < end )
        {
            p2m_type_t t;
            unsigned int order = 0;
            unsigned long mfn = p2m_get_entry(&d->p2m, pfn, &t, &order);
            unsigned long next = (pfn | ((1UL << order) - 1)) + 1;
            u64 s = (u64)pfn << PAGE_SHIFT;

            if ( next > end )
                next = end;
            if ( p2m_is_ram(t) && mfn == pfn )
            {
                if ( nr && r[nr - 1].end == s )
                    r[nr - 1].end = (u64)next << PAGE_SHIFT;
                else if ( nr < max )
                {
                    r[nr].start = s;
                    r[nr].end = (u64)next << PAGE_SHIFT;
                    nr++;
                }
                else
                    panic("Dom0 RAM in more than %u pieces", max);
            }
            pfn = next;
        }
    }
    return nr;
}

static void dom0_copy_to(u64 paddr, const void *src, size_t len)
{
    memcpy(maddr_to_virt(paddr), src, len);
}

/* ---- boot modules -------------------------------------------------------- */

#include <asm/kernel_image.h>

/* Modules moved out of the kernel's way, and their xenheap order. */
static bool dom0_mod_moved[MAX_BOOT_MODULES];
static unsigned int dom0_mod_order[MAX_BOOT_MODULES];

static unsigned int order_for(u64 size)
{
    unsigned int order = 0;

    while ( ((u64)PAGE_SIZE << order) < size )
        order++;
    return order;
}

/*
 * Give a module's frames back to the heap.  Modules start on a page (the
 * loaders align them), but the last page may be partly used: it goes too,
 * unless another module shares it.
 */
static void dom0_release_module(unsigned int i, u64 s, u64 e)
{
    u64 ps = s & PAGE_MASK, pe = (e + PAGE_SIZE - 1) & PAGE_MASK;
    unsigned int j;

    for ( j = 0; j < boot_info.nr_modules; j++ )
    {
        const struct boot_module *o = &boot_info.mods[j];

        if ( j == i || !o->size || dom0_mod_moved[j] )
            continue;
        if ( o->start < ps + PAGE_SIZE && o->start + o->size > ps )
            ps += PAGE_SIZE;
        if ( pe > ps && o->start < pe && o->start + o->size > pe - PAGE_SIZE )
            pe -= PAGE_SIZE;
    }
    if ( ps < pe )
        release_boot_range(ps, pe);
}

/*
 * 2^order xenheap pages wholly outside [lo, hi): blocks that fall inside
 * are held while looking further, then given back.
 */
static void *dom0_alloc_outside(unsigned int order, u64 lo, u64 hi)
{
    void *held[16], *p = NULL;
    unsigned int n = 0;

    while ( n < ARRAY_SIZE(held) )
    {
        u64 s;

        p = alloc_xenheap_pages(order, 0);
        if ( !p )
            break;
        s = virt_to_maddr(p);
        if ( s + ((u64)PAGE_SIZE << order) <= lo || s >= hi )
            break;
        held[n++] = p;
        p = NULL;
    }
    while ( n )
        free_xenheap_pages(held[--n], order);
    return p;
}

/*
 * The loader put modules where it liked, often right after the hypervisor
 * image; a big initrd then covers the physical addresses the kernel is
 * linked at (16 MiB on) and dom0 could not be built.  Move every module
 * overlapping [lo, hi) to the heap and give its old frames back, so that
 * the kernel's range can be claimed.
 */
static void dom0_move_modules(struct kernel_image *ki, u64 lo, u64 hi)
{
    unsigned int i;

    for ( i = 0; i < boot_info.nr_modules && i < MAX_BOOT_MODULES; i++ )
    {
        struct boot_module *m = &boot_info.mods[i];
        u64 s = m->start, e = m->start + m->size;
        unsigned int order;
        u8 *copy;

        if ( !m->size || e <= lo || s >= hi || dom0_mod_moved[i] )
            continue;
        order = order_for(m->size);
        copy = dom0_alloc_outside(order, lo, hi);
        if ( !copy )
            panic("Dom0: boot module %u (%lukB at %#lx) is in the kernel's "
                  "way (%#lx-%#lx) and there is no memory to move it", i,
                  (unsigned long)(m->size >> 10), s, lo, hi);
        memcpy(copy, maddr_to_virt(s), m->size);
        /* An ELF vmlinux is used in place: follow it. */
        if ( i == 0 && ki->elf >= (const u8 *)maddr_to_virt(s) &&
             ki->elf < (const u8 *)maddr_to_virt(e) )
            ki->elf = copy + (ki->elf - (const u8 *)maddr_to_virt(s));
        m->start = virt_to_maddr(copy);
        dom0_mod_moved[i] = true;
        dom0_mod_order[i] = order;
        dom0_release_module(i, s, e);
        printk("Dom0: moved boot module %u (%lukB) from %#lx to %#lx, out "
               "of the kernel's range\n", i, (unsigned long)(m->size >> 10),
               s, (unsigned long)m->start);
    }
}

/* dom0 has its copies: the modules' memory goes back to the heap. */
static void dom0_free_modules(void)
{
    unsigned int i;
    u64 freed = 0;

    for ( i = 0; i < boot_info.nr_modules && i < MAX_BOOT_MODULES; i++ )
    {
        struct boot_module *m = &boot_info.mods[i];

        if ( !m->size )
            continue;
        if ( dom0_mod_moved[i] )
            free_xenheap_pages(maddr_to_virt(m->start), dom0_mod_order[i]);
        else
            dom0_release_module(i, m->start, m->start + m->size);
        freed += m->size;
        m->size = 0;
    }
    printk("Freed %lukB of boot modules\n", (unsigned long)(freed >> 10));
}

/* ---- the kernel -------------------------------------------------------- */

#include <asm/kernel_image.h>

/* One PT_LOAD segment: filesz bytes from src at paddr, zeroed to memsz. */
struct dom0_segment {
    u64 paddr, filesz, memsz;
    const void *src;
};

/*
 * Claim every segment's frames for dom0 (before the rest of its memory
 * is populated, so that they are still free) and copy the segments in.
 * Returns 0 and sets *kend to the end of the highest segment.
 */
static int dom0_place_segments(struct domain *d,
                               const struct dom0_segment *seg,
                               unsigned int nr, u64 *kend)
{
    unsigned int i;
    u64 lo = ~0ULL, hi = 0;

    for ( i = 0; i < nr; i++ )
    {
        u64 s = seg[i].paddr, e = seg[i].paddr + seg[i].memsz;

        if ( !seg[i].memsz )
            continue;
        if ( seg[i].filesz > seg[i].memsz || e < s || e > GB(4) )
        {
            printk(XENLOG_ERR "Dom0 kernel: bad segment %#lx+%#lx\n",
                   s, seg[i].memsz);
            return -EINVAL;
        }
        printk("ELF: phdr: paddr=%#lx memsz=%#lx\n", s, seg[i].memsz);
        lo = s < lo ? s : lo;
        hi = e > hi ? e : hi;
    }
    if ( !hi )
        return -ENOEXEC;

    /*
     * Linux treats all of _text.._end as its own RAM and frees the gaps
     * between segments itself: claim the whole span, gaps included, and
     * zero it before the segments go in.
     */
    if ( dom0_claim_exact(d, lo, hi) )
    {
        printk(XENLOG_ERR "Dom0 kernel: %#lx-%#lx overlaps hypervisor "
               "memory\n", lo, hi);
        return -EBUSY;
    }
    ASSERT(dom0_range_is_ram(d, lo, hi));
    memset(maddr_to_virt(lo), 0, hi - lo);
    for ( i = 0; i < nr; i++ )
        if ( seg[i].memsz )
            dom0_copy_to(seg[i].paddr, seg[i].src, seg[i].filesz);
    printk("ELF: memory: %#lx -> %#lx\n", lo, hi);
    *kend = hi;
    return 0;
}

#include <asm/kernel_image.h>

/*
 * Place the kernel's segments; returns the PVH entry and sets *kend to
 * the end of the highest segment.
 */
static u64 dom0_load_kernel(struct domain *d, u64 *kend)
{
    struct kernel_image *ki = &dom0_kernel;
    struct dom0_segment seg[KERNEL_MAX_SEGMENTS];
    unsigned int i;
    u64 entry;
    int rc;

    /* Analysed at boot (kernel_image_boot_probe); if not, do it now. */
    if ( !dom0_kernel_ok && !ki->elf )
    {
        rc = kernel_image_load_info(&boot_info.mods[0], ki);
        dom0_kernel_ok = !rc;
    }
    if ( !dom0_kernel_ok )
        panic("Dom0 kernel: %s", ki->err ? ki->err : "unusable");
    if ( !ki->have_pvh_entry )
        panic("Dom0 kernel: no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY): "
              "this kernel cannot boot as a PVH dom0");

    /* The segments' frames must be free: move modules out of the way. */
    dom0_move_modules(ki, ki->paddr_min, ki->paddr_max);
    for ( i = 0; i < ki->nr_segments; i++ )
    {
        if ( ki->seg[i].offset > ki->elf_len ||
             ki->seg[i].filesz > ki->elf_len - ki->seg[i].offset )
            panic("Dom0 kernel: segment %u beyond the image", i);
        seg[i].paddr = ki->seg[i].paddr;
        seg[i].filesz = ki->seg[i].filesz;
        seg[i].memsz = ki->seg[i].memsz;
        seg[i].src = ki->elf + ki->seg[i].offset;
    }
    rc = dom0_place_segments(d, seg, ki->nr_segments, kend);
    if ( rc )
        panic("Dom0 kernel: cannot place its segments (%d)", rc);
    entry = ki->pvh_entry;
    printk("Dom0 PVH entry: %#lx\n", entry);
    /* Give the decompression buffer back before dom0's RAM is taken. */
    kernel_image_release(ki);
    dom0_kernel_ok = false;
    return entry;
}

/* ---- ACPI ---------------------------------------------------------------- */

#define DOM0_MAX_ACPI_TABLES 64

/*
 * Build dom0's RSDP/XSDT/MADT/FADT block in dom0 RAM at or above from and
 * mark it "ACPI data" in dom0's memory map.  Returns the RSDP's address
 * (0: the host has no ACPI) and sets *end past the block.
 */
static u64 dom0_setup_acpi(struct domain *d, u64 from, unsigned int nr_vcpus,
                           struct hvm_memmap_table_entry *memmap,
                           int *nr_memmap, u64 *end)
{
    paddr_t pa[DOM0_MAX_ACPI_TABLES];
    u64 pa64[DOM0_MAX_ACPI_TABLES];
    const struct acpi_table_header *tab[DOM0_MAX_ACPI_TABLES];
    struct dom0_acpi_params ap = { .tables = tab, .table_pa = pa64,
                                   .nr_vcpus = nr_vcpus };
    unsigned int i;
    size_t size;
    u64 base;
    void *buf;
    int rc;

    *end = from;
    if ( !acpi_info.rsdp )
        return 0;
    ap.nr_tables = acpi_root_tables(pa, DOM0_MAX_ACPI_TABLES);
    for ( i = 0; i < ap.nr_tables; i++ )
    {
        pa64[i] = pa[i];
        tab[i] = acpi_table_at(pa[i]);
    }
    size = dom0_acpi_size(&ap);
    base = dom0_find_ram(d, from, size);
    buf = xmalloc_bytes(size);
    if ( !base || !buf || dom0_acpi_build(buf, size, base, &ap) != size )
        panic("Dom0: cannot build its ACPI tables (%lu bytes)",
              (unsigned long)size);
    dom0_copy_to(base, buf, size);
    xfree(buf);
    rc = dom0_memmap_mark(memmap, *nr_memmap, DOM0_MAX_MEMMAP, base,
                          base + ((u64)PFN_UP(size) << PAGE_SHIFT), E820_ACPI);
    if ( rc < 0 )
        panic("Dom0: cannot reserve its ACPI tables in its memory map (%d)",
              rc);
    *nr_memmap = rc;
    *end = base + ((u64)PFN_UP(size) << PAGE_SHIFT);
    printk("Dom0 ACPI: RSDP %#lx, %u host tables, MADT for %u vCPUs "
           "(%lu bytes)\n", base, ap.nr_tables, nr_vcpus,
           (unsigned long)size);
    return base;
}

/* ---- ACPI sleep requests ------------------------------------------------- */

#include <asm/io.h>
#include <asm/hvm/io.h>
#include <public/sched.h>

static bool dom0_s3_warned;

/*
 * dom0's writes to PM1a/PM1b_CNT (ACPI 6.5 section 4.8.3.2.1).  Everything
 * passes through except setting SLP_EN: a power-off request (SLP_TYP of
 * \_S5) shuts the machine down through the hypervisor, as SCHEDOP_shutdown
 * would, so that it stops its other CPUs and logs why; other sleep states
 * (S3) are not supported and ignored.
 */
static int dom0_pm1_cnt(struct vcpu *v, bool in, u16 port,
                        unsigned int size, u32 *val)
{
    u16 base = port >= acpi_info.pm1b_cnt && acpi_info.pm1b_cnt &&
               port < acpi_info.pm1b_cnt + 2 ? acpi_info.pm1b_cnt
                                             : acpi_info.pm1a_cnt;
    u8 s5 = base == acpi_info.pm1a_cnt ? acpi_info.slp_typa
                                       : acpi_info.slp_typb;
    u32 bits = *val << (8 * (port - base));

    if ( in )
    {
        *val = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
        return X86EMUL_OKAY;
    }
    if ( bits & ACPI_PM1_SLP_EN )
    {
        u8 typ = (bits >> ACPI_PM1_SLP_TYP_SHIFT) & 7;

        if ( acpi_info.s5_valid && typ == s5 )
        {
            printk("d%u: ACPI S5 requested through PM1%c_CNT\n",
                   v->domain->domain_id,
                   base == acpi_info.pm1a_cnt ? 'a' : 'b');
            domain_shutdown(v->domain, SHUTDOWN_poweroff);
            return X86EMUL_OKAY;
        }
        if ( !dom0_s3_warned )
        {
            dom0_s3_warned = true;
            printk(XENLOG_WARNING "d%u: ACPI sleep type %u requested: "
                   "not supported, ignored\n", v->domain->domain_id, typ);
        }
        return X86EMUL_OKAY;
    }
    if ( size == 1 )
        outb(*val, port);
    else if ( size == 2 )
        outw(*val, port);
    else
        outl(*val, port);
    return X86EMUL_OKAY;
}

static void dom0_claim_pm1(struct domain *d)
{
    if ( acpi_info.pm1a_cnt &&
         hvm_register_portio(d, acpi_info.pm1a_cnt, 2, dom0_pm1_cnt) )
        panic("Dom0: cannot intercept PM1a_CNT");
    if ( acpi_info.pm1b_cnt &&
         hvm_register_portio(d, acpi_info.pm1b_cnt, 2, dom0_pm1_cnt) )
        panic("Dom0: cannot intercept PM1b_CNT");
}

/* ---- the builder ------------------------------------------------------ */

static void dom0_print_memmap(const struct hvm_memmap_table_entry *m,
                              unsigned int nr)
{
    unsigned int i;
    char name[32];

    printk("Dom0 memory map:\n");
    for ( i = 0; i < nr; i++ )
        printk(" [%016lx, %016lx] (%s)\n", m[i].addr,
               m[i].addr + m[i].size - 1,
               e820_type_name(m[i].type, name, sizeof(name)));
}

void dom0_construct_pvh(void)
{
    struct domain *d;
    struct vcpu *v0;
    unsigned int i, cpu, nr_cpus, nr_vcpus = dom0_plan.nr_vcpus;
    unsigned int nr_ranges;
    int nr_memmap, rc;
    u64 entry, kend, initrd = 0, initrd_size = 0, si_base, si_size, rsdp;
    u64 acpi_end;
    struct dom0_range *ranges;
    struct hvm_memmap_table_entry *memmap;
    struct dom0_start_params sp = { 0 };
    const char *cmdline;
    unsigned int cpus[NR_CPUS];
    void *si_buf;

    printk("*** Building a PVH Dom0 ***\n");
    if ( !boot_info.nr_modules )
        panic("No dom0 kernel: the first boot module is the dom0 kernel");

    nr_cpus = 0;
    for_each_online_cpu ( cpu )
        cpus[nr_cpus++] = cpu;
    if ( !nr_vcpus )
        nr_vcpus = 1;

    d = domain_create(0, nr_vcpus, true);
    if ( !d )
        panic("Error creating domain 0");
    d->max_pages = dom0_plan.max_pages;
    for ( i = 0; i < nr_vcpus; i++ )
    {
        struct vcpu *v = vcpu_create(d, i, cpus[i % nr_cpus]);

        if ( !v )
            panic("Error creating d0v%u", i);
        /*
         * dom0's vCPUs may run anywhere, as a toolstack-made domain's
         * (domctl's createdomain): every bit set, online or not, as
         * Xen's cpumask_setall, so xm vcpu-list says "any cpu" and a
         * later vcpu-pin of one pCPU is an ordinary map.
         */
        v->affinity_hard = v->affinity_soft = ~0ULL;
    }

    dom0_claim_pm1(d);

    /* The kernel first: its segments need their own frames. */
    entry = dom0_load_kernel(d, &kend);

    rc = d->tot_pages < dom0_plan.nr_pages
         ? p2m_populate_identity_dom0(d, dom0_plan.nr_pages - d->tot_pages)
         : 0;
    if ( rc )
        panic("Dom0: cannot populate its memory (%d)", rc);
    rc = p2m_map_mmio_identity(d, 0, NULL, 0);
    if ( rc )
        panic("Dom0: cannot map the host MMIO (%d)", rc);
    printk("Dom0 RAM: %lu pages (%luMB)\n", d->tot_pages,
           d->tot_pages >> (20 - PAGE_SHIFT));

    /* The initrd, right after the kernel. */
    if ( boot_info.nr_modules > 1 && boot_info.mods[1].size )
    {
        const struct boot_module *m = &boot_info.mods[1];

        initrd_size = m->size;
        initrd = dom0_find_ram(d, kend, initrd_size);
        if ( !initrd )
            panic("Dom0: no room below 4GB for the initrd (%lukB)",
                  (unsigned long)(initrd_size >> 10));
        dom0_copy_to(initrd, maddr_to_virt(m->start), initrd_size);
        printk("Dom0 initrd: %#lx -> %#lx (%lukB)\n", initrd,
               initrd + initrd_size, (unsigned long)(initrd_size >> 10));
    }

    ranges = xmalloc_array(struct dom0_range, DOM0_MAX_RANGES);
    memmap = xmalloc_array(struct hvm_memmap_table_entry, DOM0_MAX_MEMMAP);
    if ( !ranges || !memmap )
        panic("Dom0: out of memory for its memory map");
    nr_ranges = dom0_ram_ranges(d, ranges, DOM0_MAX_RANGES);
    nr_memmap = dom0_build_memmap(e820.map, e820.nr_map, ranges, nr_ranges,
                                  memmap, DOM0_MAX_MEMMAP);
    if ( nr_memmap < 0 )
        panic("Dom0: memory map has more than %u entries", DOM0_MAX_MEMMAP);

    cmdline = cmdline_cook(boot_info.mods[0].cmdline, boot_info.loader);
    sp.cmdline = cmdline;
    sp.initrd_paddr = initrd;
    sp.initrd_size = initrd_size;
    sp.memmap = memmap;
    sp.nr_memmap = nr_memmap;
    sp.rsdp_paddr = dom0_setup_acpi(d, initrd ? initrd + initrd_size : kend,
                                    nr_vcpus, memmap, &nr_memmap, &acpi_end);
    sp.memmap = memmap;
    sp.nr_memmap = nr_memmap;

    si_size = dom0_start_info_size(&sp);
    si_base = dom0_find_ram(d, acpi_end, si_size);
    if ( !si_base )
        panic("Dom0: no room below 4GB for start_info");
    si_buf = xmalloc_bytes(si_size);
    if ( !si_buf || dom0_start_info_build(si_buf, si_size, si_base, &sp) !=
                    si_size )
        panic("Dom0: cannot build start_info");
    dom0_copy_to(si_base, si_buf, si_size);
    rsdp = ((const struct hvm_start_info *)si_buf)->rsdp_paddr;
    xfree(si_buf);

    dom0_print_memmap(memmap, nr_memmap);
    printk("Dom0 start_info: %#lx (%lu bytes), cmdline \"%s\", "
           "%u modules, RSDP %#lx\n", si_base, (unsigned long)si_size,
           cmdline, initrd_size ? 1 : 0,
           (unsigned long)rsdp);
    xfree(ranges);
    xfree(memmap);

    /* vCPU 0 at the PVH entry; the others wait for VCPUOP_up. */
    v0 = d->vcpu[0];
    v0->regs.rip = entry;
    v0->regs.rbx = si_base;
    v0->pause_flags &= ~(1UL << VPF_down);
    dom0_free_modules();
    printk("Dom0 has maximum %u VCPUs\n", nr_vcpus);
    vcpu_wake(v0);
}

#endif /* KEEL_HOST_TEST */
