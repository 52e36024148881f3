/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vIOAPIC programming and delivery (82093AA datasheet), dom0's routing of
 * physical pins, and the port/MMIO dispatcher.
 */
#include "harness.h"
#include "stubs.h"
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <xen/errno.h>

#define IOAPIC 0xfec00000ULL

static struct test_dom td;

static void sel(u32 reg)
{
    u64 v = reg;

    assert_int_equal(hvm_mmio_dispatch(&td.v[0], IOAPIC, 4, true, &v),
                     X86EMUL_OKAY);
}

static u32 io_rd(u32 reg)
{
    u64 v = 0;

    sel(reg);
    assert_int_equal(hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x10, 4, false,
                                       &v), X86EMUL_OKAY);
    return v;
}

static void io_wr(u32 reg, u32 val)
{
    u64 v = val;

    sel(reg);
    assert_int_equal(hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x10, 4, true,
                                       &v), X86EMUL_OKAY);
}

static void set_rte(unsigned int pin, u64 rte)
{
    io_wr(0x11 + pin * 2, rte >> 32);
    io_wr(0x10 + pin * 2, (u32)rte);
}

static u64 get_rte(unsigned int pin)
{
    return io_rd(0x10 + pin * 2) | ((u64)io_rd(0x11 + pin * 2) << 32);
}

static void lapic_wr(unsigned int vcpu, unsigned int off, u32 val)
{
    u64 v = val;

    assert_int_equal(hvm_mmio_dispatch(&td.v[vcpu], 0xfee00000 + off, 4,
                                       true, &v), X86EMUL_OKAY);
}

static void enable_all(void)
{
    unsigned int i;

    for ( i = 0; i < td.d.max_vcpus; i++ )
        lapic_wr(i, APIC_SPIV, 0x1ff);
}

/* Take the pending vector on vcpu as the backend would, or -1. */
static int take(unsigned int vcpu)
{
    int vec = vlapic_pending_irq(&td.v[vcpu]);

    if ( vec >= 0 )
        vlapic_ack_irq(&td.v[vcpu], vec);
    return vec;
}

static void eoi(unsigned int vcpu)
{
    lapic_wr(vcpu, APIC_EOI, 0);
}

static int setup(void **state)
{
    stubs_reset();
    test_dom_init(&td, 2, false);
    enable_all();
    return 0;
}

static int setup_dom0(void **state)
{
    stubs_reset();
    nr_ioapics = 1;
    io_apics[0].apic_id = 2;
    io_apics[0].addr = IOAPIC;
    io_apics[0].gsi_base = 0;
    io_apics[0].nr_pins = 24;
    io_apics[0].version = 0x20;
    test_dom_init(&td, 2, true);
    enable_all();
    return 0;
}

static int teardown(void **state)
{
    test_dom_free(&td);
    return 0;
}

static void test_registers(void **state)
{
    unsigned int pin;
    u64 v;

    assert_int_equal(io_rd(0x01), 0x11 | (47 << 16));
    assert_int_equal(io_rd(0x00), 0);
    io_wr(0x00, 0x0a000000);
    assert_int_equal(io_rd(0x00), 0x0a000000);
    assert_int_equal(io_rd(0x02), 0x0a000000);
    /* Version is read-only. */
    io_wr(0x01, 0);
    assert_int_equal(io_rd(0x01), 0x11 | (47 << 16));
    /* IOREGSEL reads back. */
    sel(0x23);
    assert_int_equal(hvm_mmio_dispatch(&td.v[0], IOAPIC, 4, false, &v),
                     X86EMUL_OKAY);
    assert_int_equal(v, 0x23);

    for ( pin = 0; pin < 48; pin++ )
        assert_int_equal(get_rte(pin), IOAPIC_RTE_MASKED);
    /* Beyond the last pin: reads 0, writes dropped. */
    io_wr(0x10 + 48 * 2, 0x30);
    assert_int_equal(io_rd(0x10 + 48 * 2), 0);

    /* Delivery status and remote IRR are read-only. */
    set_rte(3, 0xff000000ffffffffULL);
    assert_int_equal(get_rte(3), 0xff0000000001afffULL);
    assert_int_equal(vioapic_get_rte(&td.d, 3), 0xff0000000001afffULL);
    assert_int_equal(vioapic_get_rte(&td.d, 48), ~0ULL);
    /* No EOI register before version 0x20, and it is not readable. */
    assert_int_equal(hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x40, 4, false,
                                       &v), X86EMUL_OKAY);
    assert_int_equal(v, 0);
}

static void test_edge_delivery(void **state)
{
    set_rte(5, 0x41);                   /* fixed, physical, dest 0 */
    hvm_gsi_assert(&td.d, 5);
    assert_int_equal(take(0), 0x41);
    assert_int_equal(take(1), -1);
    eoi(0);
    /* Still high: no new edge. */
    hvm_gsi_assert(&td.d, 5);
    assert_int_equal(take(0), -1);
    hvm_gsi_deassert(&td.d, 5);
    hvm_gsi_assert(&td.d, 5);
    assert_int_equal(take(0), 0x41);
    eoi(0);
    /* Edge pins never set remote IRR. */
    assert_false(get_rte(5) & IOAPIC_RTE_REMOTE_IRR);

    /* Physical destination 2 is vCPU 1. */
    hvm_gsi_deassert(&td.d, 5);
    set_rte(5, (2ULL << 56) | 0x42);
    hvm_gsi_assert(&td.d, 5);
    assert_int_equal(take(0), -1);
    assert_int_equal(take(1), 0x42);
}

static void test_masked_pin(void **state)
{
    set_rte(7, IOAPIC_RTE_MASKED | 0x43);
    hvm_gsi_assert(&td.d, 7);
    hvm_gsi_deassert(&td.d, 7);
    assert_int_equal(take(0), -1);
    /* An edge pin unmasked later does not replay the lost edge. */
    set_rte(7, 0x43);
    assert_int_equal(take(0), -1);
    /* GSIs nobody serves are ignored. */
    hvm_gsi_assert(&td.d, 100);
}

static void test_level_remote_irr(void **state)
{
    set_rte(9, IOAPIC_RTE_LEVEL | 0x52);
    hvm_gsi_assert(&td.d, 9);
    assert_true(get_rte(9) & IOAPIC_RTE_REMOTE_IRR);
    assert_int_equal(take(0), 0x52);
    /* Asserting again while remote IRR is set sends nothing. */
    hvm_gsi_assert(&td.d, 9);
    assert_int_equal(take(0), -1);
    /* The EOI broadcast clears remote IRR; still high -> again. */
    eoi(0);
    assert_true(get_rte(9) & IOAPIC_RTE_REMOTE_IRR);
    assert_int_equal(take(0), 0x52);
    /* Lowered before the EOI: delivered no more. */
    hvm_gsi_deassert(&td.d, 9);
    eoi(0);
    assert_false(get_rte(9) & IOAPIC_RTE_REMOTE_IRR);
    assert_int_equal(take(0), -1);
}

static void test_level_unmask_delivers(void **state)
{
    set_rte(10, IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL | 0x53);
    hvm_gsi_assert(&td.d, 10);
    assert_int_equal(take(0), -1);
    set_rte(10, IOAPIC_RTE_LEVEL | 0x53);
    assert_int_equal(take(0), 0x53);
    /* Switching the pin to edge clears remote IRR. */
    set_rte(10, IOAPIC_RTE_MASKED | 0x53);
    assert_false(get_rte(10) & IOAPIC_RTE_REMOTE_IRR);
}

static void test_edge_eoi_leaves_level_pins(void **state)
{
    /* Level 0x61 in service, then edge 0x71 nested above it. */
    set_rte(11, IOAPIC_RTE_LEVEL | 0x61);
    set_rte(12, 0x71);
    hvm_gsi_assert(&td.d, 11);
    assert_int_equal(take(0), 0x61);
    hvm_gsi_assert(&td.d, 12);
    assert_int_equal(take(0), 0x71);
    /* The edge vector's EOI is not broadcast: remote IRR stays. */
    eoi(0);
    assert_true(get_rte(11) & IOAPIC_RTE_REMOTE_IRR);
    hvm_gsi_deassert(&td.d, 11);
    eoi(0);
    assert_false(get_rte(11) & IOAPIC_RTE_REMOTE_IRR);
    assert_int_equal(take(0), -1);
}

static void test_level_refused_no_remote_irr(void **state)
{
    /* vCPU 0's APIC software-disabled: nobody accepts. */
    lapic_wr(0, APIC_SPIV, 0xff);
    set_rte(13, IOAPIC_RTE_LEVEL | 0x57);
    hvm_gsi_assert(&td.d, 13);
    assert_false(get_rte(13) & IOAPIC_RTE_REMOTE_IRR);
    assert_log_contains("d1: vIOAPIC GSI 13: vector 0x57 to physical "
                        "destination 0 reached no vCPU");
    hvm_gsi_deassert(&td.d, 13);
    hvm_gsi_assert(&td.d, 13);
    assert_int_equal(test_log_count("reached no vCPU"), 1);
    lapic_wr(0, APIC_SPIV, 0x1ff);
    assert_int_equal(take(0), -1);
    /* The guest reprograms the pin once its APIC is up: delivered. */
    set_rte(13, IOAPIC_RTE_LEVEL | 0x57);
    assert_true(get_rte(13) & IOAPIC_RTE_REMOTE_IRR);
    assert_int_equal(take(0), 0x57);
}

static void test_logical_and_lowest(void **state)
{
    lapic_wr(0, APIC_LDR, 0x01000000);
    lapic_wr(1, APIC_LDR, 0x02000000);
    set_rte(4, (0x02ULL << 56) | IOAPIC_RTE_DEST_LOGICAL | 0x44);
    hvm_gsi_assert(&td.d, 4);
    hvm_gsi_deassert(&td.d, 4);
    assert_int_equal(take(0), -1);
    assert_int_equal(take(1), 0x44);
    eoi(1);

    /* Lowest priority to both: the one with the lower TPR gets it. */
    lapic_wr(0, APIC_TASKPRI, 0x70);
    set_rte(4, (0x03ULL << 56) | IOAPIC_RTE_DEST_LOGICAL | (1 << 8) | 0x45);
    hvm_gsi_assert(&td.d, 4);
    assert_int_equal(take(0), -1);
    assert_int_equal(take(1), 0x45);
    hvm_gsi_deassert(&td.d, 4);
    lapic_wr(0, APIC_TASKPRI, 0);
    lapic_wr(1, APIC_TASKPRI, 0x70);
    hvm_gsi_assert(&td.d, 4);
    assert_int_equal(take(0), 0x45);
}

static void test_nmi_delivery(void **state)
{
    set_rte(2, IOAPIC_RTE_LEVEL | (4 << 8));
    hvm_gsi_assert(&td.d, 2);
    assert_true(vlapic_nmi_pending(&td.v[0]));
    /* NMIs have no EOI: no remote IRR. */
    assert_false(get_rte(2) & IOAPIC_RTE_REMOTE_IRR);
}

/* Every register index and window offset, read and written: no fault. */
static void test_register_sweep(void **state)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8 };
    unsigned int reg, off, i;
    u64 val, seed = 0x2545f4914f6cdd1dULL;

    for ( reg = 0; reg < 0x100; reg++ )
    {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        io_rd(reg);
        io_wr(reg, seed >> 17);
        hvm_gsi_assert(&td.d, reg % 48);
        hvm_gsi_deassert(&td.d, reg % 48);
    }
    for ( off = 0; off < 0x1000; off++ )
        for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
        {
            assert_int_equal(hvm_mmio_dispatch(&td.v[0], IOAPIC + off,
                                               sizes[i], false, &val),
                             X86EMUL_OKAY);
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            val = seed >> 9;
            assert_int_equal(hvm_mmio_dispatch(&td.v[0], IOAPIC + off,
                                               sizes[i], true, &val),
                             X86EMUL_OKAY);
        }
    assert_int_equal(io_rd(0x01), 0x11 | (47 << 16));
}

/* ---- dom0: the physical pins ---- */

static void test_dom0_mirrors_host_ioapic(void **state)
{
    u64 v;

    assert_int_equal(io_rd(0x01), 0x20 | (23 << 16));
    assert_int_equal(io_rd(0x00), 2U << 24);
    assert_true(hvm_mmio_claimed(&td.v[0], IOAPIC + 0x10));
    assert_false(hvm_mmio_claimed(&td.v[0], IOAPIC + 0x1000));
    assert_int_equal(vioapic_get_rte(&td.d, 24), ~0ULL);

    /* Version 0x20: the EOI register clears remote IRR by vector. */
    set_rte(9, IOAPIC_RTE_LEVEL | 0x52);
    hvm_gsi_assert(&td.d, 9);
    assert_true(get_rte(9) & IOAPIC_RTE_REMOTE_IRR);
    hvm_gsi_deassert(&td.d, 9);
    v = 0x51;
    hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x40, 4, true, &v);
    assert_true(get_rte(9) & IOAPIC_RTE_REMOTE_IRR);
    v = 0x52;
    hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x40, 4, true, &v);
    assert_false(get_rte(9) & IOAPIC_RTE_REMOTE_IRR);
}

static void test_dom0_level_pin_routing(void **state)
{
    struct cpu_user_regs regs = { .entry_vector = HVM_GSI_VECTOR(11) };

    /* Masked RTE writes do not route. */
    set_rte(11, IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL | 0x59);
    assert_int_equal(route_count, 0);

    set_rte(11, IOAPIC_RTE_LEVEL | IOAPIC_RTE_POLARITY_LOW | 0x59);
    assert_int_equal(route_count, 1);
    assert_int_equal(route_gsi, 11);
    assert_int_equal(route_vector, 0x6b);
    assert_true(route_level);
    assert_true(route_low);
    assert_ptr_equal(route_fn, hvm_dom0_gsi_interrupt);

    /* The device interrupts: pin masked, host EOI, dom0 sees 0x59. */
    route_fn(&regs);
    assert_true(pin_masked[11]);
    assert_int_equal(apic_eoi_count, 1);
    assert_int_equal(take(0), 0x59);
    /* dom0's EOI lowers the line and unmasks the physical pin. */
    eoi(0);
    assert_false(pin_masked[11]);
    assert_false(get_rte(11) & IOAPIC_RTE_REMOTE_IRR);
    assert_int_equal(take(0), -1);

    /* The pin fires again: same cycle. */
    route_fn(&regs);
    assert_int_equal(take(0), 0x59);
    assert_true(pin_masked[11]);
    /* dom0 rewrites the (same) RTE before its EOI: stays masked. */
    set_rte(11, IOAPIC_RTE_LEVEL | IOAPIC_RTE_POLARITY_LOW | 0x59);
    assert_int_equal(route_count, 1);
    assert_true(pin_masked[11]);
    eoi(0);
    assert_false(pin_masked[11]);

    /* dom0 masks the pin: the physical pin is masked too. */
    set_rte(11, IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL | 0x59);
    assert_true(pin_masked[11]);
    set_rte(11, IOAPIC_RTE_LEVEL | IOAPIC_RTE_POLARITY_LOW | 0x59);
    assert_false(pin_masked[11]);
    assert_int_equal(route_count, 1);
}

static void test_dom0_edge_pin_routing(void **state)
{
    struct cpu_user_regs regs = { .entry_vector = HVM_GSI_VECTOR(4) };

    set_rte(4, 0x34);
    assert_int_equal(route_gsi, 4);
    assert_false(route_level);
    assert_false(route_low);
    route_fn(&regs);
    assert_false(pin_masked[4]);
    assert_int_equal(apic_eoi_count, 1);
    assert_int_equal(take(0), 0x34);
    eoi(0);
    /* Each interrupt is an edge (assert, deassert): it comes again. */
    route_fn(&regs);
    assert_int_equal(take(0), 0x34);

    /* A stray vector for a pin never routed is just acknowledged. */
    regs.entry_vector = HVM_GSI_VECTOR(20);
    route_fn(&regs);
    assert_int_equal(apic_eoi_count, 3);
}

static void test_dom0_route_failure(void **state)
{
    route_rc = -ENOSYS;
    set_rte(6, 0x36);
    assert_log_contains("d0: cannot route GSI 6 to the host IOAPIC (-38)");
    set_rte(6, 0x37);
    assert_int_equal(test_log_count("cannot route GSI 6"), 1);
    route_rc = 0;
    set_rte(6, 0x37);
    assert_int_equal(route_gsi, 6);
}

static void test_dom0_gsi_announced_once(void **state)
{
    /* One line when dom0 first unmasks the pin... */
    set_rte(11, IOAPIC_RTE_LEVEL | IOAPIC_RTE_POLARITY_LOW | 0x59);
    assert_log_contains("d0: GSI 11 -> vector 0x6b (level, low)");
    /* ...not on every mask, unmask or vector change... */
    set_rte(11, IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL |
                IOAPIC_RTE_POLARITY_LOW | 0x59);
    set_rte(11, IOAPIC_RTE_LEVEL | IOAPIC_RTE_POLARITY_LOW | 0x61);
    assert_int_equal(test_log_count("d0: GSI 11 ->"), 1);
    assert_int_equal(route_count, 1);
    /* ...but again when the trigger changes: the pin is reprogrammed. */
    set_rte(11, IOAPIC_RTE_POLARITY_LOW | 0x61);
    assert_int_equal(route_count, 2);
    assert_false(route_level);
    assert_log_contains("d0: GSI 11 -> vector 0x6b (edge, low)");
    assert_int_equal(test_log_count("d0: GSI 11 ->"), 2);
    /* Masked entries announce nothing. */
    set_rte(12, IOAPIC_RTE_MASKED | 0x62);
    assert_int_equal(test_log_count("GSI 12"), 0);
}

static void test_dom0_shared_level_line(void **state)
{
    struct cpu_user_regs regs = { .entry_vector = HVM_GSI_VECTOR(16) };
    unsigned int i;

    /*
     * Two devices on one INTx pin: each interrupt is one delivery of
     * dom0's vector, and while the other device still asserts the line
     * the unmask at dom0's EOI makes the pin fire again.  At no point
     * does the pin fire while unmasked and in service (a storm).
     */
    set_rte(16, IOAPIC_RTE_LEVEL | 0x41);
    for ( i = 0; i < 3; i++ )
    {
        route_fn(&regs);
        assert_true(pin_masked[16]);
        assert_int_equal(take(1) == -1 ? take(0) : -2, 0x41);
        assert_true(get_rte(16) & IOAPIC_RTE_REMOTE_IRR);
        /* No second delivery before the EOI. */
        hvm_gsi_assert(&td.d, 16);
        assert_int_equal(take(0), -1);
        eoi(0);
        assert_false(pin_masked[16]);
        assert_false(get_rte(16) & IOAPIC_RTE_REMOTE_IRR);
    }
    assert_int_equal(apic_eoi_count, 3);
    assert_int_equal(mask_count, 3);
    assert_int_equal(unmask_count, 3);
}

static void test_dom0_level_vector_move(void **state)
{
    struct cpu_user_regs regs = { .entry_vector = HVM_GSI_VECTOR(16) };

    /*
     * Linux moves a level IRQ from its ack: mask the pin, EOI the old
     * vector, write the new vector, unmask.  The EOI lets the physical
     * pin fire while dom0's pin is masked; the interrupt must wait for
     * the unmask and then arrive on the new vector, the pin staying
     * masked until that one is EOIed.
     */
    set_rte(16, IOAPIC_RTE_LEVEL | 0x41);
    route_fn(&regs);
    assert_int_equal(take(0), 0x41);
    set_rte(16, IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL | 0x41);
    eoi(0);
    assert_false(get_rte(16) & IOAPIC_RTE_REMOTE_IRR);
    route_fn(&regs);                    /* the device still asserts */
    assert_true(pin_masked[16]);
    assert_int_equal(take(0), -1);
    set_rte(16, IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL | 0x51);
    assert_int_equal(take(0), -1);
    set_rte(16, IOAPIC_RTE_LEVEL | 0x51);
    assert_true(pin_masked[16]);
    assert_int_equal(take(0), 0x51);
    assert_true(get_rte(16) & IOAPIC_RTE_REMOTE_IRR);
    eoi(0);
    assert_false(pin_masked[16]);
    assert_int_equal(take(0), -1);
    assert_int_equal(route_count, 1);
}

static void test_dom0_edge_and_level_pins_apart(void **state)
{
    struct cpu_user_regs r14 = { .entry_vector = HVM_GSI_VECTOR(14) };
    struct cpu_user_regs r11 = { .entry_vector = HVM_GSI_VECTOR(11) };

    /* An IDE edge pin keeps firing while a level pin waits for EOI. */
    set_rte(14, 0x3e);
    set_rte(11, IOAPIC_RTE_LEVEL | 0x59);
    route_fn(&r11);
    assert_true(pin_masked[11]);
    route_fn(&r14);
    assert_false(pin_masked[14]);
    assert_int_equal(take(0), 0x59);
    assert_int_equal(take(0), -1);      /* 0x3e: lower class than 0x59 */
    eoi(0);
    assert_false(pin_masked[11]);
    assert_int_equal(take(0), 0x3e);
    eoi(0);
    /* An edge EOI while the level pin is in service leaves it masked. */
    set_rte(14, 0x7e);
    route_fn(&r11);
    assert_int_equal(take(0), 0x59);
    route_fn(&r14);
    assert_int_equal(take(0), 0x7e);    /* nests above 0x59 */
    eoi(0);                             /* 0x7e */
    assert_true(pin_masked[11]);
    eoi(0);                             /* 0x59 */
    assert_false(pin_masked[11]);
    assert_int_equal(take(0), -1);
    assert_int_equal(apic_eoi_count, 4);
}

static int setup_dom0_two_ioapics(void **state)
{
    stubs_reset();
    nr_ioapics = 2;
    io_apics[0].apic_id = 2;
    io_apics[0].addr = IOAPIC;
    io_apics[0].gsi_base = 0;
    io_apics[0].nr_pins = 120;
    io_apics[0].version = 0x20;
    io_apics[1].apic_id = 3;
    io_apics[1].addr = IOAPIC + 0x1000;
    io_apics[1].gsi_base = 120;
    io_apics[1].nr_pins = 48;
    io_apics[1].version = 0x20;
    test_dom_init(&td, 2, true);
    enable_all();
    return 0;
}

static void test_dom0_gsi_beyond_host_vectors(void **state)
{
    u64 v;

    /* GSI 143 (pin 23 of the second IOAPIC) has the last host vector. */
    v = 0x10 + 2 * 23;
    hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x1000, 4, true, &v);
    v = IOAPIC_RTE_LEVEL | 0x45;
    hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x1010, 4, true, &v);
    assert_int_equal(route_count, 1);
    assert_int_equal(route_gsi, 143);
    assert_int_equal(route_vector, 0xef);

    /* GSI 144 and 145: not routed, said once. */
    v = 0x10 + 2 * 24;
    hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x1000, 4, true, &v);
    v = IOAPIC_RTE_LEVEL | 0x46;
    hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x1010, 4, true, &v);
    v = 0x10 + 2 * 25;
    hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x1000, 4, true, &v);
    v = IOAPIC_RTE_LEVEL | 0x47;
    hvm_mmio_dispatch(&td.v[0], IOAPIC + 0x1010, 4, true, &v);
    assert_int_equal(route_count, 1);
    assert_log_contains("d0: GSI 144 cannot be routed (host vectors serve "
                        "GSIs 0-143 only)");
    assert_int_equal(test_log_count("cannot be routed"), 1);
}

static void test_domu_does_not_route(void **state)
{
    set_rte(11, IOAPIC_RTE_LEVEL | 0x59);
    assert_int_equal(route_count, 0);
}

/* ---- Dispatcher ---- */

static unsigned int port_calls;
static u16 last_port;

static int port_a(struct vcpu *v, bool in, u16 port, unsigned int size,
                  u32 *val)
{
    port_calls++;
    last_port = port;
    if ( in )
        *val = 0xa0 + size;
    return X86EMUL_OKAY;
}

static int port_b(struct vcpu *v, bool in, u16 port, unsigned int size,
                  u32 *val)
{
    port_calls += 100;
    last_port = port;
    return X86EMUL_OKAY;
}

static void test_portio(void **state)
{
    struct domain *d = &td.d;
    u32 val;
    unsigned int i;

    assert_int_equal(hvm_register_portio(d, 0x70, 2, port_a), 0);
    /* Overlaps at either end, or inside: refused. */
    assert_int_equal(hvm_register_portio(d, 0x71, 1, port_b), -EEXIST);
    assert_int_equal(hvm_register_portio(d, 0x60, 0x11, port_b), -EEXIST);
    assert_int_equal(hvm_register_portio(d, 0x6f, 4, port_b), -EEXIST);
    assert_int_equal(hvm_register_portio(d, 0x72, 0, port_b), -EINVAL);
    assert_int_equal(hvm_register_portio(d, 0xfff0, 0x11, port_b), -EINVAL);
    assert_int_equal(hvm_register_portio(d, 0x72, 1, NULL), -EINVAL);
    /* Adjacent is fine. */
    assert_int_equal(hvm_register_portio(d, 0x72, 1, port_b), 0);
    assert_int_equal(hvm_register_portio(d, 0xffff, 1, port_b), 0);

    assert_int_equal(hvm_portio_dispatch(&td.v[0], 0x71, 1, true, &val),
                     X86EMUL_OKAY);
    assert_int_equal(val, 0xa1);
    assert_int_equal(last_port, 0x71);
    assert_int_equal(port_calls, 1);
    val = 5;
    assert_int_equal(hvm_portio_dispatch(&td.v[0], 0x72, 2, false, &val),
                     X86EMUL_OKAY);
    assert_int_equal(port_calls, 101);

    /* Unclaimed: all ones of the size, UNHANDLEABLE. */
    assert_int_equal(hvm_portio_dispatch(&td.v[0], 0x6f, 1, true, &val),
                     X86EMUL_UNHANDLEABLE);
    assert_int_equal(val, 0xff);
    assert_int_equal(hvm_portio_dispatch(&td.v[0], 0x73, 2, true, &val),
                     X86EMUL_UNHANDLEABLE);
    assert_int_equal(val, 0xffff);
    assert_int_equal(hvm_portio_dispatch(&td.v[0], 0x74, 4, true, &val),
                     X86EMUL_UNHANDLEABLE);
    assert_int_equal(val, 0xffffffff);
    /* Bad sizes never reach a handler. */
    assert_int_equal(hvm_portio_dispatch(&td.v[0], 0x70, 3, true, &val),
                     X86EMUL_UNHANDLEABLE);
    assert_int_equal(hvm_portio_dispatch(&td.v[0], 0x70, 8, true, &val),
                     X86EMUL_UNHANDLEABLE);
    assert_int_equal(port_calls, 101);

    /* The table fills up. */
    for ( i = 3; i < HVM_MAX_PORTIO_HANDLERS; i++ )
        assert_int_equal(hvm_register_portio(d, 0x1000 + i, 1, port_a), 0);
    assert_int_equal(hvm_register_portio(d, 0x2000, 1, port_a), -ENOSPC);
}

static paddr_t dev_base;
static unsigned int dev_reads, dev_writes;
static u64 dev_last;

static bool dev_check(struct vcpu *v, paddr_t gpa)
{
    return gpa >= dev_base && gpa < dev_base + 0x100;
}

static bool dev_check_wide(struct vcpu *v, paddr_t gpa)
{
    return gpa >= dev_base && gpa < dev_base + 0x1000;
}

static int dev_read(struct vcpu *v, paddr_t gpa, unsigned int size,
                    u64 *val)
{
    dev_reads++;
    *val = gpa - dev_base + size;
    return X86EMUL_OKAY;
}

static int dev_write(struct vcpu *v, paddr_t gpa, unsigned int size,
                     u64 val)
{
    dev_writes++;
    dev_last = val;
    return X86EMUL_OKAY;
}

static int dev_write_gp(struct vcpu *v, paddr_t gpa, unsigned int size,
                        u64 val)
{
    return X86EMUL_EXCEPTION;
}

static const struct hvm_mmio_ops dev_ops = {
    .check = dev_check, .read = dev_read, .write = dev_write,
};
static const struct hvm_mmio_ops dev2_ops = {
    .check = dev_check_wide, .read = dev_read, .write = dev_write_gp,
};

static void test_mmio(void **state)
{
    struct domain *d = &td.d;
    const struct hvm_mmio_ops bad = { .check = dev_check };
    u64 val;

    dev_base = 0xfed00000;
    dev_reads = dev_writes = 0;
    assert_int_equal(hvm_register_mmio(d, &dev_ops), 0);
    assert_int_equal(hvm_register_mmio(d, &dev_ops), -EEXIST);
    assert_int_equal(hvm_register_mmio(d, &bad), -EINVAL);
    assert_int_equal(hvm_register_mmio(d, NULL), -EINVAL);
    assert_int_equal(hvm_register_mmio(d, &dev2_ops), 0);

    assert_int_equal(hvm_mmio_dispatch(&td.v[0], dev_base + 0x10, 8, false,
                                       &val), X86EMUL_OKAY);
    assert_int_equal(val, 0x18);
    val = 0x1122334455667788ULL;
    assert_int_equal(hvm_mmio_dispatch(&td.v[0], dev_base + 0x10, 8, true,
                                       &val), X86EMUL_OKAY);
    assert_int_equal(dev_last, 0x1122334455667788ULL);
    /* First registered wins where both claim; the second beyond. */
    assert_int_equal(dev_writes, 1);
    assert_int_equal(hvm_mmio_dispatch(&td.v[0], dev_base + 0x200, 4, true,
                                       &val), X86EMUL_EXCEPTION);
    assert_int_equal(dev_writes, 1);

    /* Unclaimed reads: all ones; bad sizes refused. */
    assert_false(hvm_mmio_claimed(&td.v[0], dev_base + 0x1000));
    assert_int_equal(hvm_mmio_dispatch(&td.v[0], dev_base + 0x1000, 2,
                                       false, &val), X86EMUL_UNHANDLEABLE);
    assert_int_equal(val, 0xffff);
    assert_int_equal(hvm_mmio_dispatch(&td.v[0], dev_base + 0x1000, 8,
                                       false, &val), X86EMUL_UNHANDLEABLE);
    assert_int_equal(val, ~0ULL);
    assert_int_equal(hvm_mmio_dispatch(&td.v[0], dev_base, 16, false,
                                       &val), X86EMUL_UNHANDLEABLE);
    assert_int_equal(dev_reads, 1);
}

static void test_no_vdev(void **state)
{
    struct domain d = { .domain_id = 7 };
    struct vcpu v = { .domain = &d };
    u32 val;
    u64 v64;

    assert_int_equal(hvm_register_portio(&d, 0x70, 1, port_a), -EINVAL);
    assert_int_equal(hvm_portio_dispatch(&v, 0x70, 1, true, &val),
                     X86EMUL_UNHANDLEABLE);
    assert_int_equal(hvm_mmio_dispatch(&v, 0xfee00000, 4, false, &v64),
                     X86EMUL_UNHANDLEABLE);
    hvm_gsi_assert(&d, 1);
    vioapic_update_eoi(&d, 0x30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define T0(f) cmocka_unit_test_setup_teardown(f, setup_dom0, teardown)
        T(test_registers),
        T(test_edge_delivery),
        T(test_masked_pin),
        T(test_level_remote_irr),
        T(test_level_unmask_delivers),
        T(test_edge_eoi_leaves_level_pins),
        T(test_level_refused_no_remote_irr),
        T(test_logical_and_lowest),
        T(test_nmi_delivery),
        T(test_register_sweep),
        T0(test_dom0_mirrors_host_ioapic),
        T0(test_dom0_level_pin_routing),
        T0(test_dom0_edge_pin_routing),
        T0(test_dom0_route_failure),
        T0(test_dom0_gsi_announced_once),
        T0(test_dom0_shared_level_line),
        T0(test_dom0_level_vector_move),
        T0(test_dom0_edge_and_level_pins_apart),
        cmocka_unit_test_setup_teardown(test_dom0_gsi_beyond_host_vectors,
                                        setup_dom0_two_ioapics, teardown),
        T(test_domu_does_not_route),
        T(test_portio),
        T(test_mmio),
        T(test_no_vdev),
#undef T
#undef T0
    };

    return cmocka_run_group_tests_name("vioapic", tests, NULL, NULL);
}
