/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated local APIC (Intel SDM vol. 3, "Advanced Programmable
 * Interrupt Controller (APIC)").
 *
 * The register page is kept in xAPIC layout whatever the mode; x2APIC
 * MSR 0x800 + n is the register at offset n << 4.  IRR, ISR and TMR are
 * changed with atomic bit operations because other vCPUs, the vIOAPIC
 * and timers raise interrupts from other CPUs; the rest of the page
 * belongs to the vCPU itself (its MMIO and MSR exits).  The timer state
 * is under vlapic->lock since the expiry runs on the CPU the timer was
 * created on.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/console.h>
#include <xen/event.h>
#include <asm/apic.h>
#include <asm/hvm/io.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/vioapic.h>

/* Offsets asm/apic.h does not name (the host driver does not use them). */
#define VLAPIC_APR      0x090
#define VLAPIC_PPR      0x0a0
#define VLAPIC_RRD      0x0c0
#define VLAPIC_ISR      0x100
#define VLAPIC_TMR      0x180
#define VLAPIC_IRR      0x200

#define DM_LOWEST       0x100
#define DM_SMI          0x200
#define DM_MASK         0x700
#define ICR_DEST_LOGICAL 0x800
#define ICR_WRITE_MASK  0x000ccfffU     /* not delivery status (RO) */

#define LVT_MASK_TIMER  0x000700ffU     /* vector, mask, mode (2 bits) */
#define LVT_MASK_PLAIN  0x000107ffU     /* thermal, perf: vector, dm, mask */
#define LVT_MASK_LINT   0x0001a7ffU     /* + polarity, trigger */
#define LVT_MASK_ERROR  0x000100ffU
#define LVT_TIMER_MODE(v) (((v) >> 17) & 3)
#define TIMER_ONESHOT   0
#define TIMER_PERIODIC  1
#define TIMER_DEADLINE  2

#define SVR_MASK        0x000003ffU     /* vector, enable, focus check */
/* IA32_APIC_BASE address bits: 12 up to the 52-bit MAXPHYADDR limit. */
#define BASE_ADDR_MASK  0x000ffffffffff000ULL

#define NS_PER_TICK     (1000000000ULL / VLAPIC_BUS_HZ)

#define REG(vl, off)    ((vl)->regs[(off) >> 2])

static const unsigned int lvt_regs[] = {
    APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1, APIC_LVTERR,
};

/* IRR/ISR/TMR: 8 words of 32 vectors each, one every 16 bytes. */
static u32 *vec_word(struct vlapic *vl, unsigned int base, u8 vec)
{
    return &vl->regs[(base >> 2) + ((vec >> 5) << 2)];
}

static bool vec_test(const struct vlapic *vl, unsigned int base, u8 vec)
{
    u32 w = __atomic_load_n(&vl->regs[(base >> 2) + ((vec >> 5) << 2)],
                            __ATOMIC_ACQUIRE);

    return (w >> (vec & 31)) & 1;
}

static bool vec_set(struct vlapic *vl, unsigned int base, u8 vec)
{
    u32 bit = 1U << (vec & 31);

    return __atomic_fetch_or(vec_word(vl, base, vec), bit,
                             __ATOMIC_SEQ_CST) & bit;
}

static void vec_clear(struct vlapic *vl, unsigned int base, u8 vec)
{
    __atomic_fetch_and(vec_word(vl, base, vec), ~(1U << (vec & 31)),
                       __ATOMIC_SEQ_CST);
}

static int highest_vec(const struct vlapic *vl, unsigned int base)
{
    int i;

    for ( i = 7; i >= 0; i-- )
    {
        u32 w = __atomic_load_n(&vl->regs[(base >> 2) + (i << 2)],
                                __ATOMIC_ACQUIRE);

        if ( w )
            return i * 32 + 31 - __builtin_clz(w);
    }
    return -1;
}

bool vlapic_x2apic_mode(const struct vlapic *vl)
{
    return (vl->apic_base_msr & (APIC_BASE_ENABLE | APIC_BASE_EXTD)) ==
           (APIC_BASE_ENABLE | APIC_BASE_EXTD);
}

static bool hw_enabled(const struct vlapic *vl)
{
    return vl->apic_base_msr & APIC_BASE_ENABLE;
}

bool vlapic_enabled(const struct vlapic *vl)
{
    return hw_enabled(vl) && (REG(vl, APIC_SPIV) & APIC_SPIV_APIC_ENABLED);
}

static u32 vlapic_id(const struct vlapic *vl)
{
    return VLAPIC_ID(vl->vcpu->vcpu_id);
}

static u32 x2apic_ldr(u32 id)
{
    return ((id >> 4) << 16) | (1U << (id & 0xf));
}

u32 vlapic_ppr(const struct vlapic *vl)
{
    u32 tpr = REG(vl, APIC_TASKPRI) & 0xff;
    int isr = highest_vec(vl, VLAPIC_ISR);
    u32 isrv = isr < 0 ? 0 : isr;

    /* SDM "Processor Priority Register (PPR)". */
    if ( (tpr & 0xf0) >= (isrv & 0xf0) )
        return tpr;
    return isrv & 0xf0;
}

static void kick(struct vlapic *vl)
{
    vcpu_wake(vl->vcpu);
    hvm_vcpu_kick(vl->vcpu);
}

static void record_error(struct vlapic *vl, u32 err)
{
    u32 lvt = REG(vl, APIC_LVTERR);

    __atomic_fetch_or(&vl->esr_pending, err, __ATOMIC_SEQ_CST);
    /* A bad error vector would only raise another error: drop it. */
    if ( !(lvt & APIC_LVT_MASKED) && (lvt & 0xff) >= 16 )
        vlapic_set_irq(vl, lvt & 0xff, false);
}

bool vlapic_set_irq(struct vlapic *vl, u8 vector, bool level)
{
    if ( vector < 16 )
    {
        record_error(vl, APIC_ESR_RECV_ILLEGAL);
        return false;
    }
    /* A software-disabled APIC does not accept fixed interrupts. */
    if ( !vlapic_enabled(vl) )
        return false;

    if ( level )
        vec_set(vl, VLAPIC_TMR, vector);
    else
        vec_clear(vl, VLAPIC_TMR, vector);
    vec_set(vl, VLAPIC_IRR, vector);
    kick(vl);
    return true;
}

int vlapic_pending_irq(struct vcpu *v)
{
    struct vlapic *vl = v->vlapic;
    int irr;

    if ( !vl || !vlapic_enabled(vl) )
        return -1;
    irr = highest_vec(vl, VLAPIC_IRR);
    if ( irr < 0 || (irr & 0xf0) <= (vlapic_ppr(vl) & 0xf0) )
        return -1;
    return irr;
}

void vlapic_ack_irq(struct vcpu *v, int vector)
{
    struct vlapic *vl = v->vlapic;

    if ( !vl || vector < 0 || vector > 0xff )
        return;
    vec_set(vl, VLAPIC_ISR, vector);
    vec_clear(vl, VLAPIC_IRR, vector);
}

bool vlapic_nmi_pending(struct vcpu *v)
{
    return v->vlapic && __atomic_load_n(&v->vlapic->nmi_pending,
                                        __ATOMIC_ACQUIRE);
}

void vlapic_ack_nmi(struct vcpu *v)
{
    if ( v->vlapic )
        __atomic_store_n(&v->vlapic->nmi_pending, false, __ATOMIC_RELEASE);
}

static void vlapic_eoi(struct vlapic *vl)
{
    int vec = highest_vec(vl, VLAPIC_ISR);

    if ( vec < 0 )
        return;
    vec_clear(vl, VLAPIC_ISR, vec);
    /* Level-triggered: the IOAPIC waits for this to clear remote IRR. */
    if ( vec_test(vl, VLAPIC_TMR, vec) )
        vioapic_update_eoi(vl->vcpu->domain, vec);
}

/* ---- Timer ---- */

static unsigned int timer_divisor(const struct vlapic *vl)
{
    u32 d = REG(vl, APIC_TDCR);

    /* SDM "Divide Configuration Register": bits 0, 1 and 3. */
    d = (d & 3) | ((d & 8) >> 1);
    return d == 7 ? 1 : 2U << d;
}

static unsigned int timer_mode(const struct vlapic *vl)
{
    return LVT_TIMER_MODE(REG(vl, APIC_LVTT));
}

/* Called with vl->lock held. */
static void timer_stop_locked(struct vlapic *vl)
{
    vl->timer_due = 0;
    vl->timer_period = 0;
    stop_timer(&vl->timer);
}

/* Load TMICT into the count-down (a write to TMICT). */
static void timer_load(struct vlapic *vl, u32 tmict)
{
    s_time_t period;

    spin_lock(&vl->lock);
    timer_stop_locked(vl);
    REG(vl, APIC_TMICT) = tmict;
    if ( tmict )
    {
        period = (s_time_t)tmict * timer_divisor(vl) * NS_PER_TICK;
        if ( timer_mode(vl) == TIMER_PERIODIC &&
             period < VLAPIC_MIN_PERIOD_NS )
            period = VLAPIC_MIN_PERIOD_NS;
        vl->timer_start = NOW();
        vl->timer_period = period;
        vl->timer_due = vl->timer_start + period;
        set_timer(&vl->timer, vl->timer_due);
    }
    spin_unlock(&vl->lock);
}

u32 vlapic_timer_current_count(struct vlapic *vl)
{
    s_time_t elapsed, remaining;
    u64 count;
    u32 tmict;

    spin_lock(&vl->lock);
    tmict = REG(vl, APIC_TMICT);
    if ( !vl->timer_period || timer_mode(vl) == TIMER_DEADLINE )
    {
        spin_unlock(&vl->lock);
        return 0;
    }
    elapsed = NOW() - vl->timer_start;
    if ( elapsed < 0 )
        elapsed = 0;
    if ( timer_mode(vl) == TIMER_PERIODIC )
        elapsed %= vl->timer_period;
    remaining = vl->timer_period - elapsed;
    if ( remaining < 0 )
        remaining = 0;
    count = (u64)remaining / (timer_divisor(vl) * NS_PER_TICK);
    spin_unlock(&vl->lock);
    return count > tmict ? tmict : count;
}

static void vlapic_timer_fn(void *data)
{
    struct vlapic *vl = data;
    s_time_t now, next, period;
    u32 lvtt;

    spin_lock(&vl->lock);
    now = NOW();
    /* Stopped or re-armed since this expiry was queued. */
    if ( !vl->timer_due || now < vl->timer_due )
    {
        spin_unlock(&vl->lock);
        return;
    }
    switch ( timer_mode(vl) )
    {
    case TIMER_PERIODIC:
        period = vl->timer_period;
        if ( period < VLAPIC_MIN_PERIOD_NS )
            period = VLAPIC_MIN_PERIOD_NS;
        vl->timer_period = period;
        /*
         * Stay on the original grid; ticks missed while the host was
         * busy are dropped, not delivered in a burst.
         */
        next = vl->timer_due + period;
        if ( next <= now )
            next = now + period - (now - vl->timer_due) % period;
        vl->timer_start = next - period;
        vl->timer_due = next;
        set_timer(&vl->timer, next);
        break;
    case TIMER_DEADLINE:
        vl->tsc_deadline = 0;
        vl->timer_due = 0;
        break;
    default:
        /* One-shot: the count stays at 0 (timer_period kept for TMCCT). */
        vl->timer_due = 0;
        break;
    }
    lvtt = REG(vl, APIC_LVTT);
    spin_unlock(&vl->lock);

    if ( !(lvtt & APIC_LVT_MASKED) )
        vlapic_set_irq(vl, lvtt & 0xff, false);
}

static void set_tsc_deadline(struct vlapic *vl, u64 deadline)
{
    s_time_t now;
    u64 gtsc;

    spin_lock(&vl->lock);
    timer_stop_locked(vl);
    vl->tsc_deadline = deadline;
    if ( deadline )
    {
        now = NOW();
        gtsc = stime_to_tsc(now) + hvm_guest_tsc_offset(vl->vcpu);
        /* A deadline in the past fires at once (SDM "TSC-Deadline Mode"). */
        vl->timer_due = now;
        if ( deadline > gtsc )
            vl->timer_due += tsc_ticks_to_ns(deadline - gtsc);
        set_timer(&vl->timer, vl->timer_due);
    }
    spin_unlock(&vl->lock);
}

static void write_lvtt(struct vlapic *vl, u32 val)
{
    unsigned int old_mode = timer_mode(vl), new_mode;

    val &= LVT_MASK_TIMER;
    if ( LVT_TIMER_MODE(val) == 3 )     /* reserved: keep one-shot */
        val &= ~(3U << 17);
    new_mode = LVT_TIMER_MODE(val);
    REG(vl, APIC_LVTT) = val;
    /* Switching to or from TSC-deadline mode disarms the timer. */
    if ( (old_mode == TIMER_DEADLINE) != (new_mode == TIMER_DEADLINE) )
    {
        spin_lock(&vl->lock);
        timer_stop_locked(vl);
        REG(vl, APIC_TMICT) = 0;
        vl->tsc_deadline = 0;
        spin_unlock(&vl->lock);
    }
}

/* ---- Destinations and IPIs ---- */

bool vlapic_match_dest(const struct vlapic *target,
                       const struct vlapic *source, unsigned int shorthand,
                       u32 dest, bool logical)
{
    u32 ldr;

    if ( !hw_enabled(target) )
        return false;

    switch ( shorthand )
    {
    case APIC_SHORT_SELF:
        return target == source;
    case APIC_SHORT_ALL:
        return true;
    case APIC_SHORT_ALLBUT:
        return target != source;
    }

    if ( vlapic_x2apic_mode(target) )
    {
        /* IOAPIC messages carry 8 bits: 0xff is their broadcast. */
        if ( dest == 0xffffffffU || (!source && dest == 0xff) )
            return true;
        if ( !logical )
            return dest == vlapic_id(target);
        ldr = x2apic_ldr(vlapic_id(target));
        return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
    }

    dest &= 0xff;
    if ( dest == 0xff )
        return true;
    if ( !logical )
        return dest == REG(target, APIC_ID) >> 24;
    ldr = REG(target, APIC_LDR) >> 24;
    if ( (REG(target, APIC_DFR) >> 28) == 0xf )     /* flat model */
        return dest & ldr;
    /* Cluster model: high nibble selects the cluster. */
    return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

struct vlapic *vlapic_lowest_prio(struct domain *d, u32 dest, bool logical)
{
    struct vlapic *best = NULL;
    unsigned int i;

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];
        struct vlapic *vl = v ? v->vlapic : NULL;

        if ( !vl || !vlapic_enabled(vl) ||
             !vlapic_match_dest(vl, NULL, APIC_SHORT_NONE, dest, logical) )
            continue;
        if ( !best || vlapic_ppr(vl) < vlapic_ppr(best) )
            best = vl;
    }
    return best;
}

/* Returns false if a fixed interrupt was refused. */
static bool accept(struct vlapic *vl, unsigned int dm, u8 vector,
                   bool level)
{
    struct vcpu *v = vl->vcpu;
    static bool warned;

    switch ( dm )
    {
    case APIC_DM_FIXED:
    case DM_LOWEST:
        return vlapic_set_irq(vl, vector, level);
    case APIC_DM_NMI:
        __atomic_store_n(&vl->nmi_pending, true, __ATOMIC_RELEASE);
        kick(vl);
        break;
    case APIC_DM_INIT:
        /* Stop the vCPU; it waits for a start-up IPI (SDM "MP init"). */
        vlapic_reset(vl);
        vl->wait_for_sipi = true;
        __atomic_fetch_or(&v->pause_flags, 1UL << VPF_down,
                          __ATOMIC_SEQ_CST);
        vcpu_sleep_nosync(v);
        break;
    case APIC_DM_STARTUP:
        /* Only the first SIPI after INIT counts. */
        if ( !vl->wait_for_sipi )
            break;
        vl->wait_for_sipi = false;
        hvm_vcpu_reset_to_sipi(v, vector);
        break;
    default:
        if ( !warned )
        {
            warned = true;
            printk(XENLOG_WARNING "d%u: vLAPIC ignores delivery mode %#x\n",
                   v->domain->domain_id, dm >> 8);
        }
        break;
    }
    return true;
}

unsigned int vlapic_deliver(struct domain *d, const struct vlapic *source,
                            unsigned int shorthand, u32 dest, bool logical,
                            unsigned int delivery_mode, u8 vector,
                            bool level)
{
    unsigned int i, n = 0;

    if ( delivery_mode == DM_LOWEST && shorthand == APIC_SHORT_NONE )
    {
        struct vlapic *vl = vlapic_lowest_prio(d, dest, logical);

        return vl && accept(vl, delivery_mode, vector, level);
    }

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( v && v->vlapic &&
             vlapic_match_dest(v->vlapic, source, shorthand, dest, logical) &&
             accept(v->vlapic, delivery_mode, vector, level) )
            n++;
    }
    return n;
}

static void send_ipi(struct vlapic *vl, u32 icr, u32 dest)
{
    unsigned int dm = icr & DM_MASK;
    u8 vector = icr & 0xff;

    /* INIT level de-assert: only resets arbitration IDs on old parts. */
    if ( dm == APIC_DM_INIT && (icr & APIC_INT_LEVELTRIG) &&
         !(icr & APIC_INT_ASSERT) )
        return;
    if ( (dm == APIC_DM_FIXED || dm == DM_LOWEST) && vector < 16 )
    {
        record_error(vl, APIC_ESR_SEND_ILLEGAL);
        return;
    }
    if ( !vlapic_deliver(vl->vcpu->domain, vl, (icr >> 18) & 3, dest,
                         icr & ICR_DEST_LOGICAL, dm, vector, false) &&
         (dm == APIC_DM_INIT || dm == APIC_DM_STARTUP) &&
         ((icr >> 18) & 3) == APIC_SHORT_NONE )
    {
        static bool warned;

        /*
         * An AP start-up IPI that reaches no vCPU means the guest's ACPI
         * MADT lists APIC IDs other than VLAPIC_ID(vcpu_id): its AP then
         * never runs (Linux: "do_boot_cpu failed(-1)").  Say so once.
         */
        if ( !warned )
        {
            warned = true;
            printk(XENLOG_WARNING
                   "d%u: %s IPI to APIC ID %#x matches no vCPU\n",
                   vl->vcpu->domain->domain_id,
                   dm == APIC_DM_INIT ? "INIT" : "SIPI", dest);
        }
    }
}

/* ---- Registers ---- */

/*
 * The event-channel upcall is level-like: vcpu_info's upcall_pending
 * stays set until the guest's handler clears it, and only its 0 -> 1
 * edge raises the upcall vector (event_channel.c).  Linux registers its
 * upcall vector, which raises an upcall already pending, before it
 * enables its APIC: an event sent to a new guest before that point (a
 * console or xenstore notification from dom0, while it is paused or
 * early in its boot) was refused by the software-disabled APIC, and as
 * upcall_pending stayed set no later event raised it again.  The guest
 * then never got another upcall (its xenbus waited for good) and, as HLT
 * does not block with upcall_pending set, spun.  Xen keeps such an
 * interrupt in IRR; here it is raised again when the APIC comes up.
 */
static void upcall_after_enable(struct vlapic *vl)
{
    struct vcpu *v = vl->vcpu;
    struct vcpu_info *vi = evtchn_vcpu_info(v);

    if ( vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST)
         && hvm_assert_evtchn_irq )
        hvm_assert_evtchn_irq(v);
}

static void write_svr(struct vlapic *vl, u32 val)
{
    bool was_enabled = vlapic_enabled(vl);
    unsigned int i;

    REG(vl, APIC_SPIV) = val & SVR_MASK;
    /* Software disable masks every LVT entry (SDM "Spurious Interrupt"). */
    if ( !(val & APIC_SPIV_APIC_ENABLED) )
        for ( i = 0; i < ARRAY_SIZE(lvt_regs); i++ )
            REG(vl, lvt_regs[i]) |= APIC_LVT_MASKED;
    else if ( !was_enabled && vlapic_enabled(vl) )
        upcall_after_enable(vl);
}

static void write_lvt(struct vlapic *vl, unsigned int reg, u32 val)
{
    u32 mask;

    if ( !(REG(vl, APIC_SPIV) & APIC_SPIV_APIC_ENABLED) )
        val |= APIC_LVT_MASKED;
    switch ( reg )
    {
    case APIC_LVTT:
        write_lvtt(vl, val);
        return;
    case APIC_LVT0:
    case APIC_LVT1:
        mask = LVT_MASK_LINT;
        break;
    case APIC_LVTERR:
        mask = LVT_MASK_ERROR;
        break;
    default:
        mask = LVT_MASK_PLAIN;
        break;
    }
    REG(vl, reg) = val & mask;
}

/*
 * Read register reg (16-byte aligned offset).  Returns false for
 * offsets that are not readable in the current mode (x2APIC: #GP;
 * xAPIC: read as 0).
 */
static bool reg_read(struct vlapic *vl, unsigned int reg, u32 *val)
{
    bool x2 = vlapic_x2apic_mode(vl);

    *val = 0;
    switch ( reg )
    {
    case APIC_ID:
        *val = x2 ? vlapic_id(vl) : REG(vl, APIC_ID);
        return true;
    case APIC_LVR:
        *val = VLAPIC_VERSION;
        return true;
    case VLAPIC_PPR:
        *val = vlapic_ppr(vl);
        return true;
    case APIC_LDR:
        *val = x2 ? x2apic_ldr(vlapic_id(vl)) : REG(vl, APIC_LDR);
        return true;
    case APIC_TMCCT:
        *val = vlapic_timer_current_count(vl);
        return true;
    case VLAPIC_APR:
    case VLAPIC_RRD:
    case APIC_DFR:
    case APIC_ICR2:
        if ( x2 )
            return false;
        *val = REG(vl, reg);
        return true;
    case APIC_EOI:
        return !x2;     /* write-only: xAPIC reads 0, x2APIC #GP */
    case APIC_TASKPRI:
    case APIC_SPIV:
    case APIC_ESR:
    case APIC_ICR:
    case APIC_LVTT:
    case APIC_LVTTHMR:
    case APIC_LVTPC:
    case APIC_LVT0:
    case APIC_LVT1:
    case APIC_LVTERR:
    case APIC_TMICT:
    case APIC_TDCR:
        *val = REG(vl, reg);
        return true;
    }
    if ( reg >= VLAPIC_ISR && reg < VLAPIC_IRR + 0x80 )
    {
        *val = __atomic_load_n(&REG(vl, reg), __ATOMIC_ACQUIRE);
        return true;
    }
    return false;
}

/*
 * Write register reg.  X86EMUL_OKAY, or X86EMUL_EXCEPTION for what
 * x2APIC mode refuses with #GP (xAPIC ignores such writes).
 */
static int reg_write(struct vlapic *vl, unsigned int reg, u32 val)
{
    bool x2 = vlapic_x2apic_mode(vl);
    u32 esr;

    switch ( reg )
    {
    case APIC_ID:
        if ( x2 )
            return X86EMUL_EXCEPTION;
        REG(vl, APIC_ID) = val & 0xff000000U;
        break;
    case APIC_TASKPRI:
        REG(vl, reg) = val & 0xff;
        break;
    case APIC_EOI:
        if ( x2 && val )
            return X86EMUL_EXCEPTION;
        vlapic_eoi(vl);
        break;
    case APIC_LDR:
        if ( x2 )
            return X86EMUL_EXCEPTION;
        REG(vl, reg) = val & 0xff000000U;
        break;
    case APIC_DFR:
        if ( x2 )
            return X86EMUL_EXCEPTION;
        REG(vl, reg) = val | 0x0fffffffU;
        break;
    case APIC_SPIV:
        write_svr(vl, val);
        break;
    case APIC_ESR:
        /* A write latches the errors seen since the previous write. */
        if ( x2 && val )
            return X86EMUL_EXCEPTION;
        esr = __atomic_exchange_n(&vl->esr_pending, 0, __ATOMIC_SEQ_CST);
        REG(vl, reg) = esr;
        break;
    case APIC_ICR:
        REG(vl, reg) = val & ICR_WRITE_MASK;
        send_ipi(vl, val & ICR_WRITE_MASK,
                 x2 ? REG(vl, APIC_ICR2) : REG(vl, APIC_ICR2) >> 24);
        break;
    case APIC_ICR2:
        if ( x2 )
            return X86EMUL_EXCEPTION;
        REG(vl, reg) = val & 0xff000000U;
        break;
    case APIC_LVTT:
    case APIC_LVTTHMR:
    case APIC_LVTPC:
    case APIC_LVT0:
    case APIC_LVT1:
    case APIC_LVTERR:
        write_lvt(vl, reg, val);
        break;
    case APIC_TMICT:
        if ( timer_mode(vl) != TIMER_DEADLINE )
            timer_load(vl, val);
        break;
    case APIC_TDCR:
        REG(vl, reg) = val & 0xb;
        break;
    case APIC_SELF_IPI:
        if ( !x2 )
            break;
        vlapic_set_irq(vl, val & 0xff, false);
        break;
    default:
        /* Read-only or reserved. */
        if ( x2 )
            return X86EMUL_EXCEPTION;
        break;
    }
    return X86EMUL_OKAY;
}

u32 vlapic_get_reg(const struct vlapic *vl, unsigned int offset)
{
    u32 val;

    reg_read((struct vlapic *)vl, offset & 0xff0, &val);
    return val;
}

/* ---- xAPIC MMIO ---- */

static bool vlapic_mmio_check(struct vcpu *v, paddr_t gpa)
{
    const struct vlapic *vl = v->vlapic;

    return vl && hw_enabled(vl) && !vlapic_x2apic_mode(vl) &&
           (gpa & ~0xfffULL) == (vl->apic_base_msr & BASE_ADDR_MASK);
}

static int vlapic_mmio_read(struct vcpu *v, paddr_t gpa, unsigned int size,
                            u64 *val)
{
    unsigned int off = gpa & 0xfff, inner = off & 0xf;
    u32 reg = 0;

    /* Registers are 32 bits at 16-byte strides; the rest reads as 0. */
    if ( inner < 4 )
    {
        reg_read(v->vlapic, off & ~0xfU, &reg);
        reg >>= inner * 8;
    }
    *val = size == 8 ? reg : reg & ((1ULL << (size * 8)) - 1);
    return X86EMUL_OKAY;
}

static int vlapic_mmio_write(struct vcpu *v, paddr_t gpa, unsigned int size,
                             u64 val)
{
    unsigned int off = gpa & 0xfff;
    static bool warned;

    /*
     * The SDM requires aligned 32-bit accesses; a narrower write at the
     * start of a register (a TPR byte) is taken zero-extended, anything
     * else is dropped.
     */
    if ( off & 0xf )
    {
        if ( !warned )
        {
            warned = true;
            printk(XENLOG_WARNING
                   "d%u: vLAPIC drops %u-byte write at offset %#x\n",
                   v->domain->domain_id, size, off);
        }
        return X86EMUL_OKAY;
    }
    reg_write(v->vlapic, off, (u32)val);
    return X86EMUL_OKAY;
}

static const struct hvm_mmio_ops vlapic_mmio_ops = {
    .check = vlapic_mmio_check,
    .read  = vlapic_mmio_read,
    .write = vlapic_mmio_write,
};

int vlapic_domain_init(struct domain *d)
{
    int rc = hvm_register_mmio(d, &vlapic_mmio_ops);

    return rc == -EEXIST ? 0 : rc;
}

/* ---- MSRs ---- */

bool vlapic_is_msr(u32 msr)
{
    return msr == MSR_APIC_BASE || msr == MSR_TSC_DEADLINE ||
           (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_FIRST + 0xff);
}

static int write_apic_base(struct vlapic *vl, u64 val)
{
    const u64 valid = BASE_ADDR_MASK | APIC_BASE_ENABLE |
                      APIC_BASE_EXTD | APIC_BASE_BSP;
    u64 old = vl->apic_base_msr;
    bool was_x2 = vlapic_x2apic_mode(vl), was_en = hw_enabled(vl);
    bool en = val & APIC_BASE_ENABLE, extd = val & APIC_BASE_EXTD;

    if ( val & ~valid )
        return X86EMUL_EXCEPTION;
    /* SDM "x2APIC State Transitions": no EXTD alone, no x2APIC->xAPIC. */
    if ( extd && !en )
        return X86EMUL_EXCEPTION;
    if ( was_x2 && en && !extd )
        return X86EMUL_EXCEPTION;
    if ( !was_en && en && extd )
        return X86EMUL_EXCEPTION;

    val = (val & ~APIC_BASE_BSP) | (old & APIC_BASE_BSP);
    vl->apic_base_msr = val;

    if ( was_en && !en )
    {
        /* Disabled: as after reset, except the base MSR we just set. */
        vlapic_reset(vl);
        vl->apic_base_msr = val;
    }
    else if ( !was_en && en )
        REG(vl, APIC_ID) = vlapic_id(vl) << 24;
    else if ( !was_x2 && extd )
    {
        /* xAPIC -> x2APIC: ID and LDR become the x2APIC forms. */
        REG(vl, APIC_ID) = vlapic_id(vl);
        REG(vl, APIC_LDR) = x2apic_ldr(vlapic_id(vl));
    }
    return X86EMUL_OKAY;
}

int vlapic_rdmsr(struct vcpu *v, u32 msr, u64 *val)
{
    struct vlapic *vl = v->vlapic;
    unsigned int reg;
    u32 lo;

    if ( !vl || !vlapic_is_msr(msr) )
        return X86EMUL_UNHANDLEABLE;

    *val = 0;
    if ( msr == MSR_APIC_BASE )
    {
        *val = vl->apic_base_msr;
        return X86EMUL_OKAY;
    }
    if ( msr == MSR_TSC_DEADLINE )
    {
        spin_lock(&vl->lock);
        if ( timer_mode(vl) == TIMER_DEADLINE )
            *val = vl->tsc_deadline;
        spin_unlock(&vl->lock);
        return X86EMUL_OKAY;
    }
    if ( !vlapic_x2apic_mode(vl) )
        return X86EMUL_EXCEPTION;

    reg = (msr - MSR_X2APIC_FIRST) << 4;
    if ( !reg_read(vl, reg, &lo) )
        return X86EMUL_EXCEPTION;
    *val = lo;
    if ( reg == APIC_ICR )
        *val |= (u64)REG(vl, APIC_ICR2) << 32;
    return X86EMUL_OKAY;
}

int vlapic_wrmsr(struct vcpu *v, u32 msr, u64 val)
{
    struct vlapic *vl = v->vlapic;
    unsigned int reg;

    if ( !vl || !vlapic_is_msr(msr) )
        return X86EMUL_UNHANDLEABLE;

    if ( msr == MSR_APIC_BASE )
        return write_apic_base(vl, val);
    if ( msr == MSR_TSC_DEADLINE )
    {
        /* Ignored outside TSC-deadline mode (SDM "TSC-Deadline Mode"). */
        if ( timer_mode(vl) == TIMER_DEADLINE )
            set_tsc_deadline(vl, val);
        return X86EMUL_OKAY;
    }
    if ( !vlapic_x2apic_mode(vl) )
        return X86EMUL_EXCEPTION;

    reg = (msr - MSR_X2APIC_FIRST) << 4;
    if ( reg == APIC_ICR )
    {
        /* One 64-bit MSR: the destination is the high half. */
        REG(vl, APIC_ICR2) = val >> 32;
        return reg_write(vl, APIC_ICR, (u32)val);
    }
    if ( val >> 32 )
        return X86EMUL_EXCEPTION;
    return reg_write(vl, reg, (u32)val);
}

/* ---- Life cycle ---- */

void vlapic_reset(struct vlapic *vl)
{
    unsigned int i;

    spin_lock(&vl->lock);
    timer_stop_locked(vl);
    vl->tsc_deadline = 0;
    spin_unlock(&vl->lock);

    memset(vl->regs, 0, sizeof(vl->regs));
    REG(vl, APIC_ID) = vlapic_x2apic_mode(vl) ? vlapic_id(vl)
                                              : vlapic_id(vl) << 24;
    if ( vlapic_x2apic_mode(vl) )
        REG(vl, APIC_LDR) = x2apic_ldr(vlapic_id(vl));
    REG(vl, APIC_DFR) = 0xffffffffU;
    REG(vl, APIC_SPIV) = 0xff;
    for ( i = 0; i < ARRAY_SIZE(lvt_regs); i++ )
        REG(vl, lvt_regs[i]) = APIC_LVT_MASKED;
    vl->esr_pending = 0;
    vl->nmi_pending = false;
    vl->wait_for_sipi = false;
}

int vlapic_init(struct vcpu *v)
{
    struct vlapic *vl;

    if ( v->vlapic )
        return 0;
    /*
     * The domain's dispatcher, vIOAPIC and vLAPIC MMIO handler come with
     * its first vLAPIC unless the builder set them up already.
     */
    if ( !v->domain->vdev )
    {
        int rc = hvm_vdev_init(v->domain);

        if ( rc )
            return rc;
    }
    vl = xzalloc(struct vlapic);
    if ( !vl )
        return -ENOMEM;
    vl->vcpu = v;
    spin_lock_init(&vl->lock);
    init_timer(&vl->timer, vlapic_timer_fn, vl, v->processor);
    vl->apic_base_msr = APIC_DEFAULT_PHYS_BASE | APIC_BASE_ENABLE |
                        (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
    vlapic_reset(vl);
    v->vlapic = vl;
    return 0;
}

void vlapic_destroy(struct vcpu *v)
{
    struct vlapic *vl = v->vlapic;

    if ( !vl )
        return;
    kill_timer(&vl->timer);
    v->vlapic = NULL;
    xfree(vl);
}
