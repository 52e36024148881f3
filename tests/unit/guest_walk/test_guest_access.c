/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/arch/x86/guest_access.c on a domain whose p2m maps host pages:
 * copies cross pages, reach only the domain's p2m RAM (never MMIO, grant
 * or foreign entries, never read-only RAM for writes), fail cleanly on
 * unmapped and wrapping addresses, and translate guest-virtual addresses
 * through the guest's own long-mode tables (setting A/D).  The test
 * functions run from test_guest_walk.c's group.
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <asm/guest_walk.h>
#include <asm/p2m.h>

#include "test_guest_access.h"

/* ---- stubs: the direct map is the identity on the host ---- */
unsigned long directmap_end_pfn = ~0UL;

void *maddr_to_virt(paddr_t ma)
{
    return (void *)(uintptr_t)ma;
}

static struct guest_paging_state vcpu_state;

void hvm_get_paging_state(struct vcpu *v, struct guest_paging_state *s)
{
    *s = vcpu_state;
}

/* ---- a domain with host pages as its frames ---- */

static void *ga_alloc(struct p2m_domain *p2m, paddr_t *ma)
{
    void *va = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

    assert_non_null(va);
    memset(va, 0, PAGE_SIZE);
    *ma = (paddr_t)(uintptr_t)va;
    return va;
}

static void ga_free(struct p2m_domain *p2m, void *va, paddr_t ma)
{
    free(va);
}

static void *ga_map(struct p2m_domain *p2m, paddr_t ma)
{
    return (void *)(uintptr_t)ma;
}

#define NR_FRAMES 24
static struct domain dom;
static struct vcpu vcpu;
static u8 *frame[NR_FRAMES];        /* host page behind gfn 0x100 + i */

static unsigned long mfn_of(unsigned int i)
{
    return (unsigned long)(uintptr_t)frame[i] >> PAGE_SHIFT;
}

/*
 * gfn 0x100-0x10f RAM, 0x110 read-only RAM, 0x111 MMIO, 0x112 foreign,
 * 0x113 grant, 0x114 io_forward, 0x115 unmapped.
 */
static void build_domain(void)
{
    unsigned int i;

    memset(&dom, 0, sizeof(dom));
    memset(&vcpu, 0, sizeof(vcpu));
    vcpu.domain = &dom;
    dom.p2m.alloc_table = ga_alloc;
    dom.p2m.free_table = ga_free;
    dom.p2m.map_table = ga_map;
    assert_int_equal(p2m_init(&dom.p2m), 0);
    for ( i = 0; i < NR_FRAMES; i++ )
    {
        frame[i] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
        assert_non_null(frame[i]);
        memset(frame[i], 0xee, PAGE_SIZE);
    }
    for ( i = 0; i < 16; i++ )
        assert_int_equal(p2m_set_entry(&dom.p2m, 0x100 + i, mfn_of(i), 0,
                                       p2m_ram_rw), 0);
    assert_int_equal(p2m_set_entry(&dom.p2m, 0x110, mfn_of(16), 0,
                                   p2m_ram_ro), 0);
    assert_int_equal(p2m_set_entry(&dom.p2m, 0x111, mfn_of(17), 0,
                                   p2m_mmio_direct), 0);
    assert_int_equal(p2m_set_entry(&dom.p2m, 0x112, mfn_of(18), 0,
                                   p2m_foreign), 0);
    assert_int_equal(p2m_set_entry(&dom.p2m, 0x113, mfn_of(19), 0,
                                   p2m_grant_map_rw), 0);
    assert_int_equal(p2m_set_entry(&dom.p2m, 0x114, 0, 0, p2m_io_forward),
                     0);
}

int guest_access_teardown(void **state)
{
    unsigned int i;

    p2m_teardown(&dom.p2m);
    for ( i = 0; i < NR_FRAMES; i++ )
    {
        free(frame[i]);
        frame[i] = NULL;
    }
    return 0;
}

static bool untouched(unsigned int i)
{
    unsigned int k;

    for ( k = 0; k < PAGE_SIZE; k++ )
        if ( frame[i][k] != 0xee )
            return false;
    return true;
}

void test_copy_phys(void **state)
{
    u8 buf[64], back[64];
    unsigned int i;

    build_domain();
    for ( i = 0; i < sizeof(buf); i++ )
        buf[i] = i + 1;

    /* Across a page boundary: both host frames get their half. */
    assert_int_equal(copy_to_guest_phys(&dom, 0x100ff0, buf, 32), 0);
    assert_memory_equal(frame[0] + 0xff0, buf, 16);
    assert_memory_equal(frame[1], buf + 16, 16);
    assert_int_equal(copy_from_guest_phys(&dom, back, 0x100ff0, 32), 0);
    assert_memory_equal(back, buf, 32);

    /* Read-only RAM: readable, not writable. */
    assert_int_equal(copy_from_guest_phys(&dom, back, 0x110000, 8), 0);
    assert_int_equal(back[0], 0xee);
    assert_int_equal(copy_to_guest_phys(&dom, 0x110000, buf, 8), -EFAULT);
    assert_true(untouched(16));

    /* MMIO, foreign, grant, io_forward, unmapped: never. */
    for ( i = 0x111; i <= 0x115; i++ )
    {
        paddr_t gpa = (paddr_t)i << PAGE_SHIFT;

        assert_int_equal(copy_to_guest_phys(&dom, gpa, buf, 4), -EFAULT);
        assert_int_equal(copy_from_guest_phys(&dom, back, gpa, 4), -EFAULT);
    }
    for ( i = 17; i < 20; i++ )
        assert_true(untouched(i));
    /* A copy running from RAM into MMIO stops at the MMIO page. */
    assert_int_equal(copy_to_guest_phys(&dom, 0x110ffc, buf, 8), -EFAULT);
    assert_int_equal(copy_to_guest_phys(&dom, 0x10fffc, buf, 8), -EFAULT);
    assert_true(untouched(17));

    /* Wrapping, huge and zero-length requests. */
    assert_int_equal(copy_from_guest_phys(&dom, back, ~0ULL - 2, 8),
                     -EFAULT);
    assert_int_equal(copy_from_guest_phys(&dom, back, 0x100000, 0), 0);
    assert_int_equal(copy_from_guest_phys(NULL, back, 0x100000, 4),
                     -EFAULT);
}

#define P   0x1ULL
#define RW  0x2ULL
#define US  0x4ULL
#define AD  0x60ULL

static void put_entry(unsigned int fi, unsigned int idx, u64 v)
{
    memcpy(frame[fi] + idx * 8, &v, 8);
}

static u64 get_entry(unsigned int fi, unsigned int idx)
{
    u64 v;

    memcpy(&v, frame[fi] + idx * 8, 8);
    return v;
}

void test_copy_virt(void **state)
{
    u8 buf[32], back[32];
    unsigned int i;

    build_domain();
    /* Long-mode tables in gfns 0x100-0x103; va 0x400000 -> gfn 0x104. */
    memset(frame[0], 0, PAGE_SIZE);
    memset(frame[1], 0, PAGE_SIZE);
    memset(frame[2], 0, PAGE_SIZE);
    memset(frame[3], 0, PAGE_SIZE);
    put_entry(0, 0, 0x101000 | P | RW | US);
    put_entry(1, 0, 0x102000 | P | RW | US);
    put_entry(2, 2, 0x103000 | P | RW | US);
    put_entry(3, 0, 0x104000 | P | RW);
    put_entry(3, 1, 0x105000 | P | RW);
    put_entry(3, 2, 0x111000 | P | RW);           /* guest maps MMIO */
    put_entry(3, 4, 0x110000 | P | RW);           /* read-only RAM */
    put_entry(2, 3, 0x111000 | P | RW | US);      /* table in MMIO */
    put_entry(3, 5, 0x106000 | P);                /* read-only in guest */
    vcpu_state = (struct guest_paging_state){
        .cr0 = GW_CR0_PG | GW_CR0_WP | 1, .cr3 = 0x100000,
        .cr4 = GW_CR4_PAE, .efer = GW_EFER_LMA | GW_EFER_NXE,
    };

    for ( i = 0; i < sizeof(buf); i++ )
        buf[i] = 0x40 + i;
    assert_int_equal(copy_to_guest_virt(&vcpu, 0x400ff0, buf, 32), 0);
    assert_memory_equal(frame[4] + 0xff0, buf, 16);
    assert_memory_equal(frame[5], buf + 16, 16);
    assert_int_equal(copy_from_guest_virt(&vcpu, back, 0x400ff0, 32), 0);
    assert_memory_equal(back, buf, 32);
    /* The walk set A and D like the CPU would. */
    assert_int_equal(get_entry(3, 0) & AD, AD);
    assert_int_equal(get_entry(0, 0) & AD, 0x20);

    /* The guest's own mapping of MMIO is not followed. */
    assert_int_equal(copy_to_guest_virt(&vcpu, 0x402000, buf, 4), -EFAULT);
    assert_int_equal(copy_from_guest_virt(&vcpu, back, 0x402000, 4),
                     -EFAULT);
    assert_true(untouched(17));
    /* Not present, read-only (guest or p2m), table in MMIO. */
    assert_int_equal(copy_from_guest_virt(&vcpu, back, 0x403000, 4),
                     -EFAULT);
    assert_int_equal(copy_to_guest_virt(&vcpu, 0x404000, buf, 4), -EFAULT);
    assert_int_equal(copy_from_guest_virt(&vcpu, back, 0x404000, 4), 0);
    assert_int_equal(copy_to_guest_virt(&vcpu, 0x405000, buf, 4), -EFAULT);
    assert_int_equal(copy_from_guest_virt(&vcpu, back, 0x600000, 4),
                     -EFAULT);
    /* Non-canonical pointer. */
    assert_int_equal(copy_from_guest_virt(&vcpu, back,
                                          0x0000800000000000UL, 4), -EFAULT);
    /* A buffer that runs off its mapping fails as a whole call. */
    assert_int_equal(copy_from_guest_virt(&vcpu, back, 0x401ff8, 16),
                     -EFAULT);
    assert_int_equal(copy_from_guest_virt(NULL, back, 0x400000, 4), -EFAULT);

    /* The emulator's view: faults come back to be injected. */
    {
        u64 addr;
        u32 pfec;

        assert_int_equal(guest_copy_linear(&vcpu, back, 0x400ff8, 16,
                                           PFEC_user_mode, false, &addr,
                                           &pfec), GW_PAGE_FAULT);
        assert_int_equal(addr, 0x400ff8);
        assert_int_equal(pfec, PFEC_page_present | PFEC_user_mode);
        /* A fetch running from a readable page into an NX one. */
        put_entry(3, 6, 0x107000 | P | RW | (1ULL << 63));
        assert_int_equal(guest_copy_linear(&vcpu, back, 0x405ff8, 16,
                                           PFEC_insn_fetch, false, &addr,
                                           &pfec), GW_PAGE_FAULT);
        assert_int_equal(addr, 0x406000);
        assert_int_equal(pfec, PFEC_page_present | PFEC_insn_fetch);
        assert_int_equal(guest_copy_linear(&vcpu, back, 0x403000, 4,
                                           PFEC_insn_fetch, false, &addr,
                                           &pfec), GW_PAGE_FAULT);
        assert_int_equal(pfec, PFEC_insn_fetch);
        assert_int_equal(guest_copy_linear(&vcpu, back, 0x402000, 4, 0,
                                           false, &addr, &pfec),
                         GW_BAD_GPA);
        assert_int_equal(guest_copy_linear(&vcpu, back, 0x405000, 4, 0,
                                           true, &addr, &pfec),
                         GW_PAGE_FAULT);
        assert_int_equal(pfec, PFEC_page_present | PFEC_write_access);
        assert_int_equal(guest_copy_linear(&vcpu, back, 1UL << 63, 4, 0,
                                           false, &addr, &pfec),
                         GW_GP_FAULT);
        assert_int_equal(guest_copy_linear(&vcpu, back, 0x400000, 8,
                                           PFEC_insn_fetch, false, &addr,
                                           &pfec), GW_OK);
    }

    /* Paging off: guest-virtual is guest-physical. */
    vcpu_state.cr0 = 1;
    assert_int_equal(copy_from_guest_virt(&vcpu, back, 0x104ff0, 16), 0);
    assert_memory_equal(back, buf, 16);
}
