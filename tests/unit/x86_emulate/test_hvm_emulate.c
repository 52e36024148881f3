/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/arch/x86/hvm/emulate.c on a fake vCPU: instruction fetch across
 * pages through the guest's translation, MMIO routed to the device
 * dispatcher, RAM to the guest copies, exceptions queued for the guest,
 * failures logged with the instruction bytes.  The test functions are
 * run from test_x86_emulate.c's group (one group per binary).
 */
#include <string.h>
#include "harness.h"
#include "hvm_emulate_tests.h"

#include <xen/sched.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <asm/guest_walk.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/io.h>
#include <asm/hvm/emulate.h>

#define PG        0x1000UL
#define RAM_GPA   0x100000UL        /* guest RAM: 64 KiB from here */
#define RAM_LEN   0x10000UL
#define APIC_GPA  0xfee00000UL      /* claimed by the fake device */

static struct domain dom;
static struct vcpu vcpu;

static u8 ram[RAM_LEN];
static unsigned int mode;
static u64 seg_base[x86_seg_nr];
static unsigned int cpl;

static unsigned int walks;
static u32 last_walk_access;

static struct {
    bool write;
    paddr_t gpa;
    unsigned int size;
    u64 val;
} mmio_log[8];
static unsigned int nr_mmio;
static u64 mmio_read_val;
static int mmio_rc;

static unsigned int nr_port;
static u16 last_port;
static u32 last_port_val;

static bool injected;
static u8 inj_vector;
static int inj_ec;
static u64 cr2;
static int shadow_cleared;

/* ---- Stand-ins for the backend, the p2m and the devices ---------------- */

/*
 * The fake guest page tables: identity, except va 0x6000 -> RAM + 0x5000,
 * va 0x7000 -> RAM + 0xa000, va 0x8000 -> RAM + 0xc000, and va 0x9000
 * not present.
 */
enum guest_walk_result guest_walk_vcpu(struct vcpu *v, u64 va, u32 access,
                                       paddr_t *gpa, u32 *pfec)
{
    u64 page = va & ~(PG - 1);

    walks++;
    last_walk_access = access;
    if ( page == 0x9000 )
    {
        *pfec = access & (PFEC_write_access | PFEC_user_mode |
                          PFEC_insn_fetch);
        return GW_PAGE_FAULT;
    }
    if ( page == 0x6000 )
        *gpa = RAM_GPA + 0x5000 + (va & (PG - 1));
    else if ( page == 0x7000 )
        *gpa = RAM_GPA + 0xa000 + (va & (PG - 1));
    else if ( page == 0x8000 )
        *gpa = RAM_GPA + 0xc000 + (va & (PG - 1));
    else
        *gpa = va;
    return GW_OK;
}

int copy_from_guest_phys(struct domain *d, void *dst, paddr_t gpa,
                         size_t len)
{
    if ( gpa < RAM_GPA || gpa + len > RAM_GPA + RAM_LEN )
        return -EFAULT;
    memcpy(dst, &ram[gpa - RAM_GPA], len);
    return 0;
}

int copy_to_guest_phys(struct domain *d, paddr_t gpa, const void *src,
                       size_t len)
{
    if ( gpa < RAM_GPA || gpa + len > RAM_GPA + RAM_LEN )
        return -EFAULT;
    memcpy(&ram[gpa - RAM_GPA], src, len);
    return 0;
}

bool hvm_mmio_claimed(struct vcpu *v, paddr_t gpa)
{
    return gpa >= APIC_GPA && gpa < APIC_GPA + PG;
}

int hvm_mmio_dispatch(struct vcpu *v, paddr_t gpa, unsigned int size,
                      bool write, u64 *val)
{
    assert_true(hvm_mmio_claimed(v, gpa));
    if ( nr_mmio < 8 )
    {
        mmio_log[nr_mmio].write = write;
        mmio_log[nr_mmio].gpa = gpa;
        mmio_log[nr_mmio].size = size;
        mmio_log[nr_mmio].val = write ? *val : 0;
    }
    nr_mmio++;
    if ( !write )
        *val = mmio_read_val;
    return mmio_rc;
}

int hvm_portio_dispatch(struct vcpu *v, u16 port, unsigned int size,
                        bool in, u32 *val)
{
    nr_port++;
    last_port = port;
    if ( in )
        return X86EMUL_UNHANDLEABLE;    /* nothing there: stays ~0 */
    last_port_val = *val;
    return X86EMUL_OKAY;
}

unsigned int hvm_guest_mode(struct vcpu *v)
{
    return mode;
}

void hvm_inject_event(struct vcpu *v, u8 vector, u8 type, int error_code)
{
    assert_false(injected);
    assert_int_equal(type, X86_EVENTTYPE_HW_EXCEPTION);
    injected = true;
    inj_vector = vector;
    inj_ec = error_code;
}

static u64 t_get_reg(struct vcpu *v, enum hvm_reg reg)
{
    return 0;
}

static void t_set_reg(struct vcpu *v, enum hvm_reg reg, u64 val)
{
    if ( reg == HVM_REG_CR2 )
        cr2 = val;
    else if ( reg == HVM_REG_INTR_SHADOW && val == 0 )
        shadow_cleared++;
    else
        fail_msg("unexpected set_reg %d", reg);
}

static void t_get_segment(struct vcpu *v, enum x86_segment seg,
                          struct segment_register *reg)
{
    memset(reg, 0, sizeof(*reg));
    reg->base = seg_base[seg];
}

static unsigned int t_get_cpl(struct vcpu *v)
{
    return cpl;
}

struct hvm_function_table hvm_funcs = {
    .name = "test",
    .get_reg = t_get_reg,
    .set_reg = t_set_reg,
    .get_segment = t_get_segment,
    .get_cpl = t_get_cpl,
};

/* ---- Helpers ------------------------------------------------------------ */

static void setup(unsigned int m)
{
    memset(&dom, 0, sizeof(dom));
    memset(&vcpu, 0, sizeof(vcpu));
    memset(ram, 0, sizeof(ram));
    memset(seg_base, 0, sizeof(seg_base));
    vcpu.domain = &dom;
    vcpu.vcpu_id = 1;
    dom.domain_id = 7;
    mode = m;
    cpl = 0;
    walks = 0;
    nr_mmio = nr_port = 0;
    mmio_read_val = 0;
    mmio_rc = X86EMUL_OKAY;
    injected = false;
    cr2 = 0;
    shadow_cleared = 0;
    test_log_reset();
}

/* Put code at guest-virtual va (the fake mapping must make it RAM). */
static void put_code(unsigned long va, const char *bytes, unsigned int n)
{
    paddr_t gpa;
    u32 pfec;

    for ( unsigned int i = 0; i < n; i++ )
    {
        assert_int_equal(guest_walk_vcpu(&vcpu, va + i, 0, &gpa, &pfec),
                         GW_OK);
        assert_true(gpa >= RAM_GPA && gpa < RAM_GPA + RAM_LEN);
        ram[gpa - RAM_GPA] = bytes[i];
    }
    vcpu.regs.rip = va;
    walks = 0;
}

#define PUT_CODE(va, s) put_code(va, s, sizeof(s) - 1)

/* ---- Tests -------------------------------------------------------------- */

void test_hvm_insn_length_pages(void **state)
{
    unsigned int len = 0;

    /* A 6-byte instruction over two pages that map far apart. */
    setup(X86EMUL_MODE_64);
    PUT_CODE(0x6ffe, "\x8b\x80\x00\x01\x00\x00");
    assert_int_equal(hvm_insn_length(&vcpu, &len), X86EMUL_OKAY);
    assert_int_equal(len, 6);
    assert_int_equal(walks, 2);
    assert_true(last_walk_access & PFEC_insn_fetch);

    /* A whole instruction inside one page costs one walk. */
    setup(X86EMUL_MODE_64);
    PUT_CODE(RAM_GPA + 0x10, "\x48\xc7\x84\x24\x00\x01\x00\x00\x78\x56\x34"
                             "\x12");
    assert_int_equal(hvm_insn_length(&vcpu, &len), X86EMUL_OKAY);
    assert_int_equal(len, 12);
    assert_int_equal(walks, 1);

    /* cpuid as the last bytes before an unmapped page: no fault. */
    setup(X86EMUL_MODE_64);
    PUT_CODE(0x8ffe, "\x0f\xa2");
    assert_int_equal(hvm_insn_length(&vcpu, &len), X86EMUL_OKAY);
    assert_int_equal(len, 2);
    assert_int_equal(walks, 1);
    assert_false(injected);
}

void test_hvm_insn_length_fault(void **state)
{
    unsigned int len = 0;

    /* The displacement lies on the unmapped page: #PF at its start. */
    setup(X86EMUL_MODE_64);
    cpl = 3;
    PUT_CODE(0x8ffe, "\x8b\x80");
    assert_int_equal(hvm_insn_length(&vcpu, &len), X86EMUL_RETRY);
    assert_true(injected);
    assert_int_equal(inj_vector, TRAP_page_fault);
    assert_int_equal(inj_ec, PFEC_insn_fetch | PFEC_user_mode);
    assert_int_equal(cr2, 0x9000);
    assert_int_equal(vcpu.regs.rip, 0x8ffe);

    /* rip itself on the unmapped page. */
    setup(X86EMUL_MODE_64);
    vcpu.regs.rip = 0x9004;
    assert_int_equal(hvm_insn_length(&vcpu, &len), X86EMUL_RETRY);
    assert_int_equal(inj_ec, PFEC_insn_fetch);
    assert_int_equal(cr2, 0x9004);

    /* Code in a page that is not RAM: cannot decode, said so. */
    setup(X86EMUL_MODE_64);
    vcpu.regs.rip = 0xd0000000;
    assert_int_equal(hvm_insn_length(&vcpu, &len), X86EMUL_UNHANDLEABLE);
    assert_false(injected);
    assert_log_contains("d7v1: decode: instruction fetch from outside "
                        "guest RAM (0xd0000000) at rip 0xd0000000");
}

void test_hvm_emulate_mmio(void **state)
{
    /* mov %eax,0x300(%rbx) into the vLAPIC page. */
    setup(X86EMUL_MODE_64);
    PUT_CODE(RAM_GPA, "\x89\x83\x00\x03\x00\x00");
    vcpu.regs.rbx = APIC_GPA;
    vcpu.regs.rax = 0xffffffff000c4500ULL;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_OKAY);
    assert_int_equal(nr_mmio, 1);
    assert_true(mmio_log[0].write);
    assert_int_equal(mmio_log[0].gpa, APIC_GPA + 0x300);
    assert_int_equal(mmio_log[0].size, 4);
    assert_int_equal(mmio_log[0].val, 0x000c4500);
    assert_int_equal(vcpu.regs.rip, RAM_GPA + 6);
    assert_int_equal(shadow_cleared, 1);
    assert_true(last_walk_access & PFEC_write_access);

    /* mov 0x20(%rbx),%ecx: the device's value lands in ecx. */
    PUT_CODE(RAM_GPA, "\x8b\x4b\x20");
    mmio_read_val = 0x50014;
    vcpu.regs.rcx = ~0ULL;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_OKAY);
    assert_int_equal(vcpu.regs.rcx, 0x50014);
    assert_false(mmio_log[1].write);
    assert_int_equal(mmio_log[1].gpa, APIC_GPA + 0x20);

    /* A device asking for #GP gets it injected, rip stays. */
    PUT_CODE(RAM_GPA, "\x8b\x4b\x20");
    mmio_rc = X86EMUL_EXCEPTION;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_EXCEPTION);
    assert_true(injected);
    assert_int_equal(inj_vector, TRAP_gp_fault);
    assert_int_equal(inj_ec, 0);
    assert_int_equal(vcpu.regs.rip, RAM_GPA);
}

void test_hvm_emulate_ram_and_io(void **state)
{
    /* rep movsl from the device into RAM reached through a remapped page. */
    setup(X86EMUL_MODE_64);
    PUT_CODE(RAM_GPA, "\xf3\xa5");
    mmio_read_val = 0xabcd1234;
    vcpu.regs.rsi = APIC_GPA + 0x100;
    vcpu.regs.rdi = 0x7010;
    vcpu.regs.rcx = 2;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_OKAY);
    assert_int_equal(nr_mmio, 2);
    assert_int_equal(mmio_log[1].gpa, APIC_GPA + 0x104);
    assert_int_equal(ram[0xa010], 0x34);
    assert_int_equal(ram[0xa017], 0xab);
    assert_int_equal(vcpu.regs.rcx, 0);

    /* A RAM store straddling two pages is split by page. */
    setup(X86EMUL_MODE_64);
    PUT_CODE(RAM_GPA, "\x48\x89\x03");          /* mov %rax,(%rbx) */
    vcpu.regs.rbx = 0x6ffc;
    vcpu.regs.rax = 0x1122334455667788ULL;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_OKAY);
    assert_int_equal(ram[0x5ffc], 0x88);
    assert_int_equal(ram[0x5fff], 0x55);
    assert_int_equal(ram[0xa000], 0x44);
    assert_int_equal(ram[0xa003], 0x11);

    /* outsb to an unclaimed port: dropped, not fatal; insb reads ~0. */
    setup(X86EMUL_MODE_64);
    PUT_CODE(RAM_GPA, "\x6e");
    ram[0x200] = 0x5a;
    vcpu.regs.rsi = RAM_GPA + 0x200;
    vcpu.regs.rdx = 0x80;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_OKAY);
    assert_int_equal(nr_port, 1);
    assert_int_equal(last_port, 0x80);
    assert_int_equal(last_port_val, 0x5a);
    PUT_CODE(RAM_GPA, "\x6c");
    vcpu.regs.rdi = RAM_GPA + 0x300;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_OKAY);
    assert_int_equal(ram[0x300], 0xff);
}

void test_hvm_emulate_failures(void **state)
{
    /* A data page fault: #PF with the walk's error code and CR2. */
    setup(X86EMUL_MODE_64);
    PUT_CODE(RAM_GPA, "\x89\x03");
    vcpu.regs.rbx = 0x9010;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_EXCEPTION);
    assert_true(injected);
    assert_int_equal(inj_vector, TRAP_page_fault);
    assert_int_equal(inj_ec, PFEC_write_access);
    assert_int_equal(cr2, 0x9010);
    assert_int_equal(vcpu.regs.rip, RAM_GPA);
    assert_int_equal(shadow_cleared, 0);

    /* Neither RAM nor a device. */
    setup(X86EMUL_MODE_64);
    PUT_CODE(RAM_GPA, "\x89\x03");
    vcpu.regs.rbx = 0xd0000000;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_UNHANDLEABLE);
    assert_log_contains("d7v1: emulate: access to neither RAM nor an "
                        "emulated device (0xd0000000) at rip 0x100000: "
                        "89 03");

    /* Not emulated: logged with the bytes. */
    setup(X86EMUL_MODE_64);
    PUT_CODE(RAM_GPA + 0x40, "\x0f\x11\x03");
    vcpu.regs.rbx = APIC_GPA;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_UNHANDLEABLE);
    assert_log_contains("d7v1: emulate: unsupported instruction at rip "
                        "0x100040: 0f 11 03");
    assert_int_equal(nr_mmio, 0);

    /* 32-bit guest: DS base applies, linear addresses wrap at 4 GiB. */
    setup(X86EMUL_MODE_32);
    seg_base[x86_seg_ds] = 0x100;
    PUT_CODE(RAM_GPA, "\x89\x03");
    vcpu.regs.rbx = APIC_GPA - 0x100 + 0x80;
    assert_int_equal(hvm_emulate_one(&vcpu), X86EMUL_OKAY);
    assert_int_equal(mmio_log[0].gpa, APIC_GPA + 0x80);
}
