/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI static tables at boot: locate the RSDP, list the tables of the
 * RSDT/XSDT, and extract what the hypervisor needs from the MADT, FADT
 * and HPET tables (ACPI 6.x chapter 5.2).  Tables are read in place
 * through the 0-4 GiB identity map.  Firmware tables are untrusted
 * input: every walk is bounded by the table's length and the mapping,
 * and a malformed table is reported and skipped, never dereferenced past
 * its end.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/bootinfo.h>
#include <xen/acpi.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/smp.h>

#define ACPI_MAX_TABLES    64
#define ACPI_MAX_TABLE_LEN (16UL << 20)     /* sanity bound */
#ifndef KEEL_HOST_TEST
#define IDENT_MAP_END      (4UL << 30)      /* head.S maps 0-4 GiB */
#else
#define IDENT_MAP_END      (~0UL)           /* unit tests: host pointers */
#endif

struct acpi_info acpi_info;

static paddr_t acpi_tables[ACPI_MAX_TABLES];
static unsigned int acpi_nr_tables;
/* The RSDT/XSDT's own entries, in order (dom0 gets a copy of the list). */
static paddr_t acpi_root[ACPI_MAX_TABLES];
static unsigned int acpi_nr_root;

BUILD_BUG_ON(sizeof(struct acpi_rsdp) != 36);
BUILD_BUG_ON(sizeof(struct acpi_table_header) != 36);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, flags) != 112);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, x_dsdt) != 140);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, x_pm1b_cnt_blk) != 184);
BUILD_BUG_ON(sizeof(struct acpi_table_hpet) != 56);

u8 acpi_checksum(const void *p, size_t len)
{
    const u8 *b = p;
    u8 sum = 0;

    while ( len-- )
        sum += *b++;
    return sum;
}

/* A pointer to [pa, pa+len) if all of it is mapped, else NULL. */
static const void *acpi_map(paddr_t pa, size_t len)
{
    if ( !pa || len > IDENT_MAP_END || pa > IDENT_MAP_END - len )
        return NULL;
    return (const void *)(uintptr_t)pa;
}

/*
 * Validate the table header at pa: mapped, sane length, checksum.  A bad
 * checksum is only a warning (Linux and Xen use such tables too); a bad
 * length makes the table unusable.
 */
static const struct acpi_table_header *acpi_get_table(paddr_t pa)
{
    const struct acpi_table_header *h = acpi_map(pa, sizeof(*h));

    if ( !h )
    {
        printk(XENLOG_WARNING "ACPI: table at %#lx is not mapped\n", pa);
        return NULL;
    }
    if ( h->length < sizeof(*h) || h->length > ACPI_MAX_TABLE_LEN ||
         !acpi_map(pa, h->length) )
    {
        printk(XENLOG_WARNING "ACPI: %4.4s at %#lx has bad length %#x: "
               "ignored\n", h->signature, pa, h->length);
        return NULL;
    }
    if ( acpi_checksum(h, h->length) )
        printk(XENLOG_WARNING "ACPI: %4.4s at %#lx: checksum mismatch "
               "(firmware bug?), using it anyway\n", h->signature, pa);
    return h;
}

static void acpi_print_header(paddr_t pa, const struct acpi_table_header *h)
{
    if ( !memcmp(h->signature, "FACS", 4) )
    {
        printk(XENLOG_INFO "ACPI: FACS %08lX, %04X\n", pa, h->length);
        return;
    }
    printk(XENLOG_INFO "ACPI: %4.4s %08lX, %04X (r%u %6.6s %8.8s %8X "
           "%4.4s %8X)\n", h->signature, pa, h->length, h->revision,
           h->oem_id, h->oem_table_id, h->oem_revision, h->asl_compiler_id,
           h->asl_compiler_revision);
}

static void acpi_add_table(paddr_t pa)
{
    unsigned int i;

    for ( i = 0; i < acpi_nr_tables; i++ )
        if ( acpi_tables[i] == pa )
            return;
    if ( acpi_nr_tables == ACPI_MAX_TABLES )
    {
        printk(XENLOG_WARNING "ACPI: more than %u tables, ignoring %#lx\n",
               ACPI_MAX_TABLES, pa);
        return;
    }
    acpi_tables[acpi_nr_tables++] = pa;
}

const struct acpi_table_header *acpi_find_table_inst(const char *sig,
                                                     unsigned int instance)
{
    unsigned int i;

    for ( i = 0; i < acpi_nr_tables; i++ )
    {
        const struct acpi_table_header *h = acpi_map(acpi_tables[i],
                                                     sizeof(*h));

        if ( h && !memcmp(h->signature, sig, 4) && !instance-- )
            return h;
    }
    return NULL;
}

unsigned int acpi_root_tables(paddr_t *pa, unsigned int max)
{
    unsigned int i;

    for ( i = 0; i < acpi_nr_root && i < max; i++ )
        pa[i] = acpi_root[i];
    return i;
}

const struct acpi_table_header *acpi_table_at(paddr_t pa)
{
    return acpi_map(pa, sizeof(struct acpi_table_header));
}

/* --- RSDP ---------------------------------------------------------------- */

static bool rsdp_valid(const struct acpi_rsdp *r)
{
    if ( memcmp(r->signature, "RSD PTR ", 8) || acpi_checksum(r, 20) )
        return false;
    if ( r->revision >= 2 && r->length >= sizeof(*r) && r->length <= 4096 &&
         acpi_checksum(r, r->length) )
        printk(XENLOG_WARNING "ACPI: RSDP extended checksum mismatch\n");
    return true;
}

static paddr_t rsdp_scan(paddr_t start, size_t len)
{
    paddr_t pa;

    for ( pa = start; pa + 20 <= start + len; pa += 16 )
        if ( rsdp_valid((const struct acpi_rsdp *)(uintptr_t)pa) )
            return pa;
    return 0;
}

paddr_t bios_ebda_addr(void)
{
    const volatile u16 *p;

    /*
     * The EBDA segment is kept in the BIOS data area at 0x40e.  The empty
     * asm hides the constant address, which gcc would otherwise flag as
     * a null-page access (-Warray-bounds).
     */
    __asm__ ( "" : "=r" (p) : "0" (0x40eUL) );
    return (paddr_t)*p << 4;
}

/* The loader's copy (multiboot2/EFI), else the BIOS areas (5.2.5.1). */
static paddr_t acpi_find_rsdp(void)
{
    paddr_t ebda, pa;

    if ( boot_info.rsdp )
    {
        if ( rsdp_valid((const struct acpi_rsdp *)(uintptr_t)boot_info.rsdp) )
            return boot_info.rsdp;
        printk(XENLOG_WARNING "ACPI: loader's RSDP is invalid, scanning\n");
    }

    ebda = bios_ebda_addr();
    if ( ebda >= 0x80000 && ebda < 0xa0000 )
    {
        pa = rsdp_scan(ebda, 1024);
        if ( pa )
            return pa;
    }
    return rsdp_scan(0xe0000, 0x20000);
}

/* --- MADT ---------------------------------------------------------------- */

static const char *const mps_polarity[] = { "dfl", "high", "res", "low" };
static const char *const mps_trigger[] = { "dfl", "edge", "res", "level" };

static void madt_lapic(const struct acpi_madt_lapic *p)
{
    bool enabled = p->flags & ACPI_MADT_ENABLED;

    printk(XENLOG_INFO "ACPI: LAPIC (acpi_id[0x%02x] lapic_id[0x%02x] %s)\n",
           p->processor_id, p->id, enabled ? "enabled" : "disabled");
    /* 0xff is the xAPIC broadcast ID, never a CPU. */
    if ( p->id != 0xff )
        smp_register_lapic(p->id, enabled);
}

static void madt_x2apic(const struct acpi_madt_x2apic *p)
{
    bool enabled = p->flags & ACPI_MADT_ENABLED;

    printk(XENLOG_INFO "ACPI: X2APIC (apic_id[0x%02x] uid[0x%02x] %s)\n",
           p->x2apic_id, p->uid, enabled ? "enabled" : "disabled");
    if ( p->x2apic_id != 0xffffffffU )
        smp_register_lapic(p->x2apic_id, enabled);
}

static void madt_ioapic(const struct acpi_madt_ioapic *p)
{
    printk(XENLOG_INFO "ACPI: IOAPIC (id[0x%02x] address[%#x] "
           "gsi_base[%u])\n", p->id, p->address, p->gsi_base);
    if ( !io_apic_register(p->id, p->address, p->gsi_base) )
        printk(XENLOG_WARNING "ACPI: more than %u IOAPICs, ignoring id %u\n",
               MAX_IO_APICS, p->id);
}

static void madt_override(const struct acpi_madt_int_override *p)
{
    printk(XENLOG_INFO "ACPI: INT_SRC_OVR (bus %u bus_irq %u global_irq %u "
           "%s %s)\n", p->bus, p->source_irq, p->gsi,
           mps_polarity[p->flags & 3], mps_trigger[(p->flags >> 2) & 3]);
    if ( p->bus == 0 && p->source_irq < 16 )
    {
        acpi_info.isa_irq_to_gsi[p->source_irq] = p->gsi;
        acpi_info.isa_irq_flags[p->source_irq] = p->flags;
    }
}

static void madt_lapic_nmi(const struct acpi_madt_lapic_nmi *p)
{
    printk(XENLOG_INFO "ACPI: LAPIC_NMI (acpi_id[0x%02x] %s %s lint[%#x])\n",
           p->processor_id, mps_polarity[p->flags & 3],
           mps_trigger[(p->flags >> 2) & 3], p->lint);
}

/* Minimum length of each subtable type we decode. */
static unsigned int madt_min_len(u8 type)
{
    switch ( type )
    {
    case ACPI_MADT_LAPIC:          return sizeof(struct acpi_madt_lapic);
    case ACPI_MADT_IOAPIC:         return sizeof(struct acpi_madt_ioapic);
    case ACPI_MADT_INT_OVERRIDE:
        return sizeof(struct acpi_madt_int_override);
    case ACPI_MADT_LAPIC_NMI:      return sizeof(struct acpi_madt_lapic_nmi);
    case ACPI_MADT_LAPIC_OVERRIDE:
        return sizeof(struct acpi_madt_lapic_override);
    case ACPI_MADT_X2APIC:         return sizeof(struct acpi_madt_x2apic);
    default:                       return 2;
    }
}

/*
 * Walk the MADT subtables in three passes: the LAPIC address override,
 * then the processors (in firmware order, which gives the CPU numbers),
 * then IOAPICs and overrides, so the log reads like Xen's.
 */
static void acpi_parse_madt(void)
{
    const struct acpi_table_madt *madt =
        (const void *)acpi_find_table("APIC");
    const u8 *p, *end;
    unsigned int pass;

    if ( !madt )
    {
        printk(XENLOG_WARNING "ACPI: no MADT: only the boot CPU will run\n");
        return;
    }
    if ( madt->header.length < sizeof(*madt) )
    {
        printk(XENLOG_WARNING "ACPI: MADT too short (%u bytes): ignored\n",
               madt->header.length);
        return;
    }

    acpi_info.lapic_addr = madt->lapic_address;
    acpi_info.pic_present = madt->flags & 1;
    end = (const u8 *)madt + madt->header.length;

    for ( pass = 0; pass < 3; pass++ )
    {
        for ( p = (const u8 *)(madt + 1); p < end; )
        {
            const struct acpi_subtable_header *h = (const void *)p;

            if ( end - p < 2 || h->length < 2 || h->length > end - p )
            {
                if ( pass == 0 )
                    printk(XENLOG_WARNING "ACPI: MADT entry at offset %#lx "
                           "is malformed: rest of the MADT ignored\n",
                           (unsigned long)(p - (const u8 *)madt));
                break;
            }
            if ( h->length < madt_min_len(h->type) )
            {
                if ( pass == 0 )
                    printk(XENLOG_WARNING "ACPI: MADT entry type %u too "
                           "short (%u bytes): skipped\n", h->type,
                           h->length);
                p += h->length;
                continue;
            }

            switch ( pass * 16 + h->type )
            {
            case 0 * 16 + ACPI_MADT_LAPIC_OVERRIDE:
                acpi_info.lapic_addr =
                    ((const struct acpi_madt_lapic_override *)p)->address;
                break;
            case 1 * 16 + ACPI_MADT_LAPIC:
                madt_lapic((const void *)p);
                break;
            case 1 * 16 + ACPI_MADT_X2APIC:
                madt_x2apic((const void *)p);
                break;
            case 1 * 16 + ACPI_MADT_LAPIC_NMI:
                madt_lapic_nmi((const void *)p);
                break;
            case 2 * 16 + ACPI_MADT_IOAPIC:
                madt_ioapic((const void *)p);
                break;
            case 2 * 16 + ACPI_MADT_INT_OVERRIDE:
                madt_override((const void *)p);
                break;
            }
            p += h->length;
        }
        if ( pass == 0 )
            printk(XENLOG_INFO "ACPI: Local APIC address %#lx\n",
                   acpi_info.lapic_addr);
    }
}

/* --- FADT ---------------------------------------------------------------- */

/* A field at offset off of len bytes is present in a table of tlen bytes. */
#define FADT_HAS(tlen, field) \
    ((tlen) >= offsetof(struct acpi_table_fadt, field) + \
               sizeof(((struct acpi_table_fadt *)0)->field))

static void acpi_parse_fadt(const struct acpi_table_fadt *f)
{
    u32 len = f->header.length;

    if ( !FADT_HAS(len, flags) )
    {
        printk(XENLOG_WARNING "ACPI: FADT too short (%u bytes): ignored\n",
               len);
        return;
    }

    acpi_info.pm1a_cnt = f->pm1a_cnt_blk;
    acpi_info.pm1b_cnt = f->pm1b_cnt_blk;
    if ( FADT_HAS(len, x_pm1b_cnt_blk) )
    {
        /* The 64-bit forms win when they describe an I/O port. */
        if ( f->x_pm1a_cnt_blk.address &&
             f->x_pm1a_cnt_blk.space_id == ACPI_ADR_SPACE_SYSTEM_IO &&
             f->x_pm1a_cnt_blk.address < 0x10000 )
            acpi_info.pm1a_cnt = f->x_pm1a_cnt_blk.address;
        if ( f->x_pm1b_cnt_blk.address &&
             f->x_pm1b_cnt_blk.space_id == ACPI_ADR_SPACE_SYSTEM_IO &&
             f->x_pm1b_cnt_blk.address < 0x10000 )
            acpi_info.pm1b_cnt = f->x_pm1b_cnt_blk.address;
    }

    if ( FADT_HAS(len, reset_value) && f->header.revision >= 2 &&
         (f->flags & ACPI_FADT_RESET_REG_SUP) && f->reset_reg.address )
    {
        acpi_info.reset_reg = f->reset_reg;
        acpi_info.reset_value = f->reset_value;
        acpi_info.reset_supported = true;
    }

    acpi_info.dsdt = f->dsdt;
    if ( FADT_HAS(len, x_dsdt) && f->x_dsdt )
        acpi_info.dsdt = f->x_dsdt;
}

/* Find SLP_TYPa/b for S5 in the DSDT, then in the SSDTs. */
static void acpi_find_s5(void)
{
    const struct acpi_table_header *h;
    unsigned int i;
    int rc = -ENOENT;

    for ( i = 0, h = acpi_find_table("DSDT"); h && rc;
          h = acpi_find_table_inst("SSDT", i++) )
        rc = acpi_parse_s5((const u8 *)(h + 1), h->length - sizeof(*h),
                           &acpi_info.slp_typa, &acpi_info.slp_typb);

    acpi_info.s5_valid = !rc;
    if ( rc )
        printk(XENLOG_WARNING "ACPI: no usable \\_S5 object (%d): power off "
               "will halt instead\n", rc);
    else
        printk(XENLOG_INFO "ACPI: S5 SLP_TYPa %u SLP_TYPb %u, PM1a_CNT %#x "
               "PM1b_CNT %#x\n", acpi_info.slp_typa, acpi_info.slp_typb,
               acpi_info.pm1a_cnt, acpi_info.pm1b_cnt);
}

/* --- HPET ---------------------------------------------------------------- */

static void acpi_parse_hpet(void)
{
    const struct acpi_table_hpet *t = (const void *)acpi_find_table("HPET");

    if ( !t )
        return;
    if ( t->header.length < sizeof(*t) ||
         t->address.space_id != ACPI_ADR_SPACE_SYSTEM_MEMORY )
    {
        printk(XENLOG_WARNING "ACPI: HPET table malformed: ignored\n");
        return;
    }
    acpi_info.hpet_addr = t->address.address;
    acpi_info.hpet_id = t->id;
    printk(XENLOG_INFO "ACPI: HPET id: %#x base: %#lx\n", t->id,
           acpi_info.hpet_addr);
}

/* --- Root tables --------------------------------------------------------- */

static void acpi_walk_root(const struct acpi_rsdp *rsdp)
{
    const struct acpi_table_header *root = NULL;
    unsigned int i, n, esz = 4;
    paddr_t root_pa = 0;

    if ( rsdp->revision >= 2 && rsdp->length >= sizeof(*rsdp) &&
         rsdp->xsdt_address )
    {
        root_pa = rsdp->xsdt_address;
        root = acpi_get_table(root_pa);
        if ( root && memcmp(root->signature, "XSDT", 4) )
        {
            printk(XENLOG_WARNING "ACPI: XSDT at %#lx has signature %4.4s: "
                   "using the RSDT\n", root_pa, root->signature);
            root = NULL;
        }
        esz = 8;
    }
    if ( !root )
    {
        root_pa = rsdp->rsdt_address;
        root = acpi_get_table(root_pa);
        if ( root && memcmp(root->signature, "RSDT", 4) )
        {
            printk(XENLOG_WARNING "ACPI: RSDT at %#lx has signature %4.4s\n",
                   root_pa, root->signature);
            root = NULL;
        }
        esz = 4;
    }
    if ( !root )
    {
        printk(XENLOG_WARNING "ACPI: no usable RSDT/XSDT\n");
        return;
    }
    acpi_print_header(root_pa, root);

    n = (root->length - sizeof(*root)) / esz;
    for ( i = 0; i < n; i++ )
    {
        const u8 *e = (const u8 *)(root + 1) + i * esz;
        paddr_t pa = 0;
        const struct acpi_table_header *h;

        memcpy(&pa, e, esz);    /* entries are unaligned in the XSDT */
        h = acpi_get_table(pa);
        if ( !h )
            continue;
        acpi_print_header(pa, h);
        acpi_add_table(pa);
        if ( acpi_nr_root < ACPI_MAX_TABLES )
            acpi_root[acpi_nr_root++] = pa;

        if ( !memcmp(h->signature, "FACP", 4) )
        {
            const struct acpi_table_fadt *f = (const void *)h;
            const struct acpi_table_header *d;

            acpi_parse_fadt(f);
            if ( acpi_info.dsdt && (d = acpi_get_table(acpi_info.dsdt)) )
            {
                acpi_print_header(acpi_info.dsdt, d);
                acpi_add_table(acpi_info.dsdt);
            }
            if ( f->facs && (d = acpi_map(f->facs, 8)) &&
                 !memcmp(d->signature, "FACS", 4) )
                acpi_print_header(f->facs, d);
        }
    }
}

void acpi_boot_init(void)
{
    const struct acpi_rsdp *rsdp;
    paddr_t pa;
    unsigned int i;

    memset(&acpi_info, 0, sizeof(acpi_info));
    acpi_nr_tables = 0;
    for ( i = 0; i < 16; i++ )
        acpi_info.isa_irq_to_gsi[i] = i;

    pa = acpi_find_rsdp();
    if ( !pa )
    {
        printk(XENLOG_WARNING "ACPI: no RSDP found: one CPU, no power "
               "management\n");
        return;
    }
    rsdp = (const void *)(uintptr_t)pa;
    acpi_info.rsdp = pa;
    printk(XENLOG_INFO "ACPI: RSDP %08lX, %04X (r%u %6.6s)\n", pa,
           rsdp->revision >= 2 ? rsdp->length : 20, rsdp->revision,
           rsdp->oem_id);

    acpi_walk_root(rsdp);
    acpi_parse_madt();
    acpi_parse_hpet();
    if ( acpi_find_table("FACP") )
        acpi_find_s5();
}
