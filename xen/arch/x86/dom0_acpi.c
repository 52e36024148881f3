/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0's ACPI tables.
 *
 * dom0 reads the host's ACPI tables in place (they sit in firmware
 * reserved memory it sees 1:1), with three exceptions built here in one
 * block of dom0 memory that its memory map marks "ACPI data":
 *
 *  - a new RSDP (revision 2) pointing at
 *  - a new XSDT listing the host's tables, minus the ones describing what
 *    the hypervisor keeps (DMAR, IVRS: the IOMMUs), with the two below in
 *    place of the host's;
 *  - a MADT listing dom0's vCPUs, with the APIC IDs its vLAPICs report
 *    (VLAPIC_ID(), not the host's APIC IDs: INIT/SIPI to an AP are
 *    addressed by the MADT's IDs), and the host's IOAPICs, interrupt
 *    source overrides and NMI sources (dom0's vIOAPICs mirror the
 *    physical ones, ACPI 6.5 section 5.2.12);
 *  - a FADT copy with "MSI not supported" set in IAPC_BOOT_ARCH (ACPI
 *    5.2.9.3, bit 3): without an IOMMU the hypervisor cannot remap a
 *    device's MSI writes, so dom0 uses INTx through the emulated IOAPIC.
 *
 * Pure functions of their inputs: compiled on the host for tests/unit.
 */
#include <xen/types.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/acpi.h>
#include <asm/dom0_build.h>
#include <asm/hvm/vlapic.h>

#define ALIGN16(x) (((x) + 15) & ~(size_t)15)

/* FADT IAPC_BOOT_ARCH flags (ACPI 6.5 table 5.11). */
#define FADT_BOOT_NO_MSI    (1u << 3)

/* Offsets in the block: RSDP first, then the tables, 16-byte aligned. */
#define RSDP_LEN            36

static bool sig_is(const struct acpi_table_header *h, const char *sig)
{
    return !memcmp(h->signature, sig, 4);
}

/* Tables dom0 must not see: the hypervisor owns the IOMMUs. */
static bool dom0_acpi_hidden(const struct acpi_table_header *h)
{
    return sig_is(h, "DMAR") || sig_is(h, "IVRS");
}

static const struct acpi_table_header *
find_host(const struct dom0_acpi_params *p, const char *sig)
{
    unsigned int i;

    for ( i = 0; i < p->nr_tables; i++ )
        if ( p->tables[i] && sig_is(p->tables[i], sig) )
            return p->tables[i];
    return NULL;
}

/* The host MADT's entries dom0 keeps (everything that is not a CPU). */
static bool madt_keep(const struct acpi_subtable_header *s)
{
    switch ( s->type )
    {
    case ACPI_MADT_IOAPIC:
    case ACPI_MADT_INT_OVERRIDE:
    case ACPI_MADT_NMI_SOURCE:
    case ACPI_MADT_LAPIC_NMI:
        return true;
    default:
        return false;
    }
}

/* Walk the host MADT's entries; returns the bytes of the ones kept. */
static size_t madt_host_entries(const struct acpi_table_madt *m, u8 *out)
{
    const u8 *e = (const u8 *)(m + 1);
    const u8 *end = (const u8 *)m + m->header.length;
    size_t n = 0;

    while ( e + sizeof(struct acpi_subtable_header) <= end )
    {
        const struct acpi_subtable_header *s = (const void *)e;

        if ( s->length < sizeof(*s) || e + s->length > end )
            break;              /* malformed: keep what came before */
        if ( madt_keep(s) )
        {
            if ( out )
            {
                memcpy(out + n, s, s->length);
                /* LAPIC NMI: dom0's processor UIDs differ; all of them. */
                if ( s->type == ACPI_MADT_LAPIC_NMI &&
                     s->length >= sizeof(struct acpi_madt_lapic_nmi) )
                    ((struct acpi_madt_lapic_nmi *)(out + n))->processor_id =
                        0xff;
            }
            n += s->length;
        }
        e += s->length;
    }
    return n;
}

static size_t madt_cpu_entry_len(unsigned int vcpu)
{
    return VLAPIC_ID(vcpu) < 0xff ? sizeof(struct acpi_madt_lapic)
                                  : sizeof(struct acpi_madt_x2apic);
}

static size_t madt_size(const struct dom0_acpi_params *p)
{
    const struct acpi_table_header *host = find_host(p, "APIC");
    size_t sz = sizeof(struct acpi_table_madt);
    unsigned int i;

    for ( i = 0; i < p->nr_vcpus; i++ )
        sz += madt_cpu_entry_len(i);
    if ( host && host->length >= sizeof(struct acpi_table_madt) )
        sz += madt_host_entries((const void *)host, NULL);
    return sz;
}

static void header_init(struct acpi_table_header *h, const char *sig,
                        u32 len, u8 rev,
                        const struct acpi_table_header *like)
{
    memset(h, 0, sizeof(*h));
    memcpy(h->signature, sig, 4);
    h->length = len;
    h->revision = rev;
    if ( like )
    {
        memcpy(h->oem_id, like->oem_id, sizeof(h->oem_id));
        memcpy(h->oem_table_id, like->oem_table_id, sizeof(h->oem_table_id));
        h->oem_revision = like->oem_revision;
    }
    else
    {
        memcpy(h->oem_id, "KEEL  ", sizeof(h->oem_id));
        memcpy(h->oem_table_id, "KEELDOM0", sizeof(h->oem_table_id));
    }
    memcpy(h->asl_compiler_id, "KEEL", 4);
    h->asl_compiler_revision = 1;
}

static void checksum_fix(struct acpi_table_header *h)
{
    h->checksum = 0;
    h->checksum = -acpi_checksum(h, h->length);
}

static size_t madt_build(u8 *b, const struct dom0_acpi_params *p)
{
    const struct acpi_table_header *host = find_host(p, "APIC");
    const struct acpi_table_madt *hm =
        host && host->length >= sizeof(struct acpi_table_madt)
        ? (const void *)host : NULL;
    struct acpi_table_madt *m = (void *)b;
    size_t off = sizeof(*m);
    unsigned int i;

    header_init(&m->header, "APIC", madt_size(p), hm ? host->revision : 4,
                host);
    m->lapic_address = hm ? hm->lapic_address : 0xfee00000;
    m->flags = hm ? hm->flags : 0;

    for ( i = 0; i < p->nr_vcpus; i++ )
    {
        u32 id = VLAPIC_ID(i);

        if ( madt_cpu_entry_len(i) == sizeof(struct acpi_madt_lapic) )
        {
            struct acpi_madt_lapic *l = (void *)(b + off);

            l->h.type = ACPI_MADT_LAPIC;
            l->h.length = sizeof(*l);
            l->processor_id = i;
            l->id = id;
            l->flags = ACPI_MADT_ENABLED;
            off += sizeof(*l);
        }
        else
        {
            struct acpi_madt_x2apic *x = (void *)(b + off);

            x->h.type = ACPI_MADT_X2APIC;
            x->h.length = sizeof(*x);
            x->reserved = 0;
            x->x2apic_id = id;
            x->flags = ACPI_MADT_ENABLED;
            x->uid = i;
            off += sizeof(*x);
        }
    }
    if ( hm )
        off += madt_host_entries(hm, b + off);
    ASSERT(off == m->header.length);
    checksum_fix(&m->header);
    return off;
}

/* The FADT copy, or 0 bytes if the host has none. */
static size_t fadt_size(const struct dom0_acpi_params *p)
{
    const struct acpi_table_header *f = find_host(p, "FACP");

    return f ? f->length : 0;
}

static size_t fadt_build(u8 *b, const struct dom0_acpi_params *p)
{
    const struct acpi_table_header *host = find_host(p, "FACP");
    struct acpi_table_fadt *f = (void *)b;

    memcpy(b, host, host->length);
    if ( host->length >= offsetof(struct acpi_table_fadt, iapc_boot_arch) +
                         sizeof(f->iapc_boot_arch) )
        f->iapc_boot_arch |= FADT_BOOT_NO_MSI;
    checksum_fix(&f->header);
    return host->length;
}

/* How many host tables the XSDT lists (the MADT and FADT included). */
static unsigned int xsdt_entries(const struct dom0_acpi_params *p)
{
    unsigned int i, n = 0;
    bool madt = false;

    for ( i = 0; i < p->nr_tables; i++ )
    {
        const struct acpi_table_header *h = p->tables[i];

        if ( !h || dom0_acpi_hidden(h) )
            continue;
        if ( sig_is(h, "APIC") )
        {
            if ( madt )
                continue;       /* one MADT: ours */
            madt = true;
        }
        n++;
    }
    return n + !madt;           /* a host without a MADT still gets ours */
}

size_t dom0_acpi_size(const struct dom0_acpi_params *p)
{
    size_t sz = ALIGN16(RSDP_LEN);

    sz += ALIGN16(sizeof(struct acpi_table_header) + 8 * xsdt_entries(p));
    sz += ALIGN16(madt_size(p));
    sz += ALIGN16(fadt_size(p));
    return sz;
}

size_t dom0_acpi_build(void *buf, size_t bufsz, u64 base,
                       const struct dom0_acpi_params *p)
{
    u8 *b = buf;
    struct acpi_rsdp *rsdp = buf;
    struct acpi_table_header *xsdt;
    size_t need = dom0_acpi_size(p), off, xsdt_off, madt_off, fadt_off = 0;
    unsigned int i, n = 0, nr = xsdt_entries(p);
    bool madt_done = false;
    const struct acpi_table_header *host_xsdt_like =
        find_host(p, "FACP") ? find_host(p, "FACP") : find_host(p, "APIC");

    if ( need > bufsz || !p->nr_vcpus )
        return 0;
    memset(buf, 0, need);

    off = ALIGN16(RSDP_LEN);
    xsdt_off = off;
    off += ALIGN16(sizeof(struct acpi_table_header) + 8 * nr);
    madt_off = off;
    off += ALIGN16(madt_build(b + madt_off, p));
    if ( fadt_size(p) )
    {
        fadt_off = off;
        off += ALIGN16(fadt_build(b + fadt_off, p));
    }

    xsdt = (void *)(b + xsdt_off);
    header_init(xsdt, "XSDT", sizeof(*xsdt) + 8 * nr, 1, host_xsdt_like);
    for ( i = 0; i < p->nr_tables; i++ )
    {
        const struct acpi_table_header *h = p->tables[i];
        u64 pa = p->table_pa[i];

        if ( !h || dom0_acpi_hidden(h) )
            continue;
        if ( sig_is(h, "APIC") )
        {
            if ( madt_done )
                continue;
            madt_done = true;
            pa = base + madt_off;
        }
        else if ( sig_is(h, "FACP") && fadt_off )
            pa = base + fadt_off;
        /* XSDT entries are 8 bytes at 4-byte alignment. */
        memcpy((u8 *)(xsdt + 1) + 8 * n++, &pa, 8);
    }
    if ( !madt_done )
    {
        u64 pa = base + madt_off;

        memcpy((u8 *)(xsdt + 1) + 8 * n++, &pa, 8);
    }
    ASSERT(n == nr);
    checksum_fix(xsdt);

    memcpy(rsdp->signature, "RSD PTR ", 8);
    memcpy(rsdp->oem_id, host_xsdt_like ? host_xsdt_like->oem_id : "KEEL  ",
           sizeof(rsdp->oem_id));
    rsdp->revision = 2;
    rsdp->rsdt_address = 0;     /* ACPI 2.0+: the XSDT only */
    rsdp->length = RSDP_LEN;
    rsdp->xsdt_address = base + xsdt_off;
    rsdp->checksum = -acpi_checksum(rsdp, 20);
    rsdp->extended_checksum = -acpi_checksum(rsdp, RSDP_LEN);

    ASSERT(off == need);
    return off;
}
