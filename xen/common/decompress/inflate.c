/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gzip (RFC 1952) member decoding with an RFC 1951 inflater: stored,
 * fixed-Huffman and dynamic-Huffman blocks, CRC-32 and ISIZE checks.
 *
 * Huffman codes decode through a 2^10-entry table indexed by the next
 * (bit-reversed) input bits; the rare codes longer than 10 bits fall back
 * to a canonical walk over the per-length code counts.  The output buffer
 * is the sliding window: a distance may reach back to its start.
 */
#include <xen/decompress.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>

#define MAX_BITS     15          /* longest code (RFC 1951 3.2.2) */
#define FAST_BITS    10
#define NR_LITLEN    288
#define NR_DIST      32
#define NR_CLEN      19

struct huffman {
    u16 fast[1 << FAST_BITS];    /* (symbol << 4) | length, 0: slow path */
    u16 count[MAX_BITS + 1];     /* codes of each length */
    u16 symbol[NR_LITLEN];       /* symbols in canonical order */
};

struct inflate_state {
    const u8 *in;
    size_t in_len, in_pos;
    u64 bitbuf;                  /* next input bits, LSB first */
    unsigned int bitcnt;
    u8 *out;
    size_t out_size, out_pos;
    struct huffman lit, dist;
    const char *err;
};

/* RFC 1951 3.2.5: length codes 257..285 and distance codes 0..29. */
static const u16 len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const u8 len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const u16 dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577
};
static const u8 dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
};
/* RFC 1951 3.2.7: order of the code length code lengths. */
static const u8 clen_order[NR_CLEN] = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

typedef u64 __attribute__((__may_alias__, __aligned__(1))) unaligned_u64;

/* Top up the bit buffer to at least 57 bits while input lasts. */
static inline void refill(struct inflate_state *s)
{
    /*
     * Away from the end of the input: one 8-byte load, keeping the whole
     * bytes that fit (x86 is little-endian, as deflate's bit order is).
     */
    if ( s->in_len - s->in_pos >= 8 )
    {
        s->bitbuf |= *(const unaligned_u64 *)(s->in + s->in_pos) << s->bitcnt;
        s->in_pos += (63 - s->bitcnt) >> 3;
        s->bitcnt |= 56;
        return;
    }
    while ( s->bitcnt <= 56 && s->in_pos < s->in_len )
    {
        s->bitbuf |= (u64)s->in[s->in_pos++] << s->bitcnt;
        s->bitcnt += 8;
    }
}

/* n <= 32 bits, or -1 with s->err set when the input ends. */
static inline int get_bits(struct inflate_state *s, unsigned int n, u32 *v)
{
    if ( s->bitcnt < n )
    {
        refill(s);
        if ( s->bitcnt < n )
        {
            s->err = "gzip: truncated input";
            return -1;
        }
    }
    *v = s->bitbuf & ((1ULL << n) - 1);
    s->bitbuf >>= n;
    s->bitcnt -= n;
    return 0;
}

/*
 * Build the decoding tables for lengths[0..n).  Over-subscribed sets are
 * rejected; incomplete ones are accepted (RFC 1951 allows a single
 * distance code) and their unused codes fail when met.
 */
static int build_huffman(struct huffman *h, const u8 *lengths, unsigned int n)
{
    u16 offs[MAX_BITS + 2];
    u32 next_code[MAX_BITS + 1];
    unsigned int i, len;
    int left = 1;
    u32 code = 0;

    memset(h->count, 0, sizeof(h->count));
    for ( i = 0; i < n; i++ )
        h->count[lengths[i]]++;
    h->count[0] = 0;
    for ( len = 1; len <= MAX_BITS; len++ )
    {
        left = (left << 1) - h->count[len];
        if ( left < 0 )
            return -1;
    }

    offs[1] = 0;
    for ( len = 1; len <= MAX_BITS; len++ )
        offs[len + 1] = offs[len] + h->count[len];
    for ( i = 0; i < n; i++ )
        if ( lengths[i] )
            h->symbol[offs[lengths[i]]++] = i;

    memset(h->fast, 0, sizeof(h->fast));
    for ( len = 1; len <= MAX_BITS; len++ )
    {
        code = (code + h->count[len - 1]) << 1;
        next_code[len] = code;
    }
    /* count[0] is 0, so next_code[1] is 0 as the canonical rule says. */
    for ( i = 0; i < n; i++ )
    {
        u32 c, rev = 0;
        unsigned int b;

        len = lengths[i];
        if ( !len || len > FAST_BITS )
            continue;
        c = next_code[len]++;
        for ( b = 0; b < len; b++ )
            rev |= ((c >> b) & 1) << (len - 1 - b);
        for ( ; rev < (1U << FAST_BITS); rev += 1U << len )
            h->fast[rev] = (i << 4) | len;
    }
    return 0;
}

/* One symbol, or -1 (corrupt code or end of input; s->err set). */
static inline int decode_sym(struct inflate_state *s, const struct huffman *h)
{
    unsigned int e, len, avail, index = 0;
    int first = 0, code = 0;
    u64 bits;

    if ( s->bitcnt < MAX_BITS )
        refill(s);
    e = h->fast[s->bitbuf & ((1U << FAST_BITS) - 1)];
    len = e & 15;
    if ( len && len <= s->bitcnt )
    {
        s->bitbuf >>= len;
        s->bitcnt -= len;
        return e >> 4;
    }

    /* Canonical walk: codes of each length are consecutive integers. */
    bits = s->bitbuf;
    avail = s->bitcnt;
    for ( len = 1; len <= MAX_BITS; len++ )
    {
        int count = h->count[len];

        if ( len > avail )
        {
            s->err = "gzip: truncated input";
            return -1;
        }
        code |= bits & 1;
        bits >>= 1;
        if ( code - count < first )
        {
            s->bitbuf >>= len;
            s->bitcnt -= len;
            return h->symbol[index + (code - first)];
        }
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    s->err = decomp_errf("gzip: invalid Huffman code at offset %lu",
                         (unsigned long)s->in_pos);
    return -1;
}

static int inflate_codes(struct inflate_state *s)
{
    for ( ;; )
    {
        int sym = decode_sym(s, &s->lit);
        u32 extra, len, dist;

        if ( sym < 0 )
            return -EINVAL;
        if ( sym < 256 )
        {
            if ( s->out_pos >= s->out_size )
                goto nospace;
            s->out[s->out_pos++] = sym;
            continue;
        }
        if ( sym == 256 )
            return 0;
        sym -= 257;
        if ( sym >= 29 )
            goto bad;
        if ( get_bits(s, len_extra[sym], &extra) )
            return -EINVAL;
        len = len_base[sym] + extra;

        sym = decode_sym(s, &s->dist);
        if ( sym < 0 )
            return -EINVAL;
        if ( sym >= 30 )
            goto bad;
        if ( get_bits(s, dist_extra[sym], &extra) )
            return -EINVAL;
        dist = dist_base[sym] + extra;

        if ( dist > s->out_pos )
            goto bad;
        if ( len > s->out_size - s->out_pos )
            goto nospace;
        {
            u8 *d = s->out + s->out_pos;
            const u8 *src = d - dist;
            u32 i = 0;

            /*
             * Whole words when the source is at least a word behind; the
             * last one may run past len while the buffer has room (those
             * bytes are not output yet).
             */
            if ( dist >= 8 )
            {
                u32 words = s->out_size - s->out_pos >= ((len + 7) & ~7U)
                            ? len : len & ~7U;

                for ( ; i < words; i += 8 )
                    *(unaligned_u64 *)(d + i) =
                        *(const unaligned_u64 *)(src + i);
            }
            for ( ; i < len; i++ )
                d[i] = src[i];
        }
        s->out_pos += len;
    }

 bad:
    s->err = decomp_errf("gzip: corrupt deflate data at offset %lu",
                         (unsigned long)s->in_pos);
    return -EINVAL;
 nospace:
    s->err = "gzip: output buffer too small";
    return -ENOSPC;
}

static int inflate_stored(struct inflate_state *s)
{
    u32 len, nlen;
    size_t pos;

    /* Drop the bits up to the byte boundary, then hand back whole bytes. */
    s->bitbuf >>= s->bitcnt & 7;
    s->bitcnt &= ~7U;
    pos = s->in_pos - s->bitcnt / 8;
    s->bitbuf = 0;
    s->bitcnt = 0;
    if ( s->in_len - pos < 4 )
    {
        s->err = "gzip: truncated input";
        return -EINVAL;
    }
    len = s->in[pos] | (s->in[pos + 1] << 8);
    nlen = s->in[pos + 2] | (s->in[pos + 3] << 8);
    pos += 4;
    if ( len != (~nlen & 0xffff) )
    {
        s->err = decomp_errf("gzip: corrupt stored block at offset %lu",
                             (unsigned long)pos - 4);
        return -EINVAL;
    }
    if ( s->in_len - pos < len )
    {
        s->err = "gzip: truncated input";
        return -EINVAL;
    }
    if ( s->out_size - s->out_pos < len )
    {
        s->err = "gzip: output buffer too small";
        return -ENOSPC;
    }
    memcpy(s->out + s->out_pos, s->in + pos, len);
    s->out_pos += len;
    s->in_pos = pos + len;
    return 0;
}

static int inflate_fixed(struct inflate_state *s)
{
    static u8 lengths[NR_LITLEN + NR_DIST];
    unsigned int i;

    for ( i = 0; i < 144; i++ )
        lengths[i] = 8;
    for ( ; i < 256; i++ )
        lengths[i] = 9;
    for ( ; i < 280; i++ )
        lengths[i] = 7;
    for ( ; i < NR_LITLEN; i++ )
        lengths[i] = 8;
    for ( i = 0; i < 30; i++ )
        lengths[NR_LITLEN + i] = 5;
    build_huffman(&s->lit, lengths, NR_LITLEN);
    build_huffman(&s->dist, lengths + NR_LITLEN, 30);
    return inflate_codes(s);
}

static int inflate_dynamic(struct inflate_state *s)
{
    u8 lengths[NR_LITLEN + NR_DIST];
    u32 hlit, hdist, hclen, v;
    unsigned int i, n;

    if ( get_bits(s, 5, &hlit) || get_bits(s, 5, &hdist) ||
         get_bits(s, 4, &hclen) )
        return -EINVAL;
    hlit += 257;
    hdist += 1;
    hclen += 4;
    if ( hlit > 286 || hdist > 30 )
        goto bad;

    memset(lengths, 0, NR_CLEN);
    for ( i = 0; i < hclen; i++ )
    {
        if ( get_bits(s, 3, &v) )
            return -EINVAL;
        lengths[clen_order[i]] = v;
    }
    if ( build_huffman(&s->lit, lengths, NR_CLEN) )
        goto bad;

    n = hlit + hdist;
    for ( i = 0; i < n; )
    {
        int sym = decode_sym(s, &s->lit);
        unsigned int rep;
        u8 val = 0;

        if ( sym < 0 )
            return -EINVAL;
        if ( sym < 16 )
        {
            lengths[i++] = sym;
            continue;
        }
        if ( sym == 16 )
        {
            if ( !i )
                goto bad;
            val = lengths[i - 1];
            if ( get_bits(s, 2, &v) )
                return -EINVAL;
            rep = 3 + v;
        }
        else if ( sym == 17 )
        {
            if ( get_bits(s, 3, &v) )
                return -EINVAL;
            rep = 3 + v;
        }
        else
        {
            if ( get_bits(s, 7, &v) )
                return -EINVAL;
            rep = 11 + v;
        }
        if ( rep > n - i )
            goto bad;
        while ( rep-- )
            lengths[i++] = val;
    }
    /* Without an end-of-block code the block could never end. */
    if ( !lengths[256] )
        goto bad;
    if ( build_huffman(&s->lit, lengths, hlit) ||
         build_huffman(&s->dist, lengths + hlit, hdist) )
        goto bad;
    return inflate_codes(s);

 bad:
    s->err = decomp_errf("gzip: corrupt block header at offset %lu",
                         (unsigned long)s->in_pos);
    return -EINVAL;
}

static int inflate_blocks(struct inflate_state *s)
{
    u32 final, type;
    int rc;

    do {
        if ( get_bits(s, 1, &final) || get_bits(s, 2, &type) )
            return -EINVAL;
        switch ( type )
        {
        case 0: rc = inflate_stored(s); break;
        case 1: rc = inflate_fixed(s); break;
        case 2: rc = inflate_dynamic(s); break;
        default:
            s->err = decomp_errf("gzip: invalid block type at offset %lu",
                                 (unsigned long)s->in_pos);
            return -EINVAL;
        }
        if ( rc )
            return rc;
    } while ( !final );
    return 0;
}

#define FTEXT     0x01
#define FHCRC     0x02
#define FEXTRA    0x04
#define FNAME     0x08
#define FCOMMENT  0x10

int gunzip(const void *in, size_t in_len, void *out, size_t out_size,
           size_t *out_len, const char **err)
{
    const u8 *p = in;
    struct inflate_state *s;
    size_t pos = 10;
    u32 crc, isize;
    int rc = -EINVAL;
    const char *msg = NULL;
    u8 flags;

    *out_len = 0;
    if ( in_len < 10 )
    {
        msg = "gzip: truncated input";
        goto out;
    }
    if ( p[0] != 0x1f || p[1] != 0x8b )
    {
        msg = "gzip: bad magic";
        goto out;
    }
    if ( p[2] != 8 )
    {
        msg = "gzip: unknown compression method";
        rc = -EOPNOTSUPP;
        goto out;
    }
    flags = p[3];
    if ( flags & 0xe0 )
    {
        msg = "gzip: reserved header flags set";
        goto out;
    }
    if ( flags & FEXTRA )
    {
        size_t xlen;

        if ( in_len - pos < 2 )
            goto truncated;
        xlen = p[pos] | (p[pos + 1] << 8);
        pos += 2;
        if ( in_len - pos < xlen )
            goto truncated;
        pos += xlen;
    }
    if ( flags & FNAME )
    {
        while ( pos < in_len && p[pos] )
            pos++;
        if ( pos++ >= in_len )
            goto truncated;
    }
    if ( flags & FCOMMENT )
    {
        while ( pos < in_len && p[pos] )
            pos++;
        if ( pos++ >= in_len )
            goto truncated;
    }
    if ( flags & FHCRC )
    {
        if ( in_len - pos < 2 )
            goto truncated;
        if ( (decomp_crc32(0, p, pos) & 0xffff) !=
             (u32)(p[pos] | (p[pos + 1] << 8)) )
        {
            msg = "gzip: header CRC mismatch";
            goto out;
        }
        pos += 2;
    }

    s = xmalloc(struct inflate_state);
    if ( !s )
    {
        msg = "gzip: out of memory";
        rc = -ENOMEM;
        goto out;
    }
    memset(s, 0, sizeof(*s));
    s->in = p;
    s->in_len = in_len;
    s->in_pos = pos;
    s->out = out;
    s->out_size = out_size;
    rc = inflate_blocks(s);
    msg = s->err;
    /* Bytes still in the bit buffer were not consumed. */
    pos = s->in_pos - s->bitcnt / 8;
    *out_len = s->out_pos;
    xfree(s);
    if ( rc )
        goto out;

    if ( in_len - pos < 8 )
        goto truncated;
    crc = p[pos] | (p[pos + 1] << 8) | (p[pos + 2] << 16) |
          ((u32)p[pos + 3] << 24);
    isize = p[pos + 4] | (p[pos + 5] << 8) | (p[pos + 6] << 16) |
            ((u32)p[pos + 7] << 24);
    rc = -EINVAL;
    if ( crc != decomp_crc32(0, out, *out_len) )
        msg = "gzip: CRC mismatch";
    else if ( isize != (u32)*out_len )
        msg = "gzip: length (ISIZE) mismatch";
    else
        rc = 0;
    goto out;

 truncated:
    msg = "gzip: truncated input";
    rc = -EINVAL;
 out:
    if ( err )
        *err = msg;
    return rc;
}
