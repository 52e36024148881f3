/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkguest: a real guest from dom0 with libxc alone (keel.test=mkguest),
 * without xenstored, xenconsoled or xend:
 *
 *   create       xc_domain_create (PVH), max_mem, max_vcpus
 *   build        xc_dom_build_pvh: kernel + ramdisk + command line
 *   unpause      and wait for VIRQ_DOM_EXC (or a timeout), while the
 *                guest's console ring is drained to stdout as
 *                "mkguest: dN console: ..." lines (a minimal
 *                xenconsoled: the guest's hvc0 would stall without one)
 *                and its xenstore ring is answered by a stub store that
 *                holds nothing (Linux's xenbus waits for xenstored's
 *                replies at boot; an empty store means no devices)
 *   report       getdomaininfo (shutdown reason, pages, vCPUs, time)
 *   destroy      and check that free memory and the domain list are
 *                back to what they were before
 *
 *   mkguest [--mem MB] [--vcpus N] [--cmdline S] [--count N]
 *           [--timeout S] [--expect poweroff|reboot|crash|build-fail]
 *           [--cache DIR] [--rounds N] KERNEL [RAMDISK]
 *
 * --rounds N does it all N times; free memory is only required back
 * exactly after the last: the hypervisor's own pools give everything
 * back, but the first real guest leaves dom0's p2m one page-table
 * page larger (measured), a table that still holds other dom0 entries
 * (emptied tables are freed), for good.
 * --count N runs N guests side by side (the same kernel).  --expect says
 * how each guest should end; build-fail is for bad kernels and too
 * little memory: the build must fail and leave no domain and no memory
 * behind.  Every check that does not hold prints "mkguest: FAIL ...";
 * the exit status is 1 if any failed.
 *
 * Built static against libxc's sources (tests/dom0/Makefile).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenguest.h>
#include <public/grant_table.h>

#define MAX_GUESTS 4

static int failures;

#define CHECK(cond, ...) do {                                           \
        if ( !(cond) )                                                  \
        {                                                               \
            failures++;                                                 \
            printf("mkguest: FAIL %s:%d: ", __func__, __LINE__);        \
            printf(__VA_ARGS__);                                        \
            printf("\n");                                               \
        }                                                               \
    } while ( 0 )

/* The console ring page as Xen's io/console.h lays it out. */
struct cons_page {
    char in[1024];
    char out[2048];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};

/* The xenstore ring page and message header (Xen's io/xs_wire.h). */
struct xs_page {
    char req[1024];
    char rsp[1024];
    uint32_t req_cons, req_prod;
    uint32_t rsp_cons, rsp_prod;
    uint32_t server_features, connection, error;
};

struct xs_msg {
    uint32_t type, req_id, tx_id, len;
};

enum {
    XS_DIRECTORY = 1, XS_READ = 2, XS_GET_PERMS = 3, XS_WATCH = 4,
    XS_UNWATCH = 5, XS_TRANSACTION_START = 6, XS_TRANSACTION_END = 7,
    XS_GET_DOMAIN_PATH = 10, XS_WRITE = 11, XS_MKDIR = 12, XS_RM = 13,
    XS_SET_PERMS = 14, XS_ERROR = 16, XS_RESET_WATCHES = 21,
};

#define XS_PAYLOAD_MAX 4096

struct guest {
    uint32_t domid;
    struct xs_page *store;
    int store_port;
    unsigned char xs_buf[sizeof(struct xs_msg) + XS_PAYLOAD_MAX];
    size_t xs_len;
    unsigned int xs_requests;
    bool created, built, done;
    struct xc_dom_result res;
    struct cons_page *cons;
    int cons_port;                  /* our end of the console channel */
    char line[256];
    size_t line_len;
    xc_dominfo_t info;
    unsigned long long t_unpause, t_end;
};

static const char *reason_name(unsigned int r)
{
    static const char *const names[] = {
        "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
    };

    return r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

static unsigned long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Domains other than dom0, and the host's free pages. */
static int snapshot(xc_interface *xch, unsigned long long *free_pages,
                    unsigned int *nr_domains)
{
    xc_physinfo_t pi;
    xc_dominfo_t list[64];
    int n;

    if ( xc_physinfo(xch, &pi) < 0 )
        return -1;
    n = xc_domain_getinfo(xch, 0, 64, list);
    if ( n < 0 )
        return -1;
    *free_pages = pi.free_pages;
    *nr_domains = n;
    return 0;
}

/* ---- the console ring ------------------------------------------------ */

static void cons_flush_line(struct guest *g)
{
    g->line[g->line_len] = '\0';
    printf("mkguest: d%u console: %s\n", g->domid, g->line);
    g->line_len = 0;
}

/* Copy out what the guest wrote; returns how many bytes. */
static size_t cons_drain(struct guest *g)
{
    struct cons_page *c = g->cons;
    uint32_t cons, prod;
    size_t n = 0;

    if ( !c )
        return 0;
    cons = __atomic_load_n(&c->out_cons, __ATOMIC_ACQUIRE);
    prod = __atomic_load_n(&c->out_prod, __ATOMIC_ACQUIRE);
    if ( prod - cons > sizeof(c->out) )
    {
        /* A guest that scribbles its indexes only loses its own output. */
        printf("mkguest: d%u console: ring indexes %u/%u out of range\n",
               g->domid, cons, prod);
        cons = prod;
    }
    for ( ; cons != prod; cons++, n++ )
    {
        char ch = c->out[cons % sizeof(c->out)];

        if ( ch == '\n' )
            cons_flush_line(g);
        else if ( ch != '\r' )
        {
            g->line[g->line_len++] = ch;
            if ( g->line_len == sizeof(g->line) - 1 )
                cons_flush_line(g);
        }
    }
    __atomic_store_n(&c->out_cons, cons, __ATOMIC_RELEASE);
    return n;
}

/* ---- a stub xenstore: an empty store ------------------------------- */

static void xs_put(struct guest *g, const void *data, size_t n)
{
    struct xs_page *x = g->store;
    const char *p = data;
    uint32_t prod = x->rsp_prod;

    /*
     * Replies are small and the guest has at most one request in flight
     * per thread: wait (bounded) for room rather than drop a reply.
     */
    for ( size_t i = 0; i < n; i++ )
    {
        unsigned int spins = 0;

        while ( prod - __atomic_load_n(&x->rsp_cons, __ATOMIC_ACQUIRE) >=
                sizeof(x->rsp) && spins++ < 1000 )
            usleep(1000);
        x->rsp[prod % sizeof(x->rsp)] = p[i];
        prod++;
    }
    __atomic_store_n(&x->rsp_prod, prod, __ATOMIC_RELEASE);
}

static void xs_reply(struct guest *g, const struct xs_msg *req,
                     uint32_t type, const char *payload, size_t len)
{
    struct xs_msg h = {
        .type = type, .req_id = req->req_id, .tx_id = req->tx_id,
        .len = len,
    };

    xs_put(g, &h, sizeof(h));
    xs_put(g, payload, len);
}

/*
 * Nothing is stored: reads find nothing, directories are empty, writes
 * and watches are accepted (and forgotten).  Enough for Linux's xenbus
 * to find no devices and go on booting.
 */
static void xs_answer(struct guest *g, const struct xs_msg *m)
{
    char path[64];

    g->xs_requests++;
    switch ( m->type )
    {
    case XS_DIRECTORY:
        xs_reply(g, m, m->type, "", 0);
        break;
    case XS_READ:
    case XS_GET_PERMS:
        xs_reply(g, m, XS_ERROR, "ENOENT", 7);
        break;
    case XS_TRANSACTION_START:
        xs_reply(g, m, m->type, "1", 2);
        break;
    case XS_GET_DOMAIN_PATH:
        snprintf(path, sizeof(path), "/local/domain/%u", g->domid);
        xs_reply(g, m, m->type, path, strlen(path) + 1);
        break;
    case XS_WATCH:
    case XS_UNWATCH:
    case XS_TRANSACTION_END:
    case XS_WRITE:
    case XS_MKDIR:
    case XS_RM:
    case XS_SET_PERMS:
    case XS_RESET_WATCHES:
        xs_reply(g, m, m->type, "OK", 3);
        break;
    default:
        xs_reply(g, m, XS_ERROR, "EINVAL", 7);
        break;
    }
}

/* Take whole requests off the ring; returns how many were answered. */
static unsigned int xs_serve(struct guest *g)
{
    struct xs_page *x = g->store;
    uint32_t cons, prod;
    unsigned int n = 0;

    if ( !x )
        return 0;
    cons = __atomic_load_n(&x->req_cons, __ATOMIC_ACQUIRE);
    prod = __atomic_load_n(&x->req_prod, __ATOMIC_ACQUIRE);
    if ( prod - cons > sizeof(x->req) )
    {
        printf("mkguest: d%u xenstore: ring indexes %u/%u out of range\n",
               g->domid, cons, prod);
        __atomic_store_n(&x->req_cons, prod, __ATOMIC_RELEASE);
        g->xs_len = 0;
        return 0;
    }
    for ( ; cons != prod; cons++ )
    {
        struct xs_msg h;

        g->xs_buf[g->xs_len++] = x->req[cons % sizeof(x->req)];
        if ( g->xs_len < sizeof(h) )
            continue;
        memcpy(&h, g->xs_buf, sizeof(h));
        if ( h.len > XS_PAYLOAD_MAX )
        {
            printf("mkguest: d%u xenstore: %u-byte request, dropped\n",
                   g->domid, h.len);
            g->xs_len = 0;
            continue;
        }
        if ( g->xs_len < sizeof(h) + h.len )
            continue;
        xs_answer(g, &h);
        g->xs_len = 0;
        n++;
    }
    __atomic_store_n(&x->req_cons, cons, __ATOMIC_RELEASE);
    return n;
}

static void cons_open(xenforeignmemory_handle *fm, xenevtchn_handle *xce,
                      struct guest *g)
{
    xen_pfn_t pfn = g->res.console_pfn;
    xen_pfn_t spfn = g->res.store_pfn;

    g->cons = xenforeignmemory_map(fm, g->domid, PROT_READ | PROT_WRITE,
                                   1, &pfn, NULL);
    CHECK(g->cons, "d%u: map console pfn %#lx: %s", g->domid,
          (unsigned long)pfn, xenforeignmemory_last_error(fm));
    g->cons_port = xenevtchn_bind_interdomain(xce, g->domid,
                                              g->res.console_evtchn);
    CHECK(g->cons_port >= 0, "d%u: bind console port %u: %s", g->domid,
          g->res.console_evtchn, xenevtchn_last_error(xce));
    g->store = xenforeignmemory_map(fm, g->domid, PROT_READ | PROT_WRITE,
                                    1, &spfn, NULL);
    CHECK(g->store, "d%u: map xenstore pfn %#lx: %s", g->domid,
          (unsigned long)spfn, xenforeignmemory_last_error(fm));
    g->store_port = xenevtchn_bind_interdomain(xce, g->domid,
                                               g->res.store_evtchn);
    CHECK(g->store_port >= 0, "d%u: bind xenstore port %u: %s", g->domid,
          g->res.store_evtchn, xenevtchn_last_error(xce));
}

/*
 * The builder seeded grant entries 0 (console) and 1 (xenstore) for dom0
 * (res.grants_seeded), as xenconsoled and xenstored rely on: map each
 * ring by its grant reference, as they do, and check it is the page at
 * the console / store pfn: a marker written through the foreign mapping
 * reads back through the grant mapping.  The marker sits in the last 8
 * bytes of the page, which neither ring layout uses, before the guest
 * runs.
 */
static void grant_check(struct guest *g)
{
    static const char *const what[2] = { "console", "xenstore" };
    char *page[2] = { (char *)g->cons, (char *)g->store };
    xengnttab_handle *xgt;
    unsigned int ref;

    CHECK(g->res.grants_seeded, "d%u: the builder did not seed grant "
          "entries 0 and 1", g->domid);
    if ( !g->res.grants_seeded || !page[0] || !page[1] )
        return;
    xgt = xengnttab_open(0);
    CHECK(xgt, "open gntdev: %s", strerror(errno));
    if ( !xgt )
        return;
    for ( ref = 0; ref < 2; ref++ )
    {
        uint64_t mark = 0x6b65656c00000000ULL | (g->domid << 8) | ref;
        uint64_t *via_gfn = (uint64_t *)(page[ref] + 4096 - 8), *via_ref;
        char *m = xengnttab_map_grant_ref(xgt, g->domid, ref,
                                          PROT_READ | PROT_WRITE);

        CHECK(m, "d%u: map the %s ring by grant ref %u: %s", g->domid,
              what[ref], ref, xengnttab_last_error(xgt));
        if ( !m )
            continue;
        via_ref = (uint64_t *)(m + 4096 - 8);
        __atomic_store_n(via_gfn, mark, __ATOMIC_SEQ_CST);
        CHECK(__atomic_load_n(via_ref, __ATOMIC_SEQ_CST) == mark,
              "d%u: grant ref %u is not the %s page", g->domid, ref,
              what[ref]);
        __atomic_store_n(via_gfn, 0, __ATOMIC_SEQ_CST);
        xengnttab_unmap(xgt, m, 1);
    }
    xengnttab_close(xgt);
    printf("mkguest: d%u console and xenstore rings mapped by grant refs 0 "
           "and 1\n", g->domid);
}

/*
 * A guest's grant frame mapped by dom0 outlives the guest: put frame 0
 * into the (shut down) guest's physmap at a scratch gfn, map it as a
 * foreign page, take it out of the physmap, destroy the guest.  The
 * guest stays a zombie with the frame intact (entry 0 still the console
 * grant) until dom0 unmaps it; then it is gone.  Free memory is checked
 * exactly by the caller afterwards.
 */
static void grant_zombie(xc_interface *xch, xenforeignmemory_handle *fm,
                         struct guest *g)
{
    xen_pfn_t scratch = XC_DOM_ISA_HOLE_START >> 12;
    struct xen_add_to_physmap xatp = {
        .domid = g->domid, .space = XENMAPSPACE_grant_table,
        .idx = 0, .gpfn = scratch,
    };
    struct xen_remove_from_physmap xrfp = {
        .domid = g->domid, .gpfn = scratch,
    };
    xc_dominfo_t info;
    grant_entry_v1_t *gt;

    CHECK(xc_memory_op(xch, XENMEM_add_to_physmap, &xatp, sizeof(xatp)) == 0,
          "d%u: grant frame 0 into its physmap: %s", g->domid,
          strerror(errno));
    gt = xenforeignmemory_map(fm, g->domid, PROT_READ, 1, &scratch, NULL);
    CHECK(gt, "d%u: map grant frame 0: %s", g->domid,
          xenforeignmemory_last_error(fm));
    CHECK(xc_memory_op(xch, XENMEM_remove_from_physmap, &xrfp,
                       sizeof(xrfp)) == 0,
          "d%u: grant frame 0 out of its physmap: %s", g->domid,
          strerror(errno));
    CHECK(xc_domain_destroy(xch, g->domid) == 0, "destroy d%u: %s",
          g->domid, strerror(errno));
    printf("mkguest: d%u destroyed\n", g->domid);
    if ( !gt )
        return;
    CHECK(xc_domain_getinfo_single(xch, g->domid, &info) == 0 && info.dying,
          "d%u: not dying while dom0 maps its grant frame", g->domid);
    CHECK(gt[0].domid == 0 && gt[0].frame == g->res.console_pfn,
          "d%u: grant frame 0 no longer holds the console grant "
          "(domid %u frame %#x)", g->domid, gt[0].domid, gt[0].frame);
    printf("mkguest: d%u dying while its grant frame is mapped: entry 0 "
           "domid %u frame %#x\n", g->domid, gt[0].domid, gt[0].frame);
    xenforeignmemory_unmap(fm, gt, 1);
    CHECK(xc_domain_getinfo_single(xch, g->domid, &info) < 0 &&
          errno == ESRCH, "d%u: still there after its grant frame was "
          "unmapped", g->domid);
    printf("mkguest: d%u gone after the grant frame's unmap\n", g->domid);
}

static void cons_close(xenforeignmemory_handle *fm, xenevtchn_handle *xce,
                       struct guest *g)
{
    cons_drain(g);
    if ( g->line_len )
        cons_flush_line(g);
    if ( g->cons )
        xenforeignmemory_unmap(fm, g->cons, 1);
    g->cons = NULL;
    if ( g->cons_port >= 0 )
        xenevtchn_unbind(xce, g->cons_port);
    g->cons_port = -1;
    if ( g->store )
    {
        printf("mkguest: d%u xenstore: %u requests answered\n", g->domid,
               g->xs_requests);
        xenforeignmemory_unmap(fm, g->store, 1);
    }
    g->store = NULL;
    if ( g->store_port >= 0 )
        xenevtchn_unbind(xce, g->store_port);
    g->store_port = -1;
}

/* ---- one guest ------------------------------------------------------- */

struct opts {
    unsigned int mem_mb, vcpus, count, timeout_s, rounds;
    const char *cmdline, *kernel, *ramdisk, *cache, *expect;
};

static int create_and_build(xc_interface *xch, const struct opts *o,
                            struct guest *g, unsigned int idx)
{
    struct xen_domctl_createdomain cfg;
    struct xc_dom_args a;
    char err[XC_DOM_ERRLEN], timing[256];

    xc_domain_pvh_config(&cfg, o->vcpus);
    snprintf((char *)cfg.handle, sizeof(cfg.handle), "mkguest-%u", idx);
    g->domid = 0;
    g->cons_port = -1;
    g->store_port = -1;
    if ( xc_domain_create(xch, &g->domid, &cfg) < 0 )
    {
        CHECK(0, "create: %s", strerror(errno));
        return -1;
    }
    g->created = true;
    printf("mkguest: d%u created (%u MiB, %u vCPUs)\n", g->domid, o->mem_mb,
           o->vcpus);
    /* The builder's special pages come out of the same allowance. */
    if ( xc_domain_setmaxmem(xch, g->domid, o->mem_mb * 1024ULL) < 0 )
    {
        printf("mkguest: d%u max_mem %u MiB: %s\n", g->domid, o->mem_mb,
               strerror(errno));
        return -1;
    }

    memset(&a, 0, sizeof(a));
    a.domid = g->domid;
    a.mem_mb = o->mem_mb;
    a.vcpus = o->vcpus;
    a.kernel = o->kernel;
    a.ramdisk = o->ramdisk;
    a.cmdline = o->cmdline;
    a.console_domid = 0;
    a.xenstore_domid = 0;
    a.cache_dir = o->cache;
    if ( xc_dom_build_pvh(xch, &a, &g->res, err) < 0 )
    {
        printf("mkguest: d%u build failed: %s\n", g->domid, err);
        return -1;
    }
    g->built = true;
    xc_dom_timing_format(&g->res, timing, sizeof(timing));
    printf("mkguest: d%u built: %s\n", g->domid, g->res.kernel_desc);
    printf("mkguest: d%u entry=%#x start_info=%#llx console pfn %#lx "
           "port %u, store pfn %#lx port %u, grants %s\n", g->domid,
           g->res.entry, (unsigned long long)g->res.start_info,
           (unsigned long)g->res.console_pfn, g->res.console_evtchn,
           (unsigned long)g->res.store_pfn, g->res.store_evtchn,
           g->res.grants_seeded ? "seeded" : "not seeded");
    printf("mkguest: d%u timing: %s\n", g->domid, timing);
    return 0;
}

static void report(struct guest *g, const char *expect)
{
    xc_dominfo_t *i = &g->info;
    /*
     * libxc (as Xen's) reports a crash as crashed=1 with shutdown=0: a
     * crashed guest has ended too.
     */
    const char *how = i->crashed ? "crash"
                      : i->shutdown ? reason_name(i->shutdown_reason)
                      : i->dying ? "dying" : "running";
    bool ended = i->shutdown || i->crashed;

    printf("mkguest: d%u info: shutdown=%u reason=%u (%s) crashed=%u "
           "nr_pages=%lu max_memkb=%lu vcpus=%u online=%u "
           "cpu_time=%llu ms after %llu ms\n", g->domid, i->shutdown,
           i->shutdown_reason, how, i->crashed, i->nr_pages, i->max_memkb,
           i->max_vcpu_id + 1, i->nr_online_vcpus,
           (unsigned long long)(i->cpu_time / 1000000),
           g->t_end - g->t_unpause);
    CHECK(ended && !strcmp(how, expect),
          "d%u ended %s, expected %s", g->domid,
          ended ? how : "not at all (timeout)", expect);
}

/* ---- main ------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr,
            "usage: mkguest [--mem MB] [--vcpus N] [--cmdline S] "
            "[--count N]\n"
            "               [--timeout S] [--expect poweroff|reboot|crash|"
            "build-fail]\n"
            "               [--cache DIR] [--rounds N] KERNEL "
            "[RAMDISK]\n");
    exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        { "mem", required_argument, NULL, 'm' },
        { "vcpus", required_argument, NULL, 'v' },
        { "cmdline", required_argument, NULL, 'c' },
        { "count", required_argument, NULL, 'n' },
        { "timeout", required_argument, NULL, 't' },
        { "expect", required_argument, NULL, 'e' },
        { "cache", required_argument, NULL, 'C' },
        { "rounds", required_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    int ch;

    o->mem_mb = 256;
    o->vcpus = 1;
    o->count = 1;
    o->timeout_s = 300;
    o->cmdline = "console=hvc0";
    o->cache = NULL;
    o->expect = "poweroff";
    o->rounds = 1;
    while ( (ch = getopt_long(argc, argv, "", lo, NULL)) != -1 )
    {
        switch ( ch )
        {
        case 'm': o->mem_mb = strtoul(optarg, NULL, 0); break;
        case 'v': o->vcpus = strtoul(optarg, NULL, 0); break;
        case 'c': o->cmdline = optarg; break;
        case 'n': o->count = strtoul(optarg, NULL, 0); break;
        case 't': o->timeout_s = strtoul(optarg, NULL, 0); break;
        case 'e': o->expect = optarg; break;
        case 'C': o->cache = optarg; break;
        case 'r': o->rounds = strtoul(optarg, NULL, 0); break;
        default: usage();
        }
    }
    if ( optind >= argc || argc - optind > 2 || !o->count ||
         o->count > MAX_GUESTS || !o->vcpus || !o->rounds )
        usage();
    o->kernel = argv[optind];
    o->ramdisk = optind + 1 < argc ? argv[optind + 1] : NULL;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct guest g[MAX_GUESTS];
    xc_interface *xch;
    xenevtchn_handle *xce;
    xenforeignmemory_handle *fm;
    unsigned long long free0 = 0, free1 = 0, t0;
    unsigned int dom0 = 0, dom1 = 0, i, left;
    bool build_fail, got_virq = false;
    unsigned int round;
    int virq_port;

    setvbuf(stdout, NULL, _IOLBF, 0);
    parse(argc, argv, &o);
    build_fail = !strcmp(o.expect, "build-fail");

    xch = xc_interface_open(NULL, NULL, 0);
    xce = xenevtchn_open(0);
    fm = xenforeignmemory_open(0);
    if ( !xch || !xce || !fm )
    {
        printf("mkguest: cannot open privcmd/evtchn: %s\n", strerror(errno));
        return 1;
    }
    virq_port = xenevtchn_bind_virq(xce, VIRQ_DOM_EXC);
    CHECK(virq_port >= 0, "bind VIRQ_DOM_EXC: %s",
          xenevtchn_last_error(xce));

    for ( round = 1; round <= o.rounds; round++ )
    {
        memset(g, 0, sizeof(g));
        got_virq = false;
        if ( o.rounds > 1 )
            printf("mkguest: round %u of %u\n", round, o.rounds);
        CHECK(snapshot(xch, &free0, &dom0) == 0, "physinfo: %s",
              strerror(errno));
        printf("mkguest: before: free_pages=%llu domains=%u\n", free0, dom0);

        for ( i = 0; i < o.count; i++ )
        {
            int rc = create_and_build(xch, &o, &g[i], i);

            if ( build_fail )
            {
                CHECK(rc < 0, "d%u: build succeeded, expected a failure",
                      g[i].domid);
                printf("mkguest: d%u build %s as expected\n", g[i].domid,
                       rc < 0 ? "failed" : "did NOT fail");
            }
            else
                CHECK(rc == 0, "d%u: create/build failed", g[i].domid);
        }

        if ( !build_fail )
        {
            for ( i = 0; i < o.count; i++ )
            {
                if ( !g[i].built )
                    continue;
                cons_open(fm, xce, &g[i]);
                grant_check(&g[i]);
                CHECK(xc_domain_unpause(xch, g[i].domid) == 0,
                      "unpause d%u: %s", g[i].domid, strerror(errno));
                g[i].t_unpause = now_ms();
                printf("mkguest: d%u unpaused\n", g[i].domid);
            }

            /*
             * Until every guest has shut down (or the time is up): wake on any
             * event (VIRQ_DOM_EXC or a console kick), drain the rings, and
             * look at each domain; a 100 ms tick covers missed kicks.
             */
            t0 = now_ms();
            do
            {
                struct pollfd pfd = { .fd = xenevtchn_fd(xce),
                                      .events = POLLIN };
                int p;

                if ( poll(&pfd, 1, 100) > 0 &&
                     (p = xenevtchn_pending(xce)) >= 0 )
                {
                    if ( p == virq_port )
                        got_virq = true;
                    xenevtchn_unmask(xce, p);
                }
                left = 0;
                for ( i = 0; i < o.count; i++ )
                {
                    struct guest *x = &g[i];

                    if ( !x->built || x->done )
                        continue;
                    if ( cons_drain(x) && x->cons_port >= 0 )
                        xenevtchn_notify(xce, x->cons_port);
                    if ( xs_serve(x) && x->store_port >= 0 )
                        xenevtchn_notify(xce, x->store_port);
                    if ( xc_domain_getinfo_single(xch, x->domid,
                                                  &x->info) < 0 )
                    {
                        CHECK(0, "getinfo d%u: %s", x->domid,
                              strerror(errno));
                        x->done = true;
                        continue;
                    }
                    /* A crash is not a shutdown in libxc's terms. */
                    if ( x->info.shutdown || x->info.crashed ||
                         x->info.dying )
                    {
                        x->done = true;
                        x->t_end = now_ms();
                        cons_drain(x);
                        continue;
                    }
                    left++;
                }
            } while ( left && now_ms() - t0 < o.timeout_s * 1000ULL );

            for ( i = 0; i < o.count; i++ )
            {
                if ( !g[i].built )
                    continue;
                if ( !g[i].done )
                {
                    g[i].t_end = now_ms();
                    xc_domain_getinfo_single(xch, g[i].domid, &g[i].info);
                    printf("mkguest: d%u still running after %u s\n",
                           g[i].domid, o.timeout_s);
                }
                report(&g[i], o.expect);
            }
            /* The VIRQ may have been latched after the last poll. */
            if ( !got_virq && virq_port >= 0 )
            {
                struct pollfd pfd = { .fd = xenevtchn_fd(xce),
                                      .events = POLLIN };
                int p;

                while ( !got_virq && poll(&pfd, 1, 2000) > 0 &&
                        (p = xenevtchn_pending(xce)) >= 0 )
                {
                    got_virq = p == virq_port;
                    xenevtchn_unmask(xce, p);
                }
            }
            printf("mkguest: VIRQ_DOM_EXC %s\n",
                   got_virq ? "received" : "missing");
            CHECK(got_virq, "no VIRQ_DOM_EXC on port %d", virq_port);
        }

        for ( i = 0; i < o.count; i++ )
        {
            if ( !g[i].created )
                continue;
            cons_close(fm, xce, &g[i]);
            /* One guest, last round: destroyed with its grant frame mapped. */
            if ( o.count == 1 && round == o.rounds && g[i].built )
            {
                grant_zombie(xch, fm, &g[i]);
                continue;
            }
            CHECK(xc_domain_destroy(xch, g[i].domid) == 0, "destroy d%u: %s",
                  g[i].domid, strerror(errno));
            printf("mkguest: d%u destroyed\n", g[i].domid);
        }

        CHECK(snapshot(xch, &free1, &dom1) == 0, "physinfo: %s",
              strerror(errno));
        printf("mkguest: free_pages before %llu after %llu\n", free0, free1);
        printf("mkguest: domains before %u after %u\n", dom0, dom1);
        if ( round == o.rounds )
            CHECK(free1 == free0, "free memory not restored (%lld pages)",
                  (long long)(free1 - free0));
        CHECK(dom1 == dom0, "domains left behind");
    }

    if ( virq_port >= 0 )
        xenevtchn_unbind(xce, virq_port);
    xenforeignmemory_close(fm);
    xenevtchn_close(xce);
    xc_interface_close(xch);
    printf("mkguest: %s (%d failures)\n", failures ? "FAILED" : "done",
           failures);
    return failures ? 1 : 0;
}
