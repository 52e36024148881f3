/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dom0's resources as the command line asks for them, and the plan the
 * dom0 builder follows.
 *
 *   dom0_mem=[min:<sz>,][max:<sz>,][<sz>]
 *       <sz> is [-]<size> or [-][<size>+]<frac>% (frac < 100, of the
 *       memory available); a negative <sz> means "all but".  <size> takes
 *       T/G/M/K/B suffixes and, as in Xen, means KiB without one.
 *       Without <sz>, dom0 gets all available memory less min(1/16,
 *       128MB).  The result is raised to min, then capped at max and at
 *       what is available.
 *   dom0_max_vcpus=<n> | <min>-<max>  (either bound may be omitted)
 *       <n> gives exactly n vCPUs; a range clamps the number of pCPUs.
 *
 * The parsers are pure (tests/unit/dom0): they return 0 or -EINVAL and
 * leave the options untouched on error.
 */
#ifndef ASM_DOM0_H
#define ASM_DOM0_H

#include <xen/types.h>

/* Most vCPUs dom0 may have (the number of vCPU slots in shared_info). */
#define DOM0_MAX_VCPUS_LIMIT 128

struct dom0_size {
    bool set;
    bool minus;             /* subtract from the available memory */
    u64 bytes;
    unsigned int percent;   /* of the available memory, 0..99 */
};

struct dom0_mem_opts {
    struct dom0_size amt, min, max;
};

struct dom0_vcpu_opts {
    unsigned int min, max;  /* max 0: unlimited; min == max: exactly */
};

int dom0_mem_parse(const char *s, struct dom0_mem_opts *o);
int dom0_vcpus_parse(const char *s, struct dom0_vcpu_opts *o);

/* A size in pages, given avail_pages available. */
unsigned long dom0_size_pages(const struct dom0_size *sz,
                              unsigned long avail_pages);

struct dom0_plan {
    unsigned long nr_pages;     /* initial allocation */
    unsigned long min_pages;
    unsigned long max_pages;    /* ~0UL: unlimited (balloon target cap) */
    unsigned int nr_vcpus;
};

/* Pure: the plan for the options, available memory and pCPUs. */
void dom0_compute_plan(const struct dom0_mem_opts *mo,
                       const struct dom0_vcpu_opts *vo,
                       unsigned long avail_pages, unsigned int nr_pcpus,
                       struct dom0_plan *plan);

/* Options from the command line, and the plan computed from them. */
extern struct dom0_mem_opts dom0_mem_opts;
extern struct dom0_vcpu_opts dom0_vcpu_opts;
extern struct dom0_plan dom0_plan;

/* Compute dom0_plan from the heap and the online CPUs; print it. */
void dom0_plan_init(unsigned int nr_pcpus);

#endif /* ASM_DOM0_H */
