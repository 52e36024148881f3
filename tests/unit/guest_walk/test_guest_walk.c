/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/arch/x86/mm/guest_walk.c on crafted guest tables: every paging mode
 * (off, 2-level with PSE/PSE-36, PAE, 4-level, 5-level), large pages,
 * reserved bits, permissions (U/S, R/W with CR0.WP, NX, SMEP, SMAP),
 * non-canonical addresses, tables outside guest RAM, A/D updates.
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#include <xen/lib.h>
#include <asm/guest_walk.h>

#include "test_guest_access.h"

#define MEM_SIZE (16UL << 20)
static u8 *mem;

static int mem_read(void *ctx, paddr_t gpa, u64 *val, unsigned int size)
{
    if ( gpa >= MEM_SIZE || gpa + size > MEM_SIZE )
        return -1;
    *val = 0;
    memcpy(val, mem + gpa, size);
    return 0;
}

static void mem_set_bits(void *ctx, paddr_t gpa, u64 bits, unsigned int size)
{
    u64 v = 0;

    assert_true(gpa + size <= MEM_SIZE);
    memcpy(&v, mem + gpa, size);
    v |= bits;
    memcpy(mem + gpa, &v, size);
}

static const struct guest_walk_ops ops = { mem_read, mem_set_bits, NULL };

static void put(paddr_t gpa, u64 v, unsigned int size)
{
    assert_true(gpa + size <= MEM_SIZE);
    memcpy(mem + gpa, &v, size);
}

static u64 get(paddr_t gpa, unsigned int size)
{
    u64 v = 0;

    memcpy(&v, mem + gpa, size);
    return v;
}

static int setup(void **state)
{
    mem = calloc(1, MEM_SIZE);
    return mem ? 0 : -1;
}

static int teardown(void **state)
{
    free(mem);
    return 0;
}

#define P   0x1ULL
#define RW  0x2ULL
#define US  0x4ULL
#define A   0x20ULL
#define D   0x40ULL
#define PS  0x80ULL
#define NX  (1ULL << 63)

#define CR0_PG_WP (GW_CR0_PG | GW_CR0_WP)

static enum guest_walk_result walk(const struct guest_paging_state *s,
                                   u64 va, u32 access, paddr_t *gpa,
                                   u32 *pfec, unsigned int *order)
{
    *gpa = ~0ULL;
    return guest_walk(s, va, access, &ops, gpa, pfec, order);
}

/* Walk must succeed and give want; returns nothing. */
static void ok(const struct guest_paging_state *s, u64 va, u32 access,
               paddr_t want, unsigned int want_order)
{
    paddr_t gpa;
    u32 pfec;
    unsigned int order;

    assert_int_equal(walk(s, va, access, &gpa, &pfec, &order), GW_OK);
    assert_int_equal(gpa, want);
    assert_int_equal(order, want_order);
    assert_int_equal(pfec, 0);
}

static void pf(const struct guest_paging_state *s, u64 va, u32 access,
               u32 want_pfec)
{
    paddr_t gpa;
    u32 pfec;

    assert_int_equal(walk(s, va, access, &gpa, &pfec, NULL), GW_PAGE_FAULT);
    assert_int_equal(pfec, want_pfec);
}

static void test_paging_off(void **state)
{
    struct guest_paging_state s = { .cr0 = 1 };

    ok(&s, 0x12345678, 0, 0x12345678, 0);
    ok(&s, 0x1ffffffffULL, PFEC_write_access, 0xffffffff, 0);
}

static void test_two_level(void **state)
{
    struct guest_paging_state s = { .cr0 = GW_CR0_PG, .cr3 = 0x1000 };
    u64 va = (1UL << 22) | (2UL << 12) | 0x123;

    memset(mem, 0, MEM_SIZE);
    put(0x1000 + 1 * 4, 0x2000 | P | RW | US, 4);
    put(0x2000 + 2 * 4, 0x5000 | P | RW | US, 4);
    ok(&s, va, 0, 0x5123, 0);
    /* A set on both levels, D only after a write. */
    assert_int_equal(get(0x1004, 4) & (A | D), A);
    assert_int_equal(get(0x2008, 4) & (A | D), A);
    ok(&s, va, PFEC_write_access | PFEC_user_mode, 0x5123, 0);
    assert_int_equal(get(0x2008, 4) & (A | D), A | D);

    /* Not present: error code without P, with the access bits. */
    pf(&s, va + 0x1000, PFEC_write_access, PFEC_write_access);
    pf(&s, 0x80000000, PFEC_user_mode, PFEC_user_mode);
    /* No I/D bit without NX or SMEP. */
    pf(&s, 0x80000000, PFEC_insn_fetch, 0);
    /* Upper va bits are ignored in 32-bit modes. */
    ok(&s, va | (1ULL << 40), 0, 0x5123, 0);

    /* Read-only supervisor page. */
    put(0x2000 + 3 * 4, 0x6000 | P, 4);
    ok(&s, (1UL << 22) | (3UL << 12), PFEC_write_access, 0x6000, 0);
    s.cr0 |= GW_CR0_WP;
    pf(&s, (1UL << 22) | (3UL << 12), PFEC_write_access,
       PFEC_page_present | PFEC_write_access);
    pf(&s, (1UL << 22) | (3UL << 12), PFEC_user_mode,
       PFEC_page_present | PFEC_user_mode);
    /* No A bit is set when the walk faults. */
    put(0x2000 + 4 * 4, 0x7000 | P, 4);
    pf(&s, (1UL << 22) | (4UL << 12), PFEC_user_mode,
       PFEC_page_present | PFEC_user_mode);
    assert_int_equal(get(0x2010, 4) & A, 0);

    /* A 4 MiB page: PS is a table pointer without CR4.PSE. */
    put(0x1000 + 3 * 4, 0x00800000 | P | RW | PS, 4);
    put(0x800000 + 5 * 4, 0x9000 | P | RW, 4);
    ok(&s, (3UL << 22) | (5UL << 12) | 7, 0, 0x9007, 0);
    s.cr4 = GW_CR4_PSE;
    ok(&s, (3UL << 22) | 0x12345, 0, 0x812345, 10);
    /* PSE-36: bits 13..20 are address bits 32..39. */
    put(0x1000 + 3 * 4, 0x00800000 | (0x3 << 13) | P | RW | PS, 4);
    s.maxphyaddr = 40;
    ok(&s, (3UL << 22) | 0x12345, 0, 0x300812345ULL, 10);
    /* ... beyond MAXPHYADDR they are reserved, and bit 21 always is. */
    s.maxphyaddr = 33;
    pf(&s, (3UL << 22), 0, PFEC_page_present | PFEC_reserved_bit);
    s.maxphyaddr = 40;
    put(0x1000 + 3 * 4, 0x00800000 | (1 << 21) | P | RW | PS, 4);
    pf(&s, (3UL << 22), PFEC_write_access,
       PFEC_page_present | PFEC_reserved_bit | PFEC_write_access);
}

static void test_pae(void **state)
{
    struct guest_paging_state s = { .cr0 = CR0_PG_WP, .cr3 = 0x3020,
                                    .cr4 = GW_CR4_PAE };
    u64 va = (1UL << 30) | (0UL << 21) | (5UL << 12) | 0xabc;

    memset(mem, 0, MEM_SIZE);
    put(0x3020 + 1 * 8, 0x4000 | P, 8);
    put(0x4000, 0x6000 | P | RW | US, 8);
    put(0x6000 + 5 * 8, 0x7000 | P | RW | US | NX, 8);
    /* NX without EFER.NXE is a reserved bit. */
    pf(&s, va, 0, PFEC_page_present | PFEC_reserved_bit);
    s.efer = GW_EFER_NXE;
    ok(&s, va, PFEC_user_mode | PFEC_write_access, 0x7abc, 0);
    assert_int_equal(get(0x3028, 8) & A, 0);      /* PDPTEs have no A */
    assert_int_equal(get(0x4000, 8) & A, A);
    pf(&s, va, PFEC_insn_fetch,
       PFEC_page_present | PFEC_insn_fetch);
    /* 2 MiB page; its bits 13..20 are reserved. */
    put(0x4000 + 8, 0x00a00000 | P | RW | PS, 8);
    ok(&s, (1UL << 30) | (1UL << 21) | 0x1234, 0, 0xa01234, 9);
    put(0x4000 + 8, 0x00a00000 | (1 << 13) | P | RW | PS, 8);
    pf(&s, (1UL << 30) | (1UL << 21), 0,
       PFEC_page_present | PFEC_reserved_bit);
    /* PDPTE reserved bits (RW, PS) and its NX bit. */
    put(0x3020 + 1 * 8, 0x4000 | P | RW, 8);
    pf(&s, va, 0, PFEC_page_present | PFEC_reserved_bit);
    put(0x3020 + 1 * 8, 0x4000 | P | NX, 8);
    pf(&s, va, 0, PFEC_page_present | PFEC_reserved_bit);
    /* Not-present PDPTE. */
    pf(&s, 3UL << 30, 0, 0);
}

/* Long-mode tables: PML4 0x10000, PDPT 0x11000, PD 0x12000, PT 0x13000. */
static const u64 LVA = 0xffff800000000000ULL | (1UL << 30) | (2UL << 21) |
                       (3UL << 12) | 0x456;

static void build_long(void)
{
    memset(mem, 0, MEM_SIZE);
    put(0x10000 + 256 * 8, 0x11000 | P | RW | US, 8);
    put(0x11000 + 1 * 8, 0x12000 | P | RW | US, 8);
    put(0x12000 + 2 * 8, 0x13000 | P | RW | US, 8);
    put(0x13000 + 3 * 8, 0x20000 | P | RW, 8);
}

static void test_long_mode(void **state)
{
    struct guest_paging_state s = { .cr0 = CR0_PG_WP, .cr3 = 0x10000,
                                    .cr4 = GW_CR4_PAE,
                                    .efer = GW_EFER_LMA | GW_EFER_NXE,
                                    .maxphyaddr = 40 };

    build_long();
    ok(&s, LVA, PFEC_write_access, 0x20456, 0);
    assert_int_equal(get(0x13018, 8) & (A | D), A | D);
    assert_int_equal(get(0x10800, 8) & (A | D), A);
    pf(&s, LVA, PFEC_user_mode, PFEC_page_present | PFEC_user_mode);
    pf(&s, LVA + 0x1000, PFEC_insn_fetch, PFEC_insn_fetch);

    /* Non-canonical addresses: #GP, not #PF. */
    assert_int_equal(walk(&s, 0x0000800000000000ULL, 0, &(paddr_t){0},
                          &(u32){0}, NULL), GW_GP_FAULT);
    assert_int_equal(walk(&s, 0xfff0000000000000ULL, 0, &(paddr_t){0},
                          &(u32){0}, NULL), GW_GP_FAULT);
    /* The top canonical address walks (and is not present). */
    pf(&s, 0xffffffffffffffffULL, 0, 0);

    /* 2 MiB and 1 GiB leaves. */
    put(0x12000 + 4 * 8, 0x40000000 | P | RW | PS, 8);
    ok(&s, (LVA & ~0x3fffffffULL) | (1UL << 30) | (4UL << 21) | 0x12345,
       0, 0x40012345, 9);
    put(0x11000 + 5 * 8, 0x80000000 | P | RW | PS, 8);
    ok(&s, 0xffff800000000000ULL | (5UL << 30) | 0x2345678, 0,
       0x82345678, 18);
    /* 1 GiB leaf with bit 13 (inside the frame) set: reserved. */
    put(0x11000 + 5 * 8, 0x80000000 | (1 << 13) | P | RW | PS, 8);
    pf(&s, 0xffff800000000000ULL | (5UL << 30), 0,
       PFEC_page_present | PFEC_reserved_bit);
    /* PS in a PML4E is reserved. */
    put(0x10000 + 257 * 8, 0x11000 | P | RW | PS, 8);
    pf(&s, 0xffff808000000000ULL, 0, PFEC_page_present | PFEC_reserved_bit);
    /* Address bits above MAXPHYADDR are reserved at any level. */
    put(0x13000 + 6 * 8, (1ULL << 40) | 0x20000 | P | RW, 8);
    pf(&s, (LVA & ~0x1fffffULL) | (6UL << 12), 0,
       PFEC_page_present | PFEC_reserved_bit);
    s.maxphyaddr = 0;       /* 52 */
    ok(&s, (LVA & ~0x1fffffULL) | (6UL << 12), 0, (1ULL << 40) | 0x20000, 0);

    /* NX anywhere on the path stops fetches; I/D is reported. */
    put(0x11000 + 1 * 8, 0x12000 | P | RW | US | NX, 8);
    pf(&s, LVA, PFEC_insn_fetch, PFEC_page_present | PFEC_insn_fetch);
    ok(&s, LVA, 0, 0x20456, 0);
    /* ... and is reserved when EFER.NXE is clear. */
    s.efer = GW_EFER_LMA;
    pf(&s, LVA, 0, PFEC_page_present | PFEC_reserved_bit);
}

static void test_smep_smap(void **state)
{
    struct guest_paging_state s = { .cr0 = CR0_PG_WP, .cr3 = 0x10000,
                                    .cr4 = GW_CR4_PAE,
                                    .efer = GW_EFER_LMA | GW_EFER_NXE };
    u64 uva = (1UL << 30) | (2UL << 21) | (3UL << 12);
    paddr_t gpa;
    u32 pfec;

    build_long();
    /* A user mapping of the same tables in the low half. */
    put(0x10000, 0x11000 | P | RW | US, 8);
    put(0x13000 + 3 * 8, 0x20000 | P | RW | US, 8);
    ok(&s, uva, PFEC_insn_fetch, 0x20000, 0);
    ok(&s, uva, 0, 0x20000, 0);
    s.cr4 |= GW_CR4_SMEP;
    pf(&s, uva, PFEC_insn_fetch, PFEC_page_present | PFEC_insn_fetch);
    ok(&s, uva, PFEC_insn_fetch | PFEC_user_mode, 0x20000, 0);
    s.cr4 |= GW_CR4_SMAP;
    pf(&s, uva, PFEC_write_access,
       PFEC_page_present | PFEC_write_access);
    s.rflags = GW_RFLAGS_AC;
    ok(&s, uva, PFEC_write_access, 0x20000, 0);
    s.rflags = 0;
    assert_int_equal(guest_walk(&s, uva, PFEC_no_smap, &ops, &gpa, &pfec,
                                NULL), GW_OK);
    /* Only supervisor accesses are affected. */
    ok(&s, uva, PFEC_user_mode, 0x20000, 0);
}

static void test_five_level(void **state)
{
    struct guest_paging_state s = { .cr0 = CR0_PG_WP, .cr3 = 0x30000,
                                    .cr4 = GW_CR4_PAE | GW_CR4_LA57,
                                    .efer = GW_EFER_LMA };
    u64 va = 0xff00000000000000ULL | (256ULL << 39) | (1UL << 30) |
             (2UL << 21) | (3UL << 12) | 0x456;

    build_long();
    put(0x30000 + 0x100 * 8, 0x10000 | P | RW, 8);
    put(0x10000 + 256 * 8, 0x11000 | P | RW, 8);
    ok(&s, va, 0, 0x20456, 0);
    /* 57-bit canonical: what was fine in 4-level is not here. */
    assert_int_equal(walk(&s, 0x0100000000000000ULL, 0, &(paddr_t){0},
                          &(u32){0}, NULL), GW_GP_FAULT);
    /* PS in a PML5E is reserved. */
    put(0x30000 + 0x101 * 8, 0x10000 | P | RW | PS, 8);
    pf(&s, 0xff00000000000000ULL | (257ULL << 48), 0,
       PFEC_page_present | PFEC_reserved_bit);
}

static void test_tables_outside_ram(void **state)
{
    struct guest_paging_state s = { .cr0 = CR0_PG_WP, .cr3 = 0x10000,
                                    .cr4 = GW_CR4_PAE,
                                    .efer = GW_EFER_LMA | GW_EFER_NXE };
    paddr_t gpa;
    u32 pfec;

    build_long();
    put(0x12000 + 2 * 8, 0x7f000000ULL | P | RW | US, 8);
    assert_int_equal(guest_walk(&s, LVA, 0, &ops, &gpa, &pfec, NULL),
                     GW_BAD_GPA);
    s.cr3 = MEM_SIZE;
    assert_int_equal(guest_walk(&s, LVA, 0, &ops, &gpa, &pfec, NULL),
                     GW_BAD_GPA);
    /* No set_bits callback: the walk still works, nothing is written. */
    {
        struct guest_walk_ops ro = { mem_read, NULL, NULL };

        build_long();
        s.cr3 = 0x10000;
        assert_int_equal(guest_walk(&s, LVA, PFEC_write_access, &ro, &gpa,
                                    &pfec, NULL), GW_OK);
        assert_int_equal(gpa, 0x20456);
        assert_int_equal(get(0x13018, 8) & (A | D), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paging_off),
        cmocka_unit_test(test_two_level),
        cmocka_unit_test(test_pae),
        cmocka_unit_test(test_long_mode),
        cmocka_unit_test(test_smep_smap),
        cmocka_unit_test(test_five_level),
        cmocka_unit_test(test_tables_outside_ram),
        cmocka_unit_test_teardown(test_copy_phys, guest_access_teardown),
        cmocka_unit_test_teardown(test_copy_virt, guest_access_teardown),
    };

    return cmocka_run_group_tests_name("guest_walk", tests, setup, teardown);
}
