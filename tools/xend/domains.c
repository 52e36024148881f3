/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The domain table and every lifecycle step (Xen 3.x XendDomain.py and
 * XendDomainInfo.py): create (memory check, domain, limits, build,
 * xenstore, introduce), destroy, pause, shutdown, memory and vCPU
 * changes, managed domains, the on_* actions for domains that shut down
 * or crashed, and finding everything again when xend restarts.
 *
 * A create that fails at any step undoes the steps before it: the
 * half-built domain is destroyed and its xenstore nodes removed.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xenstore.h"
#include "xend_priv.h"

#define XEND_MODULE "XendDomainInfo"

double xend_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- lookup ------------------------------------------------------------- */

struct xdom *xd_find(struct xend *x, const char *what, struct xend_fail *f)
{
    unsigned int i;
    char *end;
    long id;

    for ( i = 0; i < XEND_MAX_DOMS; i++ )
        if ( x->doms[i].used && !strcmp(x->doms[i].name, what) )
            return &x->doms[i];
    errno = 0;
    id = strtol(what, &end, 10);
    if ( *what && !*end && !errno && id >= 0 )
        for ( i = 0; i < XEND_MAX_DOMS; i++ )
            if ( x->doms[i].used && x->doms[i].domid == id )
                return &x->doms[i];
    FAIL(f, XEND_FAULT_NODOMAIN, "%s", what);
    return NULL;
}

static struct xdom *find_domid(struct xend *x, uint32_t domid)
{
    unsigned int i;

    for ( i = 0; i < XEND_MAX_DOMS; i++ )
        if ( x->doms[i].used && x->doms[i].domid == (int32_t)domid )
            return &x->doms[i];
    return NULL;
}

static struct xdom *find_uuid(struct xend *x, const char *uuid)
{
    unsigned int i;

    for ( i = 0; i < XEND_MAX_DOMS; i++ )
        if ( x->doms[i].used && !strcmp(x->doms[i].uuid, uuid) )
            return &x->doms[i];
    return NULL;
}

static struct xdom *alloc_dom(struct xend *x)
{
    unsigned int i;

    for ( i = 1; i < XEND_MAX_DOMS; i++ )
        if ( !x->doms[i].used )
        {
            memset(&x->doms[i], 0, sizeof(x->doms[i]));
            x->doms[i].used = true;
            x->doms[i].domid = -1;
            return &x->doms[i];
        }
    return NULL;
}

static void free_dom(struct xdom *d)
{
    sxp_free(d->config);
    xend_vmcfg_free(&d->cfg);
    memset(d, 0, sizeof(*d));
}

bool xd_info(struct xend *x, const struct xdom *d, struct xend_dominfo *di)
{
    char err[XEND_ERR_MAX];
    struct xend_dominfo all[XEND_MAX_DOMS];
    int n, i;

    if ( d->domid < 0 )
        return false;
    n = x->ops->list(x->hv, all, XEND_MAX_DOMS, err);
    for ( i = 0; i < n; i++ )
        if ( all[i].domid == (uint32_t)d->domid )
        {
            *di = all[i];
            return true;
        }
    return false;
}

/* ---- xenstore helpers --------------------------------------------------- */

static char *xs_get(struct xend *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *xs_get(struct xend *x, const char *fmt, ...)
{
    char path[256];
    unsigned int len;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    return xs_read(x->xs, XBT_NULL, path, &len);
}

static bool xs_put(struct xend *x, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool xs_put(struct xend *x, const char *path, const char *fmt, ...)
{
    char val[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    return xs_write(x->xs, XBT_NULL, path, val, strlen(val));
}

static void xs_remove_domain(struct xend *x, int32_t domid, const char *uuid)
{
    char path[128];

    if ( domid > 0 )
    {
        snprintf(path, sizeof(path), "/local/domain/%d", domid);
        xs_rm(x->xs, XBT_NULL, path);
    }
    if ( uuid && *uuid )
    {
        snprintf(path, sizeof(path), "/vm/%s", uuid);
        xs_rm(x->xs, XBT_NULL, path);
    }
}

static int xs_write_layout(struct xend *x, const struct xend_xs_entry *e,
                           int n, uint32_t domid, char *why, size_t len)
{
    /* dom0 owns, the guest reads; the guest owns. */
    struct xs_permissions dom0[2] = {
        { .id = 0, .perms = XS_PERM_NONE },
        { .id = domid, .perms = XS_PERM_READ },
    };
    struct xs_permissions guest[1] = {
        { .id = domid, .perms = XS_PERM_NONE },
    };
    struct xs_batch_op *ops = calloc(n ? n : 1, sizeof(*ops));
    int attempt, i, rc = -1;

    if ( !ops )
    {
        snprintf(why, len, "out of memory");
        return -1;
    }
    for ( i = 0; i < n; i++ )
    {
        ops[i].path = e[i].path;
        ops[i].value = e[i].value;
        ops[i].len = strlen(e[i].value);
        if ( e[i].perm == XEND_XS_DOM0 )
        {
            ops[i].perms = dom0;
            ops[i].num_perms = 2;
        }
        else if ( e[i].perm == XEND_XS_GUEST )
        {
            ops[i].perms = guest;
            ops[i].num_perms = 1;
        }
    }
    /* One transaction (xenconsoled sees the console nodes all at once),
     * its writes in one round trip to xenstored. */
    for ( attempt = 0; attempt < 16; attempt++ )
    {
        xs_transaction_t t = xs_transaction_start(x->xs);
        unsigned int bad = 0;

        if ( !t )
        {
            snprintf(why, len, "cannot start a xenstore transaction: %s",
                     strerror(errno));
            goto out;
        }
        if ( !xs_write_batch(x->xs, t, ops, n, &bad) )
        {
            snprintf(why, len, "cannot write %s in xenstore: %s",
                     bad < (unsigned int)n ? e[bad].path : "?",
                     strerror(errno));
            xs_transaction_end(x->xs, t, true);
            goto out;
        }
        if ( xs_transaction_end(x->xs, t, false) )
        {
            rc = 0;
            goto out;
        }
        if ( errno != EAGAIN )
        {
            snprintf(why, len, "cannot commit the domain's xenstore nodes: "
                     "%s", strerror(errno));
            goto out;
        }
    }
    snprintf(why, len, "the xenstore transaction kept conflicting");
 out:
    free(ops);
    return rc;
}

/* ---- devices ------------------------------------------------------------ */

/*
 * A second connection with one watch, for the waits below: the watcher
 * thread owns x->xs_watch, and x->xs must stay free for requests.
 */
static struct xs_handle *waiter_open(const char *path)
{
    struct xs_handle *h = xs_open(0);

    if ( h && !xs_watch(h, path, "xend-devices") )
    {
        xs_close(h);
        h = NULL;
    }
    return h;
}

/* Until the next change under the watched path; false at the deadline. */
static bool waiter_wait(struct xs_handle *h, double deadline)
{
    struct pollfd pf = { .fd = xs_fileno(h), .events = POLLIN };
    double left = deadline - xend_now();
    char **w;
    bool any = false;

    while ( (w = xs_check_watch(h)) )
    {
        free(w);
        any = true;
    }
    if ( any )
        return true;
    if ( left <= 0 )
        return false;
    if ( poll(&pf, 1, (int)(left * 1000) + 1) <= 0 )
        return xend_now() < deadline;
    while ( (w = xs_check_watch(h)) )
        free(w);
    return true;
}

/* The back-end and front-end nodes of every device of d, in one
 * transaction each (the back-end drivers see a device complete). */
static int devices_write(struct xend *x, struct xdom *d, uint32_t domid,
                         char *why, size_t len)
{
    struct xend_xs_entry ents[48];
    unsigned int i;
    bool first_vbd = true;

    for ( i = 0; i < d->cfg.n_devs; i++ )
    {
        const struct xend_dev *dv = &d->cfg.devs[i];
        struct xend_dev_layout_args a;
        uint8_t u[16];
        char dev_uuid[37];
        int n;

        xend_uuid_generate(u);
        xend_uuid_format(u, dev_uuid);
        memset(&a, 0, sizeof(a));
        a.domid = domid;
        a.name = d->name;
        a.uuid = d->uuid;
        a.dev_uuid = dev_uuid;
        a.dev = dv;
        a.bootable = dv->kind == XEND_DEV_VBD && first_vbd;
        if ( dv->kind == XEND_DEV_VBD )
            first_vbd = false;
        n = xend_dev_layout(&a, ents, sizeof(ents) / sizeof(ents[0]));
        if ( n < 0 )
        {
            snprintf(why, len, "device %u (%s): too many nodes", dv->devid,
                     xend_dev_class(dv));
            return -1;
        }
        if ( xs_write_layout(x, ents, n, domid, why, len) )
            return -1;
        if ( dv->kind == XEND_DEV_VBD )
            LOG_INFO("Domain %u (%s): device %u (vbd): %s:%s as %s, mode "
                     "%s", domid, d->name, dv->devid, dv->type, dv->params,
                     dv->vdev, dv->mode);
        else
            LOG_INFO("Domain %u (%s): device %u (vif): mac %s, bridge %s, "
                     "script %s", domid, d->name, dv->devid, dv->mac,
                     dv->bridge[0] ? dv->bridge : XEND_DEFAULT_BRIDGE,
                     dv->script);
    }
    return 0;
}

/*
 * Xen's waitForDevices: every back-end's hotplug script reports
 * hotplug-status "connected" (or "error" with hotplug-error saying why)
 * within device-create-timeout.
 */
static int devices_wait(struct xend *x, struct xdom *d, uint32_t domid,
                        char *why, size_t len)
{
    double start = xend_now(), deadline;
    long timeout = x->xcfg->device_create_timeout;
    struct xs_handle *h;
    unsigned int i;

    if ( !d->cfg.n_devs )
        return 0;
    if ( timeout <= 0 )
        timeout = 100;
    deadline = start + timeout;
    /*
     * Woken by the devices' hotplug-status nodes only (as Xen's xend
     * watches each statusPath), not by every node the back-end drivers
     * write under /local/domain/0/backend: each wake-up costs a read per
     * device while the guest waits.
     */
    h = xs_open(0);
    for ( i = 0; h && i < d->cfg.n_devs; i++ )
    {
        char back[96], front[96], st[112];

        xend_dev_paths(&d->cfg.devs[i], domid, back, front);
        snprintf(st, sizeof(st), "%s/hotplug-status", back);
        if ( !xs_watch(h, st, "xend-devices") )
        {
            int e = errno;

            xs_close(h);
            h = NULL;
            errno = e;
        }
    }
    if ( !h )
    {
        snprintf(why, len, "cannot watch the back-ends in xenstore: %s",
                 strerror(errno));
        return -1;
    }
    for ( ;; )
    {
        bool all = true;

        for ( i = 0; i < d->cfg.n_devs; i++ )
        {
            const struct xend_dev *dv = &d->cfg.devs[i];
            char back[96], front[96], *st, *msg;

            xend_dev_paths(dv, domid, back, front);
            st = xs_get(x, "%s/hotplug-status", back);
            if ( st && !strcmp(st, "connected") )
            {
                free(st);
                continue;
            }
            all = false;
            if ( st && !strcmp(st, "error") )
            {
                msg = xs_get(x, "%s/hotplug-error", back);
                snprintf(why, len, "Device %u (%s) could not be connected. "
                         "%s", dv->devid, xend_dev_class(dv),
                         msg && *msg ? msg : "The hotplug script failed "
                         "without saying why.");
                free(msg);
                free(st);
                xs_close(h);
                return -1;
            }
            free(st);
        }
        if ( all )
            break;
        if ( !waiter_wait(h, deadline) )
        {
            /* Say which device, and whether a back-end driver took it up
             * at all (it moves the state on from Initialising). */
            for ( i = 0; i < d->cfg.n_devs; i++ )
            {
                const struct xend_dev *dv = &d->cfg.devs[i];
                char back[96], front[96], *st, *state;

                xend_dev_paths(dv, domid, back, front);
                st = xs_get(x, "%s/hotplug-status", back);
                state = xs_get(x, "%s/state", back);
                if ( !st || strcmp(st, "connected") )
                {
                    if ( !state || !strcmp(state, "1") )
                        snprintf(why, len, "Device %u (%s) could not be "
                                 "connected. No back-end driver took it up "
                                 "within %ld s: is %s loaded in dom0?",
                                 dv->devid, xend_dev_class(dv), timeout,
                                 dv->kind == XEND_DEV_VBD ? "xen-blkback" :
                                 "xen-netback");
                    else
                        snprintf(why, len, "Device %u (%s) could not be "
                                 "connected. Hotplug scripts not working "
                                 "(no answer within %ld s: see "
                                 "/var/log/xen/xen-hotplug.log).",
                                 dv->devid, xend_dev_class(dv), timeout);
                    free(st);
                    free(state);
                    break;
                }
                free(st);
                free(state);
            }
            xs_close(h);
            return -1;
        }
    }
    xs_close(h);
    LOG_INFO("Domain %u (%s): %u device(s) connected in %.3f s", domid,
             d->name, d->cfg.n_devs, xend_now() - start);
    return 0;
}

/*
 * Tear down every device of domid (from xenstore, so this works for
 * domains found again after a restart too): back-ends offline, the
 * front-ends removed.  The back-end drivers then see their front-end
 * gone and unregister, which sends the remove events; the hotplug
 * scripts free what they set up (loop devices, bridge ports) and remove
 * the back-end directory last.  Waits for that (device-destroy-timeout)
 * and removes whatever is left.
 */
static void devices_release(struct xend *x, int32_t domid)
{
    static const char *const cls[] = { "vbd", "vif" };
    char path[128], live[2 * XEND_MAX_DEVS][160];
    unsigned int nlive = 0, c, i, n;
    struct xs_handle *h = NULL;
    long timeout = x->xcfg->device_destroy_timeout;
    double deadline;
    bool any = false;

    if ( domid <= 0 )
        return;
    for ( c = 0; c < 2; c++ )
    {
        char **ids;

        snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%d",
                 cls[c], domid);
        ids = xs_directory(x->xs, XBT_NULL, path, &n);
        for ( i = 0; ids && i < n; i++ )
        {
            char back[160], *state;

            snprintf(back, sizeof(back), "%s/%s", path, ids[i]);
            any = true;
            state = xs_get(x, "%s/state", back);
            /* Only a device a back-end driver took up goes away by
             * itself. */
            if ( state && strcmp(state, "1") && nlive < 2 * XEND_MAX_DEVS )
                snprintf(live[nlive++], sizeof(live[0]), "%s", back);
            free(state);
            snprintf(back + strlen(back), sizeof(back) - strlen(back),
                     "/online");
            xs_put(x, back, "0");
        }
        free(ids);
    }
    if ( !any )
        return;
    if ( nlive )
        h = waiter_open("/local/domain/0/backend");
    snprintf(path, sizeof(path), "/local/domain/%d/device", domid);
    xs_rm(x->xs, XBT_NULL, path);

    if ( timeout <= 0 )
        timeout = 100;
    deadline = xend_now() + timeout;
    while ( h )
    {
        bool left = false;

        for ( i = 0; i < nlive && !left; i++ )
        {
            char *v = xs_get(x, "%s/frontend", live[i]);

            left = v != NULL;
            free(v);
        }
        if ( !left )
            break;
        if ( !waiter_wait(h, deadline) )
        {
            LOG_WARN("Domain %d: the hotplug scripts did not remove the "
                     "back-ends within %ld s (see /var/log/xen/"
                     "xen-hotplug.log): removing them", domid, timeout);
            break;
        }
    }
    if ( h )
        xs_close(h);
    for ( c = 0; c < 2; c++ )
    {
        snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%d",
                 cls[c], domid);
        xs_rm(x->xs, XBT_NULL, path);
    }
    LOG_INFO("Domain %d: devices released", domid);
}

/*
 * xend-config's network-script ("network-bridge", maybe with arguments
 * such as "network-bridge netdev=eth1"), run with "start" when xend
 * starts, as Xen 3.x's xend does; its output goes into xend.log.
 */
void xd_network_script(struct xend *x)
{
    const char *s = x->xcfg->network_script;
    char cmd[512], line[256];
    FILE *p;
    int rc;

    if ( !s || !*s )
        return;
    snprintf(cmd, sizeof(cmd), "cd %s && %s%s start 2>&1", XEND_SCRIPTS_DIR,
             *s == '/' ? "" : "./", s);
    LOG_INFO("Running network-script: %s/%s start", XEND_SCRIPTS_DIR, s);
    p = popen(cmd, "r");
    if ( !p )
    {
        LOG_ERROR("network-script %s: cannot run it: %s", s,
                  strerror(errno));
        return;
    }
    while ( fgets(line, sizeof(line), p) )
    {
        line[strcspn(line, "\n")] = '\0';
        LOG_INFO("network-script: %s", line);
    }
    rc = pclose(p);
    if ( rc )
        LOG_ERROR("network-script '%s start' failed (status %d): guests' "
                  "vifs may find no bridge", s, rc);
}

/* ---- create ------------------------------------------------------------- */

static uint64_t dom0_kib(struct xend *x)
{
    struct xend_dominfo di;
    char *t = xs_get(x, "/local/domain/0/memory/target");
    uint64_t kib = 0;

    if ( t )
        kib = strtoull(t, NULL, 10);
    free(t);
    if ( !kib && xd_info(x, &x->doms[0], &di) )
        kib = di.nr_pages * 4;
    return kib;
}

static char *flat(const struct sxp *s)
{
    char *t = s ? sxp_to_string_flat(s) : NULL;

    return t ? t : strdup("");
}

/*
 * Build and start (paused) the domain of d's config, as a new domain id.
 * On failure nothing is left: no domain, no xenstore nodes.
 */
static int build_domain(struct xend *x, struct xdom *d, struct xend_fail *f)
{
    struct xend_vmcfg *c = &d->cfg;
    struct xend_physinfo pi;
    struct xend_build b;
    struct xend_xs_layout_args la;
    struct xend_xs_entry *ents = NULL;
    struct xend_stamp st;
    char err[XEND_ERR_MAX], why[XEND_ERR_MAX];
    const char *step;
    uint8_t handle[16];
    uint32_t domid = 0;
    bool created = false, introduced = false;
    uint64_t need;
    uint64_t cpumap = 0;
    char *image = NULL, *config = NULL;
    unsigned int i;
    int n, rc;

    err[0] = why[0] = '\0';

    step = "checking free memory";
    rc = x->ops->physinfo(x->hv, &pi, err);
    if ( rc )
        goto fail_err;
    need = xend_mem_needed_kib(c->memory, c->vcpus);
    if ( xend_mem_check(d->name, need, pi.free_pages * 4, dom0_kib(x),
                        x->xcfg->dom0_min_mem,
                        x->xcfg->enable_dom0_ballooning, f->msg,
                        sizeof(f->msg)) )
    {
        f->code = XEND_FAULT_USER;
        LOG_ERROR("%s", f->msg);
        return -1;
    }
    if ( c->cpus[0] && xend_cpus_parse(c->cpus, &cpumap) == 0 &&
         pi.nr_cpus < 64 && !(cpumap & ((1ull << pi.nr_cpus) - 1)) )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s': cpus='%s' names no CPU of "
             "this host (it has %u): fix cpus= in the config file",
             d->name, c->cpus, pi.nr_cpus);
        return -1;
    }

    step = "creating the domain";
    xend_uuid_parse(d->uuid, handle);
    rc = x->ops->create(x->hv, handle, c->vcpus, &domid, err);
    if ( rc )
        goto fail_err;
    created = true;
    d->domid = domid;
    LOG_INFO("Created domain %u (%s, uuid %s)", domid, d->name, d->uuid);

    step = "setting its maximum memory";
    rc = x->ops->set_maxmem(x->hv, domid, (uint64_t)c->maxmem * 1024, err);
    if ( rc )
        goto fail_err;
    step = "setting its number of vCPUs";
    rc = x->ops->set_max_vcpus(x->hv, domid, c->vcpus, err);
    if ( rc )
        goto fail_err;
    if ( cpumap )
    {
        step = "pinning its vCPUs (cpus=)";
        for ( i = 0; i < c->vcpus; i++ )
        {
            rc = x->ops->vcpu_pin(x->hv, domid, i, cpumap, err);
            if ( rc )
                goto fail_err;
        }
    }

    step = "building it (loading the kernel and ramdisk)";
    memset(&b, 0, sizeof(b));
    b.domid = domid;
    b.mem_mb = c->memory;
    b.vcpus = c->vcpus;
    b.kernel = c->kernel;
    b.ramdisk = c->ramdisk;
    b.cmdline = c->cmdline;
    rc = x->ops->build(x->hv, &b, err);
    if ( rc )
        goto fail_err;
    LOG_INFO("Domain %u (%s): built: kernel %s, ramdisk %s, cmdline '%s'; "
             "%s", domid, d->name, c->kernel, c->ramdisk ? c->ramdisk :
             "(none)", c->cmdline, b.desc);

    step = "writing its xenstore nodes";
    d->start_time = xend_now();
    d->target_mb = c->memory;
    d->console_pfn = b.console_pfn;
    d->store_pfn = b.store_pfn;
    image = flat(sxp_child(d->config, "image"));
    config = flat(d->config);
    memset(&la, 0, sizeof(la));
    la.domid = domid;
    la.uuid = d->uuid;
    la.name = d->name;
    la.cfg = c;
    la.image_sxp = image;
    la.config_sxp = config;
    la.restart_count = d->restart_count;
    la.start_time = d->start_time;
    la.console_pfn = b.console_pfn;
    la.store_pfn = b.store_pfn;
    la.console_port = b.console_port;
    la.store_port = b.store_port;
    la.console_limit_kb = x->xcfg->console_limit;
    ents = calloc(64 + XEND_MAX_VCPUS, sizeof(*ents));
    n = ents ? xend_xs_layout(&la, ents, 64 + XEND_MAX_VCPUS) : -1;
    if ( n < 0 )
    {
        snprintf(why, sizeof(why), "out of memory");
        goto fail;
    }
    xend_stamp_start(&st);
    xs_remove_domain(x, domid, d->uuid);    /* leftovers of a dead one */
    if ( xs_write_layout(x, ents, n, domid, why, sizeof(why)) )
        goto fail;
    xend_stamp_log(&st, "xs_nodes", domid);

    step = "introducing it to xenstored";
    xend_stamp_start(&st);
    if ( !xs_introduce_domain(x->xs, domid, b.store_pfn, b.store_port) )
    {
        snprintf(why, sizeof(why), "xenstored refused (store page %#"
                 PRIx64 ", event channel %u): %s", b.store_pfn,
                 b.store_port, strerror(errno));
        goto fail;
    }
    introduced = true;
    xend_stamp_log(&st, "xs_introduce", domid);

    step = "connecting its devices";
    xend_stamp_start(&st);
    if ( devices_write(x, d, domid, why, sizeof(why)) )
        goto fail;
    if ( d->cfg.n_devs )
        xend_stamp_log(&st, "dev_nodes", domid);
    xend_stamp_start(&st);
    if ( devices_wait(x, d, domid, why, sizeof(why)) )
    {
        /* Xen's own words first: they name the device and the cause. */
        FAIL(f, XEND_FAULT_USER, "%s Domain '%s' was not created.", why,
             d->name);
        LOG_ERROR("Domain '%s' could not be created: %s", d->name, why);
        goto undo;
    }

    if ( d->cfg.n_devs )
        xend_stamp_log(&st, "dev_wait", domid);
    free(ents);
    free(image);
    free(config);
    d->handled = false;
    return 0;

 fail_err:
    snprintf(why, sizeof(why), "%s", err[0] ? err : strerror(-rc));
 fail:
    FAIL(f, XEND_FAULT_USER, "Domain '%s' could not be created: %s failed: "
         "%s", d->name, step, why);
    LOG_ERROR("%s", f->msg);
 undo:
    if ( introduced )
        xs_release_domain(x->xs, domid);
    if ( created )
    {
        char e2[XEND_ERR_MAX];

        if ( x->ops->destroy(x->hv, domid, e2) )
            LOG_ERROR("Domain %u: destroying the half-built domain failed "
                      "too: %s", domid, e2);
        devices_release(x, domid);
        xs_remove_domain(x, domid, d->uuid);
    }
    d->domid = -1;
    free(ents);
    free(image);
    free(config);
    return -1;
}

static int check_unique(struct xend *x, const struct xdom *self,
                        const char *name, const char *uuid,
                        struct xend_fail *f)
{
    unsigned int i;

    for ( i = 0; i < XEND_MAX_DOMS; i++ )
    {
        const struct xdom *o = &x->doms[i];

        if ( !o->used || o == self )
            continue;
        if ( !strcmp(o->name, name) )
        {
            if ( o->domid >= 0 )
                FAIL(f, XEND_FAULT_USER, "Domain '%s' already exists with "
                     "ID '%d'", name, o->domid);
            else
                FAIL(f, XEND_FAULT_USER, "Domain '%s' already exists as a "
                     "managed domain (not running): use 'xm start %s', or "
                     "'xm delete %s' first", name, name, name);
            return -1;
        }
        if ( uuid && *uuid && !strcmp(o->uuid, uuid) )
        {
            FAIL(f, XEND_FAULT_USER, "Domain '%s': uuid %s is already used "
                 "by domain '%s'; remove uuid= from the config or change "
                 "it", name, uuid, o->name);
            return -1;
        }
    }
    return 0;
}

static struct xdom *dom_from_config(struct xend *x, const struct sxp *config,
                                    struct xend_fail *f)
{
    struct xdom *d;
    char why[768];
    struct xend_vmcfg cfg;

    if ( xend_vmcfg_parse(config, &cfg, why, sizeof(why)) )
    {
        const char *name = sxp_child_value(config, "name");

        if ( name )
            FAIL(f, XEND_FAULT_USER, "Domain '%s': %s", name, why);
        else
            FAIL(f, XEND_FAULT_USER, "%s", why);
        return NULL;
    }
    if ( check_unique(x, NULL, cfg.name, cfg.uuid, f) )
    {
        xend_vmcfg_free(&cfg);
        return NULL;
    }
    d = alloc_dom(x);
    if ( !d )
    {
        xend_vmcfg_free(&cfg);
        FAIL(f, XEND_FAULT_USER, "Domain '%s': xend already manages %d "
             "domains, its limit", cfg.name, XEND_MAX_DOMS - 1);
        return NULL;
    }
    d->cfg = cfg;
    d->have_cfg = true;
    snprintf(d->name, sizeof(d->name), "%s", cfg.name);
    if ( cfg.uuid[0] )
        snprintf(d->uuid, sizeof(d->uuid), "%s", cfg.uuid);
    else
    {
        uint8_t u[16];

        xend_uuid_generate(u);
        xend_uuid_format(u, d->uuid);
    }
    /* The stored config carries the uuid, so a restart keeps it. */
    {
        char *t = sxp_to_string_flat(config);
        struct kcfg_error e;

        sxp_free(d->config);
        d->config = t ? sxp_parse_one("config", t, strlen(t), &e) : NULL;
        free(t);
    }
    if ( d->config && !sxp_child(d->config, "uuid") )
        sxp_add_pair(d->config, "uuid", d->uuid);
    /* Devices again with xend-config's vif-script as the default, and a
     * MAC for every vif (kept in the stored config). */
    if ( d->config && (xend_devs_parse(d->config, x->xcfg->vif_script,
                                       &d->cfg, why, sizeof(why)) ||
                       xend_config_fill_macs(d->config, &d->cfg)) )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s': %s", d->name, why);
        free_dom(d);
        return NULL;
    }
    if ( !d->config )
    {
        free_dom(d);
        FAIL(f, XEND_FAULT_INTERNAL, "out of memory");
        return NULL;
    }
    return d;
}

int xd_create(struct xend *x, const struct sxp *config, bool start_managed,
              struct xdom **out, struct xend_fail *f)
{
    struct xdom *d = dom_from_config(x, config, f);

    (void)start_managed;
    if ( !d )
        return -1;
    LOG_INFO("Creating domain '%s' (memory %ld MiB, %u vCPUs)", d->name,
             d->cfg.memory, d->cfg.vcpus);
    if ( build_domain(x, d, f) )
    {
        free_dom(d);
        return -1;
    }
    *out = d;
    return 0;
}

/* ---- destroy and friends ------------------------------------------------ */

/* The domain is gone from the hypervisor or about to be: forget it. */
static void cleanup_running(struct xend *x, struct xdom *d)
{
    if ( d->domid > 0 )
    {
        xs_release_domain(x->xs, d->domid);
        devices_release(x, d->domid);
        xs_remove_domain(x, d->domid, d->uuid);
    }
    d->domid = -1;
}

static void retire(struct xend *x, struct xdom *d)
{
    cleanup_running(x, d);
    if ( !d->managed )
        free_dom(d);
}

static int hv_destroy(struct xend *x, struct xdom *d, struct xend_fail *f)
{
    char err[XEND_ERR_MAX] = "";
    int rc;

    /*
     * Quiesce first: paused, the guest raises no more console events;
     * without its console and store nodes xenconsoled and xenstored let
     * go of their mappings of its pages before the memory goes.
     */
    x->ops->pause(x->hv, d->domid, err);
    if ( d->domid > 0 )
    {
        char path[128];

        snprintf(path, sizeof(path), "/local/domain/%d/console", d->domid);
        xs_rm(x->xs, XBT_NULL, path);
    }
    xs_release_domain(x->xs, d->domid);
    err[0] = '\0';
    rc = x->ops->destroy(x->hv, d->domid, err);
    if ( rc && rc != -ESRCH )
    {
        FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s' (id %d) could not be "
             "destroyed: %s", d->name, d->domid, err[0] ? err :
             strerror(-rc));
        LOG_ERROR("%s", f->msg);
        return -1;
    }
    LOG_INFO("Destroyed domain %d (%s)", d->domid, d->name);
    return 0;
}

int xd_destroy(struct xend *x, struct xdom *d, struct xend_fail *f)
{
    if ( d->domid == 0 )
    {
        FAIL(f, XEND_FAULT_USER, "Cannot destroy privileged domain "
             "Domain-0");
        return -1;
    }
    if ( d->domid < 0 )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s' is not running (a managed "
             "domain): use 'xm delete %s' to remove it", d->name, d->name);
        return -1;
    }
    if ( hv_destroy(x, d, f) )
        return -1;
    retire(x, d);
    return 0;
}

static int need_running(struct xdom *d, const char *what,
                        struct xend_fail *f)
{
    if ( d->domid >= 0 )
        return 0;
    FAIL(f, XEND_FAULT_USER, "Domain '%s' is not running: cannot %s it",
         d->name, what);
    return -1;
}

int xd_pause(struct xend *x, struct xdom *d, bool pause,
             struct xend_fail *f)
{
    char err[XEND_ERR_MAX] = "";
    int rc;

    if ( need_running(d, pause ? "pause" : "unpause", f) )
        return -1;
    if ( d->domid == 0 )
    {
        FAIL(f, XEND_FAULT_USER, "Cannot %s privileged domain Domain-0",
             pause ? "pause" : "unpause");
        return -1;
    }
    rc = pause ? x->ops->pause(x->hv, d->domid, err)
               : x->ops->unpause(x->hv, d->domid, err);
    if ( rc )
    {
        FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s' (id %d) could not be "
             "%s: %s", d->name, d->domid, pause ? "paused" : "unpaused",
             err[0] ? err : strerror(-rc));
        return -1;
    }
    LOG_INFO("Domain %d (%s) %s", d->domid, d->name,
             pause ? "paused" : "unpaused");
    return 0;
}

int xd_shutdown(struct xend *x, struct xdom *d, const char *reason,
                struct xend_fail *f)
{
    char path[128];

    if ( strcmp(reason, "poweroff") && strcmp(reason, "reboot") &&
         strcmp(reason, "halt") )
    {
        FAIL(f, XEND_FAULT_USER, "Invalid shutdown reason '%s': expected "
             "poweroff, reboot or halt", reason);
        return -1;
    }
    if ( need_running(d, "shut down", f) )
        return -1;
    if ( d->domid == 0 )
    {
        FAIL(f, XEND_FAULT_USER, "Cannot shut down privileged domain "
             "Domain-0 from xend: shut dom0 down from its own shell");
        return -1;
    }
    /* As Xen: the guest's PV drivers watch control/shutdown. */
    snprintf(path, sizeof(path), "/local/domain/%d/control/shutdown",
             d->domid);
    if ( !xs_put(x, path, "%s", reason) )
    {
        FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s': cannot write %s: %s",
             d->name, path, strerror(errno));
        return -1;
    }
    LOG_INFO("Domain %d (%s): shutdown requested (%s)", d->domid, d->name,
             reason);
    return 0;
}

int xd_mem_target(struct xend *x, struct xdom *d, long mib,
                  struct xend_fail *f)
{
    char path[128];
    long max = d->have_cfg ? d->cfg.maxmem : 0;

    if ( need_running(d, "set the memory of", f) )
        return -1;
    if ( mib <= 0 )
    {
        FAIL(f, XEND_FAULT_USER, "Invalid memory size %ld MiB for domain "
             "'%s': it must be positive", mib, d->name);
        return -1;
    }
    if ( max && mib > max )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s': %ld MiB is more than its "
             "maximum memory (%ld MiB): raise it first with 'xm mem-max "
             "%s %ld'", d->name, mib, max, d->name, mib);
        return -1;
    }
    if ( d->domid == 0 && mib < x->xcfg->dom0_min_mem )
        LOG_WARN("Domain-0's target %ld MiB is below dom0-min-mem (%ld "
                 "MiB)", mib, x->xcfg->dom0_min_mem);
    snprintf(path, sizeof(path), "/local/domain/%d/memory/target",
             d->domid);
    if ( !xs_put(x, path, "%ld", mib * 1024) )
    {
        FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s': cannot write %s: %s",
             d->name, path, strerror(errno));
        return -1;
    }
    d->target_mb = mib;
    LOG_INFO("Domain %d (%s): memory target set to %ld MiB", d->domid,
             d->name, mib);
    return 0;
}

int xd_mem_max(struct xend *x, struct xdom *d, long mib,
               struct xend_fail *f)
{
    char err[XEND_ERR_MAX] = "", path[128];
    int rc;

    if ( need_running(d, "set the maximum memory of", f) )
        return -1;
    if ( mib <= 0 )
    {
        FAIL(f, XEND_FAULT_USER, "Invalid memory size %ld MiB for domain "
             "'%s': it must be positive", mib, d->name);
        return -1;
    }
    if ( d->target_mb && mib < d->target_mb )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s': a maximum of %ld MiB is "
             "below its current memory (%ld MiB): lower it first with 'xm "
             "mem-set %s %ld'", d->name, mib, d->target_mb, d->name, mib);
        return -1;
    }
    rc = x->ops->set_maxmem(x->hv, d->domid, (uint64_t)mib * 1024, err);
    if ( rc )
    {
        FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s': setting its maximum "
             "memory to %ld MiB failed: %s", d->name, mib,
             err[0] ? err : strerror(-rc));
        return -1;
    }
    if ( d->have_cfg )
    {
        d->cfg.maxmem = mib;
        snprintf(path, sizeof(path), "/vm/%s/maxmem", d->uuid);
        xs_put(x, path, "%ld", mib);
    }
    LOG_INFO("Domain %d (%s): maximum memory set to %ld MiB", d->domid,
             d->name, mib);
    return 0;
}

int xd_vcpu_set(struct xend *x, struct xdom *d, long n, struct xend_fail *f)
{
    struct xend_dominfo di;
    unsigned int max, i;
    char path[128];

    if ( need_running(d, "set the vCPUs of", f) || !xd_info(x, d, &di) )
    {
        if ( d->domid >= 0 )
            FAIL(f, XEND_FAULT_NODOMAIN, "%s", d->name);
        return -1;
    }
    max = di.max_vcpu_id + 1;
    if ( n < 1 || (unsigned long)n > max )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s': cannot set %ld vCPUs: a "
             "running domain has between 1 and its maximum of %u (vcpus= "
             "in its config)", d->name, n, max);
        return -1;
    }
    /* The guest brings vCPUs up and down as cpu/N/availability says. */
    for ( i = 0; i < max; i++ )
    {
        snprintf(path, sizeof(path), "/local/domain/%d/cpu/%u/availability",
                 d->domid, i);
        if ( !xs_put(x, path, "%s", i < n ? "online" : "offline") )
        {
            FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s': cannot write %s: %s",
                 d->name, path, strerror(errno));
            return -1;
        }
    }
    if ( d->have_cfg && max <= 64 )
    {
        d->cfg.vcpu_avail = n >= 64 ? ~0ull : (1ull << n) - 1;
        snprintf(path, sizeof(path), "/vm/%s/vcpu_avail", d->uuid);
        xs_put(x, path, "%" PRIu64, d->cfg.vcpu_avail);
    }
    LOG_INFO("Domain %d (%s): %ld of %u vCPUs online", d->domid, d->name, n,
             max);
    return 0;
}

int xd_pin(struct xend *x, struct xdom *d, const char *vcpu,
           const char *cpus, struct xend_fail *f)
{
    struct xend_dominfo di;
    struct xend_physinfo pi;
    char err[XEND_ERR_MAX] = "";
    uint64_t map;
    unsigned int lo, hi, i;
    int rc;

    if ( need_running(d, "pin the vCPUs of", f) )
        return -1;
    if ( !xd_info(x, d, &di) || x->ops->physinfo(x->hv, &pi, err) )
    {
        FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s': cannot read its state "
             "from the hypervisor: %s", d->name, err);
        return -1;
    }
    if ( !strcmp(cpus, "all") )
        map = pi.nr_cpus >= 64 ? ~0ull : (1ull << pi.nr_cpus) - 1;
    else if ( xend_cpus_parse(cpus, &map) )
    {
        FAIL(f, XEND_FAULT_USER, "Invalid CPU list '%s': expected 'all' or "
             "numbers and ranges such as 0,2-3", cpus);
        return -1;
    }
    if ( pi.nr_cpus < 64 && !(map & ((1ull << pi.nr_cpus) - 1)) )
    {
        FAIL(f, XEND_FAULT_USER, "CPU list '%s' names no CPU of this host "
             "(it has %u: 0-%u)", cpus, pi.nr_cpus, pi.nr_cpus - 1);
        return -1;
    }
    if ( !strcmp(vcpu, "all") )
    {
        lo = 0;
        hi = di.max_vcpu_id;
    }
    else
    {
        char *end;
        unsigned long v = strtoul(vcpu, &end, 10);

        if ( !*vcpu || *end || v > di.max_vcpu_id )
        {
            FAIL(f, XEND_FAULT_USER, "Domain '%s' has no vCPU '%s' (it has "
                 "0-%u, or 'all')", d->name, vcpu, di.max_vcpu_id);
            return -1;
        }
        lo = hi = v;
    }
    for ( i = lo; i <= hi; i++ )
    {
        rc = x->ops->vcpu_pin(x->hv, d->domid, i, map, err);
        if ( rc )
        {
            FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s': pinning vCPU %u to "
                 "CPUs %s failed: %s", d->name, i, cpus,
                 err[0] ? err : strerror(-rc));
            return -1;
        }
    }
    LOG_INFO("Domain %d (%s): vCPU %s pinned to CPUs %s", d->domid, d->name,
             vcpu, cpus);
    return 0;
}

/* ---- managed domains ---------------------------------------------------- */

static int save_managed(struct xend *x, struct xdom *d, struct xend_fail *f)
{
    char dir[512], path[600], tmp[640];
    FILE *fp;

    snprintf(dir, sizeof(dir), "%s/%s", x->domains_dir, d->uuid);
    snprintf(path, sizeof(path), "%s/config.sxp", dir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    mkdir(x->domains_dir, 0700);
    if ( mkdir(dir, 0700) && errno != EEXIST )
        goto fail;
    fp = fopen(tmp, "we");
    if ( !fp )
        goto fail;
    sxp_print(fp, d->config);
    if ( fflush(fp) || fsync(fileno(fp)) )
    {
        fclose(fp);
        unlink(tmp);
        goto fail;
    }
    fclose(fp);
    if ( rename(tmp, path) )
    {
        unlink(tmp);
        goto fail;
    }
    return 0;
 fail:
    FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s': cannot store its "
         "configuration under %s: %s", d->name, dir, strerror(errno));
    return -1;
}

int xd_new(struct xend *x, const struct sxp *config, struct xend_fail *f)
{
    struct xdom *d = dom_from_config(x, config, f);

    if ( !d )
        return -1;
    d->managed = true;
    if ( save_managed(x, d, f) )
    {
        free_dom(d);
        return -1;
    }
    LOG_INFO("Domain '%s' (uuid %s) is now managed by xend", d->name,
             d->uuid);
    return 0;
}

int xd_start(struct xend *x, struct xdom *d, bool paused,
             struct xend_fail *f)
{
    char err[XEND_ERR_MAX] = "";
    int rc;

    if ( d->domid >= 0 )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s' is already running (id %d)",
             d->name, d->domid);
        return -1;
    }
    if ( !d->managed || !d->have_cfg )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s' is not a managed domain: "
             "create it with 'xm create' or add it with 'xm new'", d->name);
        return -1;
    }
    if ( build_domain(x, d, f) )
        return -1;
    if ( !paused )
    {
        rc = x->ops->unpause(x->hv, d->domid, err);
        if ( rc )
        {
            FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s' (id %d) was built but "
                 "could not be unpaused: %s", d->name, d->domid,
                 err[0] ? err : strerror(-rc));
            return -1;
        }
    }
    LOG_INFO("Started managed domain '%s' as id %d", d->name, d->domid);
    return 0;
}

int xd_delete(struct xend *x, struct xdom *d, struct xend_fail *f)
{
    char dir[512], path[600];

    if ( !d->managed )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s' is not a managed domain "
             "(nothing to delete): use 'xm destroy %s' to stop it",
             d->name, d->name);
        return -1;
    }
    if ( d->domid >= 0 )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s' is running (id %d): shut it "
             "down or destroy it before deleting it", d->name, d->domid);
        return -1;
    }
    snprintf(dir, sizeof(dir), "%s/%s", x->domains_dir, d->uuid);
    snprintf(path, sizeof(path), "%s/config.sxp", dir);
    if ( unlink(path) && errno != ENOENT )
    {
        FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s': cannot remove %s: %s",
             d->name, path, strerror(errno));
        return -1;
    }
    rmdir(dir);
    LOG_INFO("Deleted managed domain '%s' (uuid %s)", d->name, d->uuid);
    free_dom(d);
    return 0;
}

/* ---- on_poweroff / on_reboot / on_crash --------------------------------- */

static void restart(struct xend *x, struct xdom *d)
{
    struct xend_fail f;
    double now = xend_now();
    unsigned int i;
    char path[128];

    if ( !xend_restart_allowed(d->restart_times, XEND_RESTART_MAX, now) )
    {
        LOG_ERROR("Domain '%s' restarted %d times in %.0f s: refusing to "
                  "restart it again to avoid a loop; it is destroyed",
                  d->name, XEND_RESTART_MAX, XEND_RESTART_WINDOW);
        retire(x, d);
        return;
    }
    for ( i = XEND_RESTART_MAX - 1; i > 0; i-- )
        d->restart_times[i] = d->restart_times[i - 1];
    d->restart_times[0] = now;
    d->restart_count++;
    cleanup_running(x, d);
    if ( build_domain(x, d, &f) )
    {
        LOG_ERROR("Restarting domain '%s' failed: %s", d->name, f.msg);
        if ( !d->managed )
            free_dom(d);
        return;
    }
    snprintf(path, sizeof(path), "/vm/%s/xend/restart_count", d->uuid);
    xs_put(x, path, "%u", d->restart_count);
    if ( x->ops->unpause(x->hv, d->domid, f.msg) )
        LOG_ERROR("Restarted domain '%s' (id %d) could not be unpaused: "
                  "%s", d->name, d->domid, f.msg);
    else
        LOG_INFO("Restarted domain '%s' as id %d", d->name, d->domid);
}

static void rename_restart(struct xend *x, struct xdom *d)
{
    struct xdom *old = alloc_dom(x);
    uint8_t u[16];
    char path[128], uuid[37];

    if ( !old )
    {
        LOG_ERROR("Domain '%s': no room to keep the dead domain; "
                  "restarting without preserving it", d->name);
        restart(x, d);
        return;
    }
    /* The dead domain is kept under a new name and uuid (Xen's
     * _preserveForRestart); the config restarts under its own. */
    old->domid = d->domid;
    old->handled = true;
    xend_uuid_generate(u);
    xend_uuid_format(u, uuid);
    snprintf(old->uuid, sizeof(old->uuid), "%s", uuid);
    snprintf(old->name, sizeof(old->name), "Domain-%s", uuid);
    snprintf(path, sizeof(path), "/local/domain/%d/name", old->domid);
    xs_put(x, path, "%s", old->name);
    snprintf(path, sizeof(path), "/local/domain/%d/vm", old->domid);
    xs_put(x, path, "/vm/%s", old->uuid);
    snprintf(path, sizeof(path), "/vm/%s/name", old->uuid);
    xs_put(x, path, "%s", old->name);
    snprintf(path, sizeof(path), "/vm/%s/uuid", old->uuid);
    xs_put(x, path, "%s", old->uuid);
    LOG_INFO("Renaming dead domain %s (%d, %s) to %s (%s)", d->name,
             old->domid, d->uuid, old->name, old->uuid);
    d->domid = -1;
    restart(x, d);
}

static void on_shutdown(struct xend *x, struct xdom *d,
                        const struct xend_dominfo *di)
{
    enum kcfg_action act = KCFG_ACTION_DESTROY;
    struct xend_fail f;
    unsigned int reason = di->crashed ? XEND_SHUTDOWN_CRASH
                                      : di->shutdown_reason;

    if ( d->have_cfg && !xend_shutdown_action(&d->cfg, reason, &act) )
        return;     /* suspended: left as it is */
    if ( !d->have_cfg && reason == XEND_SHUTDOWN_SUSPEND )
        return;
    LOG_INFO("Domain has shutdown: name=%s id=%d reason=%s; on_%s=%s",
             d->name, d->domid, xend_shutdown_reason_name(reason),
             reason == XEND_SHUTDOWN_POWEROFF ? "poweroff" :
             reason == XEND_SHUTDOWN_REBOOT ? "reboot" : "crash",
             kcfg_action_name(act));
    switch ( act )
    {
    case KCFG_ACTION_PRESERVE:
        d->handled = true;
        return;
    case KCFG_ACTION_RESTART:
    case KCFG_ACTION_COREDUMP_RESTART:
        if ( hv_destroy(x, d, &f) )
            return;
        restart(x, d);
        return;
    case KCFG_ACTION_RENAME_RESTART:
        rename_restart(x, d);
        return;
    default:
        if ( hv_destroy(x, d, &f) )
            return;
        retire(x, d);
        return;
    }
}

void xd_scan(struct xend *x)
{
    struct xend_dominfo all[XEND_MAX_DOMS];
    char err[XEND_ERR_MAX];
    unsigned int i;
    int n, j;

    n = x->ops->list(x->hv, all, XEND_MAX_DOMS, err);
    if ( n < 0 )
    {
        LOG_ERROR("Cannot list domains: %s", err);
        return;
    }
    for ( i = 1; i < XEND_MAX_DOMS; i++ )
    {
        struct xdom *d = &x->doms[i];
        bool found = false;

        if ( !d->used || d->domid <= 0 )
            continue;
        for ( j = 0; j < n; j++ )
            if ( all[j].domid == (uint32_t)d->domid )
            {
                found = true;
                if ( (all[j].shutdown || all[j].crashed) && !all[j].dying &&
                     !d->handled )
                    on_shutdown(x, d, &all[j]);
                break;
            }
        if ( !found )
        {
            LOG_INFO("Domain %d (%s) is gone", d->domid, d->name);
            retire(x, d);
        }
    }
}

/* ---- rediscovery -------------------------------------------------------- */

static void adopt(struct xend *x, const struct xend_dominfo *di)
{
    struct xdom *d = alloc_dom(x);
    char *name, *vm, *cfgtext = NULL, *rc;

    if ( !d )
        return;
    d->domid = di->domid;
    xend_uuid_format(di->handle, d->uuid);
    name = xs_get(x, "/local/domain/%u/name", di->domid);
    vm = xs_get(x, "/local/domain/%u/vm", di->domid);
    snprintf(d->name, sizeof(d->name), "%s", name ? name : "");
    if ( !d->name[0] )
        snprintf(d->name, sizeof(d->name), "Domain-%u", di->domid);
    if ( vm && !strncmp(vm, "/vm/", 4) )
    {
        snprintf(d->uuid, sizeof(d->uuid), "%s", vm + 4);
        cfgtext = xs_get(x, "%s/xend/config", vm);
        rc = xs_get(x, "%s/xend/restart_count", vm);
        d->restart_count = rc ? strtoul(rc, NULL, 10) : 0;
        free(rc);
        rc = xs_get(x, "%s/start_time", vm);
        d->start_time = rc ? strtod(rc, NULL) : 0;
        free(rc);
    }
    if ( cfgtext && *cfgtext )
    {
        struct kcfg_error e;
        char why[XEND_ERR_MAX];

        d->config = sxp_parse_one("xenstore", cfgtext, strlen(cfgtext), &e);
        if ( d->config &&
             xend_vmcfg_parse(d->config, &d->cfg, why, sizeof(why)) == 0 )
            d->have_cfg = true;
    }
    d->target_mb = d->have_cfg ? d->cfg.memory : 0;
    {
        char *t = xs_get(x, "/local/domain/%u/memory/target", di->domid);

        if ( t )
            d->target_mb = strtol(t, NULL, 10) / 1024;
        free(t);
    }
    /* Nothing was acted on for a domain that shut down while xend was
     * away: the next scan does it. */
    LOG_INFO("Found running domain %u (%s)%s", di->domid, d->name,
             d->have_cfg ? "" : " without a configuration from xend");
    free(name);
    free(vm);
    free(cfgtext);
}

static void load_managed(struct xend *x)
{
    DIR *dir = opendir(x->domains_dir);
    struct dirent *e;

    if ( !dir )
        return;
    while ( (e = readdir(dir)) )
    {
        char path[600], *text = NULL;
        struct kcfg_error ke;
        struct xend_fail f;
        struct sxp *s;
        struct xdom *d;
        FILE *fp;
        size_t len = 0;
        uint8_t u[16];

        if ( xend_uuid_parse(e->d_name, u) )
            continue;
        snprintf(path, sizeof(path), "%s/%s/config.sxp", x->domains_dir,
                 e->d_name);
        fp = fopen(path, "re");
        if ( !fp )
            continue;
        if ( getdelim(&text, &len, '\0', fp) < 0 )
        {
            free(text);
            text = NULL;
        }
        fclose(fp);
        s = text ? sxp_parse_one(path, text, strlen(text), &ke) : NULL;
        free(text);
        if ( !s )
        {
            LOG_ERROR("Ignoring managed domain config %s: it does not "
                      "parse", path);
            continue;
        }
        d = find_uuid(x, e->d_name);
        if ( d )
        {
            /* Running now: it stays managed. */
            d->managed = true;
            if ( !d->config )
            {
                char why[XEND_ERR_MAX];

                d->config = s;
                d->have_cfg = !xend_vmcfg_parse(s, &d->cfg, why,
                                                sizeof(why));
            }
            else
                sxp_free(s);
            continue;
        }
        d = dom_from_config(x, s, &f);
        sxp_free(s);
        if ( !d )
        {
            LOG_ERROR("Ignoring managed domain config %s: %s", path, f.msg);
            continue;
        }
        snprintf(d->uuid, sizeof(d->uuid), "%.36s", e->d_name);
        d->managed = true;
        LOG_INFO("Managed domain '%s' (uuid %s), not running", d->name,
                 d->uuid);
    }
    closedir(dir);
}

void xd_rediscover(struct xend *x)
{
    struct xend_dominfo all[XEND_MAX_DOMS];
    char err[XEND_ERR_MAX];
    int n, i;

    n = x->ops->list(x->hv, all, XEND_MAX_DOMS, err);
    if ( n < 0 )
        LOG_ERROR("Cannot list the running domains: %s", err);
    for ( i = 0; i < n; i++ )
        if ( all[i].domid != 0 && !find_domid(x, all[i].domid) )
            adopt(x, &all[i]);
    load_managed(x);
}
