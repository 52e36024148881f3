/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMCB set-up: intercepts, the I/O and MSR permission maps, and the
 * guest's initial state (the PVH entry state of docs/misc/pvh.pandoc).
 *
 * Port policy.  The hardware domain (dom0) owns the machine's devices
 * and reaches their ports directly, except those the hypervisor keeps:
 *   0x20-0x21, 0xa0-0xa1  the 8259 PICs (kept masked by the hypervisor;
 *                         dom0 uses the emulated IOAPIC/LAPIC)
 *   0x40-0x43             the PIT (the hypervisor's calibration source;
 *                         port 0x61, the speaker/gate port, passes)
 *   0x3f8-0x3ff           COM1, the hypervisor's console
 * Everything else passes through: PCI configuration (0xcf8-0xcff; the
 * hypervisor does not touch it after boot), the ACPI PM block and PM
 * timer, the RTC, 0xcf9 reset, port 0x80, isa-debug-exit.  Intercepted
 * ports go to hvm_portio_dispatch(); a port no emulator claims reads as
 * all ones and ignores writes.  Other domains intercept every port.
 *
 * MSR policy.  Every MSR is intercepted except the ones VMLOAD/VMSAVE
 * switch with the guest (FS/GS/KernelGS bases, the SYSCALL and SYSENTER
 * MSRs), which the guest owns outright while it runs.  EFER and PAT live
 * in the VMCB but are intercepted too, to keep EFER.SVME set underneath
 * the guest and to validate PAT.  MSRs outside the three MSRPM ranges
 * (0x40000000, the hypercall page MSR) always exit (APM 15.11).
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/acpi.h>
#include <asm/processor.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/hvm/vmcb.h>
#include <asm/hvm/vcpu.h>

/* The hardware fixes these; check the struct against APM appendix B. */
_Static_assert(sizeof(struct vmcb_struct) == 4096, "VMCB size");
_Static_assert(offsetof(struct vmcb_struct, iopm_base_pa) == 0x40, "iopm");
_Static_assert(offsetof(struct vmcb_struct, tsc_offset) == 0x50, "tsc");
_Static_assert(offsetof(struct vmcb_struct, vintr) == 0x60, "vintr");
_Static_assert(offsetof(struct vmcb_struct, exitcode) == 0x70, "exitcode");
_Static_assert(offsetof(struct vmcb_struct, eventinj) == 0xa8, "eventinj");
_Static_assert(offsetof(struct vmcb_struct, n_cr3) == 0xb0, "n_cr3");
_Static_assert(offsetof(struct vmcb_struct, nrip) == 0xc8, "nrip");
_Static_assert(offsetof(struct vmcb_struct, es) == 0x400, "es");
_Static_assert(offsetof(struct vmcb_struct, tr) == 0x490, "tr");
_Static_assert(offsetof(struct vmcb_struct, cpl) == 0x4cb, "cpl");
_Static_assert(offsetof(struct vmcb_struct, efer) == 0x4d0, "efer");
_Static_assert(offsetof(struct vmcb_struct, cr4) == 0x548, "cr4");
_Static_assert(offsetof(struct vmcb_struct, rip) == 0x578, "rip");
_Static_assert(offsetof(struct vmcb_struct, rsp) == 0x5d8, "rsp");
_Static_assert(offsetof(struct vmcb_struct, rax) == 0x5f8, "rax");
_Static_assert(offsetof(struct vmcb_struct, cr2) == 0x640, "cr2");
_Static_assert(offsetof(struct vmcb_struct, g_pat) == 0x668, "g_pat");

#define IOPM_ORDER   2          /* 12 KiB used (APM 15.10.1) */
#define MSRPM_ORDER  1          /* 8 KiB (APM 15.11) */

/* dom0's map (passes most ports) and everybody else's (all intercepted). */
static u8 *iopm_hwdom, *iopm_all;
static u8 *msrpm;

static void iopm_intercept(u8 *map, unsigned int first, unsigned int last)
{
    unsigned int p;

    for ( p = first; p <= last; p++ )
        map[p / 8] |= 1u << (p % 8);
}

/*
 * Returns the bit offset of msr's read-intercept bit in the MSRPM, or -1
 * for MSRs outside the three ranges the map covers.
 */
static int msrpm_bit(u32 msr)
{
    if ( msr <= 0x1fff )
        return msr * 2;
    if ( msr >= 0xc0000000 && msr <= 0xc0001fff )
        return 0x800 * 8 + (msr - 0xc0000000) * 2;
    if ( msr >= 0xc0010000 && msr <= 0xc0011fff )
        return 0x1000 * 8 + (msr - 0xc0010000) * 2;
    return -1;
}

static void msrpm_pass(u32 msr)
{
    int bit = msrpm_bit(msr);

    if ( bit < 0 )
        return;
    msrpm[bit / 8] &= ~(3u << (bit % 8));
}

int svm_init_permission_maps(void)
{
    static const u32 passthrough[] = {
        0xc0000100, 0xc0000101, 0xc0000102,     /* FS/GS/KernelGS base */
        0xc0000081, 0xc0000082, 0xc0000083,     /* STAR, LSTAR, CSTAR */
        0xc0000084,                             /* SFMASK */
        0x174, 0x175, 0x176,                    /* SYSENTER_CS/ESP/EIP */
    };
    unsigned int i;

    iopm_hwdom = alloc_xenheap_pages(IOPM_ORDER, 0);
    iopm_all = alloc_xenheap_pages(IOPM_ORDER, 0);
    msrpm = alloc_xenheap_pages(MSRPM_ORDER, 0);
    if ( !iopm_hwdom || !iopm_all || !msrpm )
        return -ENOMEM;

    memset(iopm_all, 0xff, PAGE_SIZE << IOPM_ORDER);
    memset(iopm_hwdom, 0, PAGE_SIZE << IOPM_ORDER);
    iopm_intercept(iopm_hwdom, 0x20, 0x21);
    iopm_intercept(iopm_hwdom, 0xa0, 0xa1);
    iopm_intercept(iopm_hwdom, 0x40, 0x43);
    iopm_intercept(iopm_hwdom, 0x3f8, 0x3ff);
    /* ACPI sleep control: dom0's S5 request goes through the hypervisor. */
    if ( acpi_info.pm1a_cnt )
        iopm_intercept(iopm_hwdom, acpi_info.pm1a_cnt,
                       acpi_info.pm1a_cnt + 1);
    if ( acpi_info.pm1b_cnt )
        iopm_intercept(iopm_hwdom, acpi_info.pm1b_cnt,
                       acpi_info.pm1b_cnt + 1);

    memset(msrpm, 0xff, PAGE_SIZE << MSRPM_ORDER);
    for ( i = 0; i < ARRAY_SIZE(passthrough); i++ )
        msrpm_pass(passthrough[i]);

    return 0;
}

/* Flat 32-bit segments of the PVH entry state. */
#define FLAT_CODE32_ATTR (SVM_SEG_TYPE(0xb) | SVM_SEG_S | SVM_SEG_P | \
                          SVM_SEG_DB | SVM_SEG_G)
#define FLAT_DATA32_ATTR (SVM_SEG_TYPE(0x3) | SVM_SEG_S | SVM_SEG_P | \
                          SVM_SEG_DB | SVM_SEG_G)
/* A busy 32-bit TSS, and an LDT marked unusable (not present). */
#define TSS32_ATTR       (SVM_SEG_TYPE(0xb) | SVM_SEG_P)
#define LDT_ATTR         (SVM_SEG_TYPE(0x2) | SVM_SEG_P)

/* Default PAT (WB, WT, UC-, UC, WB, WT, UC-, UC), the reset value. */
#define PAT_RESET_VALUE  0x0007040600070406ULL

static void vmcb_set_pvh_state(struct vmcb_struct *vmcb)
{
    const struct segment_register code = {
        .sel = 0x10, .attr = FLAT_CODE32_ATTR, .limit = ~0u, .base = 0,
    };
    const struct segment_register data = {
        .sel = 0x18, .attr = FLAT_DATA32_ATTR, .limit = ~0u, .base = 0,
    };

    vmcb->cs = code;
    vmcb->ds = vmcb->es = vmcb->ss = data;
    vmcb->fs = vmcb->gs = data;
    vmcb->tr = (struct segment_register){ .sel = 0x20, .attr = TSS32_ATTR,
                                          .limit = 0x67, .base = 0 };
    vmcb->ldtr = (struct segment_register){ .attr = LDT_ATTR };
    vmcb->gdtr = (struct segment_register){ .limit = 0 };
    vmcb->idtr = (struct segment_register){ .limit = 0 };
    vmcb->cpl = 0;

    vmcb->cr0 = X86_CR0_PE | X86_CR0_ET;
    vmcb->cr3 = 0;
    vmcb->cr4 = 0;
    /* SVME must stay set in the guest's EFER (APM 15.5.1, VMRUN checks). */
    vmcb->efer = EFER_SVME;
    vmcb->rflags = 0x2;
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->g_pat = PAT_RESET_VALUE;
}

void svm_vmcb_set_real_mode(struct vmcb_struct *vmcb, u8 sipi_vector)
{
    const struct segment_register data = {
        .sel = 0, .attr = SVM_SEG_TYPE(0x3) | SVM_SEG_S | SVM_SEG_P,
        .limit = 0xffff, .base = 0,
    };

    vmcb->cs = (struct segment_register){
        .sel = (u16)sipi_vector << 8,
        .attr = SVM_SEG_TYPE(0xb) | SVM_SEG_S | SVM_SEG_P,
        .limit = 0xffff, .base = (u64)sipi_vector << 12,
    };
    vmcb->ds = vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs = data;
    vmcb->tr = (struct segment_register){ .attr = TSS32_ATTR,
                                          .limit = 0xffff };
    vmcb->ldtr = (struct segment_register){ .attr = LDT_ATTR,
                                            .limit = 0xffff };
    vmcb->gdtr = (struct segment_register){ .limit = 0xffff };
    vmcb->idtr = (struct segment_register){ .limit = 0xffff };
    vmcb->cpl = 0;
    vmcb->cr0 = X86_CR0_ET;
    vmcb->cr2 = vmcb->cr3 = vmcb->cr4 = 0;
    vmcb->efer = EFER_SVME;
    vmcb->rflags = 0x2;
    vmcb->rip = 0;
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->g_pat = PAT_RESET_VALUE;
    vmcb->interrupt_shadow = 0;
    vmcb->eventinj = 0;
}

int svm_create_vmcb(struct vcpu *v)
{
    struct svm_vcpu *s = &v->hvm->svm;
    struct vmcb_struct *vmcb = alloc_xenheap_page();
    struct domain *d = v->domain;

    if ( !vmcb )
        return -ENOMEM;
    memset(vmcb, 0, PAGE_SIZE);

    /*
     * CR accesses run natively: with nested paging the guest owns CR0,
     * CR3 and CR4 (APM 15.25).  No exception is intercepted.
     */
    vmcb->intercept_cr = 0;
    vmcb->intercept_exceptions = 0;
    /*
     * INTR/NMI/SMI/INIT: physical events go to the host.  INVD would drop
     * dirty cache lines the host owns; treat it as WBINVD.  No RDTSC(P)
     * intercept: the TSC is offset in hardware, and TCG reports RDTSCP
     * exits as RDTSC (test-rig.md).
     */
    vmcb->intercept1 = GENERAL1_INTERCEPT_INTR | GENERAL1_INTERCEPT_NMI |
                       GENERAL1_INTERCEPT_SMI | GENERAL1_INTERCEPT_INIT |
                       GENERAL1_INTERCEPT_CPUID | GENERAL1_INTERCEPT_INVD |
                       GENERAL1_INTERCEPT_HLT | GENERAL1_INTERCEPT_IOIO_PROT |
                       GENERAL1_INTERCEPT_MSR_PROT |
                       GENERAL1_INTERCEPT_SHUTDOWN |
                       GENERAL1_INTERCEPT_TASK_SWITCH;
    /* VMRUN must be intercepted (APM 15.5.1); the rest of SVM is hidden. */
    vmcb->intercept2 = GENERAL2_INTERCEPT_VMRUN | GENERAL2_INTERCEPT_VMMCALL |
                       GENERAL2_INTERCEPT_VMLOAD | GENERAL2_INTERCEPT_VMSAVE |
                       GENERAL2_INTERCEPT_STGI | GENERAL2_INTERCEPT_CLGI |
                       GENERAL2_INTERCEPT_SKINIT |
                       GENERAL2_INTERCEPT_MONITOR | GENERAL2_INTERCEPT_MWAIT |
                       GENERAL2_INTERCEPT_MWAIT_COND;

    vmcb->iopm_base_pa = virt_to_maddr(d->is_hardware_domain ? iopm_hwdom
                                                              : iopm_all);
    vmcb->msrpm_base_pa = virt_to_maddr(msrpm);
    vmcb->tsc_offset = 0;
    /*
     * V_INTR_MASKING: the guest's RFLAGS.IF masks only virtual
     * interrupts; physical ones follow the host's IF and exit.
     */
    vmcb->vintr = VINTR_MASKING;
    vmcb->np_enable = 1;
    vmcb->n_cr3 = d->p2m.root;
    vmcb->guest_asid = 0;       /* assigned at the first VMRUN */

    vmcb_set_pvh_state(vmcb);

    s->vmcb = vmcb;
    s->vmcb_pa = virt_to_maddr(vmcb);
    s->asid = 0;
    s->asid_generation = 0;
    return 0;
}

void svm_destroy_vmcb(struct vcpu *v)
{
    struct svm_vcpu *s = &v->hvm->svm;

    if ( s->vmcb )
        free_xenheap_page(s->vmcb);
    s->vmcb = NULL;
    s->vmcb_pa = 0;
}

static void dump_seg(const char *name, const struct segment_register *r)
{
    printk("%-5s sel=%04x attr=%04x limit=%08x base=%016lx\n",
           name, r->sel, r->attr, r->limit, r->base);
}

void svm_vmcb_dump(const char *from, const struct vmcb_struct *vmcb)
{
    printk("Dumping guest's current state at %s...\n", from);
    printk("cr0=%016lx cr2=%016lx cr3=%016lx cr4=%016lx\n",
           vmcb->cr0, vmcb->cr2, vmcb->cr3, vmcb->cr4);
    printk("efer=%016lx rip=%016lx rsp=%016lx rflags=%016lx cpl=%u\n",
           vmcb->efer, vmcb->rip, vmcb->rsp, vmcb->rflags, vmcb->cpl);
    printk("exitcode=%#lx exitinfo1=%#lx exitinfo2=%#lx exitintinfo=%#lx\n",
           vmcb->exitcode, vmcb->exitinfo1, vmcb->exitinfo2,
           vmcb->exitintinfo);
    printk("asid=%u n_cr3=%#lx eventinj=%#lx vintr=%#lx shadow=%#lx\n",
           vmcb->guest_asid, vmcb->n_cr3, vmcb->eventinj, vmcb->vintr,
           vmcb->interrupt_shadow);
    dump_seg("cs", &vmcb->cs);
    dump_seg("ds", &vmcb->ds);
    dump_seg("ss", &vmcb->ss);
    dump_seg("es", &vmcb->es);
    dump_seg("fs", &vmcb->fs);
    dump_seg("gs", &vmcb->gs);
    dump_seg("tr", &vmcb->tr);
    dump_seg("ldtr", &vmcb->ldtr);
    dump_seg("gdtr", &vmcb->gdtr);
    dump_seg("idtr", &vmcb->idtr);
}
