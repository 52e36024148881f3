/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenstore-* command-line tools, one program run under several names
 * (xenstore-read, -write, -ls, -rm, -exists, -list, -watch, -chmod) or as
 * "xenstore <command> ...".  Options and output follow Xen's tools.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xenstore.h"
#include "xenstore_client.h"

enum cmd
{
    CMD_READ, CMD_WRITE, CMD_LS, CMD_RM, CMD_EXISTS, CMD_LIST, CMD_WATCH,
    CMD_CHMOD,
};

static const struct
{
    const char *name;
    enum cmd cmd;
    const char *args;
} cmds[] = {
    { "read",   CMD_READ,   "[-p] [-s] key [...]" },
    { "write",  CMD_WRITE,  "[-s] key value [...]" },
    { "ls",     CMD_LS,     "[-f] [-p] [-s] [path]" },
    { "rm",     CMD_RM,     "[-r] [-t] [-s] key [...]" },
    { "exists", CMD_EXISTS, "[-s] key [...]" },
    { "list",   CMD_LIST,   "[-p] [-s] key [...]" },
    { "watch",  CMD_WATCH,  "[-n NR] [-s] key [...]" },
    { "chmod",  CMD_CHMOD,  "[-r] [-u] [-s] key mode [mode...]" },
};

static const char *prog;

static void usage(const char *name, const char *args)
{
    fprintf(stderr, "Usage: xenstore-%s %s\n", name, args);
}

static void fail(const char *what, const char *path)
{
    int e = errno;

    fprintf(stderr, "%s: could not %s %s: %s (%s)\n", prog, what, path,
            strerror(e), xs_error_name(e));
}

/*
 * Values are shown as Xen's tools show them: printable ASCII as is,
 * backslash, tab, newline and return as \\ \t \n \r, other bytes as
 * \ and three octal digits.  xenstore-write takes the same escapes.
 */
static char *sanitise(const char *val, unsigned int len)
{
    char *out = malloc(len * 4 + 1), *p = out;
    unsigned int i;

    if ( !out )
        return NULL;
    for ( i = 0; i < len; i++ )
    {
        unsigned char c = val[i];

        if ( c >= ' ' && c <= '~' && c != '\\' )
            *p++ = c;
        else if ( c == '\\' )
            p += sprintf(p, "\\\\");
        else if ( c == '\t' )
            p += sprintf(p, "\\t");
        else if ( c == '\n' )
            p += sprintf(p, "\\n");
        else if ( c == '\r' )
            p += sprintf(p, "\\r");
        else
            p += sprintf(p, "\\%03o", c);
    }
    *p = '\0';
    return out;
}

static char *unsanitise(const char *in, unsigned int *len)
{
    char *out = malloc(strlen(in) + 1), *p = out;

    if ( !out )
        return NULL;
    while ( *in )
    {
        if ( *in != '\\' || !in[1] )
        {
            *p++ = *in++;
            continue;
        }
        in++;
        switch ( *in )
        {
        case 't': *p++ = '\t'; in++; break;
        case 'n': *p++ = '\n'; in++; break;
        case 'r': *p++ = '\r'; in++; break;
        case '0' ... '7':
        {
            int v = 0, k;

            for ( k = 0; k < 3 && *in >= '0' && *in <= '7'; k++ )
                v = v * 8 + (*in++ - '0');
            *p++ = v;
            break;
        }
        default: *p++ = *in++; break;
        }
    }
    *len = p - out;
    return out;
}

/* Xen's layout: " = \"value\"" cut at the width with "\...". */
#define TAG_LEN 9           /* strlen(" = \"...\"") */

struct ls_opts
{
    bool full, perms;
    int max_width, desired_width;
};

static int do_ls(struct xs_handle *h, FILE *out, const char *path,
                 int depth, const struct ls_opts *o)
{
    unsigned int num, i;
    char **children = xs_directory(h, XBT_NULL, path, &num);
    int rc = 0;

    if ( !children )
    {
        fail("list", path);
        return 1;
    }
    for ( i = 0; i < num; i++ )
    {
        char *child, *val, *clean = NULL;
        unsigned int len;
        int width = 0;

        if ( asprintf(&child, "%s%s%s", path,
                      path[strlen(path) - 1] == '/' ? "" : "/",
                      children[i]) < 0 )
        {
            rc = 1;
            break;
        }
        if ( o->full )
            width = fprintf(out, "%s", child);
        else
            width = fprintf(out, "%*s%.*s", depth, "",
                            o->max_width - TAG_LEN - depth, children[i]);
        val = xs_read(h, XBT_NULL, child, &len);
        if ( val )
            clean = sanitise(val, len);
        if ( !clean )
            fputs(":", out);
        else if ( o->max_width < width + (int)len + TAG_LEN )
            fprintf(out, " = \"%.*s\\...\"",
                    o->max_width - TAG_LEN - width, clean);
        else
        {
            width += fprintf(out, " = \"%s\"", clean);
            if ( o->perms )
            {
                fputc(' ', out);
                for ( width++; width < o->desired_width &&
                               width < o->max_width; width++ )
                    fputc(width & 1 ? '.' : ' ', out);
            }
        }
        free(clean);
        free(val);
        if ( o->perms )
        {
            unsigned int np, j;
            struct xs_permissions *p =
                xs_get_permissions(h, XBT_NULL, child, &np);

            if ( !p )
                fail("read the permissions of", child);
            else
            {
                fputs("  (", out);
                for ( j = 0; j < np; j++ )
                {
                    char buf[16];

                    xs_perm_to_string(&p[j], buf, sizeof(buf));
                    fprintf(out, "%s%s", j ? "," : "", buf);
                }
                fputc(')', out);
                free(p);
            }
        }
        fputc('\n', out);
        rc |= do_ls(h, out, child, depth + 1, o);
        free(child);
    }
    free(children);
    return rc;
}

static int do_chmod(struct xs_handle *h, xs_transaction_t t,
                    const char *path,
                    struct xs_permissions *perms, unsigned int n,
                    bool recurse, bool upto)
{
    unsigned int num, i;
    char **children;
    int rc = 0;

    if ( !xs_set_permissions(h, t, path, perms, n) )
    {
        fail("set permissions of", path);
        return 1;
    }
    if ( upto )
    {
        /* -u: the same permissions on every parent up to the root. */
        char *p = strdup(path), *slash;

        while ( p && (slash = strrchr(p, '/')) && slash != p )
        {
            *slash = '\0';
            if ( !xs_set_permissions(h, t, p, perms, n) )
            {
                fail("set permissions of", p);
                rc = 1;
                break;
            }
        }
        free(p);
    }
    if ( !recurse )
        return 0;
    children = xs_directory(h, t, path, &num);
    for ( i = 0; children && i < num; i++ )
    {
        char *child;

        if ( asprintf(&child, "%s%s%s", path, strcmp(path, "/") ? "/" : "",
                      children[i]) < 0 )
            return 1;
        rc |= do_chmod(h, t, child, perms, n, true, false);
        free(child);
    }
    free(children);
    return rc;
}

/* rm -t: also remove parents left empty (Xen's "tidy"). */
static void tidy(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    char *p = strdup(path), *slash;

    while ( p && (slash = strrchr(p, '/')) && slash != p )
    {
        unsigned int num;
        char **c;

        *slash = '\0';
        c = xs_directory(h, t, p, &num);
        free(c);
        if ( !c || num || !xs_rm(h, t, p) )
            break;
    }
    free(p);
}

int xenstore_client_main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
                                             : argv[0];
    bool prefix = false, socket_only = false, full = false, recurse = false;
    bool do_tidy = false, upto = false;
    long watch_max = -1;
    unsigned int ci;
    int opt, i, rc = 0;
    struct xs_handle *h;
    FILE *out = stdout;
    xs_transaction_t t = XBT_NULL;
    bool use_txn;
    char *held = NULL;
    size_t held_len = 0;
    int attempts = 0;

    prog = base;
    if ( !strncmp(base, "xenstore-", 9) )
        base += 9;
    else if ( argc > 1 )
    {
        /* "xenstore read ..." */
        base = argv[1];
        argv++;
        argc--;
    }
    for ( ci = 0; ci < sizeof(cmds) / sizeof(cmds[0]); ci++ )
        if ( !strcmp(cmds[ci].name, base) )
            break;
    if ( ci == sizeof(cmds) / sizeof(cmds[0]) )
    {
        fprintf(stderr, "%s: unknown command '%s'; one of: read write ls rm"
                " exists list watch chmod\n", prog, base);
        return 1;
    }

    optind = 1;
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "flat", no_argument, NULL, 'f' },
        { "socket", no_argument, NULL, 's' },
        { "prefix", no_argument, NULL, 'p' },
        { "tidy", no_argument, NULL, 't' },
        { "upto", no_argument, NULL, 'u' },
        { "recurse", no_argument, NULL, 'r' },
        { "number", required_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };

    while ( (opt = getopt_long(argc, argv, "+hpsfrtun:", longopts,
                               NULL)) != -1 )
    {
        switch ( opt )
        {
        case 'p': prefix = true; break;
        case 's': socket_only = true; break;
        case 'f': full = true; break;
        case 'r': recurse = true; break;
        case 't': do_tidy = true; break;
        case 'u': upto = true; break;
        case 'n':
            watch_max = strtol(optarg, NULL, 10);
            if ( watch_max <= 0 )
            {
                fprintf(stderr, "%s: -n wants a positive count, got '%s'\n",
                        prog, optarg);
                return 1;
            }
            break;
        case 'h':
            usage(cmds[ci].name, cmds[ci].args);
            return 0;
        default:
            usage(cmds[ci].name, cmds[ci].args);
            return 1;
        }
    }
    argc -= optind;
    argv += optind;
    if ( (cmds[ci].cmd != CMD_LS && argc < 1) ||
         (cmds[ci].cmd == CMD_WRITE && (argc % 2)) ||
         (cmds[ci].cmd == CMD_CHMOD && argc < 2) )
    {
        usage(cmds[ci].name, cmds[ci].args);
        return 1;
    }

    h = xs_open(socket_only ? XS_OPEN_SOCKETONLY : 0);
    if ( !h )
    {
        fprintf(stderr, "%s: could not connect to xenstored at %s: %s (is"
                " xenstored running? XENSTORED_PATH names another"
                " socket)\n", prog, xs_daemon_socket(), strerror(errno));
        return 1;
    }

    /*
     * Like Xen's tools, commands that touch several nodes do it in one
     * transaction, started again if xenstored reports a conflict
     * (EAGAIN); their output is held back until the commit succeeded.
     */
    use_txn = cmds[ci].cmd != CMD_LS && cmds[ci].cmd != CMD_WATCH &&
              !(cmds[ci].cmd == CMD_READ && argc == 1) &&
              !(cmds[ci].cmd == CMD_WRITE && argc == 2);
 again:
    if ( use_txn )
    {
        t = xs_transaction_start(h);
        if ( t == XBT_NULL )
        {
            fprintf(stderr, "%s: could not start a transaction: %s\n",
                    prog, strerror(errno));
            xs_close(h);
            return 1;
        }
        free(held);
        held = NULL;
        out = open_memstream(&held, &held_len);
        if ( !out )
        {
            xs_transaction_end(h, t, true);
            xs_close(h);
            return 1;
        }
    }

    switch ( cmds[ci].cmd )
    {
    case CMD_READ:
        for ( i = 0; i < argc; i++ )
        {
            unsigned int len;
            char *val = xs_read(h, t, argv[i], &len), *clean;

            if ( !val )
            {
                fail("read", argv[i]);
                rc = 1;
                break;
            }
            clean = sanitise(val, len);
            if ( prefix )
                fprintf(out, "%s: ", argv[i]);
            fprintf(out, "%s\n", clean ? clean : "");
            free(clean);
            free(val);
        }
        break;

    case CMD_WRITE:
        for ( i = 0; i < argc; i += 2 )
        {
            unsigned int len;
            char *val = unsanitise(argv[i + 1], &len);

            if ( !val || !xs_write(h, t, argv[i], val, len) )
            {
                fail("write", argv[i]);
                free(val);
                rc = 1;
                break;
            }
            free(val);
        }
        break;

    case CMD_RM:
        /* Removal is always recursive; -r is accepted for habit's sake. */
        for ( i = 0; i < argc; i++ )
        {
            if ( !xs_rm(h, t, argv[i]) )
            {
                fail("remove", argv[i]);
                rc = 1;
                break;
            }
            if ( do_tidy )
                tidy(h, t, argv[i]);
        }
        break;

    case CMD_EXISTS:
        for ( i = 0; i < argc; i++ )
        {
            char *val = xs_read(h, t, argv[i], NULL);

            if ( !val )
            {
                rc = 1;
                break;
            }
            free(val);
        }
        break;

    case CMD_LIST:
        for ( i = 0; i < argc; i++ )
        {
            unsigned int num, j;
            char **list = xs_directory(h, t, argv[i], &num);

            if ( !list )
            {
                fail("list", argv[i]);
                rc = 1;
                break;
            }
            for ( j = 0; j < num; j++ )
                if ( prefix )
                    fprintf(out, "%s%s%s\n", argv[i],
                            strcmp(argv[i], "/") ? "/" : "", list[j]);
                else
                    fprintf(out, "%s\n", list[j]);
            free(list);
        }
        break;

    case CMD_LS:
    {
        /* Like Xen's: 80 columns, or the terminal's; -f: no limit. */
        struct ls_opts o = { full, prefix, 80, 60 };
        struct winsize ws;

        if ( full )
        {
            o.max_width = INT_MAX / 2;
            o.desired_width = 0;
        }
        /* A console that knows no size (hvc0, a serial line) says 0
         * columns: keep 80 rather than cut every value to nothing. */
        else if ( ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
                  ws.ws_col > TAG_LEN + 2 )
            o.max_width = ws.ws_col - 2;
        if ( !argc )
            rc = do_ls(h, out, "/", 0, &o);
        for ( i = 0; i < argc; i++ )
            rc |= do_ls(h, out, argv[i], 0, &o);
        break;
    }

    case CMD_WATCH:
        for ( i = 0; i < argc; i++ )
            if ( !xs_watch(h, argv[i], argv[i]) )
            {
                fail("watch", argv[i]);
                rc = 1;
                goto done;
            }
        fflush(out);
        while ( watch_max != 0 )
        {
            unsigned int num;
            char **vec = xs_read_watch(h, &num);

            if ( !vec )
            {
                fprintf(stderr, "%s: lost the connection to xenstored:"
                        " %s\n", prog, strerror(errno));
                rc = 1;
                break;
            }
            fprintf(out, "%s\n", vec[XS_WATCH_PATH]);
            fflush(out);
            free(vec);
            if ( watch_max > 0 )
                watch_max--;
        }
        break;

    case CMD_CHMOD:
    {
        unsigned int n = argc - 1;
        struct xs_permissions *perms = calloc(n, sizeof(*perms));

        for ( i = 0; perms && i < (int)n; i++ )
            if ( !xs_strings_to_perms(&perms[i], 1, argv[i + 1]) )
            {
                fprintf(stderr, "%s: bad permission '%s': want n, r, w or b"
                        " followed by a domain id, e.g. r0\n", prog,
                        argv[i + 1]);
                rc = 1;
                break;
            }
        if ( perms && !rc )
            rc = do_chmod(h, t, argv[0], perms, n, recurse, upto);
        free(perms);
        break;
    }
    }
    if ( use_txn )
    {
        fclose(out);
        out = stdout;
        if ( !xs_transaction_end(h, t, rc != 0) && rc == 0 )
        {
            if ( errno == EAGAIN && ++attempts < 100 )
                goto again;
            fprintf(stderr, "%s: could not commit the transaction: %s\n",
                    prog, strerror(errno));
            rc = 1;
        }
        else if ( rc == 0 )
            fwrite(held, 1, held_len, stdout);
        free(held);
    }
 done:
    fflush(out);
    xs_close(h);
    return rc;
}
