/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Vendor-neutral HVM: pick the backend, enable it on every CPU, report
 * what the hardware offers in Xen's words so that boot logs read the same
 * as Xen's; create vCPUs, run them once per call, queue events.
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/hvm/vmx.h>
#include <asm/hvm/vcpu.h>
#include <asm/hvm/exit.h>
#include <asm/hvm/vlapic.h>
/*
 * guest_walk.h spells traps.h's PFEC_* values differently (1u vs 1U),
 * which the preprocessor calls a redefinition; the values agree.
 */
#undef PFEC_page_present
#undef PFEC_write_access
#undef PFEC_user_mode
#undef PFEC_reserved_bit
#undef PFEC_insn_fetch
#include <asm/guest_walk.h>
#include <asm/processor.h>
#include <asm/apic.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <asm/spinlock.h>
#include <asm/p2m.h>
#include <asm/hvm/io.h>
#include <public/sched.h>

struct hvm_function_table hvm_funcs;
bool hvm_enabled;

bool opt_hap_enabled = true;
boolean_param("hap", opt_hap_enabled);

static unsigned int cpus_up;

/*
 * One page per CPU for the backend's per-CPU hardware structure (SVM
 * host save area, VMXON region).  Kept for the life of the CPU: the
 * hardware may write to it at any VMRUN / VM exit.
 */
paddr_t hvm_alloc_cpu_page(unsigned int cpu, void **va)
{
    void *p = alloc_xenheap_page();

    if ( !p )
        return 0;
    memset(p, 0, PAGE_SIZE);
    if ( va )
        *va = p;
    return virt_to_maddr(p);
}

void hvm_asid_init(unsigned int nr_asids)
{
    static bool printed;

    if ( printed )
        return;
    printed = true;
    printk("HVM: ASIDs %sabled.\n", nr_asids > 1 ? "en" : "dis");
}

static void report_hap(void)
{
    if ( !hvm_funcs.hap_supported )
    {
        printk("HVM: Hardware Assisted Paging (HAP) not detected\n");
        return;
    }

    if ( !opt_hap_enabled )
    {
        /* Keep the table honest: generic code only asks hap_supported. */
        hvm_funcs.hap_supported = false;
        printk("HVM: Hardware Assisted Paging (HAP) disabled by the "
               "command line (hap=0): guests will use shadow paging\n");
        return;
    }

    printk("HVM: Hardware Assisted Paging (HAP) detected\n");
    printk("HVM: HAP page sizes: 4kB%s%s\n",
           hvm_funcs.hap_capabilities & HVM_HAP_SUPERPAGE_2MB ? ", 2MB" : "",
           hvm_funcs.hap_capabilities & HVM_HAP_SUPERPAGE_1GB ? ", 1GB" : "");
}

void hvm_enable(void)
{
    const struct hvm_function_table *fns;

    /*
     * Each backend checks its own CPUID bit and firmware locks and says
     * why it declines; at most one of them can succeed on a real CPU.
     */
    fns = start_svm();
    if ( !fns )
        fns = start_vmx();

    if ( !fns )
    {
        printk("HVM: no usable hardware virtualization: HVM disabled\n");
        return;
    }

    hvm_funcs = *fns;
    hvm_enabled = true;
    cpus_up = 1;

    printk("HVM: %s enabled\n", hvm_funcs.name);
    report_hap();
}

void hvm_cpu_up(void)
{
    int rc;

    if ( !hvm_enabled )
        return;

    rc = hvm_funcs.cpu_up();
    if ( rc )
    {
        /*
         * Firmware enabled the extension on the BSP but not here (or the
         * CPUs differ): guests must not be scheduled on this CPU.
         */
        printk(XENLOG_ERR "CPU%u: %s could not be enabled (%d)\n",
               smp_processor_id(), hvm_funcs.name, rc);
        return;
    }

    __atomic_fetch_add(&cpus_up, 1, __ATOMIC_SEQ_CST);
    printk(XENLOG_INFO "HVM: CPU%u: %s enabled\n", smp_processor_id(),
           hvm_funcs.name);
}

void hvm_cpu_down(void)
{
    if ( hvm_enabled && hvm_funcs.cpu_down )
        hvm_funcs.cpu_down();
}

unsigned int hvm_nr_cpus_up(void)
{
    return __atomic_load_n(&cpus_up, __ATOMIC_SEQ_CST);
}

/* ---- Guests ---- */

/*
 * Lazy x87/SSE switching: the registers keep the last guest's state
 * until another vCPU runs on this pCPU (vCPUs do not migrate, so a
 * vCPU's live state is always on its own pCPU).
 */
static struct vcpu *fpu_owner[NR_CPUS];

static void fpu_switch_to(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    struct vcpu *prev = fpu_owner[cpu];

    if ( prev == v )
        return;
    if ( prev )
        __asm__ __volatile__ ( "fxsave64 %0" : "=m" (prev->hvm->fpu) );
    __asm__ __volatile__ ( "fxrstor64 %0" :: "m" (v->hvm->fpu) );
    fpu_owner[cpu] = v;
}

static void fpu_init_state(struct vcpu *v)
{
    u8 *f = v->hvm->fpu;

    /* FCW 0x37f, MXCSR 0x1f80: the power-on state (SDM vol. 1 8.1.5). */
    f[0] = 0x7f;
    f[1] = 0x03;
    f[24] = 0x80;
    f[25] = 0x1f;
}

/*
 * A guest other than the hardware domain has no pass-through: an access
 * to a guest-physical address that is neither RAM nor an emulated device
 * (Linux's ROM probe at 0xc0000, a driver poking a chipset register)
 * reads all ones and its writes vanish, as on a bus where nothing
 * answers; it never reaches host memory.  Logged for the first few
 * addresses of each domain.  Registered after the domain's devices, so
 * it only sees what they did not claim.
 */
#define UNCLAIMED_LOG_DOMS  16
#define UNCLAIMED_LOG_MAX   4

static struct {
    domid_t domid;
    unsigned int count;
} unclaimed_log[UNCLAIMED_LOG_DOMS];
static unsigned int unclaimed_log_next;
static DEFINE_SPINLOCK(unclaimed_log_lock);

static bool unclaimed_mmio_check(struct vcpu *v, paddr_t gpa)
{
    p2m_type_t t;

    if ( v->domain->is_hardware_domain )
        return false;
    p2m_get_entry(&v->domain->p2m, gpa >> PAGE_SHIFT, &t, NULL);
    return t == p2m_invalid;
}

static void unclaimed_mmio_log(struct vcpu *v, paddr_t gpa, bool write,
                               unsigned int size, u64 val)
{
    domid_t domid = v->domain->domain_id;
    unsigned int i;
    bool print = false;

    spin_lock(&unclaimed_log_lock);
    for ( i = 0; i < UNCLAIMED_LOG_DOMS; i++ )
        if ( unclaimed_log[i].count && unclaimed_log[i].domid == domid )
            break;
    if ( i == UNCLAIMED_LOG_DOMS )
    {
        /* Domain ids are not reused soon: the oldest slot goes. */
        i = unclaimed_log_next++ % UNCLAIMED_LOG_DOMS;
        unclaimed_log[i].domid = domid;
        unclaimed_log[i].count = 0;
    }
    if ( unclaimed_log[i].count <= UNCLAIMED_LOG_MAX )
    {
        print = unclaimed_log[i].count < UNCLAIMED_LOG_MAX;
        unclaimed_log[i].count++;
    }
    spin_unlock(&unclaimed_log_lock);

    if ( !print )
        return;
    if ( write )
        printk(XENLOG_INFO "d%uv%u: %u-byte write of %#lx to %#lx: no "
               "RAM or device there, dropped\n", domid, v->vcpu_id, size,
               (unsigned long)val, (unsigned long)gpa);
    else
        printk(XENLOG_INFO "d%uv%u: %u-byte read of %#lx: no RAM or "
               "device there, reads all ones\n", domid, v->vcpu_id, size,
               (unsigned long)gpa);
}

static int unclaimed_mmio_read(struct vcpu *v, paddr_t gpa,
                               unsigned int size, u64 *val)
{
    unclaimed_mmio_log(v, gpa, false, size, 0);
    *val = size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
    return X86EMUL_OKAY;
}

static int unclaimed_mmio_write(struct vcpu *v, paddr_t gpa,
                                unsigned int size, u64 val)
{
    unclaimed_mmio_log(v, gpa, true, size, val);
    return X86EMUL_OKAY;
}

static const struct hvm_mmio_ops unclaimed_mmio_ops = {
    .check = unclaimed_mmio_check,
    .read  = unclaimed_mmio_read,
    .write = unclaimed_mmio_write,
};

/*
 * A domU's power and reset buttons: the hardware-reduced ACPI FADT that
 * libxc's builder gives a PVH guest (tools/libxc/include/xenguest.h,
 * XC_DOM_ACPI_*) puts its sleep control register at port 0xb004 and
 * its reset register at 0xcf9 (value 6), so Linux's poweroff and reboot
 * land here and end the domain with that reason for the toolstack.
 */
#define ACPI_SLEEP_CTL_PORT 0xb004
#define ACPI_SLEEP_STS_PORT 0xb005
#define ACPI_SLP_EN         (1u << 5)
#define ACPI_S5_TYPE        5
#define RESET_CTL_PORT      0xcf9
#define RESET_CTL_RESET     (1u << 2)

static int domu_acpi_sleep_io(struct vcpu *v, bool in, u16 port,
                              unsigned int size, u32 *val)
{
    unsigned int typ;

    if ( in )
    {
        *val = 0;                       /* no wake status: never asleep */
        return X86EMUL_OKAY;
    }
    if ( port != ACPI_SLEEP_CTL_PORT || !(*val & ACPI_SLP_EN) )
        return X86EMUL_OKAY;
    typ = (*val >> 2) & 7;
    if ( typ != ACPI_S5_TYPE )
    {
        printk(XENLOG_INFO "d%uv%u: ACPI sleep type %u requested: only S5 "
               "(poweroff) is offered, ignored\n", v->domain->domain_id,
               v->vcpu_id, typ);
        return X86EMUL_OKAY;
    }
    printk(XENLOG_INFO "d%uv%u: ACPI S5: powering off\n",
           v->domain->domain_id, v->vcpu_id);
    domain_shutdown(v->domain, SHUTDOWN_poweroff);
    return X86EMUL_OKAY;
}

static int domu_reset_io(struct vcpu *v, bool in, u16 port,
                         unsigned int size, u32 *val)
{
    if ( in )
    {
        *val = 0;
        return X86EMUL_OKAY;
    }
    if ( *val & RESET_CTL_RESET )
    {
        printk(XENLOG_INFO "d%uv%u: reset through port %#x: rebooting\n",
               v->domain->domain_id, v->vcpu_id, port);
        domain_shutdown(v->domain, SHUTDOWN_reboot);
    }
    return X86EMUL_OKAY;
}

static int domu_devices_init(struct domain *d)
{
    int rc;

    rc = hvm_register_mmio(d, &unclaimed_mmio_ops);
    if ( rc == -EEXIST )
        return 0;                       /* the first vCPU did it all */
    if ( !rc )
        rc = hvm_register_portio(d, ACPI_SLEEP_CTL_PORT, 2,
                                 domu_acpi_sleep_io);
    if ( !rc )
        rc = hvm_register_portio(d, RESET_CTL_PORT, 1, domu_reset_io);
    return rc;
}

int hvm_vcpu_initialise(struct vcpu *v)
{
    int rc;

    if ( !hvm_enabled || !hvm_funcs.vcpu_initialise )
        return -ENODEV;
    /* Guests run on nested paging only; there is no shadow mode yet. */
    if ( !hvm_hap_enabled() )
        return -EOPNOTSUPP;

    v->hvm = xzalloc(struct hvm_vcpu);
    if ( !v->hvm )
        return -ENOMEM;

    rc = hvm_funcs.vcpu_initialise(v);
    if ( rc )
        goto fail;

    rc = vlapic_init(v);
    if ( !rc && !v->domain->is_hardware_domain )
        rc = domu_devices_init(v->domain);
    if ( rc )
    {
        vlapic_destroy(v);
        hvm_funcs.vcpu_destroy(v);
        goto fail;
    }

    fpu_init_state(v);
    /* The PVH entry state's register part: EFLAGS bit 1 only. */
    v->regs.rflags = 0x2;
    v->hvm->p2m_flush_gen = v->domain->p2m.flush_gen;
    v->hvm->mtrr_def_type = 0xc06;      /* MTRRs on, fixed on, WB */
    return 0;

 fail:
    xfree(v->hvm);
    v->hvm = NULL;
    return rc;
}

void hvm_vcpu_destroy(struct vcpu *v)
{
    unsigned int cpu;

    if ( !v->hvm )
        return;
    for ( cpu = 0; cpu < NR_CPUS; cpu++ )
        if ( fpu_owner[cpu] == v )
            fpu_owner[cpu] = NULL;
    vlapic_destroy(v);
    hvm_funcs.vcpu_destroy(v);
    xfree(v->hvm);
    v->hvm = NULL;
}

void hvm_vcpu_run(struct vcpu *v)
{
    struct hvm_exit exit;

    if ( current != v )
        get_cpu_info()->current_vcpu = v;
    fpu_switch_to(v);

    hvm_funcs.run(v, &exit);
    hvm_handle_exit(v, &exit);
}

/* Vectors whose exceptions are "contributory" (SDM vol. 3 6.15, table 6-5). */
static bool exc_contributory(u8 vec)
{
    return vec == 0 || (vec >= 10 && vec <= 13);
}

void hvm_inject_event(struct vcpu *v, u8 vector, u8 type, int error_code)
{
    struct hvm_pending_event *ev = &v->hvm->event;

    if ( ev->pending && ev->type == X86_EVENTTYPE_HW_EXCEPTION &&
         type == X86_EVENTTYPE_HW_EXCEPTION )
    {
        /* A fault while delivering a fault (SDM vol. 3 table 6-5). */
        if ( ev->vector == 8 )
        {
            hvm_domain_crash(v, "triple fault while injecting vector %u",
                             vector);
            return;
        }
        if ( (exc_contributory(ev->vector) && exc_contributory(vector)) ||
             (ev->vector == 14 && (exc_contributory(vector) ||
                                   vector == 14)) )
        {
            vector = 8;
            error_code = 0;
        }
    }

    ev->pending = true;
    ev->vector = vector;
    ev->type = type;
    ev->has_error_code = error_code != X86_EVENT_NO_EC;
    ev->error_code = ev->has_error_code ? (u32)error_code : 0;
}

void hvm_advance_rip(struct vcpu *v, unsigned int len)
{
    v->regs.rip += len;
    /* Outside long mode RIP wraps at 4 GiB. */
    if ( !(hvm_get_reg(v, HVM_REG_EFER) & EFER_LMA) )
        v->regs.rip = (u32)v->regs.rip;
    /* The instruction after an STI/MOV SS has now run. */
    hvm_set_reg(v, HVM_REG_INTR_SHADOW, 0);
}

unsigned int hvm_guest_mode(struct vcpu *v)
{
    struct segment_register cs;
    u64 cr0 = hvm_get_reg(v, HVM_REG_CR0);

    hvm_get_segment(v, x86_seg_cs, &cs);
    return x86_emul_mode(cr0 & X86_CR0_PE, v->regs.rflags & (1ul << 17),
                         hvm_get_reg(v, HVM_REG_EFER) & EFER_LMA, &cs);
}

void hvm_flush_guest_tlbs(struct domain *d)
{
    unsigned int i;

    for ( i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] && d->vcpu[i]->hvm )
            d->vcpu[i]->hvm->flush_tlb = true;
}

/* For the guest page walker (asm/guest_walk.h). */
void hvm_get_paging_state(struct vcpu *v, struct guest_paging_state *s)
{
    s->cr0 = hvm_get_reg(v, HVM_REG_CR0);
    s->cr3 = hvm_get_reg(v, HVM_REG_CR3);
    s->cr4 = hvm_get_reg(v, HVM_REG_CR4);
    s->efer = hvm_get_reg(v, HVM_REG_EFER);
    s->rflags = v->regs.rflags;
    /* Guests see the host's physical address width (CPUID 0x80000008). */
    s->maxphyaddr = cpuid_eax(0x80000008) & 0xff;
}

/* ---- Hooks for the vLAPIC (asm/hvm/vlapic.h) ---- */

int hvm_vcpu_reset_to_sipi(struct vcpu *v, u8 vec)
{
    if ( !v->hvm || !hvm_funcs.reset_to_sipi )
        return -ENODEV;
    hvm_funcs.reset_to_sipi(v, vec);
    __atomic_and_fetch(&v->pause_flags, ~(1ul << VPF_down), __ATOMIC_SEQ_CST);
    vcpu_wake(v);
    return 0;
}

void hvm_vcpu_kick(struct vcpu *v)
{
    /*
     * Any interrupt makes a running guest exit (INTR intercept); the
     * event-check IPI does nothing else.  A vCPU that is not in guest
     * mode picks the interrupt up at its next entry.
     */
    if ( v->is_running && v->processor != smp_processor_id() )
        send_IPI_cpu(v->processor, EVENT_CHECK_VECTOR);
}

s64 hvm_guest_tsc_offset(struct vcpu *v)
{
    return v->hvm ? (s64)hvm_funcs.get_tsc_offset(v) : 0;
}
