/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dom0 kernel module as an ELF image: bzImage payloads and compressed
 * vmlinux files are decompressed into the xenheap, then the PT_LOAD
 * segments and the Xen notes are read (see asm/kernel_image.h).
 */
#include <xen/console.h>
#include <xen/decompress.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/libelf.h>
#include <xen/mm.h>
#include <xen/time.h>
#include <asm/kernel_image.h>

struct kernel_image dom0_kernel;
bool dom0_kernel_ok;

static u32 le32(const u8 *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((u32)p[3] << 24);
}

/*
 * The compressed vmlinux inside a bzImage, per the Linux x86 boot
 * protocol (Documentation/arch/x86/boot.rst): "HdrS" at 0x202, the
 * protocol version at 0x206 (payload fields from 2.08), setup_sects at
 * 0x1f1 (0 means 4), payload_offset/payload_length at 0x248/0x24c,
 * counted from the end of the setup code.
 */
static bool bzimage_payload(const u8 *p, size_t size, const u8 **payload,
                            size_t *len)
{
    size_t setup, off, plen;

    if ( size < 0x250 || memcmp(p + 0x202, "HdrS", 4) ||
         (p[0x206] | (p[0x207] << 8)) < 0x208 )
        return false;
    setup = ((size_t)(p[0x1f1] ? p[0x1f1] : 4) + 1) * 512;
    off = le32(p + 0x248);
    plen = le32(p + 0x24c);
    if ( setup > size || off > size - setup || plen > size - setup - off ||
         !plen )
        return false;
    *payload = p + setup + off;
    *len = plen;
    return true;
}

static bool is_elf(const u8 *p, size_t size)
{
    return size >= 4 && !memcmp(p, "\177ELF", 4);
}

/* Decompress in[0..len) into a fresh xenheap block: ki->elf/elf_len. */
static int unpack(const u8 *in, size_t len, struct kernel_image *ki)
{
    enum decomp_format fmt = decompress_format(in, len);
    u64 hint = 0, pages;
    size_t out_len = 0;
    unsigned int order = 0;
    const char *err = NULL;
    s_time_t t0;
    int rc;

    ki->payload = decompress_format_name(fmt);
    rc = decompress_size(in, len, &hint, &err);
    if ( rc )
    {
        ki->err = err;
        return rc;
    }
    /*
     * One extra page so that a size record which undercounts is caught as
     * "output buffer too small" rather than silently cut short.
     */
    pages = (hint + 2 * PAGE_SIZE - 1) >> PAGE_SHIFT;
    while ( order < MAX_ORDER && (1ULL << order) < pages )
        order++;
    if ( (1ULL << order) < pages )
    {
        ki->err = "decompressed kernel larger than 1GB";
        return -ENOMEM;
    }
    ki->buf = alloc_xenheap_pages(order, 0);
    if ( !ki->buf )
    {
        ki->err = "no memory for the decompressed kernel";
        return -ENOMEM;
    }
    ki->buf_order = order;

    t0 = NOW();
    rc = decompress(in, len, ki->buf, (size_t)PAGE_SIZE << order, &out_len,
                    &err);
    ki->decompress_ns = NOW() - t0;
    if ( rc )
    {
        ki->err = err;
        return rc;
    }
    ki->elf = ki->buf;
    ki->elf_len = out_len;
    return 0;
}

static int read_elf(struct kernel_image *ki)
{
    struct elf_binary elf;
    const char *err = NULL;
    unsigned int i;
    int rc;

    rc = elf_init(&elf, ki->elf, ki->elf_len, &err);
    if ( !rc )
        rc = elf_xen_parse_notes(&elf, &ki->notes, &err);
    if ( rc )
    {
        ki->err = err;
        return rc;
    }
    ki->elf_class = elf.elf_class;
    ki->elf_entry = elf.entry;
    ki->paddr_min = ~0ULL;
    ki->paddr_max = 0;
    for ( i = 0; i < elf.phnum; i++ )
    {
        struct elf_phdr ph;
        struct kernel_segment *s;

        rc = elf_get_phdr(&elf, i, &ph, &err);
        if ( rc )
        {
            ki->err = err;
            return rc;
        }
        if ( ph.type != ELF_PT_LOAD || !ph.memsz )
            continue;
        if ( ki->nr_segments == KERNEL_MAX_SEGMENTS )
        {
            ki->err = "ELF: too many PT_LOAD segments";
            return -EINVAL;
        }
        s = &ki->seg[ki->nr_segments++];
        s->paddr = ph.paddr;
        s->vaddr = ph.vaddr;
        s->offset = ph.offset;
        s->filesz = ph.filesz;
        s->memsz = ph.memsz;
        if ( ph.paddr < ki->paddr_min )
            ki->paddr_min = ph.paddr;
        if ( ph.paddr + ph.memsz > ki->paddr_max )
            ki->paddr_max = ph.paddr + ph.memsz;
    }
    if ( !ki->nr_segments )
    {
        ki->err = "ELF: no PT_LOAD segment";
        return -EINVAL;
    }
    if ( !ki->notes.have_phys32_entry )
    {
        ki->err = "no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY): "
                  "this kernel cannot boot as a PVH dom0";
        return -ENOENT;
    }
    ki->have_pvh_entry = true;
    ki->pvh_entry = ki->notes.phys32_entry;
    return 0;
}

int kernel_image_analyse(const void *data, size_t size,
                         struct kernel_image *ki)
{
    const u8 *p = data, *payload;
    size_t plen;
    int rc;

    memset(ki, 0, sizeof(*ki));
    if ( bzimage_payload(p, size, &payload, &plen) )
    {
        ki->container = "bzImage";
        if ( is_elf(payload, plen) )
        {
            /* An uncompressed payload (CONFIG_KERNEL_UNCOMPRESSED?). */
            ki->elf = payload;
            ki->elf_len = plen;
        }
        else if ( decompress_format(payload, plen) == DECOMP_UNKNOWN )
        {
            ki->err = "bzImage payload in a format we cannot decompress "
                      "(gzip and xz are supported)";
            return -EOPNOTSUPP;
        }
        else if ( (rc = unpack(payload, plen, ki)) )
            return rc;
    }
    else if ( is_elf(p, size) )
    {
        ki->container = "ELF";
        ki->elf = p;
        ki->elf_len = size;
    }
    else if ( decompress_format(p, size) != DECOMP_UNKNOWN )
    {
        ki->container = decompress_format_name(decompress_format(p, size));
        rc = unpack(p, size, ki);
        if ( rc )
            return rc;
    }
    else
    {
        ki->err = "not a bzImage, an ELF vmlinux or a gzip/xz-compressed "
                  "vmlinux";
        return -EINVAL;
    }

    if ( !is_elf(ki->elf, ki->elf_len) )
    {
        ki->err = "the decompressed kernel is not an ELF image";
        return -EINVAL;
    }
    return read_elf(ki);
}

int kernel_image_load_info(const struct boot_module *m,
                           struct kernel_image *ki)
{
    if ( !m->size )
    {
        memset(ki, 0, sizeof(*ki));
        ki->err = "empty module";
        return -EINVAL;
    }
    return kernel_image_analyse(maddr_to_virt(m->start), m->size, ki);
}

int kernel_image_copy_segments(const struct kernel_image *ki,
                               kernel_copy_fn copy, void *ctx)
{
    unsigned int i;
    int rc;

    for ( i = 0; i < ki->nr_segments; i++ )
    {
        const struct kernel_segment *s = &ki->seg[i];

        rc = copy(ctx, s->paddr, ki->elf + s->offset, s->filesz);
        if ( !rc && s->memsz > s->filesz )
            rc = copy(ctx, s->paddr + s->filesz, NULL, s->memsz - s->filesz);
        if ( rc )
            return rc;
    }
    return 0;
}

void kernel_image_release(struct kernel_image *ki)
{
    if ( ki->buf )
        free_xenheap_pages(ki->buf, ki->buf_order);
    memset(ki, 0, sizeof(*ki));
}

void kernel_image_boot_probe(void)
{
    struct kernel_image *ki = &dom0_kernel;
    char how[64];
    int rc;

    if ( !boot_info.nr_modules )
        return;
    rc = kernel_image_load_info(&boot_info.mods[0], ki);
    if ( rc )
    {
        printk(XENLOG_ERR "Dom0 kernel: %s\n", ki->err);
        /* Nothing will use a kernel that cannot boot: give back its RAM. */
        kernel_image_release(ki);
        return;
    }

    if ( ki->buf )
        snprintf(how, sizeof(how), "%s payload, decompressed in %lu ms",
                 ki->payload,
                 (unsigned long)(ki->decompress_ns / 1000000));
    else
        snprintf(how, sizeof(how), "uncompressed");
    printk("Dom0 kernel: ELF%u vmlinux %luKB, %u PT_LOAD, PVH entry %#x "
           "(%s)\n", ki->elf_class, (unsigned long)(ki->elf_len >> 10),
           ki->nr_segments, ki->pvh_entry, how);
    printk("Dom0 kernel: Xen notes: GUEST_OS=%s GUEST_VERSION=%s "
           "XEN_VERSION=%s LOADER=%s\n",
           ki->notes.guest_os[0] ? ki->notes.guest_os : "-",
           ki->notes.guest_version[0] ? ki->notes.guest_version : "-",
           ki->notes.xen_version[0] ? ki->notes.xen_version : "-",
           ki->notes.loader[0] ? ki->notes.loader : "-");
    dom0_kernel_ok = true;
}
