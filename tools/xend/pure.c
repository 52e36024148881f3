/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xend's pure parts: nothing here talks to the hypervisor or xenstore,
 * so all of it is unit-tested on the host (tests/tools/xend).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xmlrpc.h"
#include "xend.h"

/* ---- config -> build arguments ---------------------------------------- */

static int parse_long(const struct sxp *vm, const char *key, long def,
                      long lo, long hi, long *out, char *err, size_t len)
{
    const char *v = sxp_child_value(vm, key);
    char *end;
    long n;

    if ( !v )
    {
        *out = def;
        return 0;
    }
    errno = 0;
    n = strtol(v, &end, 10);
    if ( errno || end == v || *end || n < lo || n > hi )
    {
        snprintf(err, len, "invalid %s '%s' in the domain's configuration: "
                 "expected a whole number from %ld to %ld", key, v, lo, hi);
        return -1;
    }
    *out = n;
    return 0;
}

static int parse_action(const struct sxp *vm, const char *key,
                        enum kcfg_action def, enum kcfg_action *out,
                        char *err, size_t len)
{
    const char *v = sxp_child_value(vm, key);
    int a;

    *out = def;
    if ( !v )
        return 0;
    for ( a = KCFG_ACTION_DESTROY; a <= KCFG_ACTION_COREDUMP_RESTART; a++ )
        if ( !strcmp(v, kcfg_action_name(a)) )
        {
            *out = a;
            return 0;
        }
    snprintf(err, len, "invalid %s '%s': expected destroy, restart, "
             "preserve or rename-restart", key, v);
    return -1;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void append_arg(char *buf, size_t len, const char *pfx,
                       const char *val)
{
    size_t n = strlen(buf);

    if ( !val || !*val )
        return;
    snprintf(buf + n, len - n, "%s%s%s", n ? " " : "", pfx, val);
}

int xend_vmcfg_parse(const struct sxp *vm, struct xend_vmcfg *cfg,
                     char *err, size_t errlen)
{
    const struct sxp *image, *kind = NULL;
    const char *v, *name;
    char cmdline[4096];
    long n;

    memset(cfg, 0, sizeof(*cfg));
    if ( !vm || vm->type != SXP_LIST || !sxp_name(vm) ||
         strcmp(sxp_name(vm), "vm") )
    {
        snprintf(err, errlen, "the configuration is not a (vm ...) "
                 "expression as 'xm create --dryrun' prints it");
        return -1;
    }
    name = sxp_child_value(vm, "name");
    if ( !name || !*name )
    {
        snprintf(err, errlen, "the configuration has no name: set name= "
                 "in the config file");
        return -1;
    }
    if ( strlen(name) >= sizeof(cfg->name) )
    {
        snprintf(err, errlen, "domain name '%s' is too long (at most %zu "
                 "characters)", name, sizeof(cfg->name) - 1);
        return -1;
    }
    for ( v = name; *v; v++ )
        if ( !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789_.:-", *v) )
        {
            snprintf(err, errlen, "domain name '%s' contains '%c': names "
                     "are made of letters, digits, '_', '.', ':' and '-'",
                     name, *v);
            return -1;
        }
    snprintf(cfg->name, sizeof(cfg->name), "%s", name);

    v = sxp_child_value(vm, "uuid");
    if ( v && *v )
    {
        uint8_t u[16];

        if ( xend_uuid_parse(v, u) )
        {
            snprintf(err, errlen, "invalid uuid '%s': expected 32 hex "
                     "digits as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", v);
            return -1;
        }
        xend_uuid_format(u, cfg->uuid);
    }

    if ( parse_long(vm, "memory", 128, 1, 1L << 30, &cfg->memory, err,
                    errlen) ||
         parse_long(vm, "maxmem", cfg->memory, 1, 1L << 30, &cfg->maxmem,
                    err, errlen) )
        return -1;
    if ( cfg->maxmem < cfg->memory )
        cfg->maxmem = cfg->memory;
    if ( parse_long(vm, "vcpus", 1, 1, XEND_MAX_VCPUS, &n, err, errlen) )
        return -1;
    cfg->vcpus = n;
    cfg->vcpu_avail = n >= 64 ? ~0ull : (1ull << n) - 1;
    v = sxp_child_value(vm, "vcpu_avail");
    if ( v )
    {
        char *end;

        errno = 0;
        cfg->vcpu_avail = strtoull(v, &end, 10);
        if ( errno || end == v || *end )
        {
            snprintf(err, errlen, "invalid vcpu_avail '%s': expected a "
                     "bitmap as a whole number", v);
            return -1;
        }
    }
    v = sxp_child_value(vm, "cpus");
    if ( v && *v )
    {
        uint64_t map;

        if ( xend_cpus_parse(v, &map) )
        {
            snprintf(err, errlen, "invalid cpus '%s': expected a list such "
                     "as \"0-3,^2\"", v);
            return -1;
        }
        snprintf(cfg->cpus, sizeof(cfg->cpus), "%s", v);
    }
    if ( parse_action(vm, "on_poweroff", KCFG_ACTION_DESTROY,
                      &cfg->on_poweroff, err, errlen) ||
         parse_action(vm, "on_reboot", KCFG_ACTION_RESTART, &cfg->on_reboot,
                      err, errlen) ||
         parse_action(vm, "on_crash", KCFG_ACTION_RESTART, &cfg->on_crash,
                      err, errlen) )
        return -1;

    /* Disks and vifs; anything else is refused by name. */
    if ( xend_devs_parse(vm, NULL, cfg, err, errlen) )
        return -1;
    v = sxp_child_value(vm, "bootloader");
    if ( v && *v )
    {
        snprintf(err, errlen, "bootloader '%s' is not supported by this "
                 "Keel release yet: give kernel= and ramdisk= instead", v);
        return -1;
    }
    image = sxp_child(vm, "image");
    if ( image && image->n > 1 && image->items[1]->type == SXP_LIST )
        kind = image->items[1];
    if ( kind && sxp_name(kind) && !strcmp(sxp_name(kind), "hvm") )
    {
        snprintf(err, errlen, "HVM guests (builder='hvm') are not supported "
                 "by this Keel release yet");
        return -1;
    }
    if ( !kind || !sxp_child_value(kind, "kernel") ||
         !*sxp_child_value(kind, "kernel") )
    {
        snprintf(err, errlen, "the configuration has no kernel: set "
                 "kernel= (and ramdisk=) in the config file");
        return -1;
    }
    if ( strcmp(sxp_name(kind), "linux") )
    {
        snprintf(err, errlen, "image type '%s' is not supported: expected "
                 "linux", sxp_name(kind));
        return -1;
    }

    /* Xen's PV_args: ip=, root=, then the extra arguments. */
    cmdline[0] = '\0';
    append_arg(cmdline, sizeof(cmdline), "ip=", sxp_child_value(kind, "ip"));
    append_arg(cmdline, sizeof(cmdline), "root=",
               sxp_child_value(kind, "root"));
    append_arg(cmdline, sizeof(cmdline), "", sxp_child_value(kind, "args"));

    cfg->kernel = dup_or_null(sxp_child_value(kind, "kernel"));
    v = sxp_child_value(kind, "ramdisk");
    cfg->ramdisk = v && *v ? strdup(v) : NULL;
    cfg->cmdline = strdup(cmdline);
    if ( !cfg->kernel || !cfg->cmdline || (v && *v && !cfg->ramdisk) )
    {
        xend_vmcfg_free(cfg);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

void xend_vmcfg_free(struct xend_vmcfg *cfg)
{
    free(cfg->kernel);
    free(cfg->ramdisk);
    free(cfg->cmdline);
    cfg->kernel = cfg->ramdisk = cfg->cmdline = NULL;
}

/* ---- records ------------------------------------------------------------ */

void xend_state_string(const struct xend_dominfo *di, char buf[7])
{
    /* As Xen 3.x: a crashed domain shows 'c', not 's'. */
    bool crashed = di->crashed ||
        (di->shutdown && di->shutdown_reason == XEND_SHUTDOWN_CRASH);
    bool shutdown = di->shutdown && !crashed;

    buf[0] = di->running ? 'r' : '-';
    buf[1] = di->blocked ? 'b' : '-';
    buf[2] = di->paused ? 'p' : '-';
    buf[3] = shutdown ? 's' : '-';
    buf[4] = crashed ? 'c' : '-';
    buf[5] = di->dying ? 'd' : '-';
    buf[6] = '\0';
}

/* ---- memory ------------------------------------------------------------- */

uint64_t xend_mem_needed_kib(long memory_mb, unsigned int vcpus)
{
    /*
     * The guest's RAM plus what the hypervisor allocates for it from the
     * same heap: its nested page tables (8 bytes per 4 KiB page, with
     * room for the upper levels: 2 KiB per MiB), per-vCPU state and a
     * fixed part, rounded up to whole MiB as xm shows MiB.
     */
    uint64_t over = (uint64_t)memory_mb * 2 + 256ull * vcpus + 512;

    over = (over + 1023) & ~1023ull;
    return (uint64_t)memory_mb * 1024 + over;
}

int xend_mem_check(const char *name, uint64_t need_kib, uint64_t free_kib,
                   uint64_t dom0_kib, long dom0_min_mb, bool ballooning,
                   char *msg, size_t len)
{
    uint64_t min_kib = (uint64_t)dom0_min_mb * 1024;
    uint64_t could = dom0_kib > min_kib ? dom0_kib - min_kib : 0;
    int n;

    if ( need_kib <= free_kib )
        return 0;
    n = snprintf(msg, len, "Not enough memory to create domain '%s': it "
                 "needs %" PRIu64 " MiB (%" PRIu64 " KiB with the "
                 "hypervisor's overhead), but only %" PRIu64 " MiB (%"
                 PRIu64 " KiB) is free. ", name, (need_kib + 1023) / 1024,
                 need_kib, free_kib / 1024, free_kib);
    if ( n < 0 || (size_t)n >= len )
        return -1;
    if ( !ballooning )
        snprintf(msg + n, len - n, "Ballooning dom0 is disabled "
                 "(enable-dom0-ballooning no in xend-config.sxp). Hint: "
                 "lower memory= in the config, or destroy another domain.");
    else if ( !could )
        snprintf(msg + n, len - n, "dom0 (%" PRIu64 " MiB) is already at "
                 "dom0-min-mem (%ld MiB) and cannot give more. Hint: lower "
                 "memory= in the config, or destroy another domain.",
                 dom0_kib / 1024, dom0_min_mb);
    else
        snprintf(msg + n, len - n, "dom0 (%" PRIu64 " MiB now) could "
                 "balloon down by %" PRIu64 " MiB before reaching "
                 "dom0-min-mem (%ld MiB)%s. Hint: 'xm mem-set Domain-0 "
                 "<MiB>' to give memory back first, or lower memory= in "
                 "the config.", dom0_kib / 1024, could / 1024, dom0_min_mb,
                 free_kib + could >= need_kib ? ", which would be enough" :
                 ", which would still not be enough");
    return -1;
}

/* ---- on_* --------------------------------------------------------------- */

const char *xend_shutdown_reason_name(unsigned int reason)
{
    switch ( reason )
    {
    case XEND_SHUTDOWN_POWEROFF: return "poweroff";
    case XEND_SHUTDOWN_REBOOT:   return "reboot";
    case XEND_SHUTDOWN_SUSPEND:  return "suspend";
    case XEND_SHUTDOWN_CRASH:    return "crash";
    case XEND_SHUTDOWN_WATCHDOG: return "watchdog";
    default:                     return "unknown";
    }
}

bool xend_shutdown_action(const struct xend_vmcfg *cfg, unsigned int reason,
                          enum kcfg_action *act)
{
    switch ( reason )
    {
    case XEND_SHUTDOWN_POWEROFF:
        *act = cfg->on_poweroff;
        return true;
    case XEND_SHUTDOWN_REBOOT:
        *act = cfg->on_reboot;
        return true;
    case XEND_SHUTDOWN_CRASH:
    case XEND_SHUTDOWN_WATCHDOG:
        /* A watchdog firing means the guest hung: treated as a crash. */
        *act = cfg->on_crash;
        return true;
    default:
        /* suspend: the domain waits for save/resume (not supported yet) */
        return false;
    }
}

bool xend_restart_allowed(const double *restart_times, unsigned int n,
                          double now)
{
    unsigned int i, recent = 0;

    for ( i = 0; i < n; i++ )
        if ( now - restart_times[i] < XEND_RESTART_WINDOW )
            recent++;
    return recent < XEND_RESTART_MAX;
}

/* ---- uuids and cpu lists ------------------------------------------------ */

static int hexval(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'f' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'F' )
        return c - 'A' + 10;
    return -1;
}

int xend_uuid_parse(const char *s, uint8_t out[16])
{
    unsigned int i = 0;

    /* Dashes are accepted where Xen put them, or not at all. */
    for ( ; *s && i < 16; )
    {
        int hi, lo;

        if ( *s == '-' && (i == 4 || i == 6 || i == 8 || i == 10) )
            s++;
        hi = hexval(s[0]);
        lo = hi < 0 ? -1 : hexval(s[1]);
        if ( hi < 0 || lo < 0 )
            return -1;
        out[i++] = hi << 4 | lo;
        s += 2;
    }
    return i == 16 && !*s ? 0 : -1;
}

void xend_uuid_format(const uint8_t u[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
             u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
}

void xend_uuid_generate(uint8_t out[16])
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    size_t got = 0;

    while ( fd >= 0 && got < 16 )
    {
        ssize_t r = read(fd, out + got, 16 - got);

        if ( r <= 0 )
            break;
        got += r;
    }
    if ( fd >= 0 )
        close(fd);
    if ( got < 16 )
    {
        /* No urandom (a bare initramfs): time and pid still differ. */
        struct timespec ts;
        uint64_t x;
        unsigned int i;

        clock_gettime(CLOCK_REALTIME, &ts);
        x = (uint64_t)ts.tv_sec * 1000000007ull ^ ts.tv_nsec ^
            ((uint64_t)getpid() << 32);
        for ( i = 0; i < 16; i++ )
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out[i] = x;
        }
    }
    out[6] = (out[6] & 0x0f) | 0x40;    /* version 4 */
    out[8] = (out[8] & 0x3f) | 0x80;    /* RFC 4122 variant */
}

int xend_cpus_parse(const char *s, uint64_t *map)
{
    uint64_t add = 0, del = 0;
    bool any = false;

    while ( *s )
    {
        bool neg = false;
        char *end;
        unsigned long a, b;

        while ( *s == ' ' || *s == '[' || *s == ']' )
            s++;
        if ( !*s )
            break;
        if ( *s == '^' )
        {
            neg = true;
            s++;
        }
        if ( *s < '0' || *s > '9' )
            return -1;
        a = b = strtoul(s, &end, 10);
        s = end;
        if ( *s == '-' )
        {
            s++;
            if ( *s < '0' || *s > '9' )
                return -1;
            b = strtoul(s, &end, 10);
            s = end;
        }
        if ( a > b || b >= 64 )
            return -1;
        for ( ; a <= b; a++ )
        {
            if ( neg )
                del |= 1ull << a;
            else
                add |= 1ull << a;
        }
        any = true;
        while ( *s == ' ' || *s == ']' )
            s++;
        if ( *s == ',' )
            s++;
        else if ( *s )
            return -1;
    }
    if ( !any )
        return -1;
    /* "^2" alone means every CPU but 2, as in Xen. */
    if ( !add )
        add = ~0ull;
    *map = add & ~del;
    return *map ? 0 : -1;
}

/* ---- xenstore layout ---------------------------------------------------- */

void xend_xs_add(struct xend_xs_list *l, enum xend_xs_perm perm,
                 const char *dir, const char *key, const char *fmt, ...)
{
    struct xend_xs_entry *e;
    va_list ap;

    if ( l->n >= l->max )
    {
        l->full = true;
        return;
    }
    e = &l->out[l->n++];
    if ( key )
        snprintf(e->path, sizeof(e->path), "%s/%s", dir, key);
    else
        snprintf(e->path, sizeof(e->path), "%s", dir);
    va_start(ap, fmt);
    vsnprintf(e->value, sizeof(e->value), fmt, ap);
    va_end(ap);
    e->perm = perm;
}

int xend_xs_layout(const struct xend_xs_layout_args *a,
                   struct xend_xs_entry *out, unsigned int max)
{
    struct xend_xs_list l = { .out = out, .max = max };
    const struct xend_vmcfg *c = a->cfg;
    char vm[64], dom[64], p[128];
    unsigned int i;

    snprintf(vm, sizeof(vm), "/vm/%s", a->uuid);
    snprintf(dom, sizeof(dom), "/local/domain/%u", a->domid);

    /* /vm/<uuid>: the domain's configuration (XendDomainInfo's
     * _storeVmDetails); dom0 owns it, the guest may read it. */
    xend_xs_add(&l, XEND_XS_DOM0, vm, NULL, "%s", "");
#define VM(key, ...) xend_xs_add(&l, XEND_XS_INHERIT, vm, key, __VA_ARGS__)
    VM("uuid", "%s", a->uuid);
    VM("name", "%s", a->name);
    VM("memory", "%ld", c->memory);
    VM("maxmem", "%ld", c->maxmem);
    VM("vcpus", "%u", c->vcpus);
    VM("vcpu_avail", "%" PRIu64, c->vcpu_avail);
    VM("on_poweroff", "%s", kcfg_action_name(c->on_poweroff));
    VM("on_reboot", "%s", kcfg_action_name(c->on_reboot));
    VM("on_crash", "%s", kcfg_action_name(c->on_crash));
    VM("image", "%s", a->image_sxp ? a->image_sxp : "");
    VM("start_time", "%.2f", a->start_time);
    VM("xend/restart_count", "%u", a->restart_count);
    VM("xend/config", "%s", a->config_sxp ? a->config_sxp : "");
#undef VM

    /* /local/domain/<id>: owned by the guest (it may read all of it),
     * as Xen's _recreateDom; console and store stay as xend wrote them
     * since only dom0 acts on them. */
    xend_xs_add(&l, XEND_XS_GUEST, dom, NULL, "%s", "");
#define DOM(perm, key, ...) xend_xs_add(&l, perm, dom, key, __VA_ARGS__)
    DOM(XEND_XS_INHERIT, "domid", "%u", a->domid);
    DOM(XEND_XS_INHERIT, "name", "%s", a->name);
    DOM(XEND_XS_INHERIT, "vm", "%s", vm);
    DOM(XEND_XS_GUEST, "memory", "%s", "");
    DOM(XEND_XS_INHERIT, "memory/target", "%ld", c->memory * 1024);
    DOM(XEND_XS_INHERIT, "memory/static-max", "%ld", c->maxmem * 1024);
    DOM(XEND_XS_GUEST, "cpu", "%s", "");
    for ( i = 0; i < c->vcpus; i++ )
    {
        snprintf(p, sizeof(p), "cpu/%u/availability", i);
        xend_xs_add(&l, XEND_XS_INHERIT, dom, p, "%s",
            i < 64 && !(c->vcpu_avail >> i & 1) ? "offline" : "online");
    }
    DOM(XEND_XS_DOM0, "console", "%s", "");
    DOM(XEND_XS_INHERIT, "console/ring-ref", "%" PRIu64, a->console_pfn);
    DOM(XEND_XS_INHERIT, "console/port", "%u", a->console_port);
    DOM(XEND_XS_INHERIT, "console/limit", "%ld", a->console_limit_kb * 1024);
    DOM(XEND_XS_INHERIT, "console/type", "%s", "xenconsoled");
    DOM(XEND_XS_DOM0, "store", "%s", "");
    DOM(XEND_XS_INHERIT, "store/ring-ref", "%" PRIu64, a->store_pfn);
    DOM(XEND_XS_INHERIT, "store/port", "%u", a->store_port);
    DOM(XEND_XS_GUEST, "control", "%s", "");
    DOM(XEND_XS_INHERIT, "control/platform-feature-multiprocessor-suspend",
        "%s", "1");
    DOM(XEND_XS_GUEST, "device", "%s", "");
    DOM(XEND_XS_GUEST, "error", "%s", "");
    DOM(XEND_XS_GUEST, "data", "%s", "");
#undef DOM
    return l.full ? -1 : (int)l.n;
}

