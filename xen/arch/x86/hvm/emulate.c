/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulator's callbacks for HVM vCPUs (asm/hvm/emulate.h).
 *
 * Linear addresses from the emulator are translated by the guest's own
 * page tables (guest_walk_vcpu(), which raises the #PF/#GP the hardware
 * would).  The guest-physical address then goes to an emulated device if
 * one claims it, else to the domain's RAM; anything else (a direct-mapped
 * device page, a hole) cannot be emulated.  TCG's SVM gives neither
 * NRIPS nor the instruction bytes of an NPF (no DecodeAssists), so every
 * instruction is fetched here as well, at most 15 bytes and never past
 * the page its last needed byte lies on.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <asm/config.h>
#include <asm/guest_walk.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/io.h>
#include <asm/hvm/emulate.h>

struct hvm_emul {
    struct x86_emulate_ctxt ctxt;
    struct vcpu *v;
    u32 pfec_user;                  /* PFEC_user_mode when at CPL 3 */
    /* Instruction bytes fetched so far, starting at fetch_addr. */
    unsigned long fetch_addr;
    unsigned int fetch_len;
    u8 fetch_buf[X86_MAX_INSN_LEN];
    const char *why;                /* what failed, for the log */
    paddr_t why_gpa;
};

static struct hvm_emul *to_he(struct x86_emulate_ctxt *ctxt)
{
    return container_of(ctxt, struct hvm_emul, ctxt);
}

static void hvm_emul_init(struct hvm_emul *he, struct vcpu *v)
{
    struct segment_register sr;
    unsigned int seg;

    memset(he, 0, sizeof(*he));
    he->v = v;
    he->ctxt.regs = &v->regs;
    he->ctxt.mode = hvm_guest_mode(v);
    he->ctxt.data = he;
    for ( seg = 0; seg < x86_seg_nr; seg++ )
    {
        hvm_get_segment(v, seg, &sr);
        he->ctxt.seg_base[seg] = sr.base;
    }
    he->pfec_user = hvm_get_cpl(v) == 3 ? PFEC_user_mode : 0;
}

static int translate(struct hvm_emul *he, unsigned long addr, u32 access,
                     paddr_t *gpa)
{
    u32 pfec = 0;

    switch ( guest_walk_vcpu(he->v, addr, access | he->pfec_user, gpa,
                             &pfec) )
    {
    case GW_OK:
        return X86EMUL_OKAY;
    case GW_PAGE_FAULT:
        return x86_emul_pagefault(&he->ctxt, pfec, addr);
    case GW_GP_FAULT:
        return x86_emul_exception(&he->ctxt, TRAP_gp_fault, true, 0);
    default:
        he->why = "page tables outside guest RAM";
        he->why_gpa = addr;
        return X86EMUL_UNHANDLEABLE;
    }
}

static int hvm_fetch(unsigned long addr, void *buf, unsigned int bytes,
                     struct x86_emulate_ctxt *ctxt)
{
    struct hvm_emul *he = to_he(ctxt);
    unsigned long need;
    paddr_t gpa;
    int rc;

    /* The decoder asks in order; anything else starts afresh. */
    if ( addr < he->fetch_addr ||
         addr > he->fetch_addr + he->fetch_len )
    {
        he->fetch_addr = addr;
        he->fetch_len = 0;
    }
    need = addr + bytes - he->fetch_addr;
    if ( need > sizeof(he->fetch_buf) )
        return x86_emul_exception(ctxt, TRAP_gp_fault, true, 0);

    /*
     * Read to the end of the page (up to 15 bytes) in one go: later
     * requests are then served from the buffer, and the next page is
     * translated only if the instruction really continues there.
     */
    while ( he->fetch_len < need )
    {
        unsigned long cur = he->fetch_addr + he->fetch_len;
        unsigned int chunk = min(sizeof(he->fetch_buf) - he->fetch_len,
                                 PAGE_SIZE - (cur & ~PAGE_MASK));

        rc = translate(he, cur, PFEC_insn_fetch, &gpa);
        if ( rc != X86EMUL_OKAY )
            return rc;
        if ( copy_from_guest_phys(he->v->domain,
                                  he->fetch_buf + he->fetch_len, gpa,
                                  chunk) )
        {
            he->why = "instruction fetch from outside guest RAM";
            he->why_gpa = gpa;
            return X86EMUL_UNHANDLEABLE;
        }
        he->fetch_len += chunk;
    }

    memcpy(buf, he->fetch_buf + (addr - he->fetch_addr), bytes);
    return X86EMUL_OKAY;
}

/* One access within a page: an emulated device, or RAM. */
static int access_page(struct hvm_emul *he, unsigned long addr, u8 *buf,
                       unsigned int bytes, bool write)
{
    struct vcpu *v = he->v;
    paddr_t gpa;
    u64 val = 0;
    int rc;

    rc = translate(he, addr, write ? PFEC_write_access : 0, &gpa);
    if ( rc != X86EMUL_OKAY )
        return rc;

    if ( hvm_mmio_claimed(v, gpa) )
    {
        if ( bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8 )
        {
            he->why = "MMIO access split across pages";
            he->why_gpa = gpa;
            return X86EMUL_UNHANDLEABLE;
        }
        if ( write )
            memcpy(&val, buf, bytes);       /* little-endian */
        rc = hvm_mmio_dispatch(v, gpa, bytes, write, &val);
        if ( rc == X86EMUL_EXCEPTION )
            return x86_emul_exception(&he->ctxt, TRAP_gp_fault, true, 0);
        if ( rc != X86EMUL_OKAY )
        {
            he->why = "MMIO access no device took";
            he->why_gpa = gpa;
            return rc;
        }
        if ( !write )
            memcpy(buf, &val, bytes);
        return X86EMUL_OKAY;
    }

    if ( write ? copy_to_guest_phys(v->domain, gpa, buf, bytes)
               : copy_from_guest_phys(v->domain, buf, gpa, bytes) )
    {
        he->why = "access to neither RAM nor an emulated device";
        he->why_gpa = gpa;
        return X86EMUL_UNHANDLEABLE;
    }
    return X86EMUL_OKAY;
}

static int access_linear(struct x86_emulate_ctxt *ctxt, unsigned long addr,
                         u8 *buf, unsigned int bytes, bool write)
{
    struct hvm_emul *he = to_he(ctxt);
    unsigned int first = min(bytes, (unsigned int)(PAGE_SIZE -
                                                   (addr & ~PAGE_MASK)));
    int rc;

    rc = access_page(he, addr, buf, first, write);
    if ( rc == X86EMUL_OKAY && first < bytes )
        rc = access_page(he, addr + first, buf + first, bytes - first,
                         write);
    return rc;
}

static int hvm_read(unsigned long addr, void *buf, unsigned int bytes,
                    struct x86_emulate_ctxt *ctxt)
{
    return access_linear(ctxt, addr, buf, bytes, false);
}

static int hvm_write(unsigned long addr, const void *buf, unsigned int bytes,
                     struct x86_emulate_ctxt *ctxt)
{
    return access_linear(ctxt, addr, (u8 *)buf, bytes, true);
}

/* String port I/O: unclaimed ports read as all ones, writes vanish. */
static int hvm_read_io(unsigned int port, unsigned int bytes,
                       unsigned long *val, struct x86_emulate_ctxt *ctxt)
{
    u32 v32 = ~0u;
    int rc = hvm_portio_dispatch(to_he(ctxt)->v, port, bytes, true, &v32);

    if ( rc == X86EMUL_EXCEPTION )
        return x86_emul_exception(ctxt, TRAP_gp_fault, true, 0);
    *val = v32;
    return X86EMUL_OKAY;
}

static int hvm_write_io(unsigned int port, unsigned int bytes,
                        unsigned long val, struct x86_emulate_ctxt *ctxt)
{
    u32 v32 = val;
    int rc = hvm_portio_dispatch(to_he(ctxt)->v, port, bytes, false, &v32);

    if ( rc == X86EMUL_EXCEPTION )
        return x86_emul_exception(ctxt, TRAP_gp_fault, true, 0);
    return X86EMUL_OKAY;
}

static const struct x86_emulate_ops hvm_emulate_ops = {
    .read = hvm_read,
    .write = hvm_write,
    .fetch = hvm_fetch,
    .read_io = hvm_read_io,
    .write_io = hvm_write_io,
};

static void inject(struct vcpu *v, const struct x86_emulate_event *e)
{
    if ( e->vector == TRAP_page_fault )
        hvm_set_reg(v, HVM_REG_CR2, e->cr2);
    hvm_inject_event(v, e->vector, X86_EVENTTYPE_HW_EXCEPTION,
                     e->has_error_code ? (int)e->error_code
                                       : X86_EVENT_NO_EC);
}

/* Say what could not be done, with the instruction bytes. */
static void report(const struct hvm_emul *he, const char *what)
{
    char hex[3 * X86_MAX_INSN_LEN + 1] = "";
    unsigned int i;

    for ( i = 0; i < he->ctxt.insn_len; i++ )
        snprintf(hex + 3 * i, sizeof(hex) - 3 * i, " %02x",
                 he->ctxt.insn_bytes[i]);
    if ( he->ctxt.unsupported )
        printk(XENLOG_ERR "d%uv%u: %s: unsupported instruction at rip "
               "%#lx:%s\n", he->v->domain->domain_id, he->v->vcpu_id, what,
               he->v->regs.rip, hex);
    else
        printk(XENLOG_ERR "d%uv%u: %s: %s (%#lx) at rip %#lx:%s\n",
               he->v->domain->domain_id, he->v->vcpu_id, what,
               he->why ?: "failed", (unsigned long)he->why_gpa,
               he->v->regs.rip, hex);
}

int hvm_insn_length(struct vcpu *v, unsigned int *len)
{
    struct hvm_emul he;
    int rc;

    hvm_emul_init(&he, v);
    rc = x86_insn_length(&he.ctxt, &hvm_emulate_ops, len);
    switch ( rc )
    {
    case X86EMUL_EXCEPTION:
        /* The instruction cannot be fetched now: let the guest see why. */
        inject(v, &he.ctxt.event);
        return X86EMUL_RETRY;
    case X86EMUL_UNHANDLEABLE:
        report(&he, "decode");
        break;
    }
    return rc;
}

int hvm_emulate_one(struct vcpu *v)
{
    struct hvm_emul he;
    unsigned long rip = v->regs.rip;
    int rc;

    hvm_emul_init(&he, v);
    rc = x86_emulate(&he.ctxt, &hvm_emulate_ops);
    switch ( rc )
    {
    case X86EMUL_OKAY:
        /* A completed instruction ends an STI / MOV SS shadow. */
        if ( v->regs.rip != rip )
            hvm_set_reg(v, HVM_REG_INTR_SHADOW, 0);
        break;
    case X86EMUL_EXCEPTION:
        inject(v, &he.ctxt.event);
        break;
    case X86EMUL_UNHANDLEABLE:
        report(&he, "emulate");
        break;
    }
    return rc;
}
