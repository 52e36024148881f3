/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bounds-checked ELF reader (see xen/libelf.h).  Field offsets follow the
 * System V gABI: ELF32 and ELF64 headers differ only in field widths and
 * positions, so each accessor picks the layout from elf_class.
 */
#include <xen/libelf.h>
#include <xen/errno.h>
#include <xen/lib.h>

static u16 rd16(const u8 *p)
{
    return p[0] | (p[1] << 8);
}

static u32 rd32(const u8 *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((u32)p[3] << 24);
}

static u64 rd64(const u8 *p)
{
    return rd32(p) | ((u64)rd32(p + 4) << 32);
}

/* Is [off, off + len) inside the image? */
static bool in_image(const struct elf_binary *elf, u64 off, u64 len)
{
    return off <= elf->size && len <= elf->size - off;
}

static void set_err(const char **err, const char *msg)
{
    if ( err )
        *err = msg;
}

int elf_init(struct elf_binary *elf, const void *image, size_t size,
             const char **err)
{
    const u8 *p = image;
    unsigned int ehsize;

    memset(elf, 0, sizeof(*elf));
    elf->image = p;
    elf->size = size;

    if ( size < 16 || p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' ||
         p[3] != 'F' )
    {
        set_err(err, "ELF: bad magic");
        return -EINVAL;
    }
    if ( p[4] != 1 && p[4] != 2 )
    {
        set_err(err, "ELF: bad class");
        return -EINVAL;
    }
    if ( p[5] != 1 )
    {
        set_err(err, "ELF: not little-endian");
        return -EOPNOTSUPP;
    }
    elf->elf_class = p[4] == 2 ? 64 : 32;
    ehsize = elf->elf_class == 64 ? 64 : 52;
    if ( size < ehsize )
    {
        set_err(err, "ELF: truncated header");
        return -EINVAL;
    }

    elf->type = rd16(p + 16);
    elf->machine = rd16(p + 18);
    if ( elf->elf_class == 64 )
    {
        elf->entry = rd64(p + 24);
        elf->phoff = rd64(p + 32);
        elf->shoff = rd64(p + 40);
        elf->phentsize = rd16(p + 54);
        elf->phnum = rd16(p + 56);
        elf->shentsize = rd16(p + 58);
        elf->shnum = rd16(p + 60);
    }
    else
    {
        elf->entry = rd32(p + 24);
        elf->phoff = rd32(p + 28);
        elf->shoff = rd32(p + 32);
        elf->phentsize = rd16(p + 42);
        elf->phnum = rd16(p + 44);
        elf->shentsize = rd16(p + 46);
        elf->shnum = rd16(p + 48);
    }

    if ( elf->machine != (elf->elf_class == 64 ? ELF_EM_X86_64 : ELF_EM_386) )
    {
        set_err(err, "ELF: not an x86 image of its class");
        return -EOPNOTSUPP;
    }
    if ( elf->type != ELF_ET_EXEC && elf->type != ELF_ET_DYN )
    {
        set_err(err, "ELF: not an executable");
        return -EINVAL;
    }
    if ( elf->phnum &&
         (elf->phentsize < (elf->elf_class == 64 ? 56U : 32U) ||
          !in_image(elf, elf->phoff, (u64)elf->phnum * elf->phentsize)) )
    {
        set_err(err, "ELF: program headers outside the image");
        return -EINVAL;
    }
    /* Section headers are optional: ignore a table that does not fit. */
    if ( elf->shnum &&
         (elf->shentsize < (elf->elf_class == 64 ? 64U : 40U) ||
          !in_image(elf, elf->shoff, (u64)elf->shnum * elf->shentsize)) )
        elf->shnum = 0;
    return 0;
}

int elf_get_phdr(const struct elf_binary *elf, unsigned int i,
                 struct elf_phdr *ph, const char **err)
{
    const u8 *p;

    if ( i >= elf->phnum )
    {
        set_err(err, "ELF: no such program header");
        return -EINVAL;
    }
    p = elf->image + elf->phoff + (u64)i * elf->phentsize;
    ph->type = rd32(p);
    if ( elf->elf_class == 64 )
    {
        ph->flags = rd32(p + 4);
        ph->offset = rd64(p + 8);
        ph->vaddr = rd64(p + 16);
        ph->paddr = rd64(p + 24);
        ph->filesz = rd64(p + 32);
        ph->memsz = rd64(p + 40);
        ph->align = rd64(p + 48);
    }
    else
    {
        ph->offset = rd32(p + 4);
        ph->vaddr = rd32(p + 8);
        ph->paddr = rd32(p + 12);
        ph->filesz = rd32(p + 16);
        ph->memsz = rd32(p + 20);
        ph->flags = rd32(p + 24);
        ph->align = rd32(p + 28);
    }
    if ( ph->type == ELF_PT_LOAD || ph->type == ELF_PT_NOTE )
    {
        if ( !in_image(elf, ph->offset, ph->filesz) )
        {
            set_err(err, "ELF: segment outside the image");
            return -EINVAL;
        }
        if ( ph->type == ELF_PT_LOAD &&
             (ph->filesz > ph->memsz || ph->paddr + ph->memsz < ph->paddr) )
        {
            set_err(err, "ELF: bad segment sizes");
            return -EINVAL;
        }
    }
    return 0;
}

/* Notes in image[off, off + len), entries aligned to align (4 or 8). */
static int walk_notes(const struct elf_binary *elf, u64 off, u64 len,
                      unsigned int align, elf_note_fn fn, void *ctx,
                      const char **err)
{
    const u8 *p = elf->image + off;
    u64 pos = 0;

    while ( len - pos >= 12 )
    {
        u32 namesz = rd32(p + pos), descsz = rd32(p + pos + 4);
        u32 type = rd32(p + pos + 8);
        u64 mask = align - 1;
        u64 name_off = pos + 12;
        u64 desc_off = name_off + (((u64)namesz + mask) & ~mask);
        u64 next = desc_off + (((u64)descsz + mask) & ~mask);
        int rc;

        if ( name_off + namesz > len || desc_off + descsz > len )
        {
            set_err(err, "ELF: note runs past its segment");
            return -EINVAL;
        }
        rc = fn(ctx, (const char *)p + name_off, namesz, type, p + desc_off,
                descsz);
        if ( rc )
            return rc;
        if ( next >= len )
            break;
        pos = next;
    }
    return 0;
}

int elf_for_each_note(const struct elf_binary *elf, elf_note_fn fn,
                      void *ctx, const char **err)
{
    unsigned int i, found = 0;
    int rc;

    for ( i = 0; i < elf->phnum; i++ )
    {
        struct elf_phdr ph;

        rc = elf_get_phdr(elf, i, &ph, err);
        if ( rc )
            return rc;
        if ( ph.type != ELF_PT_NOTE )
            continue;
        found++;
        rc = walk_notes(elf, ph.offset, ph.filesz, ph.align == 8 ? 8 : 4,
                        fn, ctx, err);
        if ( rc )
            return rc;
    }
    if ( found )
        return 0;

    for ( i = 0; i < elf->shnum; i++ )
    {
        const u8 *s = elf->image + elf->shoff + (u64)i * elf->shentsize;
        u64 off, size, align;

        if ( rd32(s + 4) != ELF_SHT_NOTE )
            continue;
        if ( elf->elf_class == 64 )
        {
            off = rd64(s + 24);
            size = rd64(s + 32);
            align = rd64(s + 48);
        }
        else
        {
            off = rd32(s + 16);
            size = rd32(s + 20);
            align = rd32(s + 32);
        }
        if ( !in_image(elf, off, size) )
        {
            set_err(err, "ELF: note section outside the image");
            return -EINVAL;
        }
        rc = walk_notes(elf, off, size, align == 8 ? 8 : 4, fn, ctx, err);
        if ( rc )
            return rc;
    }
    return 0;
}

/* Copy a string note's descriptor, NUL-terminated and clipped. */
static void note_string(char *dst, size_t len, const u8 *desc, u32 descsz)
{
    size_t n = descsz < len - 1 ? descsz : len - 1;

    memcpy(dst, desc, n);
    dst[n] = '\0';
}

static int xen_note(void *ctx, const char *name, u32 namesz, u32 type,
                    const u8 *desc, u32 descsz)
{
    struct elf_xen_notes *xn = ctx;

    /* The name is "Xen" with its terminating NUL (namesz 4). */
    if ( namesz != 4 || memcmp(name, "Xen", 4) )
        return 0;
    xn->nr_xen_notes++;
    switch ( type )
    {
    case XEN_ELFNOTE_PHYS32_ENTRY:
        /* A 32-bit physical address; some linkers emit it as 8 bytes. */
        if ( descsz == 4 || descsz == 8 )
        {
            u64 v = descsz == 4 ? rd32(desc) : rd64(desc);

            if ( v <= 0xffffffffULL )
            {
                xn->have_phys32_entry = true;
                xn->phys32_entry = v;
            }
        }
        break;
    case XEN_ELFNOTE_ENTRY:
        if ( descsz == 4 || descsz == 8 )
        {
            xn->have_entry = true;
            xn->entry = descsz == 4 ? rd32(desc) : rd64(desc);
        }
        break;
    case XEN_ELFNOTE_GUEST_OS:
        note_string(xn->guest_os, sizeof(xn->guest_os), desc, descsz);
        break;
    case XEN_ELFNOTE_GUEST_VERSION:
        note_string(xn->guest_version, sizeof(xn->guest_version), desc,
                    descsz);
        break;
    case XEN_ELFNOTE_XEN_VERSION:
        note_string(xn->xen_version, sizeof(xn->xen_version), desc, descsz);
        break;
    case XEN_ELFNOTE_LOADER:
        note_string(xn->loader, sizeof(xn->loader), desc, descsz);
        break;
    }
    return 0;
}

int elf_xen_parse_notes(const struct elf_binary *elf,
                        struct elf_xen_notes *xn, const char **err)
{
    memset(xn, 0, sizeof(*xn));
    return elf_for_each_note(elf, xen_note, xn, err);
}
