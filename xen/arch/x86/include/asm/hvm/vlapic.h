/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated local APIC of each vCPU (Intel SDM vol. 3 ch. 11/12 "APIC",
 * chapter 10 in older editions), in xAPIC mode (a 4 KiB MMIO page at the
 * APIC base, default 0xfee00000) or x2APIC mode (MSRs 0x800-0x8ff),
 * switched through IA32_APIC_BASE bits 10 (EXTD) and 11 (EN).
 *
 * Interrupt acceptance for the backend, before each VM entry:
 *     vec = vlapic_pending_irq(v);      highest IRR vector above PPR, or -1
 *     ... inject vec when the guest can take it, then
 *     vlapic_ack_irq(v, vec);           IRR -> ISR
 * NMIs sent by IPI: vlapic_nmi_pending() / vlapic_ack_nmi().
 *
 * The timer counts at a fixed bus clock of VLAPIC_BUS_HZ (1 GHz: one tick
 * per nanosecond before the divider), which CPUID leaf 0x16 ECX and leaf
 * 0x15 should report; TSC-deadline mode (MSR 0x6e0) follows the guest's
 * TSC (host TSC + hvm_guest_tsc_offset()).
 *
 * A vCPU's APIC ID is VLAPIC_ID(vcpu_id), as in Xen (vcpu_id * 2); the
 * MADT given to the guest and CPUID leaves 1/0xb must agree with it.
 */
#ifndef ASM_HVM_VLAPIC_H
#define ASM_HVM_VLAPIC_H

#include <xen/types.h>
#include <xen/timer.h>
#include <asm/spinlock.h>

struct vcpu;
struct domain;

#define VLAPIC_BUS_HZ           1000000000ULL
#define VLAPIC_ID(vcpu_id)      ((u32)(vcpu_id) * 2)
/* Version 0x14 (integrated APIC), 6 LVT entries (max LVT index 5). */
#define VLAPIC_VERSION          0x00050014U
/* Periodic timers faster than this are slowed down to it. */
#define VLAPIC_MIN_PERIOD_NS    100000

/* ESR bits (SDM "Error Handling"). */
#define APIC_ESR_SEND_ILLEGAL   (1U << 5)
#define APIC_ESR_RECV_ILLEGAL   (1U << 6)
#define APIC_ESR_ILLEGAL_REG    (1U << 7)

struct vlapic {
    struct vcpu *vcpu;
    u64 apic_base_msr;          /* IA32_APIC_BASE as the guest sees it */
    /*
     * The register page, indexed by xAPIC offset / 4.  IRR, ISR and TMR
     * are changed with atomic bit operations (other vCPUs and interrupt
     * handlers set IRR); everything else only by the owning vCPU.
     */
    u32 regs[1024];
    u32 esr_pending;            /* errors since the last ESR write */
    bool nmi_pending;
    bool wait_for_sipi;         /* INIT received, SIPI expected */

    /* Timer state, under lock (the expiry may run on another CPU). */
    spinlock_t lock;
    struct timer timer;
    s_time_t timer_start;       /* when the current count was loaded */
    s_time_t timer_period;      /* ns per count-down (0: stopped) */
    s_time_t timer_due;         /* armed expiry, 0 when not armed */
    u64 tsc_deadline;           /* MSR 0x6e0, 0 when disarmed */
};

/*
 * Create / free v->vlapic (APIC enabled in xAPIC mode, SVR disabled).
 * The first call for a domain also runs hvm_vdev_init() if the domain
 * builder has not (asm/hvm/irq.h).
 */
int vlapic_init(struct vcpu *v);
void vlapic_destroy(struct vcpu *v);
/* Back to the power-on state (keeps the APIC base MSR's address). */
void vlapic_reset(struct vlapic *vlapic);

/* Register the xAPIC MMIO handler for the domain (once). */
int vlapic_domain_init(struct domain *d);

/* Interrupt acceptance (see the top of this file). */
int vlapic_pending_irq(struct vcpu *v);
void vlapic_ack_irq(struct vcpu *v, int vector);
bool vlapic_nmi_pending(struct vcpu *v);
void vlapic_ack_nmi(struct vcpu *v);

/*
 * Raise vector in the vLAPIC (level: the source wants an EOI broadcast)
 * and wake its vCPU.  Safe from any CPU and from interrupt context.
 * Vectors 0-15 are refused (ESR "receive illegal vector"), and so is
 * everything while the APIC is disabled: returns false then.
 */
bool vlapic_set_irq(struct vlapic *vlapic, u8 vector, bool level);

/* IA32_APIC_BASE (0x1b), TSC_DEADLINE (0x6e0) and the x2APIC MSRs. */
bool vlapic_is_msr(u32 msr);
/*
 * X86EMUL_OKAY, X86EMUL_EXCEPTION (inject #GP) or X86EMUL_UNHANDLEABLE
 * (not a vLAPIC MSR).
 */
int vlapic_rdmsr(struct vcpu *v, u32 msr, u64 *val);
int vlapic_wrmsr(struct vcpu *v, u32 msr, u64 val);

/* The register behind an xAPIC MMIO offset, for tests and dumps. */
u32 vlapic_get_reg(const struct vlapic *vlapic, unsigned int offset);
bool vlapic_enabled(const struct vlapic *vlapic);  /* hw and sw enabled */
bool vlapic_x2apic_mode(const struct vlapic *vlapic);
u32 vlapic_ppr(const struct vlapic *vlapic);
/* Current count (TMCCT) as the guest would read it now. */
u32 vlapic_timer_current_count(struct vlapic *vlapic);

/*
 * Destination decoding for IPIs and IOAPIC messages.  shorthand is the
 * ICR field (0 none, 1 self, 2 all, 3 all but self); source is the
 * sending vLAPIC (NULL for the IOAPIC); logical selects logical mode.
 */
#define APIC_SHORT_NONE     0
#define APIC_SHORT_SELF     1
#define APIC_SHORT_ALL      2
#define APIC_SHORT_ALLBUT   3
bool vlapic_match_dest(const struct vlapic *target,
                       const struct vlapic *source, unsigned int shorthand,
                       u32 dest, bool logical);
/* Lowest-priority arbitration among the domain's matching vLAPICs. */
struct vlapic *vlapic_lowest_prio(struct domain *d, u32 dest, bool logical);
/*
 * Deliver an interrupt message (delivery mode as in ICR bits 8-10) to
 * every vLAPIC of d matched by dest; source NULL for the IOAPIC.
 * Returns how many vLAPICs accepted it.
 */
unsigned int vlapic_deliver(struct domain *d, const struct vlapic *source,
                            unsigned int shorthand, u32 dest, bool logical,
                            unsigned int delivery_mode, u8 vector,
                            bool level);

/*
 * Provided by the vendor-neutral HVM code (hvm/hvm.c):
 *
 * hvm_vcpu_reset_to_sipi(): v received INIT then a start-up IPI with
 * vector vec: reset its register state to the INIT state, real mode with
 * CS.sel = vec << 8, CS.base = vec << 12, IP = 0, clear VPF_down and
 * vcpu_wake() it.  Returns 0 or a negative errno.
 *
 * hvm_vcpu_kick(): v's IRR changed; if v is in guest mode on another
 * pCPU, make it exit so that the new interrupt is injected promptly.
 *
 * hvm_guest_tsc_offset(): guest TSC - host TSC for v (0 if not offset).
 */
int hvm_vcpu_reset_to_sipi(struct vcpu *v, u8 vec);
void hvm_vcpu_kick(struct vcpu *v);
s64 hvm_guest_tsc_offset(struct vcpu *v);

#endif /* ASM_HVM_VLAPIC_H */
