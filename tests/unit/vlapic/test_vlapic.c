/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vLAPIC register semantics (Intel SDM vol. 3 "APIC"), through the same
 * MMIO and MSR entry points the exit handlers use.
 */
#include "harness.h"
#include "stubs.h"
#include <asm/apic.h>

#define BASE 0xfee00000ULL

static struct test_dom td;

static u32 rd(unsigned int vcpu, unsigned int off)
{
    u64 val = 0;

    assert_int_equal(hvm_mmio_dispatch(&td.v[vcpu], BASE + off, 4, false,
                                       &val), X86EMUL_OKAY);
    return val;
}

static void wr(unsigned int vcpu, unsigned int off, u32 val)
{
    u64 v64 = val;

    assert_int_equal(hvm_mmio_dispatch(&td.v[vcpu], BASE + off, 4, true,
                                       &v64), X86EMUL_OKAY);
}

static void enable(unsigned int vcpu)
{
    wr(vcpu, APIC_SPIV, APIC_SPIV_APIC_ENABLED | 0xff);
}

static struct vlapic *vl(unsigned int vcpu)
{
    return td.v[vcpu].vlapic;
}

static bool irr(unsigned int vcpu, u8 vec)
{
    return (rd(vcpu, 0x200 + (vec / 32) * 0x10) >> (vec % 32)) & 1;
}

static bool isr(unsigned int vcpu, u8 vec)
{
    return (rd(vcpu, 0x100 + (vec / 32) * 0x10) >> (vec % 32)) & 1;
}

static int setup(void **state)
{
    stubs_reset();
    test_dom_init(&td, 4, false);
    return 0;
}

static int teardown(void **state)
{
    test_dom_free(&td);
    return 0;
}

static void test_reset_state(void **state)
{
    u64 base;

    assert_int_equal(rd(0, APIC_ID), 0);
    assert_int_equal(rd(1, APIC_ID), 2U << 24);
    assert_int_equal(rd(3, APIC_ID), 6U << 24);
    assert_int_equal(rd(0, APIC_LVR), 0x00050014);
    assert_int_equal(rd(0, APIC_SPIV), 0xff);
    assert_int_equal(rd(0, APIC_DFR), 0xffffffff);
    assert_int_equal(rd(0, APIC_LVTT), APIC_LVT_MASKED);
    assert_int_equal(rd(0, APIC_LVT0), APIC_LVT_MASKED);
    assert_int_equal(rd(0, APIC_LVTERR), APIC_LVT_MASKED);
    assert_int_equal(vlapic_rdmsr(&td.v[0], MSR_APIC_BASE, &base),
                     X86EMUL_OKAY);
    assert_int_equal(base, 0xfee00000 | APIC_BASE_ENABLE | APIC_BASE_BSP);
    assert_int_equal(vlapic_rdmsr(&td.v[1], MSR_APIC_BASE, &base),
                     X86EMUL_OKAY);
    assert_int_equal(base, 0xfee00000 | APIC_BASE_ENABLE);
    assert_false(vlapic_enabled(vl(0)));
}

static void test_reserved_registers_read_zero(void **state)
{
    static const unsigned int reserved[] = {
        0x000, 0x010, 0x040, 0x050, 0x070, 0x2f0, 0x3a0, 0x3f0, 0x400,
        0xff0,
    };
    unsigned int i;
    u64 val;

    for ( i = 0; i < ARRAY_SIZE(reserved); i++ )
        assert_int_equal(rd(0, reserved[i]), 0);
    /* Write-only EOI reads as 0; bytes 4-15 of a register too. */
    assert_int_equal(rd(0, APIC_EOI), 0);
    assert_int_equal(rd(0, APIC_LVR + 4), 0);
    /* A byte read inside a register. */
    assert_int_equal(hvm_mmio_dispatch(&td.v[0], BASE + APIC_LVR + 2, 1,
                                       false, &val), X86EMUL_OKAY);
    assert_int_equal(val, 0x05);
    /* Writes to read-only registers are ignored in xAPIC mode. */
    wr(0, APIC_LVR, 0x12345678);
    assert_int_equal(rd(0, APIC_LVR), 0x00050014);
    wr(0, 0x3f0, 1);    /* SELF_IPI is x2APIC only */
    assert_int_equal(vlapic_pending_irq(&td.v[0]), -1);
}

static void test_register_write_masks(void **state)
{
    enable(0);
    wr(0, APIC_TASKPRI, 0xfff);
    assert_int_equal(rd(0, APIC_TASKPRI), 0xff);
    wr(0, APIC_LDR, 0x12345678);
    assert_int_equal(rd(0, APIC_LDR), 0x12000000);
    wr(0, APIC_DFR, 0x0);
    assert_int_equal(rd(0, APIC_DFR), 0x0fffffff);
    wr(0, APIC_TDCR, 0xffffffff);
    assert_int_equal(rd(0, APIC_TDCR), 0xb);
    /* Remote IRR (14) and delivery status (12) are read-only. */
    wr(0, APIC_LVT0, 0xffffffff);
    assert_int_equal(rd(0, APIC_LVT0), 0x1a7ff);
    wr(0, APIC_LVTERR, 0xffffffff);
    assert_int_equal(rd(0, APIC_LVTERR), 0x100ff);
    wr(0, APIC_LVTPC, 0xffffffff);
    assert_int_equal(rd(0, APIC_LVTPC), 0x107ff);
    wr(0, APIC_LVTT, 0x000400ef);
    assert_int_equal(rd(0, APIC_LVTT), 0x000400ef);
    /* ICR: delivery status reads idle. */
    wr(0, APIC_ICR2, 0xff123456);
    assert_int_equal(rd(0, APIC_ICR2), 0xff000000);
}

static void test_software_disable_masks_lvts(void **state)
{
    enable(0);
    wr(0, APIC_LVTT, 0x30);
    wr(0, APIC_LVT1, 0x400);
    assert_int_equal(rd(0, APIC_LVTT), 0x30);
    wr(0, APIC_SPIV, 0xff);
    assert_int_equal(rd(0, APIC_LVTT), 0x10030);
    assert_int_equal(rd(0, APIC_LVT1), 0x10400);
    /* While disabled, the mask cannot be cleared. */
    wr(0, APIC_LVTT, 0x31);
    assert_int_equal(rd(0, APIC_LVTT), 0x10031);
    /* And fixed interrupts are not accepted. */
    vlapic_set_irq(vl(0), 0x40, false);
    assert_false(irr(0, 0x40));
}

/*
 * An event-channel upcall raised while the APIC was software-disabled
 * (Linux registers its upcall vector before it enables its APIC) is
 * refused; upcall_pending stays set, so no later event raises it again.
 * Enabling the APIC must deliver it, or the guest never gets an upcall.
 */
static void test_upcall_refused_while_disabled(void **state)
{
    test_upcall_vector = 0xf3;
    /* evtchn_set_upcall()'s 0 -> 1 edge, while the APIC is off. */
    test_vcpu_info[0].evtchn_upcall_pending = 1;
    hvm_assert_evtchn_irq(&td.v[0]);
    assert_false(irr(0, 0xf3));
    assert_int_equal(vlapic_pending_irq(&td.v[0]), -1);

    enable(0);
    assert_true(irr(0, 0xf3));
    assert_int_equal(vlapic_pending_irq(&td.v[0]), 0xf3);
    assert_int_equal(upcall_assert_count, 2);

    /* Taken; writing SVR again while enabled raises nothing more. */
    vlapic_ack_irq(&td.v[0], 0xf3);
    enable(0);
    assert_false(irr(0, 0xf3));
    assert_int_equal(upcall_assert_count, 2);

    /* Nothing pending on vCPU 1: enabling its APIC raises nothing. */
    enable(1);
    assert_false(irr(1, 0xf3));
    assert_int_equal(upcall_assert_count, 2);

    /* Disabled and enabled again with the upcall pending: raised. */
    test_vcpu_info[1].evtchn_upcall_pending = 1;
    wr(1, APIC_SPIV, 0xff);
    enable(1);
    assert_true(irr(1, 0xf3));
    assert_int_equal(upcall_assert_count, 3);
}

static void test_tpr_ppr(void **state)
{
    enable(0);
    wr(0, APIC_TASKPRI, 0x35);
    assert_int_equal(rd(0, 0xa0), 0x35);
    vlapic_set_irq(vl(0), 0x51, false);
    assert_int_equal(vlapic_pending_irq(&td.v[0]), 0x51);
    vlapic_ack_irq(&td.v[0], 0x51);
    assert_true(isr(0, 0x51));
    assert_false(irr(0, 0x51));
    /* ISR class above TPR class: PPR = ISR class, low nibble 0. */
    assert_int_equal(rd(0, 0xa0), 0x50);
    wr(0, APIC_TASKPRI, 0x63);
    assert_int_equal(rd(0, 0xa0), 0x63);
    /* Same class as the ISR: the TPR wins, low nibble included. */
    wr(0, APIC_TASKPRI, 0x53);
    assert_int_equal(rd(0, 0xa0), 0x53);
    wr(0, APIC_TASKPRI, 0x4f);
    assert_int_equal(rd(0, 0xa0), 0x50);
    wr(0, APIC_EOI, 0);
    assert_int_equal(rd(0, 0xa0), 0x4f);
    wr(0, APIC_TASKPRI, 0);
    assert_int_equal(rd(0, 0xa0), 0);
}

static void test_pending_priority(void **state)
{
    struct vcpu *v = &td.v[0];

    enable(0);
    assert_int_equal(vlapic_pending_irq(v), -1);
    vlapic_set_irq(vl(0), 0x31, false);
    vlapic_set_irq(vl(0), 0x45, false);
    vlapic_set_irq(vl(0), 0x42, false);
    assert_int_equal(vlapic_pending_irq(v), 0x45);
    assert_true(wake_count >= 3);

    /* Same priority class as the TPR: held back. */
    wr(0, APIC_TASKPRI, 0x40);
    assert_int_equal(vlapic_pending_irq(v), -1);
    wr(0, APIC_TASKPRI, 0x3f);
    assert_int_equal(vlapic_pending_irq(v), 0x45);

    wr(0, APIC_TASKPRI, 0);
    vlapic_ack_irq(v, 0x45);
    /* 0x42 shares 0x45's class: waits for the EOI; so does 0x31. */
    assert_int_equal(vlapic_pending_irq(v), -1);
    wr(0, APIC_EOI, 0);
    assert_int_equal(vlapic_pending_irq(v), 0x42);
    vlapic_ack_irq(v, 0x42);
    wr(0, APIC_EOI, 0);
    assert_int_equal(vlapic_pending_irq(v), 0x31);
}

static void test_eoi_clears_highest_isr(void **state)
{
    struct vcpu *v = &td.v[0];

    enable(0);
    vlapic_set_irq(vl(0), 0x31, false);
    vlapic_ack_irq(v, 0x31);
    vlapic_set_irq(vl(0), 0x81, false);
    vlapic_ack_irq(v, 0x81);
    vlapic_set_irq(vl(0), 0xe0, false);
    vlapic_ack_irq(v, 0xe0);
    assert_true(isr(0, 0x31) && isr(0, 0x81) && isr(0, 0xe0));
    wr(0, APIC_EOI, 0);
    assert_false(isr(0, 0xe0));
    assert_true(isr(0, 0x81));
    wr(0, APIC_EOI, 0);
    assert_false(isr(0, 0x81));
    assert_true(isr(0, 0x31));
    wr(0, APIC_EOI, 0);
    assert_false(isr(0, 0x31));
    /* EOI with nothing in service is harmless. */
    wr(0, APIC_EOI, 0);
    assert_int_equal(rd(0, 0xa0), 0);
}

static void test_illegal_vectors_and_esr(void **state)
{
    enable(0);
    enable(1);
    wr(0, APIC_LVTERR, 0xee);
    vlapic_set_irq(vl(0), 0x0e, false);
    assert_false(irr(0, 0x0e));
    /* The error LVT fires; ESR shows the error after a write. */
    assert_true(irr(0, 0xee));
    assert_int_equal(rd(0, APIC_ESR), 0);
    wr(0, APIC_ESR, 0);
    assert_int_equal(rd(0, APIC_ESR), APIC_ESR_RECV_ILLEGAL);
    wr(0, APIC_ESR, 0);
    assert_int_equal(rd(0, APIC_ESR), 0);

    /* Sending vector 3 as fixed: a send error, nothing arrives. */
    wr(0, APIC_ICR2, 2U << 24);
    wr(0, APIC_ICR, 0x03);
    assert_false(irr(1, 0x03));
    wr(0, APIC_ESR, 0);
    assert_int_equal(rd(0, APIC_ESR), APIC_ESR_SEND_ILLEGAL);
}

/* ---- Timer ---- */

static void test_timer_oneshot(void **state)
{
    struct vlapic *l = vl(0);
    s_time_t t0 = test_now;

    enable(0);
    wr(0, APIC_LVTT, 0x40);
    wr(0, APIC_TDCR, 0x1);              /* divide by 4 */
    wr(0, APIC_TMICT, 1000);
    assert_true(timer_is_active(&l->timer));
    assert_int_equal(l->timer.expires, t0 + 4000);
    assert_int_equal(rd(0, APIC_TMICT), 1000);
    assert_int_equal(rd(0, APIC_TMCCT), 1000);
    test_now = t0 + 2000;
    assert_int_equal(rd(0, APIC_TMCCT), 500);
    test_now = t0 + 3999;
    assert_int_equal(rd(0, APIC_TMCCT), 0);
    assert_false(irr(0, 0x40));
    assert_true(fire_timer(&l->timer));
    assert_true(irr(0, 0x40));
    assert_false(timer_is_active(&l->timer));
    assert_int_equal(rd(0, APIC_TMCCT), 0);
    assert_int_equal(rd(0, APIC_TMICT), 1000);

    /* Writing 0 stops a running count. */
    wr(0, APIC_TMICT, 50);
    assert_true(timer_is_active(&l->timer));
    wr(0, APIC_TMICT, 0);
    assert_false(timer_is_active(&l->timer));
    assert_int_equal(rd(0, APIC_TMCCT), 0);
}

static void test_timer_divider(void **state)
{
    static const struct { u32 tdcr; unsigned int div; } t[] = {
        { 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
        { 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
    };
    unsigned int i;

    enable(0);
    wr(0, APIC_LVTT, 0x40);
    for ( i = 0; i < ARRAY_SIZE(t); i++ )
    {
        s_time_t t0 = test_now;

        wr(0, APIC_TDCR, t[i].tdcr);
        wr(0, APIC_TMICT, 100);
        assert_int_equal(vl(0)->timer.expires, t0 + 100 * t[i].div);
    }
}

static void test_timer_periodic(void **state)
{
    struct vlapic *l = vl(0);
    s_time_t t0 = test_now;

    enable(0);
    wr(0, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0x41);
    wr(0, APIC_TDCR, APIC_TDR_DIV_1);
    wr(0, APIC_TMICT, 1000000);         /* 1 ms at 1 GHz */
    assert_int_equal(l->timer.expires, t0 + MILLISECS(1));
    assert_true(fire_timer(&l->timer));
    assert_true(irr(0, 0x41));
    assert_int_equal(l->timer.expires, t0 + MILLISECS(2));
    test_now = t0 + MILLISECS(1) + 250000;
    assert_int_equal(rd(0, APIC_TMCCT), 750000);

    /* Late by 2.5 periods: the missed ones are skipped, grid kept. */
    vlapic_ack_irq(&td.v[0], 0x41);
    wr(0, APIC_EOI, 0);
    test_now = t0 + MILLISECS(4) + 500000;
    assert_true(fire_timer(&l->timer));
    assert_true(irr(0, 0x41));
    assert_int_equal(l->timer.expires, t0 + MILLISECS(5));
    assert_int_equal(rd(0, APIC_TMCCT), 500000);

    /* A stale expiry (re-armed meanwhile) delivers nothing. */
    vlapic_ack_irq(&td.v[0], 0x41);
    wr(0, APIC_EOI, 0);
    l->timer.expires = test_now;
    assert_true(fire_timer(&l->timer));
    assert_false(irr(0, 0x41));
}

static void test_timer_periodic_min_period(void **state)
{
    struct vlapic *l = vl(0);
    s_time_t t0 = test_now;

    enable(0);
    wr(0, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0x41);
    wr(0, APIC_TDCR, APIC_TDR_DIV_1);
    wr(0, APIC_TMICT, 10);
    assert_int_equal(l->timer.expires, t0 + VLAPIC_MIN_PERIOD_NS);
    assert_true(fire_timer(&l->timer));
    assert_int_equal(l->timer.expires, t0 + 2 * VLAPIC_MIN_PERIOD_NS);
    assert_true(rd(0, APIC_TMCCT) <= 10);
}

static void test_timer_masked(void **state)
{
    struct vlapic *l = vl(0);

    enable(0);
    wr(0, APIC_LVTT, APIC_LVT_MASKED | 0x42);
    wr(0, APIC_TMICT, 10);
    assert_true(fire_timer(&l->timer));
    assert_false(irr(0, 0x42));
}

static void test_timer_tsc_deadline(void **state)
{
    struct vlapic *l = vl(0);
    struct vcpu *v = &td.v[0];
    u64 val, gtsc = stime_to_tsc(test_now);
    s_time_t t0 = test_now;

    enable(0);
    /* Outside deadline mode the MSR is ignored and reads 0. */
    assert_int_equal(vlapic_wrmsr(v, MSR_TSC_DEADLINE, gtsc + 100),
                     X86EMUL_OKAY);
    assert_false(timer_is_active(&l->timer));
    assert_int_equal(vlapic_rdmsr(v, MSR_TSC_DEADLINE, &val), X86EMUL_OKAY);
    assert_int_equal(val, 0);

    wr(0, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x43);
    assert_int_equal(vlapic_wrmsr(v, MSR_TSC_DEADLINE, gtsc + 2000),
                     X86EMUL_OKAY);
    assert_int_equal(vlapic_rdmsr(v, MSR_TSC_DEADLINE, &val), X86EMUL_OKAY);
    assert_int_equal(val, gtsc + 2000);
    /* 2000 ticks of a 2 GHz TSC. */
    assert_int_equal(l->timer.expires, t0 + 1000);
    /* TMICT does nothing in this mode. */
    wr(0, APIC_TMICT, 5);
    assert_int_equal(rd(0, APIC_TMICT), 0);
    assert_int_equal(l->timer.expires, t0 + 1000);
    assert_true(fire_timer(&l->timer));
    assert_true(irr(0, 0x43));
    assert_int_equal(vlapic_rdmsr(v, MSR_TSC_DEADLINE, &val), X86EMUL_OKAY);
    assert_int_equal(val, 0);
    assert_false(timer_is_active(&l->timer));

    /* A deadline already passed fires at once; 0 disarms. */
    assert_int_equal(vlapic_wrmsr(v, MSR_TSC_DEADLINE, 1), X86EMUL_OKAY);
    assert_int_equal(l->timer.expires, test_now);
    assert_int_equal(vlapic_wrmsr(v, MSR_TSC_DEADLINE, 0), X86EMUL_OKAY);
    assert_false(timer_is_active(&l->timer));

    /* Leaving deadline mode disarms it. */
    assert_int_equal(vlapic_wrmsr(v, MSR_TSC_DEADLINE, gtsc + 1000000),
                     X86EMUL_OKAY);
    assert_true(timer_is_active(&l->timer));
    wr(0, APIC_LVTT, 0x43);
    assert_false(timer_is_active(&l->timer));
}

/* ---- Destinations and IPIs ---- */

static void test_match_dest_xapic(void **state)
{
    struct vlapic *a = vl(0), *b = vl(1);

    /* Physical: APIC ID 2 is vCPU 1; 0xff is broadcast. */
    assert_true(vlapic_match_dest(b, a, APIC_SHORT_NONE, 2, false));
    assert_false(vlapic_match_dest(a, a, APIC_SHORT_NONE, 2, false));
    assert_true(vlapic_match_dest(a, b, APIC_SHORT_NONE, 0xff, false));
    assert_true(vlapic_match_dest(b, b, APIC_SHORT_NONE, 0x102, false));

    /* Shorthands. */
    assert_true(vlapic_match_dest(a, a, APIC_SHORT_SELF, 0, false));
    assert_false(vlapic_match_dest(b, a, APIC_SHORT_SELF, 0, false));
    assert_true(vlapic_match_dest(a, a, APIC_SHORT_ALL, 0, false));
    assert_false(vlapic_match_dest(a, a, APIC_SHORT_ALLBUT, 0, false));
    assert_true(vlapic_match_dest(b, a, APIC_SHORT_ALLBUT, 0, false));

    /* Flat logical: any common bit. */
    td.v[0].vlapic->regs[APIC_LDR >> 2] = 0x01000000;
    td.v[1].vlapic->regs[APIC_LDR >> 2] = 0x02000000;
    assert_true(vlapic_match_dest(a, NULL, APIC_SHORT_NONE, 0x03, true));
    assert_true(vlapic_match_dest(b, NULL, APIC_SHORT_NONE, 0x03, true));
    assert_false(vlapic_match_dest(b, NULL, APIC_SHORT_NONE, 0x01, true));

    /* Cluster logical: cluster nibble must match. */
    wr(0, APIC_DFR, 0x0fffffff);
    wr(0, APIC_LDR, 0x21000000);
    assert_true(vlapic_match_dest(a, NULL, APIC_SHORT_NONE, 0x23, true));
    assert_false(vlapic_match_dest(a, NULL, APIC_SHORT_NONE, 0x13, true));
    assert_false(vlapic_match_dest(a, NULL, APIC_SHORT_NONE, 0x22, true));
    assert_true(vlapic_match_dest(a, NULL, APIC_SHORT_NONE, 0xff, true));

    /* A hardware-disabled APIC takes nothing. */
    assert_int_equal(vlapic_wrmsr(&td.v[1], MSR_APIC_BASE, 0xfee00000),
                     X86EMUL_OKAY);
    assert_false(vlapic_match_dest(b, a, APIC_SHORT_ALL, 0, false));
}

static void test_ipi_fixed(void **state)
{
    unsigned int i;

    for ( i = 0; i < 4; i++ )
        enable(i);
    /* To APIC ID 4 (vCPU 2), physical. */
    wr(0, APIC_ICR2, 4U << 24);
    wr(0, APIC_ICR, 0x4061);
    assert_true(irr(2, 0x61));
    assert_false(irr(1, 0x61) || irr(0, 0x61) || irr(3, 0x61));
    assert_int_equal(rd(0, APIC_ICR), 0x4061);

    /* All but self. */
    wr(1, APIC_ICR, APIC_DEST_ALLBUT | 0x62);
    assert_true(irr(0, 0x62) && irr(2, 0x62) && irr(3, 0x62));
    assert_false(irr(1, 0x62));

    /* Self. */
    wr(3, APIC_ICR, APIC_DEST_SELF | 0x63);
    assert_true(irr(3, 0x63));
    assert_false(irr(0, 0x63));

    /* All including self. */
    wr(3, APIC_ICR, 0x80000 | 0x64);
    for ( i = 0; i < 4; i++ )
        assert_true(irr(i, 0x64));

    /* Logical flat to vCPUs 1 and 3. */
    wr(1, APIC_LDR, 0x02000000);
    wr(3, APIC_LDR, 0x08000000);
    wr(0, APIC_ICR2, 0x0a000000);
    wr(0, APIC_ICR, 0x800 | 0x65);
    assert_true(irr(1, 0x65) && irr(3, 0x65));
    assert_false(irr(0, 0x65) || irr(2, 0x65));
}

static void test_ipi_lowest_priority(void **state)
{
    unsigned int i;

    for ( i = 0; i < 4; i++ )
    {
        enable(i);
        wr(i, APIC_TASKPRI, 0x80);
    }
    wr(2, APIC_TASKPRI, 0x10);
    wr(0, APIC_ICR2, 0xff000000);
    wr(0, APIC_ICR, 0x100 | 0x66);
    assert_true(irr(2, 0x66));
    for ( i = 0; i < 4; i++ )
        if ( i != 2 )
            assert_false(irr(i, 0x66));
}

static void test_ipi_nmi(void **state)
{
    enable(0);
    enable(1);
    assert_false(vlapic_nmi_pending(&td.v[1]));
    wr(0, APIC_ICR2, 2U << 24);
    wr(0, APIC_ICR, 0x4400);
    assert_true(vlapic_nmi_pending(&td.v[1]));
    assert_false(vlapic_nmi_pending(&td.v[0]));
    vlapic_ack_nmi(&td.v[1]);
    assert_false(vlapic_nmi_pending(&td.v[1]));
}

static void test_init_sipi(void **state)
{
    struct vcpu *ap = &td.v[1];

    enable(0);
    enable(1);
    wr(1, APIC_TASKPRI, 0x20);
    vlapic_set_irq(vl(1), 0x70, false);

    /* A SIPI without INIT is ignored. */
    wr(0, APIC_ICR2, 2U << 24);
    wr(0, APIC_ICR, 0x4600 | 0x9a);
    assert_int_equal(sipi_count, 0);

    /* INIT assert: the AP stops and its APIC is reset. */
    wr(0, APIC_ICR, 0xc500);
    assert_true(ap->pause_flags & (1UL << VPF_down));
    assert_true(sleep_count >= 1);
    assert_int_equal(rd(1, APIC_TASKPRI), 0);
    assert_int_equal(rd(1, APIC_SPIV), 0xff);
    assert_false(irr(1, 0x70));
    assert_int_equal(rd(1, APIC_ID), 2U << 24);

    /* INIT de-assert (level, not asserted) changes nothing. */
    wr(0, APIC_ICR, 0x8500);
    assert_int_equal(sipi_count, 0);

    /* First SIPI starts it at vector << 12; the second is ignored. */
    wr(0, APIC_ICR, 0x4600 | 0x9a);
    assert_int_equal(sipi_count, 1);
    assert_ptr_equal(sipi_vcpu, ap);
    assert_int_equal(sipi_vector, 0x9a);
    assert_false(ap->pause_flags & (1UL << VPF_down));
    wr(0, APIC_ICR, 0x4600 | 0x9b);
    assert_int_equal(sipi_count, 1);

    /* Broadcast INIT-SIPI to all but self, as Linux may do. */
    wr(0, APIC_ICR, APIC_DEST_ALLBUT | 0x4500);
    wr(0, APIC_ICR, APIC_DEST_ALLBUT | 0x4600 | 0x10);
    assert_int_equal(sipi_count, 4);
    assert_int_equal(sipi_vector, 0x10);
    assert_false(td.v[0].pause_flags & (1UL << VPF_down));
}

/*
 * A guest whose MADT lists APIC IDs other than VLAPIC_ID(vcpu_id) (dom0
 * given the host's MADT: 0, 1, ...) starts its APs at IDs no vCPU has:
 * nothing is delivered, and the hypervisor says so once.
 */
static void test_init_sipi_unknown_apic_id(void **state)
{
    struct vcpu *ap = &td.v[1];

    enable(0);
    enable(1);
    test_log_reset();
    wr(0, APIC_ICR2, 1U << 24);
    wr(0, APIC_ICR, 0xc500);
    wr(0, APIC_ICR, 0x4600 | 0x9a);
    wr(0, APIC_ICR, 0x4600 | 0x9a);
    assert_int_equal(sipi_count, 0);
    assert_false(ap->pause_flags & (1UL << VPF_down));
    assert_int_equal(test_log_count("APIC ID 0x1 matches no vCPU"), 1);
    assert_true(test_log_contains("INIT IPI to APIC ID 0x1 matches no vCPU"));

    /* The AP's real ID still works afterwards, without more warnings. */
    wr(0, APIC_ICR2, 2U << 24);
    wr(0, APIC_ICR, 0xc500);
    wr(0, APIC_ICR, 0x4600 | 0x9a);
    assert_int_equal(sipi_count, 1);
    assert_ptr_equal(sipi_vcpu, ap);
    assert_int_equal(test_log_count("matches no vCPU"), 1);
}

/* ---- x2APIC ---- */

static void test_x2apic_transitions(void **state)
{
    struct vcpu *v = &td.v[1];
    u64 val;

    /* EXTD without EN, and reserved bits: #GP. */
    assert_int_equal(vlapic_wrmsr(v, MSR_APIC_BASE, 0xfee00400),
                     X86EMUL_EXCEPTION);
    assert_int_equal(vlapic_wrmsr(v, MSR_APIC_BASE, 0xfee00801),
                     X86EMUL_EXCEPTION);
    /* x2APIC MSRs #GP in xAPIC mode. */
    assert_int_equal(vlapic_rdmsr(v, 0x802, &val), X86EMUL_EXCEPTION);
    assert_int_equal(vlapic_rdmsr(v, 0x10, &val), X86EMUL_UNHANDLEABLE);

    assert_int_equal(vlapic_wrmsr(v, MSR_APIC_BASE, 0xfee00c00),
                     X86EMUL_OKAY);
    assert_true(vlapic_x2apic_mode(vl(1)));
    /* The MMIO page is gone in x2APIC mode. */
    assert_false(hvm_mmio_claimed(v, BASE));
    assert_true(hvm_mmio_claimed(&td.v[0], BASE));

    assert_int_equal(vlapic_rdmsr(v, 0x802, &val), X86EMUL_OKAY);
    assert_int_equal(val, 2);
    assert_int_equal(vlapic_rdmsr(v, 0x80d, &val), X86EMUL_OKAY);
    assert_int_equal(val, 0x4);         /* cluster 0, bit 2 */
    assert_int_equal(vlapic_rdmsr(v, 0x803, &val), X86EMUL_OKAY);
    assert_int_equal(val, 0x00050014);

    /* x2APIC -> xAPIC directly is refused; via disabled it works. */
    assert_int_equal(vlapic_wrmsr(v, MSR_APIC_BASE, 0xfee00800),
                     X86EMUL_EXCEPTION);
    assert_int_equal(vlapic_wrmsr(v, MSR_APIC_BASE, 0xfee00000),
                     X86EMUL_OKAY);
    /* disabled -> x2APIC directly is refused too. */
    assert_int_equal(vlapic_wrmsr(v, MSR_APIC_BASE, 0xfee00c00),
                     X86EMUL_EXCEPTION);
    assert_int_equal(vlapic_wrmsr(v, MSR_APIC_BASE, 0xfee00800),
                     X86EMUL_OKAY);
    assert_int_equal(rd(1, APIC_ID), 2U << 24);
    /* The BSP bit is read-only. */
    assert_int_equal(vlapic_rdmsr(v, MSR_APIC_BASE, &val), X86EMUL_OKAY);
    assert_int_equal(val, 0xfee00800);
    assert_int_equal(vlapic_wrmsr(&td.v[0], MSR_APIC_BASE, 0xfee00800),
                     X86EMUL_OKAY);
    assert_int_equal(vlapic_rdmsr(&td.v[0], MSR_APIC_BASE, &val),
                     X86EMUL_OKAY);
    assert_int_equal(val, 0xfee00900);
}

static void test_x2apic_registers(void **state)
{
    static const u32 gp_read[] = { 0x800, 0x801, 0x809, 0x80b, 0x80c,
                                   0x80e, 0x831, 0x83f, 0x8ff };
    static const u32 gp_write[] = { 0x802, 0x803, 0x80a, 0x80d, 0x810,
                                    0x839, 0x8ff };
    struct vcpu *v0 = &td.v[0], *v1 = &td.v[1];
    unsigned int i;
    u64 val;

    assert_int_equal(vlapic_wrmsr(v0, MSR_APIC_BASE, 0xfee00d00),
                     X86EMUL_OKAY);
    assert_int_equal(vlapic_wrmsr(v1, MSR_APIC_BASE, 0xfee00c00),
                     X86EMUL_OKAY);
    for ( i = 0; i < ARRAY_SIZE(gp_read); i++ )
        assert_int_equal(vlapic_rdmsr(v0, gp_read[i], &val),
                         X86EMUL_EXCEPTION);
    for ( i = 0; i < ARRAY_SIZE(gp_write); i++ )
        assert_int_equal(vlapic_wrmsr(v0, gp_write[i], 0),
                         X86EMUL_EXCEPTION);
    /* EOI and ESR take only 0; the high half is reserved. */
    assert_int_equal(vlapic_wrmsr(v0, 0x80b, 1), X86EMUL_EXCEPTION);
    assert_int_equal(vlapic_wrmsr(v0, 0x828, 1), X86EMUL_EXCEPTION);
    assert_int_equal(vlapic_wrmsr(v0, 0x808, 1ULL << 32),
                     X86EMUL_EXCEPTION);

    assert_int_equal(vlapic_wrmsr(v0, 0x80f, 0x1ff), X86EMUL_OKAY);
    assert_int_equal(vlapic_wrmsr(v1, 0x80f, 0x1ff), X86EMUL_OKAY);
    assert_int_equal(vlapic_wrmsr(v0, 0x808, 0x20), X86EMUL_OKAY);
    assert_int_equal(vlapic_rdmsr(v0, 0x80a, &val), X86EMUL_OKAY);
    assert_int_equal(val, 0x20);

    /* ICR is one 64-bit MSR with a 32-bit destination. */
    assert_int_equal(vlapic_wrmsr(v0, 0x830, (2ULL << 32) | 0x4071),
                     X86EMUL_OKAY);
    assert_int_equal(vlapic_rdmsr(v1, 0x820 + 0x71 / 32, &val),
                     X86EMUL_OKAY);
    assert_true((val >> (0x71 % 32)) & 1);
    assert_int_equal(vlapic_rdmsr(v0, 0x830, &val), X86EMUL_OKAY);
    assert_int_equal(val, (2ULL << 32) | 0x4071);

    /* Logical x2APIC: cluster 0, bit 2 is APIC ID 2. */
    assert_int_equal(vlapic_wrmsr(v0, 0x830, (0x4ULL << 32) | 0x800 | 0x72),
                     X86EMUL_OKAY);
    assert_int_equal(vlapic_rdmsr(v1, 0x823, &val), X86EMUL_OKAY);
    assert_true((val >> (0x72 % 32)) & 1);

    /* SELF_IPI. */
    assert_int_equal(vlapic_wrmsr(v0, 0x83f, 0x73), X86EMUL_OKAY);
    assert_int_equal(vlapic_pending_irq(v0), 0x73);
    vlapic_ack_irq(v0, 0x73);
    assert_int_equal(vlapic_wrmsr(v0, 0x80b, 0), X86EMUL_OKAY);
    assert_int_equal(vlapic_rdmsr(v0, 0x817, &val), X86EMUL_OKAY);
    assert_int_equal(val, 0);
}

static void test_first_vlapic_sets_up_domain(void **state)
{
    struct domain d = { .domain_id = 5, .max_vcpus = 1 };
    struct vcpu v = { .vcpu_id = 0, .domain = &d };
    struct vcpu *vp[1] = { &v };
    u64 val;

    d.vcpu = vp;
    assert_int_equal(vlapic_init(&v), 0);
    assert_non_null(d.vdev);
    assert_true(hvm_mmio_claimed(&v, 0xfee00030));
    assert_true(hvm_mmio_claimed(&v, 0xfec00010));
    assert_int_equal(hvm_mmio_dispatch(&v, 0xfee00030, 4, false, &val),
                     X86EMUL_OKAY);
    assert_int_equal(val, 0x00050014);
    /* Two MMIO handlers: the vIOAPIC and the vLAPIC page. */
    assert_int_equal(d.vdev->nr_mmio, 2);
    vlapic_destroy(&v);
    assert_null(v.vlapic);
    hvm_vdev_destroy(&d);
    assert_null(d.vdev);
}

static void test_apic_base_relocation(void **state)
{
    u64 val;

    assert_int_equal(vlapic_wrmsr(&td.v[1], MSR_APIC_BASE,
                                  0x12345678000ULL | APIC_BASE_ENABLE),
                     X86EMUL_OKAY);
    assert_false(hvm_mmio_claimed(&td.v[1], BASE));
    assert_true(hvm_mmio_claimed(&td.v[1], 0x12345678030ULL));
    assert_true(hvm_mmio_claimed(&td.v[0], BASE));
    assert_int_equal(hvm_mmio_dispatch(&td.v[1], 0x12345678020ULL, 4, false,
                                       &val), X86EMUL_OKAY);
    assert_int_equal(val, 2U << 24);
    /* Bits above MAXPHYADDR's architectural limit are reserved. */
    assert_int_equal(vlapic_wrmsr(&td.v[1], MSR_APIC_BASE,
                                  (1ULL << 52) | 0xfee00800),
                     X86EMUL_EXCEPTION);
}

/* Every offset and size of the page, read and written: no fault. */
static void test_page_sweep(void **state)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8 };
    unsigned int off, i;
    u64 val, seed = 0x9e3779b97f4a7c15ULL;

    enable(0);
    for ( off = 0; off < 0x1000; off++ )
        for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
        {
            assert_int_equal(hvm_mmio_dispatch(&td.v[0], BASE + off,
                                               sizes[i], false, &val),
                             X86EMUL_OKAY);
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            val = seed >> 11;
            assert_int_equal(hvm_mmio_dispatch(&td.v[0], BASE + off,
                                               sizes[i], true, &val),
                             X86EMUL_OKAY);
        }
    /* Read-only registers survived. */
    assert_int_equal(rd(0, APIC_LVR), 0x00050014);
    assert_true(hvm_mmio_claimed(&td.v[0], BASE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_reset_state),
        T(test_reserved_registers_read_zero),
        T(test_register_write_masks),
        T(test_software_disable_masks_lvts),
        T(test_upcall_refused_while_disabled),
        T(test_tpr_ppr),
        T(test_pending_priority),
        T(test_eoi_clears_highest_isr),
        T(test_illegal_vectors_and_esr),
        T(test_timer_oneshot),
        T(test_timer_divider),
        T(test_timer_periodic),
        T(test_timer_periodic_min_period),
        T(test_timer_masked),
        T(test_timer_tsc_deadline),
        T(test_match_dest_xapic),
        T(test_ipi_fixed),
        T(test_ipi_lowest_priority),
        T(test_ipi_nmi),
        T(test_init_sipi),
        T(test_init_sipi_unknown_apic_id),
        T(test_x2apic_transitions),
        T(test_x2apic_registers),
        T(test_first_vlapic_sets_up_domain),
        T(test_apic_base_relocation),
        T(test_page_sweep),
#undef T
    };

    return cmocka_run_group_tests_name("vlapic", tests, NULL, NULL);
}
