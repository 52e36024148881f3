/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xm output formats.  The printf formats are Xen 3.4's (tools/python/xen/
 * xm/main.py), including its padding: users' scripts parse these.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

static const char *child(const struct xmlrpc_value *v, const char *name,
                         const char *def, char *buf, size_t len)
{
    return xmlrpc_sxp_child_value(v, name, def, buf, len);
}

static long long to_ll(const char *s, long long def)
{
    char *end;
    long long x;

    if ( !s || !*s )
        return def;
    x = strtoll(s, &end, 10);
    /* Python's int("512.0") fails; xend always sent plain integers. */
    return *end ? def : x;
}

static double to_double(const char *s, double def)
{
    char *end;
    double x;

    if ( !s || !*s )
        return def;
    x = strtod(s, &end);
    return *end ? def : x;
}

void xm_dominfo_parse(const struct xmlrpc_value *dom, struct xm_dominfo *d)
{
    char buf[64];
    const char *s;

    memset(d, 0, sizeof(*d));
    snprintf(d->domid, sizeof(d->domid), "%s",
             child(dom, "domid", "", buf, sizeof(buf)));
    snprintf(d->name, sizeof(d->name), "%s",
             child(dom, "name", "??", buf, sizeof(buf)));
    snprintf(d->state, sizeof(d->state), "%s",
             child(dom, "state", "", buf, sizeof(buf)));
    s = child(dom, "online_vcpus", NULL, buf, sizeof(buf));
    if ( !s )
        s = child(dom, "vcpus", "0", buf, sizeof(buf));
    d->vcpus = (int)to_ll(s, 0);
    d->mem = to_ll(child(dom, "memory", "0", buf, sizeof(buf)), 0);
    d->cpu_time = to_double(child(dom, "cpu_time", "0", buf, sizeof(buf)),
                            0.0);
    d->start_time = to_double(child(dom, "start_time", "-1", buf,
                                    sizeof(buf)), -1);
}

void xm_state_string(unsigned int flags, char out[7])
{
    static const char letters[] = "rbpscd";
    unsigned int i;

    for ( i = 0; i < 6; i++ )
        out[i] = (flags & (1u << i)) ? letters[i] : '-';
    out[6] = '\0';
}

void xm_print_list_header(FILE *f)
{
    fprintf(f, "%-40s %5s %5s %5s %10s %9s\n",
            "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
}

void xm_print_list_row(FILE *f, const struct xm_dominfo *d)
{
    fprintf(f, "%-40s %5s %5lld %5d %10s %8.1f\n", d->name, d->domid,
            d->mem, d->vcpus, d->state, d->cpu_time);
}

void xm_print_info(FILE *f, const struct xmlrpc_value *info)
{
    char buf[64];
    size_t i;

    if ( !info || info->type != XMLRPC_ARRAY )
        return;
    /* Element 0 is the record's name ("xend"). */
    for ( i = 1; i < info->len; i++ )
    {
        const struct xmlrpc_value *x = info->items[i];
        const char *key = xmlrpc_sxp_name(x), *val;

        if ( !key )
            continue;
        if ( x->len < 2 )
        {
            fprintf(f, "%-23s: (none)\n", key);
            continue;
        }
        val = xmlrpc_atom_text(x->items[1], buf, sizeof(buf));
        fprintf(f, "%-23s: ", key);
        if ( val )
            fputs(val, f);
        else
            xm_sxp_flat(f, x->items[1]);
        fputc('\n', f);
    }
}

int xm_info_nr_cpus(const struct xmlrpc_value *info)
{
    char buf[64];

    return (int)to_ll(child(info, "nr_cpus", NULL, buf, sizeof(buf)), -1);
}

void xm_print_vcpu_header(FILE *f)
{
    fprintf(f, "%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU",
            "CPU", "State", "Time(s)", "CPU Affinity");
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

void xm_format_cpumap(const struct xmlrpc_value *cpumap, int nr_cpus,
                      char *buf, size_t len)
{
    int *cpus;
    size_t n = 0, i, j, used = 0;
    char tmp[64];

    buf[0] = '\0';
    if ( !cpumap || cpumap->type != XMLRPC_ARRAY )
    {
        snprintf(buf, len, "no cpus");
        return;
    }
    cpus = calloc(cpumap->len + 1, sizeof(*cpus));
    if ( !cpus )
    {
        snprintf(buf, len, "?");
        return;
    }
    /* Only CPUs that exist, each once (Xen drops the rest). */
    for ( i = 0; i < cpumap->len; i++ )
    {
        const char *t = xmlrpc_atom_text(cpumap->items[i], tmp, sizeof(tmp));
        long long c = to_ll(t, -1);
        bool dup = false;

        if ( c < 0 || (nr_cpus >= 0 && c >= nr_cpus) )
            continue;
        for ( j = 0; j < n; j++ )
            dup |= cpus[j] == c;
        if ( !dup )
            cpus[n++] = (int)c;
    }
    if ( nr_cpus >= 0 && (int)n == nr_cpus )
    {
        snprintf(buf, len, "any cpu");
        free(cpus);
        return;
    }
    if ( n == 0 )
    {
        snprintf(buf, len, "no cpus");
        free(cpus);
        return;
    }
    qsort(cpus, n, sizeof(*cpus), cmp_int);
    for ( i = 0; i < n; i = j + 1 )
    {
        int w;

        for ( j = i; j + 1 < n && cpus[j + 1] == cpus[j] + 1; j++ )
            ;
        if ( i == j )
            w = snprintf(tmp, sizeof(tmp), "%s%d", i ? "," : "", cpus[i]);
        else
            w = snprintf(tmp, sizeof(tmp), "%s%d-%d", i ? "," : "",
                         cpus[i], cpus[j]);
        if ( used + w + 1 > len )
            break;
        memcpy(buf + used, tmp, w + 1);
        used += w;
    }
    free(cpus);
}

void xm_print_vcpus(FILE *f, const struct xmlrpc_value *dom, int nr_cpus)
{
    char buf[64], nbuf[256], map[512];
    const char *name, *domid;
    size_t i;

    if ( !dom || dom->type != XMLRPC_ARRAY )
        return;
    name = child(dom, "name", "None", nbuf, sizeof(nbuf));
    domid = child(dom, "domid", "", buf, sizeof(buf));
    for ( i = 1; i < dom->len; i++ )
    {
        const struct xmlrpc_value *v = dom->items[i];
        const char *n = xmlrpc_sxp_name(v);
        char t[64], c[24], s[8];
        long long number, cpu;
        bool online, running, blocked;
        double cpu_time;

        if ( !n || strcmp(n, "vcpu") )
            continue;
        number = to_ll(child(v, "number", "0", t, sizeof(t)), 0);
        cpu = to_ll(child(v, "cpu", "-1", t, sizeof(t)), -1);
        online = to_ll(child(v, "online", "0", t, sizeof(t)), 0);
        running = to_ll(child(v, "running", "0", t, sizeof(t)), 0);
        blocked = to_ll(child(v, "blocked", "0", t, sizeof(t)), 0);
        cpu_time = to_double(child(v, "cpu_time", "0", t, sizeof(t)), 0);
        xm_format_cpumap(xmlrpc_array_get(xmlrpc_sxp_child(v, "cpumap"), 1),
                         nr_cpus, map, sizeof(map));
        if ( cpu < 0 )
        {
            c[0] = '\0';
            s[0] = '\0';
        }
        else if ( online )
        {
            snprintf(c, sizeof(c), "%lld", cpu);
            s[0] = running ? 'r' : '-';
            s[1] = blocked ? 'b' : '-';
            s[2] = '-';
            s[3] = '\0';
        }
        else
        {
            strcpy(c, "-");
            strcpy(s, "--p");
        }
        fprintf(f, "%-32s %5s %5lld %5s %5s  %8.1f %s\n", name, domid,
                number, c, s, cpu_time, map);
    }
}

void xm_print_uptime_header(FILE *f)
{
    fprintf(f, "%-33s %4s %s \n", "Name", "ID", "Uptime");
}

long long xm_uptime_seconds(const struct xm_dominfo *d, double now,
                            double dom0_uptime)
{
    long long id;

    if ( !d->domid[0] )
        return 0;
    id = to_ll(d->domid, -1);
    if ( id > 0 )
        /* Python 2's round(): halves away from zero, as llround. */
        return d->start_time < 0 ? 0 : llround(now - d->start_time);
    return llround(dom0_uptime);
}

void xm_print_uptime(FILE *f, const struct xm_dominfo *d,
                     long long seconds, bool short_mode,
                     const struct tm *now_tm)
{
    long long days, hours, minutes;

    days = seconds / 86400;
    seconds -= days * 86400;
    hours = seconds / 3600;
    seconds -= hours * 3600;
    minutes = seconds / 60;
    seconds -= minutes * 60;

    if ( short_mode )
    {
        char clock[16];

        strftime(clock, sizeof(clock), " %H:%M:%S", now_tm);
        fprintf(f, "%s up ", clock);
    }
    else
        fprintf(f, "%-32s %5s ", d->name, d->domid);
    if ( days > 0 )
        fprintf(f, "%lld day%s, ", days, days > 1 ? "s" : "");
    fprintf(f, "%2lld:%02lld", hours, minutes);
    if ( short_mode )
        fprintf(f, ", %s (%s)\n", d->name, d->domid);
    else
        fprintf(f, ":%02lld\n", seconds);
}

/* ---- SXP ------------------------------------------------------------- */

/* Xen's sxp.atomp(): may the atom be printed without quotes? */
static bool atom_plain(const char *s)
{
    for ( ; *s; s++ )
    {
        unsigned char c = *s;

        if ( (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || strchr(".-_:/~@", c) )
            continue;
        return false;
    }
    return true;
}

/* The atom as Python 2's repr(str) shows it; returns its width. */
static size_t atom_out(FILE *f, const char *s)
{
    char q;
    size_t w = 0;
    const unsigned char *p;

    if ( atom_plain(s) )
    {
        if ( f )
            fputs(s, f);
        return strlen(s);
    }
    q = (strchr(s, '\'') && !strchr(s, '"')) ? '"' : '\'';
    if ( f )
        fputc(q, f);
    w++;
    for ( p = (const unsigned char *)s; *p; p++ )
    {
        char tmp[8];

        if ( *p == '\\' || *p == (unsigned char)q )
            snprintf(tmp, sizeof(tmp), "\\%c", *p);
        else if ( *p == '\n' )
            strcpy(tmp, "\\n");
        else if ( *p == '\r' )
            strcpy(tmp, "\\r");
        else if ( *p == '\t' )
            strcpy(tmp, "\\t");
        else if ( *p < 0x20 || *p >= 0x7f )
            snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
        else
        {
            tmp[0] = *p;
            tmp[1] = '\0';
        }
        if ( f )
            fputs(tmp, f);
        w += strlen(tmp);
    }
    if ( f )
        fputc(q, f);
    return w + 1;
}

static size_t show(FILE *f, const struct xmlrpc_value *v)
{
    char buf[64];
    const char *t;
    size_t i, w;

    if ( v && v->type == XMLRPC_ARRAY )
    {
        if ( f )
            fputc('(', f);
        w = 1;
        for ( i = 0; i < v->len; i++ )
        {
            if ( i )
            {
                if ( f )
                    fputc(' ', f);
                w++;
            }
            w += show(f, v->items[i]);
        }
        if ( f )
            fputc(')', f);
        return w + 1;
    }
    t = xmlrpc_atom_text(v, buf, sizeof(buf));
    if ( !t && v && v->type == XMLRPC_BASE64 )
        t = v->str;
    /* Python's str(None). */
    return atom_out(f, t ? t : "None");
}

void xm_sxp_flat(FILE *f, const struct xmlrpc_value *v)
{
    show(f, v);
}

#define PRETTY_WIDTH 80

static void pretty(FILE *f, const struct xmlrpc_value *v, size_t col)
{
    size_t i;

    if ( !v || v->type != XMLRPC_ARRAY ||
         col + show(NULL, v) <= PRETTY_WIDTH )
    {
        show(f, v);
        return;
    }
    fputc('(', f);
    for ( i = 0; i < v->len; i++ )
    {
        if ( i )
            fprintf(f, "\n%*s", (int)(col + 4), "");
        pretty(f, v->items[i], i ? col + 4 : col + 1);
    }
    fprintf(f, "\n%*s)", (int)col, "");
}

void xm_sxp_pretty(FILE *f, const struct xmlrpc_value *v)
{
    pretty(f, v, 0);
    fputc('\n', f);
}

size_t xm_wrap(const char *text, size_t width, char lines[][128],
               size_t max_lines)
{
    size_t n = 0, cur = 0;
    const char *p = text;
    char line[128] = "";

    if ( strlen(text) < width )
    {
        snprintf(lines[0], 128, "%s", text);
        return 1;
    }
    while ( *p )
    {
        const char *w;
        size_t wl;

        while ( *p == ' ' || *p == '\n' || *p == '\t' )
            p++;
        if ( !*p )
            break;
        for ( w = p; *p && *p != ' ' && *p != '\n' && *p != '\t'; p++ )
            ;
        wl = p - w;
        if ( cur + wl + 1 < width && cur + wl + 1 < sizeof(line) )
        {
            memcpy(line + cur, w, wl);
            line[cur + wl] = ' ';
            cur += wl + 1;
            line[cur] = '\0';
        }
        else
        {
            if ( n < max_lines )
            {
                /* strip() of the line built so far */
                while ( cur && line[cur - 1] == ' ' )
                    line[--cur] = '\0';
                snprintf(lines[n++], 128, "%s", line);
            }
            cur = wl < sizeof(line) - 2 ? wl : sizeof(line) - 2;
            memcpy(line, w, cur);
            line[cur++] = ' ';
            line[cur] = '\0';
        }
    }
    if ( cur && n < max_lines )
    {
        while ( cur && line[cur - 1] == ' ' )
            line[--cur] = '\0';
        snprintf(lines[n++], 128, "%s", line);
    }
    return n;
}
