/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated I/O APICs (Intel 82093AA datasheet; version 0x20 parts add
 * the EOI register at offset 0x40).  A guest gets one at 0xfec00000 with
 * 48 pins; dom0 gets one per physical IOAPIC, at the same address, with
 * the same ID, GSI base, pin count and version, so the host's MADT
 * describes them unchanged.
 *
 * Lines are asserted and deasserted through hvm_gsi_assert/deassert()
 * (asm/hvm/irq.h).  Edge pins deliver on a rising edge; level pins
 * deliver while asserted and remote IRR is clear, and set remote IRR
 * until the vLAPIC broadcasts the EOI (vioapic_update_eoi()) or the
 * guest writes the EOI register.  Polarity is recorded but a virtual
 * line is always "asserted = active".
 */
#ifndef ASM_HVM_VIOAPIC_H
#define ASM_HVM_VIOAPIC_H

#include <xen/types.h>

struct domain;

#define VIOAPIC_DEFAULT_BASE    0xfec00000UL
#define VIOAPIC_DEFAULT_PINS    48
#define VIOAPIC_VERSION_ID      0x11    /* no EOI register */
#define VIOAPIC_MAX_PINS        120     /* 0x10 + 2 * 120 <= 0xff */
#define VIOAPIC_MMIO_SIZE       0x1000

/* Indirect registers. */
#define VIOAPIC_REG_ID          0x00
#define VIOAPIC_REG_VERSION     0x01
#define VIOAPIC_REG_ARB         0x02
#define VIOAPIC_REG_RTE0        0x10
/* Direct registers (offsets in the MMIO window). */
#define VIOAPIC_REG_SELECT      0x00
#define VIOAPIC_REG_WINDOW      0x10
#define VIOAPIC_REG_EOI         0x40

/* Redirection entry fields (low dword; dest is bits 56-63). */
#define IOAPIC_RTE_VECTOR       0xffULL
#define IOAPIC_RTE_DELIV_MODE   (7ULL << 8)
#define IOAPIC_RTE_DEST_LOGICAL (1ULL << 11)
#define IOAPIC_RTE_DELIV_STATUS (1ULL << 12)
#define IOAPIC_RTE_POLARITY_LOW (1ULL << 13)
#define IOAPIC_RTE_REMOTE_IRR   (1ULL << 14)
#define IOAPIC_RTE_LEVEL        (1ULL << 15)
#define IOAPIC_RTE_MASKED       (1ULL << 16)
#define IOAPIC_RTE_DEST_SHIFT   56

struct hvm_vioapic {
    struct domain *domain;
    paddr_t base;
    u32 id;
    u32 gsi_base;
    unsigned int nr_pins;
    unsigned int version;
    u32 ioregsel;
    u64 rte[VIOAPIC_MAX_PINS];
    u8 line[VIOAPIC_MAX_PINS];  /* 1: the line is asserted */
    bool warned_lost;           /* a message reached no vLAPIC: said */
};

/* A vIOAPIC to create: NULL config list in vioapic_init() = defaults. */
struct vioapic_config {
    paddr_t base;
    u32 id;
    u32 gsi_base;
    unsigned int nr_pins;
    unsigned int version;
};

/*
 * Create d's vIOAPICs (d->vdev must exist) and register their MMIO.
 * nr 0 gives one default vIOAPIC.  0, -EINVAL or -ENOMEM.
 */
int vioapic_init(struct domain *d, const struct vioapic_config *cfg,
                 unsigned int nr);
void vioapic_destroy(struct domain *d);

/* The vIOAPIC serving gsi, *pin set to its pin; NULL if none. */
struct hvm_vioapic *vioapic_for_gsi(struct domain *d, unsigned int gsi,
                                    unsigned int *pin);

/* Set a GSI's line level (called by hvm_gsi_assert/deassert). */
void vioapic_set_line(struct domain *d, unsigned int gsi, bool level);

/* The vLAPIC broadcast an EOI for a level-triggered vector. */
void vioapic_update_eoi(struct domain *d, u8 vector);

/* Raw RTE of gsi (~0 if none), for the dom0 routing and for tests. */
u64 vioapic_get_rte(struct domain *d, unsigned int gsi);

#endif /* ASM_HVM_VIOAPIC_H */
