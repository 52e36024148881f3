/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dom0 kernel as an ELF image in memory, whatever shape the boot
 * loader handed it over in:
 *
 *   - a Linux bzImage (boot protocol >= 2.08): the compressed vmlinux at
 *     payload_offset/payload_length (setup header 0x248/0x24c) is
 *     decompressed (gzip or xz);
 *   - an ELF vmlinux, used in place;
 *   - a gzip- or xz-compressed ELF vmlinux, decompressed.
 *
 * Decompressed images live in one xenheap block sized from the format's
 * own size record (xz index, gzip ISIZE, Linux's appended size).  The
 * analysis then lists the PT_LOAD segments and reads the Xen notes: a PVH
 * dom0 needs XEN_ELFNOTE_PHYS32_ENTRY.
 *
 * The dom0 builder uses it as:
 *
 *     struct kernel_image *ki = &dom0_kernel;    (filled at boot), or
 *     rc = kernel_image_load_info(&boot_info.mods[0], &ki);
 *     ... allocate guest memory covering [ki.paddr_min, ki.paddr_max) ...
 *     rc = kernel_image_copy_segments(&ki, copy_to_guest_phys, d);
 *     start the vCPU at ki.pvh_entry (32-bit, paging off, %ebx = start
 *     info), then kernel_image_release(&ki) to return the buffer.
 */
#ifndef ASM_KERNEL_IMAGE_H
#define ASM_KERNEL_IMAGE_H

#include <xen/types.h>
#include <xen/bootinfo.h>
#include <xen/libelf.h>

#define KERNEL_MAX_SEGMENTS 16

struct kernel_segment {
    u64 paddr;          /* guest-physical load address (p_paddr) */
    u64 vaddr;          /* p_vaddr, for the log */
    u64 offset;         /* of the bytes in the ELF image */
    u64 filesz;         /* bytes copied from the image */
    u64 memsz;          /* filesz, then zeros up to memsz (.bss) */
};

struct kernel_image {
    const char *container;      /* "bzImage", "ELF", "gzip", "xz" */
    const char *payload;        /* "xz"/"gzip" if decompressed, else NULL */
    const u8 *elf;              /* the ELF image, in buf or in the module */
    size_t elf_len;
    void *buf;                  /* xenheap block holding it, or NULL */
    unsigned int buf_order;
    u64 decompress_ns;

    unsigned int elf_class;     /* 32 or 64 */
    unsigned int nr_segments;
    struct kernel_segment seg[KERNEL_MAX_SEGMENTS];
    u64 paddr_min, paddr_max;   /* span of the PT_LOAD segments */
    u64 elf_entry;              /* e_entry (a virtual address) */
    bool have_pvh_entry;
    u32 pvh_entry;              /* XEN_ELFNOTE_PHYS32_ENTRY */
    struct elf_xen_notes notes;

    const char *err;            /* why the last call failed */
};

/*
 * Analyse the bytes of a kernel module.  On success fills *ki (releasing
 * it is the caller's job even on failure).  Errors: -EINVAL (corrupt or
 * unknown format), -ENOMEM, -EOPNOTSUPP, and -ENOENT for a valid kernel
 * without a PVH entry point; ki->err says which in words.
 */
int kernel_image_analyse(const void *data, size_t size,
                         struct kernel_image *ki);

/* The same for a boot module (read through the direct map). */
int kernel_image_load_info(const struct boot_module *m,
                           struct kernel_image *ki);

/*
 * Place the segments: for each one, copy(ctx, paddr, src, len) with the
 * file bytes, then copy(ctx, paddr + filesz, NULL, memsz - filesz) to
 * zero the rest (src == NULL means zero-fill).  Segments go in program
 * header order; a nonzero return from copy stops and is returned.
 */
typedef int (*kernel_copy_fn)(void *ctx, u64 paddr, const void *src,
                              u64 len);
int kernel_image_copy_segments(const struct kernel_image *ki,
                               kernel_copy_fn copy, void *ctx);

/* Free the decompression buffer (if any) and clear *ki. */
void kernel_image_release(struct kernel_image *ki);

/*
 * Boot: analyse module 0 and print "Dom0 kernel: ..." (setup.c, after
 * bootmod_identify()).  The result stays in dom0_kernel for the builder;
 * dom0_kernel_ok says whether it is usable.
 */
extern struct kernel_image dom0_kernel;
extern bool dom0_kernel_ok;
void kernel_image_boot_probe(void);

#endif /* ASM_KERNEL_IMAGE_H */
