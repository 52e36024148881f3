/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gzip and xz decoders against zlib and liblzma: many data shapes and
 * encoder settings must round-trip exactly; every truncation and every
 * single-bit flip of small streams must give an error or the original
 * data, never a bad access (ASan) or undefined behaviour (UBSan).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <lzma.h>
#include "harness.h"
#include <xen/decompress.h>
#include <xen/errno.h>

/* ---- deterministic test data ---- */

static uint32_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

enum shape { SH_ZERO, SH_RANDOM, SH_TEXT, SH_CODE, SH_MIXED };

/* Something like x86 code: calls and jumps with small displacements. */
static void fill(uint8_t *b, size_t n, enum shape sh, uint32_t seed)
{
    static const char *words[] = {
        "hypervisor ", "domain ", "page ", "the ", "of ", "vcpu ",
        "interrupt\n", "0x", "ffff", "  ", "struct ", "return ",
    };
    size_t i = 0;

    rng_state = seed;
    switch ( sh )
    {
    case SH_ZERO:
        memset(b, 0, n);
        break;
    case SH_RANDOM:
        for ( ; i < n; i++ )
            b[i] = rng();
        break;
    case SH_TEXT:
        while ( i < n )
        {
            const char *w = words[rng() % 12];
            size_t l = strlen(w);

            if ( l > n - i )
                l = n - i;
            memcpy(b + i, w, l);
            i += l;
        }
        break;
    case SH_CODE:
        while ( i < n )
        {
            uint32_t r = rng();

            if ( (r & 7) == 0 && n - i >= 5 )
            {
                int32_t disp = (int32_t)(rng() % 65536) - 32768;

                b[i] = (r & 8) ? 0xe8 : 0xe9;
                memcpy(b + i + 1, &disp, 4);
                i += 5;
            }
            else if ( (r & 7) < 4 )
                b[i++] = 0x48 + (r >> 8) % 4;
            else
                b[i++] = (r >> 8) % 64;
        }
        break;
    case SH_MIXED:
        fill(b, n / 3, SH_TEXT, seed);
        fill(b + n / 3, n / 3, SH_RANDOM, seed + 1);
        fill(b + 2 * (n / 3), n - 2 * (n / 3), SH_CODE, seed + 2);
        break;
    }
}

/* ---- encoders ---- */

/* A gzip member from zlib (windowBits 31); *len is the size. */
static uint8_t *gz_encode(const uint8_t *in, size_t n, int level,
                          int strategy, const char *name, size_t *len)
{
    z_stream z;
    gz_header h;
    size_t cap = n + n / 10 + 1024;
    uint8_t *out = malloc(cap);

    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 31, 8, strategy),
                     Z_OK);
    if ( name )
    {
        memset(&h, 0, sizeof(h));
        h.name = (Bytef *)name;
        h.comment = (Bytef *)"a comment";
        h.hcrc = 1;
        h.extra = (Bytef *)"XY\002\000ab";
        h.extra_len = 6;
        assert_int_equal(deflateSetHeader(&z, &h), Z_OK);
    }
    z.next_in = (Bytef *)in;
    z.avail_in = n;
    z.next_out = out;
    z.avail_out = cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *len = z.total_out;
    deflateEnd(&z);
    return out;
}

/* An xz stream from liblzma: optional x86 BCJ, then LZMA2 at preset. */
static uint8_t *xz_encode(const uint8_t *in, size_t n, bool x86,
                          lzma_check check, uint32_t preset, size_t *len)
{
    lzma_options_lzma opt;
    lzma_filter f[3];
    size_t cap = n + n / 10 + 4096, pos = 0;
    uint8_t *out = malloc(cap);
    int i = 0;

    assert_false(lzma_lzma_preset(&opt, preset));
    if ( x86 )
    {
        f[i].id = LZMA_FILTER_X86;
        f[i++].options = NULL;
    }
    f[i].id = LZMA_FILTER_LZMA2;
    f[i++].options = &opt;
    f[i].id = LZMA_VLI_UNKNOWN;
    assert_int_equal(lzma_stream_buffer_encode(f, check, NULL, in, n, out,
                                               &pos, cap), LZMA_OK);
    *len = pos;
    return out;
}

/* Several blocks, through the multi-threaded encoder's block_size. */
static uint8_t *xz_encode_blocks(const uint8_t *in, size_t n,
                                 uint64_t block_size, size_t *len)
{
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_options_lzma opt;
    lzma_filter f[3];
    lzma_mt mt;
    size_t cap = n + n / 10 + 65536;
    uint8_t *out = malloc(cap);

    assert_false(lzma_lzma_preset(&opt, 6));
    f[0].id = LZMA_FILTER_X86;
    f[0].options = NULL;
    f[1].id = LZMA_FILTER_LZMA2;
    f[1].options = &opt;
    f[2].id = LZMA_VLI_UNKNOWN;
    memset(&mt, 0, sizeof(mt));
    mt.threads = 2;
    mt.block_size = block_size;
    mt.filters = f;
    mt.check = LZMA_CHECK_CRC32;
    assert_int_equal(lzma_stream_encoder_mt(&s, &mt), LZMA_OK);
    s.next_in = in;
    s.avail_in = n;
    s.next_out = out;
    s.avail_out = cap;
    assert_int_equal(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
    *len = s.total_out;
    lzma_end(&s);
    return out;
}

/* ---- helpers ---- */

static void expect_roundtrip(const uint8_t *c, size_t clen,
                             const uint8_t *orig, size_t n)
{
    uint8_t *out = malloc(n + 1);
    size_t got = 0;
    const char *err = NULL;
    uint64_t hint = 0;
    int rc;

    rc = decompress(c, clen, out, n + 1, &got, &err);
    if ( rc )
        fail_msg("decompress: %d %s", rc, err ? err : "");
    assert_int_equal(got, n);
    assert_memory_equal(out, orig, n);
    assert_int_equal(decompress_size(c, clen, &hint, &err), 0);
    assert_int_equal(hint, n);
    free(out);
}

/* ---- gzip ---- */

static void test_gzip_roundtrip(void **st)
{
    static const size_t sizes[] = { 0, 1, 100, 4096, 70000, 1 << 20 };
    static const int levels[] = { 0, 1, 6, 9 };
    unsigned int si, sh, li;

    for ( si = 0; si < 6; si++ )
        for ( sh = SH_ZERO; sh <= SH_MIXED; sh++ )
            for ( li = 0; li < 4; li++ )
            {
                size_t n = sizes[si], clen;
                uint8_t *b = malloc(n + 1), *c;

                fill(b, n, sh, si * 7 + sh);
                c = gz_encode(b, n, levels[li], Z_DEFAULT_STRATEGY,
                              li == 2 ? "file.bin" : NULL, &clen);
                expect_roundtrip(c, clen, b, n);
                free(c);
                free(b);
            }
}

static void test_gzip_strategies(void **st)
{
    static const int strategies[] = { Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
                                      Z_FIXED };
    size_t n = 300000, clen;
    uint8_t *b = malloc(n), *c;
    unsigned int i;

    fill(b, n, SH_MIXED, 42);
    for ( i = 0; i < 4; i++ )
    {
        c = gz_encode(b, n, 9, strategies[i], NULL, &clen);
        expect_roundtrip(c, clen, b, n);
        free(c);
    }
    free(b);
}

/* Each test stream decodes under every prefix and every bit flip. */
static void torture(const uint8_t *c, size_t clen, const uint8_t *orig,
                    size_t n, bool flips)
{
    uint8_t *cc = malloc(clen), *out = malloc(n + 64);
    size_t i, got;
    const char *err;
    int rc;

    /* Every truncation: exactly sized copies so ASan sees overreads. */
    for ( i = 0; i < clen; i++ )
    {
        uint8_t *t = malloc(i ? i : 1);

        memcpy(t, c, i);
        err = NULL;
        rc = decompress(t, i, out, n + 64, &got, &err);
        if ( rc == 0 )
            fail_msg("prefix of %zu/%zu bytes decoded", i, clen);
        assert_non_null(err);
        free(t);
    }
    /* Too small an output buffer. */
    if ( n )
    {
        uint8_t *small = malloc(n - 1);

        rc = decompress(c, clen, small, n - 1, &got, &err);
        assert_int_equal(rc, -ENOSPC);
        assert_true(got <= n - 1);
        free(small);
    }
    if ( !flips )
        goto out;
    for ( i = 0; i < clen * 8; i++ )
    {
        memcpy(cc, c, clen);
        cc[i / 8] ^= 1 << (i % 8);
        got = 0;
        rc = decompress(cc, clen, out, n + 64, &got, &err);
        if ( rc == 0 && (got != n || memcmp(out, orig, n)) )
            fail_msg("bit %zu flipped: wrong output accepted", i);
        if ( rc )
            assert_non_null(err);
        assert_true(got <= n + 64);
    }
 out:
    free(cc);
    free(out);
}

static void test_gzip_corrupt(void **st)
{
    size_t n = 3000, clen;
    uint8_t *b = malloc(n), *c;
    int li;

    fill(b, n, SH_MIXED, 7);
    for ( li = 0; li <= 9; li += 3 )
    {
        c = gz_encode(b, n, li, Z_DEFAULT_STRATEGY, li ? NULL : "n", &clen);
        torture(c, clen, b, n, true);
        free(c);
    }
    c = gz_encode(b, n, 6, Z_FIXED, NULL, &clen);
    torture(c, clen, b, n, true);
    free(c);
    free(b);
}

static void test_gzip_messages(void **st)
{
    size_t n = 5000, clen, got;
    uint8_t *b = malloc(n), *c, *out = malloc(n);
    const char *err;

    fill(b, n, SH_TEXT, 3);
    c = gz_encode(b, n, 6, Z_DEFAULT_STRATEGY, NULL, &clen);
    c[clen - 8] ^= 1;
    assert_int_equal(decompress(c, clen, out, n, &got, &err), -EINVAL);
    assert_string_equal(err, "gzip: CRC mismatch");
    c[clen - 8] ^= 1;
    c[clen - 4] ^= 1;
    assert_int_equal(decompress(c, clen, out, n, &got, &err), -EINVAL);
    assert_string_equal(err, "gzip: length (ISIZE) mismatch");
    assert_int_equal(decompress(c, clen - 8, out, n, &got, &err), -EINVAL);
    assert_string_equal(err, "gzip: truncated input");
    c[2] = 7;
    assert_int_equal(decompress(c, clen, out, n, &got, &err), -EOPNOTSUPP);
    free(c);
    free(b);
    free(out);
}

/* ---- xz ---- */

static void test_xz_roundtrip(void **st)
{
    static const size_t sizes[] = { 0, 1, 5, 100, 4096, 70000 };
    static const lzma_check checks[] = { LZMA_CHECK_CRC32, LZMA_CHECK_CRC64,
                                         LZMA_CHECK_NONE };
    unsigned int si, sh, k;

    for ( si = 0; si < 6; si++ )
        for ( sh = SH_ZERO; sh <= SH_MIXED; sh++ )
            for ( k = 0; k < 4; k++ )
            {
                size_t n = sizes[si], clen;
                uint8_t *b = malloc(n + 1), *c;

                fill(b, n, sh, si * 5 + sh);
                c = xz_encode(b, n, k & 1, checks[k % 3],
                              k == 3 ? 9 | LZMA_PRESET_EXTREME : k * 3,
                              &clen);
                expect_roundtrip(c, clen, b, n);
                free(c);
                free(b);
            }
}

/* Past LZMA2's 2 MiB chunk limit: several chunks per block. */
static void test_xz_large(void **st)
{
    size_t n = 5 << 20, clen;
    uint8_t *b = malloc(n), *c;

    fill(b, n, SH_MIXED, 77);
    c = xz_encode(b, n, true, LZMA_CHECK_CRC32, 6, &clen);
    expect_roundtrip(c, clen, b, n);
    free(c);
    fill(b, n, SH_RANDOM, 78);
    c = xz_encode(b, n, false, LZMA_CHECK_CRC64, 1, &clen);
    expect_roundtrip(c, clen, b, n);
    free(c);
    free(b);
}

/* lc/lp/pb other than the defaults, and tiny dictionaries. */
static void test_xz_lzma_options(void **st)
{
    size_t n = 200000, clen, pos;
    uint8_t *b = malloc(n), *c = malloc(n * 2);
    unsigned int lc, lp, pb;

    fill(b, n, SH_MIXED, 11);
    for ( lc = 0; lc <= 4; lc++ )
        for ( lp = 0; lc + lp <= 4; lp++ )
            for ( pb = 0; pb <= 4; pb += 2 )
            {
                lzma_options_lzma opt;
                lzma_filter f[2];

                assert_false(lzma_lzma_preset(&opt, 6));
                opt.lc = lc;
                opt.lp = lp;
                opt.pb = pb;
                opt.dict_size = 4096;
                f[0].id = LZMA_FILTER_LZMA2;
                f[0].options = &opt;
                f[1].id = LZMA_VLI_UNKNOWN;
                pos = 0;
                assert_int_equal(lzma_stream_buffer_encode(f,
                                    LZMA_CHECK_CRC64, NULL, b, n, c, &pos,
                                    n * 2), LZMA_OK);
                clen = pos;
                expect_roundtrip(c, clen, b, n);
            }
    free(b);
    free(c);
}

static void test_xz_blocks_and_streams(void **st)
{
    size_t n = 1 << 20, c1, c2, cat_len;
    uint8_t *b = malloc(2 * n), *x1, *x2, *cat;

    fill(b, 2 * n, SH_CODE, 5);
    x1 = xz_encode_blocks(b, n, 100000, &c1);
    expect_roundtrip(x1, c1, b, n);
    x2 = xz_encode(b + n, n, true, LZMA_CHECK_CRC64, 6, &c2);

    /* Two streams with eight bytes of stream padding between them. */
    cat_len = c1 + 8 + c2;
    cat = calloc(1, cat_len);
    memcpy(cat, x1, c1);
    memcpy(cat + c1 + 8, x2, c2);
    expect_roundtrip(cat, cat_len, b, 2 * n);
    /* Padding that is not a multiple of four is an error. */
    {
        uint8_t *bad = calloc(1, cat_len - 1), *out = malloc(2 * n);
        size_t got;
        const char *err;

        memcpy(bad, x1, c1);
        memcpy(bad + c1 + 7, x2, c2);
        assert_int_equal(decompress(bad, cat_len - 1, out, 2 * n, &got,
                                    &err), -EINVAL);
        free(bad);
        free(out);
    }
    free(cat);
    free(x1);
    free(x2);
    free(b);
}

static void test_xz_corrupt(void **st)
{
    size_t n = 3000, clen;
    uint8_t *b = malloc(n), *c;

    fill(b, n, SH_MIXED, 9);
    c = xz_encode(b, n, true, LZMA_CHECK_CRC32, 6, &clen);
    torture(c, clen, b, n, true);
    free(c);
    c = xz_encode(b, n, false, LZMA_CHECK_CRC64, 0, &clen);
    torture(c, clen, b, n, true);
    free(c);
    /* No check at all: flips in the data may go unnoticed, but never
       outside the buffers. */
    c = xz_encode(b, n, true, LZMA_CHECK_NONE, 6, &clen);
    torture(c, clen, b, n, false);
    free(c);
    free(b);
}

static void test_xz_messages(void **st)
{
    size_t n = 100000, clen, got;
    uint8_t *b = malloc(n), *c, *out = malloc(n);
    const char *err;

    fill(b, n, SH_CODE, 3);
    c = xz_encode(b, n, true, LZMA_CHECK_SHA256, 6, &clen);
    assert_int_equal(decompress(c, clen, out, n, &got, &err), -EOPNOTSUPP);
    assert_non_null(strstr(err, "unsupported check"));
    free(c);

    c = xz_encode(b, n, true, LZMA_CHECK_CRC32, 6, &clen);
    /* A byte in the middle of the LZMA2 data. */
    c[clen / 2] ^= 0x55;
    assert_int_equal(decompress(c, clen, out, n, &got, &err), -EINVAL);
    if ( strncmp(err, "xz: corrupt LZMA2 chunk at offset ", 34) &&
         strcmp(err, "xz: CRC32 mismatch in block at offset 12") )
        fail_msg("unexpected message: %s", err);
    free(c);
    free(b);
    free(out);
}

/* The BCJ filter alone (LZMA2 below it at preset 0) on dense E8/E9. */
static void test_xz_bcj_dense(void **st)
{
    size_t n = 65536, clen, i;
    uint8_t *b = malloc(n), *c;

    rng_state = 99;
    for ( i = 0; i < n; i++ )
    {
        uint32_t r = rng() % 8;

        b[i] = r < 3 ? 0xe8 : r < 5 ? 0xe9 : r < 6 ? 0x00 :
               r < 7 ? 0xff : rng();
    }
    c = xz_encode(b, n, true, LZMA_CHECK_CRC32, 0, &clen);
    expect_roundtrip(c, clen, b, n);
    free(c);
    free(b);
}

/*
 * Matches at distances 1..9 (the word-copy paths of the match copier: a
 * short period is widened to one of at least eight bytes first), of many
 * lengths, and one that ends exactly at the end of an output buffer with
 * no byte to spare, which ASan watches.
 */
static void test_xz_short_distances(void **st)
{
    size_t n = 0, cap = 1 << 20, clen, got, i;
    uint8_t *b = malloc(cap), *c, *out;
    const char *err = NULL;
    unsigned int period, k;
    int rc;

    rng_state = 4242;
    for ( k = 0; n < cap - 4096; k++ )
    {
        size_t run;

        period = 1 + k % 9;
        /* A fresh random pattern, then a run repeating it. */
        for ( i = 0; i < period; i++ )
            b[n++] = rng();
        run = 2 + rng() % (k & 1 ? 40 : 600);
        for ( i = 0; i < run; i++, n++ )
            b[n] = b[n - period];
    }
    /* End on a long run of period 3. */
    for ( i = 0; i < 3; i++ )
        b[n++] = rng();
    for ( i = 0; i < 1000; i++, n++ )
        b[n] = b[n - 3];

    for ( k = 0; k < 3; k++ )
    {
        c = xz_encode(b, n, k == 1, LZMA_CHECK_CRC32, k * 3, &clen);
        expect_roundtrip(c, clen, b, n);
        /* Exactly n bytes of room. */
        out = malloc(n);
        rc = decompress(c, clen, out, n, &got, &err);
        if ( rc )
            fail_msg("tight buffer: %d %s", rc, err ? err : "");
        assert_int_equal(got, n);
        assert_memory_equal(out, b, n);
        /* One byte short: an error, and nothing written past the end. */
        rc = decompress(c, clen, out, n - 1, &got, &err);
        assert_int_not_equal(rc, 0);
        free(out);
        free(c);
    }
    free(b);
}

/*
 * CRC-32 against zlib's: every length up to 300 at several alignments,
 * chained calls, and a large buffer (the carry-less-multiply path takes
 * lengths of 64 and more, where the CPU has it; the tables the rest).
 */
static void test_crc32(void **st)
{
    size_t cap = 1 << 20, n, off;
    uint8_t *b = malloc(cap + 8);
    uint32_t c;

    fill(b, cap + 8, SH_RANDOM, 31);
    for ( n = 0; n <= 300; n++ )
        for ( off = 0; off < 4; off++ )
        {
            c = crc32(n * 7, b + off, n);
            assert_int_equal(decomp_crc32(n * 7, b + off, n), c);
        }
    c = decomp_crc32(0, b, 1000);
    c = decomp_crc32(c, b + 1000, 77);
    c = decomp_crc32(c, b + 1077, cap - 1077);
    assert_int_equal(c, crc32(0, b, cap));
    assert_int_equal(decomp_crc32(0, b + 3, cap), crc32(0, b + 3, cap));
    free(b);
}

/* ---- Debian's kernel ---- */

static void test_debian_vmlinuz(void **st)
{
    size_t flen;
    uint8_t *img, *out;
    long len;
    size_t setup, poff, plen, got;
    uint64_t size;
    const char *err = NULL;
    struct timespec t0, t1;
    int rc;

    img = test_load_debian_vmlinuz(&flen);
    if ( !img )
    {
        skip();
        return;
    }
    len = flen;

    setup = ((size_t)(img[0x1f1] ? img[0x1f1] : 4) + 1) * 512;
    poff = img[0x248] | img[0x249] << 8 | img[0x24a] << 16 |
           (uint32_t)img[0x24b] << 24;
    plen = img[0x24c] | img[0x24d] << 8 | img[0x24e] << 16 |
           (uint32_t)img[0x24f] << 24;
    assert_true(setup + poff + plen <= (size_t)len);
    assert_int_equal(decompress_format(img + setup + poff, plen), DECOMP_XZ);
    assert_int_equal(decompress_size(img + setup + poff, plen, &size, &err),
                     0);
    assert_true(size > (8 << 20) && size < (256 << 20));
    /* The bzImage payload ends in the size, as a 32-bit trailer. */
    assert_int_equal(size, img[setup + poff + plen - 4] |
                           img[setup + poff + plen - 3] << 8 |
                           img[setup + poff + plen - 2] << 16 |
                           (uint32_t)img[setup + poff + plen - 1] << 24);
    out = malloc(size);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = decompress(img + setup + poff, plen, out, size, &got, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if ( rc )
    {
        free(out);
        free(img);
        fail_msg("vmlinuz: %s", err);
    }
    assert_int_equal(got, size);
    assert_memory_equal(out, "\177ELF\002\001", 6);
    printf("# vmlinuz payload: %zu -> %zu bytes in %ld ms\n", plen, got,
           (long)((t1.tv_sec - t0.tv_sec) * 1000 +
                  (t1.tv_nsec - t0.tv_nsec) / 1000000));
    free(out);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip_roundtrip),
        cmocka_unit_test(test_gzip_strategies),
        cmocka_unit_test(test_gzip_corrupt),
        cmocka_unit_test(test_gzip_messages),
        cmocka_unit_test(test_xz_roundtrip),
        cmocka_unit_test(test_xz_large),
        cmocka_unit_test(test_xz_lzma_options),
        cmocka_unit_test(test_xz_blocks_and_streams),
        cmocka_unit_test(test_xz_corrupt),
        cmocka_unit_test(test_xz_messages),
        cmocka_unit_test(test_xz_bcj_dense),
        cmocka_unit_test(test_xz_short_distances),
        cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_debian_vmlinuz),
    };

    return cmocka_run_group_tests_name("decompress", tests, NULL, NULL);
}
