/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot module identification.  The probe is pure (bytes in, struct out)
 * and bounded by the module size everywhere, so it is built on the host
 * too (KEEL_HOST_TEST) for the unit tests; only bootmod_identify()
 * touches boot_info and the console.
 *
 * Formats follow their own specifications: ELF (System V gABI),
 * Linux/x86 boot protocol (Documentation/arch/x86/boot.rst), gzip (RFC
 * 1952), cpio "newc" (cpio(5)); compressed payloads are recognised by the
 * magic numbers the Linux decompressors check.
 */
#include <xen/lib.h>
#include <xen/stdarg.h>
#include <asm/bootmod.h>
#ifndef KEEL_HOST_TEST
#include <xen/console.h>
#include <xen/bootinfo.h>
#endif

/* --- bounded readers --------------------------------------------------- */

struct blob {
    const u8 *p;
    u64 size;
};

static bool has(const struct blob *b, u64 off, u64 len)
{
    return off <= b->size && len <= b->size - off;
}

static unsigned int get8(const struct blob *b, u64 off)
{
    return has(b, off, 1) ? b->p[off] : 0;
}

static unsigned int get16(const struct blob *b, u64 off)
{
    return get8(b, off) | (get8(b, off + 1) << 8);
}

static u32 get32(const struct blob *b, u64 off)
{
    return get16(b, off) | ((u32)get16(b, off + 2) << 16);
}

static bool match(const struct blob *b, u64 off, const void *magic,
                  size_t len)
{
    return has(b, off, len) && !memcmp(b->p + off, magic, len);
}

/* Copy a printable, NUL- or space-terminated word starting at off. */
static void get_word(const struct blob *b, u64 off, char *dst, size_t len)
{
    size_t i = 0;

    while ( i + 1 < len && has(b, off + i, 1) )
    {
        u8 c = b->p[off + i];

        if ( c <= ' ' || c > '~' )
            break;
        dst[i++] = c;
    }
    dst[i] = '\0';
}

/* --- compression and archive magics ------------------------------------ */

static enum bootmod_format detect_magic(const struct blob *b, u64 off)
{
    static const u8 gzip[] = { 0x1f, 0x8b };
    static const u8 xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
    static const u8 zstd[] = { 0x28, 0xb5, 0x2f, 0xfd };
    static const u8 lzo[] = { 0x89, 'L', 'Z', 'O', 0x00, '\r', '\n', 0x1a,
                              '\n' };
    static const u8 lz4_legacy[] = { 0x02, 0x21, 0x4c, 0x18 };
    static const u8 lz4_frame[] = { 0x04, 0x22, 0x4d, 0x18 };
    static const u8 lzma[] = { 0x5d, 0x00, 0x00 };
    static const u8 elf[] = { 0x7f, 'E', 'L', 'F' };

    if ( match(b, off, gzip, sizeof(gzip)) )
        return BOOTMOD_GZIP;
    if ( match(b, off, xz, sizeof(xz)) )
        return BOOTMOD_XZ;
    if ( match(b, off, zstd, sizeof(zstd)) )
        return BOOTMOD_ZSTD;
    if ( match(b, off, "BZh", 3) && get8(b, off + 3) >= '1' &&
         get8(b, off + 3) <= '9' )
        return BOOTMOD_BZIP2;
    if ( match(b, off, lzo, sizeof(lzo)) )
        return BOOTMOD_LZO;
    if ( match(b, off, lz4_legacy, sizeof(lz4_legacy)) ||
         match(b, off, lz4_frame, sizeof(lz4_frame)) )
        return BOOTMOD_LZ4;
    if ( match(b, off, lzma, sizeof(lzma)) )
        return BOOTMOD_LZMA;
    if ( match(b, off, "070701", 6) || match(b, off, "070702", 6) )
        return BOOTMOD_CPIO;
    if ( match(b, off, elf, sizeof(elf)) )
        return BOOTMOD_ELF;

    return BOOTMOD_UNKNOWN;
}

/* --- ELF ---------------------------------------------------------------- */

#define EI_CLASS    4
#define EI_DATA     5
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2MSB 2
#define ELF_E_TYPE  16
#define ELF_E_MACHINE 18

static void probe_elf(const struct blob *b, struct bootmod_info *info)
{
    unsigned int class = get8(b, EI_CLASS);

    info->elf_class = class == ELFCLASS32 ? 32 : class == ELFCLASS64 ? 64 : 0;
    info->elf_big_endian = get8(b, EI_DATA) == ELFDATA2MSB;
    if ( !has(b, 0, ELF_E_MACHINE + 2) )
    {
        info->truncated = true;
        return;
    }
    info->elf_ids = true;
    if ( info->elf_big_endian )
    {
        info->elf_type = (get8(b, ELF_E_TYPE) << 8) | get8(b, ELF_E_TYPE + 1);
        info->elf_machine = (get8(b, ELF_E_MACHINE) << 8) |
                            get8(b, ELF_E_MACHINE + 1);
    }
    else
    {
        info->elf_type = get16(b, ELF_E_TYPE);
        info->elf_machine = get16(b, ELF_E_MACHINE);
    }
    /* The header itself: 52 bytes for ELF32, 64 for ELF64. */
    if ( !has(b, 0, info->elf_class == 32 ? 52 : 64) )
        info->truncated = true;
}

/* --- Linux/x86 boot protocol ------------------------------------------- */

#define BZ_SETUP_SECTS      0x1f1
#define BZ_HEADER           0x202   /* "HdrS" */
#define BZ_VERSION          0x206
#define BZ_KERNEL_VERSION   0x20e
#define BZ_LOADFLAGS        0x211
#define BZ_LOADED_HIGH      0x01
#define BZ_PAYLOAD_OFFSET   0x248   /* protocol 2.08+ */
#define BZ_PAYLOAD_LENGTH   0x24c

static bool is_bzimage(const struct blob *b)
{
    return match(b, BZ_HEADER, "HdrS", 4) && has(b, 0, BZ_VERSION + 2);
}

static void probe_bzimage(const struct blob *b, struct bootmod_info *info)
{
    unsigned int setup_sects = get8(b, BZ_SETUP_SECTS);
    unsigned int kver = get16(b, BZ_KERNEL_VERSION);
    u64 pm_start;

    info->boot_protocol = get16(b, BZ_VERSION);
    info->zimage = !(get8(b, BZ_LOADFLAGS) & BZ_LOADED_HIGH);
    info->payload_format = BOOTMOD_UNKNOWN;

    /* boot.rst: setup_sects 0 means 4; kernel_version is relative to 0x200. */
    if ( !setup_sects )
        setup_sects = 4;
    pm_start = (u64)(setup_sects + 1) * 512;

    if ( info->boot_protocol >= 0x200 && kver )
        get_word(b, kver + 0x200, info->kernel_version,
                 sizeof(info->kernel_version));

    if ( !has(b, 0, pm_start) )
    {
        info->truncated = true;
        return;
    }
    if ( info->boot_protocol < 0x208 )
        return;
    if ( !has(b, 0, BZ_PAYLOAD_LENGTH + 4) )
    {
        info->truncated = true;
        return;
    }

    info->payload_offset = pm_start + get32(b, BZ_PAYLOAD_OFFSET);
    info->payload_length = get32(b, BZ_PAYLOAD_LENGTH);
    if ( !has(b, info->payload_offset, info->payload_length) )
        info->truncated = true;
    info->payload_format = detect_magic(b, info->payload_offset);
}

/* --- gzip (RFC 1952, 2.3) ----------------------------------------------- */

#define GZ_FEXTRA   0x04
#define GZ_FNAME    0x08

static void probe_gzip(const struct blob *b, struct bootmod_info *info)
{
    unsigned int flags = get8(b, 3);
    u64 off = 10;

    if ( !has(b, 0, 10) )
    {
        info->truncated = true;
        return;
    }
    if ( flags & GZ_FEXTRA )
        off += 2 + get16(b, off);
    if ( flags & GZ_FNAME )
        get_word(b, off, info->gzip_name, sizeof(info->gzip_name));
}

/* --- cpio newc (cpio(5)) ------------------------------------------------ */

#define CPIO_HDR_LEN        110
#define CPIO_FILESIZE       54
#define CPIO_NAMESIZE       94

static bool cpio_hex(const struct blob *b, u64 off, u32 *val)
{
    unsigned int i;
    u32 v = 0;

    if ( !has(b, off, 8) )
        return false;
    for ( i = 0; i < 8; i++ )
    {
        u8 c = b->p[off + i];

        if ( c >= '0' && c <= '9' )
            v = (v << 4) | (c - '0');
        else if ( c >= 'a' && c <= 'f' )
            v = (v << 4) | (c - 'a' + 10);
        else if ( c >= 'A' && c <= 'F' )
            v = (v << 4) | (c - 'A' + 10);
        else
            return false;
    }
    *val = v;
    return true;
}

/*
 * Walk the headers (cheap: no data is read) up to TRAILER!!!.  Debian's
 * initrds are an uncompressed early cpio (CPU microcode) followed by a
 * compressed one, so look past the trailer and its zero padding too.
 */
static void probe_cpio(const struct blob *b, struct bootmod_info *info)
{
    u64 off = 0;

    info->cpio_next = BOOTMOD_UNKNOWN;
    for ( ; ; )
    {
        u32 namesize, filesize;

        if ( !match(b, off, "07070", 5) ||
             (get8(b, off + 5) != '1' && get8(b, off + 5) != '2') ||
             !cpio_hex(b, off + CPIO_FILESIZE, &filesize) ||
             !cpio_hex(b, off + CPIO_NAMESIZE, &namesize) )
        {
            info->truncated = true;
            return;
        }

        if ( namesize == 11 &&
             match(b, off + CPIO_HDR_LEN, "TRAILER!!!", 11) )
        {
            info->cpio_trailer = true;
            off = ROUNDUP(off + CPIO_HDR_LEN + namesize, (u64)4);
            break;
        }

        off = ROUNDUP(off + CPIO_HDR_LEN + namesize, (u64)4);
        off = ROUNDUP(off + filesize, (u64)4);
        if ( !has(b, 0, off) )
        {
            info->truncated = true;
            return;
        }
        info->cpio_entries++;
    }

    while ( has(b, off, 1) && b->p[off] == 0 )
        off++;
    if ( !has(b, off, 1) )
        return;

    info->cpio_trailing = true;
    info->cpio_next = detect_magic(b, off);
    if ( info->cpio_next == BOOTMOD_CPIO )
    {
        /* Another uncompressed archive: count its entries as well. */
        struct blob rest = { b->p + off, b->size - off };

        info->cpio_trailer = false;
        info->cpio_trailing = false;
        probe_cpio(&rest, info);
    }
}

/* --- entry points -------------------------------------------------------- */

void bootmod_probe(const void *data, u64 size, struct bootmod_info *info)
{
    struct blob b = { data, data ? size : 0 };

    memset(info, 0, sizeof(*info));

    if ( !b.size )
    {
        info->format = BOOTMOD_EMPTY;
        return;
    }

    /* bzImage first: it may also carry an "MZ" PE header for EFI. */
    if ( is_bzimage(&b) )
    {
        info->format = BOOTMOD_BZIMAGE;
        probe_bzimage(&b, info);
        return;
    }

    info->format = detect_magic(&b, 0);
    switch ( info->format )
    {
    case BOOTMOD_ELF:
        probe_elf(&b, info);
        break;
    case BOOTMOD_GZIP:
        probe_gzip(&b, info);
        break;
    case BOOTMOD_CPIO:
        probe_cpio(&b, info);
        break;
    default:
        break;
    }
}

const char *bootmod_format_name(enum bootmod_format fmt)
{
    switch ( fmt )
    {
    case BOOTMOD_EMPTY:   return "empty";
    case BOOTMOD_ELF:     return "ELF";
    case BOOTMOD_BZIMAGE: return "bzImage";
    case BOOTMOD_CPIO:    return "cpio";
    case BOOTMOD_GZIP:    return "gzip";
    case BOOTMOD_XZ:      return "xz";
    case BOOTMOD_ZSTD:    return "zstd";
    case BOOTMOD_BZIP2:   return "bzip2";
    case BOOTMOD_LZMA:    return "lzma";
    case BOOTMOD_LZO:     return "lzo";
    case BOOTMOD_LZ4:     return "lz4";
    case BOOTMOD_UNKNOWN: break;
    }
    return "unknown";
}

static bool is_compression(enum bootmod_format fmt)
{
    return fmt >= BOOTMOD_GZIP;
}

struct sbuf {
    char *buf;
    size_t len, pos;
};

static void __printf(2, 3) add(struct sbuf *s, const char *fmt, ...)
{
    va_list args;
    int n;

    if ( s->pos + 1 >= s->len )
        return;
    va_start(args, fmt);
    n = vsnprintf(s->buf + s->pos, s->len - s->pos, fmt, args);
    va_end(args);
    if ( n > 0 )
        s->pos = min(s->pos + (size_t)n, s->len - 1);
}

static const char *elf_type_name(unsigned int type)
{
    switch ( type )
    {
    case 1: return "relocatable";
    case 2: return "executable";
    case 3: return "shared object";
    case 4: return "core file";
    }
    return "unknown type";
}

static void describe_elf(const struct bootmod_info *info, struct sbuf *s)
{
    if ( !info->elf_class )
    {
        add(s, "ELF (invalid class)");
        return;
    }
    add(s, "ELF %u-bit %s", info->elf_class,
        info->elf_big_endian ? "MSB" : "LSB");
    if ( !info->elf_ids )
        return;
    switch ( info->elf_machine )
    {
    case 3:  add(s, " i386"); break;
    case 62: add(s, " x86-64"); break;
    default: add(s, " machine %u", info->elf_machine); break;
    }
    add(s, " %s", elf_type_name(info->elf_type));
}

static void describe_bzimage(const struct bootmod_info *info, struct sbuf *s)
{
    add(s, "Linux %s", info->zimage ? "zImage" : "bzImage");
    if ( info->kernel_version[0] )
        add(s, " %s", info->kernel_version);
    add(s, " (boot protocol %u.%02u)", info->boot_protocol >> 8,
        info->boot_protocol & 0xff);
    if ( info->boot_protocol < 0x208 || !info->payload_length )
        return;
    if ( is_compression(info->payload_format) )
        add(s, ", %s payload", bootmod_format_name(info->payload_format));
    else
        add(s, ", unrecognised payload");
    add(s, " %lluKB",
        (unsigned long long)(info->payload_length + 1023) / 1024);
}

static void describe_cpio(const struct bootmod_info *info, struct sbuf *s)
{
    add(s, "cpio newc archive (%u entr%s)", info->cpio_entries,
        info->cpio_entries == 1 ? "y" : "ies");
    if ( is_compression(info->cpio_next) )
        add(s, " + %s-compressed data",
            bootmod_format_name(info->cpio_next));
    else if ( info->cpio_next != BOOTMOD_UNKNOWN )
        add(s, " + %s data", bootmod_format_name(info->cpio_next));
    else if ( info->cpio_trailing )
        add(s, " + unknown data");
}

char *bootmod_describe(const struct bootmod_info *info, char *buf,
                       size_t len)
{
    struct sbuf s = { buf, len, 0 };

    if ( !len )
        return buf;
    buf[0] = '\0';

    switch ( info->format )
    {
    case BOOTMOD_EMPTY:
        add(&s, "empty");
        break;
    case BOOTMOD_ELF:
        describe_elf(info, &s);
        break;
    case BOOTMOD_BZIMAGE:
        describe_bzimage(info, &s);
        break;
    case BOOTMOD_CPIO:
        describe_cpio(info, &s);
        break;
    case BOOTMOD_GZIP:
        add(&s, "gzip-compressed data");
        if ( info->gzip_name[0] )
            add(&s, " (was \"%s\")", info->gzip_name);
        break;
    case BOOTMOD_UNKNOWN:
        add(&s, "unknown format");
        break;
    default:
        add(&s, "%s-compressed data", bootmod_format_name(info->format));
        break;
    }

    if ( info->truncated )
        add(&s, ", truncated");

    return buf;
}

#ifndef KEEL_HOST_TEST

/* Multiboot places modules below 4 GiB, which head.S identity-maps. */
#define MODULE_MAPPED_LIMIT (1ull << 32)

static const char *module_role(unsigned int i)
{
    switch ( i )
    {
    case 0: return "dom0 kernel";
    case 1: return "initrd";
    }
    return "extra module";
}

void bootmod_identify(void)
{
    unsigned int i;

    if ( !boot_info.nr_modules )
    {
        printk(XENLOG_WARNING "No boot modules: no dom0 kernel was given\n");
        return;
    }

    for ( i = 0; i < boot_info.nr_modules; i++ )
    {
        const struct boot_module *m = &boot_info.mods[i];
        struct bootmod_info info;
        char desc[160];
        u64 end = m->start + m->size;

        if ( end > MODULE_MAPPED_LIMIT || end < m->start )
            snprintf(desc, sizeof(desc), "not mapped (above 4GB)");
        else
        {
            bootmod_probe((const void *)(uintptr_t)m->start, m->size, &info);
            bootmod_describe(&info, desc, sizeof(desc));
        }

        printk("Module %u: [%#llx-%#llx) %lluKB %s: %s cmdline: \"%s\"\n",
               i, (unsigned long long)m->start, (unsigned long long)end,
               (unsigned long long)(m->size + 1023) / 1024, module_role(i),
               desc, m->cmdline ? m->cmdline : "");
    }
}

#endif /* KEEL_HOST_TEST */
