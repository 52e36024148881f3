/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Crafted little-endian x86 ELF images for the libelf and kernel_image
 * tests: ELF64 or ELF32, two PT_LOAD segments, and a PT_NOTE (or only a
 * SHT_NOTE section) holding a GNU build-id note and the Xen notes.
 */
#ifndef TEST_ELFGEN_H
#define TEST_ELFGEN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GEN_SIZE        0x3000
#define GEN_NOTE_OFF    0x200
#define GEN_LOAD0_OFF   0x1000
#define GEN_LOAD1_OFF   0x2000
#define GEN_ENTRY       0x1000260u

struct elfgen {
    int elf_class;              /* 32 or 64 */
    bool pvh_note;              /* emit XEN_ELFNOTE_PHYS32_ENTRY */
    bool pvh_note64;            /* ... with an 8-byte descriptor */
    bool section_notes_only;    /* SHT_NOTE section, no PT_NOTE */
};

static inline void gen_put(uint8_t *p, uint64_t v, int bytes)
{
    int i;

    for ( i = 0; i < bytes; i++ )
        p[i] = v >> (8 * i);
}

static inline size_t gen_note(uint8_t *p, const char *name, uint32_t type,
                              const void *desc, uint32_t descsz)
{
    uint32_t namesz = strlen(name) + 1;
    size_t off = 12;

    gen_put(p, namesz, 4);
    gen_put(p + 4, descsz, 4);
    gen_put(p + 8, type, 4);
    memcpy(p + off, name, namesz);
    off += (namesz + 3) & ~3u;
    memcpy(p + off, desc, descsz);
    off += (descsz + 3) & ~3u;
    return off;
}

/* A GEN_SIZE-byte image (malloc'd). */
static inline uint8_t *gen_elf(const struct elfgen *g)
{
    uint8_t *p = calloc(1, GEN_SIZE);
    bool e64 = g->elf_class == 64;
    unsigned int phentsize = e64 ? 56 : 32, shentsize = e64 ? 64 : 40;
    unsigned int phnum = g->section_notes_only ? 2 : 3, i;
    size_t phoff = e64 ? 64 : 52, shoff = 0x800, notes = 0;
    uint8_t build_id[20];
    uint8_t entry[8];

    memcpy(p, "\177ELF", 4);
    p[4] = e64 ? 2 : 1;
    p[5] = 1;
    p[6] = 1;
    gen_put(p + 16, 2, 2);                      /* ET_EXEC */
    gen_put(p + 18, e64 ? 62 : 3, 2);
    gen_put(p + 20, 1, 4);
    if ( e64 )
    {
        gen_put(p + 24, 0xffffffff81000000ULL, 8);
        gen_put(p + 32, phoff, 8);
        gen_put(p + 40, shoff, 8);
        gen_put(p + 52, 64, 2);
        gen_put(p + 54, phentsize, 2);
        gen_put(p + 56, phnum, 2);
        gen_put(p + 58, shentsize, 2);
        gen_put(p + 60, 2, 2);
    }
    else
    {
        gen_put(p + 24, 0xc1000000u, 4);
        gen_put(p + 28, phoff, 4);
        gen_put(p + 32, shoff, 4);
        gen_put(p + 40, 52, 2);
        gen_put(p + 42, phentsize, 2);
        gen_put(p + 44, phnum, 2);
        gen_put(p + 46, shentsize, 2);
        gen_put(p + 48, 2, 2);
    }

    /* Notes: GNU build id, then Xen's. */
    for ( i = 0; i < 20; i++ )
        build_id[i] = i * 13;
    notes += gen_note(p + GEN_NOTE_OFF + notes, "GNU", 3, build_id, 20);
    notes += gen_note(p + GEN_NOTE_OFF + notes, "Xen", 6, "linux", 6);
    notes += gen_note(p + GEN_NOTE_OFF + notes, "Xen", 7, "2.6", 4);
    notes += gen_note(p + GEN_NOTE_OFF + notes, "Xen", 5, "xen-3.0", 8);
    notes += gen_note(p + GEN_NOTE_OFF + notes, "Xen", 8, "generic", 8);
    if ( g->pvh_note )
    {
        gen_put(entry, GEN_ENTRY, 8);
        notes += gen_note(p + GEN_NOTE_OFF + notes, "Xen", 18, entry,
                          g->pvh_note64 ? 8 : 4);
    }

    /* PT_LOAD 0: 0x1000 bytes at 16M; PT_LOAD 1: 0x800 of 0x4000 (bss). */
    for ( i = 0; i < phnum; i++ )
    {
        uint8_t *ph = p + phoff + i * phentsize;
        uint64_t type = 1, off, addr, filesz, memsz, align = 0x1000;

        if ( i == 0 )
        {
            off = GEN_LOAD0_OFF;
            addr = 0x1000000;
            filesz = memsz = 0x1000;
        }
        else if ( i == 1 )
        {
            off = GEN_LOAD1_OFF;
            addr = 0x1200000;
            filesz = 0x800;
            memsz = 0x4000;
        }
        else
        {
            type = 4;
            off = GEN_NOTE_OFF;
            addr = 0;
            filesz = memsz = notes;
            align = 4;
        }
        gen_put(ph, type, 4);
        if ( e64 )
        {
            gen_put(ph + 4, 5, 4);
            gen_put(ph + 8, off, 8);
            gen_put(ph + 16, addr + 0xffffffff80000000ULL, 8);
            gen_put(ph + 24, addr, 8);
            gen_put(ph + 32, filesz, 8);
            gen_put(ph + 40, memsz, 8);
            gen_put(ph + 48, align, 8);
        }
        else
        {
            gen_put(ph + 4, off, 4);
            gen_put(ph + 8, addr + 0xc0000000u, 4);
            gen_put(ph + 12, addr, 4);
            gen_put(ph + 16, filesz, 4);
            gen_put(ph + 20, memsz, 4);
            gen_put(ph + 24, 5, 4);
            gen_put(ph + 28, align, 4);
        }
    }

    /* Section 0 is null; section 1 is the notes (SHT_NOTE). */
    {
        uint8_t *sh = p + shoff + shentsize;

        gen_put(sh + 4, 7, 4);
        if ( e64 )
        {
            gen_put(sh + 24, GEN_NOTE_OFF, 8);
            gen_put(sh + 32, notes, 8);
            gen_put(sh + 48, 4, 8);
        }
        else
        {
            gen_put(sh + 16, GEN_NOTE_OFF, 4);
            gen_put(sh + 20, notes, 4);
            gen_put(sh + 32, 4, 4);
        }
    }

    /* Recognisable segment contents. */
    for ( i = 0; i < 0x1000; i++ )
        p[GEN_LOAD0_OFF + i] = i * 7 + 1;
    for ( i = 0; i < 0x800; i++ )
        p[GEN_LOAD1_OFF + i] = i * 3 + 2;
    return p;
}

#endif
