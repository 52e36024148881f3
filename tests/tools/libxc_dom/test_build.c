// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The whole builder against a fake hypervisor (libxc's transport hook)
 * and a buffer for guest RAM: what it populates, the params, ports,
 * grant entries and vCPU state it sets, and that a failure at any
 * hypercall leaves no mapping, file descriptor or cache file behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xenctrl.h>
#include <xenguest.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include "helpers.h"

/*
 * Bounce buffers: a single call's argument goes through the handle's
 * kept page (no allocation per call), a call made while it is in use
 * (here: from inside the hypercall) gets a buffer of its own, and the
 * kept page is handed out zeroed for a call without input.
 */
static const void *seen[4];
static unsigned int nseen;
static xc_interface *bounce_xch;

static long bounce_hypercall(void *opaque, unsigned long op,
                             const unsigned long a[5])
{
    const struct xen_domctl *d = (const void *)a[0];

    assert_int_equal(op, __HYPERVISOR_domctl);
    assert_true(nseen < 4);
    seen[nseen++] = d;
    assert_int_equal(d->domain, nseen == 2 ? 8 : 7);
    if ( nseen == 1 )
        assert_int_equal(xc_domain_pause(bounce_xch, 8), 0);
    return 0;
}

static void test_bounce_page(void **state)
{
    void *hold[4];
    unsigned int i;

    bounce_xch = xc_interface_open_transport(bounce_hypercall, NULL);
    assert_non_null(bounce_xch);
    nseen = 0;
    assert_int_equal(xc_domain_unpause(bounce_xch, 7), 0);  /* + nested */
    /* Take the address space a freed buffer would have left behind. */
    for ( i = 0; i < 4; i++ )
    {
        hold[i] = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        assert_true(hold[i] != MAP_FAILED);
    }
    assert_int_equal(xc_domain_unpause(bounce_xch, 7), 0);
    for ( i = 0; i < 4; i++ )
        munmap(hold[i], 4096);
    assert_int_equal(nseen, 3);
    assert_ptr_equal(seen[0], seen[2]);     /* the kept page, twice */
    assert_ptr_not_equal(seen[0], seen[1]); /* nested: its own */
    xc_interface_close(bounce_xch);
}

int run_build_tests(void);

#define DOMID  7
#define MEM_MB 64
#define TOP    (0x100000ull + ((uint64_t)MEM_MB << 20) - 0xa0000)

struct fake {
    struct xc_dom_mem ops;
    uint8_t *ram;                   /* guest RAM [0, TOP) */
    uint8_t *populated;             /* one byte per pfn */
    unsigned int maps, unmaps;
    unsigned int calls, fail_at, fail_errno, fail_op;
    unsigned long n9, n0;
    evtchn_port_t next_port;
    uint64_t param[64];
    bool param_set[64];
    xen_pfn_t gnt_gfn;
    unsigned int gnt_adds, gnt_removes;
    struct vcpu_hvm_context ctx;
    bool ctx_set;
};

static void *f_map(struct xc_dom_mem *m, xen_pfn_t gfn, size_t n,
                   char *err)
{
    struct fake *f = (struct fake *)m;
    size_t i;

    for ( i = 0; i < n; i++ )
        if ( (gfn + i) << 12 >= TOP || !f->populated[gfn + i] )
        {
            snprintf(err, XC_DOM_ERRLEN, "gfn %#lx not populated",
                     (unsigned long)(gfn + i));
            return NULL;
        }
    f->maps++;
    return f->ram + (gfn << 12);
}

static void f_unmap(struct xc_dom_mem *m, void *p, size_t n)
{
    ((struct fake *)m)->unmaps++;
}

static long f_hypercall(void *opaque, unsigned long op,
                        const unsigned long a[5])
{
    struct fake *f = opaque;

    f->calls++;
    if ( f->fail_at == f->calls || (f->fail_op && f->fail_op == a[0] &&
                                    op == __HYPERVISOR_memory_op) )
        return -(long)f->fail_errno;
    switch ( op )
    {
    case __HYPERVISOR_memory_op:
        if ( a[0] == XENMEM_populate_physmap )
        {
            struct xen_memory_reservation *r = (void *)a[1];
            const xen_pfn_t *g = (const void *)(uintptr_t)r->extent_start;
            unsigned long i, j, n = 1ul << r->extent_order;

            assert_int_equal(r->domid, DOMID);
            for ( i = 0; i < r->nr_extents; i++ )
            {
                assert_int_equal(g[i] & (n - 1), 0);
                for ( j = 0; j < n; j++ )
                {
                    assert_true((g[i] + j) << 12 < TOP);
                    assert_false(f->populated[g[i] + j]);
                    f->populated[g[i] + j] = 1;
                }
                if ( r->extent_order == 9 )
                    f->n9++;
                else
                    f->n0++;
            }
            return r->nr_extents;
        }
        if ( a[0] == XENMEM_add_to_physmap )
        {
            struct xen_add_to_physmap *x = (void *)a[1];

            assert_int_equal(x->domid, DOMID);
            assert_int_equal(x->space, XENMAPSPACE_grant_table);
            assert_int_equal(x->idx, 0);
            assert_false(f->populated[x->gpfn]);
            f->gnt_gfn = x->gpfn;
            f->populated[x->gpfn] = 1;
            f->gnt_adds++;
            return 0;
        }
        if ( a[0] == XENMEM_remove_from_physmap )
        {
            struct xen_remove_from_physmap *x = (void *)a[1];

            assert_int_equal(x->gpfn, f->gnt_gfn);
            f->populated[x->gpfn] = 0;
            f->gnt_removes++;
            return 0;
        }
        break;
    case __HYPERVISOR_event_channel_op:
        if ( a[0] == EVTCHNOP_alloc_unbound )
        {
            struct evtchn_alloc_unbound *u = (void *)a[1];

            assert_int_equal(u->dom, DOMID);
            assert_int_equal(u->remote_dom, 0);
            u->port = f->next_port++;
            return 0;
        }
        break;
    case __HYPERVISOR_domctl:
    {
        struct xen_domctl *d = (void *)a[0];

        assert_int_equal(d->domain, DOMID);
        if ( d->cmd == XEN_DOMCTL_set_hvm_param )
        {
            assert_true(d->u.hvm_param.index < 64);
            f->param[d->u.hvm_param.index] = d->u.hvm_param.value;
            f->param_set[d->u.hvm_param.index] = true;
            return 0;
        }
        if ( d->cmd == XEN_DOMCTL_setvcpucontext )
        {
            assert_int_equal(d->u.vcpucontext.vcpu, 0);
            memcpy(&f->ctx, (void *)(uintptr_t)d->u.vcpucontext.ctxt,
                   sizeof(f->ctx));
            f->ctx_set = true;
            return 0;
        }
        break;
    }
    }
    return -ENOSYS;
}

static void fake_init(struct fake *f)
{
    memset(f, 0, sizeof(*f));
    f->ops.map = f_map;
    f->ops.unmap = f_unmap;
    f->ram = mmap(NULL, TOP, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    assert_true(f->ram != MAP_FAILED);
    f->populated = calloc(TOP >> 12, 1);
    assert_non_null(f->populated);
    f->next_port = 1;
    f->fail_errno = ENOMEM;
}

static void fake_fini(struct fake *f)
{
    munmap(f->ram, TOP);
    free(f->populated);
}

static unsigned int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    unsigned int n = 0;

    assert_non_null(d);
    while ( readdir(d) )
        n++;
    closedir(d);
    return n;
}

struct files {
    char *dir;
    char kernel[600], ramdisk[600], cache[600];
};

static void files_make(struct files *fl)
{
    size_t len, xz_len, bz_len;
    uint8_t *elf = syn_elf(true, &len), *xz, *bz, rd[10000];

    fl->dir = scratch_dir();
    snprintf(fl->kernel, sizeof(fl->kernel), "%s/vmlinuz", fl->dir);
    snprintf(fl->ramdisk, sizeof(fl->ramdisk), "%s/initrd", fl->dir);
    snprintf(fl->cache, sizeof(fl->cache), "%s/cache", fl->dir);
    xz = xz_pack(elf, len, &xz_len);
    bz = bz_wrap(NULL, 0, xz, xz_len, len, &bz_len);
    write_file(fl->kernel, bz, bz_len);
    memset(rd, 0x77, sizeof(rd));
    write_file(fl->ramdisk, rd, sizeof(rd));
    free(elf);
    free(xz);
    free(bz);
}

static void files_free(struct files *fl)
{
    rm_rf(fl->dir);
    free(fl->dir);
}

static void args_init(struct xc_dom_args *a, const struct files *fl)
{
    memset(a, 0, sizeof(*a));
    a->domid = DOMID;
    a->mem_mb = MEM_MB;
    a->vcpus = 1;
    a->kernel = fl->kernel;
    a->ramdisk = fl->ramdisk;
    a->cmdline = "console=hvc0 earlyprintk=xen";
    a->cache_dir = fl->cache;
}

static void test_build_ok(void **state)
{
    struct fake f;
    struct files fl;
    struct xc_dom_args a;
    struct xc_dom_result r;
    char err[XC_DOM_ERRLEN], line[256];
    xc_interface *xch;
    const grant_entry_v1_t *gt;
    const struct hvm_start_info *si;
    unsigned long pfn, pages = 0;

    files_make(&fl);
    fake_init(&f);
    args_init(&a, &fl);
    xch = xc_interface_open_transport(f_hypercall, &f);
    assert_non_null(xch);
    if ( xc_dom_build_pvh_mem(xch, &a, &f.ops, &r, err) )
        fail_msg("%s", err);

    /* Exactly mem_mb populated, 2 MiB extents where aligned. */
    for ( pfn = 0; pfn < TOP >> 12; pfn++ )
        pages += f.populated[pfn];
    assert_int_equal(pages, MEM_MB * 256);
    for ( pfn = 0xa0; pfn < 0x100; pfn++ )
        assert_false(f.populated[pfn]);
    assert_int_equal(f.n9, (TOP >> 21) - 1);    /* all but the first 2M */
    assert_int_equal(f.n0, MEM_MB * 256 - f.n9 * 512);

    /* Kernel, start_info, vCPU 0. */
    assert_int_equal(r.entry, SYN_ENTRY);
    si = (const void *)(f.ram + r.start_info);
    assert_int_equal(si->magic, XEN_HVM_START_MAGIC_VALUE);
    assert_int_equal(si->nr_modules, 1);
    assert_string_equal((const char *)f.ram + si->cmdline_paddr,
                        a.cmdline);
    assert_true(f.ctx_set);
    assert_int_equal(f.ctx.mode, VCPU_HVM_MODE_32B);
    assert_int_equal(f.ctx.cpu_regs.x86_32.eip, SYN_ENTRY);
    assert_int_equal(f.ctx.cpu_regs.x86_32.ebx, r.start_info);
    assert_int_equal(f.ctx.cpu_regs.x86_32.cr0 & 0x80000001u, 1);

    /* Rings at the top of RAM, params and ports for dom0. */
    assert_int_equal(r.console_pfn, (TOP >> 12) - 2);
    assert_int_equal(r.store_pfn, (TOP >> 12) - 1);
    assert_true(f.param_set[HVM_PARAM_STORE_PFN]);
    assert_int_equal(f.param[HVM_PARAM_STORE_PFN], r.store_pfn);
    assert_int_equal(f.param[HVM_PARAM_CONSOLE_PFN], r.console_pfn);
    assert_int_equal(f.param[HVM_PARAM_STORE_EVTCHN], r.store_evtchn);
    assert_int_equal(f.param[HVM_PARAM_CONSOLE_EVTCHN], r.console_evtchn);
    assert_true(r.store_evtchn && r.console_evtchn &&
                r.store_evtchn != r.console_evtchn);

    /* Grant entries 0 and 1, the frame taken out again. */
    assert_true(r.grants_seeded);
    assert_int_equal(f.gnt_adds, 1);
    assert_int_equal(f.gnt_removes, 1);
    gt = (const void *)(f.ram + (f.gnt_gfn << 12));
    assert_int_equal(gt[0].flags, GTF_permit_access);
    assert_int_equal(gt[0].domid, 0);
    assert_int_equal(gt[0].frame, r.console_pfn);
    assert_int_equal(gt[1].flags, GTF_permit_access);
    assert_int_equal(gt[1].frame, r.store_pfn);
    assert_int_equal(f.maps, f.unmaps);

    assert_false(r.cache_hit);
    assert_non_null(strstr(r.kernel_desc, "bzImage (xz payload)"));
    xc_dom_timing_format(&r, line, sizeof(line));
    assert_non_null(strstr(line, "populate"));

    /* The second build of the same kernel takes it from the cache. */
    fake_fini(&f);
    fake_init(&f);
    xc_interface_close(xch);
    xch = xc_interface_open_transport(f_hypercall, &f);
    assert_int_equal(xc_dom_build_pvh_mem(xch, &a, &f.ops, &r, err), 0);
    assert_true(r.cache_hit);
    assert_int_equal(r.timing.unpack_ns, 0);
    xc_dom_timing_format(&r, line, sizeof(line));
    assert_non_null(strstr(line, "(cache hit)"));

    xc_interface_close(xch);
    fake_fini(&f);
    files_free(&fl);
}

/* No grant table mapping in the hypervisor: built anyway, and said. */
static void test_build_without_grant_seeding(void **state)
{
    struct fake f;
    struct files fl;
    struct xc_dom_args a;
    struct xc_dom_result r;
    char err[XC_DOM_ERRLEN];
    xc_interface *xch;

    files_make(&fl);
    fake_init(&f);
    args_init(&a, &fl);
    f.fail_op = XENMEM_add_to_physmap;
    f.fail_errno = EOPNOTSUPP;
    xch = xc_interface_open_transport(f_hypercall, &f);
    assert_int_equal(xc_dom_build_pvh_mem(xch, &a, &f.ops, &r, err), 0);
    assert_false(r.grants_seeded);
    assert_non_null(strstr(r.cache_note, "grant entries not seeded"));
    assert_true(f.ctx_set);
    xc_interface_close(xch);
    fake_fini(&f);
    files_free(&fl);
}

/* Fail each hypercall in turn: an error, and nothing of ours left. */
static void test_build_fail_everywhere(void **state)
{
    struct fake f;
    struct files fl;
    struct xc_dom_args a;
    struct xc_dom_result r;
    char err[XC_DOM_ERRLEN];
    xc_interface *xch;
    unsigned int total, n, fds, failed = 0;

    files_make(&fl);
    fake_init(&f);
    args_init(&a, &fl);
    xch = xc_interface_open_transport(f_hypercall, &f);
    assert_int_equal(xc_dom_build_pvh_mem(xch, &a, &f.ops, &r, err), 0);
    total = f.calls;
    assert_true(total >= 8);
    fake_fini(&f);
    fds = open_fds();

    for ( n = 1; n <= total; n++ )
    {
        int rc;

        fake_init(&f);
        f.fail_at = n;
        xc_interface_close(xch);
        xch = xc_interface_open_transport(f_hypercall, &f);
        err[0] = '\0';
        rc = xc_dom_build_pvh_mem(xch, &a, &f.ops, &r, err);
        if ( rc )
        {
            failed++;
            assert_int_equal(rc, -1);
            if ( strncmp(err, "domain 7: ", 10) )
                fail_msg("call %u: error \"%s\" does not name the domain",
                         n, err);
            assert_non_null(strstr(err, strerror(ENOMEM)));
            assert_false(f.ctx_set);
        }
        else
            /* Only the grant seeding is optional. */
            assert_false(r.grants_seeded);
        assert_int_equal(f.maps, f.unmaps);
        assert_int_equal(open_fds(), fds);
        assert_int_equal(count_files(fl.cache, "."), 0);
        fake_fini(&f);
    }
    assert_true(failed >= total - 2);

    /* Bad arguments and files. */
    fake_init(&f);
    a.mem_mb = 16;
    assert_int_equal(xc_dom_build_pvh_mem(xch, &a, &f.ops, &r, err), -1);
    assert_non_null(strstr(err, "give the guest at least"));
    assert_int_equal(f.calls, 0);
    a.mem_mb = MEM_MB;
    a.ramdisk = "/nonexistent/initrd";
    assert_int_equal(xc_dom_build_pvh_mem(xch, &a, &f.ops, &r, err), -1);
    assert_non_null(strstr(err, "cannot open the ramdisk /nonexistent"));
    assert_int_equal(open_fds(), fds);
    fake_fini(&f);

    xc_interface_close(xch);
    files_free(&fl);
}

int run_build_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_ok),
        cmocka_unit_test(test_build_without_grant_seeding),
        cmocka_unit_test(test_build_fail_everywhere),
        cmocka_unit_test(test_bounce_page),
    };

    return cmocka_run_group_tests_name("libxc_dom_build", tests, NULL,
                                       NULL);
}
