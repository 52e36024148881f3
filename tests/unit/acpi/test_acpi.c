/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/arch/x86/acpi: the \_S5 package decoder on well-formed, unusual and
 * broken AML, and the table walk on tables built in memory (RSDP 2.0 ->
 * XSDT -> FADT/DSDT, MADT, HPET), including malformed MADT entries,
 * bad checksums and lengths that run past the table.
 */
#include <stdlib.h>

#include "harness.h"
#include "stubs.h"

#include <xen/errno.h>
#include <xen/acpi.h>

/* --- \_S5 ---------------------------------------------------------------- */

static int s5(const u8 *aml, size_t len, u8 *a, u8 *b)
{
    *a = *b = 0xee;
    return acpi_parse_s5(aml, len, a, b);
}

static void test_s5_byte_prefixes(void **state)
{
    /* Name (_S5, Package (4) { 5, 5, 0, 0 }) as iasl emits it. */
    const u8 aml[] = { 0x10, 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
                       0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
    u8 a, b;

    assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
    assert_int_equal(a, 5);
    assert_int_equal(b, 5);
}

static void test_s5_zero_one_ops(void **state)
{
    /* QEMU's: Package (4) { Zero, Zero, Zero, Zero }; and One, Zero. */
    const u8 qemu[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
                        0x00, 0x00, 0x00, 0x00 };
    const u8 ones[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02,
                        0x01, 0x00 };
    u8 a, b;

    assert_int_equal(s5(qemu, sizeof(qemu), &a, &b), 0);
    assert_int_equal(a, 0);
    assert_int_equal(b, 0);
    assert_int_equal(s5(ones, sizeof(ones), &a, &b), 0);
    assert_int_equal(a, 1);
    assert_int_equal(b, 0);
}

static void test_s5_root_prefix_and_word(void **state)
{
    /* Name (\_S5, Package (2) { 0x0007, 0x0003 }) with WordPrefix. */
    const u8 aml[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x02,
                       0x0b, 0x07, 0x00, 0x0b, 0x03, 0x00 };
    u8 a, b;

    assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
    assert_int_equal(a, 7);
    assert_int_equal(b, 3);
}

static void test_s5_single_packed_integer(void **state)
{
    /* Old firmware: one integer, SLP_TYPa in bits 7:0, SLP_TYPb 15:8. */
    const u8 aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01,
                       0x0b, 0x07, 0x05 };
    u8 a, b;

    assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
    assert_int_equal(a, 7);
    assert_int_equal(b, 5);
}

static void test_s5_multibyte_pkglength(void **state)
{
    /* PkgLength 0x47 0x00: two bytes, length 7. */
    const u8 aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02,
                       0x0a, 0x02, 0x0a, 0x03, 0x00 };
    u8 a, b;

    assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
    assert_int_equal(a, 2);
    assert_int_equal(b, 3);
}

static void test_s5_skips_references(void **state)
{
    /*
     * "_S5_" used as a name reference (not after NameOp) comes first;
     * the declaration after it is the one to decode.
     */
    const u8 aml[] = { 0x70, '_', 'S', '5', '_', 0x60,
                       0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02,
                       0x0a, 0x06, 0x00 };
    u8 a, b;

    assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
    assert_int_equal(a, 6);
    assert_int_equal(b, 0);
}

static void test_s5_missing(void **state)
{
    const u8 aml[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x00,
                       0x00 };
    u8 a, b;

    assert_int_equal(s5(aml, sizeof(aml), &a, &b), -ENOENT);
    assert_int_equal(s5(NULL, 0, &a, &b), -ENOENT);
    assert_int_equal(s5(aml, 0, &a, &b), -ENOENT);
}

static void test_s5_malformed(void **state)
{
    /* Package length beyond the table. */
    const u8 longpkg[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x02,
                           0x00, 0x00 };
    /* Not a package. */
    const u8 notpkg[] = { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 };
    /* No elements. */
    const u8 empty[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00 };
    /* A string where an integer must be. */
    const u8 str[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02,
                       0x0d, 'x', 0x00 };
    /* SLP_TYP is 3 bits: 9 cannot be written. */
    const u8 big[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02,
                       0x0a, 0x09, 0x00 };
    /* DWord prefix whose value runs past the package. */
    const u8 cut[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02,
                       0x0c, 0x01, 0x00, 0x00, 0x00, 0x00 };
    u8 a, b;

    assert_int_equal(s5(longpkg, sizeof(longpkg), &a, &b), -EINVAL);
    assert_int_equal(s5(notpkg, sizeof(notpkg), &a, &b), -EINVAL);
    assert_int_equal(s5(empty, sizeof(empty), &a, &b), -EINVAL);
    assert_int_equal(s5(str, sizeof(str), &a, &b), -EINVAL);
    assert_int_equal(s5(big, sizeof(big), &a, &b), -EINVAL);
    assert_int_equal(s5(cut, sizeof(cut), &a, &b), -EINVAL);
}

static void test_s5_every_truncation(void **state)
{
    /*
     * Every prefix of a valid blob, each copied to an exact-size heap
     * buffer so ASan catches a read past len: never a crash, and the
     * full length is the first that succeeds.
     */
    const u8 aml[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x0a, 0x02,
                       0x0c, 0x05, 0x00, 0x00, 0x00, 0x0b, 0x05, 0x00 };
    size_t n;

    for ( n = 0; n <= sizeof(aml); n++ )
    {
        u8 *buf = malloc(n ? n : 1), a, b;
        int rc;

        memcpy(buf, aml, n);
        rc = s5(buf, n, &a, &b);
        if ( n < sizeof(aml) )
            assert_int_not_equal(rc, 0);
        else
        {
            assert_int_equal(rc, 0);
            assert_int_equal(a, 5);
            assert_int_equal(b, 5);
        }
        free(buf);
    }
}

/* --- Tables -------------------------------------------------------------- */

static u8 arena[8192] __attribute__((aligned(16)));
static size_t arena_used;

static void *table_alloc(size_t len)
{
    void *p = arena + arena_used;

    arena_used += (len + 15) & ~15UL;
    assert_true(arena_used <= sizeof(arena));
    return p;
}

static void fix_checksum(struct acpi_table_header *h)
{
    h->checksum = 0;
    h->checksum = -acpi_checksum(h, h->length);
}

static struct acpi_table_header *table(const char *sig, size_t len, u8 rev)
{
    struct acpi_table_header *h = table_alloc(len);

    memset(h, 0, len);
    memcpy(h->signature, sig, 4);
    h->length = len;
    h->revision = rev;
    memcpy(h->oem_id, "KEELT ", 6);
    memcpy(h->oem_table_id, "UNITTEST", 8);
    h->oem_revision = 1;
    memcpy(h->asl_compiler_id, "KEEL", 4);
    return h;
}

struct madt_build {
    u8 buf[512];
    size_t len;
};

static void madt_add(struct madt_build *m, const void *e, size_t len)
{
    memcpy(m->buf + m->len, e, len);
    m->len += len;
}

/* RSDP 2.0 -> XSDT -> { FADT (-> DSDT with \_S5), MADT, HPET }. */
static void build_tables(const struct madt_build *m, bool bad_madt_sum)
{
    const u8 s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
                      0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
    struct acpi_rsdp *rsdp;
    struct acpi_table_header *xsdt, *dsdt, *madt;
    struct acpi_table_fadt *fadt;
    struct acpi_table_hpet *hpet;
    u64 ents[3];

    arena_used = 0;
    memset(arena, 0, sizeof(arena));

    dsdt = table("DSDT", sizeof(*dsdt) + sizeof(s5), 2);
    memcpy(dsdt + 1, s5, sizeof(s5));
    fix_checksum(dsdt);

    fadt = (void *)table("FACP", sizeof(*fadt), 4);
    fadt->dsdt = 0;
    fadt->x_dsdt = (uintptr_t)dsdt;
    fadt->pm1a_cnt_blk = 0x604;
    fadt->flags = ACPI_FADT_RESET_REG_SUP;
    fadt->reset_reg.space_id = ACPI_ADR_SPACE_SYSTEM_IO;
    fadt->reset_reg.address = 0xcf9;
    fadt->reset_value = 6;
    fix_checksum(&fadt->header);

    madt = table("APIC", sizeof(struct acpi_table_madt) + m->len, 3);
    ((struct acpi_table_madt *)madt)->lapic_address = 0xfee00000;
    ((struct acpi_table_madt *)madt)->flags = 1;
    memcpy((struct acpi_table_madt *)madt + 1, m->buf, m->len);
    fix_checksum(madt);
    if ( bad_madt_sum )
        madt->checksum ^= 0x55;

    hpet = (void *)table("HPET", sizeof(*hpet), 1);
    hpet->id = 0x8086a201;
    hpet->address.space_id = ACPI_ADR_SPACE_SYSTEM_MEMORY;
    hpet->address.address = 0xfed00000;
    fix_checksum(&hpet->header);

    ents[0] = (uintptr_t)fadt;
    ents[1] = (uintptr_t)madt;
    ents[2] = (uintptr_t)hpet;
    xsdt = table("XSDT", sizeof(*xsdt) + sizeof(ents), 1);
    memcpy(xsdt + 1, ents, sizeof(ents));
    fix_checksum(xsdt);

    rsdp = table_alloc(sizeof(*rsdp));
    memcpy(rsdp->signature, "RSD PTR ", 8);
    memcpy(rsdp->oem_id, "KEELT ", 6);
    rsdp->revision = 2;
    rsdp->length = sizeof(*rsdp);
    rsdp->xsdt_address = (uintptr_t)xsdt;
    rsdp->checksum = -acpi_checksum(rsdp, 20);
    rsdp->extended_checksum = -acpi_checksum(rsdp, sizeof(*rsdp));

    stubs_reset();
    test_log_reset();
    boot_info.rsdp = (uintptr_t)rsdp;
}

static void lapic(struct madt_build *m, u8 acpi_id, u8 id, u32 flags)
{
    struct acpi_madt_lapic e = { { ACPI_MADT_LAPIC, sizeof(e) }, acpi_id,
                                 id, flags };

    madt_add(m, &e, sizeof(e));
}

static void standard_madt(struct madt_build *m)
{
    struct acpi_madt_ioapic io = { { ACPI_MADT_IOAPIC, sizeof(io) }, 2, 0,
                                   0xfec00000, 0 };
    struct acpi_madt_int_override iso = {
        { ACPI_MADT_INT_OVERRIDE, sizeof(iso) }, 0, 0, 2, 0 };
    struct acpi_madt_x2apic x2 = { { ACPI_MADT_X2APIC, sizeof(x2) }, 0,
                                   0x100, ACPI_MADT_ENABLED, 7 };

    memset(m, 0, sizeof(*m));
    lapic(m, 0, 0, ACPI_MADT_ENABLED);
    lapic(m, 1, 1, ACPI_MADT_ENABLED);
    lapic(m, 2, 2, ACPI_MADT_ONLINE_CAPABLE);
    madt_add(m, &io, sizeof(io));
    madt_add(m, &iso, sizeof(iso));
    madt_add(m, &x2, sizeof(x2));
}

static void test_tables_full_walk(void **state)
{
    struct madt_build m;

    standard_madt(&m);
    build_tables(&m, false);
    acpi_boot_init();

    assert_log_contains("ACPI: RSDP ");
    assert_log_contains(", 0024 (r2 KEELT )");
    assert_log_contains("ACPI: XSDT ");
    assert_log_contains("ACPI: FACP ");
    assert_log_contains("ACPI: DSDT ");
    assert_log_contains("ACPI: APIC ");
    assert_log_contains("(r3 KEELT  UNITTEST        1 KEEL        0)");
    assert_log_contains("ACPI: Local APIC address 0xfee00000");
    assert_log_contains("ACPI: LAPIC (acpi_id[0x01] lapic_id[0x01] "
                        "enabled)");
    assert_log_contains("ACPI: LAPIC (acpi_id[0x02] lapic_id[0x02] "
                        "disabled)");
    assert_log_contains("ACPI: X2APIC (apic_id[0x100] uid[0x07] enabled)");
    assert_log_contains("ACPI: IOAPIC (id[0x02] address[0xfec00000] "
                        "gsi_base[0])");
    assert_log_contains("ACPI: INT_SRC_OVR (bus 0 bus_irq 0 global_irq 2 "
                        "dfl dfl)");
    assert_log_contains("ACPI: HPET id: 0x8086a201 base: 0xfed00000");
    assert_false(test_log_contains("checksum"));

    assert_int_equal(nr_reg_lapics, 4);
    assert_int_equal(reg_lapic_ids[1], 1);
    assert_false(reg_lapic_enabled[2]);
    assert_int_equal(reg_lapic_ids[3], 0x100);
    assert_int_equal(nr_reg_ioapics, 1);
    assert_int_equal(reg_ioapic_ids[0], 2);

    assert_int_equal(acpi_info.lapic_addr, 0xfee00000);
    assert_int_equal(acpi_info.isa_irq_to_gsi[0], 2);
    assert_int_equal(acpi_info.isa_irq_to_gsi[1], 1);
    assert_int_equal(acpi_info.hpet_addr, 0xfed00000);
    assert_int_equal(acpi_info.pm1a_cnt, 0x604);
    assert_true(acpi_info.reset_supported);
    assert_int_equal(acpi_info.reset_reg.address, 0xcf9);
    assert_true(acpi_info.s5_valid);
    assert_int_equal(acpi_info.slp_typa, 5);
    assert_non_null(acpi_find_table("HPET"));
    assert_non_null(acpi_find_table("DSDT"));
    assert_null(acpi_find_table("SRAT"));
}

static void test_tables_bad_checksum_warns(void **state)
{
    struct madt_build m;

    standard_madt(&m);
    build_tables(&m, true);
    acpi_boot_init();

    assert_log_contains("APIC at ");
    assert_log_contains("checksum mismatch");
    /* Used anyway, as Xen and Linux do. */
    assert_int_equal(nr_reg_lapics, 4);
}

static void test_madt_zero_length_entry(void **state)
{
    struct madt_build m;
    const u8 zero[] = { ACPI_MADT_LAPIC, 0 };

    memset(&m, 0, sizeof(m));
    lapic(&m, 0, 0, ACPI_MADT_ENABLED);
    madt_add(&m, zero, sizeof(zero));
    lapic(&m, 1, 1, ACPI_MADT_ENABLED);     /* unreachable after it */
    build_tables(&m, false);
    acpi_boot_init();

    assert_log_contains("is malformed: rest of the MADT ignored");
    assert_int_equal(nr_reg_lapics, 1);
}

static void test_madt_entry_past_end(void **state)
{
    struct madt_build m;
    const u8 huge[] = { ACPI_MADT_IOAPIC, 200, 0, 0 };

    memset(&m, 0, sizeof(m));
    lapic(&m, 0, 0, ACPI_MADT_ENABLED);
    madt_add(&m, huge, sizeof(huge));
    build_tables(&m, false);
    acpi_boot_init();

    assert_log_contains("is malformed");
    assert_int_equal(nr_reg_lapics, 1);
    assert_int_equal(nr_reg_ioapics, 0);
}

static void test_madt_short_entry_skipped(void **state)
{
    struct madt_build m;
    /* An IOAPIC entry of 6 bytes (needs 12): skipped, walk continues. */
    const u8 shortio[] = { ACPI_MADT_IOAPIC, 6, 1, 0, 0, 0 };

    memset(&m, 0, sizeof(m));
    madt_add(&m, shortio, sizeof(shortio));
    lapic(&m, 0, 0, ACPI_MADT_ENABLED);
    build_tables(&m, false);
    acpi_boot_init();

    assert_log_contains("MADT entry type 1 too short (6 bytes): skipped");
    assert_int_equal(nr_reg_lapics, 1);
    assert_int_equal(nr_reg_ioapics, 0);
}

static void test_checksum_and_lookup(void **state)
{
    struct madt_build m;

    assert_int_equal(acpi_checksum("\x01\xff", 2), 0);
    assert_int_equal(acpi_checksum("\x01\x02", 2), 3);

    standard_madt(&m);
    build_tables(&m, false);
    acpi_boot_init();
    assert_non_null(acpi_find_table_inst("APIC", 0));
    assert_null(acpi_find_table_inst("APIC", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s5_byte_prefixes),
        cmocka_unit_test(test_s5_zero_one_ops),
        cmocka_unit_test(test_s5_root_prefix_and_word),
        cmocka_unit_test(test_s5_single_packed_integer),
        cmocka_unit_test(test_s5_multibyte_pkglength),
        cmocka_unit_test(test_s5_skips_references),
        cmocka_unit_test(test_s5_missing),
        cmocka_unit_test(test_s5_malformed),
        cmocka_unit_test(test_s5_every_truncation),
        cmocka_unit_test(test_tables_full_walk),
        cmocka_unit_test(test_tables_bad_checksum_warns),
        cmocka_unit_test(test_madt_zero_length_entry),
        cmocka_unit_test(test_madt_entry_past_end),
        cmocka_unit_test(test_madt_short_entry_skipped),
        cmocka_unit_test(test_checksum_and_lookup),
    };

    return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
