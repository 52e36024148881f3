/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fake hypervisor of the xend tests (see fake_hv.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_hv.h"

static int failing(struct fake_hv *f, const char *op, char *err)
{
    if ( strcmp(f->fail_op, op) )
        return 0;
    snprintf(err, XEND_ERR_MAX, "fake %s failure", op);
    return -EIO;
}

struct fake_dom *fake_find(struct fake_hv *f, uint32_t domid)
{
    unsigned int i;

    for ( i = 0; i < FAKE_MAX_DOMS; i++ )
        if ( f->doms[i].used && f->doms[i].info.domid == domid )
            return &f->doms[i];
    return NULL;
}

unsigned int fake_count(struct fake_hv *f)
{
    unsigned int i, n = 0;

    for ( i = 0; i < FAKE_MAX_DOMS; i++ )
        n += f->doms[i].used;
    return n;
}

static int f_physinfo(void *h, struct xend_physinfo *pi, char *err)
{
    struct fake_hv *f = h;
    int rc = failing(f, "physinfo", err);

    if ( rc )
        return rc;
    memset(pi, 0, sizeof(*pi));
    pi->nr_cpus = 2;
    pi->nr_nodes = 1;
    pi->cores_per_socket = 2;
    pi->threads_per_core = 1;
    pi->cpu_khz = 2400000;
    pi->total_pages = f->total_pages;
    pi->free_pages = f->free_pages;
    pi->hw_cap[0] = 0x178bfbff;
    pi->hvm = true;
    return 0;
}

static int f_version(void *h, struct xend_version *v, char *err)
{
    memset(v, 0, sizeof(*v));
    v->major = 4;
    v->minor = 17;
    snprintf(v->extra, sizeof(v->extra), "-keel");
    snprintf(v->caps, sizeof(v->caps), "hvm-3.0-x86_64");
    snprintf(v->commandline, sizeof(v->commandline), "console=com1");
    snprintf(v->compiler, sizeof(v->compiler), "gcc");
    v->pagesize = 4096;
    snprintf(v->scheduler, sizeof(v->scheduler), "credit");
    return 0;
}

static int f_list(void *h, struct xend_dominfo *out, unsigned int max,
                  char *err)
{
    struct fake_hv *f = h;
    unsigned int i, n = 0;
    uint32_t id, last = 0;
    int rc = failing(f, "list", err);

    if ( rc )
        return rc;
    /* In id order, as getdomaininfolist. */
    for ( ;; )
    {
        struct fake_dom *best = NULL;

        for ( i = 0; i < FAKE_MAX_DOMS; i++ )
        {
            id = f->doms[i].info.domid;
            if ( f->doms[i].used && (n == 0 || id > last) &&
                 (!best || id < best->info.domid) )
                best = &f->doms[i];
        }
        if ( !best || n >= max )
            break;
        out[n++] = best->info;
        last = best->info.domid;
    }
    return n;
}

static int f_create(void *h, const uint8_t uuid[16], unsigned int max_vcpus,
                    uint32_t *domid, char *err)
{
    struct fake_hv *f = h;
    unsigned int i;
    int rc = failing(f, "create", err);

    if ( rc )
        return rc;
    for ( i = 0; i < FAKE_MAX_DOMS; i++ )
        if ( !f->doms[i].used )
        {
            struct fake_dom *d = &f->doms[i];

            memset(d, 0, sizeof(*d));
            d->used = true;
            d->info.domid = f->next_domid++;
            memcpy(d->info.handle, uuid, 16);
            d->info.paused = true;
            d->info.max_vcpu_id = max_vcpus - 1;
            d->info.online_vcpus = max_vcpus;
            d->info.max_memkb = ~0ull;
            *domid = d->info.domid;
            f->creates++;
            return 0;
        }
    snprintf(err, XEND_ERR_MAX, "no free fake domain slot");
    return -ENOSPC;
}

static int f_set_maxmem(void *h, uint32_t domid, uint64_t kib, char *err)
{
    struct fake_hv *f = h;
    struct fake_dom *d = fake_find(f, domid);
    int rc = failing(f, "maxmem", err);

    if ( rc )
        return rc;
    if ( !d )
        return -ESRCH;
    d->info.max_memkb = kib;
    return 0;
}

static int f_set_max_vcpus(void *h, uint32_t domid, unsigned int n,
                           char *err)
{
    struct fake_hv *f = h;

    return failing(f, "max_vcpus", err) ?: (fake_find(f, domid) ? 0 :
                                             -ESRCH);
}

static int f_build(void *h, struct xend_build *b, char *err)
{
    struct fake_hv *f = h;
    struct fake_dom *d = fake_find(f, b->domid);
    uint64_t pages = (uint64_t)b->mem_mb * 256;
    char path[256];
    int fd, rc = failing(f, "build", err);

    if ( rc )
        return rc;
    if ( !d )
        return -ESRCH;
    if ( access(b->kernel, R_OK) )
    {
        rc = errno;
        snprintf(err, XEND_ERR_MAX, "cannot read kernel %s: %s", b->kernel,
                 strerror(rc));
        return -rc;
    }
    if ( pages > f->free_pages )
    {
        snprintf(err, XEND_ERR_MAX, "populate: out of memory");
        return -ENOMEM;
    }
    f->free_pages -= pages;
    d->info.nr_pages = pages;
    snprintf(d->kernel, sizeof(d->kernel), "%s", b->kernel);
    snprintf(d->cmdline, sizeof(d->cmdline), "%s", b->cmdline);
    b->store_pfn = 0x1000 + b->domid;
    b->console_pfn = 0x2000 + b->domid;
    b->store_port = 1;
    b->console_port = 2;
    /* xenstored's fake backend maps the store page from this file. */
    snprintf(path, sizeof(path), "%s/ring-%lu", f->ring_dir,
             (unsigned long)b->store_pfn);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if ( fd >= 0 )
    {
        if ( ftruncate(fd, 4096) )
            rc = -errno;
        close(fd);
    }
    snprintf(b->desc, sizeof(b->desc), "fake kernel");
    return rc;
}

static int f_destroy(void *h, uint32_t domid, char *err)
{
    struct fake_hv *f = h;
    struct fake_dom *d = fake_find(f, domid);
    int rc = failing(f, "destroy", err);

    if ( rc )
        return rc;
    if ( !d || domid == 0 )
        return -ESRCH;
    f->free_pages += d->info.nr_pages;
    d->used = false;
    f->destroys++;
    return 0;
}

static int f_pause(void *h, uint32_t domid, char *err)
{
    struct fake_dom *d = fake_find(h, domid);

    if ( !d )
        return -ESRCH;
    d->info.paused = true;
    d->info.blocked = false;
    return 0;
}

static int f_unpause(void *h, uint32_t domid, char *err)
{
    struct fake_hv *f = h;
    struct fake_dom *d = fake_find(f, domid);
    int rc = failing(f, "unpause", err);

    if ( rc )
        return rc;
    if ( !d )
        return -ESRCH;
    d->info.paused = false;
    d->info.blocked = true;     /* an idle guest */
    return 0;
}

static int f_vcpu_info(void *h, uint32_t domid, unsigned int vcpu,
                       struct xend_vcpuinfo *vi, char *err)
{
    struct fake_dom *d = fake_find(h, domid);

    if ( !d || vcpu > d->info.max_vcpu_id )
        return -ESRCH;
    memset(vi, 0, sizeof(*vi));
    vi->online = true;
    vi->blocked = d->info.blocked;
    vi->cpu = vcpu % 2;
    vi->cpu_time_ns = 1500000000ull;
    vi->cpumap = vcpu < 4 && d->cpumap[vcpu] ? d->cpumap[vcpu] : 3;
    return 0;
}

static int f_vcpu_pin(void *h, uint32_t domid, unsigned int vcpu,
                      uint64_t cpumap, char *err)
{
    struct fake_dom *d = fake_find(h, domid);

    if ( !d || vcpu > d->info.max_vcpu_id )
        return -ESRCH;
    if ( vcpu < 4 )
        d->cpumap[vcpu] = cpumap;
    return 0;
}

static int f_readconsole(void *h, char *buf, size_t *len, bool clear,
                         char *err)
{
    struct fake_hv *f = h;
    size_t n = strlen(f->console);

    if ( n > *len )
        n = *len;
    memcpy(buf, f->console, n);
    *len = n;
    if ( clear )
        f->console[0] = '\0';
    return 0;
}

static int f_event_fd(void *h)
{
    return ((struct fake_hv *)h)->event_pipe[0];
}

static void f_event_ack(void *h)
{
    char b[16];

    (void)!read(((struct fake_hv *)h)->event_pipe[0], b, sizeof(b));
}

const struct xend_hv_ops fake_hv_ops = {
    .physinfo = f_physinfo,
    .version = f_version,
    .list = f_list,
    .create = f_create,
    .set_maxmem = f_set_maxmem,
    .set_max_vcpus = f_set_max_vcpus,
    .build = f_build,
    .destroy = f_destroy,
    .pause = f_pause,
    .unpause = f_unpause,
    .vcpu_info = f_vcpu_info,
    .vcpu_pin = f_vcpu_pin,
    .readconsole = f_readconsole,
    .event_fd = f_event_fd,
    .event_ack = f_event_ack,
};

struct fake_hv *fake_hv_new(const char *ring_dir, unsigned int dom0_mb,
                            unsigned int free_mb)
{
    struct fake_hv *f = mmap(NULL, sizeof(*f), PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if ( f == MAP_FAILED )
        return NULL;
    memset(f, 0, sizeof(*f));
    snprintf(f->ring_dir, sizeof(f->ring_dir), "%s", ring_dir);
    f->total_pages = (uint64_t)(dom0_mb + free_mb) * 256;
    f->free_pages = (uint64_t)free_mb * 256;
    f->next_domid = 1;
    f->doms[0].used = true;
    f->doms[0].info.domid = 0;
    f->doms[0].info.running = true;
    f->doms[0].info.nr_pages = (uint64_t)dom0_mb * 256;
    f->doms[0].info.max_memkb = ~0ull;
    f->doms[0].info.max_vcpu_id = 1;
    f->doms[0].info.online_vcpus = 2;
    f->doms[0].info.cpu_time_ns = 12345000000ull;
    snprintf(f->console, sizeof(f->console),
             "(XEN) Keel hypervisor\n(XEN) Boot complete: 2 CPUs\n");
    if ( pipe2(f->event_pipe, O_NONBLOCK) )
    {
        munmap(f, sizeof(*f));
        return NULL;
    }
    return f;
}

void fake_hv_free(struct fake_hv *f)
{
    close(f->event_pipe[0]);
    close(f->event_pipe[1]);
    munmap(f, sizeof(*f));
}

void fake_guest_shutdown(struct fake_hv *f, uint32_t domid,
                         unsigned int reason)
{
    struct fake_dom *d = fake_find(f, domid);

    if ( !d )
        return;
    d->info.shutdown = true;
    d->info.crashed = reason == XEND_SHUTDOWN_CRASH;
    d->info.shutdown_reason = reason;
    d->info.blocked = d->info.running = false;
    (void)!write(f->event_pipe[1], "x", 1);
}
