/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ASIDs (AMD64 APM vol. 2, 15.16 "TLB Control").  Each pCPU hands out
 * its ASIDs 1..max in order; a vCPU keeps the one it got as long as it
 * stays on that pCPU and the pCPU's generation does not change (a vCPU
 * the scheduler moved to another pCPU takes a new one there).  When
 * the ASIDs run out the generation moves on and the next VMRUN flushes
 * the whole TLB, after which every ASID is clean again.  A vCPU that
 * needs its TLB flushed (its p2m changed) simply takes a fresh ASID:
 * nothing was ever cached under it in this generation.  This avoids
 * TLB_CONTROL=3 (flush this ASID), which QEMU TCG does not implement
 * (no FlushByAsid, test-rig.md); TLB_CONTROL=1 works everywhere.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/hvm/vmcb.h>
#include <asm/hvm/vcpu.h>

struct asid_core {
    u64 generation;
    u32 next_asid;
    u32 max_asid;
    bool flush_all;             /* the next VMRUN flushes everything */
};

static struct asid_core asid_core[NR_CPUS];

void svm_asid_init_cpu(unsigned int nr_asids)
{
    struct asid_core *c = &asid_core[smp_processor_id()];

    /* ASID 0 is the host's; with none left, flush on every VMRUN. */
    c->max_asid = nr_asids > 1 ? nr_asids - 1 : 0;
    c->generation = 1;
    c->next_asid = 1;
    c->flush_all = true;
}

void svm_asid_handle_vmrun(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    struct asid_core *c = &asid_core[cpu];
    struct svm_vcpu *s = &v->hvm->svm;
    struct vmcb_struct *vmcb = s->vmcb;

    if ( !c->max_asid )
    {
        /* No tags: a single ASID 1 for everybody, flushed every time. */
        vmcb->guest_asid = 1;
        vmcb->tlb_control = TLB_CTRL_FLUSH_ALL;
        v->hvm->flush_tlb = false;
        s->asid_cpu = cpu;          /* where it last ran (svm_run) */
        return;
    }

    if ( s->asid && s->asid_cpu == cpu &&
         s->asid_generation == c->generation && !v->hvm->flush_tlb )
    {
        vmcb->guest_asid = s->asid;
        vmcb->tlb_control = TLB_CTRL_NO_FLUSH;
        return;
    }

    if ( c->next_asid > c->max_asid )
    {
        c->generation++;
        c->next_asid = 1;
        c->flush_all = true;
    }

    s->asid = c->next_asid++;
    s->asid_generation = c->generation;
    s->asid_cpu = cpu;
    v->hvm->flush_tlb = false;

    vmcb->guest_asid = s->asid;
    vmcb->tlb_control = c->flush_all ? TLB_CTRL_FLUSH_ALL : TLB_CTRL_NO_FLUSH;
    c->flush_all = false;
}
