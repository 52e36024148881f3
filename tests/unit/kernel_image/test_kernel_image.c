/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel_image on crafted kernels: ELF vmlinux in place, gzip/xz-compressed
 * vmlinux, bzImages with gzip and xz payloads (with Linux's appended size),
 * a kernel without the PVH note, truncated bzImages; the boot hook's log
 * lines; and Debian's vmlinuz when the rig's cache has it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <lzma.h>
#include "harness.h"
#include "stubs.h"
#include <xen/errno.h>
#include <asm/kernel_image.h>
#include "../libelf/elfgen.h"

static uint8_t *gz(const uint8_t *in, size_t n, size_t *len)
{
    z_stream z;
    size_t cap = n + 1024;
    uint8_t *out = malloc(cap);

    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)in;
    z.avail_in = n;
    z.next_out = out;
    z.avail_out = cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *len = z.total_out;
    deflateEnd(&z);
    return out;
}

static uint8_t *xz(const uint8_t *in, size_t n, size_t *len)
{
    lzma_options_lzma opt;
    lzma_filter f[3];
    size_t cap = n + 4096, pos = 0;
    uint8_t *out = malloc(cap);

    assert_false(lzma_lzma_preset(&opt, 6));
    f[0].id = LZMA_FILTER_X86;
    f[0].options = NULL;
    f[1].id = LZMA_FILTER_LZMA2;
    f[1].options = &opt;
    f[2].id = LZMA_VLI_UNKNOWN;
    assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL,
                                               in, n, out, &pos, cap),
                     LZMA_OK);
    *len = pos;
    return out;
}

/*
 * A bzImage around payload[0..plen): 2 setup sectors after the boot
 * sector, "HdrS" protocol 2.15, payload_offset 0x100 into the protected
 * mode part, plus Linux's 4-byte decompressed size when append_size.
 */
static uint8_t *bzimage(const uint8_t *payload, size_t plen, uint32_t usize,
                        bool append_size, size_t *len)
{
    size_t setup = 3 * 512, total = setup + 0x100 + plen + 4;
    uint8_t *p = calloc(1, total);

    p[0x1f1] = 2;
    p[0x1fe] = 0x55;
    p[0x1ff] = 0xaa;
    memcpy(p + 0x202, "HdrS", 4);
    gen_put(p + 0x206, 0x020f, 2);
    gen_put(p + 0x248, 0x100, 4);
    gen_put(p + 0x24c, plen + (append_size ? 4 : 0), 4);
    memcpy(p + setup + 0x100, payload, plen);
    if ( append_size )
        gen_put(p + setup + 0x100 + plen, usize, 4);
    *len = total;
    return p;
}

static void check_ki(const struct kernel_image *ki, const char *container,
                     const char *payload)
{
    assert_string_equal(ki->container, container);
    if ( payload )
        assert_string_equal(ki->payload, payload);
    else
        assert_null(ki->buf);
    assert_int_equal(ki->elf_class, 64);
    assert_int_equal(ki->elf_len, GEN_SIZE);
    assert_int_equal(ki->nr_segments, 2);
    assert_int_equal(ki->seg[0].paddr, 0x1000000);
    assert_int_equal(ki->seg[1].filesz, 0x800);
    assert_int_equal(ki->seg[1].memsz, 0x4000);
    assert_int_equal(ki->paddr_min, 0x1000000);
    assert_int_equal(ki->paddr_max, 0x1204000);
    assert_true(ki->have_pvh_entry);
    assert_int_equal(ki->pvh_entry, GEN_ENTRY);
}

static void test_elf_in_place(void **st)
{
    struct elfgen g = { 64, true, false, false };
    uint8_t *e = gen_elf(&g);
    struct kernel_image ki;

    assert_int_equal(kernel_image_analyse(e, GEN_SIZE, &ki), 0);
    check_ki(&ki, "ELF", NULL);
    assert_ptr_equal(ki.elf, e);
    kernel_image_release(&ki);
    free(e);
}

static void test_compressed_vmlinux(void **st)
{
    struct elfgen g = { 64, true, false, false };
    uint8_t *e = gen_elf(&g), *c;
    struct kernel_image ki;
    size_t clen;

    c = gz(e, GEN_SIZE, &clen);
    assert_int_equal(kernel_image_analyse(c, clen, &ki), 0);
    check_ki(&ki, "gzip", "gzip");
    assert_memory_equal(ki.elf, e, GEN_SIZE);
    kernel_image_release(&ki);
    assert_int_equal(xenheap_live, 0);
    free(c);

    c = xz(e, GEN_SIZE, &clen);
    assert_int_equal(kernel_image_analyse(c, clen, &ki), 0);
    check_ki(&ki, "xz", "xz");
    kernel_image_release(&ki);
    assert_int_equal(xenheap_live, 0);
    free(c);
    free(e);
}

static void test_bzimage(void **st)
{
    struct elfgen g = { 64, true, false, false };
    uint8_t *e = gen_elf(&g), *c, *bz;
    struct kernel_image ki;
    size_t clen, bzlen;

    c = xz(e, GEN_SIZE, &clen);
    bz = bzimage(c, clen, GEN_SIZE, true, &bzlen);
    assert_int_equal(kernel_image_analyse(bz, bzlen, &ki), 0);
    check_ki(&ki, "bzImage", "xz");
    kernel_image_release(&ki);
    free(bz);
    free(c);

    c = gz(e, GEN_SIZE, &clen);
    bz = bzimage(c, clen, 0, false, &bzlen);
    assert_int_equal(kernel_image_analyse(bz, bzlen, &ki), 0);
    check_ki(&ki, "bzImage", "gzip");
    kernel_image_release(&ki);
    assert_int_equal(xenheap_live, 0);
    free(bz);
    free(c);
    free(e);
}

static int copied_total;
static uint8_t guest[0x300000];

static int copy_cb(void *ctx, u64 paddr, const void *src, u64 len)
{
    assert_ptr_equal(ctx, guest);
    assert_true(paddr >= 0x1000000 &&
                paddr + len <= 0x1000000 + sizeof(guest));
    if ( src )
        memcpy(guest + paddr - 0x1000000, src, len);
    else
        memset(guest + paddr - 0x1000000, 0, len);
    copied_total += len;
    return 0;
}

static void test_copy_segments(void **st)
{
    struct elfgen g = { 64, true, false, false };
    uint8_t *e = gen_elf(&g);
    struct kernel_image ki;

    memset(guest, 0xcc, sizeof(guest));
    assert_int_equal(kernel_image_analyse(e, GEN_SIZE, &ki), 0);
    assert_int_equal(kernel_image_copy_segments(&ki, copy_cb, guest), 0);
    assert_int_equal(copied_total, 0x1000 + 0x4000);
    assert_memory_equal(guest, e + GEN_LOAD0_OFF, 0x1000);
    assert_memory_equal(guest + 0x200000, e + GEN_LOAD1_OFF, 0x800);
    assert_int_equal(guest[0x200800], 0);
    assert_int_equal(guest[0x203fff], 0);
    assert_int_equal(guest[0x204000], 0xcc);
    kernel_image_release(&ki);
    free(e);
}

static void test_no_pvh_note(void **st)
{
    struct elfgen g = { 64, false, false, false };
    uint8_t *e = gen_elf(&g), *c, *bz;
    struct kernel_image ki;
    size_t clen, bzlen;

    c = xz(e, GEN_SIZE, &clen);
    bz = bzimage(c, clen, GEN_SIZE, true, &bzlen);
    assert_int_equal(kernel_image_analyse(bz, bzlen, &ki), -ENOENT);
    assert_string_equal(ki.err, "no PVH entry point "
                        "(XEN_ELFNOTE_PHYS32_ENTRY): this kernel cannot "
                        "boot as a PVH dom0");
    kernel_image_release(&ki);
    assert_int_equal(xenheap_live, 0);

    /* The boot hook prints it and gives the buffer back. */
    boot_info.nr_modules = 1;
    boot_info.mods[0].start = (uintptr_t)bz;
    boot_info.mods[0].size = bzlen;
    test_log_reset();
    kernel_image_boot_probe();
    assert_log_contains("Dom0 kernel: no PVH entry point "
                        "(XEN_ELFNOTE_PHYS32_ENTRY): this kernel cannot "
                        "boot as a PVH dom0");
    assert_false(dom0_kernel_ok);
    assert_int_equal(xenheap_live, 0);
    free(bz);
    free(c);
    free(e);
}

static void test_boot_probe(void **st)
{
    struct elfgen g = { 64, true, false, false };
    uint8_t *e = gen_elf(&g), *c, *bz;
    size_t clen, bzlen;

    c = xz(e, GEN_SIZE, &clen);
    bz = bzimage(c, clen, GEN_SIZE, true, &bzlen);
    boot_info.nr_modules = 1;
    boot_info.mods[0].start = (uintptr_t)bz;
    boot_info.mods[0].size = bzlen;
    test_log_reset();
    kernel_image_boot_probe();
    assert_true(dom0_kernel_ok);
    assert_log_contains("Dom0 kernel: ELF64 vmlinux 12KB, 2 PT_LOAD, PVH "
                        "entry 0x1000260 (xz payload, decompressed in ");
    assert_log_contains("Dom0 kernel: Xen notes: GUEST_OS=linux "
                        "GUEST_VERSION=2.6 XEN_VERSION=xen-3.0 "
                        "LOADER=generic");
    /* The buffer stays for the dom0 builder. */
    assert_int_equal(xenheap_live, 1);
    kernel_image_release(&dom0_kernel);
    dom0_kernel_ok = false;
    assert_int_equal(xenheap_live, 0);
    free(bz);
    free(c);
    free(e);
}

/* Every truncation of a bzImage and of a compressed vmlinux. */
static void test_truncated(void **st)
{
    struct elfgen g = { 64, true, false, false };
    uint8_t *e = gen_elf(&g), *c, *bz;
    size_t clen, bzlen, n;

    c = xz(e, GEN_SIZE, &clen);
    bz = bzimage(c, clen, GEN_SIZE, true, &bzlen);
    for ( n = 0; n < bzlen; n++ )
    {
        uint8_t *t = malloc(n ? n : 1);
        struct kernel_image ki;

        memcpy(t, bz, n);
        if ( kernel_image_analyse(t, n, &ki) == 0 )
            fail_msg("a %zu-byte prefix of a %zu-byte bzImage analysed", n,
                     bzlen);
        assert_non_null(ki.err);
        kernel_image_release(&ki);
        free(t);
    }
    /* A payload_length past the end of the module. */
    {
        struct kernel_image ki;

        gen_put(bz + 0x24c, bzlen, 4);
        assert_int_equal(kernel_image_analyse(bz, bzlen, &ki), -EINVAL);
        kernel_image_release(&ki);
    }
    assert_int_equal(xenheap_live, 0);
    free(bz);
    free(c);
    free(e);
}

static void test_garbage_and_nomem(void **st)
{
    struct elfgen g = { 64, true, false, false };
    uint8_t *e = gen_elf(&g), *c;
    uint8_t junk[4096];
    struct kernel_image ki;
    size_t clen;

    memset(junk, 0x5a, sizeof(junk));
    assert_int_equal(kernel_image_analyse(junk, sizeof(junk), &ki), -EINVAL);
    assert_non_null(strstr(ki.err, "not a bzImage"));

    c = gz(e, GEN_SIZE, &clen);
    xenheap_fail_order = 0;
    assert_int_equal(kernel_image_analyse(c, clen, &ki), -ENOMEM);
    xenheap_fail_order = 99;
    kernel_image_release(&ki);
    /* gzip of something that is not ELF. */
    free(c);
    c = gz(junk, sizeof(junk), &clen);
    assert_int_equal(kernel_image_analyse(c, clen, &ki), -EINVAL);
    assert_string_equal(ki.err, "the decompressed kernel is not an ELF image");
    kernel_image_release(&ki);
    assert_int_equal(xenheap_live, 0);
    free(c);
    free(e);
}

static void test_debian_vmlinuz(void **st)
{
    size_t flen;
    struct kernel_image ki;
    uint8_t *img;
    long len;
    int rc;

    img = test_load_debian_vmlinuz(&flen);
    if ( !img )
    {
        skip();
        return;
    }
    len = flen;

    rc = kernel_image_analyse(img, len, &ki);
    if ( rc )
        fail_msg("Debian vmlinuz: %s", ki.err);
    assert_string_equal(ki.container, "bzImage");
    assert_string_equal(ki.payload, "xz");
    assert_int_equal(ki.elf_class, 64);
    assert_true(ki.nr_segments >= 2);
    assert_true(ki.have_pvh_entry);
    /* Linux's pvh_start_xen lies in the first segment (at 16 MiB). */
    assert_true(ki.pvh_entry >= ki.seg[0].paddr &&
                ki.pvh_entry < ki.seg[0].paddr + ki.seg[0].memsz);
    assert_string_equal(ki.notes.guest_os, "linux");
    printf("# Debian vmlinuz: ELF%u %zu bytes, %u PT_LOAD, PVH entry %#x\n",
           ki.elf_class, ki.elf_len, ki.nr_segments, ki.pvh_entry);
    kernel_image_release(&ki);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elf_in_place),
        cmocka_unit_test(test_compressed_vmlinux),
        cmocka_unit_test(test_bzimage),
        cmocka_unit_test(test_copy_segments),
        cmocka_unit_test(test_no_pvh_note),
        cmocka_unit_test(test_boot_probe),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_garbage_and_nomem),
        cmocka_unit_test(test_debian_vmlinuz),
    };

    return cmocka_run_group_tests_name("kernel_image", tests, NULL, NULL);
}
