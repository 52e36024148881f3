/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/arch/x86/x86_emulate.c: instruction lengths against binutils, and
 * every emulated instruction against a fake guest (code, RAM and an MMIO
 * page that logs each access), with flags compared to the host CPU.
 */
#include <stdio.h>
#include <string.h>
#include "harness.h"
#include "hvm_emulate_tests.h"

#include <asm/x86_emulate.h>

#define NELEM(a)   ((unsigned int)(sizeof(a) / sizeof((a)[0])))

#define CODE_BASE  0x100000UL
#define RAM_BASE   0x200000UL
#define RAM_SIZE   0x2000UL
#define MMIO_BASE  0xfee00000UL
#define MMIO_SIZE  0x1000UL

#define CF 0x001UL
#define PF 0x004UL
#define AF 0x010UL
#define ZF 0x040UL
#define SF 0x080UL
#define DF 0x400UL
#define OF 0x800UL
#define ARITH (CF | PF | AF | ZF | SF | OF)

struct access {
    char kind;                  /* 'r', 'w' memory; 'i', 'o' port */
    unsigned long addr;
    unsigned int bytes;
    u64 val;
};

static struct {
    u8 code[X86_MAX_INSN_LEN + 8];
    unsigned int code_len;
    unsigned long code_base;    /* linear address of code[0] */
    u8 ram[RAM_SIZE];
    u8 mmio[MMIO_SIZE];
    struct access log[64];
    unsigned int nlog;
    unsigned int fetches;
    unsigned long fault_addr;   /* data access here: #PF */
    bool fault_writes_only;
    u64 io_in;                  /* value port reads return */
} env;

static struct cpu_user_regs regs;
static struct x86_emulate_ctxt ctxt;

static void log_access(char kind, unsigned long addr, unsigned int bytes,
                       u64 val)
{
    if ( env.nlog < NELEM(env.log) )
        env.log[env.nlog] = (struct access){ kind, addr, bytes, val };
    env.nlog++;
}

static u64 load_le(const u8 *p, unsigned int bytes)
{
    u64 v = 0;

    for ( unsigned int i = 0; i < bytes; i++ )
        v |= (u64)p[i] << (8 * i);
    return v;
}

static u8 *backing(unsigned long addr, unsigned int bytes)
{
    /* Written so that addresses near 2^64 cannot wrap into a region. */
    if ( addr - RAM_BASE < RAM_SIZE && bytes <= RAM_BASE + RAM_SIZE - addr )
        return &env.ram[addr - RAM_BASE];
    if ( addr - MMIO_BASE < MMIO_SIZE &&
         bytes <= MMIO_BASE + MMIO_SIZE - addr )
        return &env.mmio[addr - MMIO_BASE];
    return NULL;
}

static int t_read(unsigned long addr, void *buf, unsigned int bytes,
                  struct x86_emulate_ctxt *c)
{
    u8 *p = backing(addr, bytes);

    assert_true(bytes >= 1 && bytes <= 8);
    if ( !p || (addr == env.fault_addr && !env.fault_writes_only) )
        return x86_emul_pagefault(c, 0, addr);
    memcpy(buf, p, bytes);
    log_access('r', addr, bytes, load_le(p, bytes));
    return X86EMUL_OKAY;
}

static int t_write(unsigned long addr, const void *buf, unsigned int bytes,
                   struct x86_emulate_ctxt *c)
{
    u8 *p = backing(addr, bytes);

    assert_true(bytes >= 1 && bytes <= 8);
    if ( !p || addr == env.fault_addr )
        return x86_emul_pagefault(c, PFEC_write_access, addr);
    memcpy(p, buf, bytes);
    log_access('w', addr, bytes, load_le(p, bytes));
    return X86EMUL_OKAY;
}

/* Code exists from code_base for code_len bytes; beyond it, #PF. */
static int t_fetch(unsigned long addr, void *buf, unsigned int bytes,
                   struct x86_emulate_ctxt *c)
{
    unsigned long end = env.code_base + env.code_len;

    env.fetches++;
    if ( addr < env.code_base || addr + bytes > end )
        return x86_emul_pagefault(c, PFEC_insn_fetch,
                                  addr < end ? end : addr);
    memcpy(buf, &env.code[addr - env.code_base], bytes);
    return X86EMUL_OKAY;
}

static int t_read_io(unsigned int port, unsigned int bytes,
                     unsigned long *val, struct x86_emulate_ctxt *c)
{
    *val = env.io_in & (bytes == 4 ? 0xffffffffUL : (1UL << (8 * bytes)) - 1);
    log_access('i', port, bytes, *val);
    return X86EMUL_OKAY;
}

static int t_write_io(unsigned int port, unsigned int bytes,
                      unsigned long val, struct x86_emulate_ctxt *c)
{
    log_access('o', port, bytes, val);
    return X86EMUL_OKAY;
}

static const struct x86_emulate_ops ops = {
    .read = t_read,
    .write = t_write,
    .fetch = t_fetch,
    .read_io = t_read_io,
    .write_io = t_write_io,
};

static void reset(unsigned int mode)
{
    memset(&env, 0, sizeof(env));
    env.fault_addr = ~0UL;
    memset(&regs, 0, sizeof(regs));
    memset(&ctxt, 0, sizeof(ctxt));
    regs.rip = CODE_BASE;
    regs.rflags = 0x2;
    ctxt.regs = &regs;
    ctxt.mode = mode;
    if ( mode == X86EMUL_MODE_16 )
    {
        /* Real-mode style: the code segment holds the address. */
        ctxt.seg_base[x86_seg_cs] = CODE_BASE;
        regs.rip = 0;
    }
}

/* Place an instruction at CS:rip. */
static void set_code(const char *bytes, unsigned int n)
{
    assert_true(n <= sizeof(env.code));
    memcpy(env.code, bytes, n);
    env.code_len = n;
    env.code_base = ctxt.mode == X86EMUL_MODE_64
                    ? regs.rip : (u32)(ctxt.seg_base[x86_seg_cs] + regs.rip);
}

/* Emulate one instruction given as a string literal. */
#define EMUL(s) emul(s, sizeof(s) - 1)
static int emul(const char *bytes, unsigned int n)
{
    set_code(bytes, n);
    env.nlog = 0;
    return x86_emulate(&ctxt, &ops);
}

#define LEN(s) len_of(s, sizeof(s) - 1)
static int len_of(const char *bytes, unsigned int n)
{
    unsigned int len = 0;
    int rc;

    set_code(bytes, n);
    rc = x86_insn_length(&ctxt, &ops, &len);
    return rc == X86EMUL_OKAY ? (int)len : -rc;
}

static void assert_access(unsigned int i, char kind, unsigned long addr,
                          unsigned int bytes, u64 val)
{
    assert_true(i < env.nlog);
    if ( env.log[i].kind != kind || env.log[i].addr != addr ||
         env.log[i].bytes != bytes || env.log[i].val != val )
        fail_msg("access %u: got %c %#lx/%u = %#lx, want %c %#lx/%u = %#lx",
                 i, env.log[i].kind, env.log[i].addr, env.log[i].bytes,
                 (unsigned long)env.log[i].val, kind, addr, bytes,
                 (unsigned long)val);
}

static void put_mmio(unsigned long off, u64 val, unsigned int bytes)
{
    for ( unsigned int i = 0; i < bytes; i++ )
        env.mmio[off + i] = val >> (8 * i);
}

static u64 get_mmio(unsigned long off, unsigned int bytes)
{
    return load_le(&env.mmio[off], bytes);
}

/* ---- Lengths ---------------------------------------------------------- */

struct len_case {
    unsigned int mode;          /* 16, 32, 64 */
    unsigned int len;
    const char *bytes;
    const char *text;
};

static const struct len_case len_cases[] = {
#include "lengths.inc"
};

static unsigned int mode_of(unsigned int bits)
{
    return bits == 64 ? X86EMUL_MODE_64 : bits == 32 ? X86EMUL_MODE_32
                                                     : X86EMUL_MODE_16;
}

static void test_lengths_vs_objdump(void **state)
{
    unsigned int bad = 0, per_mode[3] = { 0 };

    for ( unsigned int i = 0; i < NELEM(len_cases); i++ )
    {
        const struct len_case *c = &len_cases[i];
        int got;

        reset(mode_of(c->mode));
        got = len_of(c->bytes, c->len);
        per_mode[c->mode / 32] += 1;
        if ( got != (int)c->len )
        {
            char hex[64] = "";

            for ( unsigned int j = 0; j < c->len; j++ )
                snprintf(hex + 3 * j, sizeof(hex) - 3 * j, "%02x ",
                         (u8)c->bytes[j]);
            print_error("mode %u: %s(%s): length %d, objdump says %u\n",
                        c->mode, hex, c->text, got, c->len);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
    /* Several hundred per mode, so a broken generator cannot pass. */
    assert_true(per_mode[0] > 300 && per_mode[1] > 300 && per_mode[2] > 300);
}

static void test_length_limits(void **state)
{
    /* 14 prefixes + opcode: 15 bytes is legal ... */
    reset(X86EMUL_MODE_32);
    assert_int_equal(LEN("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66"
                         "\x66\x66\x90"), 15);
    /* ... one more byte is #GP(0) (SDM vol. 2 2.3.11). */
    reset(X86EMUL_MODE_64);
    assert_int_equal(LEN("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66"
                         "\x66\x66\x66\x90"), -X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_gp_fault);
    assert_true(ctxt.event.has_error_code);
    assert_int_equal(ctxt.event.error_code, 0);
    /* Prefixes + a long instruction crossing 15 bytes: also #GP. */
    reset(X86EMUL_MODE_64);
    assert_int_equal(LEN("\x26\x2e\x36\x3e\x64\x65\x48\xc7\x84\x24"
                         "\x00\x01\x00\x00\x78\x56\x34\x12"),
                     -X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_gp_fault);

    /* Only the last REX counts; a REX before a prefix is dropped. */
    reset(X86EMUL_MODE_64);
    assert_int_equal(LEN("\x48\x40\x8b\x00"), 4);
    assert_int_equal(LEN("\x48\x66\xb8\x34\x12"), 5);   /* mov ax, imm16 */
    assert_int_equal(LEN("\x66\x48\xb8\x01\x02\x03\x04\x05\x06\x07\x08"), 11);
    /* REX.W beats 66 for mov r, imm; C7 keeps a 32-bit immediate. */
    assert_int_equal(LEN("\x66\x48\xc7\xc0\x01\x02\x03\x04"), 8);
    /* 64-bit mode ignores 67 for the immediate, not for the moffs. */
    assert_int_equal(LEN("\x67\xa0\x01\x02\x03\x04"), 6);
    assert_int_equal(LEN("\xa0\x01\x02\x03\x04\x05\x06\x07\x08"), 9);
}

static void test_length_invalid(void **state)
{
    static const char *const ud64[] = {
        "\x06", "\x07", "\x0e", "\x16", "\x17", "\x1e", "\x1f", "\x27",
        "\x2f", "\x37", "\x3f", "\x60", "\x61", "\xce", "\xd4\x0a",
        "\xd5\x0a", "\xd6", "\x9a\x00\x00\x00\x00\x00\x00",
        "\xea\x00\x00\x00\x00\x00\x00", "\x82\xc0\x01",
    };

    for ( unsigned int i = 0; i < NELEM(ud64); i++ )
    {
        reset(X86EMUL_MODE_64);
        set_code(ud64[i], strlen(ud64[i]) + 1);
        assert_int_equal(x86_insn_length(&ctxt, &ops, &(unsigned int){0}),
                         X86EMUL_EXCEPTION);
        assert_int_equal(ctxt.event.vector, TRAP_invalid_op);
        assert_false(ctxt.event.has_error_code);
    }
    /* Holes in the 0F map. */
    reset(X86EMUL_MODE_64);
    assert_int_equal(LEN("\x0f\x04"), -X86EMUL_EXCEPTION);
    assert_int_equal(LEN("\x0f\x0a"), -X86EMUL_EXCEPTION);
    assert_int_equal(LEN("\x0f\x24\xc0"), -X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_invalid_op);
    /* VEX after 66/REX/F3 is #UD (SDM vol. 2 2.3.2). */
    assert_int_equal(LEN("\x66\xc5\xf9\x6f\xc1"), -X86EMUL_EXCEPTION);
    assert_int_equal(LEN("\x48\xc5\xf9\x6f\xc1"), -X86EMUL_EXCEPTION);
    assert_int_equal(LEN("\xf3\xc4\xe1\x79\x6f\xc1"), -X86EMUL_EXCEPTION);
    /* Outside 64-bit mode, the same bytes with mod != 3 are LES/LDS. */
    reset(X86EMUL_MODE_32);
    assert_int_equal(LEN("\xc5\x05\x00\x00\x00\x00"), 6);
    assert_int_equal(LEN("\x06"), 1);
    assert_int_equal(LEN("\x82\xc0\x01"), 3);
}

static void test_length_fetch_faults(void **state)
{
    unsigned int len = 0;

    /* Truncated: the displacement lies past the end of the code. */
    reset(X86EMUL_MODE_64);
    set_code("\x8b\x80\x00\x01", 4);
    assert_int_equal(x86_insn_length(&ctxt, &ops, &len), X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_page_fault);
    assert_int_equal(ctxt.event.error_code, PFEC_insn_fetch);
    assert_int_equal(ctxt.event.cr2, CODE_BASE + 4);
    assert_int_equal(len, 0);

    /* A short instruction at the very end is fine: nothing more read. */
    reset(X86EMUL_MODE_64);
    set_code("\xf4", 1);
    assert_int_equal(x86_insn_length(&ctxt, &ops, &len), X86EMUL_OKAY);
    assert_int_equal(len, 1);
    set_code("\x0f\xa2", 2);
    assert_int_equal(x86_insn_length(&ctxt, &ops, &len), X86EMUL_OKAY);
    assert_int_equal(len, 2);
    set_code("\x0f\x01\xd9", 3);
    assert_int_equal(x86_insn_length(&ctxt, &ops, &len), X86EMUL_OKAY);
    assert_int_equal(len, 3);

    /* The emulator propagates the fault and leaves rip alone. */
    reset(X86EMUL_MODE_64);
    assert_int_equal(EMUL("\x89\x05\x00\x00"), X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_page_fault);
    assert_int_equal(regs.rip, CODE_BASE);
    assert_int_equal(env.nlog, 0);

    /* 16-bit mode: code at CS.base + IP. */
    reset(X86EMUL_MODE_16);
    ctxt.seg_base[x86_seg_cs] = CODE_BASE - 0x100;
    regs.rip = 0x100;
    set_code("\xb8\x34\x12", 3);
    assert_int_equal(x86_insn_length(&ctxt, &ops, &len), X86EMUL_OKAY);
    assert_int_equal(len, 3);
}

/* ---- Moves ------------------------------------------------------------ */

static void test_mov_load_sizes(void **state)
{
    reset(X86EMUL_MODE_64);
    put_mmio(0x30, 0x8899aabbccddeeffULL, 8);
    regs.rax = MMIO_BASE + 0x30;

    /* 32-bit loads zero-extend. */
    regs.rdx = ~0ULL;
    assert_int_equal(EMUL("\x8b\x10"), X86EMUL_OKAY);    /* mov (%rax),%edx */
    assert_int_equal(regs.rdx, 0xccddeeffULL);
    assert_int_equal(regs.rip, CODE_BASE + 2);
    assert_int_equal(env.nlog, 1);
    assert_access(0, 'r', MMIO_BASE + 0x30, 4, 0xccddeeff);

    /* 16- and 8-bit loads merge. */
    regs.rdx = 0x1111111111111111ULL;
    assert_int_equal(EMUL("\x66\x8b\x10"), X86EMUL_OKAY);
    assert_int_equal(regs.rdx, 0x111111111111eeffULL);
    regs.rdx = 0x1111111111111111ULL;
    assert_int_equal(EMUL("\x8a\x10"), X86EMUL_OKAY);    /* mov (%rax),%dl */
    assert_int_equal(regs.rdx, 0x11111111111111ffULL);
    /* 64-bit. */
    assert_int_equal(EMUL("\x48\x8b\x10"), X86EMUL_OKAY);
    assert_int_equal(regs.rdx, 0x8899aabbccddeeffULL);
    /* r8-r15 through REX.R/REX.B. */
    regs.r9 = MMIO_BASE + 0x30;
    assert_int_equal(EMUL("\x4d\x8b\x39"), X86EMUL_OKAY); /* (%r9),%r15 */
    assert_int_equal(regs.r15, 0x8899aabbccddeeffULL);
    assert_int_equal(regs.rip, CODE_BASE + 2 + 3 + 2 + 3 + 3);
}

static void test_mov_high_bytes(void **state)
{
    reset(X86EMUL_MODE_64);
    regs.rax = MMIO_BASE;
    regs.rbx = 0x1234;
    /* Without REX, reg 7 is BH; with any REX it is DIL. */
    assert_int_equal(EMUL("\x88\x38"), X86EMUL_OKAY);    /* mov %bh,(%rax) */
    assert_access(0, 'w', MMIO_BASE, 1, 0x12);
    regs.rdi = 0x77;
    assert_int_equal(EMUL("\x40\x88\x38"), X86EMUL_OKAY); /* mov %dil */
    assert_access(0, 'w', MMIO_BASE, 1, 0x77);

    put_mmio(0x10, 0xab, 1);
    regs.rax = MMIO_BASE + 0x10;
    regs.rcx = 0xffff;
    assert_int_equal(EMUL("\x8a\x28"), X86EMUL_OKAY);    /* mov (%rax),%ch */
    assert_int_equal(regs.rcx, 0xabff);
    regs.rsp = 0x1000;
    assert_int_equal(EMUL("\x40\x8a\x20"), X86EMUL_OKAY); /* -> %spl */
    assert_int_equal(regs.rsp, 0x10ab);
    /* movzx from AH, a register source. */
    regs.rax = 0x9988;
    assert_int_equal(EMUL("\x0f\xb6\xcc"), X86EMUL_OKAY); /* movzbl %ah,%ecx */
    assert_int_equal(regs.rcx, 0x99);
}

static void test_mov_store(void **state)
{
    reset(X86EMUL_MODE_64);
    regs.rbx = MMIO_BASE + 0x300;
    regs.rcx = 0x1122334455667788ULL;

    /* A store never reads the MMIO register first. */
    /* mov %ecx,0x20(%rbx) */
    assert_int_equal(EMUL("\x89\x4b\x20"), X86EMUL_OKAY);
    assert_int_equal(env.nlog, 1);
    assert_access(0, 'w', MMIO_BASE + 0x320, 4, 0x55667788);
    assert_int_equal(EMUL("\x48\x89\x8b\x00\xfd\xff\xff"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x000, 8, 0x1122334455667788ULL);
    assert_int_equal(EMUL("\x66\x89\x0b"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x300, 2, 0x7788);

    /* Immediates: C6 byte, C7 imm32 sign-extended under REX.W. */
    assert_int_equal(EMUL("\xc6\x03\x80"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x300, 1, 0x80);
    assert_int_equal(EMUL("\x48\xc7\x03\x00\x00\x00\x80"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x300, 8, 0xffffffff80000000ULL);
    assert_int_equal(EMUL("\x66\xc7\x03\x34\x12"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x300, 2, 0x1234);
    assert_int_equal(EMUL("\xc7\x43\x10\x78\x56\x34\x12"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x310, 4, 0x12345678);
    assert_int_equal(regs.rip, CODE_BASE + 3 + 7 + 3 + 3 + 7 + 5 + 7);

    /* movnti. */
    assert_int_equal(EMUL("\x48\x0f\xc3\x0b"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x300, 8, 0x1122334455667788ULL);
    assert_int_equal(EMUL("\x0f\xc3\xcb"), X86EMUL_EXCEPTION);  /* reg form */
    assert_int_equal(ctxt.event.vector, TRAP_invalid_op);
}

static void test_mov_addressing(void **state)
{
    /* SIB with scaled index, disp8, and rBP/rSP bases (SS: flat). */
    reset(X86EMUL_MODE_64);
    regs.rsi = MMIO_BASE;
    regs.rdi = 0x40;
    regs.rax = 0xdeadbeef;
    assert_int_equal(EMUL("\x89\x44\xbe\x08"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x108, 4, 0xdeadbeef);
    reset(X86EMUL_MODE_64);
    ctxt.seg_base[x86_seg_fs] = MMIO_BASE - 0x10;
    /* movl $0x5a,%fs:0x20: FS base applies in 64-bit mode, DS does not. */
    ctxt.seg_base[x86_seg_ds] = 0x1000;
    assert_int_equal(EMUL("\x64\xc7\x04\x25\x20\x00\x00\x00\x5a\x00\x00\x00"),
                     X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x10, 4, 0x5a);
    /* A DS override is ignored in 64-bit mode. */
    regs.rax = MMIO_BASE;
    assert_int_equal(EMUL("\x3e\x8b\x00"), X86EMUL_OKAY);
    assert_access(0, 'r', MMIO_BASE, 4, 0);
    /* 67: 32-bit address wraps. */
    regs.rax = 0x1ffffffffULL;
    regs.rcx = MMIO_BASE + 1 + 4;
    assert_int_equal(EMUL("\x67\x89\x44\x01\xfc"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE, 4, 0xffffffff);
}

static void test_mov_rip_relative(void **state)
{
    reset(X86EMUL_MODE_64);
    /*
     * movl $0x1234,disp(%rip): the displacement counts from the end of
     * the instruction, immediate included (10 bytes); it lands in RAM.
     */
    assert_int_equal(EMUL("\xc7\x05\xf6\x00\x10\x00\x34\x12\x00\x00"),
                     X86EMUL_OKAY);
    assert_access(0, 'w', CODE_BASE + 10 + 0x1000f6, 4, 0x1234);
    assert_int_equal(regs.rip, CODE_BASE + 10);
}

static void test_mov_moffs(void **state)
{
    reset(X86EMUL_MODE_64);
    put_mmio(0x20, 0x11223344, 4);
    /* mov 0xfee00020,%eax with a 64-bit moffs. */
    regs.rax = ~0ULL;
    assert_int_equal(EMUL("\xa1\x20\x00\xe0\xfe\x00\x00\x00\x00"),
                     X86EMUL_OKAY);
    assert_int_equal(regs.rax, 0x11223344);
    assert_int_equal(regs.rip, CODE_BASE + 9);
    regs.rax = 0x5566778899aabbccULL;
    assert_int_equal(EMUL("\x48\xa3\x28\x00\xe0\xfe\x00\x00\x00\x00"),
                     X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x28, 8, 0x5566778899aabbccULL);
    assert_int_equal(EMUL("\xa2\x30\x00\xe0\xfe\x00\x00\x00\x00"),
                     X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x30, 1, 0xcc);

    /* 32-bit mode: 4-byte moffs, DS base added. */
    reset(X86EMUL_MODE_32);
    ctxt.seg_base[x86_seg_ds] = 0x100;
    put_mmio(0x20, 0xabcd, 2);
    assert_int_equal(EMUL("\x66\xa1\x20\xff\xdf\xfe"), X86EMUL_OKAY);
    assert_int_equal(regs.rax, 0xabcd);
    assert_int_equal(regs.rip, CODE_BASE + 6);
}

static void test_movzx_movsx(void **state)
{
    reset(X86EMUL_MODE_64);
    put_mmio(0, 0x80f1, 2);
    regs.rbx = MMIO_BASE;
    regs.rax = ~0ULL;
    assert_int_equal(EMUL("\x0f\xb6\x03"), X86EMUL_OKAY);    /* movzbl */
    assert_int_equal(regs.rax, 0xf1);
    assert_int_equal(EMUL("\x0f\xb7\x03"), X86EMUL_OKAY);    /* movzwl */
    assert_int_equal(regs.rax, 0x80f1);
    assert_int_equal(EMUL("\x48\x0f\xbe\x03"), X86EMUL_OKAY); /* movsbq */
    assert_int_equal(regs.rax, 0xfffffffffffffff1ULL);
    assert_int_equal(EMUL("\x0f\xbf\x03"), X86EMUL_OKAY);    /* movswl */
    assert_int_equal(regs.rax, 0xffff80f1ULL);
    regs.rax = 0x1111111111111111ULL;
    assert_int_equal(EMUL("\x66\x0f\xbe\x03"), X86EMUL_OKAY); /* movsbw */
    assert_int_equal(regs.rax, 0x111111111111fff1ULL);
    assert_int_equal(env.nlog, 1);
    assert_access(0, 'r', MMIO_BASE, 1, 0xf1);

    /* movsxd: sign-extends with REX.W, plain 32-bit move without. */
    put_mmio(8, 0x87654321, 4);
    assert_int_equal(EMUL("\x48\x63\x43\x08"), X86EMUL_OKAY);
    assert_int_equal(regs.rax, 0xffffffff87654321ULL);
    regs.rax = ~0ULL;
    assert_int_equal(EMUL("\x63\x43\x08"), X86EMUL_OKAY);
    assert_int_equal(regs.rax, 0x87654321ULL);
}

/* ---- String instructions --------------------------------------------- */

static void test_string_rep_movs(void **state)
{
    reset(X86EMUL_MODE_64);
    for ( unsigned int i = 0; i < 16; i++ )
        env.mmio[0x100 + i] = i + 1;
    regs.rsi = MMIO_BASE + 0x100;
    regs.rdi = RAM_BASE;
    regs.rcx = 4;
    assert_int_equal(EMUL("\xf3\xa5"), X86EMUL_OKAY);    /* rep movsl */
    assert_int_equal(regs.rcx, 0);
    assert_int_equal(regs.rsi, MMIO_BASE + 0x110);
    assert_int_equal(regs.rdi, RAM_BASE + 16);
    assert_int_equal(regs.rip, CODE_BASE + 2);
    assert_memory_equal(env.ram, &env.mmio[0x100], 16);
    assert_int_equal(env.nlog, 8);
    assert_access(0, 'r', MMIO_BASE + 0x100, 4, 0x04030201);
    assert_access(7, 'w', RAM_BASE + 12, 4, 0x100f0e0d);

    /* DF=1 walks down. */
    reset(X86EMUL_MODE_64);
    regs.rflags |= DF;
    memset(env.ram, 0xaa, 8);
    regs.rsi = RAM_BASE + 6;
    regs.rdi = MMIO_BASE + 0x206;
    regs.rcx = 4;
    assert_int_equal(EMUL("\xf3\x66\xa5"), X86EMUL_OKAY);    /* movsw */
    assert_int_equal(regs.rsi, RAM_BASE - 2);
    assert_int_equal(regs.rdi, MMIO_BASE + 0x1fe);
    assert_access(1, 'w', MMIO_BASE + 0x206, 2, 0xaaaa);
    assert_access(7, 'w', MMIO_BASE + 0x200, 2, 0xaaaa);

    /* rcx = 0: no access, rip moves on. */
    reset(X86EMUL_MODE_64);
    regs.rcx = 0;
    regs.rsi = MMIO_BASE;
    regs.rdi = RAM_BASE;
    assert_int_equal(EMUL("\xf3\x48\xa5"), X86EMUL_OKAY);
    assert_int_equal(env.nlog, 0);
    assert_int_equal(regs.rip, CODE_BASE + 3);
    assert_int_equal(regs.rsi, MMIO_BASE);
    /* 32-bit address size counts ecx only. */
    regs.rcx = 0x100000000ULL;
    assert_int_equal(EMUL("\x67\xf3\xa4"), X86EMUL_OKAY);
    assert_int_equal(env.nlog, 0);
    assert_int_equal(regs.rcx, 0x100000000ULL);
}

static void test_string_stos_lods(void **state)
{
    reset(X86EMUL_MODE_64);
    regs.rax = 0x0102030405060708ULL;
    regs.rdi = MMIO_BASE + 0x40;
    regs.rcx = 3;
    assert_int_equal(EMUL("\xf3\x48\xab"), X86EMUL_OKAY);    /* rep stosq */
    assert_int_equal(env.nlog, 3);
    assert_access(2, 'w', MMIO_BASE + 0x50, 8, 0x0102030405060708ULL);
    assert_int_equal(regs.rdi, MMIO_BASE + 0x58);

    /* A single stosb: no rep, rcx untouched. */
    regs.rcx = 77;
    assert_int_equal(EMUL("\xaa"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x58, 1, 0x08);
    assert_int_equal(regs.rcx, 77);

    /* lodsl zero-extends rax; lodsb merges. */
    put_mmio(0x80, 0xcafef00d, 4);
    regs.rsi = MMIO_BASE + 0x80;
    regs.rax = ~0ULL;
    assert_int_equal(EMUL("\xad"), X86EMUL_OKAY);
    assert_int_equal(regs.rax, 0xcafef00d);
    assert_int_equal(regs.rsi, MMIO_BASE + 0x84);
    regs.rsi = MMIO_BASE + 0x80;
    assert_int_equal(EMUL("\xac"), X86EMUL_OKAY);
    assert_int_equal(regs.rax, 0xcafef00d);

    /* A rep cut short by max_reps leaves rip on the instruction. */
    reset(X86EMUL_MODE_64);
    ctxt.max_reps = 2;
    regs.rdi = RAM_BASE;
    regs.rcx = 5;
    assert_int_equal(EMUL("\xf3\xaa"), X86EMUL_OKAY);
    assert_int_equal(regs.rcx, 3);
    assert_int_equal(regs.rip, CODE_BASE);
    assert_int_equal(EMUL("\xf3\xaa"), X86EMUL_OKAY);
    assert_int_equal(EMUL("\xf3\xaa"), X86EMUL_OKAY);
    assert_int_equal(regs.rcx, 0);
    assert_int_equal(regs.rdi, RAM_BASE + 5);
    assert_int_equal(regs.rip, CODE_BASE + 2);

    /* A fault mid-way keeps the completed iterations, rip stays. */
    reset(X86EMUL_MODE_64);
    env.fault_addr = RAM_BASE + 8;
    regs.rdi = RAM_BASE;
    regs.rcx = 4;
    assert_int_equal(EMUL("\xf3\xab"), X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_page_fault);
    assert_int_equal(ctxt.event.cr2, RAM_BASE + 8);
    assert_true(ctxt.event.error_code & PFEC_write_access);
    assert_int_equal(regs.rcx, 2);
    assert_int_equal(regs.rdi, RAM_BASE + 8);
    assert_int_equal(regs.rip, CODE_BASE);
}

static void test_string_16bit(void **state)
{
    /* 16-bit: SI/DI/CX wrap at 64K and keep their upper halves. */
    reset(X86EMUL_MODE_16);
    ctxt.seg_base[x86_seg_cs] = CODE_BASE;
    ctxt.seg_base[x86_seg_ds] = MMIO_BASE + 0x10 - 0xffff;
    ctxt.seg_base[x86_seg_es] = RAM_BASE;
    regs.rip = 0;
    env.mmio[0x10] = 0x5a;
    regs.rsi = 0x1234ffff;
    regs.rdi = 0x10;
    regs.rcx = 0xabcd0001;
    assert_int_equal(EMUL("\xf3\xa4"), X86EMUL_OKAY);
    assert_int_equal(env.ram[0x10], 0x5a);
    assert_int_equal(regs.rsi, 0x12340000);
    assert_int_equal(regs.rdi, 0x11);
    assert_int_equal(regs.rcx, 0xabcd0000);
    assert_int_equal(regs.rip, 2);
}

static void test_ins_outs(void **state)
{
    reset(X86EMUL_MODE_64);
    env.io_in = 0x12345678;
    regs.rdx = 0x1f0;
    regs.rdi = RAM_BASE;
    regs.rcx = 2;
    assert_int_equal(EMUL("\xf3\x66\x6d"), X86EMUL_OKAY);   /* rep insw */
    assert_int_equal(env.nlog, 4);
    assert_access(0, 'i', 0x1f0, 2, 0x5678);
    assert_access(3, 'w', RAM_BASE + 2, 2, 0x5678);
    assert_int_equal(regs.rdi, RAM_BASE + 4);

    regs.rsi = RAM_BASE;
    assert_int_equal(EMUL("\x6e"), X86EMUL_OKAY);           /* outsb */
    assert_access(1, 'o', 0x1f0, 1, 0x78);
    assert_int_equal(regs.rsi, RAM_BASE + 1);
    /* REX.W does not widen ins/outs. */
    assert_int_equal(EMUL("\x48\x6f"), X86EMUL_OKAY);
    assert_access(1, 'o', 0x1f0, 4, 0x00567856);

    /* in/out. */
    regs.rax = ~0ULL;
    assert_int_equal(EMUL("\xe5\x71"), X86EMUL_OKAY);       /* in $0x71,%eax */
    assert_access(0, 'i', 0x71, 4, 0x12345678);
    assert_int_equal(regs.rax, 0x12345678);
    assert_int_equal(EMUL("\xee"), X86EMUL_OKAY);           /* out %al,(%dx) */
    assert_access(0, 'o', 0x1f0, 1, 0x78);
    assert_int_equal(regs.rip, CODE_BASE + 3 + 1 + 2 + 2 + 1);
}

/* ---- Arithmetic against the host CPU ---------------------------------- */

/*
 * Run "insn src, dst" on the host with the given input flags.  The asm
 * steps over the 128-byte red zone before pushing the flags.
 */
#define HOST_BIN(insn, sfx, type, cons)                                    \
    do {                                                                   \
        type a_ = *dst, b_ = src;                                          \
        asm volatile ( "lea -128(%%rsp),%%rsp\n\t"                         \
                       "push %[f]\n\t" "popf\n\t"                          \
                       insn sfx " %[b],%[a]\n\t"                           \
                       "pushf\n\t" "pop %[f]\n\t"                          \
                       "lea 128(%%rsp),%%rsp"                              \
                       : [a] "+" cons (a_), [f] "+r" (*fl)                 \
                       : [b] cons (b_) : "cc", "memory" );                 \
        *dst = a_;                                                         \
    } while ( 0 )

#define HOST_UN(insn, sfx, type, cons)                                     \
    do {                                                                   \
        type a_ = *dst;                                                    \
        asm volatile ( "lea -128(%%rsp),%%rsp\n\t"                         \
                       "push %[f]\n\t" "popf\n\t"                          \
                       insn sfx " %[a]\n\t"                                \
                       "pushf\n\t" "pop %[f]\n\t"                          \
                       "lea 128(%%rsp),%%rsp"                              \
                       : [a] "+" cons (a_), [f] "+r" (*fl)                 \
                       : : "cc", "memory" );                               \
        *dst = a_;                                                         \
    } while ( 0 )

#define BY_SIZE(M, insn)                                                   \
    switch ( bytes )                                                       \
    {                                                                      \
    case 1: M(insn, "b", u8, "q"); break;                                  \
    case 2: M(insn, "w", u16, "r"); break;                                 \
    case 4: M(insn, "l", u32, "r"); break;                                 \
    default: M(insn, "q", u64, "r"); break;                                \
    }

static void host_alu(unsigned int op, unsigned int bytes, u64 *dst, u64 src,
                     unsigned long *fl)
{
    switch ( op )
    {
    case 0: BY_SIZE(HOST_BIN, "add"); break;
    case 1: BY_SIZE(HOST_BIN, "or"); break;
    case 2: BY_SIZE(HOST_BIN, "adc"); break;
    case 3: BY_SIZE(HOST_BIN, "sbb"); break;
    case 4: BY_SIZE(HOST_BIN, "and"); break;
    case 5: BY_SIZE(HOST_BIN, "sub"); break;
    case 6: BY_SIZE(HOST_BIN, "xor"); break;
    case 7: BY_SIZE(HOST_BIN, "cmp"); break;
    case 8: BY_SIZE(HOST_BIN, "test"); break;
    }
}

static void host_unary(unsigned int op, unsigned int bytes, u64 *dst,
                       unsigned long *fl)
{
    switch ( op )
    {
    case 0: BY_SIZE(HOST_UN, "inc"); break;
    case 1: BY_SIZE(HOST_UN, "dec"); break;
    case 2: BY_SIZE(HOST_UN, "not"); break;
    case 3: BY_SIZE(HOST_UN, "neg"); break;
    }
}

static const u64 values[] = {
    0, 1, 2, 0x0f, 0x10, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
    0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
    0x123456789abcdef0ULL, 0xfedcba9876543210ULL,
};

static u64 trunc_to(u64 v, unsigned int bytes)
{
    return bytes == 8 ? v : v & ((1ULL << (8 * bytes)) - 1);
}

/* Build "<prefix> opcode modrm" for a size: 66 / REX.W / byte opcode. */
static unsigned int encode(u8 *buf, unsigned int bytes, u8 opcode_byte,
                           u8 opcode_full, const u8 *tail, unsigned int n)
{
    unsigned int l = 0;

    if ( bytes == 2 )
        buf[l++] = 0x66;
    if ( bytes == 8 )
        buf[l++] = 0x48;
    buf[l++] = bytes == 1 ? opcode_byte : opcode_full;
    memcpy(buf + l, tail, n);
    return l + n;
}

static void check_flags(const char *what, unsigned int bytes, u64 a, u64 b,
                        unsigned long got, unsigned long want,
                        unsigned long mask)
{
    if ( (got & mask) != (want & mask) )
        fail_msg("%s/%u %#lx, %#lx: flags %#lx, host %#lx", what, bytes,
                 (unsigned long)a, (unsigned long)b, got & mask, want & mask);
}

static void test_alu_vs_host(void **state)
{
    static const char *const names[] = {
        "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp",
    };
    static const unsigned int sizes[] = { 1, 2, 4, 8 };
    unsigned int runs = 0;

    for ( unsigned int op = 0; op < 8; op++ )
    for ( unsigned int s = 0; s < 4; s++ )
    for ( unsigned int i = 0; i < NELEM(values); i++ )
    for ( unsigned int j = 0; j < NELEM(values); j++ )
    for ( unsigned int cf = 0; cf < 2; cf++ )
    {
        unsigned int bytes = sizes[s];
        u64 m = trunc_to(values[i], bytes), r = trunc_to(values[j], bytes);
        u64 want = m;
        unsigned long fl = 0x2 | cf | (cf ? 0 : ZF | SF), hostfl = fl;
        /* Logic ops leave AF undefined. */
        unsigned long mask = (op == 1 || op == 4 || op == 6) ? ARITH & ~AF
                                                             : ARITH;
        u8 insn[8];
        unsigned int n;

        host_alu(op, bytes, &want, r, &hostfl);

        /* op %ecx,(%rax): memory destination. */
        reset(X86EMUL_MODE_64);
        regs.rflags = fl;
        regs.rax = MMIO_BASE + 0x100;
        regs.rcx = values[j];
        put_mmio(0x100, m, 8);
        n = encode(insn, bytes, op << 3, (op << 3) | 1,
                   (const u8 *)"\x08", 1);
        assert_int_equal(emul((const char *)insn, n), X86EMUL_OKAY);
        if ( get_mmio(0x100, bytes) != trunc_to(want, bytes) )
            fail_msg("%s/%u %#lx, %#lx: %#lx, host %#lx", names[op], bytes,
                     (unsigned long)m, (unsigned long)r,
                     (unsigned long)get_mmio(0x100, bytes),
                     (unsigned long)want);
        check_flags(names[op], bytes, m, r, regs.rflags, hostfl, mask);
        /* cmp only reads. */
        assert_int_equal(env.nlog, op == 7 ? 1 : 2);
        assert_int_equal(regs.rip, CODE_BASE + n);

        /* op (%rax),%ecx: register destination, upper bits per size. */
        reset(X86EMUL_MODE_64);
        regs.rflags = fl;
        regs.rax = MMIO_BASE + 0x100;
        regs.rcx = (0xa5a5a5a5a5a5a5a5ULL & ~trunc_to(~0ULL, bytes)) | m;
        put_mmio(0x100, r, 8);
        {
            u64 upper = regs.rcx & ~trunc_to(~0ULL, bytes);

            n = encode(insn, bytes, (op << 3) | 2, (op << 3) | 3,
                       (const u8 *)"\x08", 1);
            assert_int_equal(emul((const char *)insn, n), X86EMUL_OKAY);
            /* cmp writes nothing, so no zero-extension either. */
            if ( op == 7 )
                want = m;
            else if ( bytes == 4 )
                upper = 0;
            if ( regs.rcx != (upper | trunc_to(want, bytes)) )
                fail_msg("%s reg/%u: %#lx, want %#lx", names[op], bytes,
                         (unsigned long)regs.rcx,
                         (unsigned long)(upper | trunc_to(want, bytes)));
            check_flags(names[op], bytes, m, r, regs.rflags, hostfl, mask);
        }
        runs++;
    }
    assert_true(runs > 20000);
}

static void test_alu_imm_forms(void **state)
{
    unsigned long fl;
    u64 want;

    /* 83: imm8 sign-extended to the operand size. */
    reset(X86EMUL_MODE_64);
    regs.rax = MMIO_BASE;
    put_mmio(0, 5, 8);
    assert_int_equal(EMUL("\x48\x83\x00\xff"), X86EMUL_OKAY); /* addq $-1 */
    assert_int_equal(get_mmio(0, 8), 4);
    assert_true(regs.rflags & CF);
    /* 81 with REX.W: imm32 sign-extended. */
    assert_int_equal(EMUL("\x48\x81\x28\x00\x00\x00\x80"), X86EMUL_OKAY);
    want = 4;
    fl = 0x2;
    host_alu(5, 8, &want, 0xffffffff80000000ULL, &fl);
    assert_int_equal(get_mmio(0, 8), want);
    check_flags("sub imm32", 8, 4, 0xffffffff80000000ULL, regs.rflags, fl,
                ARITH);
    /* 66 81: imm16. */
    put_mmio(0, 0xffff, 2);
    assert_int_equal(EMUL("\x66\x81\x00\x01\x00"), X86EMUL_OKAY);
    assert_int_equal(get_mmio(0, 2), 0);
    assert_true(regs.rflags & ZF);
    assert_true(regs.rflags & CF);
    /* 80 /7: cmp byte, no write. */
    put_mmio(0, 0x10, 1);
    assert_int_equal(EMUL("\x80\x38\x10"), X86EMUL_OKAY);
    assert_true(regs.rflags & ZF);
    assert_int_equal(env.nlog, 1);
    /* or $imm8 to al (04-3D accumulator forms). */
    regs.rax = 0x1100;
    assert_int_equal(EMUL("\x0c\x81"), X86EMUL_OKAY);
    assert_int_equal(regs.rax, 0x1181);
    assert_true(regs.rflags & SF);
    /* and $imm32,%rax sign-extended. */
    regs.rax = ~0ULL;
    assert_int_equal(EMUL("\x48\x25\x00\xff\xff\xff"), X86EMUL_OKAY);
    assert_int_equal(regs.rax, 0xffffffffffffff00ULL);
    assert_int_equal(regs.rip, CODE_BASE + 4 + 7 + 5 + 3 + 2 + 6);
}

static void test_test_vs_host(void **state)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8 };

    for ( unsigned int s = 0; s < 4; s++ )
    for ( unsigned int i = 0; i < NELEM(values); i++ )
    for ( unsigned int j = 0; j < NELEM(values); j++ )
    {
        unsigned int bytes = sizes[s], n;
        u64 m = trunc_to(values[i], bytes), r = trunc_to(values[j], bytes);
        u64 scratch = m;
        unsigned long hostfl = 0x2 | CF | OF;
        u8 insn[16];

        host_alu(8, bytes, &scratch, r, &hostfl);

        /* test %ecx,(%rax) */
        reset(X86EMUL_MODE_64);
        regs.rflags = 0x2 | CF | OF;
        regs.rax = MMIO_BASE;
        regs.rcx = r;
        put_mmio(0, m, 8);
        n = encode(insn, bytes, 0x84, 0x85, (const u8 *)"\x08", 1);
        assert_int_equal(emul((const char *)insn, n), X86EMUL_OKAY);
        check_flags("test", bytes, m, r, regs.rflags, hostfl, ARITH & ~AF);
        assert_int_equal(env.nlog, 1);

        /* test $imm,(%rax): F6/F7 /0 with imm8 / imm16 / imm32. */
        if ( bytes == 8 && (u64)(s64)(s32)r != r )
            continue;   /* not encodable as a sign-extended imm32 */
        reset(X86EMUL_MODE_64);
        regs.rflags = 0x2 | CF | OF;
        regs.rax = MMIO_BASE;
        put_mmio(0, m, 8);
        {
            u8 tail[5] = { 0x00, (u8)r, (u8)(r >> 8), (u8)(r >> 16),
                           (u8)(r >> 24) };

            n = encode(insn, bytes, 0xf6, 0xf7, tail,
                       1 + (bytes == 1 ? 1 : bytes == 2 ? 2 : 4));
        }
        assert_int_equal(emul((const char *)insn, n), X86EMUL_OKAY);
        check_flags("test imm", bytes, m, r, regs.rflags, hostfl,
                    ARITH & ~AF);
        assert_int_equal(regs.rip, CODE_BASE + n);
    }
}

static void test_unary_vs_host(void **state)
{
    static const char *const names[] = { "inc", "dec", "not", "neg" };
    static const unsigned int sizes[] = { 1, 2, 4, 8 };

    for ( unsigned int op = 0; op < 4; op++ )
    for ( unsigned int s = 0; s < 4; s++ )
    for ( unsigned int i = 0; i < NELEM(values); i++ )
    for ( unsigned int cf = 0; cf < 2; cf++ )
    {
        unsigned int bytes = sizes[s], n;
        u64 m = trunc_to(values[i], bytes), want = m;
        unsigned long fl = 0x2 | cf | (cf ? AF : PF), hostfl = fl;
        /* inc/dec: FE/FF /0 /1; not/neg: F6/F7 /2 /3. */
        u8 modrm = (op << 3) | 0x03, insn[8];   /* /op, (%rbx) */

        host_unary(op, bytes, &want, &hostfl);
        reset(X86EMUL_MODE_64);
        regs.rflags = fl;
        regs.rbx = MMIO_BASE + 0x10;
        put_mmio(0x10, m, 8);
        n = encode(insn, bytes, op < 2 ? 0xfe : 0xf6, op < 2 ? 0xff : 0xf7,
                   &modrm, 1);
        assert_int_equal(emul((const char *)insn, n), X86EMUL_OKAY);
        if ( get_mmio(0x10, bytes) != trunc_to(want, bytes) )
            fail_msg("%s/%u %#lx: %#lx, host %#lx", names[op], bytes,
                     (unsigned long)m, (unsigned long)get_mmio(0x10, bytes),
                     (unsigned long)want);
        check_flags(names[op], bytes, m, 0, regs.rflags, hostfl, ARITH);
        assert_int_equal(env.nlog, 2);
    }

    /* Lock is allowed on these with memory, not on a register. */
    reset(X86EMUL_MODE_64);
    regs.rbx = MMIO_BASE;
    assert_int_equal(EMUL("\xf0\xff\x03"), X86EMUL_OKAY);
    assert_int_equal(get_mmio(0, 4), 1);
    assert_int_equal(EMUL("\xf0\xff\xc3"), X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_invalid_op);
    assert_int_equal(EMUL("\xf0\x8b\x03"), X86EMUL_EXCEPTION);  /* mov */
    assert_int_equal(EMUL("\xf0\x38\x03"), X86EMUL_EXCEPTION);  /* cmp */
    assert_int_equal(EMUL("\xf0\x01\x03"), X86EMUL_OKAY);       /* add */
    /* FE /2 does not exist. */
    assert_int_equal(EMUL("\xfe\x13"), X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_invalid_op);
}

static void test_xchg(void **state)
{
    reset(X86EMUL_MODE_64);
    regs.rax = MMIO_BASE + 0x20;
    regs.rdx = 0xaaaabbbbccccddddULL;
    put_mmio(0x20, 0x11112222, 4);
    assert_int_equal(EMUL("\x87\x10"), X86EMUL_OKAY);    /* xchg %edx,(%rax) */
    assert_int_equal(regs.rdx, 0x11112222);
    assert_int_equal(env.nlog, 2);
    assert_access(0, 'r', MMIO_BASE + 0x20, 4, 0x11112222);
    assert_access(1, 'w', MMIO_BASE + 0x20, 4, 0xccccdddd);
    regs.rbx = 0x4321;
    assert_int_equal(EMUL("\x86\x38"), X86EMUL_OKAY);    /* xchg %bh,(%rax) */
    assert_int_equal(regs.rbx, 0xdd21);
    assert_access(1, 'w', MMIO_BASE + 0x20, 1, 0x43);
    /* xchg with lock is fine. */
    assert_int_equal(EMUL("\xf0\x48\x87\x10"), X86EMUL_OKAY);
}

/* ---- Bit tests ------------------------------------------------------ */

static void test_bit_ops(void **state)
{
    reset(X86EMUL_MODE_64);
    regs.rax = MMIO_BASE + 0x100;

    /* bt with a register offset: 35 is bit 3 of the next dword. */
    put_mmio(0x104, 0x8, 4);
    regs.rcx = 35;
    assert_int_equal(EMUL("\x0f\xa3\x08"), X86EMUL_OKAY);   /* bt %ecx */
    assert_true(regs.rflags & CF);
    assert_access(0, 'r', MMIO_BASE + 0x104, 4, 0x8);
    assert_int_equal(env.nlog, 1);

    /* Negative offsets reach below ea: -1 is bit 31 of ea - 4. */
    put_mmio(0xfc, 0, 4);
    regs.rcx = (u64)-1;
    assert_int_equal(EMUL("\x0f\xab\x08"), X86EMUL_OKAY);   /* bts */
    assert_false(regs.rflags & CF);
    assert_access(1, 'w', MMIO_BASE + 0xfc, 4, 0x80000000);
    assert_int_equal(EMUL("\x0f\xbb\x08"), X86EMUL_OKAY);   /* btc */
    assert_true(regs.rflags & CF);
    assert_int_equal(get_mmio(0xfc, 4), 0);

    /* 16-bit operands move in words; 64-bit in qwords. */
    put_mmio(0x102, 0x1, 2);
    regs.rcx = 16;
    assert_int_equal(EMUL("\x66\x0f\xb3\x08"), X86EMUL_OKAY); /* btr */
    assert_true(regs.rflags & CF);
    assert_access(1, 'w', MMIO_BASE + 0x102, 2, 0);
    regs.rcx = 64 + 63;
    assert_int_equal(EMUL("\x48\x0f\xab\x08"), X86EMUL_OKAY);
    assert_access(1, 'w', MMIO_BASE + 0x108, 8, 0x8000000000000000ULL);

    /* Immediate offsets are taken modulo the operand size. */
    put_mmio(0x100, 0, 4);
    assert_int_equal(EMUL("\x0f\xba\x28\x21"), X86EMUL_OKAY); /* bts $33 */
    assert_access(1, 'w', MMIO_BASE + 0x100, 4, 0x2);
    assert_int_equal(EMUL("\x0f\xba\x20\x01"), X86EMUL_OKAY); /* bt $1 */
    assert_true(regs.rflags & CF);
    assert_int_equal(EMUL("\xf0\x0f\xba\x30\x01"), X86EMUL_OKAY); /* btr */
    assert_int_equal(get_mmio(0x100, 4), 0);
    /* lock bt is #UD; 0F BA /0-/3 do not exist. */
    assert_int_equal(EMUL("\xf0\x0f\xa3\x08"), X86EMUL_EXCEPTION);
    assert_int_equal(EMUL("\x0f\xba\x00\x01"), X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_invalid_op);

    /* Register forms. */
    regs.rdx = 0x10;
    regs.rcx = 36;
    assert_int_equal(EMUL("\x0f\xa3\xca"), X86EMUL_OKAY);   /* bt %ecx,%edx */
    assert_true(regs.rflags & CF);
}

/* ---- Failures -------------------------------------------------------- */

static void test_unsupported_and_faults(void **state)
{
    reset(X86EMUL_MODE_64);
    regs.rax = MMIO_BASE;

    /* movups, call *mem, a VEX store: decoded, not emulated. */
    assert_int_equal(EMUL("\x0f\x11\x00"), X86EMUL_UNHANDLEABLE);
    assert_true(ctxt.unsupported);
    assert_int_equal(ctxt.opcode, 0x111);
    assert_int_equal(ctxt.insn_len, 3);
    assert_memory_equal(ctxt.insn_bytes, "\x0f\x11\x00", 3);
    assert_int_equal(EMUL("\xff\x10"), X86EMUL_UNHANDLEABLE);
    assert_true(ctxt.unsupported);
    assert_int_equal(EMUL("\xc5\xfe\x7f\x00"), X86EMUL_UNHANDLEABLE);
    assert_int_equal(EMUL("\xf7\x30"), X86EMUL_UNHANDLEABLE);  /* div */
    assert_int_equal(env.nlog, 0);
    assert_int_equal(regs.rip, CODE_BASE);
    /* A good instruction clears the flag. */
    assert_int_equal(EMUL("\x8b\x00"), X86EMUL_OKAY);
    assert_false(ctxt.unsupported);

    /* A read fault leaves the destination alone. */
    reset(X86EMUL_MODE_64);
    regs.rax = 0x5000;          /* unmapped in the fake guest */
    regs.rdx = 42;
    assert_int_equal(EMUL("\x8b\x10"), X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_page_fault);
    assert_int_equal(ctxt.event.cr2, 0x5000);
    assert_int_equal(regs.rdx, 42);
    assert_int_equal(regs.rip, CODE_BASE);

    /* A fault on the write half of a RMW leaves the flags alone. */
    reset(X86EMUL_MODE_64);
    regs.rax = MMIO_BASE;
    regs.rflags = 0x2 | CF;
    env.fault_addr = MMIO_BASE;
    env.fault_writes_only = true;
    assert_int_equal(EMUL("\x01\x08"), X86EMUL_EXCEPTION);
    assert_int_equal(env.nlog, 1);
    assert_int_equal(regs.rflags, 0x2 | CF);

    /* Non-canonical: #GP(0); through rsp/rbp: #SS(0). */
    reset(X86EMUL_MODE_64);
    regs.rax = 0x0000800000000000ULL;
    assert_int_equal(EMUL("\x8b\x00"), X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_gp_fault);
    assert_true(ctxt.event.has_error_code);
    assert_int_equal(ctxt.event.error_code, 0);
    regs.rbp = 0xffff7fffffffffffULL;
    assert_int_equal(EMUL("\x8b\x45\x00"), X86EMUL_EXCEPTION);
    assert_int_equal(ctxt.event.vector, TRAP_stack_error);
    assert_int_equal(env.nlog, 0);

    /* Port I/O without callbacks is unhandleable. */
    {
        struct x86_emulate_ops no_io = ops;

        no_io.read_io = NULL;
        reset(X86EMUL_MODE_64);
        set_code("\xec", 1);
        assert_int_equal(x86_emulate(&ctxt, &no_io), X86EMUL_UNHANDLEABLE);
        assert_true(ctxt.unsupported);
    }
}

static void test_modes_16_32(void **state)
{
    /* 32-bit protected mode: DS base added, linear wraps at 4 GiB. */
    reset(X86EMUL_MODE_32);
    ctxt.seg_base[x86_seg_ds] = MMIO_BASE + 0x10;
    ctxt.seg_base[x86_seg_ss] = RAM_BASE;
    regs.rbx = 0x20;
    regs.rax = 0x11223344;
    assert_int_equal(EMUL("\x89\x03"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x30, 4, 0x11223344);
    /* An EBP base uses SS. */
    regs.rbp = 0x8;
    assert_int_equal(EMUL("\x89\x45\x00"), X86EMUL_OKAY);
    assert_access(0, 'w', RAM_BASE + 0x8, 4, 0x11223344);
    /* 66 gives 16-bit operands; REX does not exist (48 is dec %eax). */
    assert_int_equal(EMUL("\x66\x89\x03"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x30, 2, 0x3344);
    /* A 16-bit address through 67: [bx+si] wraps at 64K. */
    ctxt.seg_base[x86_seg_ds] = MMIO_BASE;
    regs.rbx = 0xfff0;
    regs.rsi = 0x20;
    assert_int_equal(EMUL("\x67\x88\x00"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x10, 1, 0x44);
    assert_int_equal(regs.rip, CODE_BASE + 2 + 3 + 3 + 3);

    /* 16-bit: [bp+di+disp8] on SS, operands 16 bits, 66 for 32. */
    reset(X86EMUL_MODE_16);
    ctxt.seg_base[x86_seg_cs] = CODE_BASE;
    ctxt.seg_base[x86_seg_ss] = MMIO_BASE;
    regs.rip = 0;
    regs.rbp = 0x100;
    regs.rdi = 0x10;
    regs.rax = 0xabcd1234;
    assert_int_equal(EMUL("\x89\x43\x04"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x114, 2, 0x1234);
    assert_int_equal(EMUL("\x66\x89\x43\x04"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x114, 4, 0xabcd1234);
    /* disp16 alone, with an ES override. */
    ctxt.seg_base[x86_seg_es] = MMIO_BASE + 0x100;
    assert_int_equal(EMUL("\x26\xc6\x06\x34\x00\x7f"), X86EMUL_OKAY);
    assert_access(0, 'w', MMIO_BASE + 0x134, 1, 0x7f);
    assert_int_equal(regs.rip, 3 + 4 + 6);
}

static void test_mode_helper(void **state)
{
    struct segment_register cs = { .attr = 0 };

    assert_int_equal(x86_emul_mode(false, false, false, &cs),
                     X86EMUL_MODE_16);
    cs.attr = 1u << 10;                     /* D */
    assert_int_equal(x86_emul_mode(true, false, false, &cs),
                     X86EMUL_MODE_32);
    assert_int_equal(x86_emul_mode(true, true, false, &cs),
                     X86EMUL_MODE_16);
    cs.attr = 1u << 9;                      /* L */
    assert_int_equal(x86_emul_mode(true, false, true, &cs),
                     X86EMUL_MODE_64);
    /* L without LMA (compatibility with a bogus bit) is not 64-bit. */
    assert_int_equal(x86_emul_mode(true, false, false, &cs),
                     X86EMUL_MODE_16);
}

/*
 * Random bytes in every mode (a fixed xorshift seed, so every run is the
 * same): the decoder and the emulator never read outside their buffers
 * (ASan), never claim more than 15 bytes, agree on the length, and fail
 * only in the documented ways.
 */
static void test_random_bytes(void **state)
{
    static const unsigned int modes[] = {
        X86EMUL_MODE_16, X86EMUL_MODE_32, X86EMUL_MODE_64,
    };
    u64 x = 0x9e3779b97f4a7c15ULL;
    unsigned int decoded = 0;

    for ( unsigned int i = 0; i < 60000; i++ )
    {
        char bytes[X86_MAX_INSN_LEN + 8];
        unsigned int len = 0, m = modes[i % 3];
        int rc, rc2;

        for ( unsigned int j = 0; j < sizeof(bytes); j++ )
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes[j] = x;
        }
        /* Sometimes a run of prefixes first, to reach the 15-byte limit. */
        if ( (x & 7) == 0 )
            memset(bytes, (x >> 8) & 1 ? 0x66 : 0x2e, (x >> 16) % 14);

        reset(m);
        set_code(bytes, sizeof(bytes));
        rc = x86_insn_length(&ctxt, &ops, &len);
        assert_true(rc == X86EMUL_OKAY || rc == X86EMUL_EXCEPTION);
        if ( rc == X86EMUL_OKAY )
        {
            assert_true(len >= 1 && len <= X86_MAX_INSN_LEN);
            decoded++;
        }
        else
            assert_true(ctxt.event.vector == TRAP_invalid_op ||
                        ctxt.event.vector == TRAP_gp_fault);

        /* Registers aimed at RAM so that some accesses succeed. */
        reset(m);
        regs.rax = regs.rbx = regs.rsi = regs.rdi = RAM_BASE + 0x800;
        regs.rcx = 3;
        rc2 = emul(bytes, sizeof(bytes));
        assert_true(rc2 == X86EMUL_OKAY || rc2 == X86EMUL_EXCEPTION ||
                    rc2 == X86EMUL_UNHANDLEABLE);
        assert_true(ctxt.insn_len <= X86_MAX_INSN_LEN);
        if ( rc == X86EMUL_OKAY && ctxt.insn_len == len )
            continue;
        /* Emulation may stop early only with an exception of its own. */
        if ( rc == X86EMUL_OKAY )
            assert_int_equal(rc2, X86EMUL_EXCEPTION);
    }
    assert_true(decoded > 30000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lengths_vs_objdump),
        cmocka_unit_test(test_length_limits),
        cmocka_unit_test(test_length_invalid),
        cmocka_unit_test(test_length_fetch_faults),
        cmocka_unit_test(test_mov_load_sizes),
        cmocka_unit_test(test_mov_high_bytes),
        cmocka_unit_test(test_mov_store),
        cmocka_unit_test(test_mov_addressing),
        cmocka_unit_test(test_mov_rip_relative),
        cmocka_unit_test(test_mov_moffs),
        cmocka_unit_test(test_movzx_movsx),
        cmocka_unit_test(test_string_rep_movs),
        cmocka_unit_test(test_string_stos_lods),
        cmocka_unit_test(test_string_16bit),
        cmocka_unit_test(test_ins_outs),
        cmocka_unit_test(test_alu_vs_host),
        cmocka_unit_test(test_alu_imm_forms),
        cmocka_unit_test(test_test_vs_host),
        cmocka_unit_test(test_unary_vs_host),
        cmocka_unit_test(test_xchg),
        cmocka_unit_test(test_bit_ops),
        cmocka_unit_test(test_unsupported_and_faults),
        cmocka_unit_test(test_modes_16_32),
        cmocka_unit_test(test_mode_helper),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_hvm_insn_length_pages),
        cmocka_unit_test(test_hvm_insn_length_fault),
        cmocka_unit_test(test_hvm_emulate_mmio),
        cmocka_unit_test(test_hvm_emulate_ram_and_io),
        cmocka_unit_test(test_hvm_emulate_failures),
    };

    return cmocka_run_group_tests_name("x86_emulate", tests, NULL, NULL);
}
