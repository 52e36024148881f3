/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/arch/x86/bootmod.c: identifying boot modules from their bytes.
 * Inputs are crafted here; each probe runs on a heap buffer of exactly
 * the module's size, so ASan catches any read past the end.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/bootmod.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Probe a copy of exactly size bytes; describe into desc. */
static struct bootmod_info probe(const void *data, size_t size, char *desc,
                                 size_t desc_len)
{
    struct bootmod_info info;
    void *copy = malloc(size ? size : 1);

    assert_non_null(copy);
    memcpy(copy, data, size);
    bootmod_probe(copy, size, &info);
    free(copy);
    if ( desc )
        bootmod_describe(&info, desc, desc_len);
    return info;
}

#define assert_desc(data, size, expected) do {                          \
        char d_[200];                                                   \
        probe(data, size, d_, sizeof(d_));                              \
        assert_string_equal(d_, expected);                              \
    } while ( 0 )

static void put16(unsigned char *p, unsigned int v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put32(unsigned char *p, unsigned int v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

/* --- magics ------------------------------------------------------------ */

static const unsigned char m_gzip[] = { 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0,
                                        0, 3 };
static const unsigned char m_xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
static const unsigned char m_zstd[] = { 0x28, 0xb5, 0x2f, 0xfd };
static const unsigned char m_bzip2[] = { 'B', 'Z', 'h', '9' };
static const unsigned char m_lzma[] = { 0x5d, 0, 0, 0x80, 0 };
static const unsigned char m_lzo[] = { 0x89, 'L', 'Z', 'O', 0, '\r', '\n',
                                       0x1a, '\n' };
static const unsigned char m_lz4[] = { 0x02, 0x21, 0x4c, 0x18 };

static const struct {
    const unsigned char *magic;
    size_t len;
    enum bootmod_format fmt;
    const char *name;
} magics[] = {
    { m_gzip, sizeof(m_gzip), BOOTMOD_GZIP, "gzip" },
    { m_xz, sizeof(m_xz), BOOTMOD_XZ, "xz" },
    { m_zstd, sizeof(m_zstd), BOOTMOD_ZSTD, "zstd" },
    { m_bzip2, sizeof(m_bzip2), BOOTMOD_BZIP2, "bzip2" },
    { m_lzma, sizeof(m_lzma), BOOTMOD_LZMA, "lzma" },
    { m_lzo, sizeof(m_lzo), BOOTMOD_LZO, "lzo" },
    { m_lz4, sizeof(m_lz4), BOOTMOD_LZ4, "lz4" },
};

static void test_empty_and_unknown(void **state)
{
    static const char hello[] = "hello, world";
    struct bootmod_info info;
    unsigned char zeros[4096] = { 0 };

    info = probe("", 0, NULL, 0);
    assert_int_equal(info.format, BOOTMOD_EMPTY);
    assert_desc("", 0, "empty");
    bootmod_probe(NULL, 100, &info);
    assert_int_equal(info.format, BOOTMOD_EMPTY);

    assert_desc(hello, sizeof(hello), "unknown format");
    assert_desc(zeros, sizeof(zeros), "unknown format");
    /* A prefix of a magic is not the magic. */
    assert_desc(m_xz, 3, "unknown format");
    assert_desc("BZh", 3, "unknown format");
    assert_desc("BZhx", 4, "unknown format");
}

static void test_compressed_modules(void **state)
{
    unsigned int i;
    char want[64];

    for ( i = 0; i < N_ELEMS(magics); i++ )
    {
        unsigned char buf[64] = { 0 };
        struct bootmod_info info;

        memcpy(buf, magics[i].magic, magics[i].len);
        info = probe(buf, sizeof(buf), NULL, 0);
        assert_int_equal(info.format, magics[i].fmt);
        assert_string_equal(bootmod_format_name(info.format),
                            magics[i].name);
        snprintf(want, sizeof(want), "%s-compressed data", magics[i].name);
        assert_desc(buf, sizeof(buf), want);
    }
}

static void test_gzip_header(void **state)
{
    unsigned char buf[64] = { 0x1f, 0x8b, 0x08, 0x08, 1, 2, 3, 4, 0, 3 };
    unsigned char extra[64] = { 0x1f, 0x8b, 0x08, 0x0c, 0, 0, 0, 0, 0, 3,
                                4, 0, 'A', 'B', 'C', 'D' };

    /* FNAME: the original file name follows the 10-byte header. */
    strcpy((char *)buf + 10, "initrd.img-6.1.0");
    assert_desc(buf, 10 + 17 + 8,
                "gzip-compressed data (was \"initrd.img-6.1.0\")");
    /* FEXTRA comes first and is skipped by its length. */
    strcpy((char *)extra + 16, "busybox.cpio");
    assert_desc(extra, 16 + 13 + 8,
                "gzip-compressed data (was \"busybox.cpio\")");
    /* The name is cut at the module's end, never read past it. */
    assert_desc(buf, 14, "gzip-compressed data (was \"init\")");
    assert_desc(buf, 5, "gzip-compressed data, truncated");
    /* No FNAME: nothing more to say. */
    assert_desc(m_gzip, sizeof(m_gzip), "gzip-compressed data");
}

/* --- ELF ---------------------------------------------------------------- */

static void make_elf(unsigned char *h, int class, int data, unsigned int type,
                     unsigned int machine)
{
    memset(h, 0, 64);
    memcpy(h, "\x7f" "ELF", 4);
    h[4] = class;
    h[5] = data;
    h[6] = 1;
    if ( data == 2 )
    {
        h[16] = type >> 8; h[17] = type;
        h[18] = machine >> 8; h[19] = machine;
    }
    else
    {
        put16(h + 16, type);
        put16(h + 18, machine);
    }
}

static void test_elf(void **state)
{
    unsigned char h[64];
    struct bootmod_info info;

    make_elf(h, 2, 1, 2, 62);
    info = probe(h, 64, NULL, 0);
    assert_int_equal(info.format, BOOTMOD_ELF);
    assert_int_equal(info.elf_class, 64);
    assert_int_equal(info.elf_machine, 62);
    assert_int_equal(info.elf_type, 2);
    assert_desc(h, 64, "ELF 64-bit LSB x86-64 executable");

    make_elf(h, 1, 1, 1, 3);
    assert_desc(h, 52, "ELF 32-bit LSB i386 relocatable");
    make_elf(h, 2, 1, 3, 62);
    assert_desc(h, 64, "ELF 64-bit LSB x86-64 shared object");
    make_elf(h, 2, 2, 2, 21);       /* big-endian PowerPC64 */
    assert_desc(h, 64, "ELF 64-bit MSB machine 21 executable");
    make_elf(h, 2, 1, 4, 62);
    assert_desc(h, 64, "ELF 64-bit LSB x86-64 core file");

    /* Truncated headers. */
    make_elf(h, 2, 1, 2, 62);
    assert_desc(h, 40, "ELF 64-bit LSB x86-64 executable, truncated");
    assert_desc(h, 19, "ELF 64-bit LSB, truncated");
    assert_desc(h, 4, "ELF (invalid class), truncated");
    make_elf(h, 7, 1, 2, 62);
    assert_desc(h, 64, "ELF (invalid class)");
}

/* --- bzImage ------------------------------------------------------------ */

#define SETUP_SECTS 2
#define PM_START    ((SETUP_SECTS + 1) * 512)
#define PAYLOAD_OFF 0x100
#define PAYLOAD_LEN 3000
#define BZ_SIZE     (PM_START + PAYLOAD_OFF + PAYLOAD_LEN + 64)

/* A bzImage as the Linux boot protocol 2.15 describes it (boot.rst). */
static unsigned char *make_bzimage(const unsigned char *magic, size_t len,
                                   unsigned int version)
{
    unsigned char *k = calloc(1, BZ_SIZE);

    assert_non_null(k);
    memcpy(k, "MZ", 2);                     /* EFI stub's PE header */
    k[0x1f1] = SETUP_SECTS;
    put16(k + 0x1fe, 0xaa55);
    memcpy(k + 0x202, "HdrS", 4);
    put16(k + 0x206, version);
    put16(k + 0x20e, 0x300 - 0x200);        /* kernel_version */
    strcpy((char *)k + 0x300, "6.1.0-56-amd64 (debian-kernel@lists) #1");
    k[0x211] = 0x01;                        /* LOADED_HIGH */
    put32(k + 0x248, PAYLOAD_OFF);
    put32(k + 0x24c, PAYLOAD_LEN);
    if ( magic )
        memcpy(k + PM_START + PAYLOAD_OFF, magic, len);
    return k;
}

static void test_bzimage_payloads(void **state)
{
    unsigned int i;
    char want[128];

    for ( i = 0; i < N_ELEMS(magics); i++ )
    {
        unsigned char *k = make_bzimage(magics[i].magic, magics[i].len,
                                        0x020f);
        struct bootmod_info info = probe(k, BZ_SIZE, NULL, 0);

        assert_int_equal(info.format, BOOTMOD_BZIMAGE);
        assert_int_equal(info.boot_protocol, 0x020f);
        assert_int_equal(info.payload_format, magics[i].fmt);
        assert_int_equal(info.payload_offset, PM_START + PAYLOAD_OFF);
        assert_int_equal(info.payload_length, PAYLOAD_LEN);
        assert_false(info.truncated);
        snprintf(want, sizeof(want), "Linux bzImage 6.1.0-56-amd64 (boot "
                 "protocol 2.15), %s payload 3KB", magics[i].name);
        assert_desc(k, BZ_SIZE, want);
        free(k);
    }
}

static void test_bzimage_variants(void **state)
{
    unsigned char *k;

    /* No recognisable payload magic. */
    k = make_bzimage((const unsigned char *)"junk", 4, 0x020f);
    assert_desc(k, BZ_SIZE, "Linux bzImage 6.1.0-56-amd64 (boot protocol "
                "2.15), unrecognised payload 3KB");
    free(k);

    /* Before 2.08 there are no payload fields. */
    k = make_bzimage(m_xz, sizeof(m_xz), 0x0206);
    assert_desc(k, BZ_SIZE,
                "Linux bzImage 6.1.0-56-amd64 (boot protocol 2.06)");
    /* Loaded low: a zImage. */
    k[0x211] = 0;
    assert_desc(k, BZ_SIZE,
                "Linux zImage 6.1.0-56-amd64 (boot protocol 2.06)");
    /* setup_sects 0 means 4 (boot.rst); kernel_version 0 means none. */
    k[0x1f1] = 0;
    put16(k + 0x20e, 0);
    k[0x211] = 1;
    assert_desc(k, BZ_SIZE, "Linux bzImage (boot protocol 2.06)");
    /* kernel_version pointing past the end is ignored. */
    put16(k + 0x20e, 0xfff0);
    assert_desc(k, BZ_SIZE, "Linux bzImage (boot protocol 2.06)");
    free(k);

    /* A payload that runs past the module's end. */
    k = make_bzimage(m_xz, sizeof(m_xz), 0x020f);
    put32(k + 0x24c, 0x7fffffff);
    assert_desc(k, BZ_SIZE, "Linux bzImage 6.1.0-56-amd64 (boot protocol "
                "2.15), xz payload 2097152KB, truncated");
    /* An offset far outside: no magic is read there. */
    put32(k + 0x248, 0xfffffff0);
    put32(k + 0x24c, 0xffffffff);
    assert_desc(k, BZ_SIZE, "Linux bzImage 6.1.0-56-amd64 (boot protocol "
                "2.15), unrecognised payload 4194304KB, truncated");
    free(k);
}

static void test_bzimage_every_length(void **state)
{
    unsigned char *k = make_bzimage(m_xz, sizeof(m_xz), 0x020f);
    size_t n;

    /* Each prefix is probed in a buffer of exactly that size (ASan). */
    for ( n = 0; n <= BZ_SIZE; n++ )
    {
        char d[200];
        struct bootmod_info info = probe(k, n, d, sizeof(d));

        if ( n >= 0x208 )
            assert_int_equal(info.format, BOOTMOD_BZIMAGE);
        if ( n >= 0x208 && n < PM_START + PAYLOAD_OFF + PAYLOAD_LEN )
            assert_non_null(strstr(d, "truncated"));
        if ( n >= PM_START + PAYLOAD_OFF + PAYLOAD_LEN )
            assert_null(strstr(d, "truncated"));
    }
    free(k);
}

/* --- cpio newc ---------------------------------------------------------- */

struct cpio {
    unsigned char buf[8192];
    size_t len;
};

static void pad4(struct cpio *c)
{
    while ( c->len & 3 )
        c->buf[c->len++] = 0;
}

static void cpio_add(struct cpio *c, const char *name, const char *data)
{
    size_t dlen = strlen(data);
    char hdr[128];

    snprintf(hdr, sizeof(hdr),
             "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             1, 0100644, 0, 0, 1, 0, (unsigned int)dlen, 0, 0, 0, 0,
             (unsigned int)strlen(name) + 1, 0);
    memcpy(c->buf + c->len, hdr, 110);
    c->len += 110;
    memcpy(c->buf + c->len, name, strlen(name) + 1);
    c->len += strlen(name) + 1;
    pad4(c);
    memcpy(c->buf + c->len, data, dlen);
    c->len += dlen;
    pad4(c);
}

static void cpio_end(struct cpio *c, size_t pad_to)
{
    cpio_add(c, "TRAILER!!!", "");
    while ( c->len % pad_to )
        c->buf[c->len++] = 0;
}

static void test_cpio(void **state)
{
    static struct cpio c;
    struct bootmod_info info;
    size_t first;

    memset(&c, 0, sizeof(c));
    cpio_add(&c, "init", "#!/bin/sh\n");
    cpio_add(&c, "bin/busybox", "\x7f" "ELF");
    cpio_end(&c, 4);
    info = probe(c.buf, c.len, NULL, 0);
    assert_int_equal(info.format, BOOTMOD_CPIO);
    assert_int_equal(info.cpio_entries, 2);
    assert_true(info.cpio_trailer);
    assert_desc(c.buf, c.len, "cpio newc archive (2 entries)");

    /* Debian's layout: early microcode cpio, padding, compressed cpio. */
    memset(&c, 0, sizeof(c));
    cpio_add(&c, "kernel/x86/microcode/GenuineIntel.bin", "ucode");
    cpio_end(&c, 512);
    memcpy(c.buf + c.len, m_zstd, sizeof(m_zstd));
    c.len += 64;
    assert_desc(c.buf, c.len, "cpio newc archive (1 entry) + "
                "zstd-compressed data");

    /* Two uncompressed archives back to back count as one. */
    memset(&c, 0, sizeof(c));
    cpio_add(&c, "a", "1");
    cpio_end(&c, 4);
    first = c.len;
    cpio_add(&c, "b", "2");
    cpio_add(&c, "c", "3");
    cpio_end(&c, 4);
    assert_desc(c.buf, c.len, "cpio newc archive (3 entries)");

    /* Cut inside the second archive. */
    assert_desc(c.buf, first + 120, "cpio newc archive (2 entries), "
                "truncated");
    /*
     * Every prefix: bounded, and truncated unless complete (a cut within
     * the second magic leaves unknown bytes after the first archive).
     */
    for ( size_t n = 6; n < c.len; n++ )
    {
        char d[200];

        probe(c.buf, n, d, sizeof(d));
        /* The trailer's own padding is not needed to see the end. */
        if ( n >= first - 3 && n <= first )
            assert_string_equal(d, "cpio newc archive (1 entry)");
        else if ( n >= c.len - 3 )
            assert_string_equal(d, "cpio newc archive (3 entries)");
        else if ( n > first && n < first + 6 )
            assert_string_equal(d, "cpio newc archive (1 entry) + "
                                "unknown data");
        else if ( !strstr(d, "truncated") )
            fail_msg("prefix of %zu bytes: \"%s\"", n, d);
    }
    /* Garbage after the trailer is reported as such. */
    memcpy(c.buf + first, "garbage!", 8);
    assert_desc(c.buf, first + 8, "cpio newc archive (1 entry) + "
                "unknown data");

    /* A header with a non-hex size is garbage, not a crash. */
    memcpy(c.buf + 54, "zzzzzzzz", 8);
    assert_desc(c.buf, c.len, "cpio newc archive (0 entries), truncated");
    /* A huge file size stops the walk. */
    memcpy(c.buf + 54, "FFFFFFFF", 8);
    assert_desc(c.buf, c.len, "cpio newc archive (0 entries), truncated");
}

/* --- robustness --------------------------------------------------------- */

static void test_garbage_never_faults(void **state)
{
    unsigned char buf[2048];
    unsigned int seed = 12345, i, round;

    /* Deterministic noise, with real magics planted at the start. */
    for ( round = 0; round < 200; round++ )
    {
        char d[200];

        for ( i = 0; i < sizeof(buf); i++ )
        {
            seed = seed * 1103515245 + 12345;
            buf[i] = seed >> 16;
        }
        switch ( round % 5 )
        {
        case 1: memcpy(buf + 0x202, "HdrS", 4); break;
        case 2: memcpy(buf, "\x7f" "ELF", 4); break;
        case 3: memcpy(buf, "070701", 6); break;
        case 4: memcpy(buf, m_gzip, 4); break;
        }
        probe(buf, (seed >> 8) % sizeof(buf), d, sizeof(d));
        assert_true(strlen(d) < sizeof(d));
    }
}

static void test_describe_small_buffer(void **state)
{
    unsigned char *k = make_bzimage(m_xz, sizeof(m_xz), 0x020f);
    struct bootmod_info info;
    char d[16];

    memset(d, 'x', sizeof(d));
    bootmod_probe(k, BZ_SIZE, &info);
    bootmod_describe(&info, d, sizeof(d));
    assert_int_equal(strlen(d), sizeof(d) - 1);
    assert_memory_equal(d, "Linux bzImage 6", 15);
    bootmod_describe(&info, d, 1);
    assert_int_equal(d[0], '\0');
    free(k);
}

/* The real Debian kernel, when deps.sh has fetched it. */
static void test_debian_vmlinuz(void **state)
{
    size_t flen;
    char d[200];
    unsigned char *buf;
    struct bootmod_info info;
    long n;

    buf = test_load_debian_vmlinuz(&flen);
    if ( !buf )
    {
        skip();
        return;
    }
    n = flen;

    bootmod_probe(buf, n, &info);
    bootmod_describe(&info, d, sizeof(d));
    assert_int_equal(info.format, BOOTMOD_BZIMAGE);
    assert_int_equal(info.payload_format, BOOTMOD_XZ);
    assert_false(info.truncated);
    assert_true(info.boot_protocol >= 0x020f);
    assert_non_null(strstr(d, "bzImage"));
    assert_non_null(strstr(d, "xz payload"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_unknown),
        cmocka_unit_test(test_compressed_modules),
        cmocka_unit_test(test_gzip_header),
        cmocka_unit_test(test_elf),
        cmocka_unit_test(test_bzimage_payloads),
        cmocka_unit_test(test_bzimage_variants),
        cmocka_unit_test(test_bzimage_every_length),
        cmocka_unit_test(test_cpio),
        cmocka_unit_test(test_garbage_never_faults),
        cmocka_unit_test(test_describe_small_buffer),
        cmocka_unit_test(test_debian_vmlinuz),
    };

    return cmocka_run_group_tests_name("bootmod", tests, NULL, NULL);
}
