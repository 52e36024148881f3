/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Vendor-neutral VM exit handlers.  The backend (svm/, vmx/) decodes its
 * exit into struct hvm_exit (asm/hvm/exit.h); everything here works on
 * v->regs and the hvm_funcs accessors only.
 *
 * Instruction lengths: when the hardware did not say (TCG's SVM has no
 * NRIPS), hvm_insn_length() decodes the instruction at RIP.
 *
 * A guest can crash its own domain here, never the hypervisor: anything
 * unexpected ends in hvm_domain_crash() with a register dump.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/sched.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>
#include <xen/stdarg.h>
#include <xen/mm.h>
#include <asm/processor.h>
#include <asm/current.h>
#include <asm/cpuid.h>
#include <asm/p2m.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/vcpu.h>
#include <asm/hvm/exit.h>
#include <asm/hvm/io.h>
#include <asm/hvm/vlapic.h>
#include <public/arch-x86/cpuid.h>
#include <public/sched.h>
#include <asm/hvm/emulate.h>

#define MSR_IA32_TSC            0x00000010
#define MSR_IA32_PLATFORM_ID    0x00000017
#define MSR_IA32_UCODE_REV      0x0000008b
#define MSR_MTRRcap             0x000000fe
#define MSR_IA32_MCG_CAP        0x00000179
#define MSR_IA32_MCG_STATUS     0x0000017a
#define MSR_IA32_MISC_ENABLE    0x000001a0
#define MSR_IA32_DEBUGCTL       0x000001d9
#define MSR_MTRR_PHYS_FIRST     0x00000200
#define MSR_MTRR_FIX_64K        0x00000250
#define MSR_MTRR_FIX_16K_80000  0x00000258
#define MSR_MTRR_FIX_16K_A0000  0x00000259
#define MSR_MTRR_FIX_4K_FIRST   0x00000268
#define MSR_MTRR_FIX_4K_LAST    0x0000026f
#define MSR_IA32_CR_PAT         0x00000277
#define MSR_MTRR_DEF_TYPE       0x000002ff
#define MSR_K7_HWCR             0xc0010015
#define MSR_AMD64_SYSCFG        0xc0010010
/*
 * Interrupt Pending Message (AMD BKDG family 0Fh/10h): Linux reads it on
 * CPUs with erratum 400 to see whether C1E is on.  Reads 0 (no C1E: the
 * vCPU's HLT is the hypervisor's business), writes are ignored.
 */
#define MSR_K8_INT_PENDING_MSG  0xc0010055
#define MSR_AMD64_VM_CR         0xc0010114
#define MSR_AMD_OSVW_ID_LENGTH  0xc0010140
#define MSR_AMD_OSVW_STATUS     0xc0010141
#define MSR_AMD64_PATCH_LEVEL   0x0000008b
#define MSR_TSC_AUX_            0xc0000103

#define X86_EFLAGS_VM           (1ul << 17)

void hvm_domain_crash(struct vcpu *v, const char *fmt, ...)
{
    struct domain *d = v->domain;
    const struct cpu_user_regs *r = &v->regs;
    char buf[160];
    va_list args;

    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);

    printk(XENLOG_ERR "d%uv%u %s\n", d->domain_id, v->vcpu_id, buf);
    printk("RIP:    %016lx   RFLAGS: %016lx   CPL: %u\n",
           r->rip, r->rflags, hvm_get_cpl(v));
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    printk("rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp, r->rsp, r->r8);
    printk("r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9, r->r10, r->r11);
    printk("r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12, r->r13, r->r14);
    printk("r15: %016lx\n", r->r15);
    if ( hvm_funcs.dump )
        hvm_funcs.dump(v);
    printk(XENLOG_ERR "Domain %u (vcpu#%u) crashed on cpu#%u\n",
           d->domain_id, v->vcpu_id, smp_processor_id());

    domain_shutdown(d, SHUTDOWN_crash);
}

/*
 * Skip the instruction the exit was for.  Returns false (and has crashed
 * or faulted the guest) if its length cannot be found.
 */
static bool skip_insn(struct vcpu *v, const struct hvm_exit *e)
{
    unsigned int len = e->insn_len;
    int rc;

    if ( !len )
    {
        rc = hvm_insn_length(v, &len);
        if ( rc == X86EMUL_RETRY )
            return false;
        if ( rc != X86EMUL_OKAY || !len )
        {
            hvm_domain_crash(v, "cannot decode the instruction at %#lx "
                             "(exit %#lx, rc %d)", v->regs.rip,
                             e->vendor_code, rc);
            return false;
        }
    }
    hvm_advance_rip(v, len);
    return true;
}

static void handle_cpuid(struct vcpu *v, const struct hvm_exit *e)
{
    struct cpuid_leaf res;

    guest_cpuid(v, (u32)v->regs.rax, (u32)v->regs.rcx, &res);
    if ( !skip_insn(v, e) )
        return;
    v->regs.rax = res.a;
    v->regs.rbx = res.b;
    v->regs.rcx = res.c;
    v->regs.rdx = res.d;
}

/* ---- MSRs ---- */

static int write_hypercall_page(struct vcpu *v, u64 val)
{
    paddr_t gpa = val & PAGE_MASK;
    void *page;
    int rc;

    /* The page offset must be 0 (Xen's guest_wrmsr_xen()). */
    if ( val & ~PAGE_MASK )
        return -EINVAL;

    page = alloc_xenheap_page();
    if ( !page )
        return -ENOMEM;
    hvm_init_hypercall_page(page);
    rc = copy_to_guest_phys(v->domain, gpa, page, PAGE_SIZE);
    free_xenheap_page(page);
    if ( rc )
        return rc;

    v->hvm->hypercall_msr = val;
    return 0;
}

static unsigned int mtrr_vcnt(void)
{
    return rdmsr(MSR_MTRRcap) & 0xff;
}

static bool host_has_mtrr(void)
{
    return cpuid_edx(1) & (1u << 12);
}

/* 0 with *val, or -1 to raise #GP. */
static int msr_read(struct vcpu *v, u32 msr, u64 *val)
{
    *val = 0;

    if ( v->vlapic && vlapic_is_msr(msr) )
        return vlapic_rdmsr(v, msr, val) == X86EMUL_OKAY ? 0 : -1;

    switch ( msr )
    {
    case XEN_HYPERCALL_MSR:
        return 0;                       /* write-only */
    case MSR_EFER:
        *val = hvm_get_reg(v, HVM_REG_EFER);
        return 0;
    case MSR_IA32_CR_PAT:
        *val = hvm_get_reg(v, HVM_REG_PAT);
        return 0;
    case MSR_IA32_TSC:
        *val = rdtsc() + hvm_funcs.get_tsc_offset(v);
        return 0;
    case MSR_TSC_AUX_:
        *val = v->hvm->tsc_aux;
        return 0;
    case MSR_IA32_PLATFORM_ID:
    case MSR_IA32_UCODE_REV:
    case MSR_IA32_MCG_CAP:
    case MSR_IA32_MCG_STATUS:
    case MSR_IA32_DEBUGCTL:
    case MSR_AMD64_SYSCFG:
    case MSR_K7_HWCR:
    case MSR_AMD_OSVW_ID_LENGTH:
    case MSR_AMD_OSVW_STATUS:
    case MSR_K8_INT_PENDING_MSG:
        return 0;
    case MSR_AMD64_VM_CR:
        *val = (1u << 3) | (1u << 4);   /* SVM locked off */
        return 0;
    case MSR_IA32_MISC_ENABLE:
        /* Fast strings; BTS and PEBS unavailable. */
        *val = (1u << 0) | (1u << 11) | (1u << 12);
        return 0;
    }

    /*
     * MTRRs: the hardware domain inherits the host's (pvh.pandoc); they
     * are read from the host and writes are ignored.
     */
    if ( host_has_mtrr() &&
         (msr == MSR_MTRRcap || msr == MSR_MTRR_DEF_TYPE ||
          msr == MSR_MTRR_FIX_64K || msr == MSR_MTRR_FIX_16K_80000 ||
          msr == MSR_MTRR_FIX_16K_A0000 ||
          (msr >= MSR_MTRR_FIX_4K_FIRST && msr <= MSR_MTRR_FIX_4K_LAST) ||
          (msr >= MSR_MTRR_PHYS_FIRST &&
           msr < MSR_MTRR_PHYS_FIRST + 2 * mtrr_vcnt())) )
    {
        bool fixed = msr != MSR_MTRRcap && msr != MSR_MTRR_DEF_TYPE &&
                     (msr < MSR_MTRR_PHYS_FIRST || msr > 0x2ff);

        if ( fixed && !(rdmsr(MSR_MTRRcap) & (1u << 8)) )
            return -1;
        /* No write-combining or SMRR claims beyond what we emulate. */
        *val = rdmsr(msr);
        if ( msr == MSR_MTRRcap )
            *val &= ~(1ul << 11);       /* SMRR */
        return 0;
    }

    return -1;
}

static bool pat_valid(u64 val)
{
    unsigned int i;

    for ( i = 0; i < 8; i++ )
    {
        u8 t = val >> (i * 8);

        if ( t == 2 || t == 3 || t > 7 )
            return false;
    }
    return true;
}

static int msr_write(struct vcpu *v, u32 msr, u64 val)
{
    if ( v->vlapic && vlapic_is_msr(msr) )
        return vlapic_wrmsr(v, msr, val) == X86EMUL_OKAY ? 0 : -1;

    switch ( msr )
    {
    case XEN_HYPERCALL_MSR:
        if ( write_hypercall_page(v, val) )
        {
            printk(XENLOG_WARNING "d%uv%u: bad hypercall page address "
                   "%#lx\n", v->domain->domain_id, v->vcpu_id, val);
            return -1;
        }
        return 0;
    case MSR_EFER:
    {
        u64 old = hvm_get_reg(v, HVM_REG_EFER);
        u64 ok = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;

        if ( val & ~ok )
            return -1;
        /* LME cannot change while paging is on (APM 14.6.1). */
        if ( ((val ^ old) & EFER_LME) &&
             (hvm_get_reg(v, HVM_REG_CR0) & X86_CR0_PG) )
            return -1;
        hvm_set_reg(v, HVM_REG_EFER, (val & ~EFER_LMA) | (old & EFER_LMA));
        return 0;
    }
    case MSR_IA32_CR_PAT:
        if ( !pat_valid(val) )
            return -1;
        hvm_set_reg(v, HVM_REG_PAT, val);
        return 0;
    case MSR_IA32_TSC:
        hvm_funcs.set_tsc_offset(v, val - rdtsc());
        return 0;
    case MSR_TSC_AUX_:
        v->hvm->tsc_aux = (u32)val;
        return 0;
    case MSR_IA32_MCG_STATUS:
    case MSR_IA32_MISC_ENABLE:
    case MSR_AMD_OSVW_ID_LENGTH:
    case MSR_AMD_OSVW_STATUS:
    case MSR_K8_INT_PENDING_MSG:
        return 0;                       /* ignored */
    case MSR_IA32_DEBUGCTL:
        return val ? -1 : 0;
    case MSR_MTRR_DEF_TYPE:
        v->hvm->mtrr_def_type = val;
        return 0;
    }

    /* The host's MTRRs stay as they are (see msr_read()). */
    if ( host_has_mtrr() &&
         ((msr >= MSR_MTRR_PHYS_FIRST && msr <= 0x2ff) ||
          msr == MSR_MTRR_FIX_64K || msr == MSR_MTRR_FIX_16K_80000 ||
          msr == MSR_MTRR_FIX_16K_A0000 ||
          (msr >= MSR_MTRR_FIX_4K_FIRST && msr <= MSR_MTRR_FIX_4K_LAST)) )
        return 0;

    return -1;
}

static void msr_warn(struct vcpu *v, bool write, u32 msr, u64 val)
{
    /* The first few per vCPU: Linux probes many MSRs with *_safe(). */
    if ( v->hvm->msr_warnings >= 16 )
        return;
    v->hvm->msr_warnings++;
    if ( write )
        printk(XENLOG_INFO "d%uv%u: wrmsr %#x <- %#lx: #GP\n",
               v->domain->domain_id, v->vcpu_id, msr, val);
    else
        printk(XENLOG_INFO "d%uv%u: rdmsr %#x: #GP\n",
               v->domain->domain_id, v->vcpu_id, msr);
}

static void handle_msr(struct vcpu *v, const struct hvm_exit *e, bool write)
{
    u32 msr = e->u.msr.index;
    u64 val;

    if ( write )
    {
        val = (v->regs.rdx << 32) | (u32)v->regs.rax;
        if ( msr_write(v, msr, val) )
        {
            msr_warn(v, true, msr, val);
            hvm_inject_gp(v);
            return;
        }
        skip_insn(v, e);
        return;
    }

    if ( msr_read(v, msr, &val) )
    {
        msr_warn(v, false, msr, 0);
        hvm_inject_gp(v);
        return;
    }
    if ( !skip_insn(v, e) )
        return;
    v->regs.rax = (u32)val;
    v->regs.rdx = val >> 32;
}

/* ---- HLT, hypercalls ---- */

/*
 * HLT with interrupts disabled: only NMI, SMI, INIT or reset end it on
 * real hardware, so a guest does it to stop a CPU for good (Linux's
 * play_dead after `xm vcpu-set` offlined it, stop_this_cpu).  As Xen,
 * the vCPU goes offline until INIT/SIPI brings it back, and a domain
 * with every vCPU offline is powered off.  Waking it for a masked
 * interrupt instead would spin it through HLT exits at full CPU.
 */
static void hlt_vcpu_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned int i, online = 0;

    if ( __atomic_fetch_or(&v->pause_flags, 1UL << VPF_down,
                           __ATOMIC_SEQ_CST) & (1UL << VPF_down) )
        return;
    vcpu_sleep_nosync(v);
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] &&
             !(__atomic_load_n(&d->vcpu[i]->pause_flags, __ATOMIC_SEQ_CST) &
               (1UL << VPF_down)) )
            online++;
    printk(XENLOG_DEBUG "d%uv%u: HLT with interrupts disabled: offline\n",
           d->domain_id, v->vcpu_id);
    if ( !online )
    {
        printk(XENLOG_INFO "d%u: all vCPUs offline: powering off\n",
               d->domain_id);
        domain_shutdown(d, SHUTDOWN_poweroff);
    }
}

static void handle_hlt(struct vcpu *v, const struct hvm_exit *e)
{
    if ( !skip_insn(v, e) )
        return;
    if ( !(v->regs.rflags & X86_EFLAGS_IF) )
    {
        if ( !v->vlapic || !vlapic_nmi_pending(v) )
            hlt_vcpu_down(v);
        return;
    }
    /*
     * An interrupt already waiting ends the halt at once; otherwise
     * sleep until the vLAPIC or an event channel wakes us (vcpu_wake()).
     */
    if ( v->vlapic && (vlapic_pending_irq(v) >= 0 || vlapic_nmi_pending(v)) )
        return;
    vcpu_block(v);
    /* An interrupt raised before VPF_blocked was set did not wake us. */
    if ( v->vlapic && (vlapic_pending_irq(v) >= 0 || vlapic_nmi_pending(v)) )
        vcpu_wake(v);
}

static void handle_hypercall(struct vcpu *v, const struct hvm_exit *e)
{
    /* VMMCALL and VMCALL are 3 bytes; RIP moves first (continuations). */
    hvm_advance_rip(v, e->insn_len ?: 3);

    /* Only the guest kernel may make hypercalls (Xen: -EPERM). */
    if ( hvm_get_cpl(v) != 0 )
    {
        v->regs.rax = -EPERM;
        return;
    }
    hypercall_dispatch(v);
}

/* ---- Port I/O and MMIO ---- */

static void handle_io(struct vcpu *v, const struct hvm_exit *e)
{
    u32 val, mask;
    int rc;

    if ( e->u.io.str )
    {
        /* INS/OUTS go through the emulator (which loops on REP). */
        rc = hvm_emulate_one(v);
        if ( rc == X86EMUL_UNHANDLEABLE )
            hvm_domain_crash(v, "cannot emulate string I/O on port %#x",
                             e->u.io.port);
        return;
    }

    mask = e->u.io.size == 4 ? ~0u : (1u << (e->u.io.size * 8)) - 1;
    val = e->u.io.in ? mask : (u32)v->regs.rax & mask;

    rc = hvm_portio_dispatch(v, e->u.io.port, e->u.io.size, e->u.io.in,
                             &val);
    if ( rc == X86EMUL_EXCEPTION )
    {
        hvm_inject_gp(v);
        return;
    }
    /* Unclaimed: reads float high, writes vanish (as on an ISA bus). */
    if ( rc != X86EMUL_OKAY )
        val = mask;

    if ( e->u.io.in )
    {
        if ( e->u.io.size == 4 )
            v->regs.rax = val;          /* 32-bit results zero-extend */
        else
            v->regs.rax = (v->regs.rax & ~(u64)mask) | (val & mask);
    }

    if ( e->u.io.next_rip_valid )
    {
        v->regs.rip = e->u.io.next_rip;
        hvm_set_reg(v, HVM_REG_INTR_SHADOW, 0);
    }
    else
        skip_insn(v, e);
}

static void handle_npf(struct vcpu *v, const struct hvm_exit *e)
{
    struct domain *d = v->domain;
    unsigned long gfn = e->u.npf.gpa >> PAGE_SHIFT;
    p2m_type_t t;
    unsigned long mfn = p2m_get_entry(&d->p2m, gfn, &t, NULL);
    int rc;

    if ( (t == p2m_io_forward || t == p2m_invalid) && !e->u.npf.fetch &&
         hvm_mmio_claimed(v, e->u.npf.gpa) )
    {
        v->hvm->last_npf_gpa = ~0ul;
        rc = hvm_emulate_one(v);
        if ( rc == X86EMUL_UNHANDLEABLE )
            hvm_domain_crash(v, "cannot emulate the MMIO access to %#lx",
                             e->u.npf.gpa);
        return;
    }

    /*
     * A fault on a translation the p2m says is fine: another vCPU changed
     * the entry and our TLB was stale.  Retry after a flush.
     */
    if ( (p2m_is_ram(t) || t == p2m_mmio_direct || t == p2m_foreign ||
          t == p2m_grant_map_rw) &&
         (!e->u.npf.write || (t != p2m_ram_ro && t != p2m_ram_logdirty)) &&
         v->hvm->last_npf_gpa != e->u.npf.gpa )
    {
        v->hvm->last_npf_gpa = e->u.npf.gpa;
        v->hvm->flush_tlb = true;
        return;
    }
    v->hvm->last_npf_gpa = ~0ul;

    hvm_domain_crash(v, "nested page fault at gpa %#lx (gfn %#lx, mfn %#lx, "
                     "type %d, %s%s%s)", e->u.npf.gpa, gfn, mfn, t,
                     e->u.npf.read ? "r" : "", e->u.npf.write ? "w" : "",
                     e->u.npf.fetch ? "x" : "");
}

void hvm_handle_exit(struct vcpu *v, struct hvm_exit *e)
{
    switch ( e->reason )
    {
    case HVM_EXIT_NONE:
    case HVM_EXIT_INTR_WINDOW:
        /* Pending interrupts are injected at the next entry. */
        break;
    case HVM_EXIT_CPUID:
        handle_cpuid(v, e);
        break;
    case HVM_EXIT_MSR_READ:
        handle_msr(v, e, false);
        break;
    case HVM_EXIT_MSR_WRITE:
        handle_msr(v, e, true);
        break;
    case HVM_EXIT_HLT:
        handle_hlt(v, e);
        break;
    case HVM_EXIT_HYPERCALL:
        handle_hypercall(v, e);
        break;
    case HVM_EXIT_IO:
        handle_io(v, e);
        break;
    case HVM_EXIT_NPF:
        handle_npf(v, e);
        break;
    case HVM_EXIT_PAUSE:
        break;
    case HVM_EXIT_INIT:
        /* INIT is delivered through the vLAPIC; a physical one is noise. */
        break;
    case HVM_EXIT_SHUTDOWN:
        hvm_domain_crash(v, "triple fault");
        break;
    case HVM_EXIT_INVALID:
        hvm_domain_crash(v, "VMRUN refused the guest state (exit %#lx)",
                         e->vendor_code);
        break;
    case HVM_EXIT_EXCEPTION:
        hvm_domain_crash(v, "unexpected intercepted exception %u",
                         e->u.exception.vector);
        break;
    default:
        hvm_domain_crash(v, "unhandled exit %#lx (reason %d)",
                         e->vendor_code, e->reason);
        break;
    }
}
