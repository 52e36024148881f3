/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xm's output formats (Xen 3.x python xm, byte for byte), as pure
 * functions from the SXP records xend sends to text.  No I/O other than
 * the FILE given, no clock: callers pass the time.
 */
#ifndef KEEL_XM_FORMAT_H
#define KEEL_XM_FORMAT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "xmlrpc.h"

/* What xm list / uptime read from a (domain ...) record. */
struct xm_dominfo {
    char domid[24];         /* "" for a managed domain that is not running */
    char name[256];         /* "??" when missing, as Xen's parse_doms_info */
    char state[16];         /* "r-----" etc., as xend sent it */
    int vcpus;              /* online_vcpus, else vcpus */
    long long mem;          /* MiB */
    double cpu_time;        /* seconds */
    double start_time;      /* epoch seconds, -1 unknown */
};

void xm_dominfo_parse(const struct xmlrpc_value *dom, struct xm_dominfo *d);

/* State flags, in xm list's order r b p s c d. */
#define XM_STATE_RUNNING   (1u << 0)
#define XM_STATE_BLOCKED   (1u << 1)
#define XM_STATE_PAUSED    (1u << 2)
#define XM_STATE_SHUTDOWN  (1u << 3)
#define XM_STATE_CRASHED   (1u << 4)
#define XM_STATE_DYING     (1u << 5)
/* "r-----", "-b----", "--p---" ... into out[7]. */
void xm_state_string(unsigned int flags, char out[7]);

/* xm list */
void xm_print_list_header(FILE *f);
void xm_print_list_row(FILE *f, const struct xm_dominfo *d);

/* xm info: one "key<pad>: value" line per (key value) of (xend ...). */
void xm_print_info(FILE *f, const struct xmlrpc_value *info);
/* nr_cpus from that same record, or -1. */
int xm_info_nr_cpus(const struct xmlrpc_value *info);

/* xm vcpu-list */
void xm_print_vcpu_header(FILE *f);
/* All (vcpu ...) rows of one getVCPUInfo record. */
void xm_print_vcpus(FILE *f, const struct xmlrpc_value *dom, int nr_cpus);
/* "0-3,5", "any cpu" (all of nr_cpus), "no cpus". */
void xm_format_cpumap(const struct xmlrpc_value *cpumap, int nr_cpus,
                      char *buf, size_t len);

/* xm uptime */
void xm_print_uptime_header(FILE *f);
/* Seconds up: dom0 from dom0_uptime (/proc/uptime), others from start. */
long long xm_uptime_seconds(const struct xm_dominfo *d, double now,
                            double dom0_uptime);
/* now_tm is only used by the short (-s) form. */
void xm_print_uptime(FILE *f, const struct xm_dominfo *d,
                     long long seconds, bool short_mode,
                     const struct tm *now_tm);

/*
 * SXP, laid out as Xen's PrettyPrint.prettyprint (width 80): a list that
 * fits on the rest of the line is printed flat, otherwise its items go
 * one per line indented by 4 and ")" goes under "(".  Ends with "\n".
 */
void xm_sxp_pretty(FILE *f, const struct xmlrpc_value *v);
/* Flat, as sxp.show(); atoms quoted as Python's repr when needed. */
void xm_sxp_flat(FILE *f, const struct xmlrpc_value *v);

/* Word wrap as Xen's opts.wrap: lines of at most width (a word longer
 * than width stands alone).  Returns the number of lines stored. */
size_t xm_wrap(const char *text, size_t width, char lines[][128],
               size_t max_lines);

#endif /* KEEL_XM_FORMAT_H */
