/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough AML to find the S5 sleep type.  The DSDT declares
 *     Name (_S5, Package () { SLP_TYPa, SLP_TYPb, ... })
 * which encodes as NameOp (0x08), optional root/parent prefixes, the
 * NameSeg "_S5_", PackageOp (0x12), PkgLength, NumElements and the
 * elements as data objects (ACPI 6.x section 20.2).  No interpreter: we
 * look for that byte pattern and decode integers only.  Everything is
 * bounded by len; anything unexpected is -EINVAL, never a crash.
 *
 * This file uses no hypervisor services so the unit tests can build it.
 */
#include <xen/types.h>
#include <xen/errno.h>
#include <xen/acpi.h>

#define AML_ZERO_OP     0x00
#define AML_ONE_OP      0x01
#define AML_NAME_OP     0x08
#define AML_BYTE_PFX    0x0a
#define AML_WORD_PFX    0x0b
#define AML_DWORD_PFX   0x0c
#define AML_QWORD_PFX   0x0e
#define AML_PACKAGE_OP  0x12
#define AML_ONES_OP     0xff

/*
 * Decode PkgLength at p (section 20.2.4): bits 7:6 of the lead byte give
 * the number of following bytes; with none, bits 5:0 are the length,
 * otherwise bits 3:0 are its low nibble.  Returns the encoding's size, or
 * 0 if it does not fit.
 */
static size_t aml_pkg_length(const u8 *p, size_t avail, size_t *pkglen)
{
    size_t n, i, v;

    if ( avail < 1 )
        return 0;
    n = p[0] >> 6;
    if ( avail < n + 1 )
        return 0;
    if ( n == 0 )
    {
        *pkglen = p[0] & 0x3f;
        return 1;
    }
    v = p[0] & 0x0f;
    for ( i = 0; i < n; i++ )
        v |= (size_t)p[1 + i] << (4 + 8 * i);
    *pkglen = v;
    return n + 1;
}

/* Decode one integer data object; returns its size or 0 if not one. */
static size_t aml_integer(const u8 *p, size_t avail, u64 *val)
{
    size_t n, i;

    if ( avail < 1 )
        return 0;
    switch ( p[0] )
    {
    case AML_ZERO_OP: *val = 0; return 1;
    case AML_ONE_OP:  *val = 1; return 1;
    case AML_ONES_OP: *val = ~0ULL; return 1;
    case AML_BYTE_PFX:  n = 1; break;
    case AML_WORD_PFX:  n = 2; break;
    case AML_DWORD_PFX: n = 4; break;
    case AML_QWORD_PFX: n = 8; break;
    default:
        return 0;
    }
    if ( avail < n + 1 )
        return 0;
    *val = 0;
    for ( i = 0; i < n; i++ )
        *val |= (u64)p[1 + i] << (8 * i);
    return n + 1;
}

/* Decode the package that starts at aml[off] (the PackageOp). */
static int s5_package(const u8 *aml, size_t len, size_t off,
                      u8 *slp_typa, u8 *slp_typb)
{
    size_t pkglen, sz, end, nr, i;
    u64 v[2] = { 0, 0 };

    if ( off >= len || aml[off] != AML_PACKAGE_OP )
        return -EINVAL;
    off++;
    sz = aml_pkg_length(aml + off, len - off, &pkglen);
    if ( !sz || pkglen < sz + 1 || pkglen > len - off )
        return -EINVAL;
    end = off + pkglen;         /* PkgLength counts itself */
    off += sz;
    nr = aml[off++];
    if ( nr == 0 )
        return -EINVAL;

    for ( i = 0; i < nr && i < 2; i++ )
    {
        sz = aml_integer(aml + off, end - off, &v[i]);
        if ( !sz )
            return -EINVAL;
        off += sz;
    }

    if ( nr == 1 )
    {
        /* Old firmware packs both: SLP_TYPa in bits 7:0, b in 15:8. */
        *slp_typa = v[0] & 0xff;
        *slp_typb = (v[0] >> 8) & 0xff;
    }
    else
    {
        *slp_typa = v[0];
        *slp_typb = v[1];
    }
    /* SLP_TYP is a 3-bit field of PM1x_CNT. */
    if ( (*slp_typa | *slp_typb) & ~7 )
        return -EINVAL;
    return 0;
}

int acpi_parse_s5(const u8 *aml, size_t len, u8 *slp_typa, u8 *slp_typb)
{
    size_t i;
    int rc = -ENOENT;

    if ( !aml )
        return -ENOENT;

    for ( i = 1; i + 4 < len; i++ )
    {
        bool named;

        if ( aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' ||
             aml[i + 3] != '_' )
            continue;

        /* NameOp, possibly followed by '\' or '^' prefixes. */
        named = aml[i - 1] == AML_NAME_OP ||
                (i >= 2 && (aml[i - 1] == '\\' || aml[i - 1] == '^') &&
                 aml[i - 2] == AML_NAME_OP);
        if ( !named )
            continue;

        rc = s5_package(aml, len, i + 4, slp_typa, slp_typb);
        if ( !rc )
            return 0;
    }

    return rc;
}
