// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Guest memory layout, start_info and the loader, on a test buffer
 * standing in for guest RAM behind struct xc_dom_mem.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xenguest.h>
#include "helpers.h"

int run_layout_tests(void);

/* Guest RAM as one buffer covering [0, size). */
struct buf_mem {
    struct xc_dom_mem ops;
    uint8_t *base;
    uint64_t size;
    unsigned int maps, unmaps;
    unsigned int fail_at;           /* fail the n-th map (1-based), 0 no */
    uint64_t max_n;
    uint8_t *mapped;                /* per page: ever mapped (or NULL) */
};

static void *buf_map(struct xc_dom_mem *m, xen_pfn_t gfn, size_t n,
                     char *err)
{
    struct buf_mem *b = (struct buf_mem *)m;

    if ( b->fail_at && b->maps + 1 == b->fail_at )
    {
        snprintf(err, XC_DOM_ERRLEN, "test: map of gfn %#lx refused",
                 (unsigned long)gfn);
        b->fail_at = 0;
        return NULL;
    }
    assert_true(n > 0);
    assert_true(((uint64_t)gfn + n) << 12 <= b->size);
    if ( n > b->max_n )
        b->max_n = n;
    if ( b->mapped )
        memset(b->mapped + gfn, 1, n);
    b->maps++;
    return b->base + ((uint64_t)gfn << 12);
}

static void buf_unmap(struct xc_dom_mem *m, void *p, size_t n)
{
    struct buf_mem *b = (struct buf_mem *)m;

    assert_true((uint8_t *)p >= b->base &&
                (uint8_t *)p + (n << 12) <= b->base + b->size);
    b->unmaps++;
}

/*
 * The hypervisor's copy (XEN_DOMCTL_keel_load_memory) as the builder
 * uses it: write_rc < 0 answers every call with it (-ENOSYS: an older
 * hypervisor), else the bytes land in the buffer.
 */
static int write_rc;
static unsigned int writes;
static uint64_t bytes_written;

static int buf_write(struct xc_dom_mem *m, uint64_t paddr, const void *src,
                     size_t len, char *err)
{
    struct buf_mem *b = (struct buf_mem *)m;

    writes++;
    if ( write_rc )
    {
        snprintf(err, XC_DOM_ERRLEN, "test: write refused");
        return write_rc;
    }
    assert_non_null(src);
    assert_true(len > 0 && paddr + len <= b->size);
    memcpy(b->base + paddr, src, len);
    bytes_written += len;
    return 0;
}

static void buf_init(struct buf_mem *b, uint64_t size)
{
    memset(b, 0, sizeof(*b));
    b->ops.map = buf_map;
    b->ops.unmap = buf_unmap;
    b->size = size;
    b->base = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    assert_true(b->base != MAP_FAILED);
}

static void buf_fini(struct buf_mem *b)
{
    munmap(b->base, b->size);
}

static void check_start_info(const struct buf_mem *b,
                             const struct xc_dom_layout *l,
                             const char *cmdline, uint64_t rd_size)
{
    const struct hvm_start_info *si =
        (const void *)(b->base + l->start_info_paddr);
    const struct hvm_modlist_entry *mod;
    const struct hvm_memmap_table_entry *mm;

    assert_int_equal(si->magic, XEN_HVM_START_MAGIC_VALUE);
    assert_int_equal(si->version, 1);
    assert_int_equal(si->flags, 0);
    assert_int_equal(si->rsdp_paddr, 0);
    assert_int_equal(si->nr_modules, rd_size ? 1 : 0);
    if ( rd_size )
    {
        mod = (const void *)(b->base + si->modlist_paddr);
        assert_int_equal(mod->paddr, l->ramdisk_paddr);
        assert_int_equal(mod->size, rd_size);
        assert_int_equal(mod->cmdline_paddr, 0);
    }
    assert_string_equal((const char *)b->base + si->cmdline_paddr, cmdline);
    assert_int_equal(si->memmap_entries, l->nr_memmap);
    mm = (const void *)(b->base + si->memmap_paddr);
    assert_memory_equal(mm, l->memmap, l->nr_memmap * sizeof(*mm));
    /* All of it inside the block the plan reserved. */
    assert_true(si->cmdline_paddr + strlen(cmdline) + 1 <=
                l->start_info_paddr + l->start_info_size);
    assert_true(si->memmap_paddr >= l->start_info_paddr);
}

static void test_plan_128m(void **state)
{
    struct xc_dom_kernel k;
    struct xc_dom_layout l;
    char err[XC_DOM_ERRLEN];
    size_t len;
    uint8_t *elf = syn_elf(true, &len);
    const struct hvm_memmap_table_entry *m = l.memmap;
    uint64_t top = 0x100000 + ((128ull << 20) - 0xa0000);
    uint64_t pages = 0;
    unsigned int i;

    assert_int_equal(xc_dom_kernel_parse(elf, len, &k, err), 0);
    assert_int_equal(xc_dom_plan(&k, 128, 5000, "console=hvc0", &l, err),
                     0);
    /* RAM 0-640K, hole, RAM 1M-top minus two pages, the two pages. */
    assert_int_equal(l.nr_memmap, 4);
    assert_int_equal(m[0].addr, 0);
    assert_int_equal(m[0].size, 0xa0000);
    assert_int_equal(m[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
    assert_int_equal(m[1].addr, 0xa0000);
    assert_int_equal(m[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
    assert_int_equal(m[2].addr, 0x100000);
    assert_int_equal(m[2].addr + m[2].size, top - 0x2000);
    assert_int_equal(m[2].type, XEN_HVM_MEMMAP_TYPE_RAM);
    assert_int_equal(m[3].addr, top - 0x2000);
    assert_int_equal(m[3].size, 0x2000);
    assert_int_equal(m[3].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
    assert_int_equal(l.console_pfn, (top >> 12) - 2);
    assert_int_equal(l.store_pfn, (top >> 12) - 1);
    /* Every page of mem_mb is populated, none more. */
    for ( i = 0; i < l.nr_ram; i++ )
        pages += (l.ram[i].end - l.ram[i].start) >> 12;
    assert_int_equal(pages, 128 * 256);
    assert_int_equal(l.ram_pages, 128 * 256);
    /* Kernel at its paddr, ramdisk after it, start_info after that. */
    assert_int_equal(l.kernel_lo, SYN_PADDR);
    assert_int_equal(l.ramdisk_paddr, 0x1202000);
    assert_int_equal(l.ramdisk_size, 5000);
    assert_int_equal(l.start_info_paddr, 0x1204000);
    xc_dom_kernel_release(&k);
    free(elf);
}

static void test_plan_big_and_small(void **state)
{
    struct xc_dom_kernel k;
    struct xc_dom_layout l;
    char err[XC_DOM_ERRLEN];
    size_t len;
    uint8_t *elf = syn_elf(true, &len);
    uint64_t pages = 0;
    unsigned int i, need;
    const char *p;

    assert_int_equal(xc_dom_kernel_parse(elf, len, &k, err), 0);

    /* 5 GiB: low RAM up to the MMIO hole, the rest above 4 GiB. */
    assert_int_equal(xc_dom_plan(&k, 5120, 0, NULL, &l, err), 0);
    assert_int_equal(l.nr_ram, 3);
    assert_int_equal(l.ram[1].end, 0xf0000000);
    assert_int_equal(l.ram[2].start, 0x100000000ull);
    for ( i = 0; i < l.nr_ram; i++ )
        pages += (l.ram[i].end - l.ram[i].start) >> 12;
    assert_int_equal(pages, 5120ull * 256);
    assert_int_equal(l.memmap[l.nr_memmap - 1].addr, 0x100000000ull);
    assert_int_equal(l.memmap[l.nr_memmap - 1].type,
                     XEN_HVM_MEMMAP_TYPE_RAM);
    assert_int_equal(l.store_pfn, (0xf0000000 >> 12) - 1);

    /* Too small for the kernel and a 30 MiB ramdisk: says how much. */
    assert_int_equal(xc_dom_plan(&k, 32, 30 << 20, "x", &l, err), -ENOSPC);
    p = strstr(err, "give the guest at least ");
    assert_non_null(p);
    need = strtoul(p + strlen("give the guest at least "), NULL, 10);
    assert_true(need > 32);
    /* ... and that is exactly enough. */
    assert_int_equal(xc_dom_plan(&k, need, 30 << 20, "x", &l, err), 0);
    assert_int_equal(xc_dom_plan(&k, need - 1, 30 << 20, "x", &l, err),
                     -ENOSPC);
    assert_int_equal(xc_dom_plan(&k, 0, 0, "x", &l, err), -EINVAL);
    xc_dom_kernel_release(&k);
    free(elf);
}

static void test_load_synthetic(void **state)
{
    struct xc_dom_kernel k;
    struct xc_dom_layout l;
    struct buf_mem b;
    char err[XC_DOM_ERRLEN];
    size_t len, i;
    uint8_t *elf = syn_elf(true, &len), rd[9000];
    const char *cmd = "console=hvc0 earlyprintk=xen root=/dev/ram0";
    const uint8_t *g;

    for ( i = 0; i < sizeof(rd); i++ )
        rd[i] = i * 13;
    assert_int_equal(xc_dom_kernel_parse(elf, len, &k, err), 0);
    assert_int_equal(xc_dom_plan(&k, 64, sizeof(rd), cmd, &l, err), 0);
    buf_init(&b, l.ram[1].end);
    /* Stale contents everywhere: the loader must zero what it owns. */
    memset(b.base, 0xaa, b.size);
    assert_int_equal(xc_dom_load(&b.ops, &k, &l, rd, cmd, err), 0);
    assert_int_equal(b.maps, b.unmaps);

    g = b.base + SYN_PADDR;
    assert_memory_equal(g, elf + k.seg[0].offset, SYN_SEG0);
    for ( i = SYN_SEG0; i < SYN_SEG1_PADDR - SYN_PADDR; i++ )
        if ( g[i] )
            fail_msg("kernel bss/gap byte at %#zx is %#x, not 0",
                     (size_t)SYN_PADDR + i, g[i]);
    assert_memory_equal(b.base + SYN_SEG1_PADDR, elf + k.seg[1].offset,
                        SYN_SEG1);
    assert_int_equal(b.base[SYN_PADDR - 1], 0xaa);  /* not ours: kept */
    assert_memory_equal(b.base + l.ramdisk_paddr, rd, sizeof(rd));
    check_start_info(&b, &l, cmd, sizeof(rd));
    for ( i = 0; i < 0x2000; i++ )
        assert_int_equal(b.base[(l.console_pfn << 12) + i], 0);
    buf_fini(&b);
    xc_dom_kernel_release(&k);
    free(elf);
}

/*
 * The kernel's map of non-zero pages (kept with a cache entry) decides
 * what is written to fresh memory: the same guest as by looking at the
 * bytes, the zero pages never read; a page the map calls zero is not
 * written even though it has data (the map is trusted, its CRC in the
 * entry guards it: test_cache).
 */
static void test_load_nz_map(void **state)
{
    struct xc_dom_kernel k;
    struct xc_dom_layout l;
    struct buf_mem a, b;
    char err[XC_DOM_ERRLEN];
    size_t len, i, pages;
    uint8_t *elf = syn_elf(true, &len), *map;
    const char *cmd = "console=hvc0";
    uint64_t z = 0x1000 + 0x3000;   /* in segment 0: two zero pages */

    memset(elf + z, 0, 0x2000);
    assert_int_equal(xc_dom_kernel_parse(elf, len, &k, err), 0);
    assert_int_equal(xc_dom_plan(&k, 64, 0, cmd, &l, err), 0);
    pages = (len + 4095) / 4096;
    map = calloc((pages + 7) / 8, 1);
    assert_non_null(map);
    for ( i = 0; i < pages; i++ )
    {
        size_t n = len - i * 4096 < 4096 ? len - i * 4096 : 4096, j;

        for ( j = 0; j < n; j++ )
            if ( elf[i * 4096 + j] )
            {
                map[i >> 3] |= 1u << (i & 7);
                break;
            }
    }
    assert_false(map[(z >> 12) >> 3] & (1u << ((z >> 12) & 7)));

    /* By looking, then by the map: the same guest, the same pages. */
    buf_init(&a, l.ram[1].end);
    a.ops.zeroed = true;
    a.ops.write = buf_write;
    write_rc = 0;
    assert_int_equal(xc_dom_load(&a.ops, &k, &l, NULL, cmd, err), 0);
    buf_init(&b, l.ram[1].end);
    b.ops.zeroed = true;
    b.ops.write = buf_write;
    k.nz_map = map;
    k.nz_pages = pages;
    assert_int_equal(xc_dom_load(&b.ops, &k, &l, NULL, cmd, err), 0);
    assert_memory_equal(a.base, b.base, a.size);
    assert_int_equal(a.ops.pages_written, b.ops.pages_written);
    assert_int_equal(a.ops.pages_skipped, b.ops.pages_skipped);
    assert_memory_equal(b.base + SYN_PADDR, elf + k.seg[0].offset,
                        SYN_SEG0);
    buf_fini(&b);

    /* A data page the map calls zero stays zero: the map decides. */
    elf[z + 100] = 0x5a;
    buf_init(&b, l.ram[1].end);
    b.ops.zeroed = true;
    b.ops.write = buf_write;
    assert_int_equal(xc_dom_load(&b.ops, &k, &l, NULL, cmd, err), 0);
    assert_int_equal(b.base[SYN_PADDR + z - 0x1000 + 100], 0);
    assert_int_equal(b.ops.pages_skipped, a.ops.pages_skipped);
    buf_fini(&b);
    buf_fini(&a);
    k.nz_map = NULL;
    xc_dom_kernel_release(&k);
    free(map);
    free(elf);
}

static void test_load_map_failure(void **state)
{
    struct xc_dom_kernel k;
    struct xc_dom_layout l;
    struct buf_mem b;
    char err[XC_DOM_ERRLEN];
    size_t len;
    uint8_t *elf = syn_elf(true, &len), rd[100] = { 1 };
    unsigned int n;

    assert_int_equal(xc_dom_kernel_parse(elf, len, &k, err), 0);
    assert_int_equal(xc_dom_plan(&k, 64, sizeof(rd), "", &l, err), 0);
    buf_init(&b, l.ram[1].end);
    assert_int_equal(xc_dom_load(&b.ops, &k, &l, rd, "", err), 0);
    n = b.maps;
    assert_true(n >= 4);
    /* Fail each map in turn: an error naming what and where, no leak. */
    for ( b.fail_at = 1; b.fail_at <= n; )
    {
        unsigned int at = b.fail_at;

        b.maps = b.unmaps = 0;
        assert_int_equal(xc_dom_load(&b.ops, &k, &l, rd, "", err), -EFAULT);
        assert_non_null(strstr(err, "cannot write the "));
        assert_non_null(strstr(err, "test: map of gfn"));
        assert_int_equal(b.maps, b.unmaps);
        b.fail_at = at + 1;
    }
    buf_fini(&b);
    xc_dom_kernel_release(&k);
    free(elf);
}

/* Load the synthetic kernel twice, by maps and with mem's write op. */
static void load_both(struct buf_mem *ref, struct buf_mem *b, bool zeroed,
                      int rc_expected, char *err)
{
    struct xc_dom_kernel k;
    struct xc_dom_layout l;
    size_t len, i;
    uint8_t *elf = syn_elf(true, &len), rd[9000];
    const char *cmd = "console=hvc0";

    for ( i = 0; i < sizeof(rd); i++ )
        rd[i] = i * 13 + 1;
    assert_int_equal(xc_dom_kernel_parse(elf, len, &k, err), 0);
    assert_int_equal(xc_dom_plan(&k, 64, sizeof(rd), cmd, &l, err), 0);
    buf_init(ref, l.ram[1].end);
    buf_init(b, l.ram[1].end);
    memset(ref->base, zeroed ? 0 : 0xaa, ref->size);
    memset(b->base, zeroed ? 0 : 0xaa, b->size);
    ref->ops.zeroed = b->ops.zeroed = zeroed;
    b->ops.write = buf_write;
    writes = 0;
    bytes_written = 0;
    assert_int_equal(xc_dom_load(&ref->ops, &k, &l, rd, cmd, err), 0);
    assert_int_equal(xc_dom_load(&b->ops, &k, &l, rd, cmd, err),
                     rc_expected);
    xc_dom_kernel_release(&k);
    free(elf);
}

/* With the hypervisor's copy: same guest memory, data never mapped. */
static void test_load_direct_write(void **state)
{
    struct buf_mem ref, b;
    char err[XC_DOM_ERRLEN];

    write_rc = 0;
    load_both(&ref, &b, true, 0, err);
    assert_memory_equal(b.base, ref.base, b.size);
    assert_true(writes >= 3);       /* kernel segments, ramdisk, ... */
    assert_true(bytes_written >= 9000);
    /* Fresh memory: zeros skipped, everything else written directly. */
    assert_int_equal(b.maps, 0);
    assert_int_equal(b.ops.pages_written, ref.ops.pages_written);
    assert_non_null(b.ops.write);
    buf_fini(&ref);
    buf_fini(&b);

    /* Stale memory: zeros still go through maps, data through write. */
    load_both(&ref, &b, false, 0, err);
    assert_memory_equal(b.base, ref.base, b.size);
    assert_true(b.maps > 0 && b.maps < ref.maps);
    assert_int_equal(b.maps, b.unmaps);
    buf_fini(&ref);
    buf_fini(&b);
}

/* An older hypervisor: one ENOSYS, then maps for everything. */
static void test_load_write_fallback(void **state)
{
    static const int rcs[] = { -ENOSYS, -EOPNOTSUPP };
    struct buf_mem ref, b;
    char err[XC_DOM_ERRLEN];
    unsigned int i;

    for ( i = 0; i < 2; i++ )
    {
        write_rc = rcs[i];
        load_both(&ref, &b, true, 0, err);
        assert_memory_equal(b.base, ref.base, b.size);
        assert_int_equal(writes, 1);
        assert_null(b.ops.write);
        assert_int_equal(b.maps, ref.maps);
        assert_int_equal(b.ops.pages_written, ref.ops.pages_written);
        buf_fini(&ref);
        buf_fini(&b);
    }
}

/* Any other failure of the copy is the load's failure, with its why. */
static void test_load_write_error(void **state)
{
    struct buf_mem ref, b;
    char err[XC_DOM_ERRLEN];

    write_rc = -EINVAL;
    load_both(&ref, &b, true, -EINVAL, err);
    assert_non_null(strstr(err, "cannot write the kernel at "));
    assert_non_null(strstr(err, "test: write refused"));
    assert_int_equal(writes, 1);
    assert_int_equal(b.maps, 0);
    write_rc = 0;
    buf_fini(&ref);
    buf_fini(&b);
}

/* Debian's kernel laid out in a 256 MiB guest, as the builder does. */
static void test_load_debian(void **state)
{
    struct xc_dom_kernel k;
    struct xc_dom_layout l;
    struct buf_mem b;
    char err[XC_DOM_ERRLEN], path[512];
    size_t len, i;
    uint8_t *img = debian_vmlinuz(&len, path, sizeof(path)), rd[4096];
    const char *cmd = "console=hvc0 earlyprintk=xen";
    if ( !img )
        skip();
    memset(rd, 0x5a, sizeof(rd));
    assert_int_equal(xc_dom_kernel_parse(img, len, &k, err), 0);
    assert_int_equal(xc_dom_plan(&k, 256, sizeof(rd), cmd, &l, err), 0);
    assert_true(l.ramdisk_paddr >= k.paddr_hi);
    assert_true(l.start_info_paddr + l.start_info_size <=
                (uint64_t)l.console_pfn << 12);
    buf_init(&b, l.ram[1].end);
    memset(b.base + k.paddr_lo, 0xaa, k.paddr_hi - k.paddr_lo);
    assert_int_equal(xc_dom_load(&b.ops, &k, &l, rd, cmd, err), 0);
    assert_int_equal(b.maps, b.unmaps);
    assert_true(b.max_n <= 8192);
    for ( i = 0; i < k.nr_segs; i++ )
    {
        const struct xc_dom_seg *s = &k.seg[i];
        const uint8_t *g = b.base + s->paddr;
        uint64_t j;

        assert_memory_equal(g, k.elf + s->offset, s->filesz);
        for ( j = s->filesz; j < s->memsz; j++ )
            assert_int_equal(g[j], 0);
    }
    check_start_info(&b, &l, cmd, sizeof(rd));
    /* vCPU 0 will start in the text segment. */
    assert_true(k.pvh_entry >= k.seg[0].paddr &&
                k.pvh_entry < k.seg[0].paddr + k.seg[0].memsz);
    buf_fini(&b);
    xc_dom_kernel_release(&k);
    free(img);
}

/*
 * Fresh (zeroed) guest memory: the same guest contents, but pages that
 * would only receive zeros are never mapped: Debian's kernel has
 * thousands (.bss, .brk, padding), each a map and unmap in the
 * hypervisor.
 */
static void test_load_zeroed_debian(void **state)
{
    struct xc_dom_kernel k;
    struct xc_dom_layout l;
    struct buf_mem b;
    char err[XC_DOM_ERRLEN], path[512];
    size_t len, i;
    uint8_t *img = debian_vmlinuz(&len, path, sizeof(path)), rd[8192];
    const char *cmd = "console=hvc0";
    uint64_t pg, zero_pages = 0, data_pages = 0;

    if ( !img )
        skip();
    memset(rd, 0, sizeof(rd));
    rd[5000] = 1;                           /* second page only */
    assert_int_equal(xc_dom_kernel_parse(img, len, &k, err), 0);
    assert_int_equal(xc_dom_plan(&k, 256, sizeof(rd), cmd, &l, err), 0);
    buf_init(&b, l.ram[1].end);
    b.ops.zeroed = true;
    b.mapped = calloc(b.size >> 12, 1);
    assert_non_null(b.mapped);
    assert_int_equal(xc_dom_load(&b.ops, &k, &l, rd, cmd, err), 0);
    assert_int_equal(b.maps, b.unmaps);
    for ( i = 0; i < k.nr_segs; i++ )
        assert_memory_equal(b.base + k.seg[i].paddr, k.elf + k.seg[i].offset,
                            k.seg[i].filesz);
    check_start_info(&b, &l, cmd, sizeof(rd));
    assert_memory_equal(b.base + l.ramdisk_paddr, rd, sizeof(rd));
    /* Mapped exactly where something other than zeros was written. */
    for ( pg = 0; pg < b.size >> 12; pg++ )
    {
        const uint8_t *g = b.base + (pg << 12);
        bool zero = true;

        for ( i = 0; i < 4096 && zero; i++ )
            zero = !g[i];
        if ( zero && b.mapped[pg] )
            fail_msg("page %#llx mapped for zeros only",
                     (unsigned long long)pg);
        if ( !zero && !b.mapped[pg] )
            fail_msg("page %#llx has data but was never mapped",
                     (unsigned long long)pg);
        if ( (pg << 12) >= k.paddr_lo && (pg << 12) < k.paddr_hi )
        {
            if ( zero )
                zero_pages++;
            else
                data_pages++;
        }
    }
    assert_false(b.mapped[l.ramdisk_paddr >> 12]);
    assert_true(b.mapped[(l.ramdisk_paddr >> 12) + 1]);
    assert_false(b.mapped[l.console_pfn]);
    assert_false(b.mapped[l.store_pfn]);
    assert_true(b.ops.pages_skipped >= zero_pages);
    assert_true(b.ops.pages_written >= data_pages);
    /* Debian 6.1's vmlinux: about half of its loaded pages are zeros. */
    assert_true(zero_pages > 1000);
    print_message("Debian kernel span: %llu pages written, %llu zero pages "
                  "skipped\n", (unsigned long long)data_pages,
                  (unsigned long long)zero_pages);
    free(b.mapped);
    buf_fini(&b);
    xc_dom_kernel_release(&k);
    free(img);
}

int run_layout_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_128m),
        cmocka_unit_test(test_plan_big_and_small),
        cmocka_unit_test(test_load_synthetic),
        cmocka_unit_test(test_load_map_failure),
        cmocka_unit_test(test_load_nz_map),
        cmocka_unit_test(test_load_direct_write),
        cmocka_unit_test(test_load_write_fallback),
        cmocka_unit_test(test_load_write_error),
        cmocka_unit_test(test_load_debian),
        cmocka_unit_test(test_load_zeroed_debian),
    };

    return cmocka_run_group_tests_name("libxc_dom_layout", tests, NULL,
                                       NULL);
}
