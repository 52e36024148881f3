/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libelf on crafted ELF64 and ELF32 images: headers, PT_LOAD segments,
 * Xen notes from PT_NOTE or SHT_NOTE, and malformed images (bogus
 * program header offsets, notes past their segment, every truncation).
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include <xen/libelf.h>
#include <xen/errno.h>
#include "elfgen.h"

static void check_image(int elf_class, bool section_only, bool note64)
{
    struct elfgen g = { elf_class, true, note64, section_only };
    uint8_t *p = gen_elf(&g);
    struct elf_binary elf;
    struct elf_phdr ph;
    struct elf_xen_notes xn;
    const char *err = NULL;

    assert_int_equal(elf_init(&elf, p, GEN_SIZE, &err), 0);
    assert_int_equal(elf.elf_class, elf_class);
    assert_int_equal(elf.machine, elf_class == 64 ? 62 : 3);
    assert_int_equal(elf.phnum, section_only ? 2 : 3);
    assert_int_equal(elf_get_phdr(&elf, 1, &ph, &err), 0);
    assert_int_equal(ph.type, ELF_PT_LOAD);
    assert_int_equal(ph.paddr, 0x1200000);
    assert_int_equal(ph.filesz, 0x800);
    assert_int_equal(ph.memsz, 0x4000);
    assert_int_equal(ph.offset, GEN_LOAD1_OFF);
    assert_int_equal(elf_xen_parse_notes(&elf, &xn, &err), 0);
    assert_true(xn.have_phys32_entry);
    assert_int_equal(xn.phys32_entry, GEN_ENTRY);
    assert_string_equal(xn.guest_os, "linux");
    assert_string_equal(xn.guest_version, "2.6");
    assert_string_equal(xn.xen_version, "xen-3.0");
    assert_string_equal(xn.loader, "generic");
    assert_int_equal(xn.nr_xen_notes, 5);
    free(p);
}

static void test_elf64(void **st)
{
    check_image(64, false, false);
    check_image(64, false, true);
}

static void test_elf32(void **st)
{
    check_image(32, false, false);
}

static void test_section_notes(void **st)
{
    check_image(64, true, false);
    check_image(32, true, false);
}

static void test_no_pvh_note(void **st)
{
    struct elfgen g = { 64, false, false, false };
    uint8_t *p = gen_elf(&g);
    struct elf_binary elf;
    struct elf_xen_notes xn;
    const char *err = NULL;

    assert_int_equal(elf_init(&elf, p, GEN_SIZE, &err), 0);
    assert_int_equal(elf_xen_parse_notes(&elf, &xn, &err), 0);
    assert_false(xn.have_phys32_entry);
    assert_string_equal(xn.guest_os, "linux");
    free(p);
}

static void test_bogus_phdrs(void **st)
{
    struct elfgen g = { 64, true, false, false };
    uint8_t *p = gen_elf(&g);
    struct elf_binary elf;
    struct elf_phdr ph;
    struct elf_xen_notes xn;
    const char *err = NULL;

    /* Program header table beyond the end, or wrapping around. */
    gen_put(p + 32, GEN_SIZE - 56, 8);
    assert_int_equal(elf_init(&elf, p, GEN_SIZE, &err), -EINVAL);
    assert_string_equal(err, "ELF: program headers outside the image");
    gen_put(p + 32, 0xffffffffffffff00ULL, 8);
    assert_int_equal(elf_init(&elf, p, GEN_SIZE, &err), -EINVAL);
    gen_put(p + 32, 64, 8);
    gen_put(p + 54, 8, 2);              /* phentsize too small */
    assert_int_equal(elf_init(&elf, p, GEN_SIZE, &err), -EINVAL);
    gen_put(p + 54, 56, 2);

    /* A segment whose bytes lie outside the image. */
    gen_put(p + 64 + 56 + 8, 0xfffffffffffff000ULL, 8);
    assert_int_equal(elf_init(&elf, p, GEN_SIZE, &err), 0);
    assert_int_equal(elf_get_phdr(&elf, 1, &ph, &err), -EINVAL);
    assert_string_equal(err, "ELF: segment outside the image");
    gen_put(p + 64 + 56 + 8, GEN_LOAD1_OFF, 8);
    /* filesz > memsz. */
    gen_put(p + 64 + 56 + 40, 0x10, 8);
    assert_int_equal(elf_get_phdr(&elf, 1, &ph, &err), -EINVAL);
    gen_put(p + 64 + 56 + 40, 0x4000, 8);

    /* A note whose descriptor runs past its segment. */
    gen_put(p + GEN_NOTE_OFF + 4, 0x7fffffff, 4);
    assert_int_equal(elf_xen_parse_notes(&elf, &xn, &err), -EINVAL);
    assert_string_equal(err, "ELF: note runs past its segment");
    gen_put(p + GEN_NOTE_OFF + 4, 0xffffffff, 4);
    assert_int_equal(elf_xen_parse_notes(&elf, &xn, &err), -EINVAL);
    free(p);
}

static void test_not_elf(void **st)
{
    struct elfgen g = { 64, true, false, false };
    uint8_t *p = gen_elf(&g);
    struct elf_binary elf;
    const char *err = NULL;

    p[5] = 2;
    assert_int_equal(elf_init(&elf, p, GEN_SIZE, &err), -EOPNOTSUPP);
    p[5] = 1;
    gen_put(p + 18, 40, 2);             /* EM_ARM */
    assert_int_equal(elf_init(&elf, p, GEN_SIZE, &err), -EOPNOTSUPP);
    p[0] = 0;
    assert_int_equal(elf_init(&elf, p, GEN_SIZE, &err), -EINVAL);
    assert_string_equal(err, "ELF: bad magic");
    free(p);
}

/* Every prefix, in an exactly sized buffer so that ASan sees overreads. */
static void test_every_truncation(void **st)
{
    static const int classes[] = { 64, 32 };
    unsigned int c;

    for ( c = 0; c < 2; c++ )
    {
        struct elfgen g = { classes[c], true, false, false };
        uint8_t *p = gen_elf(&g);
        size_t n;

        for ( n = 0; n <= GEN_SIZE; n += n < 0x300 ? 1 : 61 )
        {
            uint8_t *t = malloc(n ? n : 1);
            struct elf_binary elf;
            struct elf_xen_notes xn;
            struct elf_phdr ph;
            const char *err = NULL;
            unsigned int i;

            memcpy(t, p, n);
            if ( !elf_init(&elf, t, n, &err) )
            {
                for ( i = 0; i < elf.phnum; i++ )
                    elf_get_phdr(&elf, i, &ph, &err);
                elf_xen_parse_notes(&elf, &xn, &err);
            }
            free(t);
        }
        free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elf64),
        cmocka_unit_test(test_elf32),
        cmocka_unit_test(test_section_notes),
        cmocka_unit_test(test_no_pvh_note),
        cmocka_unit_test(test_bogus_phdrs),
        cmocka_unit_test(test_not_elf),
        cmocka_unit_test(test_every_truncation),
    };

    return cmocka_run_group_tests_name("libelf", tests, NULL, NULL);
}
