/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <xen/types.h>
#include <xen/compiler.h>

#define X86_CR0_PE  (1UL << 0)
#define X86_CR0_MP  (1UL << 1)
#define X86_CR0_EM  (1UL << 2)
#define X86_CR0_TS  (1UL << 3)
#define X86_CR0_ET  (1UL << 4)
#define X86_CR0_NE  (1UL << 5)
#define X86_CR0_WP  (1UL << 16)
#define X86_CR0_AM  (1UL << 18)
#define X86_CR0_NW  (1UL << 29)
#define X86_CR0_CD  (1UL << 30)
#define X86_CR0_PG  (1UL << 31)

#define X86_CR4_VME        (1UL << 0)
#define X86_CR4_PVI        (1UL << 1)
#define X86_CR4_TSD        (1UL << 2)
#define X86_CR4_DE         (1UL << 3)
#define X86_CR4_PSE        (1UL << 4)
#define X86_CR4_PAE        (1UL << 5)
#define X86_CR4_MCE        (1UL << 6)
#define X86_CR4_PGE        (1UL << 7)
#define X86_CR4_PCE        (1UL << 8)
#define X86_CR4_OSFXSR     (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_VMXE       (1UL << 13)
#define X86_CR4_FSGSBASE   (1UL << 16)
#define X86_CR4_OSXSAVE    (1UL << 18)
#define X86_CR4_SMEP       (1UL << 20)
#define X86_CR4_SMAP       (1UL << 21)

#define X86_EFLAGS_IF      (1UL << 9)

#define MSR_EFER           0xc0000080
#define EFER_SCE           (1UL << 0)
#define EFER_LME           (1UL << 8)
#define EFER_LMA           (1UL << 10)
#define EFER_NXE           (1UL << 11)
#define EFER_SVME          (1UL << 12)

static inline void cpuid_count(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c,
                               u32 *d)
{
    __asm__ __volatile__ ( "cpuid"
                           : "=a" (*a), "=b" (*b), "=c" (*c), "=d" (*d)
                           : "0" (leaf), "2" (sub) );
}

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
    cpuid_count(leaf, 0, a, b, c, d);
}

static inline u32 cpuid_eax(u32 leaf)
{ u32 a, b, c, d; cpuid(leaf, &a, &b, &c, &d); return a; }
static inline u32 cpuid_ebx(u32 leaf)
{ u32 a, b, c, d; cpuid(leaf, &a, &b, &c, &d); return b; }
static inline u32 cpuid_ecx(u32 leaf)
{ u32 a, b, c, d; cpuid(leaf, &a, &b, &c, &d); return c; }
static inline u32 cpuid_edx(u32 leaf)
{ u32 a, b, c, d; cpuid(leaf, &a, &b, &c, &d); return d; }

static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;

    __asm__ __volatile__ ( "rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr) );
    return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
    __asm__ __volatile__ ( "wrmsr" :: "c" (msr), "a" ((u32)v),
                           "d" ((u32)(v >> 32)) );
}

static inline u64 rdtsc(void)
{
    u32 lo, hi;

    __asm__ __volatile__ ( "rdtsc" : "=a" (lo), "=d" (hi) );
    return ((u64)hi << 32) | lo;
}

#define DEFINE_CR(n) \
static inline unsigned long read_cr##n(void) \
{ unsigned long v; __asm__ __volatile__ ( "mov %%cr" #n ", %0" : "=r" (v) ); return v; } \
static inline void write_cr##n(unsigned long v) \
{ __asm__ __volatile__ ( "mov %0, %%cr" #n :: "r" (v) : "memory" ); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void cpu_relax(void) { __asm__ __volatile__ ( "pause" ::: "memory" ); }
static inline void halt(void) { __asm__ __volatile__ ( "hlt" ::: "memory" ); }
static inline void local_irq_disable(void) { __asm__ __volatile__ ( "cli" ::: "memory" ); }
static inline void local_irq_enable(void) { __asm__ __volatile__ ( "sti" ::: "memory" ); }
static inline void safe_halt(void) { __asm__ __volatile__ ( "sti; hlt" ::: "memory" ); }

static inline unsigned long local_save_flags(void)
{
    unsigned long f;

    __asm__ __volatile__ ( "pushf; pop %0" : "=r" (f) :: "memory" );
    return f;
}

static inline unsigned long local_irq_save(void)
{
    unsigned long f = local_save_flags();

    local_irq_disable();
    return f;
}

static inline void local_irq_restore(unsigned long f)
{
    if ( f & X86_EFLAGS_IF )
        local_irq_enable();
}

static inline bool local_irq_is_enabled(void)
{
    return local_save_flags() & X86_EFLAGS_IF;
}

static inline void __noreturn halt_forever(void)
{
    for ( ; ; )
        __asm__ __volatile__ ( "cli; hlt" ::: "memory" );
}

#endif
