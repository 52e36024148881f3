/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU GDT and TSS, the shared IDT, and the IST stacks for #DF, NMI
 * and #MC.  Everything is static and sized NR_CPUS so that an AP can load
 * its tables before any allocator exists.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/traps.h>

struct idt_gate idt_table[256] __aligned(16);
struct tss64 per_cpu_tss[NR_CPUS] __aligned(128);
static u64 per_cpu_gdt[NR_CPUS][GDT_ENTRIES] __aligned(16);
bool cpu_tables_loaded[NR_CPUS];
u32 cpu_tables_apic_id[NR_CPUS];

/*
 * One STACK_SIZE-aligned block per CPU holds its three IST stacks, with a
 * copy of the CPU's struct cpu_info at the top: get_cpu_info() masks %rsp,
 * so smp_processor_id() keeps working in #DF/NMI/#MC handlers.  The #DF
 * stack is the largest because a stack overflow is its likely cause and
 * the report that follows is the deepest code path.
 */
static char ist_blocks[NR_CPUS][STACK_SIZE] __aligned(STACK_SIZE);
#define IST_MCE_TOP   (1 * PAGE_SIZE)
#define IST_NMI_TOP   (2 * PAGE_SIZE)
#define IST_DF_TOP    (STACK_SIZE - CPUINFO_SIZE)

/* entry.S: addresses of the 256 stubs, in vector order. */
extern const unsigned long entry_stubs[256];

/* Boot GDT values (head.S), kept by every per-CPU GDT. */
#define GDT_CS64  0x00af9b000000ffffUL     /* L=1, P, DPL0, code r/x */
#define GDT_DS    0x00cf93000000ffffUL     /* flat 4 GiB data r/w */
#define GDT_CS32  0x00cf9b000000ffffUL     /* flat 32-bit code */

unsigned long ist_block_base(unsigned int cpu)
{
    return (unsigned long)ist_blocks[cpu];
}

static void set_gate(unsigned int vec, unsigned long addr, unsigned int ist)
{
    struct idt_gate *g = &idt_table[vec];

    g->offset_lo = addr & 0xffff;
    g->selector = __HYPERVISOR_CS;
    g->ist = ist;
    g->type_attr = 0x8e;            /* present, DPL0, 64-bit interrupt gate */
    g->offset_mid = (addr >> 16) & 0xffff;
    g->offset_hi = addr >> 32;
    g->_rsvd = 0;
}

void idt_init(void)
{
    unsigned int v;

    /*
     * Interrupt gates everywhere: IF is cleared on entry, so a handler is
     * never re-entered by an interrupt before it decides otherwise.
     */
    for ( v = 0; v < 256; v++ )
        set_gate(v, entry_stubs[v], 0);

    /*
     * Known-good stacks for the exceptions that can arrive with a bad
     * %rsp (#DF after a stack overflow) or at any instruction boundary
     * (NMI, #MC), Intel SDM vol. 3A 6.14.5.
     */
    idt_table[TRAP_double_fault].ist = IST_DF;
    idt_table[TRAP_nmi].ist = IST_NMI;
    idt_table[TRAP_machine_check].ist = IST_MCE;
}

static void build_gdt(u64 *gdt, const struct tss64 *tss)
{
    unsigned long base = (unsigned long)tss;
    unsigned long limit = sizeof(*tss) - 1;

    gdt[0] = 0;
    gdt[__HYPERVISOR_CS >> 3] = GDT_CS64;
    gdt[__HYPERVISOR_DS >> 3] = GDT_DS;
    gdt[__HYPERVISOR_CS32 >> 3] = GDT_CS32;

    /*
     * 16-byte system descriptor, type 9 (available 64-bit TSS); written
     * fresh each time so that ltr never sees the busy type (0xb), which
     * would #GP (Intel SDM vol. 3A 8.2.3).
     */
    gdt[TSS_SELECTOR >> 3] = (limit & 0xffff) |
                             ((base & 0xffffff) << 16) |
                             (0x89UL << 40) |
                             (((limit >> 16) & 0xf) << 48) |
                             (((base >> 24) & 0xff) << 56);
    gdt[(TSS_SELECTOR >> 3) + 1] = base >> 32;
}

static void load_tables(const u64 *gdt)
{
    struct desc_ptr gdtr = {
        .limit = GDT_ENTRIES * 8 - 1,
        .base = (unsigned long)gdt,
    };
    struct desc_ptr idtr = {
        .limit = sizeof(idt_table) - 1,
        .base = (unsigned long)idt_table,
    };

    /*
     * The selectors keep their values but their hidden parts still come
     * from the old GDT: reload CS with a far return and the data segments
     * with moves.  FS and GS are left alone (their bases may be in use).
     */
    __asm__ __volatile__ ( "lgdt %[gdtr]\n\t"
                           "pushq %[cs]\n\t"
                           "leaq 1f(%%rip), %%rax\n\t"
                           "pushq %%rax\n\t"
                           "lretq\n"
                           "1:\n\t"
                           "mov %k[ds], %%ds\n\t"
                           "mov %k[ds], %%es\n\t"
                           "mov %k[ds], %%ss\n\t"
                           "ltr %w[tss]\n\t"
                           "lidt %[idtr]"
                           :
                           : [gdtr] "m" (gdtr), [idtr] "m" (idtr),
                             [cs] "i" (__HYPERVISOR_CS),
                             [ds] "r" (__HYPERVISOR_DS),
                             [tss] "r" (TSS_SELECTOR)
                           : "rax", "memory" );
}

void cpu_init_tables(unsigned int cpu)
{
    struct tss64 *tss;
    char *ist;
    struct cpu_info *ci;
    u32 eax, ebx, ecx, edx;

    if ( cpu >= NR_CPUS )
        panic("cpu_init_tables: CPU%u beyond NR_CPUS (%u)", cpu,
              (unsigned int)NR_CPUS);

    tss = &per_cpu_tss[cpu];
    ist = ist_blocks[cpu];

    /* The IST block's cpu_info mirrors the CPU's own (see above). */
    ci = (struct cpu_info *)(ist + STACK_SIZE) - 1;
    *ci = *get_cpu_info();
    ci->processor_id = cpu;

    memset(tss, 0, sizeof(*tss));
    /*
     * RSP0 is only used on a privilege change, which the hypervisor never
     * takes (guests exit through SVM/VMX); point it at this CPU's stack
     * anyway so a stray ring-3 event lands somewhere sane.
     */
    tss->rsp0 = (unsigned long)get_cpu_info();
    tss->ist[IST_DF - 1] = (unsigned long)ist + IST_DF_TOP;
    tss->ist[IST_NMI - 1] = (unsigned long)ist + IST_NMI_TOP;
    tss->ist[IST_MCE - 1] = (unsigned long)ist + IST_MCE_TOP;
    tss->iomap_base = sizeof(*tss);     /* no I/O permission bitmap */

    build_gdt(per_cpu_gdt[cpu], tss);
    load_tables(per_cpu_gdt[cpu]);

    /*
     * With CR4.MCE clear a machine check shuts the processor down instead
     * of raising #MC (Intel SDM vol. 3A 15.10.1); let the handler report.
     */
    cpuid(1, &eax, &ebx, &ecx, &edx);
    if ( edx & (1U << 7) )
        write_cr4(read_cr4() | X86_CR4_MCE);

    /*
     * Initial APIC ID: CPUID leaf 0xB has the full x2APIC ID when the
     * leaf exists and is populated, leaf 1 EBX[31:24] the 8-bit one.
     */
    cpu_tables_apic_id[cpu] = ebx >> 24;
    if ( cpuid_eax(0) >= 0xb )
    {
        cpuid_count(0xb, 0, &eax, &ebx, &ecx, &edx);
        if ( ebx )
            cpu_tables_apic_id[cpu] = edx;
    }
    __atomic_store_n(&cpu_tables_loaded[cpu], true, __ATOMIC_RELEASE);
}
