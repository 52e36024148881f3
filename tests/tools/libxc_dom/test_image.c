// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel images: Debian's real bzImage (xz payload), the same kernel
 * repacked with gzip, its ELF vmlinux, a kernel without the PVH note,
 * truncated and corrupt payloads, things that are no kernel at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenguest.h>
#include "helpers.h"

int run_image_tests(void);

/* Debian's kernel, unpacked once for the whole binary. */
static uint8_t *deb;
static size_t deb_len;
static struct xc_dom_kernel deb_k;
static bool deb_ok;

static int setup_debian(void **state)
{
    char path[512], err[XC_DOM_ERRLEN];

    deb = debian_vmlinuz(&deb_len, path, sizeof(path));
    if ( deb && !xc_dom_kernel_parse(deb, deb_len, &deb_k, err) )
        deb_ok = true;
    else if ( deb )
        print_message("cannot parse %s: %s\n", path, err);
    return deb && !deb_ok ? -1 : 0;
}

static int teardown_debian(void **state)
{
    xc_dom_kernel_release(&deb_k);
    free(deb);
    return 0;
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void test_debian_bzimage_xz(void **state)
{
    unsigned int i;
    uint64_t seen_hi = 0;

    if ( !deb_ok )
        skip();
    assert_string_equal(deb_k.container, "bzImage");
    assert_string_equal(deb_k.payload, "xz");
    assert_string_equal(deb_k.guest_os, "linux");
    assert_int_equal(deb_k.elf_class, 64);
    assert_memory_equal(deb_k.elf, "\177ELF", 4);
    /* Debian's x86_64 kernels are linked at 16 MiB. */
    assert_int_equal(deb_k.paddr_lo, 0x1000000);
    assert_true(deb_k.nr_segs >= 2);
    assert_true(deb_k.pvh_entry >= deb_k.paddr_lo &&
                deb_k.pvh_entry < deb_k.paddr_hi);
    /* The unpacked size is what the payload's trailer announces. */
    {
        size_t setup = ((size_t)(deb[0x1f1] ? deb[0x1f1] : 4) + 1) * 512;
        const uint8_t *end = deb + setup + le32(deb + 0x248) +
                             le32(deb + 0x24c) - 4;

        assert_int_equal(deb_k.elf_len, le32(end));
    }
    for ( i = 0; i < deb_k.nr_segs; i++ )
    {
        assert_true(deb_k.seg[i].offset + deb_k.seg[i].filesz <=
                    deb_k.elf_len);
        if ( deb_k.seg[i].paddr + deb_k.seg[i].memsz > seen_hi )
            seen_hi = deb_k.seg[i].paddr + deb_k.seg[i].memsz;
    }
    assert_int_equal(seen_hi, deb_k.paddr_hi);
}

static void test_debian_gzip_repack(void **state)
{
    struct xc_dom_kernel k;
    char err[XC_DOM_ERRLEN];
    uint8_t *gz, *bz;
    size_t gz_len, bz_len;

    if ( !deb_ok )
        skip();
    gz = gz_pack(deb_k.elf, deb_k.elf_len, 1, &gz_len);
    bz = bz_wrap(deb, deb_len, gz, gz_len, deb_k.elf_len, &bz_len);
    assert_int_equal(xc_dom_kernel_parse(bz, bz_len, &k, err), 0);
    assert_string_equal(k.container, "bzImage");
    assert_string_equal(k.payload, "gzip");
    assert_int_equal(k.elf_len, deb_k.elf_len);
    assert_memory_equal(k.elf, deb_k.elf, k.elf_len);
    assert_int_equal(k.pvh_entry, deb_k.pvh_entry);
    assert_int_equal(k.nr_segs, deb_k.nr_segs);
    assert_memory_equal(k.seg, deb_k.seg, sizeof(k.seg));
    xc_dom_kernel_release(&k);

    /* A gzip payload cut short says so. */
    free(bz);
    bz = bz_wrap(deb, deb_len, gz, gz_len / 2, deb_k.elf_len, &bz_len);
    assert_int_equal(xc_dom_kernel_parse(bz, bz_len, &k, err), -EINVAL);
    assert_non_null(strstr(err, "gzip payload is truncated"));
    assert_null(k.elf_buf);
    free(bz);
    free(gz);
}

static void test_debian_elf(void **state)
{
    struct xc_dom_kernel k;
    char err[XC_DOM_ERRLEN];

    if ( !deb_ok )
        skip();
    assert_int_equal(xc_dom_kernel_parse(deb_k.elf, deb_k.elf_len, &k, err),
                     0);
    assert_string_equal(k.container, "ELF");
    assert_string_equal(k.payload, "");
    assert_ptr_equal(k.elf, deb_k.elf);         /* used in place */
    assert_null(k.elf_buf);
    assert_int_equal(k.pvh_entry, deb_k.pvh_entry);
    xc_dom_kernel_release(&k);
}

static void test_debian_without_pvh_note(void **state)
{
    /* namesz 4, descsz 8, type 18 (PHYS32_ENTRY), "Xen" */
    static const uint8_t note[16] = {
        4, 0, 0, 0, 8, 0, 0, 0, 18, 0, 0, 0, 'X', 'e', 'n', 0,
    };
    struct xc_dom_kernel k;
    char err[XC_DOM_ERRLEN];
    uint8_t *elf, *n;

    if ( !deb_ok )
        skip();
    elf = malloc(deb_k.elf_len);
    assert_non_null(elf);
    memcpy(elf, deb_k.elf, deb_k.elf_len);
    n = memmem(elf, deb_k.elf_len, note, sizeof(note));
    assert_non_null(n);
    n[8] = 0x7f;                                /* another note type */
    assert_int_equal(xc_dom_kernel_parse(elf, deb_k.elf_len, &k, err),
                     -ENOEXEC);
    assert_non_null(strstr(err, "no PVH entry point"));
    assert_non_null(strstr(err, "XEN_ELFNOTE_PHYS32_ENTRY"));
    free(elf);
}

static void test_debian_truncated_and_corrupt(void **state)
{
    struct xc_dom_kernel k;
    char err[XC_DOM_ERRLEN];
    uint8_t *img;

    if ( !deb_ok )
        skip();
    /* Cut inside the payload: the setup header points past the end. */
    assert_int_equal(xc_dom_kernel_parse(deb, deb_len / 2, &k, err),
                     -EINVAL);
    assert_non_null(strstr(err, "bzImage is truncated or damaged"));

    /* A damaged byte in the middle of the xz stream. */
    img = malloc(deb_len);
    assert_non_null(img);
    memcpy(img, deb, deb_len);
    img[deb_len / 2] ^= 0x55;
    img[deb_len / 2 + 1] ^= 0xaa;
    assert_int_equal(xc_dom_kernel_parse(img, deb_len, &k, err), -EINVAL);
    assert_non_null(strstr(err, "xz payload is"));
    assert_null(k.elf_buf);
    free(img);
}

static void test_synthetic_forms(void **state)
{
    struct xc_dom_kernel k;
    char err[XC_DOM_ERRLEN];
    size_t len, xz_len, gz_len, bz_len;
    uint8_t *elf = syn_elf(true, &len), *xz, *gz, *bz;

    xz = xz_pack(elf, len, &xz_len);
    gz = gz_pack(elf, len, 6, &gz_len);

    /* A bare xz and gzip vmlinux. */
    assert_int_equal(xc_dom_kernel_parse(xz, xz_len, &k, err), 0);
    assert_string_equal(k.container, "xz");
    assert_memory_equal(k.elf, elf, len);
    xc_dom_kernel_release(&k);
    assert_int_equal(xc_dom_kernel_parse(gz, gz_len, &k, err), 0);
    assert_string_equal(k.container, "gzip");
    assert_memory_equal(k.elf, elf, len);
    assert_int_equal(k.nr_segs, 2);
    assert_int_equal(k.paddr_lo, SYN_PADDR);
    assert_int_equal(k.paddr_hi, SYN_SEG1_PADDR + SYN_SEG1);
    assert_int_equal(k.pvh_entry, SYN_ENTRY);
    assert_int_equal(k.seg[0].memsz, SYN_SEG0 + SYN_BSS0);
    xc_dom_kernel_release(&k);

    /* A wrong size trailer only costs a bigger buffer. */
    bz = bz_wrap(NULL, 0, xz, xz_len, 17, &bz_len);
    assert_int_equal(xc_dom_kernel_parse(bz, bz_len, &k, err), 0);
    assert_int_equal(k.elf_len, len);
    xc_dom_kernel_release(&k);
    free(bz);

    /* Truncated xz stream inside a well-formed bzImage. */
    bz = bz_wrap(NULL, 0, xz, xz_len - 40, len, &bz_len);
    assert_int_equal(xc_dom_kernel_parse(bz, bz_len, &k, err), -EINVAL);
    assert_non_null(strstr(err, "xz payload is"));
    free(bz);

    /* An unknown payload format. */
    memset(xz, 0x42, 16);
    bz = bz_wrap(NULL, 0, xz, xz_len, len, &bz_len);
    assert_int_equal(xc_dom_kernel_parse(bz, bz_len, &k, err),
                     -EOPNOTSUPP);
    assert_non_null(strstr(err, "neither gzip nor xz"));
    free(bz);

    /* Not a kernel at all; an ELF for another machine. */
    assert_int_equal(xc_dom_kernel_parse("hello world, no kernel", 22, &k,
                                         err), -ENOEXEC);
    assert_non_null(strstr(err, "not a kernel image"));
    elf[18] = 40;                               /* EM_ARM */
    assert_int_equal(xc_dom_kernel_parse(elf, len, &k, err), -ENOEXEC);
    assert_non_null(strstr(err, "not x86"));
    elf[18] = 62;

    /* Program headers pointing outside the image. */
    assert_int_equal(xc_dom_kernel_parse(elf, 0x1100, &k, err), -EINVAL);
    assert_non_null(strstr(err, "beyond the"));
    free(elf);
    free(xz);
    free(gz);

    /* No PVH note in the synthetic kernel either. */
    elf = syn_elf(false, &len);
    assert_int_equal(xc_dom_kernel_parse(elf, len, &k, err), -ENOEXEC);
    assert_non_null(strstr(err, "no PVH entry point"));
    free(elf);
}

int run_image_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synthetic_forms),
        cmocka_unit_test(test_debian_bzimage_xz),
        cmocka_unit_test(test_debian_gzip_repack),
        cmocka_unit_test(test_debian_elf),
        cmocka_unit_test(test_debian_without_pvh_note),
        cmocka_unit_test(test_debian_truncated_and_corrupt),
    };

    return cmocka_run_group_tests_name("libxc_dom_image", tests,
                                       setup_debian, teardown_debian);
}
