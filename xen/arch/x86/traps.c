/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exceptions and interrupts.  An exception in the hypervisor is fatal
 * unless the faulting instruction has an exception-table entry: the report
 * (registers, code bytes, raw stack, frame-pointer call trace) follows
 * Xen's layout so that Xen people read it at a glance, then panic()
 * reboots or, with "noreboot", halts.  Interrupts (vectors 0x20-0xff) go
 * to the handler registered for the vector.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/delay.h>
#include <xen/symbols.h>
#include <xen/version.h>
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/traps.h>

/* entry.S hard-codes these offsets. */
BUILD_BUG_ON(offsetof(struct cpu_user_regs, r15) != UREGS_r15);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rbp) != UREGS_rbp);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, error_code) != UREGS_error_code);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, entry_vector) !=
             UREGS_entry_vector);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rip) != UREGS_rip);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rsp) != UREGS_rsp);
BUILD_BUG_ON(sizeof(struct cpu_user_regs) != UREGS_SIZE);

extern const char _stext[], _etext[];

/* Exception table: an access at insn that faults resumes at fixup. */
struct extable_entry {
    unsigned long insn, fixup;
};
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

#define PTE_ADDR_MASK         0x000ffffffffff000UL
#define MSR_IA32_MCG_CAP      0x00000179
#define MSR_IA32_MCG_STATUS   0x0000017a
#define MSR_IA32_MC0_STATUS   0x00000401
#define MSR_FS_BASE           0xc0000100
#define MSR_GS_BASE           0xc0000101
#define MSR_SHADOW_GS_BASE    0xc0000102

#define STACK_WORDS_PER_LINE  4
#define STACK_LINES           20
#define MAX_TRACE_FRAMES      64

static irq_handler_t irq_handlers[256];
static bool irq_reported[256];

/* Fatal-path nesting per CPU (see fatal_enter()). */
static unsigned int fatal_depth[NR_CPUS];

/* Set before the stop NMI is sent; the NMI handler then parks the CPU. */
static bool cpus_stopping;
static unsigned int cpus_stopped;

static const char *trap_name(unsigned int vec)
{
    static const char *const names[TRAP_nr] = {
        [TRAP_divide_error]     = "divide error",
        [TRAP_debug]            = "debug",
        [TRAP_nmi]              = "nmi",
        [TRAP_int3]             = "int3",
        [TRAP_overflow]         = "overflow",
        [TRAP_bounds]           = "bounds",
        [TRAP_invalid_op]       = "invalid opcode",
        [TRAP_no_device]        = "device not available",
        [TRAP_double_fault]     = "double fault",
        [TRAP_copro_seg]        = "coprocessor segment",
        [TRAP_invalid_tss]      = "invalid tss",
        [TRAP_no_segment]       = "segment not found",
        [TRAP_stack_error]      = "stack error",
        [TRAP_gp_fault]         = "general protection fault",
        [TRAP_page_fault]       = "page fault",
        [TRAP_spurious_int]     = "spurious interrupt",
        [TRAP_copro_error]      = "coprocessor error",
        [TRAP_alignment_check]  = "alignment check",
        [TRAP_machine_check]    = "machine check",
        [TRAP_simd_error]       = "simd error",
        [TRAP_virtualisation]   = "virtualisation exception",
        [TRAP_control_prot]     = "control protection",
        [28]                    = "hypervisor injection",
        [29]                    = "vmm communication",
        [30]                    = "security exception",
    };

    return (vec < TRAP_nr && names[vec]) ? names[vec] : "reserved";
}

/* smp_processor_id(), bounded: the fatal path must not index wildly. */
static unsigned int this_cpu(void)
{
    unsigned int cpu = smp_processor_id();

    return cpu < NR_CPUS ? cpu : 0;
}

static bool is_text(unsigned long addr)
{
    return addr >= (unsigned long)_stext && addr < (unsigned long)_etext;
}

static unsigned long search_extable(unsigned long rip)
{
    const struct extable_entry *e;

    for ( e = __ex_table_start; e < __ex_table_end; e++ )
        if ( e->insn == rip )
            return e->fixup;
    return 0;
}

bool read_u64_safe(const void *p, u64 *val)
{
    u64 v = 0;
    unsigned int fault = 0;

    __asm__ __volatile__ ( "1: mov %[mem], %[v]\n"
                           "2:\n"
                           ".pushsection .text.fixup, \"ax\", @progbits\n"
                           "3: movl $1, %[fault]\n"
                           "   jmp 2b\n"
                           ".popsection\n"
                           ".pushsection .ex_table, \"a\", @progbits\n"
                           ".balign 8\n"
                           ".quad 1b, 3b\n"
                           ".popsection"
                           : [v] "+r" (v), [fault] "+r" (fault)
                           : [mem] "m" (*(const volatile u64 *)p) );
    *val = v;
    return !fault;
}

static bool read_u8_safe(unsigned long addr, u8 *val)
{
    u64 q;

    /* An aligned quadword never crosses a page boundary. */
    if ( !read_u64_safe((const void *)(addr & ~7UL), &q) )
        return false;
    *val = q >> ((addr & 7) * 8);
    return true;
}

/* Top (exclusive) of the stack holding sp: struct cpu_info starts there. */
static unsigned long stack_top(unsigned long sp)
{
    return (sp | (STACK_SIZE - 1)) + 1 - CPUINFO_SIZE;
}

#define read_sreg(name) ({ \
    u16 v_; \
    __asm__ __volatile__ ( "mov %%" #name ", %0" : "=r" (v_) ); \
    v_; \
})

static void show_registers(const struct cpu_user_regs *regs,
                           unsigned long cr2)
{
    printk("----[ Keel-%s  x86_64  debug=%c  Not tainted ]----\n",
           KEEL_VERSION,
#ifdef CONFIG_DEBUG
           'y'
#else
           'n'
#endif
          );
    printk("CPU:    %u\n", smp_processor_id());
    printk("RIP:    %04lx:[<%016lx>] %pS\n", regs->cs, regs->rip,
           (void *)regs->rip);
    printk("RFLAGS: %016lx   CONTEXT: hypervisor\n", regs->rflags);
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n",
           regs->rax, regs->rbx, regs->rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n",
           regs->rdx, regs->rsi, regs->rdi);
    printk("rbp: %016lx   rsp: %016lx   r8:  %016lx\n",
           regs->rbp, regs->rsp, regs->r8);
    printk("r9:  %016lx   r10: %016lx   r11: %016lx\n",
           regs->r9, regs->r10, regs->r11);
    printk("r12: %016lx   r13: %016lx   r14: %016lx\n",
           regs->r12, regs->r13, regs->r14);
    printk("r15: %016lx   cr0: %016lx   cr4: %016lx\n",
           regs->r15, read_cr0(), read_cr4());
    printk("cr3: %016lx   cr2: %016lx\n", read_cr3(), cr2);
    printk("fsb: %016lx   gsb: %016lx   gss: %016lx\n",
           rdmsr(MSR_FS_BASE), rdmsr(MSR_GS_BASE),
           rdmsr(MSR_SHADOW_GS_BASE));
    printk("ds: %04x   es: %04x   fs: %04x   gs: %04x   ss: %04lx   "
           "cs: %04lx\n", read_sreg(ds), read_sreg(es), read_sreg(fs),
           read_sreg(gs), regs->ss, regs->cs);
}

/* 8 bytes before RIP and 16 from it, the byte at RIP in <>, as Xen. */
static void show_code(const struct cpu_user_regs *regs)
{
    char line[128];
    size_t n = 0;
    long i;

    for ( i = -8; i < 16; i++ )
    {
        u8 b;

        if ( !read_u8_safe(regs->rip + i, &b) )
        {
            printk("Xen code around <%016lx> (%pS) [fault on access]\n",
                   regs->rip, (void *)regs->rip);
            return;
        }
        n += snprintf(line + n, sizeof(line) - n, i ? " %02x" : " <%02x>",
                      b);
    }
    printk("Xen code around <%016lx> (%pS):\n", regs->rip,
           (void *)regs->rip);
    printk("%s\n", line);
}

static void show_stack(const struct cpu_user_regs *regs)
{
    unsigned long sp = regs->rsp, top = stack_top(sp);
    unsigned int i;
    char line[96];
    size_t n = 0;

    printk("Xen stack trace from rsp=%016lx:\n", sp);
    for ( i = 0; i < STACK_LINES * STACK_WORDS_PER_LINE; i++ )
    {
        u64 w;

        if ( sp + i * 8 >= top )
            break;
        if ( !read_u64_safe((const void *)(sp + i * 8), &w) )
        {
            if ( n )
                printk("%s\n", line);
            n = 0;
            printk("   [Fault on access]\n");
            break;
        }
        if ( !n )
            n = snprintf(line, sizeof(line), "  ");
        n += snprintf(line + n, sizeof(line) - n, " %016lx", w);
        if ( (i % STACK_WORDS_PER_LINE) == STACK_WORDS_PER_LINE - 1 )
        {
            printk("%s\n", line);
            n = 0;
        }
    }
    if ( n )
        printk("%s\n", line);
}

/*
 * Follow the frame-pointer chain (the hypervisor is built with
 * -fno-omit-frame-pointer): each frame is [saved rbp, return address].
 * A frame must lie on the interrupted stack above the previous one, so
 * the walk is bounded and a corrupt rbp ends it instead of wandering.
 */
static void show_trace(const struct cpu_user_regs *regs)
{
    unsigned long sp = regs->rsp, low = sp, high = stack_top(sp);
    unsigned long next = regs->rbp;
    u64 tos = 0;
    bool tos_ok = read_u64_safe((const void *)sp, &tos);
    unsigned int n;

    printk("Xen call trace:\n");

    /*
     * Same heuristics as Xen: print RIP unless it is junk while the top
     * of the stack looks like a return address (a call through a wild
     * pointer); print the top of the stack when it looks like a return
     * address (a fault in a prologue or in a frameless function).
     */
    if ( is_text(regs->rip) || !tos_ok || !is_text(tos) )
        printk("   [<%016lx>] R %pS\n", regs->rip, (void *)regs->rip);
    if ( !tos_ok )
    {
        /*
         * %rsp is junk (a #DF from a stack switch gone wrong, say); the
         * frame chain may still be intact: walk it within rbp's stack.
         */
        printk("   [Fault on access]\n");
        low = next;
        high = stack_top(next);
    }
    else if ( !is_text(regs->rip) || is_text(tos) )
    {
        printk("   [<%016lx>] S %pS\n", tos, (void *)tos);
        low = sp + 8;
    }

    for ( n = 0; n < MAX_TRACE_FRAMES; n++ )
    {
        u64 saved_bp, ret;

        if ( next < low || next > high - 16 || (next & 7) )
            break;
        if ( !read_u64_safe((const void *)next, &saved_bp) ||
             !read_u64_safe((const void *)(next + 8), &ret) )
            break;
        printk("   [<%016lx>] F %pS\n", ret, (void *)ret);
        low = next + 16;
        next = saved_bp;
    }
    printk("\n");
}

static void show_state(const struct cpu_user_regs *regs, unsigned long cr2)
{
    show_registers(regs, cr2);
    show_code(regs);
    show_stack(regs);
    show_trace(regs);
}

void show_execution_state(const struct cpu_user_regs *regs)
{
    show_state(regs, read_cr2());
}

/* Walk the live page tables for addr through the direct map. */
static void show_page_walk(unsigned long addr)
{
    static const char *const lvl[] = { "L1", "L2", "L3", "L4" };
    unsigned long table = read_cr3() & PTE_ADDR_MASK;
    int level;

    printk("Pagetable walk from %016lx:\n", addr);
    for ( level = 3; level >= 0; level-- )
    {
        unsigned int idx = (addr >> (PAGE_SHIFT + 9 * level)) & 511;
        u64 e;

        if ( !read_u64_safe((const void *)(DIRECTMAP_VIRT_START + table +
                                           idx * 8), &e) )
        {
            printk(" %s[%#05x] = [Fault on access]\n", lvl[level], idx);
            return;
        }
        printk(" %s[%#05x] = %016lx\n", lvl[level], idx, e);
        /* Not present, or a 1 GiB / 2 MiB leaf (PS, bit 7). */
        if ( !(e & 1) || (level && level < 3 && (e & 0x80)) )
            return;
        table = e & PTE_ADDR_MASK;
    }
}

static void show_pf_error(u32 ec)
{
    printk("Page fault: %s %s %s page%s%s%s\n",
           (ec & PFEC_user_mode) ? "user" : "supervisor",
           (ec & PFEC_insn_fetch) ? "instruction fetch from" :
           (ec & PFEC_write_access) ? "write to" : "read from",
           (ec & PFEC_page_present) ? "a present" : "a not-present",
           (ec & PFEC_reserved_bit) ? ", reserved bit set" : "",
           (ec & PFEC_prot_key) ? ", protection key" : "",
           (ec & PFEC_shadow_stack) ? ", shadow stack" : "");
}

/* Minimal output that depends on neither printk nor vsnprintf. */
static void emergency_puts_hex(char *p, unsigned long v, unsigned int digits)
{
    while ( digits-- )
    {
        p[digits] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    }
}

/*
 * Account for a fatal exception on this CPU.  The first one gets the full
 * report.  A second one (the report or panic() itself faulted) gets one
 * line built by hand, and anything deeper just stops: never a loop.
 */
static void fatal_enter(const struct cpu_user_regs *regs)
{
    unsigned int depth = fatal_depth[this_cpu()]++;
    char msg[] = "(XEN) fault 00 at 0000000000000000 while reporting a "
                 "fault: halting\n";

    if ( depth == 0 )
    {
        console_force_unlock();
        return;
    }
    if ( depth == 1 )
    {
        emergency_puts_hex(msg + 12, regs->entry_vector, 2);
        emergency_puts_hex(msg + 18, regs->rip, 16);
        console_force_unlock();
        console_puts_raw(msg);
    }
    halt_forever();
}

#ifdef CONFIG_DEBUG
bool debug_fault_in_report;
#endif

static void __noreturn fatal_trap(const struct cpu_user_regs *regs,
                                  unsigned long cr2)
{
    unsigned int vec = regs->entry_vector;

    fatal_enter(regs);
    show_state(regs, cr2);
#ifdef CONFIG_DEBUG
    /* debug_crash=nested: exercise the recursion guard in fatal_enter(). */
    if ( debug_fault_in_report )
        __asm__ __volatile__ ( "ud2" );
#endif
    if ( vec == TRAP_page_fault )
    {
        printk("Faulting linear address: %016lx\n", cr2);
        show_pf_error(regs->error_code);
        show_page_walk(cr2);
    }
    panic("FATAL TRAP: vector = %u (%s)\n[error_code=%04x]",
          vec, trap_name(vec), regs->error_code);
}

static void __noreturn do_double_fault(const struct cpu_user_regs *regs)
{
    fatal_enter(regs);
    printk("*** DOUBLE FAULT ***\n");
    show_state(regs, read_cr2());
    panic("DOUBLE FAULT -- system shutdown");
}

static void __noreturn do_nmi(const struct cpu_user_regs *regs)
{
    u8 reason;

    if ( ACCESS_ONCE(cpus_stopping) )
    {
        /*
         * Asked to stop (machine_halt, panic on another CPU).  Staying in
         * the handler keeps further NMIs blocked until reset.
         */
        __atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_SEQ_CST);
        halt_forever();
    }

    /* NMI status and control port (PC/AT system control port B). */
    reason = inb(0x61);
    fatal_enter(regs);
    if ( reason & 0x80 )
        printk("NMI - MEMORY ERROR (PCI SERR) on CPU %u\n",
               smp_processor_id());
    else if ( reason & 0x40 )
        printk("NMI - I/O ERROR (IOCHK) on CPU %u\n", smp_processor_id());
    else
        printk("Uhhuh. NMI received for unknown reason %02x on CPU %u.\n",
               reason, smp_processor_id());
    show_state(regs, read_cr2());
    panic("FATAL TRAP: vector = %u (%s)\n[error_code=%04x]",
          TRAP_nmi, trap_name(TRAP_nmi), regs->error_code);
}

static void __noreturn do_machine_check(const struct cpu_user_regs *regs)
{
    u32 eax, ebx, ecx, edx;

    fatal_enter(regs);
    printk("MACHINE CHECK on CPU %u\n", smp_processor_id());

    /* MCA MSRs exist only with CPUID.1:EDX.MCA (Intel SDM vol. 3B 16.2). */
    cpuid(1, &eax, &ebx, &ecx, &edx);
    if ( edx & (1U << 14) )
    {
        unsigned int banks = rdmsr(MSR_IA32_MCG_CAP) & 0xff, i;

        printk("MCG_STATUS: %016lx\n", rdmsr(MSR_IA32_MCG_STATUS));
        for ( i = 0; i < banks && i < 32; i++ )
        {
            u64 status = rdmsr(MSR_IA32_MC0_STATUS + 4 * i);

            if ( status & (1UL << 63) )      /* VAL */
                printk("MCE: bank %u status %016lx addr %016lx\n", i,
                       status, (status & (1UL << 58)) ?   /* ADDRV */
                       rdmsr(MSR_IA32_MC0_STATUS + 4 * i + 1) : 0);
        }
    }
    show_state(regs, read_cr2());
    panic("FATAL TRAP: vector = %u (%s)\n[error_code=%04x]",
          TRAP_machine_check, trap_name(TRAP_machine_check),
          regs->error_code);
}

void do_trap(struct cpu_user_regs *regs)
{
    /* First: a fault taken while reporting would overwrite %cr2. */
    unsigned long cr2 = read_cr2();
    unsigned int vec = regs->entry_vector;
    unsigned long fixup;

    switch ( vec )
    {
    case TRAP_nmi:
        do_nmi(regs);
    case TRAP_machine_check:
        do_machine_check(regs);
    case TRAP_double_fault:
        do_double_fault(regs);
    }

    /* Expected faults (read_u64_safe() and friends) resume at the fixup. */
    fixup = search_extable(regs->rip);
    if ( fixup )
    {
        regs->rip = fixup;
        return;
    }

    fatal_trap(regs, cr2);
}

void do_IRQ(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector & 0xff;
    irq_handler_t fn = ACCESS_ONCE(irq_handlers[vec]);

    if ( fn )
    {
        fn(regs);
        return;
    }

    /*
     * A vector nobody owns: say so once per vector, acknowledge it at the
     * LAPIC so lower-priority vectors are not blocked, and carry on.  An
     * EOI with nothing in service (a software INT n) changes nothing:
     * handlers run with interrupts off, so no other vector can be in
     * service on this CPU right now.
     */
    if ( !__atomic_exchange_n(&irq_reported[vec], true, __ATOMIC_SEQ_CST) )
        printk("CPU%u: No irq handler for vector %02x (unexpected, "
               "ignored)\n", smp_processor_id(), vec);
    ack_APIC_irq();
}

void set_irq_handler(u8 vector, irq_handler_t fn)
{
    if ( vector < FIRST_IRQ_VECTOR )
    {
        printk(XENLOG_ERR "set_irq_handler: vector %#x is an exception\n",
               vector);
        return;
    }
    ACCESS_ONCE(irq_handlers[vector]) = fn;
}

/*
 * Send an NMI to one CPU by physical APIC ID (Intel SDM vol. 3A 10.6.1).
 * The mode comes from the APIC base MSR rather than the APIC driver: this
 * runs in panic paths, where the driver's state cannot be trusted.
 */
static void send_nmi(u64 apic_base, u32 apic_id)
{
    const u32 icr = APIC_DM_NMI | APIC_INT_ASSERT;  /* physical dest. */
    volatile u32 *apic = (volatile u32 *)(apic_base & APIC_BASE_ADDR_MASK);
    unsigned int i;

    if ( apic_base & APIC_BASE_EXTD )
    {
        wrmsr(MSR_X2APIC_FIRST + (APIC_ICR >> 4),
              ((u64)apic_id << 32) | icr);
        return;
    }
    for ( i = 0; i < 1000 && (apic[APIC_ICR / 4] & APIC_ICR_BUSY); i++ )
        udelay(1);
    apic[APIC_ICR2 / 4] = apic_id << 24;
    apic[APIC_ICR / 4] = icr;
}

void stop_other_cpus(void)
{
    u64 base = rdmsr(MSR_APIC_BASE);
    unsigned int cpu, self = smp_processor_id(), sent = 0, i;

    if ( !(base & APIC_BASE_ENABLE) )
        return;                     /* no LAPIC: no other CPU running */

    ACCESS_ONCE(cpus_stopping) = true;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    /*
     * Only CPUs that loaded our IDT are targeted: a broadcast would hit
     * CPUs still parked by the firmware (SeaBIOS leaves them in a hlt
     * loop with its own IDT), which triple-fault on the NMI and reset the
     * machine (seen under QEMU).
     */
    for ( cpu = 0; cpu < NR_CPUS; cpu++ )
    {
        if ( cpu == self ||
             !__atomic_load_n(&cpu_tables_loaded[cpu], __ATOMIC_ACQUIRE) )
            continue;
        send_nmi(base, cpu_tables_apic_id[cpu]);
        sent++;
    }

    /* Give them up to 100 ms to park (they only count and halt). */
    for ( i = 0; i < 100 && ACCESS_ONCE(cpus_stopped) < sent; i++ )
        mdelay(1);
}

void trap_init(void)
{
    idt_init();
    cpu_init_tables(smp_processor_id());
}
