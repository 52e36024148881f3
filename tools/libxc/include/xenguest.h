/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxenguest: the PVH domain builder.
 *
 * xc_dom_build_pvh() turns an empty, paused domain (xc_domain_create,
 * max_mem and max_vcpus done by the caller) into one ready to unpause:
 *
 *   load      an ELF vmlinux is used as it is; a bzImage's gzip/xz
 *             payload (or a gzip/xz vmlinux) is taken unpacked from the
 *             kernel cache (<cache_dir>/<sha256 of the file>).  The
 *             cache's index (<cache_dir>/index/) maps the file's identity
 *             (path, device, inode, size, mtime, ctime) to its entry and
 *             the entry's own identity when it was last verified: a
 *             create of an unchanged kernel neither hashes it nor checks
 *             the entry's CRC-32 (an entry changed since is checked
 *             again); a new or changed file is hashed (SHA-256) and
 *   unpack    on a miss decompressed with zlib / liblzma and stored in
 *             the cache (written to a temporary file, renamed into
 *             place);
 *   populate  the guest's RAM is populated (2 MiB extents where aligned);
 *   copy      kernel segments at their physical addresses, the ramdisk
 *             after them, the hvm_start_info block (version 1: command
 *             line, the ramdisk as module 0, the memory map) after that,
 *             and the zeroed console and xenstore pages at the top of
 *             low RAM are written through foreign mappings (only the
 *             pages that are not all zeros: fresh guest memory is zero);
 *
 * then the console and xenstore event channels are allocated (unbound,
 * for their back-end domains), the HVM params STORE_PFN/STORE_EVTCHN/
 * CONSOLE_PFN/CONSOLE_EVTCHN set, grant entries 0 (console) and 1
 * (xenstore) seeded for the back-ends, and vCPU 0 set at the PVH entry
 * (32-bit flat protected mode, paging off, ebx = start_info).  The domain
 * stays paused.
 *
 * On failure nothing the builder opened stays behind (mappings, file
 * descriptors, temporary cache files); the domain itself, with whatever
 * memory and ports it got, is the caller's to destroy.
 *
 * The lower layers below are the builder's own pieces, exported for its
 * unit tests and for tools that only want to inspect a kernel.
 */
#ifndef XENGUEST_H
#define XENGUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include <public/event_channel.h>
#include <public/hvm/start_info.h>

typedef struct xc_interface_core xc_interface;
struct xc_dom_mem;

/* Room for a builder error message (every call that fails fills one). */
#define XC_DOM_ERRLEN 512

/* The default kernel cache; "" as cache_dir turns the cache off. */
#define XC_DOM_CACHE_DIR "/var/lib/xen/kernel-cache"

/* ---- the builder ----------------------------------------------------- */

struct xc_dom_args {
    uint32_t domid;
    unsigned int mem_mb;            /* guest RAM */
    unsigned int vcpus;             /* vCPU 0 is started; others wait */
    const char *kernel;             /* path */
    const char *ramdisk;            /* path or NULL */
    const char *cmdline;            /* NULL: empty */
    uint32_t console_domid;         /* back-ends (normally 0) */
    uint32_t xenstore_domid;
    const char *cache_dir;          /* NULL: XC_DOM_CACHE_DIR */
};

/* Where the time went, for the toolstack's share of a create. */
struct xc_dom_timing {
    uint64_t load_ns;               /* read, hash, cache lookup, ELF */
    uint64_t unpack_ns;             /* decompress (0 on a cache hit) */
    uint64_t populate_ns;           /* populate_physmap */
    uint64_t copy_ns;               /* writes into the guest, of which */
    uint64_t map_ns, unmap_ns;      /*   mapping and unmapping guest pages */
    uint64_t pages_written;         /* guest pages written (mapped or
                                       by the hypervisor's copy) */
    uint64_t pages_skipped;         /* left alone: zero, and known zeroed */
    uint64_t setup_ns;              /* ports, params, grants, vCPU 0 */
    /* Parts of copy_ns: */
    uint64_t scan_ns;               /*   finding the pages that are zero */
    uint64_t fault_ns;              /*   making source pages present */
    uint64_t stage_ns;              /*   copying into a hypercall buffer */
    uint64_t hcall_ns;              /*   the hypervisor's copy */
};

struct xc_dom_result {
    uint32_t entry;                 /* PVH entry (vCPU 0's eip) */
    uint64_t start_info;            /* its gpa (vCPU 0's ebx) */
    xen_pfn_t console_pfn, store_pfn;
    evtchn_port_t console_evtchn, store_evtchn;
    bool grants_seeded;             /* entries 0 and 1 written */
    bool cache_hit;
    bool cache_trusted;             /* hit through the cache's index */
    char kernel_desc[160];          /* "bzImage (xz payload, cached) ..." */
    char cache_note[XC_DOM_ERRLEN]; /* why the cache was (not) used */
    struct xc_dom_timing timing;
};

/*
 * Returns 0, or -1 with errno set and err (XC_DOM_ERRLEN bytes) saying
 * which step failed on which object and why.
 */
int xc_dom_build_pvh(xc_interface *xch, const struct xc_dom_args *args,
                     struct xc_dom_result *res, char *err);

/*
 * The same with guest memory written through mem instead of foreign
 * mappings (tests with a fake hypervisor; NULL: foreign mappings).
 */
int xc_dom_build_pvh_mem(xc_interface *xch, const struct xc_dom_args *args,
                         struct xc_dom_mem *mem, struct xc_dom_result *res,
                         char *err);

/* Phases and cache status as one line for logs ("load 12 ms, ..."). */
void xc_dom_timing_format(const struct xc_dom_result *res, char *buf,
                          size_t len);

/* ---- lower layer: kernel images -------------------------------------- */

#define XC_DOM_MAX_SEGS 16

struct xc_dom_seg {
    uint64_t paddr, offset, filesz, memsz;
};

struct xc_dom_kernel {
    const uint8_t *elf;             /* the ELF vmlinux ... */
    size_t elf_len;
    unsigned int elf_class;         /* 32 or 64 */
    unsigned int nr_segs;           /* PT_LOAD segments with memsz */
    struct xc_dom_seg seg[XC_DOM_MAX_SEGS];
    uint64_t paddr_lo, paddr_hi;    /* their span */
    uint32_t pvh_entry;             /* XEN_ELFNOTE_PHYS32_ENTRY */
    char container[16];             /* "bzImage", "ELF", "gzip", "xz" */
    char payload[8];                /* "gzip", "xz" or "" */
    char guest_os[16];              /* XEN_ELFNOTE_GUEST_OS */
    char sha256[65];                /* of the file (xc_dom_kernel_load) */
    bool cache_hit;
    bool cache_trusted;             /* hit found by the file's identity:
                                       neither hashed nor CRC-checked */
    char cache_note[XC_DOM_ERRLEN];
    uint64_t load_ns, unpack_ns;
    /*
     * Which pages of elf hold a non-zero byte: bit i of nz_map for the
     * 4 KiB at elf + i * 4096 (elf is page aligned), nz_pages bits; NULL
     * if not known (the loader then looks at the bytes).  Stored with
     * the cache entry so that a cached create neither reads nor faults
     * in the image's zero pages.
     */
    const uint8_t *nz_map;
    size_t nz_pages;
    /*
     * The cache entry's mapping is one the process keeps (the last
     * XC_DOM_KEEP entries stay mapped, their non-zero pages locked in
     * memory, so that the next create of the same kernel finds them
     * present: the hypervisor copies straight from them).
     */
    bool cache_kept;

    /* Owned storage, released by xc_dom_kernel_release. */
    void *file_map;                 /* the kernel file */
    size_t file_len;
    void *elf_buf;                  /* decompressed (malloc) ... */
    void *cache_map;                /* ... or the cache entry (mmap) */
    size_t cache_len;
    void *kept_entry;               /* the process's record of it */
};

/*
 * Analyse an image in memory (bzImage, ELF, gzip/xz vmlinux): decompress
 * if needed (into k->elf_buf) and read the PT_LOAD segments and the Xen
 * notes.  An ELF image is used in place (img must outlive k).  Fails
 * (-EINVAL, -ENOEXEC, -EOPNOTSUPP, -ENOMEM) with a message in err, e.g.
 * for a kernel without XEN_ELFNOTE_PHYS32_ENTRY.
 */
int xc_dom_kernel_parse(const void *img, size_t len,
                        struct xc_dom_kernel *k, char *err);

/*
 * The same for a file, through the kernel cache in cache_dir (NULL: the
 * default, "": no cache).  k->cache_hit says whether the unpacked image
 * came from the cache; k->cache_note says why a cache entry was not
 * used or could not be written (the load goes on without it).
 */
int xc_dom_kernel_load(const char *path, const char *cache_dir,
                       struct xc_dom_kernel *k, char *err);

void xc_dom_kernel_release(struct xc_dom_kernel *k);

/*
 * Cache entries kept mapped by the process (see cache_kept above): at
 * most this many, each until it is pushed out by newer ones or
 * xc_dom_cache_drop() (tests; a daemon that wants its memory back).
 */
#define XC_DOM_KEEP 3
void xc_dom_cache_drop(void);

/* ---- lower layer: guest memory layout -------------------------------- */

/* Guest-physical layout constants. */
#define XC_DOM_PAGE_SHIFT     12
#define XC_DOM_PAGE_SIZE      (1ull << XC_DOM_PAGE_SHIFT)
#define XC_DOM_ISA_HOLE_START 0xa0000ull     /* VGA and BIOS: no RAM */
#define XC_DOM_ISA_HOLE_END   0x100000ull
#define XC_DOM_MMIO_HOLE      0xf0000000ull  /* up to 4 GiB: no RAM */
#define XC_DOM_4G             0x100000000ull
#define XC_DOM_NR_SPECIAL     2              /* console, xenstore */
#define XC_DOM_MAX_MEMMAP     8
#define XC_DOM_MAX_RAM        4              /* RAM ranges to populate */

struct xc_dom_range {
    uint64_t start, end;            /* bytes, page aligned */
};

struct xc_dom_layout {
    uint64_t ram_pages;             /* populated pages, specials included */
    unsigned int nr_ram;
    struct xc_dom_range ram[XC_DOM_MAX_RAM];
    xen_pfn_t console_pfn, store_pfn;
    uint64_t kernel_lo, kernel_hi;
    uint64_t ramdisk_paddr, ramdisk_size;
    uint64_t start_info_paddr, start_info_size;
    unsigned int nr_memmap;
    struct hvm_memmap_table_entry memmap[XC_DOM_MAX_MEMMAP];
    /* ACPI tables (xc_dom_plan_acpi; all 0 without). */
    uint64_t acpi_paddr, acpi_size, rsdp_paddr;
    unsigned int acpi_vcpus;
};

/*
 * Plan a guest of mem_mb MiB: RAM from 0 with the ISA hole and the MMIO
 * hole below 4 GiB, the special pages at the top of low RAM (reserved in
 * the memory map), the kernel's segments, the ramdisk and start_info.
 * Fails (-ENOSPC, -EINVAL) with a message if they do not fit.
 */
int xc_dom_plan(const struct xc_dom_kernel *k, unsigned int mem_mb,
                uint64_t ramdisk_size, const char *cmdline,
                struct xc_dom_layout *l, char *err);

/*
 * ACPI tables for the guest (RSDP, XSDT, a hardware-reduced FADT, a DSDT
 * with only \_S5, a MADT with one enabled local APIC per vCPU and no
 * IOAPIC), in the last page below 640 KiB, typed ACPI in the memory map
 * and named by start_info's rsdp_paddr.  Linux needs the MADT: without
 * one it runs a PVH domU with no timer at all (its per-CPU clock event
 * is only set up in an APIC mode that a MADT selects).  The FADT's
 * sleep control and reset registers are I/O ports the hypervisor turns
 * into a poweroff / reboot of the domain (below).
 */
#define XC_DOM_ACPI_SLEEP_CTL_PORT  0xb004   /* SLP_TYP << 2 | SLP_EN */
#define XC_DOM_ACPI_SLEEP_STS_PORT  0xb005
#define XC_DOM_ACPI_RESET_PORT      0x0cf9
#define XC_DOM_ACPI_RESET_VALUE     0x06
#define XC_DOM_ACPI_S5_TYPE         5        /* \_S5's SLP_TYP */
int xc_dom_plan_acpi(struct xc_dom_layout *l, unsigned int vcpus,
                     const char *cmdline, char *err);

/* The tables (l->acpi_size bytes, at l->acpi_paddr in the guest). */
int xc_dom_acpi_tables(const struct xc_dom_layout *l, void *buf,
                       size_t len);

/* The start_info block (l->start_info_size bytes) as the guest sees it. */
int xc_dom_start_info(const struct xc_dom_layout *l, const char *cmdline,
                      void *buf, size_t len);

/*
 * Guest memory as the loader sees it: map n frames from gfn writable
 * (NULL with a message on failure), unmap them again.  The builder's
 * backend uses foreign mappings; tests give it a buffer.  zeroed: every
 * page reads as zero before the load (freshly populated: the hypervisor
 * hands out zeroed frames), so the loader leaves pages it would only
 * fill with zeros unmapped and untouched; each mapped page costs the
 * hypervisor a p2m update on map and on unmap.  The counters are the
 * loader's (time spent in map/unmap, pages written and skipped).
 */
struct xc_dom_mem {
    void *(*map)(struct xc_dom_mem *m, xen_pfn_t gfn, size_t n, char *err);
    void (*unmap)(struct xc_dom_mem *m, void *p, size_t n);
    /*
     * Optional: copy len bytes from src to guest-physical paddr without
     * mapping (the hypervisor's XEN_DOMCTL_keel_load_memory).  0, or a
     * negative errno with err filled; -ENOSYS or -EOPNOTSUPP mean "not
     * available": xc_dom_load clears write and maps pages from then on.
     */
    int (*write)(struct xc_dom_mem *m, uint64_t paddr, const void *src,
                 size_t len, char *err);
    bool zeroed;
    uint64_t map_ns, unmap_ns, pages_written, pages_skipped;
    uint64_t scan_ns;               /* deciding which pages are zero */
    uint64_t fault_ns, stage_ns, hcall_ns;  /* write's own (optional) */
};

/*
 * Write everything the plan places: the kernel span zeroed and its
 * segments copied, the ramdisk, start_info, the zeroed special pages
 * (with m->zeroed, pages whose new contents are all zero are skipped).
 */
int xc_dom_load(struct xc_dom_mem *m, const struct xc_dom_kernel *k,
                const struct xc_dom_layout *l, const void *ramdisk,
                const char *cmdline, char *err);

#endif /* XENGUEST_H */
