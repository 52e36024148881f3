/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Read the Multiboot 1 and Multiboot 2 information structures into
 * struct boot_info.  Layouts follow the Multiboot specifications 0.6.96
 * and 2.0.  All loader data lies below 4 GiB, which the boot page tables
 * identity-map.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/bootinfo.h>

#define MB1_BOOTLOADER_MAGIC 0x2BADB002
#define MB2_BOOTLOADER_MAGIC 0x36d76289

/* Multiboot 1 info flags. */
#define MBI_MEMLIMITS   (1u << 0)
#define MBI_CMDLINE     (1u << 2)
#define MBI_MODULES     (1u << 3)
#define MBI_MEMMAP      (1u << 6)
#define MBI_LOADERNAME  (1u << 9)

struct mb1_info {
    u32 flags;
    u32 mem_lower, mem_upper;
    u32 boot_device;
    u32 cmdline;
    u32 mods_count, mods_addr;
    u32 syms[4];
    u32 mmap_length, mmap_addr;
    u32 drives_length, drives_addr;
    u32 config_table;
    u32 boot_loader_name;
} __attribute__((packed));

struct mb1_module {
    u32 mod_start, mod_end, string, reserved;
} __attribute__((packed));

struct mb1_mmap {
    u32 size;                   /* of the rest of the entry */
    u64 addr, len;
    u32 type;
} __attribute__((packed));

/* Multiboot 2 tags. */
#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER      2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MEMINFO     4
#define MB2_TAG_MMAP        6
#define MB2_TAG_EFI32       11
#define MB2_TAG_EFI64       12
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15
#define MB2_TAG_EFI_MMAP    17

struct mb2_tag {
    u32 type, size;
};

struct boot_info boot_info;

/*
 * Loader data lives in memory the page allocator will hand out, so keep
 * copies of every string and of the RSDP.
 */
static char strpool[8192];
static size_t strpool_used;
static u8 rsdp_copy[64];

static const char *keep_str(const char *s)
{
    size_t len, room = sizeof(strpool) - strpool_used;
    char *d = strpool + strpool_used;

    if ( !s || room < 2 )
        return NULL;
    len = strnlen(s, room - 1);
    memcpy(d, s, len);
    d[len] = '\0';
    strpool_used += len + 1;
    return d;
}

static const char *pa_str(u32 pa)
{
    return pa ? keep_str((const char *)(uintptr_t)pa) : NULL;
}

static void add_memmap(u64 addr, u64 size, u32 type)
{
    struct e820entry *e;

    if ( boot_info.nr_memmap >= MAX_BOOT_MEMMAP )
        return;
    e = &boot_info.memmap[boot_info.nr_memmap++];
    e->addr = addr;
    e->size = size;
    e->type = type;
}

static void add_module(paddr_t start, paddr_t end, const char *cmdline)
{
    struct boot_module *m;

    if ( boot_info.nr_modules >= MAX_BOOT_MODULES || end < start )
        return;
    m = &boot_info.mods[boot_info.nr_modules++];
    m->start = start;
    m->size = end - start;
    m->cmdline = cmdline ? cmdline : "";
}

static void parse_mb1(const struct mb1_info *mbi)
{
    boot_info.mb_version = 1;

    if ( mbi->flags & MBI_LOADERNAME )
        boot_info.loader = pa_str(mbi->boot_loader_name);
    if ( mbi->flags & MBI_CMDLINE )
        boot_info.cmdline = pa_str(mbi->cmdline);
    if ( mbi->flags & MBI_MEMLIMITS )
    {
        boot_info.mem_lower_kb = mbi->mem_lower;
        boot_info.mem_upper_kb = mbi->mem_upper;
        boot_info.have_meminfo = true;
    }
    if ( mbi->flags & MBI_MODULES )
    {
        const struct mb1_module *m = (const void *)(uintptr_t)mbi->mods_addr;
        unsigned int i;

        for ( i = 0; i < mbi->mods_count; i++ )
            add_module(m[i].mod_start, m[i].mod_end, pa_str(m[i].string));
    }
    if ( mbi->flags & MBI_MEMMAP )
    {
        u32 off = 0;

        /* Each entry's size field excludes itself. */
        while ( off + sizeof(struct mb1_mmap) <= mbi->mmap_length )
        {
            const struct mb1_mmap *e =
                (const void *)(uintptr_t)(mbi->mmap_addr + off);

            add_memmap(e->addr, e->len, e->type);
            off += e->size + sizeof(e->size);
            if ( e->size == 0 )
                break;
        }
    }
}

static void parse_mb2(paddr_t info)
{
    u32 total = *(const u32 *)(uintptr_t)info;
    paddr_t p = info + 8, end = info + total;

    boot_info.mb_version = 2;

    while ( p + sizeof(struct mb2_tag) <= end )
    {
        const struct mb2_tag *t = (const void *)(uintptr_t)p;
        const u8 *body = (const u8 *)(t + 1);

        if ( t->type == MB2_TAG_END || t->size < 8 )
            break;

        switch ( t->type )
        {
        case MB2_TAG_CMDLINE:
            boot_info.cmdline = keep_str((const char *)body);
            break;
        case MB2_TAG_LOADER:
            boot_info.loader = keep_str((const char *)body);
            break;
        case MB2_TAG_MODULE:
        {
            const u32 *m = (const u32 *)body;

            add_module(m[0], m[1], keep_str((const char *)(m + 2)));
            break;
        }
        case MB2_TAG_MEMINFO:
        {
            const u32 *m = (const u32 *)body;

            boot_info.mem_lower_kb = m[0];
            boot_info.mem_upper_kb = m[1];
            boot_info.have_meminfo = true;
            break;
        }
        case MB2_TAG_MMAP:
        {
            u32 esize = ((const u32 *)body)[0];
            paddr_t e = p + 16, tend = p + t->size;

            if ( esize < 20 )
                break;
            for ( ; e + esize <= tend; e += esize )
            {
                const u64 *ent = (const u64 *)(uintptr_t)e;

                add_memmap(ent[0], ent[1], *(const u32 *)(ent + 2));
            }
            break;
        }
        case MB2_TAG_EFI32:
        case MB2_TAG_EFI64:
        case MB2_TAG_EFI_MMAP:
            boot_info.efi = true;
            break;
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW:
            /* The tag carries a copy of the RSDP; prefer the 2.0 one. */
            if ( !boot_info.rsdp || t->type == MB2_TAG_ACPI_NEW )
            {
                memcpy(rsdp_copy, body, min((size_t)(t->size - 8),
                                            sizeof(rsdp_copy)));
                boot_info.rsdp = (paddr_t)(uintptr_t)rsdp_copy;
            }
            break;
        }

        p += ROUNDUP(t->size, 8);
    }
}

int multiboot_parse(u32 magic, paddr_t info)
{
    memset(&boot_info, 0, sizeof(boot_info));
    strpool_used = 0;

    if ( magic == MB1_BOOTLOADER_MAGIC )
        parse_mb1((const struct mb1_info *)(uintptr_t)info);
    else if ( magic == MB2_BOOTLOADER_MAGIC )
        parse_mb2(info);
    else
        return -EINVAL;

    if ( !boot_info.loader )
        boot_info.loader = "unknown";
    if ( !boot_info.cmdline )
        boot_info.cmdline = "";
    return 0;
}
