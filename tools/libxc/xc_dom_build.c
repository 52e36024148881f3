/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PVH domain builder (include/xenguest.h): kernel and ramdisk in,
 * a paused domain ready to unpause out.  The image and layout work is in
 * xc_dom_image.c and xc_dom_layout.c; this file does the hypercalls and
 * keeps track of what to undo.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenguest.h>
#include "xc_dom_private.h"
#include <public/grant_table.h>

/* ---- guest memory through foreign mappings --------------------------- */

struct foreign_mem {
    struct xc_dom_mem ops;
    xenforeignmemory_handle *fh;
    xc_interface *xch;
    uint32_t domid;
    xen_pfn_t *gfns;
    size_t max;
    void *hbuf;                     /* hypercall buffer for direct_write */
    bool staged;                    /* always through hbuf */
};

/*
 * Bytes per XEN_DOMCTL_keel_load_memory call (at most
 * XEN_DOMCTL_KEEL_LOAD_MAX); also the size of the hypercall buffer of
 * the staged fallback.
 */
#define LOAD_CHUNK (4u << 20)

static void *foreign_map(struct xc_dom_mem *m, xen_pfn_t gfn, size_t n,
                         char *err)
{
    struct foreign_mem *f = (struct foreign_mem *)m;
    size_t i;
    void *p;

    if ( n > f->max )
    {
        xen_pfn_t *g = realloc(f->gfns, n * sizeof(*g));

        if ( !g )
        {
            xc_dom_errf(err, "out of memory");
            return NULL;
        }
        f->gfns = g;
        f->max = n;
    }
    for ( i = 0; i < n; i++ )
        f->gfns[i] = gfn + i;
    p = xenforeignmemory_map(f->fh, f->domid, PROT_READ | PROT_WRITE, n,
                             f->gfns, NULL);
    if ( !p )
        xc_dom_errf(err, "%s", xenforeignmemory_last_error(f->fh));
    return p;
}

static void foreign_unmap(struct xc_dom_mem *m, void *p, size_t n)
{
    struct foreign_mem *f = (struct foreign_mem *)m;

    xenforeignmemory_unmap(f->fh, p, n);
}

/* One keel_load_memory call, its time counted; 0 or -1 with errno. */
static int load_call(struct foreign_mem *f, uint64_t paddr, const void *src,
                     size_t n)
{
    uint64_t t = xc_dom_now_ns();
    int rc = xc_domain_load_memory(f->xch, f->domid, paddr, src, n, 0);
    int e = errno;

    f->ops.hcall_ns += xc_dom_now_ns() - t;
    errno = e;
    return rc;
}

/*
 * The hypervisor copies into the guest's pages (no p2m change per page,
 * public/domctl.h); older hypervisors say ENOSYS and xc_dom_load maps.
 * The copy reads src itself, through this process's page tables: the
 * kernel cache keeps its entries' non-zero pages present (locked), so
 * a cached create makes one copy.  A source page that is not present
 * (a file mapping not read yet, a page reclaimed) fails the call with
 * EFAULT: the chunk is populated and copied again.  Only if that fails
 * too (or KEEL_XC_LOAD_STAGED is set) is it copied into a hypercall
 * buffer first, as before.
 */
static int direct_write(struct xc_dom_mem *m, uint64_t paddr,
                        const void *src, size_t len, char *err)
{
    struct foreign_mem *f = (struct foreign_mem *)m;
    const uint8_t *s = src;

    while ( len )
    {
        size_t n = len > LOAD_CHUNK ? LOAD_CHUNK : len;
        int rc = -1, e = EFAULT;

        if ( !f->staged )
        {
            rc = load_call(f, paddr, s, n);
            e = errno;
            if ( rc && e == EFAULT )
            {
                uint64_t t = xc_dom_now_ns();

                xc_dom_populate_read(s, n);
                m->fault_ns += xc_dom_now_ns() - t;
                rc = load_call(f, paddr, s, n);
                e = errno;
            }
        }
        if ( rc && e == EFAULT )
        {
            uint64_t t;

            if ( !f->hbuf )
            {
                f->hbuf = xc_hypercall_buffer_alloc(f->xch, LOAD_CHUNK);
                if ( !f->hbuf )
                    return -ENOSYS;     /* no buffer: map instead */
            }
            t = xc_dom_now_ns();
            memcpy(f->hbuf, s, n);
            m->stage_ns += xc_dom_now_ns() - t;
            rc = load_call(f, paddr, f->hbuf, n);
            e = errno;
        }
        if ( rc )
        {
            if ( e == ENOSYS || e == EOPNOTSUPP )
                return -e;
            xc_dom_errf(err, "the hypervisor's copy (keel_load_memory) of "
                        "%zu bytes failed: %s", n, strerror(e));
            return -e;
        }
        s += n;
        paddr += n;
        len -= n;
    }
    return 0;
}

static int foreign_open(struct foreign_mem *f, xc_interface *xch,
                        uint32_t domid, char *err)
{
    memset(f, 0, sizeof(*f));
    f->ops.map = foreign_map;
    f->ops.unmap = foreign_unmap;
    f->ops.write = getenv("KEEL_XC_NO_LOAD_MEMORY") ? NULL : direct_write;
    f->staged = getenv("KEEL_XC_LOAD_STAGED") != NULL;
    f->xch = xch;
    /*
     * Only used right after populate, whose frames the hypervisor hands
     * out zeroed (xen/common/memory.c): zeros need not be written.
     */
    f->ops.zeroed = true;
    f->domid = domid;
    f->fh = xenforeignmemory_open(0);
    if ( !f->fh )
    {
        xc_dom_errf(err, "%s", xenforeignmemory_last_error(NULL));
        return -1;
    }
    return 0;
}

static void foreign_close(struct foreign_mem *f)
{
    xenforeignmemory_close(f->fh);
    free(f->gfns);
    if ( f->hbuf )
        xc_hypercall_buffer_free(f->xch, f->hbuf, LOAD_CHUNK);
    f->hbuf = NULL;
    f->fh = NULL;
    f->gfns = NULL;
}

/* ---- steps ------------------------------------------------------------ */

/* How many extents to hand the hypervisor per populate call. */
#define POPULATE_BATCH 1024
#define SUPERPAGE_ORDER 9
#define SUPERPAGE_PAGES (1ul << SUPERPAGE_ORDER)

static int populate_list(xc_interface *xch, uint32_t domid,
                         xen_pfn_t *list, unsigned long nr,
                         unsigned int order, unsigned int mem_mb, char *err)
{
    unsigned long i, n;

    for ( i = 0; i < nr; i += n )
    {
        n = nr - i > POPULATE_BATCH ? POPULATE_BATCH : nr - i;
        if ( xc_domain_populate_physmap_exact(xch, domid, n, order, 0,
                                              list + i) )
        {
            int e = errno;

            xc_dom_errf(err, "domain %u: cannot populate its RAM at gfn %#lx "
                  "(%lu extents of order %u): %s%s", domid,
                  (unsigned long)list[i], n, order, strerror(e),
                  e == ENOMEM ? "; the hypervisor is out of free memory or "
                  "the domain's max_mem is below its memory" : "");
            (void)mem_mb;
            errno = e;
            return -1;
        }
    }
    return 0;
}

/* Populate every RAM range: 2 MiB extents where aligned, pages around. */
static int populate(xc_interface *xch, uint32_t domid,
                    const struct xc_dom_layout *l, unsigned int mem_mb,
                    char *err)
{
    xen_pfn_t *big, *small;
    unsigned long nbig = 0, nsmall = 0;
    unsigned int i;
    int rc;

    big = malloc((l->ram_pages / SUPERPAGE_PAGES + 1) * sizeof(*big));
    small = malloc((l->ram_pages + 1) * sizeof(*small));
    if ( !big || !small )
    {
        free(big);
        free(small);
        xc_dom_errf(err, "out of memory for the list of %llu guest pages",
              (unsigned long long)l->ram_pages);
        errno = ENOMEM;
        return -1;
    }
    for ( i = 0; i < l->nr_ram; i++ )
    {
        xen_pfn_t pfn = l->ram[i].start >> XC_DOM_PAGE_SHIFT;
        xen_pfn_t end = l->ram[i].end >> XC_DOM_PAGE_SHIFT;

        while ( pfn < end )
        {
            if ( !(pfn & (SUPERPAGE_PAGES - 1)) &&
                 end - pfn >= SUPERPAGE_PAGES )
            {
                big[nbig++] = pfn;
                pfn += SUPERPAGE_PAGES;
            }
            else
                small[nsmall++] = pfn++;
        }
    }
    rc = populate_list(xch, domid, big, nbig, SUPERPAGE_ORDER, mem_mb, err);
    if ( !rc )
        rc = populate_list(xch, domid, small, nsmall, 0, mem_mb, err);
    free(big);
    free(small);
    return rc;
}


/*
 * Grant entries 0 (console) and 1 (xenstore), as Xen's toolstack seeds
 * them, so that the back-ends can map the rings by grant: the guest's
 * grant frame 0 is put into its physmap at a gfn it does not use (in the
 * ISA hole), written through a foreign mapping and taken out again.
 * Returns 0, or -1 with note saying what the hypervisor lacks.
 */
static int seed_grants(xc_interface *xch, struct xc_dom_mem *m,
                       const struct xc_dom_args *a,
                       const struct xc_dom_layout *l, char *note)
{
    xen_pfn_t scratch = XC_DOM_ISA_HOLE_START >> XC_DOM_PAGE_SHIFT;
    struct xen_add_to_physmap xatp = {
        .domid = a->domid, .space = XENMAPSPACE_grant_table,
        .idx = 0, .gpfn = scratch,
    };
    struct xen_remove_from_physmap xrfp = {
        .domid = a->domid, .gpfn = scratch,
    };
    grant_entry_v1_t *gt;
    char why[XC_DOM_ERRLEN];
    int rc = 0;

    if ( xc_memory_op(xch, XENMEM_add_to_physmap, &xatp, sizeof(xatp)) < 0 )
    {
        xc_dom_errf(note, "grant entries not seeded: the hypervisor does not map "
              "domain %u's grant table for dom0 (add_to_physmap: %s); the "
              "back-ends must map the rings by gfn", a->domid,
              strerror(errno));
        return -1;
    }
    gt = m->map(m, scratch, 1, why);
    if ( !gt )
    {
        xc_dom_errf(note, "grant entries not seeded: cannot map domain %u's "
              "grant frame 0: %s", a->domid, why);
        rc = -1;
    }
    else
    {
        gt[0].domid = a->console_domid;
        gt[0].frame = l->console_pfn;
        gt[1].domid = a->xenstore_domid;
        gt[1].frame = l->store_pfn;
        /* The flags last: they make the entries valid. */
        __atomic_store_n(&gt[0].flags, GTF_permit_access, __ATOMIC_RELEASE);
        __atomic_store_n(&gt[1].flags, GTF_permit_access, __ATOMIC_RELEASE);
        m->unmap(m, gt, 1);
    }
    if ( xc_memory_op(xch, XENMEM_remove_from_physmap, &xrfp,
                   sizeof(xrfp)) < 0 && !rc )
    {
        xc_dom_errf(note, "grant entries seeded, but domain %u's grant frame "
              "stays at gfn %#lx (remove_from_physmap: %s)", a->domid,
              (unsigned long)scratch, strerror(errno));
        rc = -1;
    }
    return rc;
}

static int read_ramdisk(const char *path, void **map, size_t *len,
                        char *err)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC), e;

    if ( fd < 0 )
    {
        e = errno;
        xc_dom_errf(err, "cannot open the ramdisk %s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    if ( fstat(fd, &st) || !S_ISREG(st.st_mode) || !st.st_size )
    {
        e = errno;
        close(fd);
        xc_dom_errf(err, "the ramdisk %s is %s", path,
              !S_ISREG(st.st_mode) ? "not a regular file" :
              !st.st_size ? "empty" : strerror(e));
        errno = EINVAL;
        return -1;
    }
    *map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    e = errno;
    close(fd);
    if ( *map == MAP_FAILED )
    {
        *map = NULL;
        xc_dom_errf(err, "cannot read the ramdisk %s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    *len = st.st_size;
    return 0;
}

/* ---- the builder ------------------------------------------------------ */

static int build(xc_interface *xch, const struct xc_dom_args *a,
                 struct xc_dom_mem *mem, struct xc_dom_result *res,
                 char *err)
{
    struct xc_dom_kernel k;
    struct xc_dom_layout l;
    struct foreign_mem fm;
    struct vcpu_hvm_context ctx;
    void *rd = NULL;
    size_t rd_len = 0;
    uint64_t t;
    int rc = -1, port, e = 0;
    char why[XC_DOM_ERRLEN];

    memset(&fm, 0, sizeof(fm));
    memset(res, 0, sizeof(*res));
    err[0] = '\0';
    if ( !a || !a->kernel || !a->mem_mb || !a->vcpus )
    {
        xc_dom_errf(err, "domain %u: builder called without kernel, memory or "
              "vCPUs", a ? a->domid : 0);
        errno = EINVAL;
        return -1;
    }

    /* load, unpack */
    rc = xc_dom_kernel_load(a->kernel, a->cache_dir, &k, why);
    if ( rc )
    {
        xc_dom_errf(err, "domain %u: %s", a->domid, why);
        errno = -rc;
        return -1;
    }
    res->cache_hit = k.cache_hit;
    res->cache_trusted = k.cache_trusted;
    snprintf(res->cache_note, sizeof(res->cache_note), "%s", k.cache_note);
    snprintf(res->kernel_desc, sizeof(res->kernel_desc),
             "%s%s%s%s, ELF%u, PVH entry %#x%s", k.container,
             k.payload[0] ? " (" : "", k.payload,
             k.payload[0] ? " payload)" : "", k.elf_class, k.pvh_entry,
             k.cache_hit ? ", unpacked image from the cache" : "");
    res->timing.load_ns = k.load_ns;
    res->timing.unpack_ns = k.unpack_ns;

    t = xc_dom_now_ns();
    if ( a->ramdisk && read_ramdisk(a->ramdisk, &rd, &rd_len, why) )
    {
        e = errno;
        xc_dom_errf(err, "domain %u: %s", a->domid, why);
        goto out;
    }
    if ( (rc = xc_dom_plan(&k, a->mem_mb, rd_len, a->cmdline, &l, why)) ||
         (rc = xc_dom_plan_acpi(&l, a->vcpus, a->cmdline, why)) )
    {
        e = -rc;
        xc_dom_errf(err, "domain %u: %s", a->domid, why);
        goto out;
    }
    res->timing.load_ns += xc_dom_now_ns() - t;

    /* populate */
    t = xc_dom_now_ns();
    if ( populate(xch, a->domid, &l, a->mem_mb, err) )
    {
        e = errno;
        goto out;
    }
    res->timing.populate_ns = xc_dom_now_ns() - t;

    /* copy */
    t = xc_dom_now_ns();
    if ( !mem )
    {
        if ( foreign_open(&fm, xch, a->domid, why) )
        {
            e = errno;
            xc_dom_errf(err, "domain %u: cannot write its memory: %s", a->domid,
                  why);
            goto out;
        }
        mem = &fm.ops;
    }
    {
        struct xc_dom_mem m0 = *mem;

        rc = xc_dom_load(mem, &k, &l, rd, a->cmdline, why);
        res->timing.map_ns = mem->map_ns - m0.map_ns;
        res->timing.unmap_ns = mem->unmap_ns - m0.unmap_ns;
        res->timing.pages_written = mem->pages_written - m0.pages_written;
        res->timing.pages_skipped = mem->pages_skipped - m0.pages_skipped;
        res->timing.scan_ns = mem->scan_ns - m0.scan_ns;
        res->timing.fault_ns = mem->fault_ns - m0.fault_ns;
        res->timing.stage_ns = mem->stage_ns - m0.stage_ns;
        res->timing.hcall_ns = mem->hcall_ns - m0.hcall_ns;
    }
    if ( rc )
    {
        e = -rc;
        xc_dom_errf(err, "domain %u: %s", a->domid, why);
        goto out;
    }
    res->timing.copy_ns = xc_dom_now_ns() - t;

    /* ports, params, grants, vCPU 0 */
    t = xc_dom_now_ns();
    port = xc_evtchn_alloc_unbound(xch, a->domid, a->console_domid);
    if ( port < 0 )
    {
        e = errno;
        xc_dom_errf(err, "domain %u: cannot allocate its console event channel "
              "(for domain %u): %s", a->domid, a->console_domid,
              strerror(e));
        goto out;
    }
    res->console_evtchn = port;
    port = xc_evtchn_alloc_unbound(xch, a->domid, a->xenstore_domid);
    if ( port < 0 )
    {
        e = errno;
        xc_dom_errf(err, "domain %u: cannot allocate its xenstore event channel "
              "(for domain %u): %s", a->domid, a->xenstore_domid,
              strerror(e));
        goto out;
    }
    res->store_evtchn = port;
    res->console_pfn = l.console_pfn;
    res->store_pfn = l.store_pfn;
    {
        static const struct { uint32_t idx; const char *name; } p[] = {
            { HVM_PARAM_STORE_PFN, "STORE_PFN" },
            { HVM_PARAM_STORE_EVTCHN, "STORE_EVTCHN" },
            { HVM_PARAM_CONSOLE_PFN, "CONSOLE_PFN" },
            { HVM_PARAM_CONSOLE_EVTCHN, "CONSOLE_EVTCHN" },
        };
        uint64_t v[] = { l.store_pfn, res->store_evtchn, l.console_pfn,
                         res->console_evtchn };
        unsigned int i;

        for ( i = 0; i < 4; i++ )
            if ( xc_hvm_param_set(xch, a->domid, p[i].idx, v[i]) )
            {
                e = errno;
                xc_dom_errf(err, "domain %u: cannot set HVM param %s to %#llx: %s",
                      a->domid, p[i].name, (unsigned long long)v[i],
                      strerror(e));
                goto out;
            }
    }
    why[0] = '\0';
    res->grants_seeded = !seed_grants(xch, mem, a, &l, why);
    if ( !res->grants_seeded )
        snprintf(res->cache_note + strlen(res->cache_note),
                 sizeof(res->cache_note) - strlen(res->cache_note),
                 "%s%s", res->cache_note[0] ? "; " : "", why);

    xc_vcpu_pvh_boot_context(&ctx, k.pvh_entry, l.start_info_paddr);
    if ( xc_vcpu_setcontext(xch, a->domid, 0, &ctx) )
    {
        e = errno;
        xc_dom_errf(err, "domain %u: cannot set vCPU 0 at the PVH entry %#x: %s",
              a->domid, k.pvh_entry, strerror(e));
        goto out;
    }
    res->timing.setup_ns = xc_dom_now_ns() - t;
    res->entry = k.pvh_entry;
    res->start_info = l.start_info_paddr;
    rc = 0;
    e = 0;

 out:
    if ( fm.fh )
        foreign_close(&fm);
    if ( rd )
        munmap(rd, rd_len);
    xc_dom_kernel_release(&k);
    if ( e || rc )
    {
        errno = e ? e : EINVAL;
        return -1;
    }
    return 0;
}

int xc_dom_build_pvh_mem(xc_interface *xch, const struct xc_dom_args *args,
                         struct xc_dom_mem *mem, struct xc_dom_result *res,
                         char *err)
{
    return build(xch, args, mem, res, err);
}

int xc_dom_build_pvh(xc_interface *xch, const struct xc_dom_args *args,
                     struct xc_dom_result *res, char *err)
{
    return build(xch, args, NULL, res, err);
}

/* Milliseconds with one decimal: the whole target is 50 ms. */
static void ms(char *buf, size_t len, uint64_t ns)
{
    snprintf(buf, len, "%llu.%llu", (unsigned long long)(ns / 1000000),
             (unsigned long long)(ns / 100000 % 10));
}

void xc_dom_timing_format(const struct xc_dom_result *res, char *buf,
                          size_t len)
{
    const struct xc_dom_timing *t = &res->timing;
    char l[24], u[24], p[24], c[24], mp[24], um[24], s[24];
    char sc[24], fa[24], st[24], hc[24];

    ms(l, sizeof(l), t->load_ns);
    ms(u, sizeof(u), t->unpack_ns);
    ms(p, sizeof(p), t->populate_ns);
    ms(c, sizeof(c), t->copy_ns);
    ms(mp, sizeof(mp), t->map_ns);
    ms(um, sizeof(um), t->unmap_ns);
    ms(s, sizeof(s), t->setup_ns);
    ms(sc, sizeof(sc), t->scan_ns);
    ms(fa, sizeof(fa), t->fault_ns);
    ms(st, sizeof(st), t->stage_ns);
    ms(hc, sizeof(hc), t->hcall_ns);
    snprintf(buf, len, "load %s ms, unpack %s ms%s, populate %s ms, "
             "copy %s ms (map %s, unmap %s, scan %s, fault %s, stage %s, "
             "hv %s, %llu pages), setup %s ms",
             l, u, res->cache_hit ? " (cache hit)" : "", p, c, mp, um,
             sc, fa, st, hc, (unsigned long long)t->pages_written, s);
}
