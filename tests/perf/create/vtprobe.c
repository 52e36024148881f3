/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vtprobe: dom0's side of the create-time benchmark
 * (tests/perf/create_time.py), on the TSC, which Keel gives dom0 and its
 * guests without an offset (one clock for both) and which QEMU clocks
 * from virtual time under -icount.
 *
 *   vtprobe stamp LABEL
 *       prints "vtprobe: stamp LABEL tsc=<n>" (around `xm create`).
 *
 *   vtprobe create [--mem MB] [--cache DIR] [--cmdline S] [--label L]
 *                  [--cycles N] [--wait S] KERNEL [RAMDISK]
 *       libxc alone, the way xend does it: xc_domain_create, max_mem,
 *       xc_dom_build_pvh, unpause.  Prints the TSC at create, after the
 *       build and after the unpause (the toolstack's share), the builder's
 *       phases, and then, with --wait, serves the guest's console ring (a
 *       minimal xenconsoled) and xenstore ring (a stub store holding
 *       nothing: Linux's xenbus waits for replies at boot) until the
 *       guest's /init (tests/perf/create/vtinit) prints its TSC and the
 *       guest shuts down.  The domain is destroyed; free pages before and
 *       after are printed.  --cycles N does create/build/unpause/destroy
 *       N times without waiting and prints the free pages after each.
 *       --keep leaves the (unpaused) domain running: a guest that fills
 *       the host while others are created.
 *
 * Every line starts "vtprobe: " so the benchmark can parse dom0's
 * console.  Exit 1 if a step failed.  Built static against libxc's
 * sources (tests/perf/Makefile).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xenguest.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile ( "rdtsc" : "=a" (lo), "=d" (hi) );
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Ring layouts as Xen's io/console.h and io/xs_wire.h define them. */
struct cons_page {
    char in[1024];
    char out[2048];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};

struct xs_page {
    char req[1024];
    char rsp[1024];
    uint32_t req_cons, req_prod;
    uint32_t rsp_cons, rsp_prod;
};

struct xs_hdr {
    uint32_t type, req_id, tx_id, len;
};

#define XS_DIRECTORY          1
#define XS_READ               2
#define XS_GET_PERMS          3
#define XS_TRANSACTION_START  6
#define XS_GET_DOMAIN_PATH   10
#define XS_ERROR             16
#define XS_MAX             4096

struct guest {
    uint32_t domid;
    struct cons_page *cons;
    struct xs_page *xs;
    int cons_port, xs_port;
    char line[256];
    size_t line_len;
    unsigned char req[sizeof(struct xs_hdr) + XS_MAX];
    size_t req_len;
    uint64_t init_tsc;
};

struct opts {
    unsigned int mem_mb, cycles, wait_s;
    bool keep;
    const char *cache, *cmdline, *label, *kernel, *ramdisk;
};

static int failed;

static void cons_line(struct guest *g)
{
    unsigned long long t;

    g->line[g->line_len] = '\0';
    g->line_len = 0;
    if ( sscanf(g->line, "vtinit: tsc=%llu", &t) == 1 && !g->init_tsc )
        g->init_tsc = t;
    /* Only the guest's last words matter here; its boot log is long. */
    if ( strstr(g->line, "vtinit:") || strstr(g->line, "Kernel panic") ||
         strstr(g->line, "Run /init") )
        printf("vtprobe: d%u console: %s\n", g->domid, g->line);
}

static bool cons_drain(struct guest *g)
{
    struct cons_page *c = g->cons;
    uint32_t cons = __atomic_load_n(&c->out_cons, __ATOMIC_ACQUIRE);
    uint32_t prod = __atomic_load_n(&c->out_prod, __ATOMIC_ACQUIRE);
    bool any = cons != prod;

    if ( prod - cons > sizeof(c->out) )
        cons = prod;                /* a guest's own loss */
    for ( ; cons != prod; cons++ )
    {
        char ch = c->out[cons % sizeof(c->out)];

        if ( ch == '\n' || g->line_len == sizeof(g->line) - 1 )
            cons_line(g);
        if ( ch != '\n' && ch != '\r' )
            g->line[g->line_len++] = ch;
    }
    __atomic_store_n(&c->out_cons, cons, __ATOMIC_RELEASE);
    return any;
}

static void xs_put(struct guest *g, const void *data, size_t n)
{
    struct xs_page *x = g->xs;
    const char *p = data;
    uint32_t prod = x->rsp_prod;
    unsigned int spins = 0;

    for ( size_t i = 0; i < n; i++, prod++ )
    {
        /* Replies are small: wait (bounded) for room, never drop one. */
        while ( prod - __atomic_load_n(&x->rsp_cons, __ATOMIC_ACQUIRE) >=
                sizeof(x->rsp) && spins++ < 1000 )
            usleep(1000);
        x->rsp[prod % sizeof(x->rsp)] = p[i];
    }
    __atomic_store_n(&x->rsp_prod, prod, __ATOMIC_RELEASE);
}

/* An empty store: reads fail ENOENT, directories are empty, the rest OK. */
static void xs_answer(struct guest *g, const struct xs_hdr *q)
{
    struct xs_hdr r = *q;
    char path[32];
    const char *body = "OK";

    switch ( q->type )
    {
    case XS_DIRECTORY:
        body = "";
        break;
    case XS_READ:
    case XS_GET_PERMS:
        r.type = XS_ERROR;
        body = "ENOENT";
        break;
    case XS_TRANSACTION_START:
        body = "1";
        break;
    case XS_GET_DOMAIN_PATH:
        snprintf(path, sizeof(path), "/local/domain/%u", g->domid);
        body = path;
        break;
    }
    r.len = q->type == XS_DIRECTORY ? 0 : strlen(body) + 1;
    xs_put(g, &r, sizeof(r));
    xs_put(g, body, r.len);
}

static bool xs_serve(struct guest *g)
{
    struct xs_page *x = g->xs;
    uint32_t cons = __atomic_load_n(&x->req_cons, __ATOMIC_ACQUIRE);
    uint32_t prod = __atomic_load_n(&x->req_prod, __ATOMIC_ACQUIRE);
    bool any = false;

    if ( prod - cons > sizeof(x->req) )
    {
        cons = prod;
        g->req_len = 0;
    }
    for ( ; cons != prod; cons++ )
    {
        struct xs_hdr h;

        g->req[g->req_len++] = x->req[cons % sizeof(x->req)];
        if ( g->req_len < sizeof(h) )
            continue;
        memcpy(&h, g->req, sizeof(h));
        if ( h.len > XS_MAX )
        {
            g->req_len = 0;
            continue;
        }
        if ( g->req_len < sizeof(h) + h.len )
            continue;
        xs_answer(g, &h);
        g->req_len = 0;
        any = true;
    }
    __atomic_store_n(&x->req_cons, cons, __ATOMIC_RELEASE);
    return any;
}

static unsigned long long free_pages(xc_interface *xch)
{
    xc_physinfo_t pi;

    if ( xc_physinfo(xch, &pi) < 0 )
    {
        printf("vtprobe: physinfo: %s\n", strerror(errno));
        failed = 1;
        return 0;
    }
    return pi.free_pages;
}

/* Create, build, unpause: the toolstack's share, on the TSC. */
static int create(xc_interface *xch, const struct opts *o, struct guest *g,
                  struct xc_dom_result *res, uint64_t t[4])
{
    struct xen_domctl_createdomain cfg;
    struct xc_dom_args a;
    char err[XC_DOM_ERRLEN];

    t[0] = rdtsc();
    xc_domain_pvh_config(&cfg, 1);
    snprintf((char *)cfg.handle, sizeof(cfg.handle), "vtprobe");
    g->domid = 0;
    if ( xc_domain_create(xch, &g->domid, &cfg) < 0 )
    {
        printf("vtprobe: create: %s\n", strerror(errno));
        return -1;
    }
    if ( xc_domain_setmaxmem(xch, g->domid, o->mem_mb * 1024ULL) < 0 )
    {
        printf("vtprobe: d%u max_mem: %s\n", g->domid, strerror(errno));
        return -1;
    }
    t[1] = rdtsc();
    memset(&a, 0, sizeof(a));
    a.domid = g->domid;
    a.mem_mb = o->mem_mb;
    a.vcpus = 1;
    a.kernel = o->kernel;
    a.ramdisk = o->ramdisk;
    a.cmdline = o->cmdline;
    a.cache_dir = o->cache;
    if ( xc_dom_build_pvh(xch, &a, res, err) < 0 )
    {
        printf("vtprobe: d%u build: %s\n", g->domid, err);
        return -1;
    }
    t[2] = rdtsc();
    if ( xc_domain_unpause(xch, g->domid) < 0 )
    {
        printf("vtprobe: d%u unpause: %s\n", g->domid, strerror(errno));
        return -1;
    }
    t[3] = rdtsc();
    return 0;
}

static void report(const struct opts *o, const struct guest *g,
                   const struct xc_dom_result *res, const uint64_t t[4])
{
    const struct xc_dom_timing *m = &res->timing;

    printf("vtprobe: create %s d%u tsc_create=%llu tsc_domain=%llu "
           "tsc_built=%llu tsc_unpaused=%llu\n", o->label, g->domid,
           (unsigned long long)t[0], (unsigned long long)t[1],
           (unsigned long long)t[2], (unsigned long long)t[3]);
    printf("vtprobe: phases %s d%u load_ns=%llu unpack_ns=%llu "
           "populate_ns=%llu copy_ns=%llu map_ns=%llu unmap_ns=%llu "
           "pages_written=%llu pages_skipped=%llu setup_ns=%llu "
           "scan_ns=%llu fault_ns=%llu stage_ns=%llu hcall_ns=%llu "
           "cache_hit=%d cache_trusted=%d\n",
           o->label, g->domid, (unsigned long long)m->load_ns,
           (unsigned long long)m->unpack_ns,
           (unsigned long long)m->populate_ns,
           (unsigned long long)m->copy_ns, (unsigned long long)m->map_ns,
           (unsigned long long)m->unmap_ns,
           (unsigned long long)m->pages_written,
           (unsigned long long)m->pages_skipped,
           (unsigned long long)m->setup_ns,
           (unsigned long long)m->scan_ns, (unsigned long long)m->fault_ns,
           (unsigned long long)m->stage_ns, (unsigned long long)m->hcall_ns,
           res->cache_hit,
           res->cache_trusted);
    printf("vtprobe: kernel %s d%u %s\n", o->label, g->domid,
           res->kernel_desc);
}

/* Serve the guest until its /init reported and it shut down. */
static void wait_guest(xc_interface *xch, xenevtchn_handle *xce,
                       xenforeignmemory_handle *fm, const struct opts *o,
                       struct guest *g, const struct xc_dom_result *res)
{
    xen_pfn_t cpfn = res->console_pfn, spfn = res->store_pfn;
    uint64_t start = mono_ns();
    xc_dominfo_t info;
    bool down = false;

    g->cons = xenforeignmemory_map(fm, g->domid, PROT_READ | PROT_WRITE, 1,
                                   &cpfn, NULL);
    g->xs = xenforeignmemory_map(fm, g->domid, PROT_READ | PROT_WRITE, 1,
                                 &spfn, NULL);
    g->cons_port = xenevtchn_bind_interdomain(xce, g->domid,
                                              res->console_evtchn);
    g->xs_port = xenevtchn_bind_interdomain(xce, g->domid,
                                            res->store_evtchn);
    if ( !g->cons || !g->xs || g->cons_port < 0 || g->xs_port < 0 )
    {
        printf("vtprobe: d%u cannot map/bind its rings: %s\n", g->domid,
               strerror(errno));
        failed = 1;
        return;
    }
    while ( !down && mono_ns() - start < o->wait_s * 1000000000ULL )
    {
        struct pollfd pfd = { .fd = xenevtchn_fd(xce), .events = POLLIN };
        int p;

        if ( poll(&pfd, 1, 50) > 0 && (p = xenevtchn_pending(xce)) >= 0 )
            xenevtchn_unmask(xce, p);
        if ( cons_drain(g) )
            xenevtchn_notify(xce, g->cons_port);
        if ( xs_serve(g) )
            xenevtchn_notify(xce, g->xs_port);
        if ( xc_domain_getinfo_single(xch, g->domid, &info) < 0 ||
             info.shutdown || info.dying )
            down = true;
    }
    cons_drain(g);
    if ( g->init_tsc )
        printf("vtprobe: init %s d%u tsc=%llu\n", o->label, g->domid,
               (unsigned long long)g->init_tsc);
    else
    {
        printf("vtprobe: init %s d%u not reached (%s)\n", o->label,
               g->domid, down ? "guest ended" : "timeout");
        failed = 1;
    }
    xenforeignmemory_unmap(fm, g->cons, 1);
    xenforeignmemory_unmap(fm, g->xs, 1);
    xenevtchn_unbind(xce, g->cons_port);
    xenevtchn_unbind(xce, g->xs_port);
}

static void usage(void)
{
    fprintf(stderr, "usage: vtprobe stamp LABEL\n"
            "       vtprobe create [--mem MB] [--cache DIR] [--cmdline S] "
            "[--label L]\n"
            "                      [--cycles N] [--wait S] [--keep] KERNEL "
            "[RAMDISK]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "mem", required_argument, NULL, 'm' },
        { "cache", required_argument, NULL, 'C' },
        { "cmdline", required_argument, NULL, 'c' },
        { "label", required_argument, NULL, 'l' },
        { "cycles", required_argument, NULL, 'n' },
        { "wait", required_argument, NULL, 'w' },
        { "keep", no_argument, NULL, 'k' },
        { NULL, 0, NULL, 0 },
    };
    struct opts o = { .mem_mb = 128, .cmdline = "console=hvc0",
                      .label = "guest" };
    xc_interface *xch;
    xenevtchn_handle *xce;
    xenforeignmemory_handle *fm;
    uint64_t tsc0, ns0;
    unsigned long long before, after, first = 0;
    int ch;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if ( argc >= 3 && !strcmp(argv[1], "stamp") )
    {
        printf("vtprobe: stamp %s tsc=%llu\n", argv[2],
               (unsigned long long)rdtsc());
        return 0;
    }
    if ( argc < 2 || strcmp(argv[1], "create") )
        usage();
    optind = 2;
    while ( (ch = getopt_long(argc, argv, "", lo, NULL)) != -1 )
    {
        switch ( ch )
        {
        case 'm': o.mem_mb = strtoul(optarg, NULL, 0); break;
        case 'C': o.cache = optarg; break;
        case 'c': o.cmdline = optarg; break;
        case 'l': o.label = optarg; break;
        case 'n': o.cycles = strtoul(optarg, NULL, 0); break;
        case 'w': o.wait_s = strtoul(optarg, NULL, 0); break;
        case 'k': o.keep = true; break;
        default: usage();
        }
    }
    if ( optind >= argc || argc - optind > 2 )
        usage();
    o.kernel = argv[optind];
    o.ramdisk = optind + 1 < argc ? argv[optind + 1] : NULL;

    xch = xc_interface_open(NULL, NULL, 0);
    xce = xenevtchn_open(0);
    fm = xenforeignmemory_open(0);
    if ( !xch || !xce || !fm )
    {
        printf("vtprobe: cannot open privcmd/evtchn: %s\n", strerror(errno));
        return 1;
    }
    tsc0 = rdtsc();
    ns0 = mono_ns();
    {
        /*
         * The cost of one hypercall round trip from dom0's userland
         * (privcmd ioctl, VM exit, Keel's dispatch, back): the scale for
         * the loader's per-page map/unmap cost (two p2m hypercalls made
         * by privcmd in the kernel, per page).
         */
        uint64_t h0 = mono_ns();
        unsigned int k;

        for ( k = 0; k < 1000; k++ )
            xc_version(xch, XENVER_version, NULL);
        printf("vtprobe: hcall %s xen_version_ns=%llu\n", o.label,
               (unsigned long long)((mono_ns() - h0) / 1000));
    }

    for ( unsigned int i = 0; i < (o.cycles ? o.cycles : 1); i++ )
    {
        struct guest g = { .cons_port = -1, .xs_port = -1 };
        struct xc_dom_result res;
        uint64_t t[4];
        int rc;

        memset(&res, 0, sizeof(res));
        before = free_pages(xch);
        rc = create(xch, &o, &g, &res, t);
        if ( rc == 0 )
        {
            report(&o, &g, &res, t);
            if ( o.wait_s && !o.cycles )
                wait_guest(xch, xce, fm, &o, &g, &res);
        }
        else
            failed = 1;
        if ( o.keep && rc == 0 )
            break;
        if ( g.domid && xc_domain_destroy(xch, g.domid) < 0 )
        {
            printf("vtprobe: d%u destroy: %s\n", g.domid, strerror(errno));
            failed = 1;
        }
        after = free_pages(xch);
        if ( !i )
            first = after;
        printf("vtprobe: memory %s cycle %u d%u free_pages before %llu "
               "after %llu (after cycle 1: %llu)\n", o.label, i + 1,
               g.domid, before, after, first);
        if ( rc )
            break;
    }
    /* TSC counts per second of dom0's clock (virtual time under icount). */
    printf("vtprobe: hz %s tsc=%llu ns=%llu\n", o.label,
           (unsigned long long)(rdtsc() - tsc0),
           (unsigned long long)(mono_ns() - ns0));
    xenforeignmemory_close(fm);
    xenevtchn_close(xce);
    xc_interface_close(xch);
    printf("vtprobe: %s %s\n", o.label, failed ? "FAILED" : "done");
    return failed;
}
