/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sets of CPUs, one bit per logical CPU number (0 .. NR_CPUS-1).  Setting
 * and clearing single bits is atomic, so CPUs may mark themselves in a
 * shared mask (cpu_online_map) without a lock; whole-mask operations are
 * not atomic and need the caller's serialisation.
 */
#ifndef XEN_CPUMASK_H
#define XEN_CPUMASK_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <asm/config.h>

#define BITS_PER_LONG   64
#define CPUMASK_LONGS   ((NR_CPUS + BITS_PER_LONG - 1) / BITS_PER_LONG)

typedef struct cpumask {
    unsigned long bits[CPUMASK_LONGS];
} cpumask_t;

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
    __atomic_fetch_or(&m->bits[cpu / BITS_PER_LONG],
                      1UL << (cpu % BITS_PER_LONG), __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    __atomic_fetch_and(&m->bits[cpu / BITS_PER_LONG],
                       ~(1UL << (cpu % BITS_PER_LONG)), __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
    return (__atomic_load_n(&m->bits[cpu / BITS_PER_LONG],
                            __ATOMIC_ACQUIRE) >> (cpu % BITS_PER_LONG)) & 1;
}

static inline void cpumask_clear(cpumask_t *m)
{
    unsigned int i;

    for ( i = 0; i < CPUMASK_LONGS; i++ )
        m->bits[i] = 0;
}

static inline void cpumask_copy(cpumask_t *d, const cpumask_t *s)
{
    *d = *s;
}

/* No libgcc (__popcountdi2) and no POPCNT guarantee: count by hand. */
static inline unsigned int hweight_long(unsigned long w)
{
    unsigned int n = 0;

    for ( ; w; w &= w - 1 )
        n++;
    return n;
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
    unsigned int i, w = 0;

    for ( i = 0; i < CPUMASK_LONGS; i++ )
        w += hweight_long(ACCESS_ONCE(m->bits[i]));
    return w;
}

static inline bool cpumask_empty(const cpumask_t *m)
{
    return cpumask_weight(m) == 0;
}

/* First set bit at or after cpu; NR_CPUS if none. */
static inline unsigned int cpumask_next_from(unsigned int cpu,
                                             const cpumask_t *m)
{
    for ( ; cpu < NR_CPUS; cpu++ )
        if ( cpumask_test_cpu(cpu, m) )
            return cpu;
    return NR_CPUS;
}

#define cpumask_first(m)      cpumask_next_from(0, m)
#define cpumask_next(cpu, m)  cpumask_next_from((cpu) + 1, m)

#define for_each_cpu(cpu, m)                    \
    for ( (cpu) = cpumask_first(m);             \
          (cpu) < NR_CPUS;                      \
          (cpu) = cpumask_next(cpu, m) )

/* CPUs that finished start_secondary() (and the BSP). */
extern cpumask_t cpu_online_map;
/* CPUs found in the MADT that we may try to start (limited by maxcpus=). */
extern cpumask_t cpu_present_map;

#define cpu_online(cpu)       cpumask_test_cpu(cpu, &cpu_online_map)
#define num_online_cpus()     cpumask_weight(&cpu_online_map)
#define for_each_online_cpu(cpu)  for_each_cpu(cpu, &cpu_online_map)
#define for_each_present_cpu(cpu) for_each_cpu(cpu, &cpu_present_map)

/* The online CPUs below 64 as the u64 bitmap a vCPU's affinity is. */
static inline u64 cpu_online_mask64(void)
{
    unsigned int cpu;
    u64 m = 0;

    for_each_online_cpu ( cpu )
        if ( cpu < 64 )
            m |= 1ULL << cpu;
    return m;
}

#endif /* XEN_CPUMASK_H */
