/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dom0's ACPI tables: built from host tables made in memory here (a QEMU
 * pc-like set: FADT r1, MADT with the host's LAPICs, an IOAPIC, overrides
 * and a LAPIC NMI, HPET, and a DMAR that must disappear), checked field by
 * field as Linux's ACPI code reads them; and dom0_memmap_mark().
 */
#include <stdlib.h>

#include "harness.h"
#include "stubs.h"

#include <xen/errno.h>
#include <xen/acpi.h>
#include <asm/dom0_build.h>
#include <asm/hvm/vlapic.h>

#define BASE 0x4afc000ULL

struct host {
    u8 fadt[116];
    u8 madt[256];
    u8 hpet[56];
    u8 dmar[48];
    const struct acpi_table_header *tab[4];
    u64 pa[4];
    unsigned int nr;
};

static void hdr(void *t, const char *sig, u32 len, u8 rev)
{
    struct acpi_table_header *h = t;

    memset(t, 0, len);
    memcpy(h->signature, sig, 4);
    h->length = len;
    h->revision = rev;
    memcpy(h->oem_id, "BOCHS ", 6);
    memcpy(h->oem_table_id, "BXPC    ", 8);
    h->oem_revision = 1;
}

static void fix(void *t)
{
    struct acpi_table_header *h = t;

    h->checksum = 0;
    h->checksum = -acpi_checksum(h, h->length);
}

static size_t madt_add(u8 *m, size_t off, const void *e, size_t len)
{
    memcpy(m + off, e, len);
    return off + len;
}

/* The host MADT: LAPIC ids 0 and 1, an x2APIC entry, IOAPIC, 2 ISOs, NMI. */
static size_t make_host_madt(u8 *m)
{
    struct acpi_madt_lapic l0 = { { ACPI_MADT_LAPIC, 8 }, 0, 0, 1 };
    struct acpi_madt_lapic l1 = { { ACPI_MADT_LAPIC, 8 }, 1, 1, 1 };
    struct acpi_madt_x2apic x = { { ACPI_MADT_X2APIC, 16 }, 0, 300, 1, 7 };
    struct acpi_madt_ioapic io = { { ACPI_MADT_IOAPIC, 12 }, 0, 0,
                                   0xfec00000, 0 };
    struct acpi_madt_int_override iso0 = { { ACPI_MADT_INT_OVERRIDE, 10 },
                                           0, 0, 2, 0 };
    struct acpi_madt_int_override iso9 = { { ACPI_MADT_INT_OVERRIDE, 10 },
                                           0, 9, 9, 0xd };
    struct acpi_madt_lapic_nmi nmi = { { ACPI_MADT_LAPIC_NMI, 6 }, 0, 0, 1 };
    struct acpi_table_madt *t = (void *)m;
    size_t off = sizeof(*t);

    hdr(m, "APIC", 256, 1);
    t->lapic_address = 0xfee00000;
    t->flags = 1;
    off = madt_add(m, off, &l0, sizeof(l0));
    off = madt_add(m, off, &io, sizeof(io));
    off = madt_add(m, off, &l1, sizeof(l1));
    off = madt_add(m, off, &x, sizeof(x));
    off = madt_add(m, off, &iso0, sizeof(iso0));
    off = madt_add(m, off, &iso9, sizeof(iso9));
    off = madt_add(m, off, &nmi, sizeof(nmi));
    t->header.length = off;
    fix(m);
    return off;
}

static void make_host(struct host *h, bool with_madt)
{
    memset(h, 0, sizeof(*h));
    hdr(h->fadt, "FACP", sizeof(h->fadt), 1);
    ((struct acpi_table_fadt *)h->fadt)->dsdt = 0x7ffe0040;
    ((struct acpi_table_fadt *)h->fadt)->iapc_boot_arch = 0x1;
    fix(h->fadt);
    hdr(h->hpet, "HPET", sizeof(h->hpet), 1);
    fix(h->hpet);
    hdr(h->dmar, "DMAR", sizeof(h->dmar), 1);
    fix(h->dmar);
    h->tab[h->nr] = (void *)h->fadt;
    h->pa[h->nr++] = 0x7ffe19ab;
    if ( with_madt )
    {
        make_host_madt(h->madt);
        h->tab[h->nr] = (void *)h->madt;
        h->pa[h->nr++] = 0x7ffe1a1f;
    }
    h->tab[h->nr] = (void *)h->dmar;
    h->pa[h->nr++] = 0x7ffe1b00;
    h->tab[h->nr] = (void *)h->hpet;
    h->pa[h->nr++] = 0x7ffe1a9f;
}

/* The block as dom0 sees it: physical address -> pointer into buf. */
static void *at(u8 *buf, size_t len, u64 pa, size_t need)
{
    assert_true(pa >= BASE && pa + need <= BASE + len);
    return buf + (pa - BASE);
}

static u8 *build(struct host *h, unsigned int vcpus, size_t *len)
{
    struct dom0_acpi_params p = { h->tab, h->pa, h->nr, vcpus };
    size_t sz = dom0_acpi_size(&p);
    u8 *buf = malloc(sz);

    assert_non_null(buf);
    /* Too small a buffer: nothing built. */
    assert_int_equal(dom0_acpi_build(buf, sz - 1, BASE, &p), 0);
    assert_int_equal(dom0_acpi_build(buf, sz, BASE, &p), sz);
    *len = sz;
    return buf;
}

static const struct acpi_table_header *xsdt_of(u8 *buf, size_t len,
                                               unsigned int *n)
{
    const struct acpi_rsdp *r = (const void *)buf;
    const struct acpi_table_header *x;

    assert_memory_equal(r->signature, "RSD PTR ", 8);
    assert_int_equal(r->revision, 2);
    assert_int_equal(r->length, 36);
    assert_int_equal(r->rsdt_address, 0);
    assert_int_equal(acpi_checksum(r, 20), 0);
    assert_int_equal(acpi_checksum(r, 36), 0);
    x = at(buf, len, r->xsdt_address, sizeof(*x));
    assert_memory_equal(x->signature, "XSDT", 4);
    assert_int_equal(acpi_checksum(x, x->length), 0);
    *n = (x->length - sizeof(*x)) / 8;
    return x;
}

static u64 xsdt_entry(const struct acpi_table_header *x, unsigned int i)
{
    u64 pa;

    memcpy(&pa, (const u8 *)(x + 1) + 8 * i, 8);
    return pa;
}

static void test_tables_for_two_vcpus(void **state)
{
    struct host h;
    size_t len;
    u8 *buf;
    unsigned int n, i, lapics = 0, ioapics = 0, isos = 0, nmis = 0;
    const struct acpi_table_header *x;
    const struct acpi_table_madt *m = NULL;
    const struct acpi_table_fadt *f = NULL;
    const u8 *e, *end;
    u64 hpet = 0;

    make_host(&h, true);
    buf = build(&h, 2, &len);
    x = xsdt_of(buf, len, &n);

    /* FADT (ours), MADT (ours), HPET (the host's); DMAR hidden. */
    assert_int_equal(n, 3);
    for ( i = 0; i < n; i++ )
    {
        u64 pa = xsdt_entry(x, i);

        if ( pa >= BASE && pa < BASE + len )
        {
            const struct acpi_table_header *t = at(buf, len, pa, 36);

            assert_int_equal(acpi_checksum(t, t->length), 0);
            if ( !memcmp(t->signature, "APIC", 4) )
                m = (const void *)t;
            else if ( !memcmp(t->signature, "FACP", 4) )
                f = (const void *)t;
            else
                fail_msg("unexpected table %.4s in the block", t->signature);
            /* Tables are 16-byte aligned in the block. */
            assert_int_equal(pa & 15, 0);
        }
        else
        {
            assert_true(pa != 0x7ffe1b00);      /* the DMAR */
            hpet = pa;
        }
    }
    assert_int_equal(hpet, 0x7ffe1a9f);
    assert_non_null(m);
    assert_non_null(f);

    /* FADT: the host's, with "MSI not supported" added. */
    assert_int_equal(f->header.length, sizeof(h.fadt));
    assert_int_equal(f->iapc_boot_arch, 0x1 | 0x8);
    assert_int_equal(f->dsdt, 0x7ffe0040);
    assert_memory_equal(f->header.oem_id, "BOCHS ", 6);

    /* MADT: the host's address and flags; our CPUs; the rest copied. */
    assert_int_equal(m->lapic_address, 0xfee00000);
    assert_int_equal(m->flags, 1);
    e = (const u8 *)(m + 1);
    end = (const u8 *)m + m->header.length;
    while ( e < end )
    {
        const struct acpi_subtable_header *s = (const void *)e;

        assert_true(s->length >= 2 && e + s->length <= end);
        switch ( s->type )
        {
        case ACPI_MADT_LAPIC:
        {
            const struct acpi_madt_lapic *l = (const void *)s;

            /* In vCPU order, with the IDs the vLAPICs report. */
            assert_int_equal(l->processor_id, lapics);
            assert_int_equal(l->id, VLAPIC_ID(lapics));
            assert_int_equal(l->flags, ACPI_MADT_ENABLED);
            assert_int_equal(ioapics + isos + nmis, 0);
            lapics++;
            break;
        }
        case ACPI_MADT_IOAPIC:
            assert_int_equal(((const struct acpi_madt_ioapic *)s)->address,
                             0xfec00000);
            ioapics++;
            break;
        case ACPI_MADT_INT_OVERRIDE:
            isos++;
            break;
        case ACPI_MADT_LAPIC_NMI:
            /* The host named its processor 0; dom0's: all of them. */
            assert_int_equal(
                ((const struct acpi_madt_lapic_nmi *)s)->processor_id, 0xff);
            assert_int_equal(((const struct acpi_madt_lapic_nmi *)s)->lint,
                             1);
            nmis++;
            break;
        default:
            fail_msg("MADT entry type %u should not be there", s->type);
        }
        e += s->length;
    }
    assert_int_equal(lapics, 2);
    assert_int_equal(ioapics, 1);
    assert_int_equal(isos, 2);
    assert_int_equal(nmis, 1);
    free(buf);
}

static void test_many_vcpus_use_x2apic_entries(void **state)
{
    struct host h;
    size_t len;
    u8 *buf;
    unsigned int n, i, vcpus = 130, seen = 0, x2 = 0;
    const struct acpi_table_header *x;

    make_host(&h, true);
    buf = build(&h, vcpus, &len);
    x = xsdt_of(buf, len, &n);
    for ( i = 0; i < n; i++ )
    {
        u64 pa = xsdt_entry(x, i);
        const struct acpi_table_madt *m;
        const u8 *e, *end;

        if ( pa < BASE || pa >= BASE + len )
            continue;
        m = at(buf, len, pa, 36);
        if ( memcmp(m->header.signature, "APIC", 4) )
            continue;
        for ( e = (const u8 *)(m + 1), end = (const u8 *)m + m->header.length;
              e < end; e += ((const struct acpi_subtable_header *)e)->length )
        {
            const struct acpi_subtable_header *s = (const void *)e;

            if ( s->type == ACPI_MADT_LAPIC )
            {
                /* xAPIC IDs stop at 254 (0xff is broadcast). */
                assert_true(((const struct acpi_madt_lapic *)s)->id < 0xff);
                seen++;
            }
            else if ( s->type == ACPI_MADT_X2APIC )
            {
                const struct acpi_madt_x2apic *xa = (const void *)s;

                assert_int_equal(xa->x2apic_id, VLAPIC_ID(xa->uid));
                assert_true(xa->x2apic_id >= 0xff);
                seen++;
                x2++;
            }
        }
    }
    assert_int_equal(seen, vcpus);
    assert_int_equal(x2, vcpus - 128);
    free(buf);
}

static void test_host_without_madt(void **state)
{
    struct host h;
    size_t len;
    u8 *buf;
    unsigned int n, i, madts = 0;
    const struct acpi_table_header *x;

    make_host(&h, false);
    buf = build(&h, 1, &len);
    x = xsdt_of(buf, len, &n);
    assert_int_equal(n, 3);     /* FADT, HPET, and our MADT */
    for ( i = 0; i < n; i++ )
    {
        u64 pa = xsdt_entry(x, i);

        if ( pa >= BASE && pa < BASE + len &&
             !memcmp(((const struct acpi_table_header *)
                      at(buf, len, pa, 36))->signature, "APIC", 4) )
        {
            const struct acpi_table_madt *m = at(buf, len, pa, 36);

            assert_int_equal(m->lapic_address, 0xfee00000);
            assert_int_equal(m->header.length, sizeof(*m) + 8);
            madts++;
        }
    }
    assert_int_equal(madts, 1);
    free(buf);
}

static void test_malformed_host_madt(void **state)
{
    struct host h;
    struct dom0_acpi_params p;
    struct acpi_table_madt *t;
    size_t sz;
    u8 *buf;

    make_host(&h, true);
    t = (void *)h.madt;
    /* Zero-length second entry: the walk stops, nothing runs away. */
    h.madt[sizeof(*t) + 8 + 1] = 0;
    fix(h.madt);
    p = (struct dom0_acpi_params){ h.tab, h.pa, h.nr, 2 };
    sz = dom0_acpi_size(&p);
    buf = malloc(sz);
    assert_int_equal(dom0_acpi_build(buf, sz, BASE, &p), sz);
    free(buf);
    /* No vCPUs: refused. */
    p.nr_vcpus = 0;
    buf = malloc(sz);
    assert_int_equal(dom0_acpi_build(buf, sz, BASE, &p), 0);
    free(buf);
}

static void test_memmap_mark(void **state)
{
    struct hvm_memmap_table_entry m[6] = {
        { 0, 0x9fc00, E820_RAM, 0 },
        { 0x100000, 0x7ff00000, E820_RAM, 0 },
        { 0xfffc0000, 0x40000, E820_RESERVED, 0 },
    };
    int n;

    /* Middle of a RAM entry: split in three. */
    n = dom0_memmap_mark(m, 3, 6, 0x4afc000, 0x4afd000, E820_ACPI);
    assert_int_equal(n, 5);
    assert_int_equal(m[1].addr, 0x100000);
    assert_int_equal(m[1].size, 0x4afc000 - 0x100000);
    assert_int_equal(m[2].addr, 0x4afc000);
    assert_int_equal(m[2].size, 0x1000);
    assert_int_equal(m[2].type, E820_ACPI);
    assert_int_equal(m[3].addr, 0x4afd000);
    assert_int_equal(m[3].addr + m[3].size, 0x80000000);
    assert_int_equal(m[3].type, E820_RAM);
    assert_int_equal(m[4].type, E820_RESERVED);

    /* At the start of an entry: one more entry. */
    n = dom0_memmap_mark(m, 5, 6, 0, 0x1000, E820_ACPI);
    assert_int_equal(n, 6);
    assert_int_equal(m[0].type, E820_ACPI);
    assert_int_equal(m[1].addr, 0x1000);

    /* No room, not RAM, not inside one entry, empty: refused. */
    assert_int_equal(dom0_memmap_mark(m, 6, 6, 0x200000, 0x201000,
                                      E820_ACPI), -ENOSPC);
    assert_int_equal(dom0_memmap_mark(m, 6, 8, 0xfffc0000, 0xfffc1000,
                                      E820_ACPI), -EINVAL);
    assert_int_equal(dom0_memmap_mark(m, 6, 8, 0x9f000, 0x101000,
                                      E820_ACPI), -EINVAL);
    assert_int_equal(dom0_memmap_mark(m, 6, 8, 0x200000, 0x200000,
                                      E820_ACPI), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_for_two_vcpus),
        cmocka_unit_test(test_many_vcpus_use_x2apic_entries),
        cmocka_unit_test(test_host_without_madt),
        cmocka_unit_test(test_malformed_host_madt),
        cmocka_unit_test(test_memmap_mark),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
