/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot module identification: what did the loader give us?  Module 0 is
 * the dom0 kernel, module 1 its initrd.  bootmod_probe() looks only at
 * the bytes it is handed and never reads past size, so a truncated or
 * garbage module is reported, never faulted on; it is pure and is unit
 * tested on the host.
 */
#ifndef ASM_BOOTMOD_H
#define ASM_BOOTMOD_H

#include <xen/types.h>

enum bootmod_format {
    BOOTMOD_UNKNOWN,
    BOOTMOD_EMPTY,
    BOOTMOD_ELF,
    BOOTMOD_BZIMAGE,        /* Linux x86 boot protocol image */
    BOOTMOD_CPIO,           /* cpio "newc" (070701) or "crc" (070702) */
    BOOTMOD_GZIP,
    BOOTMOD_XZ,
    BOOTMOD_ZSTD,
    BOOTMOD_BZIP2,
    BOOTMOD_LZMA,
    BOOTMOD_LZO,
    BOOTMOD_LZ4,
};

struct bootmod_info {
    enum bootmod_format format;
    /* The headers describe more bytes than the module holds. */
    bool truncated;

    /* BOOTMOD_ELF */
    unsigned int elf_class;         /* 32 or 64; 0 if invalid */
    bool elf_big_endian;
    bool elf_ids;                   /* e_type and e_machine were read */
    unsigned int elf_type;          /* ET_* */
    unsigned int elf_machine;       /* EM_* */

    /* BOOTMOD_BZIMAGE */
    unsigned int boot_protocol;     /* 0x020f is 2.15 */
    bool zimage;                    /* loaded low (not LOADED_HIGH) */
    enum bootmod_format payload_format;    /* UNKNOWN if not found */
    u64 payload_offset;             /* from the start of the module */
    u64 payload_length;
    char kernel_version[48];        /* first word of kernel_version */

    /* BOOTMOD_CPIO: entries up to TRAILER!!!, and what follows it. */
    unsigned int cpio_entries;
    bool cpio_trailer;
    bool cpio_trailing;             /* non-zero bytes after the trailer */
    enum bootmod_format cpio_next;  /* what they are (or UNKNOWN) */

    /* BOOTMOD_GZIP: the FNAME field, if the member has one. */
    char gzip_name[48];
};

/* Identify a module from its bytes.  Fills *info; never reads past size. */
void bootmod_probe(const void *data, u64 size, struct bootmod_info *info);

/*
 * One-line description ("Linux bzImage 6.1.0-18-amd64 (boot protocol
 * 2.15), xz payload 7820KB").  Returns buf.
 */
char *bootmod_describe(const struct bootmod_info *info, char *buf,
                       size_t len);

/* Short name of a format: "gzip", "xz", "ELF", ... */
const char *bootmod_format_name(enum bootmod_format fmt);

/* Print one line per boot_info module (setup.c, after the memory map). */
void bootmod_identify(void);

#endif /* ASM_BOOTMOD_H */
