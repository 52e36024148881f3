/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * domrace: dom0 uses a guest's grants, event channels and memory on one
 * of its vCPUs while the toolstack destroys the guest on the other
 * (keel.test=domrace), the race CI hit: blkback unmapping a grant while
 * `xm destroy` killed the guest on the other pCPU freed the grant table
 * under the unmap (#GP in grant_unpin, hypervisor panic).
 *
 * Each round:
 *   setup    a paused guest (never run) with NREFS pages at GFN0, grant
 *            entries 0..NREFS-1 granting them to dom0 (seeded through its
 *            grant frame, as the domain builder does) and NREFS unbound
 *            ports offered to dom0
 *   worker   a thread that, pass after pass, maps each grant through
 *            gntdev (writes and reads the page, unmaps), binds each port
 *            (notifies, unbinds) and foreign-maps each page (reads,
 *            unmaps), then issues one grant_table_op with COPY_BATCH
 *            copies between the guest's grants: a long hypercall working
 *            in the guest's table, the widest window for the destroy to
 *            land in
 *   destroy  the main thread destroys the guest once the worker has
 *            done WARM_PASSES passes and is about to issue the next copy
 *            batch (the aim, not a condition of the verdict: the destroy
 *            should land while that hypercall works in the guest's
 *            table), then tells the worker, which does two more passes
 *
 * Checked: every call either succeeds or fails with the error the
 * hypervisor documents for a domain that is going or gone (gntdev turns
 * GNTST_bad_domain into EINVAL; binds and foreign maps get ESRCH or
 * EINVAL; a copy's status is GNTST_okay or GNTST_bad_domain, the batch
 * itself always returns 0); every unmap/unbind of something that was
 * mapped or bound succeeds, dead guest or not; every call made after the
 * destroy returned fails (the guest is gone for lookups); the guest is gone
 * (not even a zombie) once the worker has unmapped everything; free
 * memory after the last round equals free memory after the first (the
 * first round may leave dom0's p2m a page-table page larger, where dom0
 * mapped the guest's pages, as mkguest measured).
 *
 * The result does not depend on timing: whichever side wins each call,
 * the answers above are the only ones allowed.  Whether a given run hits
 * the window the old lookup left open (no reference: a table freed
 * under an operation) does depend on it, which is why there are many
 * rounds; with it open, a hit is a hypervisor fault or corrupted heap.
 * Bounded: a fixed number of rounds, at most MAX_PASSES passes per
 * round, and the wait for the worker has a deadline.
 *
 *   domrace [--rounds N]
 *
 * Prints "domrace: FAIL ..." for every check that does not hold; exit
 * status 1 if any failed.  libxc's own messages go to stderr.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <public/grant_table.h>
#include <public/memory.h>

#define NREFS        8
#define GFN0         0x100UL
#define SCRATCH_GFN  0xa0UL         /* ISA hole: the builder's scratch */
#define WARM_PASSES  2              /* full passes before the destroy */
#define AFTER_PASSES 2              /* passes after destroy returned */
#define MAX_PASSES   5000
#define COPY_BATCH   2048           /* copies in one grant_table_op */
#define WAIT_MS      120000         /* deadline for the worker's passes */

static int failures;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

#define CHECK(cond, ...) do {                                           \
        if ( !(cond) )                                                  \
        {                                                               \
            pthread_mutex_lock(&out_lock);                              \
            failures++;                                                 \
            printf("domrace: FAIL %s:%d: ", __func__, __LINE__);        \
            printf(__VA_ARGS__);                                        \
            printf("\n");                                               \
            fflush(stdout);                                             \
            pthread_mutex_unlock(&out_lock);                            \
        }                                                               \
    } while ( 0 )

struct counts {
    unsigned int ok, failed;
};

struct race {
    xc_interface *xch;
    xc_interface *wxch;             /* the worker's own */
    xengnttab_handle *xgt;
    xenevtchn_handle *xce;
    xenforeignmemory_handle *fm;
    uint32_t domid;
    evtchn_port_t ports[NREFS];
    unsigned int passes;            /* worker's completed passes */
    unsigned int copying;           /* pass number of the last copy batch */
    bool destroyed;                 /* xc_domain_destroy returned */
    struct counts grant, bind, fmap, copy;
    unsigned int late_ok;           /* successes after destroy returned */
};

static unsigned long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static const char *errname(int e)
{
    switch ( e )
    {
    case EINVAL: return "EINVAL";
    case ESRCH: return "ESRCH";
    case ENOENT: return "ENOENT";
    case EFAULT: return "EFAULT";
    case ENOMEM: return "ENOMEM";
    case EPERM: return "EPERM";
    case EBUSY: return "EBUSY";
    default: return "other";
    }
}

static unsigned long long free_pages(xc_interface *xch)
{
    xc_physinfo_t pi;

    if ( xc_physinfo(xch, &pi) < 0 )
        return 0;
    return pi.free_pages;
}

/* A paused guest with pages, grants and ports for dom0.  0 or -1. */
static int setup(struct race *r)
{
    struct xen_domctl_createdomain cfg;
    xen_pfn_t gfns[NREFS], scratch = SCRATCH_GFN;
    struct xen_add_to_physmap xatp = {
        .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = SCRATCH_GFN,
    };
    struct xen_remove_from_physmap xrfp = { .gpfn = SCRATCH_GFN };
    grant_entry_v1_t *gt;
    unsigned int i;
    int p;

    xc_domain_pvh_config(&cfg, 1);
    r->domid = 0;
    if ( xc_domain_create(r->xch, &r->domid, &cfg) < 0 )
    {
        CHECK(0, "create: %s", strerror(errno));
        return -1;
    }
    CHECK(xc_domain_setmaxmem(r->xch, r->domid, 1024) == 0,
          "d%u max_mem: %s", r->domid, strerror(errno));
    for ( i = 0; i < NREFS; i++ )
        gfns[i] = GFN0 + i;
    CHECK(xc_domain_populate_physmap_exact(r->xch, r->domid, NREFS, 0, 0,
                                           gfns) == 0,
          "d%u populate: %s", r->domid, strerror(errno));

    xatp.domid = xrfp.domid = r->domid;
    if ( xc_memory_op(r->xch, XENMEM_add_to_physmap, &xatp,
                      sizeof(xatp)) < 0 )
    {
        CHECK(0, "d%u grant frame 0 into its physmap: %s", r->domid,
              strerror(errno));
        return -1;
    }
    gt = xenforeignmemory_map(r->fm, r->domid, PROT_READ | PROT_WRITE, 1,
                              &scratch, NULL);
    CHECK(gt, "d%u map grant frame 0: %s", r->domid, strerror(errno));
    if ( gt )
    {
        for ( i = 0; i < NREFS; i++ )
        {
            gt[i].domid = 0;
            gt[i].frame = GFN0 + i;
            __atomic_store_n(&gt[i].flags, GTF_permit_access,
                             __ATOMIC_RELEASE);
        }
        xenforeignmemory_unmap(r->fm, gt, 1);
    }
    CHECK(xc_memory_op(r->xch, XENMEM_remove_from_physmap, &xrfp,
                 sizeof(xrfp)) == 0,
          "d%u grant frame 0 out of its physmap: %s", r->domid,
          strerror(errno));

    for ( i = 0; i < NREFS; i++ )
    {
        p = xc_evtchn_alloc_unbound(r->xch, r->domid, 0);
        CHECK(p > 0, "d%u alloc_unbound: %s", r->domid, strerror(errno));
        r->ports[i] = p > 0 ? p : 0;
    }
    return gt ? 0 : -1;
}

/* A failed call: only a going or gone guest's errors are allowed. */
static void failed(struct race *r, struct counts *c, const char *what,
                   unsigned int i, int e, bool einval_ok)
{
    c->failed++;
    CHECK(e == ESRCH || (einval_ok && e == EINVAL),
          "d%u %s %u: errno %d (%s), not a dying guest's error", r->domid,
          what, i, e, errname(e));
}

/*
 * COPY_BATCH copies from grant i to grant i + 1 of the guest's in one
 * hypercall, as a back-end batches them: each looks the guest up and pins
 * in its table.  Successes.
 */
static unsigned int copy_batch(struct race *r)
{
    size_t size = COPY_BATCH * sizeof(struct gnttab_copy);
    struct gnttab_copy *ops = xc_hypercall_buffer_alloc(r->wxch, size);
    unsigned int i, ok = 0;
    long rc;

    if ( !ops )
    {
        CHECK(0, "hypercall buffer: %s", strerror(errno));
        return 0;
    }
    memset(ops, 0, size);
    for ( i = 0; i < COPY_BATCH; i++ )
    {
        ops[i].source.u.ref = i % NREFS;
        ops[i].source.domid = r->domid;
        ops[i].dest.u.ref = (i + 1) % NREFS;
        ops[i].dest.domid = r->domid;
        ops[i].dest.offset = 64;
        ops[i].len = 64;
        ops[i].flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    }
    /* The batch is ready: the destroy may come now (round_once). */
    __atomic_store_n(&r->copying, r->passes + 1, __ATOMIC_RELEASE);
    rc = xc_hypercall(r->wxch, __HYPERVISOR_grant_table_op, GNTTABOP_copy,
                      (unsigned long)ops, COPY_BATCH, 0, 0);
    CHECK(rc == 0, "d%u copy batch: rc %ld errno %d", r->domid, rc, errno);
    for ( i = 0; rc == 0 && i < COPY_BATCH; i++ )
    {
        if ( ops[i].status == GNTST_okay )
            ok++;
        else
            CHECK(ops[i].status == GNTST_bad_domain,
                  "d%u copy %u: status %d, not GNTST_bad_domain", r->domid,
                  i, ops[i].status);
    }
    r->copy.ok += ok;
    r->copy.failed += COPY_BATCH - ok;
    xc_hypercall_buffer_free(r->wxch, ops, size);
    return ok;
}

/* One pass over the guest's grants, ports and pages: successes. */
static unsigned int pass(struct race *r)
{
    unsigned int i, ok = 0;

    for ( i = 0; i < NREFS; i++ )
    {
        volatile unsigned char *m;
        xen_pfn_t gfn = GFN0 + i;
        int p;

        m = xengnttab_map_grant_ref(r->xgt, r->domid, i,
                                    PROT_READ | PROT_WRITE);
        if ( m )
        {
            m[0] = 0x5a ^ i;
            CHECK(m[0] == (0x5a ^ i), "d%u grant %u: wrote %#x read %#x",
                  r->domid, i, 0x5a ^ i, m[0]);
            CHECK(xengnttab_unmap(r->xgt, (void *)m, 1) == 0,
                  "d%u grant %u unmap: %s", r->domid, i, strerror(errno));
            r->grant.ok++;
            ok++;
        }
        else
            failed(r, &r->grant, "grant map", i, errno, true);

        p = xenevtchn_bind_interdomain(r->xce, r->domid, r->ports[i]);
        if ( p >= 0 )
        {
            CHECK(xenevtchn_notify(r->xce, p) == 0, "d%u port %u notify: %s",
                  r->domid, r->ports[i], strerror(errno));
            CHECK(xenevtchn_unbind(r->xce, p) == 0, "d%u port %u unbind: %s",
                  r->domid, r->ports[i], strerror(errno));
            r->bind.ok++;
            ok++;
        }
        else
            failed(r, &r->bind, "bind to port", r->ports[i], errno, true);

        m = xenforeignmemory_map(r->fm, r->domid, PROT_READ, 1, &gfn, NULL);
        if ( m )
        {
            (void)m[0];
            CHECK(xenforeignmemory_unmap(r->fm, (void *)m, 1) == 0,
                  "d%u gfn %#lx unmap: %s", r->domid, (unsigned long)gfn,
                  strerror(errno));
            r->fmap.ok++;
            ok++;
        }
        else
            failed(r, &r->fmap, "foreign map of gfn", (unsigned int)gfn,
                   errno, true);
    }
    return ok + copy_batch(r);
}

static void *worker(void *arg)
{
    struct race *r = arg;
    unsigned int n, after = 0;

    for ( n = 0; n < MAX_PASSES && after < AFTER_PASSES; n++ )
    {
        bool late = __atomic_load_n(&r->destroyed, __ATOMIC_ACQUIRE);
        unsigned int ok = pass(r);

        if ( late )
        {
            r->late_ok += ok;
            after++;
        }
        __atomic_store_n(&r->passes, n + 1, __ATOMIC_RELEASE);
    }
    CHECK(after == AFTER_PASSES, "d%u: the destroy never came (%u passes)",
          r->domid, n);
    return NULL;
}

/* The guest is gone once nothing maps it; dom0 may unmap a bit late. */
static bool gone(struct race *r)
{
    unsigned long long end = now_ms() + 10000;
    xc_dominfo_t info;

    while ( xc_domain_getinfo_single(r->xch, r->domid, &info) == 0 )
    {
        if ( now_ms() > end )
            return false;
        sched_yield();
    }
    return errno == ESRCH;
}

static void round_once(struct race *r, unsigned int round)
{
    unsigned long long end;
    pthread_t t;

    memset(&r->grant, 0, sizeof(r->grant));
    memset(&r->bind, 0, sizeof(r->bind));
    memset(&r->fmap, 0, sizeof(r->fmap));
    memset(&r->copy, 0, sizeof(r->copy));
    r->passes = 0;
    r->copying = 0;
    r->destroyed = false;
    r->late_ok = 0;
    if ( setup(r) < 0 )
    {
        if ( r->domid )
            xc_domain_destroy(r->xch, r->domid);
        return;
    }
    if ( pthread_create(&t, NULL, worker, r) )
    {
        CHECK(0, "pthread_create failed");
        xc_domain_destroy(r->xch, r->domid);
        return;
    }

    /* A deadline, not a delay: the worker's passes are the signal. */
    end = now_ms() + WAIT_MS;
    while ( __atomic_load_n(&r->copying, __ATOMIC_ACQUIRE) <=
                WARM_PASSES && now_ms() < end )
        ;
    CHECK(r->passes >= WARM_PASSES, "d%u: worker did %u passes in %u ms",
          r->domid, r->passes, WAIT_MS);
    CHECK(xc_domain_destroy(r->xch, r->domid) == 0, "destroy d%u: %s",
          r->domid, strerror(errno));
    __atomic_store_n(&r->destroyed, true, __ATOMIC_RELEASE);
    pthread_join(t, NULL);

    CHECK(r->late_ok == 0, "d%u: %u calls succeeded after the destroy "
          "returned", r->domid, r->late_ok);
    CHECK(r->grant.ok >= WARM_PASSES * NREFS && r->bind.ok >=
          WARM_PASSES * NREFS, "d%u: too few successes before the destroy",
          r->domid);
    CHECK(gone(r), "d%u: still listed after the worker unmapped "
          "everything", r->domid);
    printf("domrace: round %u: d%u destroyed after %u passes; grant maps "
           "ok=%u failed=%u, binds ok=%u failed=%u, foreign maps ok=%u "
           "failed=%u, copies ok=%u failed=%u\n", round, r->domid,
           r->passes, r->grant.ok, r->grant.failed, r->bind.ok,
           r->bind.failed, r->fmap.ok, r->fmap.failed, r->copy.ok,
           r->copy.failed);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct race r = { 0 };
    unsigned int rounds = 20, i;
    unsigned long long before, first = 0, last = 0;

    if ( argc == 3 && !strcmp(argv[1], "--rounds") )
        rounds = strtoul(argv[2], NULL, 0);
    else if ( argc != 1 )
    {
        fprintf(stderr, "usage: domrace [--rounds N]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    r.xch = xc_interface_open(NULL, NULL, 0);
    r.wxch = xc_interface_open(NULL, NULL, 0);
    r.xgt = xengnttab_open(0);
    r.xce = xenevtchn_open(0);
    r.fm = xenforeignmemory_open(0);
    if ( !r.xch || !r.wxch || !r.xgt || !r.xce || !r.fm )
    {
        printf("domrace: FAIL cannot open libxc/gntdev/evtchn/privcmd\n");
        return 1;
    }

    before = free_pages(r.xch);
    for ( i = 1; i <= rounds; i++ )
    {
        round_once(&r, i);
        if ( i == 1 )
            first = free_pages(r.xch);
    }
    last = free_pages(r.xch);
    printf("domrace: free_pages before %llu after first round %llu after "
           "last %llu\n", before, first, last);
    CHECK(first == last, "free memory after the last round differs from "
          "after the first by %lld pages", (long long)(last - first));

    xenforeignmemory_close(r.fm);
    xenevtchn_close(r.xce);
    xengnttab_close(r.xgt);
    xc_interface_close(r.wxch);
    xc_interface_close(r.xch);
    printf("domrace: done (%d failures)\n", failures);
    return failures ? 1 : 0;
}
