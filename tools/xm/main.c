/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xm: the command table, help, and the link to xend.
 *
 * One table holds every subcommand with Xen 3.4's usage and description
 * (tools/python/xen/xm/main.py SUBCOMMAND_HELP); it drives dispatch,
 * "xm help" (grouped by function, as the Oracle VM manuals describe it),
 * "xm help --long" and "xm help <cmd>".  Commands that a later Keel
 * release brings have no handler: they are listed and, when run, say so.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "xm.h"

static const struct xm_option opts_list[] = {
    { "-l", "--long", "Output all VM details in SXP" },
    { "", "--label", "Include security labels" },
    { "", "--state=<state>", "Select only VMs with the specified state" },
    { NULL, NULL, NULL }
};
static const struct xm_option opts_console[] = {
    { "-q", "--quiet",
      "Do not print an error message if the domain does not exist" },
    { NULL, NULL, NULL }
};
static const struct xm_option opts_dmesg[] = {
    { "-c", "--clear", "Clear dmesg buffer as well as printing it" },
    { NULL, NULL, NULL }
};
static const struct xm_option opts_start[] = {
    { "-p", "--paused", "Do not unpause domain after starting it" },
    { "-c", "--console_autoconnect",
      "Connect to the console after the domain is created" },
    { NULL, NULL, NULL }
};
static const struct xm_option opts_info[] = {
    { "-c", "--config", "List Xend configuration parameters" },
    { NULL, NULL, NULL }
};
static const struct xm_option opts_create[] = {
    { "-h", "--help", "Print this help." },
    { "", "--help_config", "Print the available configuration variables "
      "(vars) for the configuration script." },
    { "-q", "--quiet", "Quiet." },
    { "", "--path=PATH", "Search path for configuration scripts. The value "
      "of PATH is a colon-separated directory list." },
    { "-f", "--defconfig=FILE", "Use the given configuration script." },
    { "-F", "--config=FILE", "Domain configuration to use (SXP)." },
    { "-n", "--dryrun", "Dry run - prints the resulting configuration in "
      "SXP but does not create the domain." },
    { "-x", "--xmldryrun", "XML dry run - prints the resulting "
      "configuration in XML but does not create the domain." },
    { "-s", "--skipdtd", "Skip DTD checking - skips checks on XML before "
      "creating." },
    { "-p", "--paused", "Leave the domain paused after it is created." },
    { "-c", "--console_autoconnect",
      "Connect to the console after the domain is created." },
    { NULL, NULL, NULL }
};
static const struct xm_option opts_shutdown[] = {
    { "-a", "--all", "Shutdown all domains." },
    { "-w", "--wait", "Wait for shutdown to complete." },
    { "-H", "--halt", "Shutdown without reboot." },
    { "-R", "--reboot", "Shutdown and reboot." },
    { NULL, NULL, NULL }
};
static const struct xm_option opts_reboot[] = {
    { "-a", "--all", "Reboot all domains." },
    { "-w", "--wait", "Wait for reboot to complete." },
    { NULL, NULL, NULL }
};
static const struct xm_option opts_uptime[] = {
    { "-s", "--short", "Print one short line per domain, as uptime(1)" },
    { NULL, NULL, NULL }
};
static const struct xm_option opts_help[] = {
    { "", "--long", "Full help: every command with its options" },
    { NULL, NULL, NULL }
};

static const struct xm_command commands[] = {
    { "console", "[-q|--quiet] <Domain>",
      "Attach to <Domain>'s console.", xm_cmd_console, opts_console },
    { "vncviewer", "[--[vncviewer-]autopass] <Domain>",
      "Attach to <Domain>'s VNC server.", NULL, NULL },
    { "create", "<ConfigFile> [options] [vars]",
      "Create a domain based on <ConfigFile>.", xm_cmd_create,
      opts_create },
    { "new", "<ConfigFile> [options] [vars]",
      "Adds a domain to Xend domain management", xm_cmd_new, opts_create },
    { "delete", "<DomainName>",
      "Remove a domain from Xend domain management.", xm_cmd_delete, NULL },
    { "destroy", "<Domain>", "Terminate a domain immediately.",
      xm_cmd_destroy, NULL },
    { "domid", "<DomainName>", "Convert a domain name to domain id.",
      xm_cmd_domid, NULL },
    { "domname", "<DomId>", "Convert a domain id to domain name.",
      xm_cmd_domname, NULL },
    { "dump-core", "[-L|--live] [-C|--crash] [-R|--reset] <Domain> "
      "[Filename]", "Dump core for a specific domain.", NULL, NULL },
    { "help", "[--long] [Command]", "Display this message.", NULL,
      opts_help },
    { "list", "[options] [Domain, ...]",
      "List information about all/some domains.", xm_cmd_list, opts_list },
    { "mem-max", "<Domain> <Mem>",
      "Set the maximum amount reservation for a domain.", xm_cmd_mem_max,
      NULL },
    { "mem-set", "<Domain> <Mem>",
      "Set the current memory usage for a domain.", xm_cmd_mem_set, NULL },
    { "migrate", "<Domain> <Host>",
      "Migrate a domain to another machine.", NULL, NULL },
    { "pause", "<Domain>", "Pause execution of a domain.", xm_cmd_pause,
      NULL },
    { "reboot", "<Domain> [-wa]", "Reboot a domain.", xm_cmd_reboot,
      opts_reboot },
    { "rename", "<Domain> <NewDomainName>", "Rename a domain.", NULL,
      NULL },
    { "reset", "<Domain>", "Reset a domain.", NULL, NULL },
    { "restore", "<CheckpointFile> [-p]",
      "Restore a domain from a saved state.", NULL, NULL },
    { "resume", "<DomainName>", "Resume a Xend managed domain", NULL, NULL },
    { "save", "[-c] <Domain> <CheckpointFile>",
      "Save a domain state to restore later.", NULL, NULL },
    { "shutdown", "<Domain> [-waRH]", "Shutdown a domain.", xm_cmd_shutdown,
      opts_shutdown },
    { "start", "<DomainName>", "Start a Xend managed domain", xm_cmd_start,
      opts_start },
    { "suspend", "<DomainName>", "Suspend a Xend managed domain", NULL,
      NULL },
    { "sysrq", "<Domain> <letter>", "Send a sysrq to a domain.", NULL,
      NULL },
    { "trigger", "<Domain> <nmi|reset|init|s3resume|power> [<VCPU>]",
      "Send a trigger to a domain.", NULL, NULL },
    { "top", "", "Monitor a host and the domains in real time.", xm_cmd_top,
      NULL },
    { "unpause", "<Domain>", "Unpause a paused domain.", xm_cmd_unpause,
      NULL },
    { "uptime", "[-s] [Domain, ...]", "Print uptime for all/some domains.",
      xm_cmd_uptime, opts_uptime },
    { "vcpu-list", "[Domain, ...]", "List the VCPUs for all/some domains.",
      xm_cmd_vcpu_list, NULL },
    { "vcpu-pin", "<Domain> <VCPU|all> <CPUs|all>",
      "Set which CPUs a VCPU can use.", xm_cmd_vcpu_pin, NULL },
    { "vcpu-set", "<Domain> <vCPUs>",
      "Set the number of active VCPUs for allowed for the domain.",
      xm_cmd_vcpu_set, NULL },
    /* host */
    { "debug-keys", "<Keys>", "Send debug keys to Xen.", NULL, NULL },
    { "dmesg", "[-c|--clear]", "Read and/or clear Xend's message buffer.",
      xm_cmd_dmesg, opts_dmesg },
    { "info", "[-c|--config]", "Get information about Xen host.",
      xm_cmd_info, opts_info },
    { "log", "", "Print Xend log", xm_cmd_log, NULL },
    /* scheduler */
    { "sched-credit", "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]]",
      "Get/set credit scheduler parameters.", NULL, NULL },
    { "sched-sedf", "<Domain> [options]", "Get/set EDF parameters.", NULL,
      NULL },
    /* devices */
    { "block-attach", "<Domain> <BackDev> <FrontDev> <Mode> [BackDomain]",
      "Create a new virtual block device.", NULL, NULL },
    { "block-detach", "<Domain> <DevId> [-f|--force]",
      "Destroy a domain's virtual block device.", NULL, NULL },
    { "block-list", "<Domain> [--long]",
      "List virtual block devices for a domain.", NULL, NULL },
    { "block-configure", "<Domain> <BackDev> <FrontDev> <Mode> "
      "[BackDomain]", "Change block device configuration", NULL, NULL },
    { "network-attach", "<Domain> [type=<type>] [mac=<mac>] "
      "[bridge=<bridge>] [ip=<ip>] [script=<script>] "
      "[backend=<BackDomain>] [vifname=<name>] [rate=<rate>] "
      "[model=<model>][accel=<accel>]",
      "Create a new virtual network device.", NULL, NULL },
    { "network-detach", "<Domain> <DevId> [-f|--force]",
      "Destroy a domain's virtual network device.", NULL, NULL },
    { "network-list", "<Domain> [--long]",
      "List virtual network interfaces for a domain.", NULL, NULL },
    { "vtpm-list", "<Domain> [--long]", "List virtual TPM devices.", NULL,
      NULL },
    { "pci-attach", "[-o|--options=<opt>] <Domain> <domain:bus:slot.func> "
      "[virtual slot]", "Insert a new pass-through pci device.", NULL,
      NULL },
    { "pci-detach", "<Domain> <domain:bus:slot.func>",
      "Remove a domain's pass-through pci device.", NULL, NULL },
    { "pci-list", "<Domain>", "List pass-through pci devices for a domain.",
      NULL, NULL },
    { "pci-list-assignable-devices", "",
      "List all the assignable pci devices", NULL, NULL },
    { "scsi-attach", "<Domain> <PhysDevice> <VirtDevice> [BackDomain]",
      "Attach a new SCSI device.", NULL, NULL },
    { "scsi-detach", "<Domain> <VirtDevice>",
      "Detach a specified SCSI device.", NULL, NULL },
    { "scsi-list", "<Domain> [--long]",
      "List all SCSI devices currently attached.", NULL, NULL },
    /* vnet */
    { "vnet-list", "[-l|--long]", "List Vnets.", NULL, NULL },
    { "vnet-create", "<ConfigFile>", "Create a vnet from ConfigFile.", NULL,
      NULL },
    { "vnet-delete", "<VnetId>", "Delete a Vnet.", NULL, NULL },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The groups of Xen 3.4's main.py (common_commands, domain_commands...). */
static const char *const common_cmds[] = {
    "console", "create", "new", "delete", "destroy", "dump-core", "help",
    "list", "mem-set", "migrate", "pause", "reboot", "restore", "save",
    "shutdown", "start", "top", "unpause", "uptime", "vcpu-set", NULL
};
static const char *const domain_cmds[] = {
    "console", "vncviewer", "create", "new", "delete", "destroy", "domid",
    "domname", "dump-core", "list", "mem-max", "mem-set", "migrate",
    "pause", "reboot", "rename", "reset", "restore", "resume", "save",
    "shutdown", "start", "suspend", "sysrq", "trigger", "top", "unpause",
    "uptime", "vcpu-list", "vcpu-pin", "vcpu-set", NULL
};
static const char *const host_cmds[] = {
    "debug-keys", "dmesg", "info", "log", NULL
};
static const char *const sched_cmds[] = {
    "sched-credit", "sched-sedf", NULL
};
static const char *const device_cmds[] = {
    "block-attach", "block-detach", "block-list", "block-configure",
    "network-attach", "network-detach", "network-list", "vtpm-list",
    "pci-attach", "pci-detach", "pci-list", "pci-list-assignable-devices",
    "scsi-attach", "scsi-detach", "scsi-list", NULL
};
static const char *const vnet_cmds[] = {
    "vnet-list", "vnet-create", "vnet-delete", NULL
};

static const struct {
    const char *title;
    const char *const *cmds;
} groups[] = {
    { "Domain Commands:", domain_cmds },
    { "Xen Host Commands:", host_cmds },
    { "Scheduler Commands:", sched_cmds },
    { "Virtual Device Commands:", device_cmds },
    { "Vnet Commands:", vnet_cmds },
};

/* Deprecated names Xen still accepted. */
static const struct {
    const char *old, *new;
} aliases[] = {
    { "balloon", "mem-set" },
    { "set-vcpus", "vcpu-set" },
    { "vif-list", "network-list" },
    { "vbd-create", "block-attach" },
    { "vbd-destroy", "block-detach" },
    { "vbd-list", "block-list" },
};

static const char usage_help[] =
    "Usage: xm <subcommand> [args]\n\n"
    "Control, list, and manipulate Xen guest instances.\n";
/* Xen's text, including the double space its string concatenation made. */
static const char usage_footer[] =
    "<Domain> can either be the Domain Name or Id.\n"
    "For more help on 'xm' see the xm(1) man page.\n"
    "For more help on 'xm create' see the xmdomain.cfg(5)  man page.\n";

const struct xm_command *xm_find_command(const char *name)
{
    size_t i;

    for ( i = 0; i < NR_COMMANDS; i++ )
        if ( strcmp(commands[i].name, name) == 0 )
            return &commands[i];
    return NULL;
}

static void print_entry(FILE *f, const struct xm_command *c)
{
    char lines[8][128];
    size_t n, i;

    n = xm_wrap(c->desc, 50, lines, 8);
    fprintf(f, " %-20s %-50s\n", c->name, n ? lines[0] : "");
    for ( i = 1; i < n; i++ )
        fprintf(f, "%22s%s\n", "", lines[i]);
}

static void print_options(FILE *f, const struct xm_option *o)
{
    for ( ; o && o->desc; o++ )
    {
        char optdesc[64], lines[8][128];
        size_t n, i;

        if ( o->shortopt[0] && o->longopt[0] )
            snprintf(optdesc, sizeof(optdesc), "%s, %s", o->shortopt,
                     o->longopt);
        else
            snprintf(optdesc, sizeof(optdesc), "%s",
                     o->shortopt[0] ? o->shortopt : o->longopt);
        n = xm_wrap(o->desc, 43, lines, 8);
        fprintf(f, "  %-30s %-43s\n", optdesc, n ? lines[0] : "");
        for ( i = 1; i < n; i++ )
            fprintf(f, "%33s%s\n", "", lines[i]);
    }
}

static const struct xm_command *lookup_prefix(const char *name)
{
    const struct xm_command *found = NULL;
    size_t i, len = strlen(name);

    for ( i = 0; i < NR_COMMANDS; i++ )
        if ( strncmp(commands[i].name, name, len) == 0 )
        {
            if ( found )
                return NULL;
            found = &commands[i];
        }
    return found;
}

static void short_help(FILE *f)
{
    const char *const *c;

    fprintf(f, "%s\nCommon 'xm' commands:\n\n", usage_help);
    for ( c = common_cmds; *c; c++ )
        print_entry(f, xm_find_command(*c));
    fprintf(f, "\n%s\nFor a complete list of subcommands run 'xm help'.\n",
            usage_footer);
}

static void grouped_help(FILE *f, bool full)
{
    const char *const *c;
    size_t g;

    fprintf(f, "%s\n", usage_help);
    for ( g = 0; g < sizeof(groups) / sizeof(groups[0]); g++ )
    {
        fprintf(f, "%s\n", groups[g].title);
        if ( full )
            fputc('\n', f);
        for ( c = groups[g].cmds; *c; c++ )
        {
            const struct xm_command *cmd = xm_find_command(*c);

            if ( !full )
            {
                print_entry(f, cmd);
                continue;
            }
            fprintf(f, " xm %s %s\n", cmd->name, cmd->args);
            fprintf(f, "    %s%s\n", cmd->desc,
                    cmd->fn || !strcmp(cmd->name, "help") ? "" :
                    " (Not in this Keel release yet.)");
            print_options(f, cmd->options);
            fputc('\n', f);
        }
        if ( !full )
            fputc('\n', f);
    }
    fprintf(f, "%s\n", usage_footer);
}

void xm_cmd_help(FILE *f, const char *name)
{
    const struct xm_command *c = xm_find_command(name);

    if ( !c )
        c = lookup_prefix(name);
    if ( !c )
    {
        short_help(f);
        return;
    }
    fprintf(f, "Usage: xm %s %s\n\n%s\n", c->name, c->args, c->desc);
    if ( !c->fn && strcmp(c->name, "help") )
        fprintf(f, "This Keel release does not support 'xm %s' yet.\n",
                c->name);
    if ( c->options )
    {
        print_options(f, c->options);
        fputc('\n', f);
    }
}

void xm_error(struct xm_ctx *x, const char *fmt, ...)
{
    va_list ap;

    fputs("Error: ", x->err);
    va_start(ap, fmt);
    vfprintf(x->err, fmt, ap);
    va_end(ap);
    fputc('\n', x->err);
}

int xm_usage_error(struct xm_ctx *x, const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fputs("Error: ", x->err);
    va_start(ap, fmt);
    vfprintf(x->err, fmt, ap);
    va_end(ap);
    fputc('\n', x->err);
    xm_cmd_help(x->out, cmd);
    return 1;
}

int xm_arg_check(struct xm_ctx *x, const char *cmd, int n, int lo, int hi)
{
    if ( hi < 0 )
    {
        if ( n != lo )
            return xm_usage_error(x, cmd, "'xm %s' requires %d argument%s.\n",
                                  cmd, lo, lo == 1 ? "" : "s");
    }
    else if ( n < lo || n > hi )
        return xm_usage_error(x, cmd, "'xm %s' requires between %d and %d "
                              "arguments.\n", cmd, lo, hi);
    return 0;
}

static int connect_xend(struct xm_ctx *x)
{
    struct xmlrpc_error err;

    if ( x->client )
        return 0;
    x->client = xmlrpc_connect(x->server, &err);
    if ( x->client )
        return 0;
    if ( err.sys_errno == EACCES || err.sys_errno == EPERM )
        xm_error(x, "Unable to connect to xend: %s. Most commands need "
                 "root access. Please try again as root.", err.message);
    else
        xm_error(x, "Unable to connect to xend: %s. Is xend running?",
                 err.message);
    return -1;
}

int xm_call(struct xm_ctx *x, struct xmlrpc_value **result,
            const char *method, ...)
{
    struct xmlrpc_value *params = xmlrpc_array(), *v;
    struct xmlrpc_error err;
    va_list ap;
    int rc;

    *result = NULL;
    va_start(ap, method);
    while ( (v = va_arg(ap, struct xmlrpc_value *)) )
        xmlrpc_array_append(params, v);
    va_end(ap);
    if ( !params )
    {
        xm_error(x, "out of memory calling %s", method);
        return -1;
    }
    if ( connect_xend(x) )
    {
        xmlrpc_free(params);
        return -1;
    }
    rc = xmlrpc_call_array(x->client, method, params, result, &err);
    xmlrpc_free(params);
    if ( rc == 0 )
        return 0;
    switch ( err.status )
    {
    case XMLRPC_E_FAULT:
        if ( err.code == XMLRPC_FAULT_INVALID_DOMAIN )
            xm_error(x, "Domain '%s' does not exist.", err.message);
        else if ( err.code == XMLRPC_FAULT_NO_METHOD )
            xm_error(x, "xend does not implement %s (%s): is it older "
                     "than this xm?", method, err.message);
        else
            xm_error(x, "%s", err.message);
        break;
    case XMLRPC_E_SYSTEM:
        xm_error(x, "Lost the connection to xend during %s: %s. Is xend "
                 "still running?", method, err.message);
        break;
    default:
        xm_error(x, "xend sent a reply to %s that xm cannot read: %s. "
                 "Xend has probably crashed; see /var/log/xen/xend.log.",
                 method, err.message);
        break;
    }
    return -1;
}

static int cmd_help(struct xm_ctx *x, int argc, char **argv)
{
    bool full = false;
    int i;

    for ( i = 1; i < argc; i++ )
    {
        if ( strcmp(argv[i], "--long") == 0 )
            full = true;
        else
        {
            xm_cmd_help(x->out, argv[i]);
            return 0;
        }
    }
    grouped_help(x->out, full);
    return 0;
}

static int run(struct xm_ctx *x, int argc, char **argv)
{
    const struct xm_command *c;
    const char *name;
    size_t i;
    int a;

    if ( argc < 2 )
    {
        short_help(x->out);
        return 1;
    }
    /* xm --help / -h, or "xm <cmd> ... --help" (Xen's interception). */
    for ( a = 1; a < argc; a++ )
        if ( !strcmp(argv[a], "--help") || !strcmp(argv[a], "-h") )
        {
            if ( a == 1 )
            {
                grouped_help(x->out, false);
                return 0;
            }
            xm_cmd_help(x->out, argv[1]);
            return strcmp(argv[1], "help") ? 1 : 0;
        }

    name = argv[1];
    if ( strcmp(name, "help") == 0 )
        return cmd_help(x, argc - 1, argv + 1);
    c = xm_find_command(name);
    for ( i = 0; !c && i < sizeof(aliases) / sizeof(aliases[0]); i++ )
        if ( strcmp(aliases[i].old, name) == 0 )
        {
            fprintf(x->err, "Command %s is deprecated.  Please use xm %s "
                    "instead.\n", aliases[i].old, aliases[i].new);
            c = xm_find_command(aliases[i].new);
        }
    /* Like getopt, a unique prefix names a command ("xm unp d1"). */
    if ( !c && strlen(name) > 1 )
        c = lookup_prefix(name);
    if ( !c )
    {
        xm_error(x, "Subcommand %s not found!", name);
        short_help(x->out);
        return 1;
    }
    if ( !c->fn )
    {
        xm_error(x, "'xm %s' is not supported by this Keel release yet. "
                 "See 'xm help' for the commands that are.", c->name);
        return 1;
    }
    return c->fn(x, argc - 1, argv + 1);
}

int xm_main(int argc, char **argv, FILE *out, FILE *err)
{
    struct xm_ctx x = { .out = out, .err = err };
    const char *env = getenv("XM_SERVER");
    int rc;

    x.server = env && *env ? env : XM_DEFAULT_SERVER;
    rc = run(&x, argc, argv);
    xmlrpc_close(x.client);
    fflush(out);
    fflush(err);
    return rc;
}
