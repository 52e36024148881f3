/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest page walks: translate a guest-virtual address the way the vCPU's
 * MMU would, given its CR0/CR3/CR4/EFER.  Every paging mode is handled:
 * paging off, 2-level 32-bit (with PSE 4 MiB pages and PSE-36), PAE,
 * 4-level long mode (2 MiB / 1 GiB pages) and 5-level (CR4.LA57).
 *
 * guest_walk() is pure: the guest's tables are read through a callback
 * taking guest-physical addresses (guest_access.c goes through the p2m,
 * the unit tests through a host buffer), so it runs on the host too.
 * On success the Accessed bits of the entries used (and Dirty of the leaf
 * for a write) are set through the optional set_bits callback, as the
 * hardware would.
 *
 * The vCPU's paging state comes from the vendor backend (SVM/VMX):
 * hvm_get_paging_state() is implemented there, declared here so this
 * file does not depend on the HVM headers.
 */
#ifndef ASM_GUEST_WALK_H
#define ASM_GUEST_WALK_H

#include <xen/types.h>
#include <asm/traps.h>

struct vcpu;

/* What the walk needs of the vCPU. */
struct guest_paging_state {
    u64 cr0, cr3, cr4, efer;
    u64 rflags;                 /* AC matters for SMAP */
    unsigned int maxphyaddr;    /* guest MAXPHYADDR; 0 means 52 */
};

/* Fill *s from the vCPU's current state (SVM: from the VMCB). */
void hvm_get_paging_state(struct vcpu *v, struct guest_paging_state *s);

/* Page-fault error code bits: PFEC_* in asm/traps.h. */
/*
 * Not an architectural bit: the access is an implicit supervisor access
 * made on the guest's behalf with SMAP not applied (a hypercall argument
 * copy when the guest's RFLAGS.AC cannot be trusted to say).
 */
#define PFEC_no_smap        (1u << 31)

/* Control-register bits the walker looks at. */
#define GW_CR0_WP       (1UL << 16)
#define GW_CR0_PG       (1UL << 31)
#define GW_CR4_PSE      (1UL << 4)
#define GW_CR4_PAE      (1UL << 5)
#define GW_CR4_LA57     (1UL << 12)
#define GW_CR4_SMEP     (1UL << 20)
#define GW_CR4_SMAP     (1UL << 21)
#define GW_EFER_LMA     (1UL << 10)
#define GW_EFER_NXE     (1UL << 11)
#define GW_RFLAGS_AC    (1UL << 18)

struct guest_walk_ops {
    /*
     * Read a 4- or 8-byte table entry at gpa into *val (zero-extended).
     * Returns 0, or non-zero when gpa is not readable guest RAM.
     */
    int (*read)(void *ctx, paddr_t gpa, u64 *val, unsigned int size);
    /* Optional: atomically OR bits into the entry at gpa. */
    void (*set_bits)(void *ctx, paddr_t gpa, u64 bits, unsigned int size);
    void *ctx;
};

enum guest_walk_result {
    GW_OK = 0,
    GW_PAGE_FAULT,      /* inject #PF with *pfec, CR2 = va */
    GW_GP_FAULT,        /* non-canonical address: #GP(0) (#SS on stack) */
    GW_BAD_GPA,         /* a table lies outside guest RAM */
};

/*
 * Translate va for an access described by the PFEC_write_access,
 * PFEC_user_mode and PFEC_insn_fetch bits of access (PFEC_no_smap may be
 * added).  GW_OK: *gpa is the guest-physical address of va (and *page_order
 * the size of the mapping, 0/9/10/18, if non-NULL).  GW_PAGE_FAULT: *pfec
 * is the error code the hardware would push.
 */
enum guest_walk_result guest_walk(const struct guest_paging_state *s,
                                  u64 va, u32 access,
                                  const struct guest_walk_ops *ops,
                                  paddr_t *gpa, u32 *pfec,
                                  unsigned int *page_order);

/*
 * guest_walk() on the vCPU's current state, its domain's p2m and RAM.
 * Returns GW_* as above.
 */
enum guest_walk_result guest_walk_vcpu(struct vcpu *v, u64 va, u32 access,
                                       paddr_t *gpa, u32 *pfec);

/*
 * For the instruction emulator: copy len bytes at guest-linear gva with
 * the access the guest itself makes (PFEC_user_mode at CPL 3,
 * PFEC_insn_fetch for fetches; PFEC_write_access is added for writes).
 * Returns GW_OK; GW_PAGE_FAULT with *fault_addr (for CR2) and *pfec to
 * inject; GW_GP_FAULT for a non-canonical address; GW_BAD_GPA when a
 * table or the data is not RAM of the domain (MMIO: emulate instead).
 * Pages before the failing one have been copied.
 */
enum guest_walk_result guest_copy_linear(struct vcpu *v, void *buf, u64 gva,
                                         size_t len, u32 access, bool write,
                                         u64 *fault_addr, u32 *pfec);

#endif /* ASM_GUEST_WALK_H */
