/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xz decoding, written from "The .xz File Format" 1.1.0 (tukaani.org) and
 * the LZMA specification that accompanies the LZMA SDK:
 *
 *  - the container: stream header and footer, block headers, the index,
 *    stream padding, CRC32 / CRC64 / no integrity check;
 *  - filters: LZMA2 (0x21), optionally preceded by the x86 BCJ filter
 *    (0x04), which is what Linux's "xz --check=crc32 --x86 --lzma2" makes;
 *  - LZMA2 chunks: uncompressed chunks and LZMA chunks with their state,
 *    property and dictionary resets.
 *
 * Everything is decoded in one call: the output buffer is the dictionary
 * (a match may reach back to the last dictionary reset), and the BCJ
 * filter runs over each block's output once the block is complete.
 */
#include <xen/decompress.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>

/* ---- LZMA ---- */

#define NR_STATES          12
#define POS_STATES_MAX     16      /* pb <= 4 */
#define LIT_SIZE           0x300
#define LIT_STATES_MAX     16      /* LZMA2: lc + lp <= 4 */
#define DIST_STATES        4
#define DIST_SLOTS         64
#define DIST_MODEL_END     14      /* slots below use probability trees */
#define FULL_DISTANCES     128
#define ALIGN_BITS         4
#define MATCH_LEN_MIN      2

#define PROB_BITS          11
#define PROB_INIT          (1U << (PROB_BITS - 1))
#define MOVE_BITS          5
#define RC_TOP             (1U << 24)

struct lzma_len {
    u16 choice, choice2;
    u16 low[POS_STATES_MAX][8];
    u16 mid[POS_STATES_MAX][8];
    u16 high[256];
};

struct lzma_probs {
    u16 is_match[NR_STATES][POS_STATES_MAX];
    u16 is_rep[NR_STATES];
    u16 is_rep0[NR_STATES];
    u16 is_rep1[NR_STATES];
    u16 is_rep2[NR_STATES];
    u16 is_rep0_long[NR_STATES][POS_STATES_MAX];
    u16 dist_slot[DIST_STATES][DIST_SLOTS];
    u16 dist_special[FULL_DISTANCES - DIST_MODEL_END + 1];
    u16 dist_align[1 << ALIGN_BITS];
    struct lzma_len match_len, rep_len;
    u16 literal[LIT_STATES_MAX][LIT_SIZE];
};

struct lzma_dec {
    struct lzma_probs p;
    unsigned int lc, lp, pb;
    unsigned int state;
    u32 rep0, rep1, rep2, rep3;
};

struct xz_dec {
    const u8 *in;
    size_t in_len;
    u8 *out;
    size_t out_size, out_pos;
    size_t dict_start;             /* output offset of the last reset */
    struct lzma_dec lzma;
    const char *err;
};

static void lzma_reset_state(struct lzma_dec *l)
{
    u16 *p = (u16 *)&l->p;
    size_t i, n = sizeof(l->p) / sizeof(u16);

    for ( i = 0; i < n; i++ )
        p[i] = PROB_INIT;
    l->state = 0;
    l->rep0 = l->rep1 = l->rep2 = l->rep3 = 0;
}

/*
 * The range decoder lives in local variables of lzma_chunk(); these
 * macros work on them (range, code, ip, iend) and jump to "truncated"
 * when the chunk's compressed bytes run out.
 *
 * Cost model: under QEMU's -icount (the boot-time benchmark, and any
 * deterministic run) every guest instruction is a fixed slice of virtual
 * time, so the bit decoder is written for the fewest instructions per
 * decoded bit: an ordinary branch on the bit (about 12 instructions on
 * either path) rather than a branch-free mask form (about 35).
 * Normalization needs at most one byte per bit (range >= 2^24 before a
 * bit and the probabilities stay within [31, 2017], so range >= 2^18
 * after it) and happens about once in 30 bits.
 */
#define RC_NORMALIZE()                                          \
    do {                                                        \
        if ( unlikely(range < RC_TOP) )                         \
        {                                                       \
            if ( unlikely(ip >= iend) )                         \
                goto truncated;                                 \
            range <<= 8;                                        \
            code = (code << 8) | *ip++;                         \
        }                                                       \
    } while ( 0 )

/*
 * Decode one bit with probability *(pp); run the statement on0 or on1
 * for a 0 or a 1 (after the probability update and normalization).
 */
#define RC_STEP(pp, on0, on1)                                   \
    do {                                                        \
        u16 *p_ = (pp);                                         \
        u32 pr_ = *p_;                                          \
        u32 bound_ = (range >> PROB_BITS) * pr_;                \
        if ( code < bound_ )                                    \
        {                                                       \
            range = bound_;                                     \
            *p_ = pr_ + (((1U << PROB_BITS) - pr_) >> MOVE_BITS); \
            RC_NORMALIZE();                                     \
            on0;                                                \
        }                                                       \
        else                                                    \
        {                                                       \
            range -= bound_;                                    \
            code -= bound_;                                     \
            *p_ = pr_ - (pr_ >> MOVE_BITS);                     \
            RC_NORMALIZE();                                     \
            on1;                                                \
        }                                                       \
    } while ( 0 )

#define RC_BIT(pp, bit)        RC_STEP(pp, (bit) = 0, (bit) = 1)

/* One step down an MSB-first bit tree: m collects the bits after a 1. */
#define RC_TREE_STEP(probs, m)                                  \
    RC_STEP(&(probs)[m], (m) <<= 1, (m) = ((m) << 1) + 1)

/* MSB-first bit tree of nbits: sym ends in [0, 2^nbits). */
#define RC_TREE(probs, nbits, sym)                              \
    do {                                                        \
        unsigned int m_ = 1, i_;                                \
        _Pragma("GCC unroll 8")                                 \
        for ( i_ = 0; i_ < (nbits); i_++ )                      \
            RC_TREE_STEP(probs, m_);                            \
        (sym) = m_ - (1U << (nbits));                           \
    } while ( 0 )

/* LSB-first bit tree of nbits, OR-ed into sym. */
#define RC_TREE_REV(probs, nbits, sym)                          \
    do {                                                        \
        unsigned int m_ = 1, i_;                                \
        _Pragma("GCC unroll 8")                                 \
        for ( i_ = 0; i_ < (nbits); i_++ )                      \
            RC_STEP(&(probs)[m_], m_ <<= 1,                     \
                    (m_ = (m_ << 1) + 1, (sym) |= 1U << i_));   \
    } while ( 0 )

/* Length (0-based, add MATCH_LEN_MIN) from a length coder. */
#define RC_LEN(lc_, pos_state, len)                             \
    do {                                                        \
        unsigned int c_;                                        \
        RC_BIT(&(lc_)->choice, c_);                             \
        if ( !c_ )                                              \
            RC_TREE((lc_)->low[pos_state], 3, len);             \
        else                                                    \
        {                                                       \
            RC_BIT(&(lc_)->choice2, c_);                        \
            if ( !c_ )                                          \
            {                                                   \
                RC_TREE((lc_)->mid[pos_state], 3, len);         \
                (len) += 8;                                     \
            }                                                   \
            else                                                \
            {                                                   \
                RC_TREE((lc_)->high, 8, len);                   \
                (len) += 16;                                    \
            }                                                   \
        }                                                       \
    } while ( 0 )

typedef u64 __attribute__((__may_alias__, __aligned__(1))) unaligned_u64;

/*
 * Copy a match of len bytes from dist bytes back (the regions overlap when
 * dist < len), with room bytes writable at d.  Eight bytes per access
 * wherever possible: fewer instructions (virtual time under -icount) and,
 * under QEMU's TCG, fewer software TLB lookups.
 */
static inline void lz_copy(u8 *d, u32 dist, unsigned int len, size_t room)
{
    const u8 *s = d - dist;

    if ( dist < 8 && len >= 8 )
    {
        /*
         * The bytes from s on repeat with period dist, so also with any
         * multiple of it: copy the first few bytes one at a time until a
         * period of at least 8 lies behind, then whole words from there.
         */
        u32 period = dist * ((8 + dist - 1) / dist);
        unsigned int head = period - dist;

        len -= head;
        room -= head;
        while ( head-- )
            *d++ = *s++;
        s = d - period;
    }
    if ( d - s >= 8 )
    {
        /*
         * Whole words, even past len when the buffer has room: bytes
         * beyond the match are not output yet and get overwritten.
         */
        if ( likely(room >= ((len + 7) & ~7U)) )
        {
            unsigned int i;

            for ( i = 0; i < len; i += 8 )
                *(unaligned_u64 *)(d + i) = *(const unaligned_u64 *)(s + i);
            return;
        }
        for ( ; len >= 8; len -= 8, d += 8, s += 8 )
            *(unaligned_u64 *)d = *(const unaligned_u64 *)s;
    }
    while ( len-- )
        *d++ = *s++;
}

/* State after a literal (LZMA specification, UpdateState_Literal). */
static const u8 lit_next_state[NR_STATES] = {
    0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 4, 5
};

/*
 * One LZMA chunk: decode exactly unc bytes from in[0..clen).  Returns 0,
 * or -EINVAL with x->err set.
 */
static int lzma_chunk(struct xz_dec *x, const u8 *in, size_t clen,
                      size_t unc, size_t chunk_off)
{
    struct lzma_dec *l = &x->lzma;
    struct lzma_probs *pr = &l->p;
    const u8 *ip = in, *iend = in + clen;
    u8 *out = x->out;
    size_t pos = x->out_pos, end = pos + unc, dict_start = x->dict_start;
    u32 range = 0xffffffffU, code = 0;
    u32 rep0 = l->rep0, rep1 = l->rep1, rep2 = l->rep2, rep3 = l->rep3;
    unsigned int state = l->state;
    const unsigned int pb_mask = (1U << l->pb) - 1;
    const unsigned int lp_mask = (1U << l->lp) - 1;
    const unsigned int lc = l->lc;
    unsigned int i;

    /* The range coder starts with a zero byte and four bytes of code. */
    if ( clen < 5 )
        goto truncated;
    if ( *ip++ != 0 )
        goto corrupt;
    for ( i = 0; i < 4; i++ )
        code = (code << 8) | *ip++;
    if ( code == range )
        goto corrupt;

    while ( pos < end )
    {
        unsigned int pos_state = (pos - dict_start) & pb_mask;
        unsigned int bit, len;

        RC_BIT(&pr->is_match[state][pos_state], bit);
        if ( !bit )
        {
            /* Literal. */
            unsigned int prev = pos > dict_start ? out[pos - 1] : 0;
            unsigned int sym = 1;
            u16 *probs = pr->literal[(((pos - dict_start) & lp_mask) << lc) +
                                     (prev >> (8 - lc))];

            if ( state < 7 )
            {
                /* A plain literal: eight bits down the tree, unrolled. */
                _Pragma("GCC unroll 8")
                for ( i = 0; i < 8; i++ )
                    RC_TREE_STEP(probs, sym);
            }
            else
            {
                /*
                 * After a match: the byte at rep0 guides the tree until
                 * the first bit that differs from it.
                 */
                unsigned int match_byte;

                if ( rep0 >= pos - dict_start )
                    goto corrupt;
                match_byte = out[pos - rep0 - 1];
                do {
                    unsigned int mbit = (match_byte >> 7) & 1;

                    match_byte <<= 1;
                    RC_BIT(&probs[((1 + mbit) << 8) + sym], bit);
                    sym = (sym << 1) | bit;
                    if ( mbit != bit )
                        break;
                } while ( sym < 0x100 );
            }
            _Pragma("GCC unroll 8")
            while ( sym < 0x100 )
                RC_TREE_STEP(probs, sym);
            out[pos++] = sym;
            state = lit_next_state[state];
            continue;
        }

        RC_BIT(&pr->is_rep[state], bit);
        if ( !bit )
        {
            /* A match with a new distance. */
            unsigned int slot, dist_state;
            u32 dist;

            len = 0;
            RC_LEN(&pr->match_len, pos_state, len);
            state = state < 7 ? 7 : 10;
            rep3 = rep2;
            rep2 = rep1;
            rep1 = rep0;

            dist_state = len < DIST_STATES - 1 ? len : DIST_STATES - 1;
            RC_TREE(pr->dist_slot[dist_state], 6, slot);
            if ( slot < 4 )
                dist = slot;
            else
            {
                unsigned int nbits = (slot >> 1) - 1;

                dist = (2 | (slot & 1)) << nbits;
                if ( slot < DIST_MODEL_END )
                {
                    u16 *probs = pr->dist_special + dist - slot;

                    RC_TREE_REV(probs, nbits, dist);
                }
                else
                {
                    /* nbits - 4 direct bits, then 4 bits of alignment. */
                    u32 direct = 0;

                    for ( i = 0; i < nbits - ALIGN_BITS; i++ )
                    {
                        range >>= 1;
                        if ( code >= range )
                        {
                            code -= range;
                            direct = (direct << 1) | 1;
                        }
                        else
                            direct <<= 1;
                        RC_NORMALIZE();
                    }
                    dist += direct << ALIGN_BITS;
                    RC_TREE_REV(pr->dist_align, ALIGN_BITS, dist);
                    /* 0xffffffff is LZMA's end marker: not in LZMA2. */
                    if ( dist == 0xffffffffU )
                        goto corrupt;
                }
            }
            rep0 = dist;
        }
        else
        {
            RC_BIT(&pr->is_rep0[state], bit);
            if ( !bit )
            {
                RC_BIT(&pr->is_rep0_long[state][pos_state], bit);
                if ( !bit )
                {
                    /* Short rep: one byte at distance rep0. */
                    if ( rep0 >= pos - dict_start )
                        goto corrupt;
                    state = state < 7 ? 9 : 11;
                    out[pos] = out[pos - rep0 - 1];
                    pos++;
                    continue;
                }
            }
            else
            {
                u32 dist;

                RC_BIT(&pr->is_rep1[state], bit);
                if ( !bit )
                    dist = rep1;
                else
                {
                    RC_BIT(&pr->is_rep2[state], bit);
                    if ( !bit )
                        dist = rep2;
                    else
                    {
                        dist = rep3;
                        rep3 = rep2;
                    }
                    rep2 = rep1;
                }
                rep1 = rep0;
                rep0 = dist;
            }
            len = 0;
            RC_LEN(&pr->rep_len, pos_state, len);
            state = state < 7 ? 8 : 11;
        }

        /* Copy the match: len + 2 bytes from rep0 + 1 back. */
        len += MATCH_LEN_MIN;
        if ( rep0 >= pos - dict_start || len > end - pos )
            goto corrupt;
        lz_copy(out + pos, rep0 + 1, len, x->out_size - pos);
        pos += len;
    }

    /* The chunk must end exactly where its compressed size says. */
    if ( ip != iend || code != 0 )
        goto corrupt;
    l->state = state;
    l->rep0 = rep0;
    l->rep1 = rep1;
    l->rep2 = rep2;
    l->rep3 = rep3;
    x->out_pos = pos;
    return 0;

 truncated:
 corrupt:
    x->err = decomp_errf("xz: corrupt LZMA2 chunk at offset %lu",
                         (unsigned long)chunk_off);
    return -EINVAL;
}

/*
 * An LZMA2 stream in in[0..in_len) (a block's compressed data).  *used
 * receives the bytes consumed, up to and including the end marker.
 */
static int lzma2_decode(struct xz_dec *x, const u8 *in, size_t in_len,
                        size_t base, size_t *used)
{
    struct lzma_dec *l = &x->lzma;
    size_t pos = 0;
    bool need_dict_reset = true, need_props = true;

    for ( ;; )
    {
        size_t off = base + pos, unc, clen;
        u8 ctrl;

        if ( pos >= in_len )
            goto truncated;
        ctrl = in[pos++];
        if ( ctrl == 0 )
            break;

        if ( ctrl < 0x80 )
        {
            /* 1: uncompressed, dictionary reset; 2: uncompressed. */
            if ( ctrl > 2 || (ctrl == 2 && need_dict_reset) )
                goto corrupt;
            if ( ctrl == 1 )
            {
                /* The next LZMA chunk must then bring properties. */
                x->dict_start = x->out_pos;
                need_dict_reset = false;
                need_props = true;
            }
            if ( in_len - pos < 2 )
                goto truncated;
            unc = ((in[pos] << 8) | in[pos + 1]) + 1;
            pos += 2;
            if ( in_len - pos < unc )
                goto truncated;
            if ( x->out_size - x->out_pos < unc )
                goto nospace;
            memcpy(x->out + x->out_pos, in + pos, unc);
            x->out_pos += unc;
            pos += unc;
            continue;
        }

        /* LZMA chunk: bits 5-6 say what to reset. */
        if ( in_len - pos < 4 )
            goto truncated;
        unc = (((size_t)ctrl & 0x1f) << 16) + (in[pos] << 8) + in[pos + 1];
        unc++;
        clen = ((in[pos + 2] << 8) | in[pos + 3]) + 1;
        pos += 4;
        if ( ctrl >= 0xe0 )
        {
            x->dict_start = x->out_pos;
            need_dict_reset = false;
            need_props = true;
        }
        else if ( need_dict_reset )
            goto corrupt;
        if ( ctrl >= 0xc0 )
        {
            unsigned int props;

            if ( pos >= in_len )
                goto truncated;
            props = in[pos++];
            if ( props >= 9 * 5 * 5 )
                goto corrupt;
            l->lc = props % 9;
            props /= 9;
            l->lp = props % 5;
            l->pb = props / 5;
            if ( l->lc + l->lp > 4 )
                goto corrupt;
            need_props = false;
        }
        else if ( need_props )
            goto corrupt;
        if ( ctrl >= 0xa0 )
            lzma_reset_state(l);
        if ( in_len - pos < clen )
            goto truncated;
        if ( x->out_size - x->out_pos < unc )
            goto nospace;
        if ( lzma_chunk(x, in + pos, clen, unc, off) )
            return -EINVAL;
        pos += clen;
    }
    *used = pos;
    return 0;

 truncated:
    x->err = "xz: truncated input";
    return -EINVAL;
 corrupt:
    x->err = decomp_errf("xz: corrupt LZMA2 chunk at offset %lu",
                         (unsigned long)(base + pos));
    return -EINVAL;
 nospace:
    x->err = "xz: output buffer too small";
    return -ENOSPC;
}

/* ---- x86 BCJ ---- */

/*
 * Undo the x86 branch converter over buf[0..len), whose first byte sat at
 * offset start_ip of the filtered stream.  The encoder turned the
 * relative targets of E8 (call) and E9 (jmp) rel32 instructions into
 * absolute ones when the displacement's top byte is 00 or FF; it skips an
 * opcode byte that follows a recent E8/E9 whose operand bytes could have
 * been mistaken for it (the three-bit "mask" of recent candidates).
 */
static inline bool bcj_msbyte_ok(u8 b)
{
    return b == 0x00 || b == 0xff;
}

static void bcj_x86_decode(u8 *buf, size_t len, u32 start_ip)
{
    /* Which masks allow conversion, and which operand byte to test. */
    static const bool mask_ok[8] = { 1, 1, 1, 0, 1, 0, 0, 0 };
    static const u8 mask_bit[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
    size_t i, prev_pos = (size_t)-1;
    u32 mask = 0;

    if ( len < 5 )
        return;
    for ( i = 0; i + 4 < len; i++ )
    {
        size_t gap;
        u32 src, dest;

        /* Skip eight bytes at a time while none of them is E8 or E9. */
        while ( len - i >= 12 )
        {
            u64 w = *(const unaligned_u64 *)(buf + i);

            w = (w & 0xfefefefefefefefeULL) ^ 0xe8e8e8e8e8e8e8e8ULL;
            if ( (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL )
                break;
            i += 8;
        }
        if ( (buf[i] & 0xfe) != 0xe8 )
            continue;

        gap = i - prev_pos;
        if ( gap > 3 )
            mask = 0;
        else
        {
            mask = (mask << (gap - 1)) & 7;
            if ( mask && (!mask_ok[mask] ||
                          bcj_msbyte_ok(buf[i + 4 - mask_bit[mask]])) )
            {
                prev_pos = i;
                mask = ((mask << 1) & 7) | 1;
                continue;
            }
        }
        prev_pos = i;

        if ( !bcj_msbyte_ok(buf[i + 4]) )
        {
            mask = ((mask << 1) & 7) | 1;
            continue;
        }

        src = buf[i + 1] | (buf[i + 2] << 8) | (buf[i + 3] << 16) |
              ((u32)buf[i + 4] << 24);
        for ( ;; )
        {
            unsigned int shift;

            dest = src - (start_ip + (u32)i + 5);
            if ( !mask )
                break;
            shift = mask_bit[mask] * 8;
            if ( !bcj_msbyte_ok(dest >> (24 - shift)) )
                break;
            src = dest ^ ((1U << (32 - shift)) - 1);
        }
        /* Bits 24-31 become a sign extension of bit 24. */
        buf[i + 4] = (dest >> 24) & 1 ? 0xff : 0x00;
        buf[i + 3] = dest >> 16;
        buf[i + 2] = dest >> 8;
        buf[i + 1] = dest;
        i += 4;
    }
}

/* ---- container ---- */

#define XZ_HEADER_SIZE   12
#define XZ_FOOTER_SIZE   12
#define XZ_CHECK_NONE    0
#define XZ_CHECK_CRC32   1
#define XZ_CHECK_CRC64   4
#define XZ_CHECK_SHA256  10

#define FILTER_X86       0x04
#define FILTER_LZMA2     0x21

static const u8 xz_stream_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const u8 xz_footer_magic[2] = { 'Y', 'Z' };

static u32 get_le32(const u8 *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((u32)p[3] << 24);
}

static u64 get_le64(const u8 *p)
{
    return get_le32(p) | ((u64)get_le32(p + 4) << 32);
}

/* Size of the check field for each of the 16 check IDs (spec 2.1.1.2). */
static unsigned int check_size(unsigned int id)
{
    static const u8 sizes[16] = {
        0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64
    };

    return sizes[id & 15];
}

/*
 * A variable-length integer (spec 1.2) at p[*pos..lim): up to 9 bytes,
 * 7 bits each, least significant first; no superfluous zero byte.
 */
static int get_vli(const u8 *p, size_t lim, size_t *pos, u64 *v)
{
    unsigned int i;

    *v = 0;
    for ( i = 0; i < 9; i++ )
    {
        u8 b;

        if ( *pos >= lim )
            return -1;
        b = p[(*pos)++];
        *v |= (u64)(b & 0x7f) << (7 * i);
        if ( !(b & 0x80) )
            return (b == 0 && i) ? -1 : 0;
    }
    return -1;
}

/* Stream flags: a zero byte, then the check type in the low nibble. */
static int check_stream_flags(const u8 *f)
{
    return (f[0] || (f[1] & 0xf0)) ? -1 : 0;
}

struct xz_block_sum {
    u64 count, unpadded, uncompressed;
};

/*
 * One block at in[pos..) whose header size byte is nonzero.  On success
 * *pos moves past the block's check field.
 */
static int xz_block(struct xz_dec *x, size_t *pos_io, unsigned int check,
                    struct xz_block_sum *sum)
{
    const u8 *in = x->in;
    size_t start = *pos_io, pos = start, hsize, hend, used;
    u64 csize = ~0ULL, usize = ~0ULL, id, psize;
    unsigned int nfilters, i, csz;
    bool bcj = false;
    u32 bcj_start = 0;
    size_t out_start = x->out_pos;
    u8 flags;
    int rc;

    hsize = ((size_t)in[pos] + 1) * 4;
    if ( x->in_len - pos < hsize )
        goto truncated;
    hend = pos + hsize - 4;
    if ( decomp_crc32(0, in + pos, hsize - 4) != get_le32(in + hend) )
    {
        x->err = decomp_errf("xz: block header CRC mismatch at offset %lu",
                             (unsigned long)start);
        return -EINVAL;
    }
    pos++;
    flags = in[pos++];
    if ( flags & 0x3c )
        goto bad_header;
    nfilters = (flags & 3) + 1;
    if ( (flags & 0x40) && (get_vli(in, hend, &pos, &csize) || !csize) )
        goto bad_header;
    if ( (flags & 0x80) && get_vli(in, hend, &pos, &usize) )
        goto bad_header;
    for ( i = 0; i < nfilters; i++ )
    {
        if ( get_vli(in, hend, &pos, &id) || get_vli(in, hend, &pos, &psize) ||
             psize > hend - pos )
            goto bad_header;
        if ( i == nfilters - 1 )
        {
            /* LZMA2 must come last; its one property is the dictionary. */
            if ( id != FILTER_LZMA2 )
                goto unsupported;
            if ( psize != 1 || in[pos] > 40 )
                goto bad_header;
        }
        else if ( id == FILTER_X86 && i == 0 && !bcj )
        {
            bcj = true;
            if ( psize == 4 )
                bcj_start = get_le32(in + pos);
            else if ( psize != 0 )
                goto bad_header;
        }
        else
            goto unsupported;
        pos += psize;
    }
    /* Header padding must be zero. */
    for ( ; pos < hend; pos++ )
        if ( in[pos] )
            goto bad_header;
    pos = hend + 4;

    rc = lzma2_decode(x, in + pos, x->in_len - pos, pos, &used);
    if ( rc )
        return rc;
    if ( (csize != ~0ULL && csize != used) ||
         (usize != ~0ULL && usize != x->out_pos - out_start) )
    {
        x->err = decomp_errf("xz: block sizes do not match its header at "
                             "offset %lu", (unsigned long)start);
        return -EINVAL;
    }
    if ( bcj )
        bcj_x86_decode(x->out + out_start, x->out_pos - out_start, bcj_start);

    sum->count++;
    sum->unpadded += hsize + used + check_size(check);
    sum->uncompressed += x->out_pos - out_start;
    pos += used;
    /* Block padding: zeros up to a multiple of four. */
    while ( (pos - start) & 3 )
    {
        if ( pos >= x->in_len )
            goto truncated;
        if ( in[pos++] )
            goto bad_padding;
    }

    csz = check_size(check);
    if ( x->in_len - pos < csz )
        goto truncated;
    switch ( check )
    {
    case XZ_CHECK_NONE:
        break;
    case XZ_CHECK_CRC32:
        if ( decomp_crc32(0, x->out + out_start, x->out_pos - out_start) !=
             get_le32(in + pos) )
            goto check_failed;
        break;
    case XZ_CHECK_CRC64:
        if ( decomp_crc64(0, x->out + out_start, x->out_pos - out_start) !=
             get_le64(in + pos) )
            goto check_failed;
        break;
    default:
        /* Rejected when the stream header was read. */
        return -EOPNOTSUPP;
    }
    *pos_io = pos + csz;
    return 0;

 truncated:
    x->err = "xz: truncated input";
    return -EINVAL;
 bad_header:
    x->err = decomp_errf("xz: corrupt block header at offset %lu",
                         (unsigned long)start);
    return -EINVAL;
 bad_padding:
    x->err = decomp_errf("xz: nonzero block padding at offset %lu",
                         (unsigned long)pos - 1);
    return -EINVAL;
 unsupported:
    x->err = decomp_errf("xz: unsupported filter chain at offset %lu",
                         (unsigned long)start);
    return -EOPNOTSUPP;
 check_failed:
    x->err = decomp_errf("xz: %s mismatch in block at offset %lu",
                         check == XZ_CHECK_CRC32 ? "CRC32" : "CRC64",
                         (unsigned long)start);
    return -EINVAL;
}

/*
 * The index at in[*pos..) (its indicator byte already checked): it must
 * list as many blocks, and the same sizes, as were decoded.
 */
static int xz_index(struct xz_dec *x, size_t *pos_io,
                    const struct xz_block_sum *sum)
{
    const u8 *in = x->in;
    size_t start = *pos_io, pos = start + 1;
    struct xz_block_sum idx = { 0, 0, 0 };
    u64 n, i, unpadded, uncompressed;

    if ( get_vli(in, x->in_len, &pos, &n) )
        goto bad;
    for ( i = 0; i < n; i++ )
    {
        if ( get_vli(in, x->in_len, &pos, &unpadded) ||
             get_vli(in, x->in_len, &pos, &uncompressed) )
            goto bad;
        idx.count++;
        idx.unpadded += unpadded;
        idx.uncompressed += uncompressed;
    }
    while ( (pos - start) & 3 )
    {
        if ( pos >= x->in_len || in[pos] )
            goto bad;
        pos++;
    }
    if ( x->in_len - pos < 4 )
        goto bad;
    if ( decomp_crc32(0, in + start, pos - start) != get_le32(in + pos) )
        goto bad;
    if ( idx.count != sum->count || idx.unpadded != sum->unpadded ||
         idx.uncompressed != sum->uncompressed )
    {
        x->err = decomp_errf("xz: index at offset %lu does not match the "
                             "blocks", (unsigned long)start);
        return -EINVAL;
    }
    *pos_io = pos + 4;
    return 0;

 bad:
    x->err = decomp_errf("xz: corrupt index at offset %lu",
                         (unsigned long)start);
    return -EINVAL;
}

static int xz_stream(struct xz_dec *x, size_t *pos_io)
{
    const u8 *in = x->in;
    size_t pos = *pos_io, index_start;
    struct xz_block_sum sum = { 0, 0, 0 };
    unsigned int check;
    int rc;

    if ( x->in_len - pos < XZ_HEADER_SIZE )
        goto truncated;
    if ( memcmp(in + pos, xz_stream_magic, sizeof(xz_stream_magic)) )
    {
        x->err = decomp_errf("xz: bad stream magic at offset %lu",
                             (unsigned long)pos);
        return -EINVAL;
    }
    if ( decomp_crc32(0, in + pos + 6, 2) != get_le32(in + pos + 8) ||
         check_stream_flags(in + pos + 6) )
    {
        x->err = decomp_errf("xz: corrupt stream header at offset %lu",
                             (unsigned long)pos);
        return -EINVAL;
    }
    check = in[pos + 7];
    if ( check != XZ_CHECK_NONE && check != XZ_CHECK_CRC32 &&
         check != XZ_CHECK_CRC64 )
    {
        x->err = decomp_errf("xz: unsupported check type %u", check);
        return -EOPNOTSUPP;
    }
    pos += XZ_HEADER_SIZE;

    for ( ;; )
    {
        if ( pos >= x->in_len )
            goto truncated;
        if ( !in[pos] )
            break;                  /* index indicator */
        rc = xz_block(x, &pos, check, &sum);
        if ( rc )
            return rc;
    }
    index_start = pos;
    rc = xz_index(x, &pos, &sum);
    if ( rc )
        return rc;

    if ( x->in_len - pos < XZ_FOOTER_SIZE )
        goto truncated;
    if ( decomp_crc32(0, in + pos + 4, 6) != get_le32(in + pos) ||
         memcmp(in + pos + 10, xz_footer_magic, 2) ||
         memcmp(in + pos + 8, in + *pos_io + 6, 2) ||
         ((u64)get_le32(in + pos + 4) + 1) * 4 != pos - index_start )
    {
        x->err = decomp_errf("xz: corrupt stream footer at offset %lu",
                             (unsigned long)pos);
        return -EINVAL;
    }
    *pos_io = pos + XZ_FOOTER_SIZE;
    return 0;

 truncated:
    x->err = "xz: truncated input";
    return -EINVAL;
}

int unxz(const void *in, size_t in_len, void *out, size_t out_size,
         size_t *out_len, const char **err)
{
    struct xz_dec *x;
    size_t pos = 0;
    int rc;

    *out_len = 0;
    x = xmalloc(struct xz_dec);
    if ( !x )
    {
        if ( err )
            *err = "xz: out of memory";
        return -ENOMEM;
    }
    memset(x, 0, sizeof(*x));
    x->in = in;
    x->in_len = in_len;
    x->out = out;
    x->out_size = out_size;

    /*
     * Streams, each optionally followed by zero padding (4-byte units).
     * Bytes after a stream that do not start another one are ignored, as
     * Linux's boot decompressors do: its payloads end in the 32-bit
     * decompressed size, appended by the kernel build.
     */
    do {
        rc = xz_stream(x, &pos);
        if ( rc )
            break;
        while ( pos < in_len && !x->in[pos] )
            pos++;
        if ( in_len - pos < sizeof(xz_stream_magic) ||
             memcmp(x->in + pos, xz_stream_magic, sizeof(xz_stream_magic)) )
            break;
        if ( pos & 3 )
        {
            x->err = "xz: bad stream padding";
            rc = -EINVAL;
        }
    } while ( !rc );

    *out_len = x->out_pos;
    if ( err )
        *err = rc ? x->err : NULL;
    xfree(x);
    return rc;
}

/*
 * Uncompressed size from the indexes, walking the streams backwards from
 * the end (footer -> index -> stream header), as xz --list does.
 */
int unxz_size(const void *in, size_t in_len, u64 *size, const char **err)
{
    const u8 *p = in;
    size_t end = in_len;
    u64 total = 0;

    /*
     * Linux's compressed kernels carry the decompressed size in four bytes
     * after the stream: step over them when the footer sits just before.
     */
    if ( end >= XZ_FOOTER_SIZE + 4 &&
         memcmp(p + end - 2, xz_footer_magic, 2) &&
         !memcmp(p + end - 6, xz_footer_magic, 2) )
        end -= 4;

    while ( end )
    {
        size_t ftr, idx, pos, blocks;
        u64 backward, n, i, unpadded, uncompressed, blocks_len = 0;

        /* Skip stream padding. */
        while ( end >= 4 && !get_le32(p + end - 4) )
            end -= 4;
        if ( end < XZ_HEADER_SIZE + XZ_FOOTER_SIZE + 8 || (end & 3) )
            goto bad;
        ftr = end - XZ_FOOTER_SIZE;
        if ( memcmp(p + ftr + 10, xz_footer_magic, 2) ||
             decomp_crc32(0, p + ftr + 4, 6) != get_le32(p + ftr) )
            goto bad;
        backward = ((u64)get_le32(p + ftr + 4) + 1) * 4;
        if ( backward > ftr - XZ_HEADER_SIZE )
            goto bad;
        idx = ftr - backward;
        pos = idx;
        if ( p[pos++] )
            goto bad;
        if ( get_vli(p, ftr, &pos, &n) )
            goto bad;
        for ( i = 0; i < n; i++ )
        {
            if ( get_vli(p, ftr, &pos, &unpadded) ||
                 get_vli(p, ftr, &pos, &uncompressed) )
                goto bad;
            blocks_len += (unpadded + 3) & ~3ULL;
            total += uncompressed;
        }
        if ( blocks_len > idx - XZ_HEADER_SIZE )
            goto bad;
        blocks = idx - blocks_len;
        if ( memcmp(p + blocks - XZ_HEADER_SIZE, xz_stream_magic,
                    sizeof(xz_stream_magic)) )
            goto bad;
        end = blocks - XZ_HEADER_SIZE;
    }
    *size = total;
    return 0;

 bad:
    if ( err )
        *err = "xz: corrupt or truncated index";
    return -EINVAL;
}
