/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure parts of the scheduler (run queue FIFO, runnability, runstate
 * time accounting) and of the PVH dom0 builder (dom0's e820 from the
 * host's and its RAM; the hvm_start_info block).
 */
#include "harness.h"

#include <string.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/bootinfo.h>
#include <asm/dom0_build.h>

/* The queue code is static: take it with the file (pure part only). */
#include "../../../xen/common/sched.c"

#define MB(x) ((u64)(x) << 20)
#define GB(x) ((u64)(x) << 30)

static struct domain dom;
static struct vcpu vc[6];

static int reset(void **state)
{
    unsigned int i;

    (void)state;
    memset(&dom, 0, sizeof(dom));
    memset(vc, 0, sizeof(vc));
    for ( i = 0; i < 6; i++ )
    {
        vc[i].vcpu_id = i;
        vc[i].domain = &dom;
    }
    test_log_reset();
    return 0;
}

static void check_queue(const struct runq *q, struct vcpu *const *want,
                        unsigned int n)
{
    const struct vcpu *v = q->head;
    unsigned int i;

    assert_int_equal(q->nr, n);
    for ( i = 0; i < n; i++, v = v->sched_next )
    {
        assert_ptr_equal(v, want[i]);
        assert_true(v->on_runq);
    }
    assert_null(v);
    assert_ptr_equal(q->tail, n ? want[n - 1] : NULL);
}

static void test_runq_fifo(void **state)
{
    struct runq q = { 0 };
    struct vcpu *w[] = { &vc[0], &vc[1], &vc[2] };

    assert_null(runq_pop(&q));
    runq_insert_tail(&q, &vc[0]);
    runq_insert_tail(&q, &vc[1]);
    runq_insert_tail(&q, &vc[2]);
    check_queue(&q, w, 3);

    /* Round robin: the head runs, goes back at the tail. */
    assert_ptr_equal(runq_pop(&q), &vc[0]);
    assert_false(vc[0].on_runq);
    assert_null(vc[0].sched_next);
    runq_insert_tail(&q, &vc[0]);
    {
        struct vcpu *w2[] = { &vc[1], &vc[2], &vc[0] };

        check_queue(&q, w2, 3);
    }
    assert_ptr_equal(runq_pop(&q), &vc[1]);
    assert_ptr_equal(runq_pop(&q), &vc[2]);
    assert_ptr_equal(runq_pop(&q), &vc[0]);
    assert_null(runq_pop(&q));
    check_queue(&q, NULL, 0);
    assert_null(q.head);
}

static void test_runq_remove(void **state)
{
    struct runq q = { 0 };
    unsigned int i;

    for ( i = 0; i < 5; i++ )
        runq_insert_tail(&q, &vc[i]);

    /* Middle, tail, head, then one that is not queued. */
    assert_true(runq_remove(&q, &vc[2]));
    {
        struct vcpu *w[] = { &vc[0], &vc[1], &vc[3], &vc[4] };

        check_queue(&q, w, 4);
    }
    assert_true(runq_remove(&q, &vc[4]));
    {
        struct vcpu *w[] = { &vc[0], &vc[1], &vc[3] };

        check_queue(&q, w, 3);
    }
    assert_true(runq_remove(&q, &vc[0]));
    {
        struct vcpu *w[] = { &vc[1], &vc[3] };

        check_queue(&q, w, 2);
    }
    assert_false(runq_remove(&q, &vc[5]));
    assert_false(runq_remove(&q, &vc[2]));

    /* Appending after removing the tail links from the new tail. */
    runq_insert_tail(&q, &vc[5]);
    {
        struct vcpu *w[] = { &vc[1], &vc[3], &vc[5] };

        check_queue(&q, w, 3);
    }
    assert_true(runq_remove(&q, &vc[1]));
    assert_true(runq_remove(&q, &vc[3]));
    assert_true(runq_remove(&q, &vc[5]));
    check_queue(&q, NULL, 0);
    assert_null(q.head);
}

static void test_runnable(void **state)
{
    struct vcpu *v = &vc[0];

    assert_true(vcpu_runnable(v));
    v->pause_flags = 1UL << VPF_down;
    assert_false(vcpu_runnable(v));
    assert_int_equal(runstate_idle_state(v), RUNSTATE_offline);
    v->pause_flags = 1UL << VPF_blocked;
    assert_false(vcpu_runnable(v));
    assert_int_equal(runstate_idle_state(v), RUNSTATE_blocked);
    v->pause_flags = 0;
    dom.pause_count = 1;
    assert_false(vcpu_runnable(v));
    assert_int_equal(runstate_idle_state(v), RUNSTATE_blocked);
    dom.pause_count = 0;
    dom.is_dying = true;
    assert_false(vcpu_runnable(v));
    dom.is_dying = false;
    assert_int_equal(runstate_idle_state(v), RUNSTATE_runnable);
}

static unsigned int hook_calls;
static int hook_last_state;

static void count_hook(struct vcpu *v)
{
    hook_calls++;
    hook_last_state = v->runstate;
}

static void test_runstate_accounting(void **state)
{
    struct vcpu *v = &vc[0];

    v->runstate = RUNSTATE_offline;
    v->runstate_entry_time = 100;
    runstate_set(v, RUNSTATE_runnable, 1100);       /* 1000 offline */
    runstate_set(v, RUNSTATE_running, 1600);        /* 500 runnable */
    runstate_set(v, RUNSTATE_blocked, 11600);       /* 10000 running */
    runstate_set(v, RUNSTATE_runnable, 12600);      /* 1000 blocked */
    runstate_set(v, RUNSTATE_running, 12700);       /* 100 runnable */
    runstate_set(v, RUNSTATE_runnable, 12750);      /* 50 running */

    assert_int_equal(v->runstate_time[RUNSTATE_offline], 1000);
    assert_int_equal(v->runstate_time[RUNSTATE_runnable], 600);
    assert_int_equal(v->runstate_time[RUNSTATE_running], 10050);
    assert_int_equal(v->runstate_time[RUNSTATE_blocked], 1000);
    assert_int_equal(v->cpu_time, 10050);
    assert_int_equal(v->runstate, RUNSTATE_runnable);
    assert_int_equal(v->runstate_entry_time, 12750);

    /* The hook sees every change, with the new state in place. */
    sched_runstate_hook = count_hook;
    hook_calls = 0;
    runstate_set(v, RUNSTATE_blocked, 12800);
    runstate_set(v, RUNSTATE_runnable, 12900);
    sched_runstate_hook = NULL;
    assert_int_equal(hook_calls, 2);
    assert_int_equal(hook_last_state, RUNSTATE_runnable);
    assert_int_equal(v->runstate_time[RUNSTATE_runnable], 650);
    assert_int_equal(v->runstate_time[RUNSTATE_blocked], 1100);

    /* A clock that goes backwards charges nothing. */
    runstate_set(v, RUNSTATE_running, 12000);
    assert_int_equal(v->runstate_time[RUNSTATE_runnable], 650);
    assert_int_equal(v->runstate_entry_time, 12000);
    assert_int_equal(v->runstate, RUNSTATE_running);
}

/* ---- dom0's memory map ---- */

/* A QEMU pc machine with 2 GiB, as e820_sanitize() leaves it. */
static const struct e820entry host_pc[] = {
    { 0x0,        0x9fc00,         E820_RAM },
    { 0x9fc00,    0x400,           E820_RESERVED },
    { 0xf0000,    0x10000,         E820_RESERVED },
    { 0x100000,   0x7fee0000,      E820_RAM },
    { 0x7ffe0000, 0x20000,         E820_RESERVED },
    { 0xfeffc000, 0x4000,          E820_RESERVED },
    { 0xfffc0000, 0x40000,         E820_RESERVED },
};

static void expect(const struct hvm_memmap_table_entry *m, unsigned int i,
                   u64 addr, u64 end, u32 type)
{
    if ( m[i].addr != addr || m[i].addr + m[i].size != end ||
         m[i].type != type || m[i].reserved )
        fail_msg("entry %u: [%#lx, %#lx) type %u, want [%#lx, %#lx) type %u",
                 i, (unsigned long)m[i].addr,
                 (unsigned long)(m[i].addr + m[i].size), m[i].type,
                 (unsigned long)addr, (unsigned long)end, type);
}

static void test_memmap_pc(void **state)
{
    /*
     * Dom0 has low RAM, 16 MiB..48 MiB (its kernel), and 64 MiB..528 MiB;
     * the hypervisor (2 MiB..16 MiB), the modules (48..64 MiB) and
     * everything above 528 MiB are not its.
     */
    const struct dom0_range ram[] = {
        { 0x0, 0x9f000 },
        { MB(16), MB(48) },
        { MB(64), MB(528) },
    };
    struct hvm_memmap_table_entry m[32];
    int n = dom0_build_memmap(host_pc, 7, ram, 3, m, 32);

    assert_int_equal(n, 12);
    expect(m, 0, 0, 0x9f000, E820_RAM);
    expect(m, 1, 0x9f000, 0x9fc00, E820_UNUSABLE);
    expect(m, 2, 0x9fc00, 0xa0000, E820_RESERVED);
    expect(m, 3, 0xf0000, 0x100000, E820_RESERVED);
    expect(m, 4, 0x100000, MB(16), E820_UNUSABLE);
    expect(m, 5, MB(16), MB(48), E820_RAM);
    expect(m, 6, MB(48), MB(64), E820_UNUSABLE);
    expect(m, 7, MB(64), MB(528), E820_RAM);
    expect(m, 8, MB(528), 0x7ffe0000, E820_UNUSABLE);
    expect(m, 9, 0x7ffe0000, 0x80000000, E820_RESERVED);
    expect(m, 10, 0xfeffc000, 0xff000000, E820_RESERVED);
    expect(m, 11, 0xfffc0000, 0x100000000UL, E820_RESERVED);
}

static void test_memmap_merge_and_types(void **state)
{
    /* Adjacent RAM entries merge; ACPI and NVS keep their types. */
    const struct e820entry host[] = {
        { 0x0,       MB(1),  E820_RAM },
        { MB(1),     MB(1),  E820_RAM },
        { MB(2),     0x1000, E820_ACPI },
        { MB(2) + 0x1000, 0x1000, E820_NVS },
        { MB(4),     MB(4),  E820_RAM },
        { GB(4),     GB(1),  E820_RAM },
    };
    const struct dom0_range ram[] = {
        { 0, MB(2) },
        { MB(4), MB(8) },
        { GB(4), GB(4) + MB(1) },
        { GB(8), GB(9) },           /* not host RAM: ignored */
    };
    struct hvm_memmap_table_entry m[16];
    int n = dom0_build_memmap(host, 6, ram, 4, m, 16);

    assert_int_equal(n, 6);
    expect(m, 0, 0, MB(2), E820_RAM);
    expect(m, 1, MB(2), MB(2) + 0x1000, E820_ACPI);
    expect(m, 2, MB(2) + 0x1000, MB(2) + 0x2000, E820_NVS);
    expect(m, 3, MB(4), MB(8), E820_RAM);
    expect(m, 4, GB(4), GB(4) + MB(1), E820_RAM);
    expect(m, 5, GB(4) + MB(1), GB(5), E820_UNUSABLE);
}

static void test_memmap_no_ram_and_overflow(void **state)
{
    struct hvm_memmap_table_entry m[16];
    int n;

    /* No dom0 RAM at all: host RAM is all unusable. */
    n = dom0_build_memmap(host_pc, 7, NULL, 0, m, 16);
    assert_int_equal(n, 7);
    expect(m, 0, 0, 0x9fc00, E820_UNUSABLE);
    expect(m, 3, 0x100000, 0x7ffe0000, E820_UNUSABLE);

    /* Every prefix of the output space that is too small says so. */
    {
        const struct dom0_range ram[] = { { MB(16), MB(48) } };
        unsigned int max;

        for ( max = 0; max < 9; max++ )
            assert_int_equal(dom0_build_memmap(host_pc, 7, ram, 1, m, max),
                             -ENOSPC);
        assert_int_equal(dom0_build_memmap(host_pc, 7, ram, 1, m, 9), 9);
    }
}

/* ---- start_info ---- */

static void test_start_info_layout(void **state)
{
    const struct hvm_memmap_table_entry mm[2] = {
        { 0, MB(1), E820_RAM, 0 },
        { MB(1), MB(1), E820_RESERVED, 0 },
    };
    struct dom0_start_params p = {
        .cmdline = "root=/dev/ram0 console=hvc0",
        .initrd_paddr = MB(80),
        .initrd_size = 12345,
        .rsdp_paddr = 0xf5a10,
        .memmap = mm,
        .nr_memmap = 2,
    };
    const u64 base = MB(96);
    static unsigned char buf[4096];
    const struct hvm_start_info *si = (const void *)buf;
    const struct hvm_modlist_entry *mod;
    const struct hvm_memmap_table_entry *m;
    size_t sz = dom0_start_info_size(&p);

    memset(buf, 0xaa, sizeof(buf));
    /* 56 + 32 + 48 + 32 ("root=/dev/ram0 console=hvc0" + NUL = 28 -> 32) */
    assert_int_equal(sz, 56 + 32 + 48 + 32);
    assert_int_equal(dom0_start_info_build(buf, sz - 1, base, &p), 0);
    assert_int_equal(dom0_start_info_build(buf, sizeof(buf), base, &p), sz);

    assert_int_equal(si->magic, 0x336ec578);
    assert_int_equal(si->version, 1);
    assert_int_equal(si->flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
    assert_int_equal(si->nr_modules, 1);
    assert_int_equal(si->modlist_paddr, base + 56);
    assert_int_equal(si->memmap_paddr, base + 88);
    assert_int_equal(si->memmap_entries, 2);
    assert_int_equal(si->cmdline_paddr, base + 136);
    assert_int_equal(si->rsdp_paddr, 0xf5a10);
    assert_int_equal(si->reserved, 0);

    mod = (const void *)(buf + (si->modlist_paddr - base));
    assert_int_equal(mod->paddr, MB(80));
    assert_int_equal(mod->size, 12345);
    assert_int_equal(mod->cmdline_paddr, 0);
    assert_int_equal(mod->reserved, 0);
    m = (const void *)(buf + (si->memmap_paddr - base));
    assert_memory_equal(m, mm, sizeof(mm));
    assert_string_equal((const char *)buf + (si->cmdline_paddr - base),
                        "root=/dev/ram0 console=hvc0");
    /* Padding is zeroed; nothing past the block is written. */
    assert_int_equal(buf[136 + 28], 0);
    assert_int_equal(buf[sz], 0xaa);
}

static void test_start_info_minimal(void **state)
{
    struct dom0_start_params p = {
        .rsdp_paddr = 0x1234,
        .initrd_cmdline = "ignored without an initrd",
    };
    const u64 base = 0x2000;
    static unsigned char buf[256];
    const struct hvm_start_info *si = (const void *)buf;
    size_t sz = dom0_start_info_size(&p);

    assert_int_equal(sz, 56);
    assert_int_equal(dom0_start_info_build(buf, sizeof(buf), base, &p), sz);
    assert_int_equal(si->nr_modules, 0);
    assert_int_equal(si->modlist_paddr, 0);
    assert_int_equal(si->memmap_paddr, 0);
    assert_int_equal(si->memmap_entries, 0);
    assert_int_equal(si->cmdline_paddr, 0);
    assert_int_equal(si->rsdp_paddr, 0x1234);

    /* An initrd with its own command line. */
    p.initrd_paddr = MB(32);
    p.initrd_size = MB(4);
    sz = dom0_start_info_size(&p);
    assert_int_equal(dom0_start_info_build(buf, sizeof(buf), base, &p), sz);
    {
        const struct hvm_modlist_entry *mod =
            (const void *)(buf + (si->modlist_paddr - base));

        assert_int_equal(si->rsdp_paddr, 0x1234);
        assert_string_equal((const char *)buf + (mod->cmdline_paddr - base),
                            "ignored without an initrd");
    }
}

/* test_hypercall.c */
int reset_hc(void **state);
void test_hc_args_and_result(void **state);
void test_hc_enosys_logged_once(void **state);
void test_hc_privileged(void **state);
void test_hc_register_bad(void **state);

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_runq_fifo, reset),
        cmocka_unit_test_setup(test_runq_remove, reset),
        cmocka_unit_test_setup(test_runnable, reset),
        cmocka_unit_test_setup(test_runstate_accounting, reset),
        cmocka_unit_test_setup(test_memmap_pc, reset),
        cmocka_unit_test_setup(test_memmap_merge_and_types, reset),
        cmocka_unit_test_setup(test_memmap_no_ram_and_overflow, reset),
        cmocka_unit_test_setup(test_start_info_layout, reset),
        cmocka_unit_test_setup(test_start_info_minimal, reset),
        cmocka_unit_test_setup(test_hc_args_and_result, reset_hc),
        cmocka_unit_test_setup(test_hc_enosys_logged_once, reset_hc),
        cmocka_unit_test_setup(test_hc_privileged, reset_hc),
        cmocka_unit_test_setup(test_hc_register_bad, reset_hc),
    };

    return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
