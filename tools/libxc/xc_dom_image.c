/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel images for the PVH builder (include/xenguest.h): find the ELF
 * vmlinux in a bzImage (its payload, gzip or xz), in a gzip/xz file or
 * as is; decompress with zlib / liblzma; read the PT_LOAD segments and
 * the Xen notes.  Every offset and size read from an image is checked
 * against its length before use: a damaged kernel gives a message, not a
 * crash.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <lzma.h>
#include <openssl/evp.h>
#include <zlib.h>
#include <public/elfnote.h>
#include <xenguest.h>
#include "xc_dom_private.h"

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* ---- containers ------------------------------------------------------- */

/*
 * The Linux x86 boot protocol (Documentation/arch/x86/boot.rst): "HdrS"
 * at 0x202, version at 0x206 (payload fields from 2.08), setup_sects at
 * 0x1f1 (0 means 4), payload_offset and payload_length at 0x248/0x24c,
 * counted from the start of the protected-mode code after the setup
 * sectors.
 */
static int bzimage_payload(const uint8_t *p, size_t size,
                           const uint8_t **payload, size_t *len, char *err)
{
    size_t setup, off, plen;
    unsigned int version;

    if ( size < 0x250 || memcmp(p + 0x202, "HdrS", 4) )
        return 0;                       /* not a bzImage */
    version = p[0x206] | (p[0x207] << 8);
    if ( version < 0x208 )
    {
        xc_dom_errf(err, "bzImage boot protocol %u.%02u is older than 2.08: "
                   "it does not say where its payload is",
                   version >> 8, version & 0xff);
        return -EOPNOTSUPP;
    }
    setup = ((size_t)(p[0x1f1] ? p[0x1f1] : 4) + 1) * 512;
    off = le32(p + 0x248);
    plen = le32(p + 0x24c);
    if ( !plen || setup > size || off > size - setup ||
         plen > size - setup - off )
    {
        xc_dom_errf(err, "bzImage is truncated or damaged: its payload "
                   "(%zu bytes at %#zx) lies beyond the end of the %zu-byte "
                   "file", plen, setup + off, size);
        return -EINVAL;
    }
    *payload = p + setup + off;
    *len = plen;
    return 1;
}

static bool is_elf(const uint8_t *p, size_t size)
{
    return size >= SELFMAG && !memcmp(p, ELFMAG, SELFMAG);
}

static bool is_gzip(const uint8_t *p, size_t size)
{
    return size >= 18 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8;
}

static bool is_xz(const uint8_t *p, size_t size)
{
    return size >= 12 && !memcmp(p, "\xfd" "7zXZ\0", 6);
}

/* ---- decompression ---------------------------------------------------- */

/* Sane upper bound for a vmlinux: refuse "decompression bombs". */
#define MAX_UNPACKED (1ull << 30)

/*
 * Output buffer growth: start at the size the payload announces (Linux
 * appends the unpacked size as le32 to every bzImage payload; gzip's own
 * trailer holds it too) and double if that was wrong.
 */
static int grow(uint8_t **buf, size_t *cap, size_t need, char *err)
{
    size_t ncap = *cap ? *cap : (16u << 20);
    uint8_t *n;

    while ( ncap < need )
        ncap *= 2;
    if ( ncap > MAX_UNPACKED )
    {
        xc_dom_errf(err, "the unpacked kernel is larger than %llu MiB: "
                   "refusing it", MAX_UNPACKED >> 20);
        return -EFBIG;
    }
    n = realloc(*buf, ncap);
    if ( !n )
    {
        xc_dom_errf(err, "out of memory for the unpacked kernel (%zu MiB)",
                   ncap >> 20);
        return -ENOMEM;
    }
    *buf = n;
    *cap = ncap;
    return 0;
}

static size_t size_hint(const uint8_t *in, size_t len)
{
    uint32_t s = len >= 4 ? le32(in + len - 4) : 0;

    /* A hint below the input size or absurdly large is no hint. */
    if ( s < len || s > MAX_UNPACKED )
        return 0;
    return (size_t)s + 4096;
}

static int gunzip(const uint8_t *in, size_t len, uint8_t **out,
                  size_t *out_len, char *err)
{
    z_stream s;
    uint8_t *buf = NULL;
    size_t cap = 0, done = 0;
    int zrc, rc;

    rc = grow(&buf, &cap, size_hint(in, len), err);
    if ( rc )
        return rc;
    memset(&s, 0, sizeof(s));
    if ( inflateInit2(&s, 16 + MAX_WBITS) != Z_OK )
    {
        free(buf);
        xc_dom_errf(err, "zlib: cannot initialise inflate");
        return -ENOMEM;
    }
    s.next_in = (Bytef *)in;
    s.avail_in = 0;
    for ( ; ; )
    {
        /* avail_in/avail_out are 32-bit: feed at most 1 GiB at a time. */
        if ( !s.avail_in )
        {
            size_t used = (const uint8_t *)s.next_in - in;
            size_t left = len - used;

            s.avail_in = left > (1u << 30) ? (1u << 30) : left;
        }
        if ( done == cap && (rc = grow(&buf, &cap, cap + 1, err)) )
            break;
        s.next_out = buf + done;
        s.avail_out = (cap - done) > (1u << 30) ? (1u << 30) : cap - done;
        zrc = inflate(&s, Z_NO_FLUSH);
        done = (uint8_t *)s.next_out - buf;
        if ( zrc == Z_STREAM_END )
        {
            rc = 0;
            break;
        }
        if ( zrc == Z_OK )
            continue;
        if ( zrc == Z_BUF_ERROR && s.avail_out )
        {
            /* No progress with output room left: the input ran out. */
            xc_dom_errf(err, "gzip payload is truncated: it ends after %zu "
                       "of its bytes gave %zu bytes of kernel", len, done);
            rc = -EINVAL;
            break;
        }
        if ( zrc == Z_BUF_ERROR )
            continue;
        xc_dom_errf(err, "gzip payload is corrupt after %zu unpacked bytes: "
                   "%s", done, s.msg ? s.msg : "data error");
        rc = -EINVAL;
        break;
    }
    inflateEnd(&s);
    if ( rc )
    {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_len = done;
    return 0;
}

static const char *lzma_words(lzma_ret r)
{
    switch ( r )
    {
    case LZMA_MEM_ERROR:
        return "out of memory";
    case LZMA_FORMAT_ERROR:
        return "not an xz stream";
    case LZMA_OPTIONS_ERROR:
        return "unsupported xz options or filters";
    case LZMA_DATA_ERROR:
        return "corrupt data";
    case LZMA_BUF_ERROR:
        return "truncated input";
    default:
        return "unexpected liblzma error";
    }
}

static int unxz(const uint8_t *in, size_t len, uint8_t **out,
                size_t *out_len, char *err)
{
    lzma_stream s = LZMA_STREAM_INIT;
    uint8_t *buf = NULL;
    size_t cap = 0;
    lzma_ret r;
    int rc;

    rc = grow(&buf, &cap, size_hint(in, len), err);
    if ( rc )
        return rc;
    /* One stream: the le32 size Linux appends after it is not xz. */
    r = lzma_stream_decoder(&s, UINT64_MAX, 0);
    if ( r != LZMA_OK )
    {
        free(buf);
        xc_dom_errf(err, "liblzma: cannot initialise the decoder: %s",
                   lzma_words(r));
        return -ENOMEM;
    }
    s.next_in = in;
    s.avail_in = len;
    s.next_out = buf;
    s.avail_out = cap;
    for ( ; ; )
    {
        r = lzma_code(&s, LZMA_FINISH);
        if ( r == LZMA_STREAM_END )
        {
            rc = 0;
            break;
        }
        if ( r == LZMA_OK || (r == LZMA_BUF_ERROR && !s.avail_out) )
        {
            size_t done = s.next_out - buf;

            if ( s.avail_out )
                continue;
            rc = grow(&buf, &cap, cap + 1, err);
            if ( rc )
                break;
            s.next_out = buf + done;
            s.avail_out = cap - done;
            continue;
        }
        xc_dom_errf(err, "xz payload is %s after %llu of %zu bytes "
                   "(%llu bytes unpacked)",
                   r == LZMA_BUF_ERROR ? "truncated" : lzma_words(r),
                   (unsigned long long)s.total_in, len,
                   (unsigned long long)s.total_out);
        rc = r == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL;
        break;
    }
    *out_len = s.next_out - buf;
    lzma_end(&s);
    if ( rc )
    {
        free(buf);
        return rc;
    }
    *out = buf;
    return 0;
}

/* ---- ELF --------------------------------------------------------------- */

/* Read a NUL-terminated note string into dst. */
static void note_str(char *dst, size_t n, const uint8_t *desc,
                     uint32_t descsz)
{
    size_t l = descsz < n - 1 ? descsz : n - 1;

    memcpy(dst, desc, l);
    dst[l] = '\0';
    dst[strnlen(dst, l)] = '\0';
}

/* Walk the notes in [off, off + size) of the image. */
static int scan_notes(struct xc_dom_kernel *k, uint64_t off, uint64_t size,
                      bool *have_entry, char *err)
{
    const uint8_t *p = k->elf;
    uint64_t end = off + size;

    if ( off > k->elf_len || size > k->elf_len - off )
    {
        xc_dom_errf(err, "ELF: note area %#llx+%#llx beyond the %zu-byte "
                   "image", (unsigned long long)off,
                   (unsigned long long)size, k->elf_len);
        return -EINVAL;
    }
    while ( end - off >= 12 )
    {
        uint32_t namesz = le32(p + off), descsz = le32(p + off + 4);
        uint32_t type = le32(p + off + 8);
        uint64_t name = off + 12;
        uint64_t desc = name + (((uint64_t)namesz + 3) & ~3ull);
        uint64_t next = desc + (((uint64_t)descsz + 3) & ~3ull);
        const uint8_t *d = p + desc;

        if ( next > end )
        {
            xc_dom_errf(err, "ELF: malformed note at offset %#llx",
                       (unsigned long long)off);
            return -EINVAL;
        }
        if ( namesz == 4 && !memcmp(p + name, "Xen", 4) )
        {
            switch ( type )
            {
            case XEN_ELFNOTE_PHYS32_ENTRY:
                /* 4 bytes, or 8 where Linux emits it with _ASM_PTR. */
                if ( descsz != 4 && descsz != 8 )
                {
                    xc_dom_errf(err, "ELF: PHYS32_ENTRY note of %u bytes",
                               descsz);
                    return -EINVAL;
                }
                if ( descsz == 8 && le32(d + 4) )
                {
                    xc_dom_errf(err, "ELF: PHYS32_ENTRY %#x%08x is above "
                               "4 GiB", le32(d + 4), le32(d));
                    return -EINVAL;
                }
                k->pvh_entry = le32(d);
                *have_entry = true;
                break;
            case XEN_ELFNOTE_GUEST_OS:
                note_str(k->guest_os, sizeof(k->guest_os), d, descsz);
                break;
            }
        }
        off = next;
    }
    return 0;
}

/* The ELF header's fields we use, widened. */
struct ehdr {
    unsigned int cls;
    uint64_t phoff, shoff;
    unsigned int phnum, phentsize, shnum, shentsize;
};

static int read_ehdr(const uint8_t *p, size_t len, struct ehdr *h,
                     char *err)
{
    unsigned int machine;

    if ( len < sizeof(Elf32_Ehdr) || !is_elf(p, len) )
    {
        xc_dom_errf(err, "not an ELF image");
        return -ENOEXEC;
    }
    if ( p[EI_DATA] != ELFDATA2LSB )
    {
        xc_dom_errf(err, "ELF: big-endian image: not an x86 kernel");
        return -ENOEXEC;
    }
    h->cls = p[EI_CLASS] == ELFCLASS64 ? 64 :
             p[EI_CLASS] == ELFCLASS32 ? 32 : 0;
    if ( !h->cls || (h->cls == 64 && len < sizeof(Elf64_Ehdr)) )
    {
        xc_dom_errf(err, "ELF: bad class %u or truncated header",
                   p[EI_CLASS]);
        return -ENOEXEC;
    }
    if ( h->cls == 64 )
    {
        const Elf64_Ehdr *e = (const void *)p;

        machine = e->e_machine;
        h->phoff = e->e_phoff;
        h->shoff = e->e_shoff;
        h->phnum = e->e_phnum;
        h->phentsize = e->e_phentsize;
        h->shnum = e->e_shnum;
        h->shentsize = e->e_shentsize;
        if ( h->phnum && h->phentsize < sizeof(Elf64_Phdr) )
            goto bad_size;
        if ( h->shnum && h->shentsize < sizeof(Elf64_Shdr) )
            goto bad_size;
    }
    else
    {
        const Elf32_Ehdr *e = (const void *)p;

        machine = e->e_machine;
        h->phoff = e->e_phoff;
        h->shoff = e->e_shoff;
        h->phnum = e->e_phnum;
        h->phentsize = e->e_phentsize;
        h->shnum = e->e_shnum;
        h->shentsize = e->e_shentsize;
        if ( h->phnum && h->phentsize < sizeof(Elf32_Phdr) )
            goto bad_size;
        if ( h->shnum && h->shentsize < sizeof(Elf32_Shdr) )
            goto bad_size;
    }
    if ( machine != EM_X86_64 && machine != EM_386 )
    {
        xc_dom_errf(err, "ELF: machine %u is not x86", machine);
        return -ENOEXEC;
    }
    if ( h->phoff > len ||
         (uint64_t)h->phnum * h->phentsize > len - h->phoff )
    {
        xc_dom_errf(err, "ELF: program headers beyond the %zu-byte image "
                   "(truncated?)", len);
        return -EINVAL;
    }
    if ( h->shnum && (h->shoff > len ||
                      (uint64_t)h->shnum * h->shentsize > len - h->shoff) )
        h->shnum = 0;               /* sections are optional: ignore */
    return 0;

 bad_size:
    xc_dom_errf(err, "ELF: header table entries too small");
    return -EINVAL;
}

static void get_phdr(const struct xc_dom_kernel *k, const struct ehdr *h,
                     unsigned int i, Elf64_Phdr *ph)
{
    const uint8_t *p = k->elf + h->phoff + (uint64_t)i * h->phentsize;

    if ( h->cls == 64 )
        memcpy(ph, p, sizeof(*ph));
    else
    {
        Elf32_Phdr p32;

        memcpy(&p32, p, sizeof(p32));
        ph->p_type = p32.p_type;
        ph->p_flags = p32.p_flags;
        ph->p_offset = p32.p_offset;
        ph->p_vaddr = p32.p_vaddr;
        ph->p_paddr = p32.p_paddr;
        ph->p_filesz = p32.p_filesz;
        ph->p_memsz = p32.p_memsz;
        ph->p_align = p32.p_align;
    }
}

static void get_shdr(const struct xc_dom_kernel *k, const struct ehdr *h,
                     unsigned int i, uint32_t *type, uint64_t *off,
                     uint64_t *size)
{
    const uint8_t *p = k->elf + h->shoff + (uint64_t)i * h->shentsize;

    if ( h->cls == 64 )
    {
        Elf64_Shdr s;

        memcpy(&s, p, sizeof(s));
        *type = s.sh_type;
        *off = s.sh_offset;
        *size = s.sh_size;
    }
    else
    {
        Elf32_Shdr s;

        memcpy(&s, p, sizeof(s));
        *type = s.sh_type;
        *off = s.sh_offset;
        *size = s.sh_size;
    }
}

static int xc_dom_elf_analyse(struct xc_dom_kernel *k, char *err)
{
    struct ehdr h;
    bool have_entry = false, have_pt_note = false;
    unsigned int i;
    int rc;

    rc = read_ehdr(k->elf, k->elf_len, &h, err);
    if ( rc )
        return rc;
    k->elf_class = h.cls;
    k->nr_segs = 0;
    k->paddr_lo = UINT64_MAX;
    k->paddr_hi = 0;
    for ( i = 0; i < h.phnum; i++ )
    {
        Elf64_Phdr ph;
        struct xc_dom_seg *s;

        get_phdr(k, &h, i, &ph);
        if ( ph.p_type == PT_NOTE )
        {
            have_pt_note = true;
            rc = scan_notes(k, ph.p_offset, ph.p_filesz, &have_entry, err);
            if ( rc )
                return rc;
            continue;
        }
        if ( ph.p_type != PT_LOAD || !ph.p_memsz )
            continue;
        if ( ph.p_offset > k->elf_len ||
             ph.p_filesz > k->elf_len - ph.p_offset )
        {
            xc_dom_errf(err, "ELF: segment %u (%#llx+%#llx) lies beyond the "
                       "%zu-byte image: truncated?", i,
                       (unsigned long long)ph.p_offset,
                       (unsigned long long)ph.p_filesz, k->elf_len);
            return -EINVAL;
        }
        if ( ph.p_filesz > ph.p_memsz ||
             ph.p_paddr + ph.p_memsz < ph.p_paddr ||
             ph.p_paddr + ph.p_memsz > XC_DOM_4G )
        {
            xc_dom_errf(err, "ELF: segment %u at paddr %#llx+%#llx cannot "
                       "be loaded below 4 GiB", i,
                       (unsigned long long)ph.p_paddr,
                       (unsigned long long)ph.p_memsz);
            return -EINVAL;
        }
        if ( k->nr_segs == XC_DOM_MAX_SEGS )
        {
            xc_dom_errf(err, "ELF: more than %u PT_LOAD segments",
                       XC_DOM_MAX_SEGS);
            return -EINVAL;
        }
        s = &k->seg[k->nr_segs++];
        s->paddr = ph.p_paddr;
        s->offset = ph.p_offset;
        s->filesz = ph.p_filesz;
        s->memsz = ph.p_memsz;
        if ( s->paddr < k->paddr_lo )
            k->paddr_lo = s->paddr;
        if ( s->paddr + s->memsz > k->paddr_hi )
            k->paddr_hi = s->paddr + s->memsz;
    }
    /* No PT_NOTE (some linkers): the notes are in SHT_NOTE sections. */
    for ( i = 0; !have_pt_note && i < h.shnum; i++ )
    {
        uint32_t type;
        uint64_t off, size;

        get_shdr(k, &h, i, &type, &off, &size);
        if ( type != SHT_NOTE )
            continue;
        rc = scan_notes(k, off, size, &have_entry, err);
        if ( rc )
            return rc;
    }
    if ( !k->nr_segs )
    {
        xc_dom_errf(err, "ELF: no PT_LOAD segment to load");
        return -ENOEXEC;
    }
    if ( !have_entry )
    {
        xc_dom_errf(err, "the kernel has no PVH entry point (ELF note "
                   "XEN_ELFNOTE_PHYS32_ENTRY): it cannot boot as a PVH "
                   "guest; use a kernel built with CONFIG_PVH=y (Debian's "
                   "linux-image-amd64 is)");
        return -ENOEXEC;
    }
    if ( k->pvh_entry < k->paddr_lo || k->pvh_entry >= k->paddr_hi )
    {
        xc_dom_errf(err, "ELF: PVH entry %#x is outside the loaded image "
                   "%#llx-%#llx", k->pvh_entry,
                   (unsigned long long)k->paddr_lo,
                   (unsigned long long)k->paddr_hi);
        return -EINVAL;
    }
    return 0;
}

/*
 * What the image is: sets k->container and k->payload and returns the
 * bytes to unpack (or the ELF itself) in *payload.
 */
static int identify(const uint8_t *in, size_t len, struct xc_dom_kernel *k,
                    const uint8_t **payload, size_t *plen, char *err)
{
    int rc = bzimage_payload(in, len, payload, plen, err);

    if ( rc < 0 )
        return rc;
    if ( rc )
        snprintf(k->container, sizeof(k->container), "bzImage");
    else
    {
        *payload = in;
        *plen = len;
        snprintf(k->container, sizeof(k->container), "%s",
                 is_elf(in, len) ? "ELF" : is_gzip(in, len) ? "gzip" :
                 is_xz(in, len) ? "xz" : "?");
    }
    k->payload[0] = '\0';
    if ( is_elf(*payload, *plen) )
        return 0;
    if ( is_gzip(*payload, *plen) )
        snprintf(k->payload, sizeof(k->payload), "gzip");
    else if ( is_xz(*payload, *plen) )
        snprintf(k->payload, sizeof(k->payload), "xz");
    else if ( rc )
    {
        xc_dom_errf(err, "bzImage payload is neither gzip nor xz (magic "
                   "%02x %02x %02x %02x): rebuild the kernel with "
                   "CONFIG_KERNEL_GZIP or CONFIG_KERNEL_XZ",
                   (*payload)[0], *plen > 1 ? (*payload)[1] : 0,
                   *plen > 2 ? (*payload)[2] : 0,
                   *plen > 3 ? (*payload)[3] : 0);
        return -EOPNOTSUPP;
    }
    else
    {
        xc_dom_errf(err, "not a kernel image: neither a bzImage nor an "
                   "ELF vmlinux nor a gzip/xz-compressed vmlinux");
        return -ENOEXEC;
    }
    return 0;
}

static int xc_dom_unpack(const uint8_t *payload, size_t plen,
                         struct xc_dom_kernel *k, char *err)
{
    uint8_t *out = NULL;
    size_t out_len = 0;
    uint64_t t0;
    int rc;

    if ( !k->payload[0] )
    {
        /* Uncompressed (an ELF file, or a bzImage built uncompressed). */
        k->elf = payload;
        k->elf_len = plen;
        return 0;
    }
    t0 = xc_dom_now_ns();
    if ( !strcmp(k->payload, "gzip") )
        rc = gunzip(payload, plen, &out, &out_len, err);
    else
        rc = unxz(payload, plen, &out, &out_len, err);
    k->unpack_ns = xc_dom_now_ns() - t0;
    if ( rc )
        return rc;
    if ( !is_elf(out, out_len) )
    {
        free(out);
        xc_dom_errf(err, "the unpacked %s payload is not an ELF vmlinux",
                   k->payload);
        return -ENOEXEC;
    }
    k->elf_buf = out;
    k->elf = out;
    k->elf_len = out_len;
    return 0;
}

int xc_dom_kernel_parse(const void *img, size_t len,
                        struct xc_dom_kernel *k, char *err)
{
    const uint8_t *payload;
    size_t plen;
    int rc;

    memset(k, 0, sizeof(*k));
    rc = identify(img, len, k, &payload, &plen, err);
    if ( !rc )
        rc = xc_dom_unpack(payload, plen, k, err);
    if ( !rc )
        rc = xc_dom_elf_analyse(k, err);
    if ( rc )
        xc_dom_kernel_release(k);
    return rc;
}

static void cache_put(struct xc_dom_kernel *k);

void xc_dom_kernel_release(struct xc_dom_kernel *k)
{
    free(k->elf_buf);
    cache_put(k);
    if ( k->file_map )
        munmap(k->file_map, k->file_len);
    k->elf_buf = k->file_map = NULL;
    k->elf = NULL;
    k->elf_len = 0;
}

/* ---- the kernel cache -------------------------------------------------- */

/*
 * <dir>/<sha256 of the kernel file>: a header page, then the unpacked
 * ELF (page aligned, so that it can be used straight from the mapping).
 * The CRC-32 of the ELF catches an entry damaged on disk (or cut short
 * by a crash between write and rename on a file system that reorders);
 * the file's hash in the header catches a file renamed by hand.
 */
#define CACHE_MAGIC   "KEELKC1\n"
#define CACHE_VERSION 2
#define CACHE_HDR     4096

/*
 * Version 2 adds the map of the ELF's non-zero pages (struct
 * xc_dom_kernel's nz_map) in the rest of the header page, from
 * CACHE_NZ_OFF: a cached create then neither scans the 65 MB image for
 * zero pages nor faults its zero pages in.  Images of more than
 * CACHE_NZ_MAX pages have none (nz_pages 0: the loader looks).  The map
 * has its own CRC-32, checked on every use: a page wrongly marked zero
 * would be left out of the guest.
 */
#define CACHE_NZ_OFF  128
#define CACHE_NZ_MAX  ((CACHE_HDR - CACHE_NZ_OFF) * 8)

struct cache_hdr {
    char magic[8];
    uint32_t version;
    uint32_t hdr_size;
    uint64_t elf_len;
    uint32_t elf_crc;
    uint32_t pad;
    uint8_t src_sha256[32];
    uint32_t nz_pages;              /* bits in the map, 0: none */
    uint32_t nz_crc;                /* CRC-32 of the map's bytes */
};

static uint32_t crc_of(const uint8_t *p, size_t len)
{
    return crc32_z(crc32_z(0, NULL, 0), p, len);
}

static int sha256_of(const void *p, size_t len, uint8_t out[32],
                     char hex[65])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int n = 0, i;
    int ok;

    ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
         EVP_DigestUpdate(ctx, p, len) &&
         EVP_DigestFinal_ex(ctx, out, &n) && n == 32;
    EVP_MD_CTX_free(ctx);
    if ( !ok )
        return -1;
    for ( i = 0; i < 32; i++ )
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    return 0;
}

/*
 * Entries the process keeps mapped (XC_DOM_KEEP, xenguest.h), by the
 * entry file's identity: an entry is only ever replaced by a rename
 * (another inode), so a kept mapping of the same identity has the same
 * bytes.  The non-zero pages are locked (mlock) once, so that they stay
 * present in this process's page tables: the hypervisor's copy
 * (keel_load_memory) reads them there and cannot fault them in.  xend's
 * second create of a kernel then pays for neither the faults nor a
 * copy into a hypercall buffer.  refs: builds using the mapping now (a
 * pushed-out entry is unmapped by its last user).
 */
struct kept {
    struct stat id;
    uint8_t *map;
    size_t len;
    unsigned int refs;
    uint64_t used;                  /* last use, for pushing out */
    bool valid;                     /* in the table (else: only refs) */
};

static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kept *kept[XC_DOM_KEEP];
static uint64_t kept_clock;

static bool same_id(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
           a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* A kept mapping of the entry st, referenced; NULL if none. */
static struct kept *kept_get(const struct stat *st)
{
    struct kept *e = NULL;
    unsigned int i;

    pthread_mutex_lock(&kept_lock);
    for ( i = 0; i < XC_DOM_KEEP; i++ )
        if ( kept[i] && same_id(&kept[i]->id, st) )
        {
            e = kept[i];
            e->refs++;
            e->used = ++kept_clock;
            break;
        }
    pthread_mutex_unlock(&kept_lock);
    return e;
}

/* Called with kept_lock held, on an entry out of the table. */
static void kept_free_locked(struct kept *e)
{
    if ( e->refs || e->valid )
        return;
    munmap(e->map, e->len);
    free(e);
}

/*
 * Keep map (the entry st, len bytes) in the table, referenced once,
 * pushing out the least recently used entry; NULL if it cannot (the
 * caller then owns the mapping alone).
 */
static struct kept *kept_add(const struct stat *st, uint8_t *map,
                             size_t len)
{
    struct kept *e = calloc(1, sizeof(*e)), *old;
    unsigned int i, slot = 0;

    if ( !e )
        return NULL;
    e->id = *st;
    e->map = map;
    e->len = len;
    e->refs = 1;
    e->valid = true;
    pthread_mutex_lock(&kept_lock);
    e->used = ++kept_clock;
    for ( i = 0; i < XC_DOM_KEEP; i++ )
    {
        if ( !kept[i] )
        {
            slot = i;
            break;
        }
        if ( kept[i]->used < kept[slot]->used )
            slot = i;
    }
    old = kept[slot];
    kept[slot] = e;
    if ( old )
    {
        old->valid = false;
        kept_free_locked(old);
    }
    pthread_mutex_unlock(&kept_lock);
    return e;
}

/* Drop k's cache entry mapping (a reference if it is a kept one). */
static void cache_put(struct xc_dom_kernel *k)
{
    if ( k->cache_map && k->cache_kept )
    {
        struct kept *e;

        pthread_mutex_lock(&kept_lock);
        e = k->kept_entry;
        if ( e && e->refs )
        {
            e->refs--;
            kept_free_locked(e);
        }
        pthread_mutex_unlock(&kept_lock);
    }
    else if ( k->cache_map )
        munmap(k->cache_map, k->cache_len);
    k->cache_map = NULL;
    k->kept_entry = NULL;
    k->cache_kept = false;
    k->nz_map = NULL;
    k->nz_pages = 0;
}

void xc_dom_cache_drop(void)
{
    unsigned int i;

    pthread_mutex_lock(&kept_lock);
    for ( i = 0; i < XC_DOM_KEEP; i++ )
        if ( kept[i] )
        {
            kept[i]->valid = false;
            kept_free_locked(kept[i]);
            kept[i] = NULL;
        }
    pthread_mutex_unlock(&kept_lock);
}

/*
 * Make the non-zero pages of a newly kept entry present and keep them
 * so: mlock each run (root, or within RLIMIT_MEMLOCK), else populate
 * them (they may then be reclaimed under memory pressure: the builder's
 * copy faults, populates and retries).  Once per kept entry.
 */
static void kept_pin(const struct xc_dom_kernel *k)
{
    size_t i = 0, j;
    bool lock = true;

    if ( !k->nz_map )
        return;
    while ( i < k->nz_pages )
    {
        uint8_t *p;
        size_t len;

        if ( !(k->nz_map[i >> 3] & (1u << (i & 7))) )
        {
            i++;
            continue;
        }
        for ( j = i; j < k->nz_pages &&
                     (k->nz_map[j >> 3] & (1u << (j & 7))); j++ )
            ;
        p = (uint8_t *)k->elf + i * XC_DOM_PAGE_SIZE;
        len = (j - i) * XC_DOM_PAGE_SIZE;
        if ( !lock || mlock(p, len) )
        {
            lock = false;
            xc_dom_populate_read(p, len);
        }
        i = j;
    }
}

/* The non-zero page map of an ELF image (cache_store). */
static size_t nz_build(const uint8_t *elf, size_t len, uint8_t *map,
                       size_t max_pages)
{
    size_t pages = (len + XC_DOM_PAGE_SIZE - 1) / XC_DOM_PAGE_SIZE, i;

    if ( pages > max_pages )
        return 0;
    memset(map, 0, (pages + 7) / 8);
    for ( i = 0; i < pages; i++ )
    {
        size_t off = i * XC_DOM_PAGE_SIZE;
        size_t n = len - off < XC_DOM_PAGE_SIZE ? len - off :
                   XC_DOM_PAGE_SIZE;

        if ( !xc_dom_all_zero(elf + off, n) )
            map[i >> 3] |= 1u << (i & 7);
    }
    return pages;
}

/*
 * Map the entry and check it (full: its CRC-32 too; otherwise only the
 * header, the length and the kernel's hash in it); 1 on a usable hit (id:
 * the entry's stat), 0 on a miss (no entry), -1 if it is damaged (note
 * says how; the caller unpacks again and replaces it).
 */
static int cache_lookup(const char *dir, struct xc_dom_kernel *k,
                        const uint8_t sha[32], bool full, struct stat *id,
                        char *note)
{
    char path[PATH_MAX];
    struct cache_hdr h;
    struct stat st;
    uint8_t *map;
    char why[XC_DOM_ERRLEN];
    struct kept *e;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, k->sha256);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if ( fd < 0 )
    {
        if ( errno != ENOENT )
            xc_dom_errf(note, "cache entry %s unreadable (%s): unpacked "
                       "again", path, strerror(errno));
        return errno == ENOENT ? 0 : -1;
    }
    if ( fstat(fd, &st) || st.st_size < CACHE_HDR )
    {
        close(fd);
        xc_dom_errf(note, "cache entry %s corrupt (shorter than its "
                   "header): unpacked again", path);
        return -1;
    }
    /*
     * No MAP_POPULATE: only the non-zero pages are made present (by
     * kept_pin, once per process, or the builder's copy); populating all
     * 16000 pages of Debian's entry up front cost dom0 27 ms.
     */
    e = kept_get(&st);
    if ( e )
        map = e->map;
    else
        map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if ( map == MAP_FAILED )
    {
        xc_dom_errf(note, "cache entry %s cannot be mapped (%s): unpacked "
                   "again", path, strerror(errno));
        return -1;
    }
    if ( id )
        *id = st;
    memcpy(&h, map, sizeof(h));
    why[0] = '\0';
    if ( !memcmp(h.magic, CACHE_MAGIC, 8) && h.version < CACHE_VERSION )
        snprintf(why, sizeof(why), "older format (version %u)",
                 h.version);
    else if ( memcmp(h.magic, CACHE_MAGIC, 8) ||
              h.version != CACHE_VERSION || h.hdr_size != CACHE_HDR )
        snprintf(why, sizeof(why), "bad header");
    else if ( h.elf_len != (uint64_t)st.st_size - CACHE_HDR )
        snprintf(why, sizeof(why), "%llu bytes of ELF where the header "
                 "says %llu",
                 (unsigned long long)(st.st_size - CACHE_HDR),
                 (unsigned long long)h.elf_len);
    else if ( memcmp(h.src_sha256, sha, 32) )
        snprintf(why, sizeof(why), "made from another kernel file");
    else if ( h.nz_pages && (h.nz_pages > CACHE_NZ_MAX ||
              h.nz_pages != (h.elf_len + XC_DOM_PAGE_SIZE - 1) /
                            XC_DOM_PAGE_SIZE ||
              crc_of(map + CACHE_NZ_OFF, (h.nz_pages + 7) / 8) !=
              h.nz_crc) )
        snprintf(why, sizeof(why), "bad map of non-zero pages");
    else if ( full && crc_of(map + CACHE_HDR, h.elf_len) != h.elf_crc )
        snprintf(why, sizeof(why), "CRC-32 mismatch");
    k->cache_map = map;
    k->cache_len = st.st_size;
    k->kept_entry = e;
    k->cache_kept = e != NULL;
    if ( why[0] )
    {
        cache_put(k);
        if ( !strncmp(why, "older", 5) )
            xc_dom_errf(note, "cache entry %s is in an %s: unpacked again",
                        path, why);
        else
            xc_dom_errf(note, "cache entry %s corrupt (%s): unpacked again",
                        path, why);
        return -1;
    }
    k->elf = map + CACHE_HDR;
    k->elf_len = h.elf_len;
    k->nz_map = h.nz_pages ? map + CACHE_NZ_OFF : NULL;
    k->nz_pages = h.nz_pages;
    if ( !e )
    {
        e = kept_add(&st, map, st.st_size);
        if ( e )
        {
            k->kept_entry = e;
            k->cache_kept = true;
            kept_pin(k);
        }
    }
    return 1;
}

static int write_all(int fd, const void *p, size_t len)
{
    const uint8_t *b = p;

    while ( len )
    {
        ssize_t n = write(fd, b, len > (1u << 30) ? (1u << 30) : len);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            return -1;
        b += n;
        len -= n;
    }
    return 0;
}

/* mkdir -p, mode 0755 for what it creates. */
static int mkdirs(const char *dir)
{
    char p[PATH_MAX];
    size_t i;

    if ( snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p) )
        return errno = ENAMETOOLONG, -1;
    for ( i = 1; p[i]; i++ )
        if ( p[i] == '/' )
        {
            p[i] = '\0';
            if ( mkdir(p, 0755) && errno != EEXIST )
                return -1;
            p[i] = '/';
        }
    if ( mkdir(p, 0755) && errno != EEXIST )
        return -1;
    return 0;
}

/*
 * Store k's ELF as the entry: written to a temporary file in the same
 * directory and renamed over the entry, so that readers (and concurrent
 * writers of the same kernel) only ever see a whole entry.
 */
static int cache_store(const char *dir, const struct xc_dom_kernel *k,
                       const uint8_t sha[32], char *note)
{
    char tmp[PATH_MAX], path[PATH_MAX];
    uint8_t hdr[CACHE_HDR];
    struct cache_hdr h;
    int fd, e;

    if ( mkdirs(dir) )
    {
        xc_dom_errf(note, "kernel cache %s unusable (%s): the unpacked "
                   "kernel is not kept", dir, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, k->sha256);
    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, k->sha256);
    fd = mkstemp(tmp);
    if ( fd < 0 )
    {
        xc_dom_errf(note, "kernel cache %s not writable (%s): the unpacked "
                   "kernel is not kept", dir, strerror(errno));
        return -1;
    }
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, CACHE_MAGIC, 8);
    h.version = CACHE_VERSION;
    h.hdr_size = CACHE_HDR;
    h.elf_len = k->elf_len;
    h.elf_crc = crc_of(k->elf, k->elf_len);
    memcpy(h.src_sha256, sha, 32);
    memset(hdr, 0, sizeof(hdr));
    h.nz_pages = nz_build(k->elf, k->elf_len, hdr + CACHE_NZ_OFF,
                          CACHE_NZ_MAX);
    if ( h.nz_pages )
        h.nz_crc = crc_of(hdr + CACHE_NZ_OFF, (h.nz_pages + 7) / 8);
    memcpy(hdr, &h, sizeof(h));
    if ( write_all(fd, hdr, sizeof(hdr)) ||
         write_all(fd, k->elf, k->elf_len) || fchmod(fd, 0644) )
    {
        e = errno;
        close(fd);
        unlink(tmp);
        xc_dom_errf(note, "cannot write the kernel cache entry %s (%s): "
                   "the unpacked kernel is not kept", path, strerror(e));
        return -1;
    }
    if ( close(fd) || rename(tmp, path) )
    {
        e = errno;
        unlink(tmp);
        xc_dom_errf(note, "cannot write the kernel cache entry %s (%s): "
                   "the unpacked kernel is not kept", path, strerror(e));
        return -1;
    }
    return 0;
}


/* ---- the cache's index ------------------------------------------------ */

/*
 * Hashing the 8 MB kernel file and checking the CRC-32 of the 65 MB
 * entry cost about half a second of dom0's CPU per create, the largest
 * part of a cached create.  So the cache keeps an index: one small file
 * per kernel file identity, <dir>/index/<16 hex digits> (FNV-1a of the
 * identity below; the identity is also stored in the file and compared
 * in full, so a collision is only a miss):
 *
 *   KEELKI1
 *   <kernel path>
 *   <dev> <ino> <size> <mtime> <ctime>            of the kernel file
 *   <sha256> <dev> <ino> <size> <mtime> <ctime>   its entry
 *
 * written once the entry was written or checked in full.  A kernel file
 * replaced, rewritten or touched has another inode or mtime/ctime: the
 * index misses and the file is hashed.  An entry replaced or changed on
 * disk since (another builder's rename, a truncation) has another
 * identity: checked in full again.  A kernel file changed within the
 * timestamp granularity of its index's write would look unchanged (git's
 * "racily clean" problem), so no index is kept for a file whose ctime is
 * not older than the index file itself: it is hashed on the next create.
 */
#define INDEX_MAGIC "KEELKI1"

static void id_str(const struct stat *st, char *buf, size_t len)
{
    snprintf(buf, len, "%llu %llu %llu %lld.%09ld %lld.%09ld",
             (unsigned long long)st->st_dev,
             (unsigned long long)st->st_ino,
             (unsigned long long)st->st_size,
             (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
             (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

/* The kernel's index file name and its first three lines. */
static void index_key(const char *dir, const char *kpath,
                      const struct stat *kst, char *file, size_t flen,
                      char *head, size_t hlen)
{
    char id[160];
    uint64_t h = 0xcbf29ce484222325ull;         /* FNV-1a 64 */
    const char *p;

    id_str(kst, id, sizeof(id));
    snprintf(head, hlen, INDEX_MAGIC "\n%s\n%s\n", kpath, id);
    for ( p = head; *p; p++ )
        h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
    snprintf(file, flen, "%s/index/%016llx", dir, (unsigned long long)h);
}

static int unhex(const char *hex, uint8_t out[32])
{
    unsigned int i, v;

    for ( i = 0; i < 32; i++ )
    {
        if ( sscanf(hex + 2 * i, "%2x", &v) != 1 )
            return -1;
        out[i] = v;
    }
    return 0;
}

/*
 * A usable entry for an unchanged kernel file, found through the index
 * and checked cheaply (identity, header, length): 1 (k->elf etc. set),
 * else 0 and the caller hashes the file.
 */
static int index_lookup(const char *dir, const char *kpath,
                        const struct stat *kst, struct xc_dom_kernel *k)
{
    char file[PATH_MAX], head[PATH_MAX + 200], buf[PATH_MAX + 400];
    char hex[65], want[160], have[160], note[XC_DOM_ERRLEN];
    const char *rest;
    uint8_t sha[32];
    struct stat est;
    size_t hl;
    ssize_t n;
    int fd;

    index_key(dir, kpath, kst, file, sizeof(file), head, sizeof(head));
    fd = open(file, O_RDONLY | O_CLOEXEC);
    if ( fd < 0 )
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if ( n <= 0 )
        return 0;
    buf[n] = '\0';
    hl = strlen(head);
    if ( strncmp(buf, head, hl) )
        return 0;
    rest = buf + hl;
    if ( strlen(rest) < 66 || rest[64] != ' ' )
        return 0;
    memcpy(hex, rest, 64);
    hex[64] = '\0';
    snprintf(want, sizeof(want), "%s", rest + 65);
    want[strcspn(want, "\n")] = '\0';
    if ( strspn(hex, "0123456789abcdef") != 64 || unhex(hex, sha) )
        return 0;
    memcpy(k->sha256, hex, sizeof(hex));
    note[0] = '\0';
    if ( cache_lookup(dir, k, sha, false, &est, note) <= 0 )
        return 0;
    id_str(&est, have, sizeof(have));
    if ( strcmp(have, want) )
    {
        /* Changed since it was checked: check it in full. */
        cache_put(k);
        k->elf = NULL;
        k->elf_len = 0;
        return 0;
    }
    return 1;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec ||
           (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/*
 * Record that the entry for kpath (k->sha256, identity est) was checked.
 * Best effort: without an index every create hashes the kernel, which is
 * slower but correct, so a failure only adds a note.
 */
static void index_store(const char *dir, const char *kpath,
                        const struct stat *kst, const struct xc_dom_kernel *k,
                        const struct stat *est, char *note)
{
    char file[PATH_MAX], tmp[PATH_MAX + 16], idx[PATH_MAX];
    char head[PATH_MAX + 200], line[300], eid[160];
    struct stat ist;
    int fd, bad;

    index_key(dir, kpath, kst, file, sizeof(file), head, sizeof(head));
    snprintf(idx, sizeof(idx), "%s/index", dir);
    if ( mkdir(idx, 0755) && errno != EEXIST )
        goto fail;
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file);
    fd = mkstemp(tmp);
    if ( fd < 0 )
        goto fail;
    id_str(est, eid, sizeof(eid));
    snprintf(line, sizeof(line), "%s %s\n", k->sha256, eid);
    bad = write_all(fd, head, strlen(head)) ||
          write_all(fd, line, strlen(line)) || fchmod(fd, 0644) ||
          fstat(fd, &ist);
    if ( close(fd) )
        bad = 1;
    if ( bad )
    {
        unlink(tmp);
        goto fail;
    }
    if ( !ts_before(&kst->st_ctim, &ist.st_mtim) )
    {
        /* Racily clean: changed within this timestamp tick. */
        unlink(tmp);
        return;
    }
    if ( rename(tmp, file) )
    {
        unlink(tmp);
        goto fail;
    }
    return;

 fail:
    if ( note && !note[0] )
        xc_dom_errf(note, "kernel cache index %s/index not writable (%s): "
                    "the kernel is hashed again on every create", dir,
                    strerror(errno));
}

/*
 * Keep the entry just written (mapped, its non-zero pages locked) as if
 * it had been looked up: a daemon's first create of a kernel pays for
 * that (next to the unpacking), its second finds it present.
 */
static void keep_stored(const char *dir, const struct xc_dom_kernel *k,
                        const uint8_t sha[32])
{
    struct xc_dom_kernel *t = calloc(1, sizeof(*t));

    if ( !t )
        return;
    memcpy(t->sha256, k->sha256, sizeof(t->sha256));
    if ( cache_lookup(dir, t, sha, false, NULL, t->cache_note) > 0 )
        cache_put(t);
    free(t);
}

int xc_dom_kernel_load(const char *path, const char *cache_dir,
                       struct xc_dom_kernel *k, char *err)
{
    const uint8_t *payload;
    uint8_t sha[32];
    size_t plen;
    struct stat st, est;
    uint64_t t0 = xc_dom_now_ns();
    bool use_cache, trusted = false;
    int fd, rc, hit = 0;
    void *map;

    memset(k, 0, sizeof(*k));
    if ( !cache_dir )
        cache_dir = XC_DOM_CACHE_DIR;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if ( fd < 0 )
    {
        rc = -errno;
        xc_dom_errf(err, "cannot open the kernel %s: %s", path,
                   strerror(errno));
        return rc;
    }
    rc = fstat(fd, &st) ? -errno : 0;
    if ( rc || !S_ISREG(st.st_mode) || !st.st_size )
    {
        close(fd);
        xc_dom_errf(err, "the kernel %s is %s", path,
                   rc ? strerror(-rc) : S_ISREG(st.st_mode) ?
                   "empty" : "not a regular file");
        return rc ? rc : -EINVAL;
    }
    map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if ( map == MAP_FAILED )
    {
        rc = -errno;
        xc_dom_errf(err, "cannot read the kernel %s: %s", path,
                   strerror(errno));
        return rc;
    }
    k->file_map = map;
    k->file_len = st.st_size;

    rc = identify(map, st.st_size, k, &payload, &plen, err);
    if ( rc )
        goto fail;
    /* Only unpacking is worth caching; an ELF is used in place. */
    use_cache = k->payload[0] && cache_dir[0];
    if ( use_cache && index_lookup(cache_dir, path, &st, k) )
    {
        if ( !xc_dom_elf_analyse(k, err) )
            trusted = true;
        else
            cache_put(k);
    }
    if ( use_cache && !trusted &&
         sha256_of(map, st.st_size, sha, k->sha256) )
    {
        xc_dom_errf(k->cache_note, "cannot hash the kernel (OpenSSL): the "
                   "kernel cache is not used");
        use_cache = false;
    }
    if ( trusted )
        hit = 1;
    else if ( use_cache )
    {
        hit = cache_lookup(cache_dir, k, sha, true, &est, k->cache_note);
        if ( hit > 0 && (rc = xc_dom_elf_analyse(k, err)) )
        {
            /* Whole but not loadable: not ours to trust. */
            xc_dom_errf(k->cache_note, "cache entry %s/%s corrupt (%s): "
                       "unpacked again", cache_dir, k->sha256, err);
            cache_put(k);
            hit = -1;
        }
        if ( hit > 0 )
            index_store(cache_dir, path, &st, k, &est, k->cache_note);
    }
    if ( hit <= 0 )
    {
        rc = xc_dom_unpack(payload, plen, k, err);
        if ( !rc )
            rc = xc_dom_elf_analyse(k, err);
        if ( rc )
            goto fail;
        if ( use_cache && !cache_store(cache_dir, k, sha, k->cache_note) )
        {
            char entry[PATH_MAX];

            snprintf(entry, sizeof(entry), "%s/%s", cache_dir, k->sha256);
            if ( !stat(entry, &est) )
                index_store(cache_dir, path, &st, k, &est, k->cache_note);
            keep_stored(cache_dir, k, sha);
        }
    }
    k->cache_hit = hit > 0;
    k->cache_trusted = trusted;
    k->load_ns = xc_dom_now_ns() - t0 - k->unpack_ns;
    return 0;

 fail:
    {
        /* Say which file; keep the reason. */
        char why[XC_DOM_ERRLEN];

        snprintf(why, sizeof(why), "%s", err);
        xc_dom_errf(err, "kernel %s: %s", path, why);
    }
    xc_dom_kernel_release(k);
    return rc;
}
