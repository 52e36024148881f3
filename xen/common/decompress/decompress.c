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

u32 decomp_crc32(u32 crc, const void *buf, size_t len)
{
    const u8 *p = buf;

    if ( !crc_tabs_ready )
        crc_init_tables();
    crc = ~crc;
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
