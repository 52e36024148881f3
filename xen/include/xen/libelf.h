/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small, bounds-checked ELF reader for guest kernels: ELF64 and ELF32
 * little-endian images for x86_64 and i386, their program headers and
 * their notes (PT_NOTE segments, or SHT_NOTE sections when an image has
 * no PT_NOTE), with the Xen notes a PVH dom0 builder needs.
 *
 * Every offset and size read from the image is checked against the
 * image's length (with overflow checks) before anything behind it is
 * read; a malformed image yields -EINVAL and a message, never a fault.
 */
#ifndef XEN_LIBELF_H
#define XEN_LIBELF_H

#include <xen/types.h>

#define ELF_PT_LOAD     1
#define ELF_PT_NOTE     4
#define ELF_SHT_NOTE    7
#define ELF_EM_386      3
#define ELF_EM_X86_64   62
#define ELF_ET_EXEC     2
#define ELF_ET_DYN      3

/* Xen ELF note types (public/elfnote.h), in notes named "Xen". */
#define XEN_ELFNOTE_ENTRY          1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE      3
#define XEN_ELFNOTE_PADDR_OFFSET   4
#define XEN_ELFNOTE_XEN_VERSION    5
#define XEN_ELFNOTE_GUEST_OS       6
#define XEN_ELFNOTE_GUEST_VERSION  7
#define XEN_ELFNOTE_LOADER         8
#define XEN_ELFNOTE_FEATURES       10
#define XEN_ELFNOTE_PHYS32_ENTRY   18

struct elf_binary {
    const u8 *image;
    size_t size;
    unsigned int elf_class;         /* 32 or 64 */
    unsigned int type;              /* ET_* */
    unsigned int machine;           /* EM_* */
    u64 entry;
    u64 phoff, shoff;
    unsigned int phnum, phentsize;
    unsigned int shnum, shentsize;
};

/* A program header, widened to 64 bits. */
struct elf_phdr {
    u32 type, flags;
    u64 offset, vaddr, paddr, filesz, memsz, align;
};

/*
 * Check the ELF header and the program/section header tables' placement.
 * Returns 0 or -EINVAL / -EOPNOTSUPP (big-endian, other machines) with a
 * message in *err.
 */
int elf_init(struct elf_binary *elf, const void *image, size_t size,
             const char **err);

/*
 * Program header i (< elf->phnum).  For PT_LOAD and PT_NOTE also checks
 * that [offset, offset + filesz) lies in the image and filesz <= memsz.
 */
int elf_get_phdr(const struct elf_binary *elf, unsigned int i,
                 struct elf_phdr *ph, const char **err);

/*
 * Call fn for every note of the PT_NOTE segments, or of the SHT_NOTE
 * sections if there is no PT_NOTE.  name is the note's name (namesz bytes,
 * normally NUL-terminated), desc its descriptor.  A nonzero return from fn
 * stops the walk and is returned.  Malformed notes give -EINVAL.
 */
typedef int (*elf_note_fn)(void *ctx, const char *name, u32 namesz,
                           u32 type, const u8 *desc, u32 descsz);
int elf_for_each_note(const struct elf_binary *elf, elf_note_fn fn,
                      void *ctx, const char **err);

/* The Xen notes a dom0 builder looks at. */
struct elf_xen_notes {
    bool have_phys32_entry;
    u32 phys32_entry;               /* XEN_ELFNOTE_PHYS32_ENTRY */
    bool have_entry;
    u64 entry;                      /* XEN_ELFNOTE_ENTRY (PV) */
    char guest_os[16];              /* "linux" */
    char guest_version[16];         /* "2.6" */
    char xen_version[16];           /* "xen-3.0" */
    char loader[16];                /* "generic" */
    unsigned int nr_xen_notes;
};

int elf_xen_parse_notes(const struct elf_binary *elf,
                        struct elf_xen_notes *xn, const char **err);

#endif /* XEN_LIBELF_H */
