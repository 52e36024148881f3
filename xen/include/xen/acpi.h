/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI static tables: RSDP (from the loader or the BIOS areas), RSDT/XSDT,
 * MADT (CPUs, IOAPICs, overrides), FADT (PM1 control, reset register,
 * DSDT) and HPET.  Layouts are those of the ACPI 6.x specification,
 * chapter 5.2.  The hypervisor reads them in place (they live in RAM the
 * firmware reserved, reachable through the 0-4 GiB identity map or the
 * direct map); nothing here allocates.
 */
#ifndef XEN_ACPI_H
#define XEN_ACPI_H

#include <xen/types.h>
#include <xen/compiler.h>

struct acpi_rsdp {
    char signature[8];          /* "RSD PTR " */
    u8 checksum;                /* first 20 bytes */
    char oem_id[6];
    u8 revision;                /* 0: ACPI 1.0; 2: 2.0+ */
    u32 rsdt_address;
    /* ACPI 2.0+ */
    u32 length;
    u64 xsdt_address;
    u8 extended_checksum;       /* whole structure */
    u8 reserved[3];
} __packed;

struct acpi_table_header {
    char signature[4];
    u32 length;
    u8 revision;
    u8 checksum;
    char oem_id[6];
    char oem_table_id[8];
    u32 oem_revision;
    char asl_compiler_id[4];
    u32 asl_compiler_revision;
} __packed;

/* Generic Address Structure (5.2.3.2). */
struct acpi_gas {
    u8 space_id;                /* ACPI_ADR_SPACE_* */
    u8 bit_width;
    u8 bit_offset;
    u8 access_size;
    u64 address;
} __packed;

#define ACPI_ADR_SPACE_SYSTEM_MEMORY 0
#define ACPI_ADR_SPACE_SYSTEM_IO     1
#define ACPI_ADR_SPACE_PCI_CONFIG    2

/* MADT (5.2.12). */
struct acpi_table_madt {
    struct acpi_table_header header;
    u32 lapic_address;
    u32 flags;                  /* bit 0: PC-AT 8259s present */
} __packed;

struct acpi_subtable_header {
    u8 type;
    u8 length;
} __packed;

#define ACPI_MADT_LAPIC          0
#define ACPI_MADT_IOAPIC         1
#define ACPI_MADT_INT_OVERRIDE   2
#define ACPI_MADT_NMI_SOURCE     3
#define ACPI_MADT_LAPIC_NMI      4
#define ACPI_MADT_LAPIC_OVERRIDE 5
#define ACPI_MADT_X2APIC         9
#define ACPI_MADT_X2APIC_NMI     10

#define ACPI_MADT_ENABLED        1   /* LAPIC/x2APIC flags */
#define ACPI_MADT_ONLINE_CAPABLE 2

struct acpi_madt_lapic {
    struct acpi_subtable_header h;
    u8 processor_id;
    u8 id;
    u32 flags;
} __packed;

struct acpi_madt_ioapic {
    struct acpi_subtable_header h;
    u8 id;
    u8 reserved;
    u32 address;
    u32 gsi_base;
} __packed;

struct acpi_madt_int_override {
    struct acpi_subtable_header h;
    u8 bus;                     /* 0: ISA */
    u8 source_irq;
    u32 gsi;
    u16 flags;                  /* MPS INTI flags: polarity, trigger */
} __packed;

struct acpi_madt_lapic_nmi {
    struct acpi_subtable_header h;
    u8 processor_id;            /* 0xff: all */
    u16 flags;
    u8 lint;
} __packed;

struct acpi_madt_lapic_override {
    struct acpi_subtable_header h;
    u16 reserved;
    u64 address;
} __packed;

struct acpi_madt_x2apic {
    struct acpi_subtable_header h;
    u16 reserved;
    u32 x2apic_id;
    u32 flags;
    u32 uid;
} __packed;

/* FADT (5.2.9), the fields the hypervisor uses; length bounds the rest. */
struct acpi_table_fadt {
    struct acpi_table_header header;
    u32 facs;
    u32 dsdt;
    u8 reserved0;
    u8 preferred_pm_profile;
    u16 sci_int;
    u32 smi_cmd;
    u8 acpi_enable;
    u8 acpi_disable;
    u8 s4bios_req;
    u8 pstate_cnt;
    u32 pm1a_evt_blk;
    u32 pm1b_evt_blk;
    u32 pm1a_cnt_blk;
    u32 pm1b_cnt_blk;
    u32 pm2_cnt_blk;
    u32 pm_tmr_blk;
    u32 gpe0_blk;
    u32 gpe1_blk;
    u8 pm1_evt_len;
    u8 pm1_cnt_len;
    u8 pm2_cnt_len;
    u8 pm_tmr_len;
    u8 gpe0_blk_len;
    u8 gpe1_blk_len;
    u8 gpe1_base;
    u8 cst_cnt;
    u16 p_lvl2_lat;
    u16 p_lvl3_lat;
    u16 flush_size;
    u16 flush_stride;
    u8 duty_offset;
    u8 duty_width;
    u8 day_alrm;
    u8 mon_alrm;
    u8 century;
    u16 iapc_boot_arch;
    u8 reserved1;
    u32 flags;                  /* offset 112 */
    struct acpi_gas reset_reg;  /* offset 116, ACPI 2.0+ */
    u8 reset_value;
    u16 arm_boot_arch;
    u8 minor_revision;
    u64 x_firmware_ctrl;        /* offset 132 */
    u64 x_dsdt;                 /* offset 140 */
    struct acpi_gas x_pm1a_evt_blk;
    struct acpi_gas x_pm1b_evt_blk;
    struct acpi_gas x_pm1a_cnt_blk;   /* offset 172 */
    struct acpi_gas x_pm1b_cnt_blk;   /* offset 184 */
} __packed;

#define ACPI_FADT_RESET_REG_SUP  (1U << 10)
#define ACPI_FADT_HW_REDUCED     (1U << 20)

#define ACPI_PM1_SLP_TYP_SHIFT   10
#define ACPI_PM1_SLP_EN          (1U << 13)

/* HPET description table. */
struct acpi_table_hpet {
    struct acpi_table_header header;
    u32 id;                     /* event timer block ID */
    struct acpi_gas address;
    u8 sequence;
    u16 minimum_tick;
    u8 flags;
} __packed;

/* What acpi_boot_init() learned, for the APIC, time and power code. */
struct acpi_info {
    paddr_t rsdp;
    paddr_t lapic_addr;         /* 0 if no MADT */
    bool pic_present;           /* MADT PC-AT compatibility flag */
    paddr_t hpet_addr;          /* 0 if no HPET table */
    u32 hpet_id;
    /* FADT-derived power management. */
    u16 pm1a_cnt, pm1b_cnt;     /* I/O ports; 0 if absent */
    struct acpi_gas reset_reg;
    u8 reset_value;
    bool reset_supported;
    paddr_t dsdt;
    bool s5_valid;
    u8 slp_typa, slp_typb;
    /* Legacy IRQ -> GSI overrides (ISA IRQs 0-15). */
    u32 isa_irq_to_gsi[16];
    u16 isa_irq_flags[16];
};

extern struct acpi_info acpi_info;

/*
 * Find the RSDP, walk the RSDT/XSDT, print one line per table, parse the
 * MADT (registers LAPICs with smpboot and IOAPICs with io_apic), the FADT
 * and the HPET table.  Malformed tables are reported and skipped.
 */
void acpi_boot_init(void);

/* The instance-th (0-based) table with this signature, or NULL. */
const struct acpi_table_header *acpi_find_table_inst(const char *sig,
                                                     unsigned int instance);
#define acpi_find_table(sig) acpi_find_table_inst(sig, 0)

/*
 * The tables the RSDT/XSDT lists (valid ones, in order), at most max;
 * returns how many.  acpi_table_at() maps one of them.
 */
unsigned int acpi_root_tables(paddr_t *pa, unsigned int max);
const struct acpi_table_header *acpi_table_at(paddr_t pa);

/* Start of the BIOS extended data area (from the BDA word at 0x40e). */
paddr_t bios_ebda_addr(void);

/* Sum of len bytes (valid tables sum to 0). */
u8 acpi_checksum(const void *p, size_t len);

/*
 * Find "_S5_" in a DSDT/SSDT AML body and decode SLP_TYPa/SLP_TYPb from
 * its package.  Returns 0, or -ENOENT / -EINVAL.  Pure; host-testable.
 */
int acpi_parse_s5(const u8 *aml, size_t len, u8 *slp_typa, u8 *slp_typb);

/* Enter S5 through PM1a/PM1b control; returns only if that failed. */
void acpi_power_off(void);

/* Write the FADT reset register if the FADT offers it; returns on failure. */
void acpi_reset(void);

#endif /* XEN_ACPI_H */
