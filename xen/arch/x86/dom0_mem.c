/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0_mem= and dom0_max_vcpus=: parsing (pure, host-tested) and the plan
 * the dom0 builder will follow.  Syntax and semantics follow Xen's
 * xen-command-line documentation; see asm/dom0.h.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>
#include <xen/console.h>
#include <asm/config.h>
#include <asm/dom0.h>

struct dom0_mem_opts dom0_mem_opts;
struct dom0_vcpu_opts dom0_vcpu_opts = { .min = 1, .max = 0 };
struct dom0_plan dom0_plan;

/*
 * A <size> as Xen reads it: like parse_size_and_unit(), except that a
 * number without a suffix counts KiB (xen-command-line, "Size").
 */
static int parse_kb_size(const char *s, const char **end, u64 *out)
{
    const char *digits_end, *e;
    unsigned long long v;

    simple_strtoull(s, &digits_end, 0);
    v = parse_size_and_unit(s, &e);
    if ( e == s )
        return -EINVAL;
    if ( e == digits_end )
    {
        if ( v > (~0ULL >> 10) )
            return -EINVAL;
        v <<= 10;
    }
    *end = e;
    *out = v;
    return 0;
}

/* <frac>% with frac < 100, ending exactly at e. */
static int parse_percent(const char *s, const char *e, unsigned int *out)
{
    const char *q;
    unsigned long long v = simple_strtoull(s, &q, 10);

    if ( q == s || q + 1 != e || *q != '%' || v >= 100 )
        return -EINVAL;
    *out = v;
    return 0;
}

/* One <sz> in [s, e): [-]<size> | [-][<size>+]<frac>% */
static int parse_sz(const char *s, const char *e, struct dom0_size *out)
{
    struct dom0_size v = { .set = true };
    const char *q;

    if ( s < e && *s == '-' )
    {
        v.minus = true;
        s++;
    }
    if ( s >= e )
        return -EINVAL;

    for ( q = s; q < e && *q != '+'; q++ )
        ;
    if ( e[-1] == '%' && q == e )
    {
        if ( parse_percent(s, e, &v.percent) )
            return -EINVAL;
        *out = v;
        return 0;
    }

    if ( parse_kb_size(s, &q, &v.bytes) || q > e )
        return -EINVAL;
    if ( q < e )
    {
        if ( *q != '+' || parse_percent(q + 1, e, &v.percent) )
            return -EINVAL;
    }
    *out = v;
    return 0;
}

int dom0_mem_parse(const char *s, struct dom0_mem_opts *o)
{
    struct dom0_mem_opts n = *o;

    if ( !s || !*s )
        return -EINVAL;

    for ( ; ; )
    {
        const char *e = strchr(s, ',');
        struct dom0_size *dst = &n.amt;

        if ( !e )
            e = s + strlen(s);
        if ( e - s > 4 && !strncmp(s, "min:", 4) )
        {
            dst = &n.min;
            s += 4;
        }
        else if ( e - s > 4 && !strncmp(s, "max:", 4) )
        {
            dst = &n.max;
            s += 4;
        }
        if ( parse_sz(s, e, dst) )
            return -EINVAL;
        if ( !*e )
            break;
        s = e + 1;
    }

    *o = n;
    return 0;
}

static int parse_vcpu_count(const char *s, const char *e, unsigned int *out)
{
    const char *q;
    unsigned long long v = simple_strtoull(s, &q, 10);

    if ( q == s || q != e || v == 0 || v > DOM0_MAX_VCPUS_LIMIT )
        return -EINVAL;
    *out = v;
    return 0;
}

int dom0_vcpus_parse(const char *s, struct dom0_vcpu_opts *o)
{
    struct dom0_vcpu_opts n = { .min = 1, .max = 0 };
    const char *dash, *end;

    if ( !s || !*s )
        return -EINVAL;
    end = s + strlen(s);
    dash = strchr(s, '-');

    if ( !dash )
    {
        if ( parse_vcpu_count(s, end, &n.min) )
            return -EINVAL;
        n.max = n.min;
    }
    else
    {
        if ( dash == s && dash + 1 == end )
            return -EINVAL;
        if ( dash > s && parse_vcpu_count(s, dash, &n.min) )
            return -EINVAL;
        if ( dash + 1 < end && parse_vcpu_count(dash + 1, end, &n.max) )
            return -EINVAL;
        if ( n.max && n.min > n.max )
            return -EINVAL;
    }

    *o = n;
    return 0;
}

unsigned long dom0_size_pages(const struct dom0_size *sz,
                              unsigned long avail_pages)
{
    unsigned long pages = (sz->bytes >> PAGE_SHIFT) +
                          avail_pages / 100 * sz->percent +
                          avail_pages % 100 * sz->percent / 100;

    if ( sz->minus )
        return avail_pages > pages ? avail_pages - pages : 0;
    return pages;
}

void dom0_compute_plan(const struct dom0_mem_opts *mo,
                       const struct dom0_vcpu_opts *vo,
                       unsigned long avail_pages, unsigned int nr_pcpus,
                       struct dom0_plan *plan)
{
    unsigned long nr, reserve;
    unsigned int vcpus;

    if ( mo->amt.set )
        nr = dom0_size_pages(&mo->amt, avail_pages);
    else
    {
        /* Xen's default: all but min(1/16 of it, 128MB). */
        reserve = avail_pages / 16;
        if ( reserve > (128UL << (20 - PAGE_SHIFT)) )
            reserve = 128UL << (20 - PAGE_SHIFT);
        nr = avail_pages - reserve;
    }

    plan->min_pages = mo->min.set ? dom0_size_pages(&mo->min, avail_pages)
                                  : 0;
    plan->max_pages = mo->max.set ? dom0_size_pages(&mo->max, avail_pages)
                                  : ~0UL;

    /* max overrides min; then whatever there is. */
    if ( nr < plan->min_pages )
        nr = plan->min_pages;
    if ( nr > plan->max_pages )
        nr = plan->max_pages;
    if ( nr > avail_pages )
        nr = avail_pages;
    plan->nr_pages = nr;

    vcpus = nr_pcpus ? nr_pcpus : 1;
    if ( vcpus < vo->min )
        vcpus = vo->min;
    if ( vo->max && vcpus > vo->max )
        vcpus = vo->max;
    if ( vcpus > DOM0_MAX_VCPUS_LIMIT )
        vcpus = DOM0_MAX_VCPUS_LIMIT;
    plan->nr_vcpus = vcpus;
}

static int parse_dom0_mem(const char *s)
{
    return dom0_mem_parse(s, &dom0_mem_opts);
}
custom_param("dom0_mem", parse_dom0_mem);

static int parse_dom0_max_vcpus(const char *s)
{
    return dom0_vcpus_parse(s, &dom0_vcpu_opts);
}
custom_param("dom0_max_vcpus", parse_dom0_max_vcpus);

#ifndef KEEL_HOST_TEST
#include <xen/mm.h>

#define PAGES_TO_MB(p) ((p) >> (20 - PAGE_SHIFT))

void dom0_plan_init(unsigned int nr_pcpus)
{
    unsigned long avail = avail_heap_pages();
    char maxbuf[24];

    dom0_compute_plan(&dom0_mem_opts, &dom0_vcpu_opts, avail, nr_pcpus,
                      &dom0_plan);

    if ( dom0_mem_opts.amt.set && !dom0_mem_opts.amt.minus &&
         dom0_size_pages(&dom0_mem_opts.amt, avail) > avail )
        printk(XENLOG_WARNING "Dom0 memory: asked for %luMB, only %luMB "
               "available\n",
               PAGES_TO_MB(dom0_size_pages(&dom0_mem_opts.amt, avail)),
               PAGES_TO_MB(avail));

    if ( dom0_plan.max_pages == ~0UL )
        strlcpy(maxbuf, "unlimited", sizeof(maxbuf));
    else
        snprintf(maxbuf, sizeof(maxbuf), "%luMB",
                 PAGES_TO_MB(dom0_plan.max_pages));
    printk("Dom0 memory: %luMB (min %luMB, max %s)\n",
           PAGES_TO_MB(dom0_plan.nr_pages), PAGES_TO_MB(dom0_plan.min_pages),
           maxbuf);
    printk("Dom0 vCPUs: %u\n", dom0_plan.nr_vcpus);
}
#endif
