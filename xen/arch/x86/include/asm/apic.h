/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local APIC, in xAPIC (MMIO) or x2APIC (MSR 0x800 + reg/16) mode.
 * Register offsets are the xAPIC MMIO offsets (Intel SDM vol. 3 table
 * 11-1); apic_read/apic_write translate them for x2APIC.
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <xen/types.h>

#define APIC_DEFAULT_PHYS_BASE 0xfee00000UL

#define APIC_ID         0x020
#define APIC_LVR        0x030
#define APIC_TASKPRI    0x080
#define APIC_EOI        0x0b0
#define APIC_LDR        0x0d0
#define APIC_DFR        0x0e0
#define APIC_SPIV       0x0f0
#define  APIC_SPIV_APIC_ENABLED  (1U << 8)
#define APIC_ESR        0x280
#define APIC_ICR        0x300
#define APIC_ICR2       0x310
#define APIC_LVTT       0x320
#define APIC_LVTTHMR    0x330
#define APIC_LVTPC      0x340
#define APIC_LVT0       0x350
#define APIC_LVT1       0x360
#define APIC_LVTERR     0x370
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3e0
#define APIC_SELF_IPI   0x3f0   /* x2APIC only */

/* ICR and LVT fields. */
#define APIC_DM_FIXED       0x00000
#define APIC_DM_NMI         0x00400
#define APIC_DM_INIT        0x00500
#define APIC_DM_STARTUP     0x00600
#define APIC_DM_EXTINT      0x00700
#define APIC_ICR_BUSY       0x01000
#define APIC_INT_ASSERT     0x04000
#define APIC_INT_LEVELTRIG  0x08000
#define APIC_DEST_SELF      0x40000
#define APIC_DEST_ALLBUT    0xc0000
#define APIC_LVT_MASKED     (1U << 16)
#define APIC_LVT_TIMER_ONESHOT   (0U << 17)
#define APIC_LVT_TIMER_PERIODIC  (1U << 17)
#define APIC_LVT_TIMER_TSCDEADLINE (2U << 17)
#define APIC_TDR_DIV_1      0xb

#define MSR_APIC_BASE       0x1b
#define  APIC_BASE_BSP      (1UL << 8)
#define  APIC_BASE_EXTD     (1UL << 10)
#define  APIC_BASE_ENABLE   (1UL << 11)
#define  APIC_BASE_ADDR_MASK 0xffffff000UL
#define MSR_TSC_DEADLINE    0x6e0
#define MSR_X2APIC_FIRST    0x800

/*
 * Vectors the hypervisor uses, as in Xen: high vectors have the highest
 * priority class, the spurious vector must have its low nibble set on
 * old xAPICs.
 */
#define SPURIOUS_APIC_VECTOR    0xff
#define ERROR_APIC_VECTOR       0xfe
#define INVALIDATE_TLB_VECTOR   0xfd
#define EVENT_CHECK_VECTOR      0xfc
#define CALL_FUNCTION_VECTOR    0xfb
#define LOCAL_TIMER_VECTOR      0xfa

/* True once the BSP switched to x2APIC mode (APs follow it). */
extern bool x2apic_enabled;
/* Physical address of the xAPIC MMIO window (MADT or MSR). */
extern paddr_t mp_lapic_addr;

u32 apic_read(unsigned int reg);
void apic_write(unsigned int reg, u32 v);

static inline void ack_APIC_irq(void)
{
    apic_write(APIC_EOI, 0);
}

/* This CPU's APIC ID (x2APIC: the full 32 bits). */
u32 get_apic_id(void);

/* BSP: choose xAPIC/x2APIC, install the APIC vectors, set up the LAPIC. */
void init_bsp_apic(void);
/* Every CPU (the BSP through init_bsp_apic): enable and program its LAPIC. */
void setup_local_apic(bool bsp);
/* BSP: measure the LAPIC timer against the TSC (needs cpu_khz). */
void calibrate_apic_timer(void);

/*
 * IPIs.  send_IPI_apicid() sends a fixed-vector interrupt to one APIC ID;
 * the raw form takes ICR low bits (delivery mode, level, vector) and waits
 * for the previous one to be delivered (xAPIC busy bit).  Returns false
 * if the APIC did not accept it in time.
 */
bool apic_send_icr(u32 apicid, u32 icr_low);
void send_IPI_apicid(u32 apicid, u8 vector);
void send_IPI_cpu(unsigned int cpu, u8 vector);

/* APIC ID of each logical CPU; BAD_APICID if none. */
#define BAD_APICID 0xffffffffU
extern u32 x86_cpu_to_apicid[];

#endif /* ASM_APIC_H */
