/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One-shot decompressors for boot modules: gzip (RFC 1952 + RFC 1951) and
 * xz (the .xz container with LZMA2 and the x86 BCJ filter).
 *
 * Everything is decoded in a single call from one buffer into another;
 * the output buffer doubles as the LZ77/LZMA dictionary.  Every input read
 * and every output write is bounds-checked, so corrupt or truncated input
 * produces an error, never a stray access.  Errors are negative errno
 * values and *err (when err is not NULL) points to a human-readable
 * message such as "xz: corrupt LZMA2 chunk at offset 123456"; the message
 * may live in a static buffer that the next call overwrites.
 *
 * Decoder state (Huffman tables, LZMA probabilities) comes from xmalloc(),
 * never from the 16 KiB hypervisor stack.
 */
#ifndef XEN_DECOMPRESS_H
#define XEN_DECOMPRESS_H

#include <xen/types.h>
#include <xen/compiler.h>

enum decomp_format {
    DECOMP_UNKNOWN,
    DECOMP_GZIP,
    DECOMP_XZ,
};

/* The format of a buffer, from its magic bytes. */
enum decomp_format decompress_format(const void *in, size_t in_len);
/* "gzip", "xz" or "unknown". */
const char *decompress_format_name(enum decomp_format fmt);

/*
 * The decompressed size the format records, without decompressing: the
 * gzip ISIZE trailer (the size modulo 2^32, of the last member) or the sum
 * of the xz index records.  Cheap; only a hint for sizing the output
 * buffer, since decompress() verifies everything again.
 */
int decompress_size(const void *in, size_t in_len, u64 *size,
                    const char **err);

/*
 * Decompress in[0..in_len) into out[0..out_size); *out_len receives the
 * number of bytes produced.  The format is chosen by magic.  Returns 0,
 * or -EINVAL (corrupt or truncated input, failed check), -ENOSPC (out is
 * too small), -EOPNOTSUPP (a valid feature we do not implement, e.g. an
 * xz SHA-256 check or another filter) or -ENOMEM.
 */
int decompress(const void *in, size_t in_len, void *out, size_t out_size,
               size_t *out_len, const char **err);

/* The individual decoders, same contract as decompress(). */
int gunzip(const void *in, size_t in_len, void *out, size_t out_size,
           size_t *out_len, const char **err);
int unxz(const void *in, size_t in_len, void *out, size_t out_size,
         size_t *out_len, const char **err);

/* CRC-32 (IEEE 802.3, as gzip and xz use it); start with crc = 0. */
u32 decomp_crc32(u32 crc, const void *buf, size_t len);
/* CRC-64 (ECMA-182, reflected, as xz uses it); start with crc = 0. */
u64 decomp_crc64(u64 crc, const void *buf, size_t len);

/*
 * Internal: format an error message into a static buffer and return it
 * (decoders use it for messages that carry an offset).
 */
/* Internal: decompress_size() for xz (unxz.c). */
int unxz_size(const void *in, size_t in_len, u64 *size, const char **err);

const char *decomp_errf(const char *fmt, ...) __printf(1, 2);

#endif /* XEN_DECOMPRESS_H */
