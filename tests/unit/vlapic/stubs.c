/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include "harness.h"
#include "stubs.h"
#include <asm/io_apic.h>
#include <asm/apic.h>
#include <asm/config.h>

s_time_t test_now;
unsigned int wake_count, sleep_count, apic_eoi_count;
struct vcpu *sipi_vcpu;
int sipi_vector;
unsigned int sipi_count;
unsigned int route_count, route_gsi;
u8 route_vector;
bool route_level, route_low;
irq_handler_t route_fn;
int route_rc;
unsigned int mask_count, unmask_count;
bool pin_masked[64];
struct vcpu_info test_vcpu_info[4];
u8 test_upcall_vector;
unsigned int upcall_assert_count;

struct io_apic io_apics[MAX_IO_APICS];
unsigned int nr_ioapics;
u32 x86_cpu_to_apicid[NR_CPUS];

/* Only the weak platform versions in hvm/irq.c would call these. */
u32 io_apic_read(unsigned int apic, unsigned int reg)
{
    fail_msg("io_apic_read(%u, %#x) reached the host", apic, reg);
    return 0;
}

void io_apic_write(unsigned int apic, unsigned int reg, u32 v)
{
    fail_msg("io_apic_write(%u, %#x) reached the host", apic, reg);
}

void set_irq_handler(u8 vector, irq_handler_t fn)
{
    fail_msg("set_irq_handler(%#x) reached the host", vector);
}

void stubs_reset(void)
{
    test_now = SECONDS(1);
    wake_count = sleep_count = apic_eoi_count = 0;
    sipi_vcpu = NULL;
    sipi_vector = -1;
    sipi_count = 0;
    route_count = route_gsi = 0;
    route_vector = 0;
    route_level = route_low = false;
    route_fn = NULL;
    route_rc = 0;
    mask_count = unmask_count = 0;
    memset(pin_masked, 0, sizeof(pin_masked));
    memset(io_apics, 0, sizeof(io_apics));
    nr_ioapics = 0;
    memset(test_vcpu_info, 0, sizeof(test_vcpu_info));
    test_upcall_vector = 0;
    upcall_assert_count = 0;
    test_log_reset();
}

void host_spin_lock(spinlock_t *l)
{
    if ( l->locked )
        fail_msg("spinlock %p taken twice", (void *)l);
    l->locked = 1;
}

void host_spin_unlock(spinlock_t *l)
{
    if ( !l->locked )
        fail_msg("spinlock %p released while free", (void *)l);
    l->locked = 0;
}

s_time_t get_s_time(void)
{
    return test_now;
}

u64 stime_to_tsc(s_time_t t)
{
    return (u64)t * 2;
}

u64 tsc_ticks_to_ns(u64 ticks)
{
    return ticks / 2;
}

void init_timer(struct timer *t, void (*fn)(void *), void *data,
                unsigned int cpu)
{
    memset(t, 0, sizeof(*t));
    t->function = fn;
    t->data = data;
    t->cpu = cpu;
    t->status = TIMER_STATUS_inactive;
}

void set_timer(struct timer *t, s_time_t expires)
{
    assert_int_not_equal(t->status, TIMER_STATUS_invalid);
    t->expires = expires;
    t->status = TIMER_STATUS_in_list;
}

void stop_timer(struct timer *t)
{
    if ( t->status == TIMER_STATUS_in_list )
        t->status = TIMER_STATUS_inactive;
}

void kill_timer(struct timer *t)
{
    t->status = TIMER_STATUS_invalid;
}

bool fire_timer(struct timer *t)
{
    if ( t->status != TIMER_STATUS_in_list )
        return false;
    if ( test_now < t->expires )
        test_now = t->expires;
    t->status = TIMER_STATUS_inactive;
    t->function(t->data);
    return true;
}

void *xmalloc_bytes(size_t size)
{
    return malloc(size);
}

void *xzalloc_bytes(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

void vcpu_wake(struct vcpu *v)
{
    __atomic_fetch_and(&v->pause_flags, ~(1UL << VPF_blocked),
                       __ATOMIC_SEQ_CST);
    wake_count++;
}

void vcpu_sleep_nosync(struct vcpu *v)
{
    sleep_count++;
}

int hvm_vcpu_reset_to_sipi(struct vcpu *v, u8 vec)
{
    sipi_vcpu = v;
    sipi_vector = vec;
    sipi_count++;
    v->pause_flags &= ~(1UL << VPF_down);
    return 0;
}

void hvm_vcpu_kick(struct vcpu *v)
{
}

struct vcpu_info *evtchn_vcpu_info(struct vcpu *v)
{
    return v->vcpu_id < 4 ? &test_vcpu_info[v->vcpu_id] : NULL;
}

/* hvmop.c's: raise the upcall vector in v's vLAPIC (refused if off). */
void hvm_assert_evtchn_irq(struct vcpu *v)
{
    upcall_assert_count++;
    if ( test_upcall_vector && v->vlapic )
        vlapic_set_irq(v->vlapic, test_upcall_vector, false);
}

s64 hvm_guest_tsc_offset(struct vcpu *v)
{
    return 0;
}

void apic_write(unsigned int reg, u32 v)
{
    if ( reg == APIC_EOI )
        apic_eoi_count++;
}

int ioapic_route_pin_to_vector(unsigned int gsi, u8 vector, bool level,
                               bool active_low, irq_handler_t fn)
{
    route_count++;
    if ( route_rc )
        return route_rc;
    route_gsi = gsi;
    route_vector = vector;
    route_level = level;
    route_low = active_low;
    route_fn = fn;
    if ( gsi < 64 )
        pin_masked[gsi] = false;
    return 0;
}

void ioapic_mask_pin(unsigned int gsi, bool mask)
{
    if ( mask )
        mask_count++;
    else
        unmask_count++;
    if ( gsi < 64 )
        pin_masked[gsi] = mask;
}

void test_dom_init(struct test_dom *td, unsigned int nr, bool hwdom)
{
    unsigned int i;

    memset(td, 0, sizeof(*td));
    td->d.domain_id = hwdom ? 0 : 1;
    td->d.is_hardware_domain = hwdom;
    td->d.max_vcpus = nr;
    td->d.vcpu = td->vp;
    assert_int_equal(hvm_vdev_init(&td->d), 0);
    for ( i = 0; i < nr; i++ )
    {
        td->v[i].vcpu_id = i;
        td->v[i].domain = &td->d;
        td->v[i].processor = i;
        td->vp[i] = &td->v[i];
        assert_int_equal(vlapic_init(&td->v[i]), 0);
    }
}

void test_dom_free(struct test_dom *td)
{
    unsigned int i;

    for ( i = 0; i < td->d.max_vcpus; i++ )
        vlapic_destroy(&td->v[i]);
    hvm_vdev_destroy(&td->d);
}
