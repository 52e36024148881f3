/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xm internals: the command table (main.c) and the commands (cmds.c,
 * create.c).  xm_main() is the whole program, callable from tests with
 * their own streams; nothing in xm calls exit().
 */
#ifndef KEEL_XM_H
#define KEEL_XM_H

#include <stdbool.h>
#include <stdio.h>

#include "xmlrpc.h"

/* Where xm talks to xend: $XM_SERVER (as in Xen), else this. */
#define XM_DEFAULT_SERVER   XMLRPC_DEFAULT_SOCKET
#define XM_XENCONSOLE       "/usr/lib/xen/bin/xenconsole"
#define XM_XENTOP           "/usr/sbin/xentop"

struct xm_ctx {
    FILE *out, *err;
    const char *server;             /* socket path */
    struct xmlrpc_client *client;   /* connected on first use */
};

struct xm_option {
    const char *shortopt, *longopt, *desc;
};

struct xm_command {
    const char *name;
    const char *args;               /* usage after "xm <name> " */
    const char *desc;
    /* NULL: a command of a later Keel release (help only). */
    int (*fn)(struct xm_ctx *x, int argc, char **argv);
    const struct xm_option *options;
};

int xm_main(int argc, char **argv, FILE *out, FILE *err);

const struct xm_command *xm_find_command(const char *name);
/* Usage of one command, as "xm help <cmd>" prints it. */
void xm_cmd_help(FILE *f, const char *name);

/* Helpers for the commands. */
void xm_error(struct xm_ctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "Error: 'xm <cmd>' requires ..." plus the usage; returns 1. */
int xm_arg_check(struct xm_ctx *x, const char *cmd, int n, int lo, int hi);
int xm_usage_error(struct xm_ctx *x, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Calls a method on xend (connecting first).  On failure prints Xen's
 * message (no xend, unknown domain, xend's fault text) and returns -1.
 * Arguments are consumed, NULL-terminated.
 */
int xm_call(struct xm_ctx *x, struct xmlrpc_value **result,
            const char *method, ...) __attribute__((sentinel));

/* Commands (cmds.c). */
int xm_cmd_list(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_info(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_vcpu_list(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_uptime(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_dmesg(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_log(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_destroy(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_pause(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_unpause(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_shutdown(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_reboot(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_domid(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_domname(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_mem_set(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_mem_max(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_vcpu_set(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_vcpu_pin(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_console(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_top(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_start(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_delete(struct xm_ctx *x, int argc, char **argv);
/* create.c */
int xm_cmd_create(struct xm_ctx *x, int argc, char **argv);
int xm_cmd_new(struct xm_ctx *x, int argc, char **argv);
/* Attach to a domain's console: execs xenconsole, returns only on error. */
int xm_exec_console(struct xm_ctx *x, const char *domid);

#endif /* KEEL_XM_H */
