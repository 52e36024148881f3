/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xm commands that talk to xend.  Each does what Xen 3.4's xm did
 * (tools/python/xen/xm/main.py, shutdown.py) with the same methods and
 * arguments, listed in docs/design/xend-xmlrpc.md.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "xm.h"

/*
 * getopt_long with Xen's messages ("option -z not recognized") and the
 * command's usage on error.  Returns the option, -1 at the end, or -2
 * after reporting an error.
 */
static int next_opt(struct xm_ctx *x, const char *cmd, int argc,
                    char **argv, const char *shortopts,
                    const struct option *longopts)
{
    int c;

    opterr = 0;
    c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if ( c == '?' || c == ':' )
    {
        const char *arg = argv[optind - 1];

        if ( optopt && !(arg[0] == '-' && arg[1] == '-') )
            xm_usage_error(x, cmd, c == ':' ? "option -%c requires argument"
                           : "option -%c not recognized", optopt);
        else
        {
            char name[64];

            snprintf(name, sizeof(name), "%s", arg);
            name[strcspn(name, "=")] = '\0';
            xm_usage_error(x, cmd, c == ':' ? "option %s requires argument"
                           : "option %s not recognized", name);
        }
        return -2;
    }
    return c;
}

static void reset_getopt(void)
{
    optind = 0;     /* glibc: full re-initialisation */
}

static int parse_int(const char *s, long long *out)
{
    char *end;

    errno = 0;
    *out = strtoll(s, &end, 10);
    return (!*s || *end || errno) ? -1 : 0;
}

/* "256", "256m", "1g", "524288k" -> MiB, as Xen's int_unit(s, 'm'). */
static int parse_mem_mb(const char *s, long long *mb)
{
    size_t n = strlen(s);
    char unit = n ? s[n - 1] : 0, num[32];
    long long v;

    if ( n == 0 || n >= sizeof(num) )
        return -1;
    if ( unit >= '0' && unit <= '9' )
        return parse_int(s, mb);
    memcpy(num, s, n - 1);
    num[n - 1] = '\0';
    if ( parse_int(num, &v) || v < 0 )
        return -1;
    switch ( unit )
    {
    case 'k': case 'K': *mb = v / 1024; return 0;
    case 'm': case 'M': *mb = v; return 0;
    case 'g': case 'G':
        if ( v > LLONG_MAX / 1024 )
            return -1;
        *mb = v * 1024;
        return 0;
    }
    return -1;
}

static int invalid_argument(struct xm_ctx *x, const char *cmd,
                            const char *what, const char *arg)
{
    return xm_usage_error(x, cmd, "Invalid argument: %s '%s'.", what, arg);
}

/* ---- list ------------------------------------------------------------ */

static bool is_domain(const struct xmlrpc_value *v)
{
    const char *n = xmlrpc_sxp_name(v);

    return n && strcmp(n, "domain") == 0;
}

int xm_cmd_list(struct xm_ctx *x, int argc, char **argv)
{
    static const struct option lo[] = {
        { "long", no_argument, NULL, 'l' },
        { "vcpus", no_argument, NULL, 'v' },
        { "label", no_argument, NULL, 'L' },
        { "state", required_argument, NULL, 'S' },
        { NULL, 0, NULL, 0 }
    };
    bool use_long = false, vcpus = false, label = false;
    const char *state = "all";
    struct xmlrpc_value *doms = NULL, *r;
    int c, i, rc = 1;
    size_t k;

    reset_getopt();
    while ( (c = next_opt(x, "list", argc, argv, ":lv", lo)) != -1 )
    {
        switch ( c )
        {
        case -2: return 1;
        case 'l': use_long = true; break;
        case 'v': vcpus = true; break;
        case 'L': label = true; break;
        case 'S': state = optarg; break;
        }
    }
    if ( strcmp(state, "all") && optind < argc )
        return xm_usage_error(x, "list", "You may specify either a state "
                              "or a particular VM, but not both");
    if ( vcpus )
    {
        fprintf(x->err, "xm list -v is deprecated.  Please use xm "
                "vcpu-list.\n");
        argv[optind - 1] = argv[0];
        return xm_cmd_vcpu_list(x, argc - optind + 1, argv + optind - 1);
    }
    if ( label )
    {
        xm_error(x, "'xm list --label' shows security (ACM/XSM) labels, "
                 "which this Keel release does not support yet.");
        return 1;
    }

    if ( optind < argc )
    {
        doms = xmlrpc_array();
        for ( i = optind; i < argc; i++ )
        {
            if ( xm_call(x, &r, "xend.domain", xmlrpc_string(argv[i]),
                         xmlrpc_bool(use_long), NULL) )
                goto out;
            xmlrpc_array_append(doms, r);
        }
    }
    else if ( xm_call(x, &doms, "xend.domains_with_state",
                      xmlrpc_bool(true), xmlrpc_string(state),
                      xmlrpc_bool(use_long), NULL) )
        goto out;
    if ( !doms || doms->type != XMLRPC_ARRAY )
    {
        xm_error(x, "xend.domains_with_state did not return a list of "
                 "domains.");
        goto out;
    }

    if ( !use_long )
        xm_print_list_header(x->out);
    for ( k = 0; k < doms->len; k++ )
    {
        struct xm_dominfo d;

        if ( !is_domain(doms->items[k]) )
            continue;
        if ( use_long )
            xm_sxp_pretty(x->out, doms->items[k]);
        else
        {
            xm_dominfo_parse(doms->items[k], &d);
            xm_print_list_row(x->out, &d);
        }
    }
    rc = 0;
 out:
    xmlrpc_free(doms);
    return rc;
}

/* ---- info ------------------------------------------------------------ */

int xm_cmd_info(struct xm_ctx *x, int argc, char **argv)
{
    static const struct option lo[] = {
        { "config", no_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 }
    };
    struct xmlrpc_value *info;
    int c;

    if ( xm_arg_check(x, "info", argc - 1, 0, 1) )
        return 1;
    reset_getopt();
    while ( (c = next_opt(x, "info", argc, argv, ":c", lo)) != -1 )
    {
        if ( c == -2 )
            return 1;
        if ( c == 'c' )
        {
            xm_error(x, "'xm info --config' is not supported by this Keel "
                     "release yet; read /etc/xen/xend-config.sxp.");
            return 1;
        }
    }
    if ( optind < argc )
        return xm_usage_error(x, "info", "'xm info' takes no domain.");
    if ( xm_call(x, &info, "xend.node.info", NULL) )
        return 1;
    xm_print_info(x->out, info);
    xmlrpc_free(info);
    return 0;
}

/* ---- vcpu-list ------------------------------------------------------- */

int xm_cmd_vcpu_list(struct xm_ctx *x, int argc, char **argv)
{
    struct xmlrpc_value *names = NULL, *info = NULL, *v;
    int nr_cpus, rc = 1, i;
    size_t k;

    if ( xm_call(x, &info, "xend.node.info", NULL) )
        return 1;
    nr_cpus = xm_info_nr_cpus(info);
    if ( argc > 1 )
    {
        names = xmlrpc_array();
        for ( i = 1; i < argc; i++ )
            xmlrpc_array_append(names, xmlrpc_string(argv[i]));
    }
    else if ( xm_call(x, &names, "xend.domains_with_state",
                      xmlrpc_bool(false), xmlrpc_string("all"),
                      xmlrpc_bool(false), NULL) )
        goto out;
    if ( !names || names->type != XMLRPC_ARRAY )
    {
        xm_error(x, "xend.domains_with_state did not return a list of "
                 "names.");
        goto out;
    }
    /* Ask for every domain first: an unknown name prints no table. */
    for ( k = 0; k < names->len; k++ )
    {
        if ( xm_call(x, &v, "xend.domain.getVCPUInfo",
                     xmlrpc_copy(names->items[k]), NULL) )
            goto out;
        xmlrpc_free(names->items[k]);
        names->items[k] = v;
    }
    xm_print_vcpu_header(x->out);
    for ( k = 0; k < names->len; k++ )
        xm_print_vcpus(x->out, names->items[k], nr_cpus);
    rc = 0;
 out:
    xmlrpc_free(names);
    xmlrpc_free(info);
    return rc;
}

/* ---- uptime ---------------------------------------------------------- */

static double dom0_uptime(void)
{
    FILE *f = fopen("/proc/uptime", "r");
    double up = 0;

    if ( f )
    {
        if ( fscanf(f, "%lf", &up) != 1 )
            up = 0;
        fclose(f);
    }
    return up;
}

int xm_cmd_uptime(struct xm_ctx *x, int argc, char **argv)
{
    static const struct option lo[] = {
        { "short", no_argument, NULL, 's' },
        { NULL, 0, NULL, 0 }
    };
    struct xmlrpc_value *doms = NULL, *r;
    bool short_mode = false;
    struct timespec ts;
    struct tm tm;
    time_t now;
    int c, i, rc = 1;
    size_t k;

    reset_getopt();
    while ( (c = next_opt(x, "uptime", argc, argv, ":s", lo)) != -1 )
    {
        if ( c == -2 )
            return 1;
        short_mode = true;
    }
    if ( optind < argc )
    {
        doms = xmlrpc_array();
        for ( i = optind; i < argc; i++ )
        {
            if ( xm_call(x, &r, "xend.domain", xmlrpc_string(argv[i]),
                         xmlrpc_bool(false), NULL) )
                goto out;
            xmlrpc_array_append(doms, r);
        }
    }
    else if ( xm_call(x, &doms, "xend.domains_with_state",
                      xmlrpc_bool(true), xmlrpc_string("all"),
                      xmlrpc_bool(false), NULL) )
        goto out;
    if ( !doms || doms->type != XMLRPC_ARRAY )
        goto out;

    clock_gettime(CLOCK_REALTIME, &ts);
    now = ts.tv_sec;
    localtime_r(&now, &tm);
    if ( !short_mode )
        xm_print_uptime_header(x->out);
    for ( k = 0; k < doms->len; k++ )
    {
        struct xm_dominfo d;

        if ( !is_domain(doms->items[k]) )
            continue;
        xm_dominfo_parse(doms->items[k], &d);
        xm_print_uptime(x->out, &d,
                        xm_uptime_seconds(&d, ts.tv_sec + ts.tv_nsec / 1e9,
                                          dom0_uptime()),
                        short_mode, &tm);
    }
    rc = 0;
 out:
    xmlrpc_free(doms);
    return rc;
}

/* ---- host ------------------------------------------------------------ */

static int print_string_reply(struct xm_ctx *x, struct xmlrpc_value *r,
                              const char *method, bool newline)
{
    if ( !r || (r->type != XMLRPC_STRING && r->type != XMLRPC_BASE64) )
    {
        xm_error(x, "%s did not return text.", method);
        xmlrpc_free(r);
        return 1;
    }
    fwrite(r->str, 1, r->len, x->out);
    if ( newline )
        fputc('\n', x->out);
    xmlrpc_free(r);
    return 0;
}

int xm_cmd_dmesg(struct xm_ctx *x, int argc, char **argv)
{
    static const struct option lo[] = {
        { "clear", no_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 }
    };
    const char *method = "xend.node.dmesg.info";
    struct xmlrpc_value *r;
    int c;

    if ( xm_arg_check(x, "dmesg", argc - 1, 0, 1) )
        return 1;
    reset_getopt();
    while ( (c = next_opt(x, "dmesg", argc, argv, ":c", lo)) != -1 )
    {
        if ( c == -2 )
            return 1;
        method = "xend.node.dmesg.clear";
    }
    if ( optind < argc )
        return xm_usage_error(x, "dmesg", "No parameter required");
    if ( xm_call(x, &r, method, NULL) )
        return 1;
    /* Python's "print s," : the buffer as it is, no newline added. */
    return print_string_reply(x, r, method, false);
}

int xm_cmd_log(struct xm_ctx *x, int argc, char **argv)
{
    struct xmlrpc_value *r;

    if ( xm_arg_check(x, "log", argc - 1, 0, -1) )
        return 1;
    if ( xm_call(x, &r, "xend.node.log", NULL) )
        return 1;
    return print_string_reply(x, r, "xend.node.log", true);
}

int xm_cmd_top(struct xm_ctx *x, int argc, char **argv)
{
    if ( xm_arg_check(x, "top", argc - 1, 0, -1) )
        return 1;
    fflush(x->out);
    execl(XM_XENTOP, "xentop", (char *)NULL);
    xm_error(x, "Cannot run %s: %s. 'xm top' is xentop, which comes with "
             "the xentop tool of this release.", XM_XENTOP, strerror(errno));
    return 1;
}

/* ---- one-domain operations ------------------------------------------- */

static int simple_call(struct xm_ctx *x, int argc, char **argv,
                       const char *cmd, const char *method)
{
    struct xmlrpc_value *r;

    if ( xm_arg_check(x, cmd, argc - 1, 1, -1) )
        return 1;
    if ( xm_call(x, &r, method, xmlrpc_string(argv[1]), NULL) )
        return 1;
    xmlrpc_free(r);
    return 0;
}

int xm_cmd_destroy(struct xm_ctx *x, int argc, char **argv)
{
    return simple_call(x, argc, argv, "destroy", "xend.domain.destroy");
}

int xm_cmd_pause(struct xm_ctx *x, int argc, char **argv)
{
    return simple_call(x, argc, argv, "pause", "xend.domain.pause");
}

int xm_cmd_unpause(struct xm_ctx *x, int argc, char **argv)
{
    return simple_call(x, argc, argv, "unpause", "xend.domain.unpause");
}

int xm_cmd_delete(struct xm_ctx *x, int argc, char **argv)
{
    return simple_call(x, argc, argv, "delete", "xend.domain.delete");
}

/* (name X) of xend.domain(dom): the canonical name or id as text. */
static int domain_field(struct xm_ctx *x, const char *dom, const char *field,
                        char *out, size_t len)
{
    struct xmlrpc_value *r;
    char buf[64];
    const char *v;

    if ( xm_call(x, &r, "xend.domain", xmlrpc_string(dom),
                 xmlrpc_bool(false), NULL) )
        return -1;
    v = xmlrpc_sxp_child_value(r, field, NULL, buf, sizeof(buf));
    if ( !v )
    {
        xm_error(x, "xend's record of domain '%s' has no %s.", dom, field);
        xmlrpc_free(r);
        return -1;
    }
    snprintf(out, len, "%s", v);
    xmlrpc_free(r);
    return 0;
}

int xm_cmd_domid(struct xm_ctx *x, int argc, char **argv)
{
    char v[256];

    if ( xm_arg_check(x, "domid", argc - 1, 1, -1) )
        return 1;
    if ( domain_field(x, argv[1], "domid", v, sizeof(v)) )
        return 1;
    fprintf(x->out, "%s\n", v);
    return 0;
}

int xm_cmd_domname(struct xm_ctx *x, int argc, char **argv)
{
    char v[256];

    if ( xm_arg_check(x, "domname", argc - 1, 1, -1) )
        return 1;
    if ( domain_field(x, argv[1], "name", v, sizeof(v)) )
        return 1;
    fprintf(x->out, "%s\n", v);
    return 0;
}

int xm_cmd_mem_set(struct xm_ctx *x, int argc, char **argv)
{
    struct xmlrpc_value *r;
    long long mb;

    if ( xm_arg_check(x, "mem-set", argc - 1, 2, -1) )
        return 1;
    if ( parse_mem_mb(argv[2], &mb) || mb <= 0 || mb > INT32_MAX )
        return invalid_argument(x, "mem-set", "memory size", argv[2]);
    if ( xm_call(x, &r, "xend.domain.setMemoryTarget",
                 xmlrpc_string(argv[1]), xmlrpc_int(mb), NULL) )
        return 1;
    xmlrpc_free(r);
    return 0;
}

int xm_cmd_mem_max(struct xm_ctx *x, int argc, char **argv)
{
    struct xmlrpc_value *r;
    long long mb;

    if ( xm_arg_check(x, "mem-max", argc - 1, 2, -1) )
        return 1;
    if ( parse_mem_mb(argv[2], &mb) || mb <= 0 || mb > INT32_MAX )
        return invalid_argument(x, "mem-max", "memory size", argv[2]);
    if ( xm_call(x, &r, "xend.domain.maxmem_set", xmlrpc_string(argv[1]),
                 xmlrpc_int(mb), NULL) )
        return 1;
    xmlrpc_free(r);
    return 0;
}

int xm_cmd_vcpu_set(struct xm_ctx *x, int argc, char **argv)
{
    struct xmlrpc_value *r;
    long long n;

    if ( xm_arg_check(x, "vcpu-set", argc - 1, 2, -1) )
        return 1;
    if ( parse_int(argv[2], &n) || n < 1 || n > 4096 )
        return invalid_argument(x, "vcpu-set", "VCPU count", argv[2]);
    if ( xm_call(x, &r, "xend.domain.setVCpuCount", xmlrpc_string(argv[1]),
                 xmlrpc_int(n), NULL) )
        return 1;
    xmlrpc_free(r);
    return 0;
}

/* "0-3,^2,5" -> "0,1,3,5", as Xen's cpu_make_map. */
static int cpu_make_map(const char *spec, char *out, size_t len)
{
    bool cpus[1024] = { false };
    char *copy = strdup(spec), *tok, *save = NULL;
    size_t used = 0;
    int i, rc = 0;

    if ( !copy )
        return -1;
    for ( tok = strtok_r(copy, ",", &save); tok;
          tok = strtok_r(NULL, ",", &save) )
    {
        long long a, b;
        char *dash = strchr(tok, '-');

        if ( tok[0] == '^' )
        {
            if ( parse_int(tok + 1, &a) || a < 0 || a >= 1024 )
                goto bad;
            cpus[a] = false;
            continue;
        }
        if ( dash )
        {
            *dash = '\0';
            if ( parse_int(tok, &a) || parse_int(dash + 1, &b) || a < 0 ||
                 b < a || b >= 1024 )
                goto bad;
        }
        else if ( parse_int(tok, &a) || a < 0 || a >= 1024 )
            goto bad;
        else
            b = a;
        for ( ; a <= b; a++ )
            cpus[a] = true;
    }
    out[0] = '\0';
    for ( i = 0; i < 1024; i++ )
        if ( cpus[i] )
        {
            int w = snprintf(out + used, len - used, "%s%d",
                             used ? "," : "", i);

            if ( w < 0 || (size_t)w >= len - used )
                goto bad;
            used += w;
        }
    if ( !used )
        goto bad;
    goto out;
 bad:
    rc = -1;
 out:
    free(copy);
    return rc;
}

int xm_cmd_vcpu_pin(struct xm_ctx *x, int argc, char **argv)
{
    struct xmlrpc_value *r;
    char map[8192];
    long long v;

    if ( xm_arg_check(x, "vcpu-pin", argc - 1, 3, -1) )
        return 1;
    if ( strcmp(argv[2], "all") && (parse_int(argv[2], &v) || v < 0) )
        return invalid_argument(x, "vcpu-pin", "VCPU", argv[2]);
    if ( cpu_make_map(strcmp(argv[3], "all") ? argv[3] : "0-63", map,
                      sizeof(map)) )
        return invalid_argument(x, "vcpu-pin", "CPU list", argv[3]);
    if ( xm_call(x, &r, "xend.domain.pincpu", xmlrpc_string(argv[1]),
                 xmlrpc_string(argv[2]), xmlrpc_string(map), NULL) )
        return 1;
    xmlrpc_free(r);
    return 0;
}

/* ---- shutdown / reboot ----------------------------------------------- */

static bool name_in(const struct xmlrpc_value *names, const char *name)
{
    size_t i;

    for ( i = 0; names && names->type == XMLRPC_ARRAY && i < names->len;
          i++ )
        if ( names->items[i]->type == XMLRPC_STRING &&
             strcmp(names->items[i]->str, name) == 0 )
            return true;
    return false;
}

static int restart_count(struct xm_ctx *x, const char *dom, long long *rc)
{
    struct xmlrpc_value *r;
    char buf[64];
    const char *t;

    if ( xm_call(x, &r, "xend.domain.getRestartCount", xmlrpc_string(dom),
                 NULL) )
        return -1;
    t = xmlrpc_atom_text(r, buf, sizeof(buf));
    *rc = t ? strtoll(t, NULL, 10) : 0;
    xmlrpc_free(r);
    return 0;
}

/*
 * -w: poll xend once a second, as Xen's shutdown.py did (xend has no
 * event to wait on over XML-RPC).  A domain that vanishes while being
 * rebooted gets RECREATING_TIMEOUT seconds to come back.
 */
#define RECREATING_TIMEOUT 30

static int wait_domains(struct xm_ctx *x, struct xmlrpc_value *doms,
                        const long long *counts, bool reboot)
{
    int *gone = calloc(doms->len + 1, sizeof(*gone));
    size_t left = doms->len, i;

    if ( !gone )
        return -1;
    while ( left )
    {
        struct xmlrpc_value *alive;

        if ( xm_call(x, &alive, "xend.domains", xmlrpc_bool(false), NULL) )
        {
            free(gone);
            return -1;
        }
        for ( i = 0; i < doms->len; i++ )
        {
            const char *d = doms->items[i]->str;
            long long c;

            if ( gone[i] < 0 )
                continue;
            if ( !reboot )
            {
                if ( name_in(alive, d) )
                    continue;
                fprintf(x->out, "Domain %s terminated\n", d);
            }
            else if ( name_in(alive, d) )
            {
                if ( restart_count(x, d, &c) )
                {
                    xmlrpc_free(alive);
                    free(gone);
                    return -1;
                }
                if ( c == counts[i] )
                    continue;
                fprintf(x->out, "Domain %s rebooted\n", d);
            }
            else if ( ++gone[i] <= RECREATING_TIMEOUT )
                continue;
            else
                fprintf(x->out, "Domain %s destroyed for failing to "
                        "reboot\n", d);
            gone[i] = -1;
            left--;
        }
        xmlrpc_free(alive);
        fflush(x->out);
        if ( left )
            sleep(1);
    }
    fprintf(x->out, reboot ? "All domains rebooted\n" :
            "All domains terminated\n");
    free(gone);
    return 0;
}

static int do_shutdown(struct xm_ctx *x, const char *cmd, int argc,
                       char **argv, bool reboot)
{
    static const struct option lo[] = {
        { "all", no_argument, NULL, 'a' },
        { "wait", no_argument, NULL, 'w' },
        { "halt", no_argument, NULL, 'H' },
        { "reboot", no_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 }
    };
    bool all = false, wait = false, halt = false;
    struct xmlrpc_value *doms = NULL, *r;
    long long *counts = NULL;
    const char *mode;
    char name[256];
    int c, rc = 1;
    size_t i;

    reset_getopt();
    while ( (c = next_opt(x, cmd, argc, argv, ":awHR", lo)) != -1 )
    {
        switch ( c )
        {
        case -2: return 1;
        case 'a': all = true; break;
        case 'w': wait = true; break;
        case 'H': halt = true; break;
        case 'R': reboot = true; break;
        }
    }
    if ( halt && reboot )
        return xm_usage_error(x, cmd, "Can't specify halt and reboot");
    mode = halt ? "halt" : reboot ? "reboot" : "poweroff";

    if ( all )
    {
        if ( optind < argc )
            return xm_usage_error(x, cmd, "-a/--all takes no domain "
                                  "parameter");
        /* Every running domain but dom0. */
        if ( domain_field(x, "0", "name", name, sizeof(name)) ||
             xm_call(x, &doms, "xend.domains", xmlrpc_bool(false), NULL) )
            goto out;
        if ( !doms || doms->type != XMLRPC_ARRAY )
            goto out;
        for ( i = 0; i < doms->len; i++ )
            if ( doms->items[i]->type == XMLRPC_STRING &&
                 strcmp(doms->items[i]->str, name) == 0 )
            {
                xmlrpc_free(doms->items[i]);
                memmove(&doms->items[i], &doms->items[i + 1],
                        (doms->len - i - 1) * sizeof(doms->items[0]));
                doms->len--;
                i--;
            }
    }
    else
    {
        if ( optind >= argc )
            return xm_usage_error(x, cmd, "No domain parameter given");
        if ( optind + 1 < argc )
            return xm_usage_error(x, cmd, "No multiple domain parameters "
                                  "allowed");
        if ( domain_field(x, argv[optind], "name", name, sizeof(name)) )
            goto out;
        doms = xmlrpc_sxp(name, NULL);
    }

    counts = calloc(doms->len + 1, sizeof(*counts));
    if ( !counts )
        goto out;
    for ( i = 0; i < doms->len; i++ )
    {
        const char *d = doms->items[i]->str;

        if ( doms->items[i]->type != XMLRPC_STRING ||
             restart_count(x, d, &counts[i]) ||
             xm_call(x, &r, "xend.domain.shutdown", xmlrpc_string(d),
                     xmlrpc_string(mode), NULL) )
            goto out;
        xmlrpc_free(r);
    }
    if ( wait && wait_domains(x, doms, counts, reboot) )
        goto out;
    rc = 0;
 out:
    free(counts);
    xmlrpc_free(doms);
    return rc;
}

int xm_cmd_shutdown(struct xm_ctx *x, int argc, char **argv)
{
    if ( xm_arg_check(x, "shutdown", argc - 1, 1, 4) )
        return 1;
    return do_shutdown(x, "shutdown", argc, argv, false);
}

int xm_cmd_reboot(struct xm_ctx *x, int argc, char **argv)
{
    if ( xm_arg_check(x, "reboot", argc - 1, 1, 3) )
        return 1;
    return do_shutdown(x, "reboot", argc, argv, true);
}

/* ---- console, start --------------------------------------------------- */

int xm_exec_console(struct xm_ctx *x, const char *domid)
{
    fflush(x->out);
    fflush(x->err);
    execl(XM_XENCONSOLE, "xenconsole", domid, (char *)NULL);
    xm_error(x, "Cannot attach to the console of domain %s: running %s "
             "failed: %s.", domid, XM_XENCONSOLE, strerror(errno));
    return 1;
}

int xm_cmd_console(struct xm_ctx *x, int argc, char **argv)
{
    static const struct option lo[] = {
        { "quiet", no_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 }
    };
    bool quiet = false;
    char domid[64];
    FILE *saved = x->err;
    int c, rc;

    if ( xm_arg_check(x, "console", argc - 1, 1, 2) )
        return 1;
    reset_getopt();
    while ( (c = next_opt(x, "console", argc, argv, ":q", lo)) != -1 )
    {
        if ( c == -2 )
            return 1;
        quiet = true;
    }
    if ( optind + 1 != argc )
        return xm_usage_error(x, "console", "No domain given");
    if ( quiet )
    {
        x->err = fopen("/dev/null", "w");
        if ( !x->err )
            x->err = saved;
    }
    rc = domain_field(x, argv[optind], "domid", domid, sizeof(domid));
    if ( x->err != saved )
    {
        fclose(x->err);
        x->err = saved;
    }
    if ( rc )
        return 1;
    if ( strcmp(domid, "-1") == 0 || !domid[0] )
    {
        if ( !quiet )
            xm_error(x, "Domain '%s' is not started", argv[optind]);
        return 1;
    }
    return xm_exec_console(x, domid);
}

int xm_cmd_start(struct xm_ctx *x, int argc, char **argv)
{
    static const struct option lo[] = {
        { "paused", no_argument, NULL, 'p' },
        { "console_autoconnect", no_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 }
    };
    bool paused = false, console = false;
    struct xmlrpc_value *r;
    char domid[64];
    int c;

    reset_getopt();
    while ( (c = next_opt(x, "start", argc, argv, ":pc", lo)) != -1 )
    {
        if ( c == -2 )
            return 1;
        if ( c == 'p' )
            paused = true;
        else
            console = true;
    }
    if ( optind + 1 != argc )
        return xm_usage_error(x, "start", "Expects 1 argument");
    if ( xm_call(x, &r, "xend.domain.start", xmlrpc_string(argv[optind]),
                 xmlrpc_bool(paused), NULL) )
        return 1;
    xmlrpc_free(r);
    if ( domain_field(x, argv[optind], "domid", domid, sizeof(domid)) )
        return 1;
    if ( strcmp(domid, "-1") == 0 || !domid[0] )
    {
        xm_error(x, "Domain '%s' is not started", argv[optind]);
        return 1;
    }
    if ( console )
        return xm_exec_console(x, domid);
    return 0;
}
