/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 instruction decoder and emulator (see asm/x86_emulate.h).
 *
 * Decoding follows the Intel SDM vol. 2 ch. 2 (instruction format) and
 * appendix A (opcode maps), and the AMD APM vol. 3 ch. 1 and appendix A.
 * Where the two vendors differ, AMD's reading is taken (we run on SVM):
 * a 66 prefix shortens near branches in 64-bit mode to rel16.
 *
 * Flags of the arithmetic instructions are computed in C, bit by bit as
 * the SDM defines them; the unit tests compare them with the host CPU.
 * Flags the SDM leaves undefined (AF after logic ops, everything but CF
 * after bt*) are given the values current AMD and Intel parts produce
 * for AF (cleared) and left unchanged otherwise.
 */
#include <xen/types.h>
#include <xen/compiler.h>
#include <asm/x86_emulate.h>

#define X86_EFLAGS_CF   0x00000001UL
#define X86_EFLAGS_PF   0x00000004UL
#define X86_EFLAGS_AF   0x00000010UL
#define X86_EFLAGS_ZF   0x00000040UL
#define X86_EFLAGS_SF   0x00000080UL
#define X86_EFLAGS_DF   0x00000400UL
#define X86_EFLAGS_OF   0x00000800UL
#define X86_EFLAGS_RF   0x00010000UL
#define ARITH_FLAGS     (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
                         X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_OF)

/*
 * Opcode attributes.  The low four bits say which immediate follows the
 * ModRM/SIB/displacement; the rest are flags.
 */
#define IMM_NONE  0
#define IMM_8     1
#define IMM_16    2
#define IMM_Z     3     /* 16 or 32 bits by operand size (also rel16/32) */
#define IMM_V     4     /* 16, 32 or 64 bits by operand size (mov r, imm) */
#define IMM_MOFFS 5     /* address-sized offset (mov al, moffs) */
#define IMM_ENTER 6     /* imm16 then imm8 */
#define IMM_PTR   7     /* far pointer: offset (16/32) then selector */
#define IMM_32    8     /* always 32 bits (XOP map 0Ah) */
#define IMM_MASK  0x0f

#define M     0x0010    /* ModRM follows */
#define MREG  0x0020    /* ModRM, but mod is ignored: a register operand */
#define NO64  0x0040    /* #UD in 64-bit mode */
#define GRP3  0x0080    /* F6/F7: the immediate exists for /0 and /1 only */
#define UD    0x0100    /* no instruction here */
#define PFX   0x0200    /* a prefix: never looked up as an opcode */

#define I8    IMM_8
#define IZ    IMM_Z

/* One-byte opcode map. */
static const u16 map0[256] = {
    /* 0x00 add, push/pop es, or, 0F escape */
    M, M, M, M, I8, IZ, NO64, NO64, M, M, M, M, I8, IZ, NO64, UD,
    /* 0x10 adc, push/pop ss, sbb, push/pop ds */
    M, M, M, M, I8, IZ, NO64, NO64, M, M, M, M, I8, IZ, NO64, NO64,
    /* 0x20 and, es:, daa, sub, cs:, das */
    M, M, M, M, I8, IZ, PFX, NO64, M, M, M, M, I8, IZ, PFX, NO64,
    /* 0x30 xor, ss:, aaa, cmp, ds:, aas */
    M, M, M, M, I8, IZ, PFX, NO64, M, M, M, M, I8, IZ, PFX, NO64,
    /* 0x40 inc/dec (REX in 64-bit mode) */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x50 push/pop */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x60 pusha, popa, bound, arpl/movsxd, fs:, gs:, 66, 67, push, imul */
    NO64, NO64, M | NO64, M, PFX, PFX, PFX, PFX,
    IZ, M | IZ, I8, M | I8, 0, 0, 0, 0,
    /* 0x70 jcc rel8 */
    I8, I8, I8, I8, I8, I8, I8, I8, I8, I8, I8, I8, I8, I8, I8, I8,
    /* 0x80 group 1, test, xchg, mov, mov sreg, lea, pop r/m */
    M | I8, M | IZ, M | I8 | NO64, M | I8, M, M, M, M,
    M, M, M, M, M, M, M, M,
    /* 0x90 xchg, cbw, cwd, call far, fwait, pushf, popf, sahf, lahf */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, IMM_PTR | NO64, 0, 0, 0, 0, 0,
    /* 0xa0 mov moffs, string ops, test */
    IMM_MOFFS, IMM_MOFFS, IMM_MOFFS, IMM_MOFFS, 0, 0, 0, 0,
    I8, IZ, 0, 0, 0, 0, 0, 0,
    /* 0xb0 mov r8, imm8; mov r, imm */
    I8, I8, I8, I8, I8, I8, I8, I8,
    IMM_V, IMM_V, IMM_V, IMM_V, IMM_V, IMM_V, IMM_V, IMM_V,
    /* 0xc0 shifts, ret, les/lds (VEX), mov imm, enter, leave, retf, int */
    M | I8, M | I8, IMM_16, 0, M | NO64, M | NO64, M | I8, M | IZ,
    IMM_ENTER, 0, IMM_16, 0, 0, I8, NO64, 0,
    /* 0xd0 shifts, aam, aad, salc, xlat, x87 */
    M, M, M, M, I8 | NO64, I8 | NO64, NO64, 0,
    M, M, M, M, M, M, M, M,
    /* 0xe0 loop, jcxz, in/out imm8, call, jmp, jmp far, jmp rel8, in/out */
    I8, I8, I8, I8, I8, I8, I8, I8,
    IZ, IZ, IMM_PTR | NO64, I8, 0, 0, 0, 0,
    /* 0xf0 lock, int1, rep, hlt, cmc, group 3, flags, group 4/5 */
    PFX, 0, PFX, PFX, 0, 0, M | GRP3 | I8, M | GRP3 | IZ,
    0, 0, 0, 0, 0, 0, M, M,
};

/* Two-byte opcode map (0F xx); 0F 38 and 0F 3A are handled apart. */
static const u16 map1[256] = {
    /* 0x00 grp6, grp7, lar, lsl, -, syscall, clts, sysret, invd, wbinvd,
     *      -, ud2, -, prefetch, femms, 3DNow! (ModRM + opcode suffix) */
    M, M, M, M, UD, 0, 0, 0, 0, 0, UD, 0, UD, M, 0, M | I8,
    /* 0x10 SSE moves, prefetch/hint nops */
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
    /* 0x20 mov cr/dr (register operand whatever mod says), SSE */
    MREG, MREG, MREG, MREG, UD, UD, UD, UD, M, M, M, M, M, M, M, M,
    /* 0x30 wrmsr, rdtsc, rdmsr, rdpmc, sysenter, sysexit, -, getsec */
    0, 0, 0, 0, 0, 0, UD, 0, UD, UD, UD, UD, UD, UD, UD, UD,
    /* 0x40 cmovcc */
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
    /* 0x50 */
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
    /* 0x60 */
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
    /* 0x70 pshuf, shift groups with imm8, emms, vmread/vmwrite */
    M | I8, M | I8, M | I8, M | I8, M, M, M, 0,
    M, M, UD, UD, M, M, M, M,
    /* 0x80 jcc rel16/32 */
    IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ,
    /* 0x90 setcc */
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
    /* 0xa0 push/pop fs, cpuid, bt, shld, -, push/pop gs, rsm, bts, shrd,
     *      grp15, imul */
    0, 0, 0, M, M | I8, M, UD, UD, 0, 0, 0, M, M | I8, M, M, M,
    /* 0xb0 cmpxchg, lss, btr, lfs, lgs, movzx, popcnt, ud1, grp8, btc,
     *      bsf, bsr, movsx */
    M, M, M, M, M, M, M, M, M, M, M | I8, M, M, M, M, M,
    /* 0xc0 xadd, cmpps, movnti, pinsrw, pextrw, shufps, grp9, bswap */
    M, M, M | I8, M, M | I8, M | I8, M | I8, M,
    0, 0, 0, 0, 0, 0, 0, 0,
    /* 0xd0 - 0xff: MMX/SSE, all with ModRM (0F FF is ud0 /r) */
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
};

#undef I8
#undef IZ

/* Decoder state for one instruction. */
struct decode {
    unsigned int len;           /* bytes consumed so far */
    unsigned int op_bytes;
    unsigned int ad_bytes;
    u8 rex;
    bool lock, rep, repne;
    int seg_override;           /* enum x86_segment, or -1 */
    unsigned int map;           /* 0 one-byte, 1 0F, 2 0F38, 3 0F3A, ... */
    bool vex;                   /* VEX, EVEX or XOP encoded */
    u8 b;                       /* opcode byte */
    u16 attr;

    bool has_modrm;
    u8 modrm, mod, reg, rm;
    bool mem;                   /* the ModRM names memory */
    bool rip_rel;
    unsigned long ea;           /* offset of the memory operand */
    enum x86_segment ea_seg;

    u64 imm;                    /* zero-extended as encoded */
    unsigned int imm_bytes;
    u64 imm2;                   /* enter: the imm8; far ptr: selector */
};

#define REX_W 0x08
#define REX_R 0x04
#define REX_X 0x02
#define REX_B 0x01

int x86_emul_exception(struct x86_emulate_ctxt *ctxt, u8 vector,
                       bool has_error_code, u32 error_code)
{
    ctxt->event.vector = vector;
    ctxt->event.has_error_code = has_error_code;
    ctxt->event.error_code = has_error_code ? error_code : 0;
    ctxt->event.cr2 = 0;
    return X86EMUL_EXCEPTION;
}

int x86_emul_pagefault(struct x86_emulate_ctxt *ctxt, u32 error_code,
                       unsigned long cr2)
{
    x86_emul_exception(ctxt, TRAP_page_fault, true, error_code);
    ctxt->event.cr2 = cr2;
    return X86EMUL_EXCEPTION;
}

static int raise_ud(struct x86_emulate_ctxt *ctxt)
{
    return x86_emul_exception(ctxt, TRAP_invalid_op, false, 0);
}

static int raise_gp0(struct x86_emulate_ctxt *ctxt)
{
    return x86_emul_exception(ctxt, TRAP_gp_fault, true, 0);
}

unsigned int x86_emul_mode(bool protected_mode, bool vm86, bool lma,
                           const struct segment_register *cs)
{
    if ( !protected_mode || vm86 )
        return X86EMUL_MODE_16;
    if ( lma && (cs->attr & (1u << 9)) )       /* CS.L */
        return X86EMUL_MODE_64;
    return (cs->attr & (1u << 10)) ? X86EMUL_MODE_32 : X86EMUL_MODE_16;
}

static u64 size_mask(unsigned int bytes)
{
    return bytes >= 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

static u64 sign_bit(unsigned int bytes)
{
    return 1ULL << (bytes * 8 - 1);
}

static u64 sign_extend(u64 val, unsigned int bytes)
{
    val &= size_mask(bytes);
    if ( bytes < 8 && (val & sign_bit(bytes)) )
        val |= ~size_mask(bytes);
    return val;
}

/* The instruction pointer as the mode sees it (IP, EIP or RIP). */
static unsigned long ip_mask(const struct x86_emulate_ctxt *ctxt)
{
    return ctxt->mode == X86EMUL_MODE_64 ? ~0UL
                                         : size_mask(ctxt->mode);
}

/* Append n (1-8) instruction bytes to the decode, value little-endian. */
static int fetch(struct x86_emulate_ctxt *ctxt,
                 const struct x86_emulate_ops *ops, struct decode *d,
                 unsigned int n, u64 *val)
{
    unsigned long addr;
    u8 buf[8];
    unsigned int i;
    int rc;

    if ( d->len + n > X86_MAX_INSN_LEN )
        return raise_gp0(ctxt);     /* SDM vol. 2 2.3.11: 15-byte limit */

    addr = (ctxt->regs->rip + d->len) & ip_mask(ctxt);
    if ( ctxt->mode != X86EMUL_MODE_64 )
        addr = (u32)(addr + ctxt->seg_base[x86_seg_cs]);
    rc = ops->fetch(addr, buf, n, ctxt);
    if ( rc != X86EMUL_OKAY )
        return rc;

    *val = 0;
    for ( i = 0; i < n; i++ )
    {
        ctxt->insn_bytes[d->len + i] = buf[i];
        *val |= (u64)buf[i] << (i * 8);
    }
    d->len += n;
    ctxt->insn_len = d->len;
    return X86EMUL_OKAY;
}

static u64 *gpr(struct cpu_user_regs *r, unsigned int n)
{
    switch ( n & 15 )
    {
    case 0:  return &r->rax;
    case 1:  return &r->rcx;
    case 2:  return &r->rdx;
    case 3:  return &r->rbx;
    case 4:  return &r->rsp;
    case 5:  return &r->rbp;
    case 6:  return &r->rsi;
    case 7:  return &r->rdi;
    case 8:  return &r->r8;
    case 9:  return &r->r9;
    case 10: return &r->r10;
    case 11: return &r->r11;
    case 12: return &r->r12;
    case 13: return &r->r13;
    case 14: return &r->r14;
    default: return &r->r15;
    }
}

/* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
static bool high_byte(const struct decode *d, unsigned int n,
                      unsigned int bytes)
{
    return bytes == 1 && !d->rex && n >= 4 && n < 8;
}

static u64 read_reg(struct x86_emulate_ctxt *ctxt, const struct decode *d,
                    unsigned int n, unsigned int bytes)
{
    if ( high_byte(d, n, bytes) )
        return (*gpr(ctxt->regs, n - 4) >> 8) & 0xff;
    return *gpr(ctxt->regs, n) & size_mask(bytes);
}

/* 8- and 16-bit writes merge; 32-bit writes zero-extend to 64 bits. */
static void write_reg(struct x86_emulate_ctxt *ctxt, const struct decode *d,
                      unsigned int n, unsigned int bytes, u64 val)
{
    u64 *r;

    if ( high_byte(d, n, bytes) )
    {
        r = gpr(ctxt->regs, n - 4);
        *r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
        return;
    }
    r = gpr(ctxt->regs, n);
    if ( bytes >= 4 )
        *r = val & size_mask(bytes);
    else
        *r = (*r & ~size_mask(bytes)) | (val & size_mask(bytes));
}

/* Legacy prefixes; returns the segment for 26/2E/36/3E/64/65, else -1. */
static int prefix_segment(u8 b)
{
    switch ( b )
    {
    case 0x26: return x86_seg_es;
    case 0x2e: return x86_seg_cs;
    case 0x36: return x86_seg_ss;
    case 0x3e: return x86_seg_ds;
    case 0x64: return x86_seg_fs;
    case 0x65: return x86_seg_gs;
    }
    return -1;
}

static int decode_modrm(struct x86_emulate_ctxt *ctxt,
                        const struct x86_emulate_ops *ops, struct decode *d)
{
    struct cpu_user_regs *r = ctxt->regs;
    enum x86_segment seg = x86_seg_ds;
    unsigned long ea = 0;
    unsigned int disp_bytes = 0;
    u64 v;
    int rc;

    d->mod = d->modrm >> 6;
    d->reg = ((d->modrm >> 3) & 7) | ((d->rex & REX_R) ? 8 : 0);
    d->rm = d->modrm & 7;

    if ( d->mod == 3 || (d->attr & MREG) )
    {
        d->mod = 3;
        d->rm |= (d->rex & REX_B) ? 8 : 0;
        return X86EMUL_OKAY;
    }

    d->mem = true;
    if ( d->ad_bytes == 2 )
    {
        /* SDM vol. 2 table 2-1. */
        u16 bx = r->rbx, bp = r->rbp, si = r->rsi, di = r->rdi;

        switch ( d->rm )
        {
        case 0: ea = bx + si; break;
        case 1: ea = bx + di; break;
        case 2: ea = bp + si; seg = x86_seg_ss; break;
        case 3: ea = bp + di; seg = x86_seg_ss; break;
        case 4: ea = si; break;
        case 5: ea = di; break;
        case 6:
            if ( d->mod == 0 )
                disp_bytes = 2;
            else
            {
                ea = bp;
                seg = x86_seg_ss;
            }
            break;
        case 7: ea = bx; break;
        }
        if ( d->mod == 1 )
            disp_bytes = 1;
        else if ( d->mod == 2 )
            disp_bytes = 2;
    }
    else
    {
        /* SDM vol. 2 tables 2-2 and 2-3. */
        if ( d->rm == 4 )
        {
            unsigned int scale, index, base;

            rc = fetch(ctxt, ops, d, 1, &v);
            if ( rc != X86EMUL_OKAY )
                return rc;
            scale = (v >> 6) & 3;
            index = ((v >> 3) & 7) | ((d->rex & REX_X) ? 8 : 0);
            base = (v & 7) | ((d->rex & REX_B) ? 8 : 0);
            if ( index != 4 )
                ea = *gpr(r, index) << scale;
            if ( (base & 7) == 5 && d->mod == 0 )
                disp_bytes = 4;
            else
            {
                ea += *gpr(r, base);
                if ( base == 4 || base == 5 )
                    seg = x86_seg_ss;
            }
        }
        else if ( d->rm == 5 && d->mod == 0 )
        {
            disp_bytes = 4;
            d->rip_rel = ctxt->mode == X86EMUL_MODE_64;
        }
        else
        {
            unsigned int base = d->rm | ((d->rex & REX_B) ? 8 : 0);

            ea = *gpr(r, base);
            if ( base == 5 )
                seg = x86_seg_ss;
        }
        if ( d->mod == 1 )
            disp_bytes = 1;
        else if ( d->mod == 2 )
            disp_bytes = 4;
    }

    if ( disp_bytes )
    {
        rc = fetch(ctxt, ops, d, disp_bytes, &v);
        if ( rc != X86EMUL_OKAY )
            return rc;
        ea += sign_extend(v, disp_bytes);
    }

    d->ea = ea;
    d->ea_seg = d->seg_override >= 0 ? (enum x86_segment)d->seg_override
                                     : seg;
    return X86EMUL_OKAY;
}

/* Attributes of an opcode in a VEX/EVEX/XOP map; UD if the map is not. */
static u16 vex_attr(unsigned int map, u8 b, bool evex)
{
    switch ( map )
    {
    case 1:
        if ( b == 0x77 )                    /* vzeroupper/vzeroall */
            return 0;
        return M | (map1[b] & IMM_MASK);
    case 2:
        return M;
    case 3:
        return M | IMM_8;
    case 5: case 6:                         /* EVEX FP16 maps */
        return evex ? M : UD;
    case 8:                                 /* XOP */
        return evex ? UD : M | IMM_8;
    case 9:
        return evex ? UD : M;
    case 10:
        return evex ? UD : M | IMM_32;
    }
    return UD;
}

static int decode(struct x86_emulate_ctxt *ctxt,
                  const struct x86_emulate_ops *ops, struct decode *d)
{
    bool mode64 = ctxt->mode == X86EMUL_MODE_64;
    bool opsize_prefix = false, adsize_prefix = false;
    bool modrm_fetched = false;
    unsigned int imm_kind;
    u64 v;
    u8 b;
    int rc;

    d->len = 0;
    d->rex = 0;
    d->lock = d->rep = d->repne = false;
    d->seg_override = -1;
    d->map = 0;
    d->vex = false;
    d->has_modrm = d->mem = d->rip_rel = false;
    d->modrm = d->mod = d->reg = d->rm = 0;
    d->ea = 0;
    d->ea_seg = x86_seg_ds;
    d->imm = d->imm2 = 0;
    d->imm_bytes = 0;
    ctxt->insn_len = 0;
    ctxt->opcode = 0;
    ctxt->unsupported = false;

    /* Prefixes.  A REX counts only directly before the opcode. */
    for ( ; ; )
    {
        int seg;

        rc = fetch(ctxt, ops, d, 1, &v);
        if ( rc != X86EMUL_OKAY )
            return rc;
        b = v;

        if ( mode64 && (b & 0xf0) == 0x40 )
        {
            d->rex = b;
            continue;
        }
        if ( !(map0[b] & PFX) )
            break;
        d->rex = 0;
        if ( (seg = prefix_segment(b)) >= 0 )
        {
            /* 64-bit mode ignores ES/CS/SS/DS overrides (SDM 3.3.7.1). */
            if ( !mode64 || seg >= x86_seg_fs )
                d->seg_override = seg;
            continue;
        }
        switch ( b )
        {
        case 0x66: opsize_prefix = true; break;
        case 0x67: adsize_prefix = true; break;
        case 0xf0: d->lock = true; break;
        case 0xf2: d->repne = true; d->rep = false; break;
        case 0xf3: d->rep = true; d->repne = false; break;
        }
    }

    if ( d->rex & REX_W )
        d->op_bytes = 8;
    else if ( ctxt->mode == X86EMUL_MODE_16 )
        d->op_bytes = opsize_prefix ? 4 : 2;
    else
        d->op_bytes = opsize_prefix ? 2 : 4;
    if ( mode64 )
        d->ad_bytes = adsize_prefix ? 4 : 8;
    else if ( ctxt->mode == X86EMUL_MODE_16 )
        d->ad_bytes = adsize_prefix ? 4 : 2;
    else
        d->ad_bytes = adsize_prefix ? 2 : 4;

    /* Opcode, through the escapes. */
    if ( b == 0x0f )
    {
        rc = fetch(ctxt, ops, d, 1, &v);
        if ( rc != X86EMUL_OKAY )
            return rc;
        b = v;
        if ( b == 0x38 || b == 0x3a )
        {
            d->map = b == 0x38 ? 2 : 3;
            rc = fetch(ctxt, ops, d, 1, &v);
            if ( rc != X86EMUL_OKAY )
                return rc;
            b = v;
            d->attr = d->map == 2 ? M : M | IMM_8;
        }
        else
        {
            d->map = 1;
            d->attr = map1[b];
        }
    }
    else if ( b == 0xc4 || b == 0xc5 || b == 0x62 || b == 0x8f )
    {
        /*
         * VEX (C4/C5), EVEX (62) and XOP (8F) reuse LES/LDS/BOUND/POP:
         * outside 64-bit mode they are the old instructions when the next
         * byte has mod != 3 (SDM 2.3.5); XOP is POP r/m when the map
         * field is below 8 (APM vol. 3 1.9).
         */
        u8 p0;

        rc = fetch(ctxt, ops, d, 1, &v);
        if ( rc != X86EMUL_OKAY )
            return rc;
        p0 = v;
        if ( b == 0x8f ? (p0 & 0x1f) >= 8 : mode64 || (p0 & 0xc0) == 0xc0 )
        {
            bool evex = b == 0x62;

            /* A VEX after 66/F2/F3/REX/LOCK is #UD (SDM 2.3.2). */
            if ( d->rex || opsize_prefix || d->rep || d->repne || d->lock )
                return raise_ud(ctxt);
            d->vex = true;
            if ( b == 0xc5 )
                d->map = 1;
            else
            {
                d->map = p0 & (evex ? 0x07 : 0x1f);
                rc = fetch(ctxt, ops, d, 1, &v);    /* W vvvv L pp */
                if ( rc != X86EMUL_OKAY )
                    return rc;
                if ( evex )
                {
                    rc = fetch(ctxt, ops, d, 1, &v);
                    if ( rc != X86EMUL_OKAY )
                        return rc;
                }
            }
            rc = fetch(ctxt, ops, d, 1, &v);
            if ( rc != X86EMUL_OKAY )
                return rc;
            b = v;
            d->attr = vex_attr(d->map, b, evex);
        }
        else
        {
            d->attr = map0[b];
            d->modrm = p0;
            modrm_fetched = true;
        }
    }
    else
        d->attr = map0[b];

    d->b = b;
    ctxt->opcode = (d->map << 8) | b;

    if ( (d->attr & UD) || (mode64 && (d->attr & NO64)) )
        return raise_ud(ctxt);

    if ( d->attr & (M | MREG) )
    {
        d->has_modrm = true;
        if ( !modrm_fetched )
        {
            rc = fetch(ctxt, ops, d, 1, &v);
            if ( rc != X86EMUL_OKAY )
                return rc;
            d->modrm = v;
        }
        rc = decode_modrm(ctxt, ops, d);
        if ( rc != X86EMUL_OKAY )
            return rc;
    }

    imm_kind = d->attr & IMM_MASK;
    if ( (d->attr & GRP3) && (d->modrm & 0x30) )
        imm_kind = IMM_NONE;                /* F6/F7 /2../7 */

    switch ( imm_kind )
    {
    case IMM_8:     d->imm_bytes = 1; break;
    case IMM_16:    d->imm_bytes = 2; break;
    case IMM_Z:     d->imm_bytes = d->op_bytes == 2 ? 2 : 4; break;
    case IMM_V:     d->imm_bytes = d->op_bytes; break;
    case IMM_MOFFS: d->imm_bytes = d->ad_bytes; break;
    case IMM_ENTER: d->imm_bytes = 2; break;
    case IMM_PTR:   d->imm_bytes = d->op_bytes == 2 ? 2 : 4; break;
    case IMM_32:    d->imm_bytes = 4; break;
    }
    if ( d->imm_bytes )
    {
        rc = fetch(ctxt, ops, d, d->imm_bytes, &d->imm);
        if ( rc != X86EMUL_OKAY )
            return rc;
    }
    if ( imm_kind == IMM_ENTER || imm_kind == IMM_PTR )
    {
        rc = fetch(ctxt, ops, d, imm_kind == IMM_ENTER ? 1 : 2, &d->imm2);
        if ( rc != X86EMUL_OKAY )
            return rc;
    }

    if ( d->rip_rel )
        d->ea += ctxt->regs->rip + d->len;
    if ( d->mem )
        d->ea &= size_mask(d->ad_bytes);

    return X86EMUL_OKAY;
}

int x86_insn_length(struct x86_emulate_ctxt *ctxt,
                    const struct x86_emulate_ops *ops, unsigned int *len)
{
    struct decode d;
    int rc = decode(ctxt, ops, &d);

    if ( rc == X86EMUL_OKAY )
        *len = d.len;
    return rc;
}

/* ---- Execution ---------------------------------------------------- */

static bool is_canonical(unsigned long addr)
{
    return (unsigned long)((long)(addr << 16) >> 16) == addr;
}

static int linear_addr(struct x86_emulate_ctxt *ctxt, const struct decode *d,
                       enum x86_segment seg, unsigned long off,
                       unsigned long *linear)
{
    off &= size_mask(d->ad_bytes);
    if ( ctxt->mode == X86EMUL_MODE_64 )
    {
        *linear = off;
        if ( seg == x86_seg_fs || seg == x86_seg_gs )
            *linear += ctxt->seg_base[seg];
        if ( !is_canonical(*linear) )
            return x86_emul_exception(ctxt, seg == x86_seg_ss
                                      ? TRAP_stack_error : TRAP_gp_fault,
                                      true, 0);
    }
    else
        *linear = (u32)(ctxt->seg_base[seg] + off);
    return X86EMUL_OKAY;
}

static int mem_read(struct x86_emulate_ctxt *ctxt,
                    const struct x86_emulate_ops *ops, const struct decode *d,
                    enum x86_segment seg, unsigned long off,
                    unsigned int bytes, u64 *val)
{
    unsigned long addr;
    u8 buf[8];
    unsigned int i;
    int rc = linear_addr(ctxt, d, seg, off, &addr);

    if ( rc != X86EMUL_OKAY )
        return rc;
    rc = ops->read(addr, buf, bytes, ctxt);
    if ( rc != X86EMUL_OKAY )
        return rc;
    *val = 0;
    for ( i = 0; i < bytes; i++ )
        *val |= (u64)buf[i] << (i * 8);
    return X86EMUL_OKAY;
}

static int mem_write(struct x86_emulate_ctxt *ctxt,
                     const struct x86_emulate_ops *ops,
                     const struct decode *d, enum x86_segment seg,
                     unsigned long off, unsigned int bytes, u64 val)
{
    unsigned long addr;
    u8 buf[8];
    unsigned int i;
    int rc = linear_addr(ctxt, d, seg, off, &addr);

    if ( rc != X86EMUL_OKAY )
        return rc;
    for ( i = 0; i < bytes; i++ )
        buf[i] = val >> (i * 8);
    return ops->write(addr, buf, bytes, ctxt);
}

/* The ModRM r/m operand, register or memory. */
static int rm_read(struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops, const struct decode *d,
                   unsigned int bytes, u64 *val)
{
    if ( !d->mem )
    {
        *val = read_reg(ctxt, d, d->rm, bytes);
        return X86EMUL_OKAY;
    }
    return mem_read(ctxt, ops, d, d->ea_seg, d->ea, bytes, val);
}

static int rm_write(struct x86_emulate_ctxt *ctxt,
                    const struct x86_emulate_ops *ops, const struct decode *d,
                    unsigned int bytes, u64 val)
{
    if ( !d->mem )
    {
        write_reg(ctxt, d, d->rm, bytes, val);
        return X86EMUL_OKAY;
    }
    return mem_write(ctxt, ops, d, d->ea_seg, d->ea, bytes, val);
}

static bool parity_even(u8 v)
{
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return !(v & 1);
}

static unsigned long szp_flags(u64 res, unsigned int bytes)
{
    unsigned long f = 0;

    res &= size_mask(bytes);
    if ( !res )
        f |= X86_EFLAGS_ZF;
    if ( res & sign_bit(bytes) )
        f |= X86_EFLAGS_SF;
    if ( parity_even(res) )
        f |= X86_EFLAGS_PF;
    return f;
}

enum alu_op {
    ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP,
};

/*
 * The group-1 operation op on dst and src (both already bytes wide);
 * returns the result and replaces the six arithmetic flags in *rflags.
 */
static u64 alu(enum alu_op op, u64 dst, u64 src, unsigned int bytes,
               unsigned long *rflags)
{
    u64 m = size_mask(bytes), sb = sign_bit(bytes), res;
    unsigned long f = 0;
    bool cin = *rflags & X86_EFLAGS_CF;

    dst &= m;
    src &= m;
    switch ( op )
    {
    case ALU_ADD:
        cin = false;
        /* fall through */
    case ALU_ADC:
        res = (dst + src + cin) & m;
        if ( cin ? res <= dst : res < dst )
            f |= X86_EFLAGS_CF;
        if ( (dst ^ res) & (src ^ res) & sb )
            f |= X86_EFLAGS_OF;
        f |= (dst ^ src ^ res) & X86_EFLAGS_AF;
        break;

    case ALU_SUB:
    case ALU_CMP:
        cin = false;
        /* fall through */
    case ALU_SBB:
        res = (dst - src - cin) & m;
        if ( cin ? dst <= src : dst < src )
            f |= X86_EFLAGS_CF;
        if ( (dst ^ src) & (dst ^ res) & sb )
            f |= X86_EFLAGS_OF;
        f |= (dst ^ src ^ res) & X86_EFLAGS_AF;
        break;

    case ALU_AND:
        res = dst & src;
        break;
    case ALU_OR:
        res = dst | src;
        break;
    default:
        res = dst ^ src;
        break;
    }

    *rflags = (*rflags & ~ARITH_FLAGS) | f | szp_flags(res, bytes);
    return res;
}

/* inc/dec: add/sub 1 that leave CF alone. */
static u64 inc_dec(bool dec, u64 dst, unsigned int bytes,
                   unsigned long *rflags)
{
    unsigned long cf = *rflags & X86_EFLAGS_CF, f = 0;
    u64 res;

    res = alu(dec ? ALU_SUB : ALU_ADD, dst, 1, bytes, &f);
    *rflags = (*rflags & ~ARITH_FLAGS) | (f & ~X86_EFLAGS_CF) | cf;
    return res;
}

static void advance_rip(struct x86_emulate_ctxt *ctxt, const struct decode *d)
{
    ctxt->regs->rip = (ctxt->regs->rip + d->len) & ip_mask(ctxt);
    /* A completed instruction clears RF (SDM vol. 3 17.3.1.1). */
    ctxt->regs->rflags &= ~X86_EFLAGS_RF;
}

/* Is a LOCK prefix legal here (SDM vol. 2 LOCK)?  Only RMW to memory. */
static bool lock_allowed(const struct decode *d)
{
    if ( !d->mem )
        return false;
    if ( d->map == 0 )
    {
        if ( d->b < 0x40 )
            return (d->b & 7) < 2 && (d->b >> 3) != ALU_CMP;
        switch ( d->b )
        {
        case 0x80: case 0x81: case 0x82: case 0x83:
            return (d->reg & 7) != ALU_CMP;
        case 0x86: case 0x87:
            return true;
        case 0xf6: case 0xf7:
            return (d->reg & 7) == 2 || (d->reg & 7) == 3;
        case 0xfe: case 0xff:
            return (d->reg & 7) < 2;
        }
        return false;
    }
    if ( d->map == 1 )
    {
        switch ( d->b )
        {
        case 0xab: case 0xb3: case 0xbb:
            return true;
        case 0xba:
            return (d->reg & 7) >= 5;
        }
    }
    return false;
}

static int string_op(struct x86_emulate_ctxt *ctxt,
                     const struct x86_emulate_ops *ops, const struct decode *d)
{
    struct cpu_user_regs *r = ctxt->regs;
    bool io = d->b <= 0x6f;
    /* ins/outs ignore REX.W: at most 32 bits. */
    unsigned int bytes = !(d->b & 1) ? 1 : io && d->op_bytes == 8
                                            ? 4 : d->op_bytes;
    bool uses_si = d->b == 0x6e || d->b == 0x6f || d->b == 0xa4 ||
                   d->b == 0xa5 || d->b == 0xac || d->b == 0xad;
    bool uses_di = !uses_si || d->b == 0xa4 || d->b == 0xa5;
    enum x86_segment src_seg = d->seg_override >= 0
                               ? (enum x86_segment)d->seg_override
                               : x86_seg_ds;
    u64 admask = size_mask(d->ad_bytes);
    bool rep = d->rep || d->repne;
    unsigned long count = rep ? (r->rcx & admask) : 1;
    unsigned long max = ctxt->max_reps ? ctxt->max_reps : 1024;
    long step = (r->rflags & X86_EFLAGS_DF) ? -(long)bytes : (long)bytes;
    unsigned long n, done = 0;
    u16 port = r->rdx;
    int rc = X86EMUL_OKAY;

    if ( io && (d->b & 2 ? !ops->write_io : !ops->read_io) )
    {
        ctxt->unsupported = true;
        return X86EMUL_UNHANDLEABLE;
    }

    n = count < max ? count : max;
    while ( done < n )
    {
        u64 val = 0, si = r->rsi & admask, di = r->rdi & admask;
        unsigned long ioval;

        switch ( d->b )
        {
        case 0x6c: case 0x6d:                           /* ins */
            rc = ops->read_io(port, bytes, &ioval, ctxt);
            if ( rc == X86EMUL_OKAY )
                rc = mem_write(ctxt, ops, d, x86_seg_es, di, bytes, ioval);
            break;
        case 0x6e: case 0x6f:                           /* outs */
            rc = mem_read(ctxt, ops, d, src_seg, si, bytes, &val);
            if ( rc == X86EMUL_OKAY )
                rc = ops->write_io(port, bytes, val, ctxt);
            break;
        case 0xa4: case 0xa5:                           /* movs */
            rc = mem_read(ctxt, ops, d, src_seg, si, bytes, &val);
            if ( rc == X86EMUL_OKAY )
                rc = mem_write(ctxt, ops, d, x86_seg_es, di, bytes, val);
            break;
        case 0xaa: case 0xab:                           /* stos */
            rc = mem_write(ctxt, ops, d, x86_seg_es, di, bytes, r->rax);
            break;
        default:                                        /* lods */
            rc = mem_read(ctxt, ops, d, src_seg, si, bytes, &val);
            if ( rc == X86EMUL_OKAY )
                write_reg(ctxt, d, 0, bytes, val);
            break;
        }
        if ( rc != X86EMUL_OKAY )
            break;

        /* Only the address-sized part of rSI/rDI/rCX moves. */
        if ( uses_si )
            write_reg(ctxt, d, 6, d->ad_bytes, si + step);
        if ( uses_di )
            write_reg(ctxt, d, 7, d->ad_bytes, di + step);
        if ( rep )
            write_reg(ctxt, d, 1, d->ad_bytes, (r->rcx & admask) - 1);
        done++;
    }

    /*
     * A fault leaves the registers at the faulting iteration and rip on
     * the instruction, as hardware does; so does an unfinished rep.
     */
    if ( rc == X86EMUL_OKAY && done == count )
        advance_rip(ctxt, d);
    return rc;
}

static int port_io(struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops, const struct decode *d)
{
    unsigned int bytes = (d->b & 1) ? (d->op_bytes == 2 ? 2 : 4) : 1;
    unsigned int port = (d->b & 8) ? (u16)ctxt->regs->rdx : d->imm;
    bool out = d->b & 2;
    unsigned long val;
    int rc;

    if ( out ? !ops->write_io : !ops->read_io )
    {
        ctxt->unsupported = true;
        return X86EMUL_UNHANDLEABLE;
    }
    if ( out )
        rc = ops->write_io(port, bytes, ctxt->regs->rax & size_mask(bytes),
                           ctxt);
    else
    {
        rc = ops->read_io(port, bytes, &val, ctxt);
        if ( rc == X86EMUL_OKAY )
            write_reg(ctxt, d, 0, bytes, val);
    }
    if ( rc == X86EMUL_OKAY )
        advance_rip(ctxt, d);
    return rc;
}

/* bt/bts/btr/btc: op 0-3, bit offset from a register or an imm8. */
static int bit_op(struct x86_emulate_ctxt *ctxt,
                  const struct x86_emulate_ops *ops, const struct decode *d,
                  unsigned int op, bool imm)
{
    unsigned int bytes = d->op_bytes, bits = bytes * 8;
    unsigned long off = d->ea;
    u64 bit, val;
    int rc;

    if ( imm )
        bit = d->imm & (bits - 1);
    else
    {
        s64 sbit = sign_extend(read_reg(ctxt, d, d->reg, bytes), bytes);

        /*
         * With a memory operand the register offset selects any bit of
         * the bit string at ea (SDM vol. 2 BT): move by whole operands.
         */
        if ( d->mem )
            off += (sbit >> (bytes == 2 ? 4 : bytes == 4 ? 5 : 6)) *
                   (long)bytes;
        bit = (u64)sbit & (bits - 1);
    }

    if ( d->mem )
        rc = mem_read(ctxt, ops, d, d->ea_seg, off, bytes, &val);
    else
    {
        val = read_reg(ctxt, d, d->rm, bytes);
        rc = X86EMUL_OKAY;
    }
    if ( rc != X86EMUL_OKAY )
        return rc;

    if ( (val >> bit) & 1 )
        ctxt->regs->rflags |= X86_EFLAGS_CF;
    else
        ctxt->regs->rflags &= ~X86_EFLAGS_CF;

    if ( op != 0 )
    {
        switch ( op )
        {
        case 1: val |= 1ULL << bit; break;
        case 2: val &= ~(1ULL << bit); break;
        default: val ^= 1ULL << bit; break;
        }
        if ( d->mem )
            rc = mem_write(ctxt, ops, d, d->ea_seg, off, bytes, val);
        else
            write_reg(ctxt, d, d->rm, bytes, val);
    }
    return rc;
}

static int emulate_map0(struct x86_emulate_ctxt *ctxt,
                        const struct x86_emulate_ops *ops,
                        const struct decode *d)
{
    struct cpu_user_regs *r = ctxt->regs;
    unsigned int b = d->b, bytes = (b & 1) ? d->op_bytes : 1;
    unsigned long fl = r->rflags;
    u64 dst, src, res;
    int rc;

    if ( b < 0x40 && (b & 7) < 6 )
    {
        /* add/or/adc/sbb/and/sub/xor/cmp in their six forms. */
        enum alu_op op = b >> 3;

        switch ( b & 7 )
        {
        case 0: case 1:                     /* r/m, reg */
            rc = rm_read(ctxt, ops, d, bytes, &dst);
            if ( rc != X86EMUL_OKAY )
                return rc;
            res = alu(op, dst, read_reg(ctxt, d, d->reg, bytes), bytes, &fl);
            if ( op != ALU_CMP )
                rc = rm_write(ctxt, ops, d, bytes, res);
            break;
        case 2: case 3:                     /* reg, r/m */
            rc = rm_read(ctxt, ops, d, bytes, &src);
            if ( rc != X86EMUL_OKAY )
                return rc;
            res = alu(op, read_reg(ctxt, d, d->reg, bytes), src, bytes, &fl);
            if ( op != ALU_CMP )
                write_reg(ctxt, d, d->reg, bytes, res);
            break;
        default:                            /* al/eAX, imm */
            res = alu(op, read_reg(ctxt, d, 0, bytes),
                      sign_extend(d->imm, d->imm_bytes), bytes, &fl);
            if ( op != ALU_CMP )
                write_reg(ctxt, d, 0, bytes, res);
            rc = X86EMUL_OKAY;
            break;
        }
        if ( rc == X86EMUL_OKAY )
            r->rflags = fl;
        return rc;
    }

    switch ( b )
    {
    case 0x63:                              /* movsxd (64-bit mode only) */
        if ( ctxt->mode != X86EMUL_MODE_64 )
            break;
        rc = rm_read(ctxt, ops, d, d->op_bytes == 2 ? 2 : 4, &src);
        if ( rc == X86EMUL_OKAY )
            write_reg(ctxt, d, d->reg, d->op_bytes, sign_extend(src, 4));
        return rc;

    case 0x6c ... 0x6f:
    case 0xa4: case 0xa5:
    case 0xaa ... 0xad:
        return string_op(ctxt, ops, d);

    case 0x80 ... 0x83:
        bytes = b == 0x81 || b == 0x83 ? d->op_bytes : 1;
        rc = rm_read(ctxt, ops, d, bytes, &dst);
        if ( rc != X86EMUL_OKAY )
            return rc;
        res = alu(d->reg & 7, dst, sign_extend(d->imm, d->imm_bytes), bytes,
                  &fl);
        if ( (d->reg & 7) != ALU_CMP )
            rc = rm_write(ctxt, ops, d, bytes, res);
        if ( rc == X86EMUL_OKAY )
            r->rflags = fl;
        return rc;

    case 0x84: case 0x85:                   /* test r/m, reg */
        rc = rm_read(ctxt, ops, d, bytes, &dst);
        if ( rc != X86EMUL_OKAY )
            return rc;
        alu(ALU_AND, dst, read_reg(ctxt, d, d->reg, bytes), bytes, &fl);
        r->rflags = fl;
        return rc;

    case 0x86: case 0x87:                   /* xchg r/m, reg */
        rc = rm_read(ctxt, ops, d, bytes, &dst);
        if ( rc != X86EMUL_OKAY )
            return rc;
        rc = rm_write(ctxt, ops, d, bytes, read_reg(ctxt, d, d->reg, bytes));
        if ( rc == X86EMUL_OKAY )
            write_reg(ctxt, d, d->reg, bytes, dst);
        return rc;

    case 0x88: case 0x89:                   /* mov r/m, reg */
        return rm_write(ctxt, ops, d, bytes, read_reg(ctxt, d, d->reg, bytes));

    case 0x8a: case 0x8b:                   /* mov reg, r/m */
        rc = rm_read(ctxt, ops, d, bytes, &src);
        if ( rc == X86EMUL_OKAY )
            write_reg(ctxt, d, d->reg, bytes, src);
        return rc;

    case 0xa0 ... 0xa3:                     /* mov al/eAX <-> moffs */
    {
        enum x86_segment seg = d->seg_override >= 0
                               ? (enum x86_segment)d->seg_override
                               : x86_seg_ds;

        if ( b & 2 )
            return mem_write(ctxt, ops, d, seg, d->imm, bytes,
                             read_reg(ctxt, d, 0, bytes));
        rc = mem_read(ctxt, ops, d, seg, d->imm, bytes, &src);
        if ( rc == X86EMUL_OKAY )
            write_reg(ctxt, d, 0, bytes, src);
        return rc;
    }

    case 0xc6: case 0xc7:                   /* mov r/m, imm */
        if ( (d->reg & 7) != 0 )
            break;
        return rm_write(ctxt, ops, d, bytes,
                        sign_extend(d->imm, d->imm_bytes));

    case 0xe4 ... 0xe7:
    case 0xec ... 0xef:
        return port_io(ctxt, ops, d);

    case 0xf6: case 0xf7:
        switch ( d->reg & 7 )
        {
        case 0: case 1:                     /* test r/m, imm */
            rc = rm_read(ctxt, ops, d, bytes, &dst);
            if ( rc != X86EMUL_OKAY )
                return rc;
            alu(ALU_AND, dst, sign_extend(d->imm, d->imm_bytes), bytes, &fl);
            r->rflags = fl;
            return rc;
        case 2:                             /* not */
            rc = rm_read(ctxt, ops, d, bytes, &dst);
            if ( rc != X86EMUL_OKAY )
                return rc;
            return rm_write(ctxt, ops, d, bytes, ~dst);
        case 3:                             /* neg: 0 - dst */
            rc = rm_read(ctxt, ops, d, bytes, &dst);
            if ( rc != X86EMUL_OKAY )
                return rc;
            fl &= ~X86_EFLAGS_CF;
            res = alu(ALU_SUB, 0, dst, bytes, &fl);
            rc = rm_write(ctxt, ops, d, bytes, res);
            if ( rc == X86EMUL_OKAY )
                r->rflags = fl;
            return rc;
        }
        break;

    case 0xfe: case 0xff:                   /* inc/dec r/m */
        if ( (d->reg & 7) > 1 )
        {
            if ( b == 0xfe )
                return raise_ud(ctxt);
            break;
        }
        rc = rm_read(ctxt, ops, d, bytes, &dst);
        if ( rc != X86EMUL_OKAY )
            return rc;
        res = inc_dec(d->reg & 1, dst, bytes, &fl);
        rc = rm_write(ctxt, ops, d, bytes, res);
        if ( rc == X86EMUL_OKAY )
            r->rflags = fl;
        return rc;
    }

    ctxt->unsupported = true;
    return X86EMUL_UNHANDLEABLE;
}

static int emulate_map1(struct x86_emulate_ctxt *ctxt,
                        const struct x86_emulate_ops *ops,
                        const struct decode *d)
{
    u64 src;
    int rc;

    switch ( d->b )
    {
    case 0xb6: case 0xb7:                   /* movzx */
    case 0xbe: case 0xbf:                   /* movsx */
    {
        unsigned int sbytes = (d->b & 1) ? 2 : 1;

        rc = rm_read(ctxt, ops, d, sbytes, &src);
        if ( rc != X86EMUL_OKAY )
            return rc;
        if ( d->b & 8 )
            src = sign_extend(src, sbytes);
        write_reg(ctxt, d, d->reg, d->op_bytes, src);
        return rc;
    }

    case 0xa3: case 0xab: case 0xb3: case 0xbb:
        return bit_op(ctxt, ops, d, (d->b >> 3) & 3, false);

    case 0xba:
        if ( (d->reg & 7) < 4 )
            return raise_ud(ctxt);
        return bit_op(ctxt, ops, d, d->reg & 3, true);

    case 0xc3:                              /* movnti m32/m64, reg */
        if ( !d->mem )
            return raise_ud(ctxt);
        return rm_write(ctxt, ops, d, d->op_bytes == 8 ? 8 : 4,
                        read_reg(ctxt, d, d->reg, d->op_bytes == 8 ? 8 : 4));
    }

    ctxt->unsupported = true;
    return X86EMUL_UNHANDLEABLE;
}

int x86_emulate(struct x86_emulate_ctxt *ctxt,
                const struct x86_emulate_ops *ops)
{
    struct decode d;
    bool is_string;
    int rc;

    rc = decode(ctxt, ops, &d);
    if ( rc != X86EMUL_OKAY )
        return rc;

    if ( d.vex || d.map > 1 )
    {
        ctxt->unsupported = true;
        return X86EMUL_UNHANDLEABLE;
    }

    if ( d.lock && !lock_allowed(&d) )
        return raise_ud(ctxt);

    is_string = d.map == 0 &&
                ((d.b >= 0x6c && d.b <= 0x6f) || d.b == 0xa4 ||
                 d.b == 0xa5 || (d.b >= 0xaa && d.b <= 0xad) ||
                 (d.b >= 0xe4 && d.b <= 0xe7) ||
                 (d.b >= 0xec && d.b <= 0xef));

    rc = d.map == 0 ? emulate_map0(ctxt, ops, &d)
                    : emulate_map1(ctxt, ops, &d);

    /* String and port instructions move rip themselves. */
    if ( rc == X86EMUL_OKAY && !is_string )
        advance_rip(ctxt, &d);
    return rc;
}
