/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Format detection, size hints and the checksums shared by the gzip and
 * xz decoders.
 */
#include <xen/decompress.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/stdarg.h>

static const u8 gzip_magic[2] = { 0x1f, 0x8b };
static const u8 xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

enum decomp_format decompress_format(const void *in, size_t in_len)
{
    const u8 *p = in;

    if ( in_len >= sizeof(xz_magic) &&
         !memcmp(p, xz_magic, sizeof(xz_magic)) )
        return DECOMP_XZ;
    if ( in_len >= sizeof(gzip_magic) &&
         !memcmp(p, gzip_magic, sizeof(gzip_magic)) )
        return DECOMP_GZIP;
    return DECOMP_UNKNOWN;
}

const char *decompress_format_name(enum decomp_format fmt)
{
    switch ( fmt )
    {
    case DECOMP_GZIP: return "gzip";
    case DECOMP_XZ:   return "xz";
    default:          return "unknown";
    }
}

static char errbuf[96];

const char *decomp_errf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
    va_end(ap);
    return errbuf;
}

int decompress_size(const void *in, size_t in_len, u64 *size,
                    const char **err)
{
    const u8 *p = in;

    switch ( decompress_format(in, in_len) )
    {
    case DECOMP_GZIP:
        /* 10-byte header, at least an empty final block, 8-byte trailer. */
        if ( in_len < 18 )
        {
            if ( err )
                *err = "gzip: truncated input";
            return -EINVAL;
        }
        p += in_len - 4;
        *size = p[0] | (p[1] << 8) | (p[2] << 16) | ((u32)p[3] << 24);
        return 0;
    case DECOMP_XZ:
        return unxz_size(in, in_len, size, err);
    default:
        if ( err )
            *err = "unknown compression format";
        return -EOPNOTSUPP;
    }
}

int decompress(const void *in, size_t in_len, void *out, size_t out_size,
               size_t *out_len, const char **err)
{
    switch ( decompress_format(in, in_len) )
    {
    case DECOMP_GZIP:
        return gunzip(in, in_len, out, out_size, out_len, err);
    case DECOMP_XZ:
        return unxz(in, in_len, out, out_size, out_len, err);
    default:
        if ( err )
            *err = "unknown compression format";
        return -EOPNOTSUPP;
    }
}

/*
 * CRC-32, reflected polynomial 0xedb88320, eight bytes per step with
 * eight tables (table j advances a byte through j further zero bytes):
 * far fewer instructions per byte than the byte-wise loop, which matters
 * under QEMU's TCG.
 */
static u32 crc32_tab[8][256];
static u64 crc64_tab[256];
static bool crc_tabs_ready;

static void crc_init_tables(void)
{
    unsigned int i, j;

    for ( i = 0; i < 256; i++ )
    {
        u32 c = i;
        u64 d = i;

        for ( j = 0; j < 8; j++ )
        {
            c = (c >> 1) ^ (c & 1 ? 0xedb88320U : 0);
            d = (d >> 1) ^ (d & 1 ? 0xc96c5795d7870f42ULL : 0);
        }
        crc32_tab[0][i] = c;
        crc64_tab[i] = d;
    }
    for ( i = 0; i < 256; i++ )
        for ( j = 1; j < 8; j++ )
            crc32_tab[j][i] = (crc32_tab[j - 1][i] >> 8) ^
                              crc32_tab[0][crc32_tab[j - 1][i] & 0xff];
    crc_tabs_ready = true;
}

/*
 * CRC-32 by carry-less multiplication (PCLMULQDQ), 16 bytes per step:
 * about 0.4 instructions per byte against 4 for the tables, which is a
 * quarter of a second of virtual time (-icount) on Debian's 64 MB vmlinux.
 *
 * The running 128-bit value x stays congruent, modulo the CRC polynomial,
 * to the message so far: each step multiplies its low and high quadwords
 * by x^(128+32) and x^(128-32) mod P (bit-reflected, the constants below)
 * and adds the next 16 bytes.  The final x is 16 bytes whose CRC (register
 * started at 0) is the CRC of everything before, so the table code
 * finishes it off.  See Intel's white paper "Fast CRC Computation for
 * Generic Polynomials Using PCLMULQDQ Instruction" (2009).
 *
 * The hypervisor is built without SSE: the XMM registers used here are
 * saved and restored around the loop with FXSAVE/FXRSTOR, and the
 * hypervisor itself checks that SSE is enabled (CR4.OSFXSR) and not
 * trapping (CR0.TS/EM) before using them.
 */
#define CLMUL_K_LO  0x1751997d0ULL      /* x^(128+32) mod P, reflected */
#define CLMUL_K_HI  0x0ccaa009eULL      /* x^(128-32) mod P, reflected */
#define CLMUL_MIN   64

static int clmul_cpu;                   /* 0 unknown, 1 yes, -1 no */

static bool clmul_usable(void)
{
    if ( !clmul_cpu )
    {
        u32 a = 1, b, c = 0, d;

        asm volatile ( "cpuid" : "+a" (a), "=b" (b), "+c" (c), "=d" (d) );
        /* PCLMULQDQ, SSE2, FXSR. */
        clmul_cpu = (c & (1U << 1)) && (d & (1U << 26)) && (d & (1U << 24))
                    ? 1 : -1;
    }
    if ( clmul_cpu < 0 )
        return false;
#if !defined(KEEL_HOST_TEST) && !defined(DECOMP_USER_SPACE)
    {
        unsigned long cr0, cr4;

        asm volatile ( "mov %%cr0, %0" : "=r" (cr0) );
        asm volatile ( "mov %%cr4, %0" : "=r" (cr4) );
        /* CR0.EM (bit 2), CR0.TS (bit 3); CR4.OSFXSR (bit 9). */
        if ( (cr0 & 0xc) || !(cr4 & (1UL << 9)) )
            return false;
    }
#endif
    return true;
}

/* Folds len (a multiple of 16, at least 32) bytes; returns the raw CRC. */
static u32 crc32_clmul(u32 reg, const u8 *p, size_t len)
{
    static const u64 k[2] = { CLMUL_K_LO, CLMUL_K_HI };
    u8 fx_raw[512 + 15], *fx;
    u32 first[4] = { reg, 0, 0, 0 };
    u8 last[16];
    size_t steps = len / 16 - 1;
    u32 r = 0;
    unsigned int i;

    fx = (u8 *)(((unsigned long)fx_raw + 15) & ~15UL);
    asm volatile ( "fxsave (%[fx])\n\t"
                   "movdqu (%[p]), %%xmm0\n\t"
                   "movdqu (%[first]), %%xmm1\n\t"
                   "pxor %%xmm1, %%xmm0\n\t"
                   "movdqu (%[k]), %%xmm2\n\t"
                   "add $16, %[p]\n"
                   "1:\n\t"
                   "movdqa %%xmm0, %%xmm1\n\t"
                   "pclmulqdq $0x00, %%xmm2, %%xmm0\n\t"
                   "pclmulqdq $0x11, %%xmm2, %%xmm1\n\t"
                   "pxor %%xmm1, %%xmm0\n\t"
                   "movdqu (%[p]), %%xmm1\n\t"
                   "pxor %%xmm1, %%xmm0\n\t"
                   "add $16, %[p]\n\t"
                   "dec %[n]\n\t"
                   "jnz 1b\n\t"
                   "movdqu %%xmm0, (%[last])\n\t"
                   "fxrstor (%[fx])"
                   : [p] "+r" (p), [n] "+r" (steps)
                   : [fx] "r" (fx), [first] "r" (first), [k] "r" (k),
                     [last] "r" (last)
                   : "memory", "cc" );
    for ( i = 0; i < 16; i++ )
        r = (r >> 8) ^ crc32_tab[0][(r ^ last[i]) & 0xff];
    return r;
}

u32 decomp_crc32(u32 crc, const void *buf, size_t len)
{
    const u8 *p = buf;

    if ( !crc_tabs_ready )
        crc_init_tables();
    crc = ~crc;
    if ( len >= CLMUL_MIN && clmul_usable() )
    {
        size_t n = len & ~(size_t)15;

        crc = crc32_clmul(crc, p, n);
        p += n;
        len -= n;
    }
    while ( len >= 8 )
    {
        u32 hi = p[4] | (p[5] << 8) | (p[6] << 16) | ((u32)p[7] << 24);

        crc ^= p[0] | (p[1] << 8) | (p[2] << 16) | ((u32)p[3] << 24);
        crc = crc32_tab[7][crc & 0xff] ^ crc32_tab[6][(crc >> 8) & 0xff] ^
              crc32_tab[5][(crc >> 16) & 0xff] ^ crc32_tab[4][crc >> 24] ^
              crc32_tab[3][hi & 0xff] ^ crc32_tab[2][(hi >> 8) & 0xff] ^
              crc32_tab[1][(hi >> 16) & 0xff] ^ crc32_tab[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while ( len-- )
        crc = (crc >> 8) ^ crc32_tab[0][(crc ^ *p++) & 0xff];
    return ~crc;
}

u64 decomp_crc64(u64 crc, const void *buf, size_t len)
{
    const u8 *p = buf;

    if ( !crc_tabs_ready )
        crc_init_tables();
    crc = ~crc;
    while ( len-- )
        crc = (crc >> 8) ^ crc64_tab[(crc ^ *p++) & 0xff];
    return ~crc;
}
