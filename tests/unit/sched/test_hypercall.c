/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/common/hypercall.c: the table, registration and dispatch (argument
 * registers, result in rax, -ENOSYS / -EPERM logged once per number).
 */
#include "harness.h"

#include <string.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/hypercall.h>
#include <public/xen.h>

/* The table's built-in handlers, as fakes. */
static unsigned long last[5];

long do_xen_version(unsigned long a1, unsigned long a2, unsigned long a3,
                    unsigned long a4, unsigned long a5)
{
    last[0] = a1; last[1] = a2; last[2] = a3; last[3] = a4; last[4] = a5;
    return 0x40011;
}

long do_sched_op(unsigned long a1, unsigned long a2, unsigned long a3,
                 unsigned long a4, unsigned long a5)
{
    return -ENOSYS;
}

long do_console_io(unsigned long a1, unsigned long a2, unsigned long a3,
                   unsigned long a4, unsigned long a5)
{
    return 0;
}

static long fake_domctl(unsigned long a1, unsigned long a2, unsigned long a3,
                        unsigned long a4, unsigned long a5)
{
    return 36;
}

static struct domain dom;
static struct vcpu vcpu;

int reset_hc(void **state)
{
    memset(&dom, 0, sizeof(dom));
    memset(&vcpu, 0, sizeof(vcpu));
    vcpu.domain = &dom;
    test_log_reset();
    return 0;
}

static long call(unsigned long nr)
{
    vcpu.regs.rax = nr;
    hypercall_dispatch(&vcpu);
    return (long)vcpu.regs.rax;
}

void test_hc_args_and_result(void **state)
{
    vcpu.regs.rdi = 1;
    vcpu.regs.rsi = 2;
    vcpu.regs.rdx = 3;
    vcpu.regs.r10 = 4;
    vcpu.regs.r8 = 5;
    vcpu.regs.rcx = 99;         /* not an argument register */
    assert_int_equal(call(__HYPERVISOR_xen_version), 0x40011);
    assert_int_equal(last[0], 1);
    assert_int_equal(last[1], 2);
    assert_int_equal(last[2], 3);
    assert_int_equal(last[3], 4);
    assert_int_equal(last[4], 5);
    assert_int_equal(test_log_lines(), 0);
}

void test_hc_enosys_logged_once(void **state)
{
    assert_int_equal(call(__HYPERVISOR_mmu_update), -ENOSYS);
    assert_int_equal(call(__HYPERVISOR_mmu_update), -ENOSYS);
    assert_int_equal(test_log_count("hypercall 1 not implemented"), 1);
    /* Beyond the table, including numbers that look negative. */
    assert_int_equal(call(NR_hypercalls), -ENOSYS);
    assert_int_equal(call(~0UL), -ENOSYS);
    assert_int_equal(call(1UL << 40), -ENOSYS);
    assert_int_equal(test_log_count("not implemented"), 2);
}

void test_hc_privileged(void **state)
{
    hypercall_register(__HYPERVISOR_domctl, fake_domctl, HC_PRIVILEGED,
                       "domctl");
    dom.domain_id = 1;
    assert_int_equal(call(__HYPERVISOR_domctl), -EPERM);
    assert_int_equal(call(__HYPERVISOR_domctl), -EPERM);
    assert_int_equal(test_log_count("d1v0: hypercall domctl denied"), 1);
    dom.is_privileged = true;
    assert_int_equal(call(__HYPERVISOR_domctl), 36);
}

void test_hc_register_bad(void **state)
{
    hypercall_register(NR_hypercalls, fake_domctl, HC_ANY, "big");
    assert_log_contains("cannot register");
    hypercall_register(3, NULL, HC_ANY, "null");
    assert_int_equal(test_log_count("cannot register"), 2);
    assert_int_equal(call(3), -ENOSYS);
    /* Replacing a handler is reported. */
    hypercall_register(__HYPERVISOR_console_io, fake_domctl, HC_ANY, "x");
    assert_log_contains("hypercall 18: x replaces console_io");
    assert_int_equal(call(__HYPERVISOR_console_io), 36);
}
