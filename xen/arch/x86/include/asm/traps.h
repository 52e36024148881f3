/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception and interrupt entry.  entry.S has one stub per vector; the
 * stub saves the interrupted state as a struct cpu_user_regs on the
 * current stack and calls do_trap() (vectors 0-31) or do_IRQ() (32-255).
 * Exceptions in the hypervisor are fatal unless the faulting instruction
 * has an entry in the exception table (see read_u64_safe()).  Interrupt
 * handlers are registered per vector and send the LAPIC EOI themselves.
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

/* Offsets into struct cpu_user_regs, for entry.S (checked in traps.c). */
#define UREGS_r15           0
#define UREGS_rbp           32
#define UREGS_error_code    120
#define UREGS_entry_vector  124
#define UREGS_rip           128
#define UREGS_rsp           152
#define UREGS_SIZE          168

#define TRAP_divide_error     0
#define TRAP_debug            1
#define TRAP_nmi              2
#define TRAP_int3             3
#define TRAP_overflow         4
#define TRAP_bounds           5
#define TRAP_invalid_op       6
#define TRAP_no_device        7
#define TRAP_double_fault     8
#define TRAP_copro_seg        9
#define TRAP_invalid_tss     10
#define TRAP_no_segment      11
#define TRAP_stack_error     12
#define TRAP_gp_fault        13
#define TRAP_page_fault      14
#define TRAP_spurious_int    15
#define TRAP_copro_error     16
#define TRAP_alignment_check 17
#define TRAP_machine_check   18
#define TRAP_simd_error      19
#define TRAP_virtualisation  20
#define TRAP_control_prot    21
#define TRAP_nr              32

#define FIRST_IRQ_VECTOR     0x20

/* #PF error code bits (Intel SDM vol. 3A 4.7, AMD APM vol. 2 8.4.2). */
#define PFEC_page_present   (1U << 0)
#define PFEC_write_access   (1U << 1)
#define PFEC_user_mode      (1U << 2)
#define PFEC_reserved_bit   (1U << 3)
#define PFEC_insn_fetch     (1U << 4)
#define PFEC_prot_key       (1U << 5)
#define PFEC_shadow_stack   (1U << 6)

#ifndef __ASSEMBLY__

#include <xen/types.h>

/*
 * The frame entry.S builds: general registers pushed by the stub, then
 * the hardware frame.  error_code is 0 for vectors without one; the stub
 * stores the vector number in the upper half of the error-code slot.
 */
struct cpu_user_regs {
    u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    u64 rax, rcx, rdx, rsi, rdi;
    u32 error_code, entry_vector;
    u64 rip, cs, rflags, rsp, ss;
};

/* BSP: build and load CPU0's GDT, TSS and IDT. */
void trap_init(void);

/*
 * Run on the CPU itself (the BSP through trap_init(), APs from their start
 * path once smp_processor_id() is valid): load this CPU's GDT, TSS (with
 * RSP0 = the current stack and IST stacks for #DF, NMI and #MC) and the
 * shared IDT.
 */
void cpu_init_tables(unsigned int cpu);

typedef void (*irq_handler_t)(struct cpu_user_regs *regs);

/*
 * Route vector (0x20-0xff) to fn; NULL unregisters.  fn runs with
 * interrupts disabled and must send the LAPIC EOI itself.
 */
void set_irq_handler(u8 vector, irq_handler_t fn);

/* Called from entry.S only. */
void do_trap(struct cpu_user_regs *regs);
void do_IRQ(struct cpu_user_regs *regs);

/* Registers, stack words and call trace of regs, Xen style. */
void show_execution_state(const struct cpu_user_regs *regs);

/*
 * Read *p without faulting: false if the access faulted (unmapped,
 * non-canonical).  Uses the exception table, so it is safe in fault
 * reports.
 */
bool read_u64_safe(const void *p, u64 *val);

/*
 * Ask every other CPU to stop (NMI to all but self); they halt with
 * interrupts off.  Used by machine_halt() and before a reboot.
 */
void stop_other_cpus(void);

/*
 * debug_crash=<ud2|pf|de|gp|df|nested|ap|stray|reboot|poweroff>: raise
 * that exception (or take that shutdown path) now, at the end of boot.
 * Debug builds only; a no-op otherwise.
 */
#ifdef CONFIG_DEBUG
void debug_crash(void);
/* Set by debug_crash=nested: the fault report itself faults once. */
extern bool debug_fault_in_report;
#else
static inline void debug_crash(void) {}
#endif

#endif /* !__ASSEMBLY__ */

#endif /* ASM_TRAPS_H */
