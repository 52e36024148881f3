/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD SVM: detection and enablement on each CPU (AMD64 APM vol. 2,
 * 15.4 "Enabling SVM"), the VMRUN loop and the translation of exit codes
 * into the neutral struct hvm_exit.  Exit handling proper is in
 * hvm/exits.c; the VMCB layout and initial state in vmcb.c.
 *
 * QEMU TCG quirks handled here (test-rig.md): no NRIPS (nRIP is 0, so
 * the instruction length is left to hvm/, except for IOIO which gives the
 * next RIP in EXITINFO2), no decode assists, no FlushByAsid (asid.c).
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <asm/processor.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/hvm/vmcb.h>
#include <asm/hvm/vcpu.h>
#include <asm/hvm/exit.h>
#include <asm/hvm/vlapic.h>
#include <xen/sched.h>
#include <xen/softirq.h>

u32 svm_feature_flags;

/* Physical address of each CPU's host save area (VM_HSAVE_PA). */
static paddr_t hsa[NR_CPUS];
/* Each CPU's VMCB for the host state VMSAVE/VMLOAD switch (entry.S). */
static paddr_t host_vmcb[NR_CPUS];
/* MSR_TSC_AUX as last loaded on each CPU (guests' RDTSCP value). */
static u32 cpu_tsc_aux[NR_CPUS];
static bool has_rdtscp;

_Static_assert(offsetof(struct cpu_user_regs, r15) == 0, "entry.S");
_Static_assert(offsetof(struct cpu_user_regs, rbp) == 32, "entry.S");
_Static_assert(offsetof(struct cpu_user_regs, r8) == 72, "entry.S");
_Static_assert(offsetof(struct cpu_user_regs, rcx) == 88, "entry.S");
_Static_assert(offsetof(struct cpu_user_regs, rdi) == 112, "entry.S");

static void svm_cpu_down(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SVME);
}

static bool svm_present(void)
{
    if ( cpuid_eax(0x80000000) < 0x8000000a )
        return false;
    return cpuid_ecx(0x80000001) & CPUID_80000001_ECX_SVM;
}

/*
 * APM 15.4: VM_CR.SVMDIS set means firmware turned SVM off; EFER.SVME
 * cannot be set (#GP).  With VM_CR.LOCK also set only the firmware
 * setup (or an SVM key) can change that.
 */
static bool svm_disabled_by_firmware(void)
{
    return rdmsr(MSR_VM_CR) & VM_CR_SVMDIS;
}

static int svm_cpu_up(void)
{
    unsigned int cpu = smp_processor_id();

    if ( !svm_present() )
        return -ENODEV;
    if ( svm_disabled_by_firmware() )
        return -EACCES;

    if ( !hsa[cpu] )
    {
        hsa[cpu] = hvm_alloc_cpu_page(cpu, NULL);
        if ( !hsa[cpu] )
            return -ENOMEM;
    }
    if ( !host_vmcb[cpu] )
    {
        host_vmcb[cpu] = hvm_alloc_cpu_page(cpu, NULL);
        if ( !host_vmcb[cpu] )
            return -ENOMEM;
    }

    /*
     * The host save area must be set before the first VMRUN; the CPU
     * keeps host state there across guest execution (APM 15.30.4).
     */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, hsa[cpu]);
    /* Guests' x87/SSE state is switched with FXSAVE (hvm.c). */
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    svm_asid_init_cpu(cpuid_ebx(0x8000000a));

    return 0;
}

static int svm_vcpu_initialise(struct vcpu *v)
{
    return svm_create_vmcb(v);
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    svm_destroy_vmcb(v);
}

static struct vmcb_struct *vmcb_of(struct vcpu *v)
{
    return v->hvm->svm.vmcb;
}

/*
 * Before VMRUN: the event whose delivery an exit interrupted, else a
 * queued exception, else an NMI or the vLAPIC's best interrupt when the
 * guest can take it; if an interrupt must wait, ask for an exit as soon
 * as the guest opens an interrupt window (VINTR, APM 15.21.4).
 */
static void svm_intr_assist(struct vcpu *v)
{
    struct vmcb_struct *vmcb = vmcb_of(v);
    struct hvm_pending_event *ev = &v->hvm->event;
    u64 intinfo = vmcb->exitintinfo;
    bool injected = false;
    int vec;

    vmcb->eventinj = 0;
    vmcb->exitintinfo = 0;

    /*
     * Re-deliver what the exit cut short (an NPF or interrupt during the
     * guest's IDT delivery, APM 15.7.2).  Software interrupts are not
     * replayed: RIP still points at the INTn, which will run again.
     */
    if ( (intinfo & SVM_EVT_VALID) &&
         ((intinfo & SVM_EVT_TYPE_MASK) >> SVM_EVT_TYPE_SHIFT) !=
         SVM_EVT_TYPE_SOFT_INT )
    {
        vmcb->eventinj = intinfo;
        injected = true;
    }
    else if ( ev->pending )
    {
        vmcb->eventinj = ev->vector | SVM_EVT_VALID |
            ((u64)(ev->type == X86_EVENTTYPE_NMI ? SVM_EVT_TYPE_NMI :
                   ev->type == X86_EVENTTYPE_EXT_INTR ? SVM_EVT_TYPE_INTR :
                   ev->type == X86_EVENTTYPE_SW_INTERRUPT ?
                   SVM_EVT_TYPE_SOFT_INT : SVM_EVT_TYPE_EXCEPTION)
             << SVM_EVT_TYPE_SHIFT);
        if ( ev->has_error_code )
            vmcb->eventinj |= SVM_EVT_EV | ((u64)ev->error_code << 32);
        ev->pending = false;
        injected = true;
    }

    if ( !v->vlapic )
        return;

    if ( !injected && !(vmcb->interrupt_shadow & 1) &&
         vlapic_nmi_pending(v) )
    {
        vlapic_ack_nmi(v);
        vmcb->eventinj = 2 | SVM_EVT_VALID |
                         ((u64)SVM_EVT_TYPE_NMI << SVM_EVT_TYPE_SHIFT);
        injected = true;
    }

    vec = vlapic_pending_irq(v);
    if ( vec < 0 )
        return;

    if ( !injected && (vmcb->rflags & X86_EFLAGS_IF) &&
         !(vmcb->interrupt_shadow & 1) )
    {
        vlapic_ack_irq(v, vec);
        vmcb->eventinj = (u8)vec | SVM_EVT_VALID |
                         ((u64)SVM_EVT_TYPE_INTR << SVM_EVT_TYPE_SHIFT);
        return;
    }

    /*
     * A virtual interrupt with priority 15 that ignores V_TPR: the CPU
     * exits with VINTR the moment the guest could take it.
     */
    vmcb->intercept1 |= GENERAL1_INTERCEPT_VINTR;
    vmcb->vintr = (vmcb->vintr & ~(0xfull << VINTR_PRIO_SHIFT)) |
                  VINTR_IRQ | VINTR_IGN_TPR | (0xfull << VINTR_PRIO_SHIFT);
}

static void svm_translate_exit(struct vcpu *v, struct hvm_exit *e)
{
    struct vmcb_struct *vmcb = vmcb_of(v);
    u64 code = vmcb->exitcode, info1 = vmcb->exitinfo1;

    memset(e, 0, sizeof(*e));
    e->vendor_code = code;
    e->reason = HVM_EXIT_UNHANDLED;

    if ( cpu_has_svm_feature(SVM_FEATURE_NRIPS) && vmcb->nrip > vmcb->rip &&
         vmcb->nrip - vmcb->rip <= 15 )
        e->insn_len = vmcb->nrip - vmcb->rip;

    if ( code >= VMEXIT_EXCEPTION_BASE && code < VMEXIT_EXCEPTION_BASE + 32 )
    {
        e->reason = HVM_EXIT_EXCEPTION;
        e->u.exception.vector = code - VMEXIT_EXCEPTION_BASE;
        e->u.exception.error_code = info1;
        e->u.exception.cr2 = vmcb->exitinfo2;
        return;
    }

    switch ( code )
    {
    case VMEXIT_INTR:
    case VMEXIT_NMI:            /* held by GIF, taken after STGI */
    case VMEXIT_SMI:
        e->reason = HVM_EXIT_NONE;
        break;
    case VMEXIT_INIT:
        e->reason = HVM_EXIT_INIT;
        break;
    case VMEXIT_VINTR:
        vmcb->intercept1 &= ~GENERAL1_INTERCEPT_VINTR;
        vmcb->vintr &= ~(VINTR_IRQ | VINTR_IGN_TPR);
        e->reason = HVM_EXIT_INTR_WINDOW;
        break;
    case VMEXIT_CPUID:
        e->reason = HVM_EXIT_CPUID;
        break;
    case VMEXIT_HLT:
        e->reason = HVM_EXIT_HLT;
        break;
    case VMEXIT_VMMCALL:
        e->reason = HVM_EXIT_HYPERCALL;
        break;
    case VMEXIT_MSR:
        e->reason = info1 ? HVM_EXIT_MSR_WRITE : HVM_EXIT_MSR_READ;
        e->u.msr.index = (u32)v->regs.rcx;
        break;
    case VMEXIT_IOIO:
        e->reason = HVM_EXIT_IO;
        e->u.io.port = info1 >> IOIO_PORT_SHIFT;
        e->u.io.size = info1 & IOIO_SZ32 ? 4 : info1 & IOIO_SZ16 ? 2 : 1;
        e->u.io.in = info1 & IOIO_TYPE_IN;
        e->u.io.str = info1 & IOIO_STR;
        e->u.io.rep = info1 & IOIO_REP;
        /* Given even without NRIPS (APM 15.10.2). */
        e->u.io.next_rip_valid = 1;
        e->u.io.next_rip = vmcb->exitinfo2;
        if ( vmcb->exitinfo2 > vmcb->rip && vmcb->exitinfo2 - vmcb->rip <= 15 )
            e->insn_len = vmcb->exitinfo2 - vmcb->rip;
        break;
    case VMEXIT_NPF:
        e->reason = HVM_EXIT_NPF;
        e->u.npf.gpa = vmcb->exitinfo2;
        e->u.npf.present = info1 & NPF_PRESENT;
        e->u.npf.write = info1 & NPF_WRITE;
        e->u.npf.fetch = info1 & NPF_FETCH;
        e->u.npf.read = !e->u.npf.write && !e->u.npf.fetch;
        break;
    case VMEXIT_SHUTDOWN:
        e->reason = HVM_EXIT_SHUTDOWN;
        break;
    case VMEXIT_INVD:
        /* Write back instead of dropping the host's dirty lines. */
        __asm__ __volatile__ ( "wbinvd" ::: "memory" );
        hvm_advance_rip(v, e->insn_len ?: 2);
        e->reason = HVM_EXIT_NONE;
        break;
    case VMEXIT_VMRUN:
    case VMEXIT_VMLOAD:
    case VMEXIT_VMSAVE:
    case VMEXIT_STGI:
    case VMEXIT_CLGI:
    case VMEXIT_SKINIT:
    case VMEXIT_MONITOR:
    case VMEXIT_MWAIT:
    case VMEXIT_MWAIT + 1:      /* MWAIT conditional */
        /* Hidden in CPUID: behave as a CPU without them. */
        hvm_inject_ud(v);
        e->reason = HVM_EXIT_NONE;
        break;
    case VMEXIT_INVALID:
        e->reason = HVM_EXIT_INVALID;
        break;
    default:
        break;
    }
}

static void svm_run(struct vcpu *v, struct hvm_exit *exit)
{
    unsigned int cpu = smp_processor_id();
    struct vmcb_struct *vmcb = vmcb_of(v);
    struct cpu_user_regs *regs = &v->regs;

    local_irq_disable();

    /*
     * Work for this CPU came in since the scheduler last looked: do not
     * enter the guest only to exit again at the next interrupt.
     */
    if ( softirq_pending(cpu) )
    {
        local_irq_enable();
        memset(exit, 0, sizeof(*exit));
        exit->reason = HVM_EXIT_NONE;
        return;
    }

    if ( v->domain->p2m.flush_gen != v->hvm->p2m_flush_gen )
    {
        v->hvm->p2m_flush_gen = v->domain->p2m.flush_gen;
        v->hvm->flush_tlb = true;
    }
    vmcb->n_cr3 = v->domain->p2m.root;
    /*
     * A CPU may keep VMCB state cached between VMRUNs and skip reloading
     * what the clean bits mark unchanged (AMD64 APM vol. 2, 15.15 "VMCB
     * State Caching"); that cache is the pCPU's, so a VMCB that last ran
     * on another pCPU (its vCPU was moved) must be reloaded whole.  Keel
     * sets no clean bits so far: this keeps a moved vCPU safe if it does.
     * asid_cpu is where it last ran; the ASID code below then gives it a
     * fresh ASID on this pCPU.
     */
    if ( v->hvm->svm.asid_cpu != cpu )
        vmcb->vmcb_clean = 0;
    svm_asid_handle_vmrun(v);

    if ( has_rdtscp && cpu_tsc_aux[cpu] != v->hvm->tsc_aux )
    {
        wrmsr(MSR_TSC_AUX, v->hvm->tsc_aux);
        cpu_tsc_aux[cpu] = v->hvm->tsc_aux;
    }

    vmcb->rax = regs->rax;
    vmcb->rip = regs->rip;
    vmcb->rsp = regs->rsp;
    vmcb->rflags = regs->rflags | 0x2;

    svm_intr_assist(v);

    /* After flush_gen was taken up (domain_reap_zombies relies on it). */
    __atomic_store_n(&v->in_guest, true, __ATOMIC_SEQ_CST);
    svm_vmrun(regs, v->hvm->svm.vmcb_pa, host_vmcb[cpu]);
    __atomic_store_n(&v->in_guest, false, __ATOMIC_SEQ_CST);

    regs->rax = vmcb->rax;
    regs->rip = vmcb->rip;
    regs->rsp = vmcb->rsp;
    regs->rflags = vmcb->rflags;
    vmcb->tlb_control = TLB_CTRL_NO_FLUSH;
    v->hvm->nr_exits++;

    svm_translate_exit(v, exit);
}

static u64 svm_get_reg(struct vcpu *v, enum hvm_reg reg)
{
    struct vmcb_struct *vmcb = vmcb_of(v);

    switch ( reg )
    {
    case HVM_REG_CR0:  return vmcb->cr0;
    case HVM_REG_CR2:  return vmcb->cr2;
    case HVM_REG_CR3:  return vmcb->cr3;
    case HVM_REG_CR4:  return vmcb->cr4;
    case HVM_REG_EFER: return vmcb->efer & ~EFER_SVME;
    case HVM_REG_PAT:  return vmcb->g_pat;
    case HVM_REG_DR7:  return vmcb->dr7;
    case HVM_REG_INTR_SHADOW: return vmcb->interrupt_shadow & 1;
    }
    return 0;
}

static void svm_set_reg(struct vcpu *v, enum hvm_reg reg, u64 val)
{
    struct vmcb_struct *vmcb = vmcb_of(v);

    switch ( reg )
    {
    case HVM_REG_CR0:
        vmcb->cr0 = val;
        v->hvm->flush_tlb = true;
        break;
    case HVM_REG_CR2:
        vmcb->cr2 = val;
        break;
    case HVM_REG_CR3:
        vmcb->cr3 = val;
        v->hvm->flush_tlb = true;
        break;
    case HVM_REG_CR4:
        vmcb->cr4 = val;
        v->hvm->flush_tlb = true;
        break;
    case HVM_REG_EFER:
        /* LMA follows LME and CR0.PG; SVME stays on underneath. */
        if ( (val & EFER_LME) && (vmcb->cr0 & X86_CR0_PG) )
            val |= EFER_LMA;
        else if ( !(val & EFER_LME) )
            val &= ~EFER_LMA;
        vmcb->efer = val | EFER_SVME;
        break;
    case HVM_REG_PAT:
        vmcb->g_pat = val;
        break;
    case HVM_REG_DR7:
        vmcb->dr7 = val;
        break;
    case HVM_REG_INTR_SHADOW:
        vmcb->interrupt_shadow = val & 1;
        break;
    }
}

static struct segment_register *vmcb_seg(struct vmcb_struct *vmcb,
                                         enum x86_segment seg)
{
    switch ( seg )
    {
    case x86_seg_es: return &vmcb->es;
    case x86_seg_cs: return &vmcb->cs;
    case x86_seg_ss: return &vmcb->ss;
    case x86_seg_ds: return &vmcb->ds;
    case x86_seg_fs: return &vmcb->fs;
    case x86_seg_gs: return &vmcb->gs;
    default:         return NULL;
    }
}

static void svm_get_segment(struct vcpu *v, enum x86_segment seg,
                            struct segment_register *reg)
{
    struct segment_register *r = vmcb_seg(vmcb_of(v), seg);

    if ( r )
        *reg = *r;
    else
        memset(reg, 0, sizeof(*reg));
}

static void svm_set_segment(struct vcpu *v, enum x86_segment seg,
                            const struct segment_register *reg)
{
    struct vmcb_struct *vmcb = vmcb_of(v);
    struct segment_register *r = vmcb_seg(vmcb, seg);

    if ( !r )
        return;
    *r = *reg;
    /* The VMCB's CPL is separate from SS.DPL (APM 15.5.1). */
    if ( seg == x86_seg_ss )
        vmcb->cpl = (reg->attr >> 5) & 3;
}

static void svm_get_dtr(struct vcpu *v, bool idt, struct segment_register *r)
{
    struct vmcb_struct *vmcb = vmcb_of(v);

    *r = idt ? vmcb->idtr : vmcb->gdtr;
}

static void svm_set_dtr(struct vcpu *v, bool idt,
                        const struct segment_register *r)
{
    struct vmcb_struct *vmcb = vmcb_of(v);

    if ( idt )
        vmcb->idtr = *r;
    else
        vmcb->gdtr = *r;
}

static unsigned int svm_get_cpl(struct vcpu *v)
{
    return vmcb_of(v)->cpl;
}

static void svm_set_tsc_offset(struct vcpu *v, u64 offset)
{
    vmcb_of(v)->tsc_offset = offset;
}

static u64 svm_get_tsc_offset(struct vcpu *v)
{
    return vmcb_of(v)->tsc_offset;
}

static void svm_reset_to_sipi(struct vcpu *v, u8 vector)
{
    struct vmcb_struct *vmcb = vmcb_of(v);

    svm_vmcb_set_real_mode(vmcb, vector);
    memset(&v->regs, 0, sizeof(v->regs));
    v->regs.rip = 0;
    v->regs.rflags = 0x2;
    v->regs.rdx = cpuid_eax(1);     /* the processor signature, as at reset */
    v->hvm->event.pending = false;
    v->hvm->flush_tlb = true;
}

static void svm_dump(struct vcpu *v)
{
    svm_vmcb_dump("domain crash", vmcb_of(v));
}

static struct hvm_function_table svm_function_table = {
    .name            = "SVM",
    .hypercall_insn  = { 0x0f, 0x01, 0xd9 },    /* VMMCALL */
    .cpu_up          = svm_cpu_up,
    .cpu_down        = svm_cpu_down,
    .vcpu_initialise = svm_vcpu_initialise,
    .vcpu_destroy    = svm_vcpu_destroy,
    .run             = svm_run,
    .get_reg         = svm_get_reg,
    .set_reg         = svm_set_reg,
    .get_segment     = svm_get_segment,
    .set_segment     = svm_set_segment,
    .get_dtr         = svm_get_dtr,
    .set_dtr         = svm_set_dtr,
    .get_cpl         = svm_get_cpl,
    .set_tsc_offset  = svm_set_tsc_offset,
    .get_tsc_offset  = svm_get_tsc_offset,
    .reset_to_sipi   = svm_reset_to_sipi,
    .dump            = svm_dump,
};

static void svm_print_features(void)
{
    bool printed = false;

    printk("SVM: Supported advanced features:\n");
#define P(bit, s) \
    do { \
        if ( cpu_has_svm_feature(bit) ) \
        { \
            printk(" - %s\n", s); \
            printed = true; \
        } \
    } while ( 0 )
    P(SVM_FEATURE_NPT, "Nested Page Tables (NPT)");
    P(SVM_FEATURE_LBRV, "Last Branch Record (LBR) Virtualisation");
    P(SVM_FEATURE_NRIPS, "Next-RIP Saved on #VMEXIT");
    P(SVM_FEATURE_VMCBCLEAN, "VMCB Clean Bits");
    P(SVM_FEATURE_FLUSHBYASID, "TLB flush by ASID");
    P(SVM_FEATURE_DECODEASSISTS, "DecodeAssists");
    P(SVM_FEATURE_VLOADSAVE, "Virtual VMLOAD/VMSAVE");
    P(SVM_FEATURE_VGIF, "Virtual GIF");
    P(SVM_FEATURE_PAUSEFILTER, "Pause-Intercept Filter");
    P(SVM_FEATURE_PAUSETHRESH, "Pause-Intercept Filter Threshold");
    P(SVM_FEATURE_TSCRATEMSR, "TSC Rate MSR");
    P(SVM_FEATURE_AVIC, "Advanced Virtual Interrupt Controller (AVIC)");
#undef P
    if ( !printed )
        printk(" - none\n");
}

const struct hvm_function_table *start_svm(void)
{
    int rc;

    if ( !svm_present() )
        return NULL;

    if ( svm_disabled_by_firmware() )
    {
        printk(XENLOG_WARNING "SVM: disabled by the BIOS (VM_CR.SVMDIS%s): "
               "enable SVM/AMD-V in the firmware setup to run HVM guests\n",
               rdmsr(MSR_VM_CR) & VM_CR_LOCK ? ", locked" : "");
        return NULL;
    }

    rc = svm_cpu_up();
    if ( rc )
    {
        printk(XENLOG_ERR "SVM: failed to initialise (%d)\n", rc);
        return NULL;
    }

    svm_feature_flags = cpuid_edx(0x8000000a);
    has_rdtscp = cpuid_edx(0x80000001) & (1u << 27);

    rc = svm_init_permission_maps();
    if ( rc )
    {
        printk(XENLOG_ERR "SVM: no memory for the permission maps\n");
        return NULL;
    }

    /*
     * Decode assists fill in instruction bytes relative to nRIP; without
     * NRIPS (QEMU TCG, for one) treat them as absent, as Xen does.
     */
    if ( !cpu_has_svm_feature(SVM_FEATURE_NRIPS) )
        svm_feature_flags &= ~(1u << SVM_FEATURE_DECODEASSISTS);

    svm_function_table.nr_asids = cpuid_ebx(0x8000000a);
    hvm_asid_init(svm_function_table.nr_asids);

    svm_print_features();

    svm_function_table.hap_supported = cpu_has_svm_feature(SVM_FEATURE_NPT);
    svm_function_table.hap_capabilities = HVM_HAP_SUPERPAGE_2MB;
    if ( cpuid_edx(0x80000001) & CPUID_80000001_EDX_PAGE1GB )
        svm_function_table.hap_capabilities |= HVM_HAP_SUPERPAGE_1GB;

    return &svm_function_table;
}
