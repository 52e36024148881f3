/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xm create / xm new: find and parse the vm.cfg with tools/config, turn it
 * into the (vm ...) SXP, and either print it (--dryrun, which needs
 * neither xend nor a hypervisor) or hand it to xend (Xen 3.4 create.py:
 * xend.domain.create, waitForDevices, unpause; new.py: xend.domain.new).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "xm.h"

#include "keelcfg.h"
#include "xmlrpc_sxp.h"

struct create_opts {
    bool help, help_config, quiet, dryrun, xmldryrun, paused, console;
    const char *path;           /* search path, default ".:/etc/xen" */
    const char *defconfig;      /* the vm.cfg argument */
    const char *sxp_config;     /* -F: an SXP file instead */
    const char **vars;          /* name=value overrides */
    size_t n_vars;
};

static int parse_create_opts(struct xm_ctx *x, const char *cmd, int argc,
                             char **argv, struct create_opts *o)
{
    static const struct option lo[] = {
        { "help", no_argument, NULL, 'h' },
        { "help_config", no_argument, NULL, 'H' },
        { "quiet", no_argument, NULL, 'q' },
        { "path", required_argument, NULL, 'P' },
        { "defconfig", required_argument, NULL, 'f' },
        { "config", required_argument, NULL, 'F' },
        { "dryrun", no_argument, NULL, 'n' },
        { "xmldryrun", no_argument, NULL, 'x' },
        { "skipdtd", no_argument, NULL, 's' },
        { "paused", no_argument, NULL, 'p' },
        { "console_autoconnect", no_argument, NULL, 'c' },
        { "vncviewer", no_argument, NULL, 'V' },
        { "vncviewer-autopass", no_argument, NULL, 'A' },
        { NULL, 0, NULL, 0 }
    };
    int c, i;

    memset(o, 0, sizeof(*o));
    o->path = ".:/etc/xen";
    o->vars = calloc(argc + 1, sizeof(*o->vars));
    if ( !o->vars )
        return -1;
    optind = 0;
    opterr = 0;
    while ( (c = getopt_long(argc, argv, ":hqf:F:nxspc", lo, NULL)) != -1 )
    {
        switch ( c )
        {
        case 'h': o->help = true; break;
        case 'H': o->help_config = true; break;
        case 'q': o->quiet = true; break;
        case 'P': o->path = optarg; break;
        case 'f': o->defconfig = optarg; break;
        case 'F': o->sxp_config = optarg; break;
        case 'n': o->dryrun = true; break;
        case 'x': o->xmldryrun = true; break;
        case 's': break;            /* no XML, nothing to skip */
        case 'p': o->paused = true; break;
        case 'c': o->console = true; break;
        case 'V': case 'A':
            xm_error(x, "'xm %s --vncviewer' needs VNC consoles, which this "
                     "Keel release does not have yet.", cmd);
            return -1;
        case ':':
            xm_usage_error(x, cmd, "option %s requires argument",
                           argv[optind - 1]);
            return -1;
        default:
            if ( optopt )
                xm_usage_error(x, cmd, "option -%c not recognized", optopt);
            else
                xm_usage_error(x, cmd, "option %s not recognized",
                               argv[optind - 1]);
            return -1;
        }
    }
    /* name=value sets a variable; any other word names the config. */
    for ( i = optind; i < argc; i++ )
    {
        if ( strchr(argv[i], '=') )
            o->vars[o->n_vars++] = argv[i];
        else
            o->defconfig = argv[i];
    }
    return 0;
}

static void print_help_config(FILE *f)
{
    const struct kcfg_option *t;
    size_t n, i;

    t = kcfg_option_table(&n);
    fprintf(f, "The config file defines the following variables:\n");
    for ( i = 0; i < n; i++ )
    {
        if ( t[i].type == KCFG_T_SWITCH )
            continue;
        fprintf(f, " %s=%s\n      %s\n\n", t[i].name,
                t[i].def ? t[i].def : "None", t[i].help ? t[i].help : "");
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if ( !f )
        return NULL;
    for ( ;; )
    {
        size_t r;

        if ( n + 4096 + 1 > cap )
        {
            char *b;

            cap = cap ? cap * 2 : 8192;
            if ( cap > KCFG_MAX_INPUT + 8192 )
            {
                errno = EFBIG;
                goto fail;
            }
            b = realloc(buf, cap);
            if ( !b )
                goto fail;
            buf = b;
        }
        r = fread(buf + n, 1, 4096, f);
        n += r;
        if ( r < 4096 )
            break;
    }
    if ( ferror(f) )
        goto fail;
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
 fail:
    free(buf);
    fclose(f);
    return NULL;
}

/* The configuration as SXP, from -F (SXP) or a vm.cfg; NULL on error. */
static struct sxp *load_config(struct xm_ctx *x, const char *cmd,
                               const struct create_opts *o)
{
    char path[KCFG_PATH_MAX], shown[KCFG_PATH_MAX + 2], ebuf[600];
    struct kcfg_error err;
    struct kcfg *cfg = NULL;
    struct kcfg_domain *dom = NULL;
    struct sxp *s;

    memset(&err, 0, sizeof(err));
    if ( o->sxp_config )
    {
        size_t len;
        char *text = read_file(o->sxp_config, &len);

        if ( !text )
        {
            xm_usage_error(x, cmd, "Cannot read file %s: %s", o->sxp_config,
                           strerror(errno));
            return NULL;
        }
        s = sxp_parse_one(o->sxp_config, text, len, &err);
        free(text);
        if ( !s )
            xm_error(x, "%s", kcfg_error_format(&err, ebuf, sizeof(ebuf)));
        return s;
    }
    if ( !o->defconfig )
    {
        xm_usage_error(x, cmd, "No config file given: 'xm %s <ConfigFile>' "
                       "(a path, or a name looked up in %s).", cmd, o->path);
        return NULL;
    }
    if ( kcfg_find_config(o->defconfig, o->path, path, sizeof(path), &err) )
    {
        xm_error(x, "Unable to open config file: %s", o->defconfig);
        fprintf(x->err, "(looked for it as given and in each directory of "
                "%s; %s)\n", o->path,
                kcfg_error_format(&err, ebuf, sizeof(ebuf)));
        return NULL;
    }
    /* Xen prints relative paths as os.path.join(".", p). */
    snprintf(shown, sizeof(shown), "%s%s",
             path[0] == '/' || !strncmp(path, "./", 2) ? "" : "./", path);
    if ( !o->quiet )
        fprintf(x->out, "Using config file \"%s\".\n", shown);
    if ( kcfg_parse_file(path, o->vars, o->n_vars, &cfg, &err) ||
         kcfg_domain_build(cfg, &dom, &err) )
    {
        xm_error(x, "%s", kcfg_error_format(&err, ebuf, sizeof(ebuf)));
        kcfg_free(cfg);
        return NULL;
    }
    s = kcfg_domain_to_sxp(dom);
    if ( !s )
        xm_error(x, "out of memory converting %s to SXP", shown);
    kcfg_domain_free(dom);
    kcfg_free(cfg);
    return s;
}

static int destroy_after_failure(struct xm_ctx *x, const char *name)
{
    struct xmlrpc_value *r;

    if ( xm_call(x, &r, "xend.domain.destroy", xmlrpc_string(name), NULL) )
        return 1;
    xmlrpc_free(r);
    return 1;
}

static int make_domain(struct xm_ctx *x, const struct create_opts *o,
                       struct xmlrpc_value *config)
{
    struct xmlrpc_value *info, *r;
    char name[256], domid[32], buf[64];
    const char *v;

    if ( xm_call(x, &info, "xend.domain.create", config, NULL) )
        return 1;
    v = xmlrpc_sxp_child_value(info, "name", NULL, buf, sizeof(buf));
    snprintf(name, sizeof(name), "%s", v ? v : "");
    v = xmlrpc_sxp_child_value(info, "domid", NULL, buf, sizeof(buf));
    snprintf(domid, sizeof(domid), "%s", v ? v : "");
    xmlrpc_free(info);
    if ( !name[0] || !domid[0] )
    {
        xm_error(x, "xend.domain.create returned a record without name or "
                 "domid.");
        return 1;
    }
    if ( xm_call(x, &r, "xend.domain.waitForDevices", xmlrpc_string(name),
                 NULL) )
    {
        fprintf(x->err, "Domain %s destroyed: its devices did not come "
                "up.\n", name);
        return destroy_after_failure(x, name);
    }
    xmlrpc_free(r);
    if ( !o->paused )
    {
        if ( xm_call(x, &r, "xend.domain.unpause", xmlrpc_string(name),
                     NULL) )
        {
            xm_error(x, "Failed to unpause domain %s", name);
            return destroy_after_failure(x, name);
        }
        xmlrpc_free(r);
    }
    if ( !o->quiet )
        fprintf(x->out, "Started domain %s (id=%s)\n", name, domid);
    if ( o->console )
        return xm_exec_console(x, domid);
    return 0;
}

static int create_or_new(struct xm_ctx *x, const char *cmd, int argc,
                         char **argv)
{
    struct create_opts o;
    struct sxp *s = NULL;
    struct xmlrpc_value *config, *r;
    int rc = 1;

    if ( parse_create_opts(x, cmd, argc, argv, &o) )
        goto out;
    if ( o.help || o.help_config )
    {
        if ( o.help )
            xm_cmd_help(x->out, cmd);
        if ( o.help_config )
            print_help_config(x->out);
        rc = 0;
        goto out;
    }
    if ( o.xmldryrun )
    {
        xm_error(x, "'xm %s --xmldryrun' prints Xen-API XML, which this "
                 "Keel release does not have; use --dryrun for SXP.", cmd);
        goto out;
    }
    s = load_config(x, cmd, &o);
    if ( !s )
        goto out;
    if ( o.dryrun )
    {
        sxp_print(x->out, s);
        rc = 0;
        goto out;
    }
    config = xmlrpc_from_sxp(s);
    if ( !config )
    {
        xm_error(x, "out of memory preparing the configuration for xend");
        goto out;
    }
    if ( strcmp(cmd, "new") == 0 )
    {
        if ( xm_call(x, &r, "xend.domain.new", config, NULL) == 0 )
        {
            xmlrpc_free(r);
            rc = 0;
        }
    }
    else
        rc = make_domain(x, &o, config);
 out:
    sxp_free(s);
    free(o.vars);
    return rc;
}

int xm_cmd_create(struct xm_ctx *x, int argc, char **argv)
{
    return create_or_new(x, "create", argc, argv);
}

int xm_cmd_new(struct xm_ctx *x, int argc, char **argv)
{
    return create_or_new(x, "new", argc, argv);
}
