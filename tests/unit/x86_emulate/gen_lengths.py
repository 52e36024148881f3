#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Instruction-length table for the decoder tests, made at test-build time.

Assembles the instructions below with the host's `as` (.code16, .code32,
.code64), disassembles the object with `objdump`, and writes a C table
of { mode, length, bytes, text } rows: binutils is the independent
reference for every length.  Lines objdump cannot decode ("(bad)") are
an error here, so a typo cannot silently shrink the table.

usage: gen_lengths.py OUTPUT.inc
"""
import os
import re
import subprocess
import sys
import tempfile

# Memory operands, per address size.
MEM64 = ["(%rax)", "(%rsp)", "(%rbp)", "(%r12)", "(%r13)", "0x10(%rax)",
         "-0x80(%rbp)", "0x1000(%rax)", "(%rax,%rbx,4)", "0x8(%rsp,%rcx,8)",
         "0x12345678", "0x10(%rip)", "-0x1000(%rip)", "(%eax)",
         "%fs:0x10", "%gs:(%rax)", "0x80(%rbx,%r9,2)", "(%r13,%r14)",
         "(,%rdx,8)", "0x7f(%r15,%r8,1)", "%es:(%rdi)"]
MEM32 = ["(%eax)", "(%esp)", "(%ebp)", "0x10(%eax)", "-0x80(%ebp)",
         "0x1000(%eax)", "(%eax,%ebx,4)", "0x8(%esp,%ecx,8)", "0x12345678",
         "(,%edx,2)", "%fs:0x10", "%es:(%edi)", "%ss:0x4(%eax)",
         "(%bx,%si)", "0x10(%bp,%di)", "(%bp)", "0x1234"]
MEM16 = ["(%bx,%si)", "(%bx,%di)", "(%bp,%si)", "(%bp,%di)", "(%si)",
         "(%di)", "(%bp)", "(%bx)", "0x1234", "0x10(%bx)", "-0x10(%bp,%si)",
         "0x1000(%di)", "%es:(%bx)", "(%eax)", "0x10(%esp)",
         "(%eax,%ebx,4)", "0x12345678"]

ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"]


def forms(mem, regs, sfx):
    """Every emulated instruction against every memory operand."""
    out = []
    r8, r16, r32, r64 = regs
    for m in mem:
        out += ["mov %s,%s" % (r8, m), "mov %s,%s" % (r32, m),
                "mov %s,%s" % (m, r16), "mov %s,%s" % (m, r32),
                "movb $0x12,%s" % m, "movw $0x1234,%s" % m,
                "movl $0x12345678,%s" % m,
                "movzbl %s,%s" % (m, r32), "movzwl %s,%s" % (m, r32),
                "movsbw %s,%s" % (m, r16), "movswl %s,%s" % (m, r32),
                "test %s,%s" % (r32, m), "testb $0x80,%s" % m,
                "testl $0x10000,%s" % m, "xchg %s,%s" % (r16, m),
                "incl %s" % m, "decb %s" % m, "notw %s" % m, "negl %s" % m,
                "btl %s,%s" % (r32, m), "btsl $5,%s" % m,
                "btrw %s,%s" % (r16, m), "btcl $31,%s" % m,
                "movnti %s,%s" % (r32, m), "lea %s,%s" % (m, r32),
                "lock orl $1,%s" % m, "lock xaddl %s,%s" % (r32, m),
                "cmpxchg %s,%s" % (r32, m), "shll $3,%s" % m,
                "imul $0x1234,%s,%s" % (m, r32), "imul $3,%s,%s" % (m, r16),
                "pushl %s" % m if sfx == "l" else "push%s %s" % (sfx, m),
                "call *%s" % m if sfx != "l" else "calll *%s" % m,
                "fldl %s" % m, "movq %s,%%xmm1" % m,
                "movdqu %%xmm2,%s" % m, "pshufd $0x1b,%s,%%xmm3" % m,
                "pinsrd $1,%s,%%xmm0" % m, "crc32l %s,%s" % (m, r32),
                "invlpg %s" % m, "clflush %s" % m, "prefetcht0 %s" % m]
        for op in ALU:
            out += ["%sb %s,%s" % (op, r8, m), "%sl %s,%s" % (op, m, r32),
                    "%sw $0x1234,%s" % (op, m), "%sl $0x7f,%s" % (op, m),
                    "%sb $0x80,%s" % (op, m)]
    return out


COMMON = [
    "nop", "cpuid", "rdmsr", "wrmsr", "hlt", "vmmcall", "vmrun", "vmload",
    "vmsave", "stgi", "clgi", "rdtsc", "rdtscp", "pause", "lfence",
    "mfence", "sfence", "wbinvd", "invd", "ud2", "int3", "int $0x80",
    "int1", "cli", "sti", "cld", "std", "clc", "cmc", "sahf", "lahf",
    "in $0x71,%al", "in $0x60,%ax", "in $0x40,%eax", "in (%dx),%al",
    "in (%dx),%eax", "out %al,$0x80", "out %eax,$0xf4", "out %ax,(%dx)",
    "insb", "insl", "outsw", "rep outsb", "rep insl",
    "movsb", "movsl", "rep movsw", "rep stosb", "rep stosl", "lodsb",
    "lodsl", "scasb", "repne scasb", "repe cmpsb", "cmpsl",
    "xgetbv", "xsetbv", "rdpmc", "monitor", "mwait", "invlpga",
    "skinit", "rdrand %eax", "rdseed %ecx", "popcnt %eax,%ebx",
    "lzcnt %edx,%eax", "tzcnt %eax,%edx", "bswap %eax", "bsf %eax,%ecx",
    "shld $4,%eax,%ebx", "shrd %cl,%edx,%eax", "sete %al", "setne %bh",
    "cmove %eax,%ebx", "cmovg %dx,%cx", "movsbl %al,%edx", "movzbw %ah,%si",
    "movzwl %ax,%eax", "xchg %eax,%ebx", "xchg %ax,%dx", "xchg %al,%ah",
    "rol $3,%al", "shr %cl,%eax", "sar %edx", "rcl $1,%bl",
    "imul %ebx", "mul %cl", "div %ecx", "idivw %bx", "not %eax", "neg %ah",
    "test $0x12,%al", "test $0x1234,%ax", "test $0x12345678,%eax",
    "testb $1,%ah", "testw $0x8000,%dx", "testl $0x80000000,%edi",
    "add $0x12,%al", "add $0x1234,%ax", "add $0x12345678,%eax",
    "sub $1,%ecx", "sub $0x100,%ecx", "cmp $0x7f,%dl", "xor %eax,%eax",
    "mov $0x12,%al", "mov $0x12,%ah", "mov $0x1234,%di",
    "mov $0x12345678,%ebx",
    "mov %es,%ax", "mov %ax,%ds", "push $0x12", "push $0x1234",
    "enter $0x10,$0", "leave", "ret", "ret $8", "lret", "lret $0x10",
    "iret", "fninit", "fnstsw %ax", "fadd %st(1),%st", "fxch",
    "emms", "femms", "pxor %mm0,%mm1", "movd %eax,%mm0",
    "movaps %xmm0,%xmm1", "addps %xmm2,%xmm3", "pshufd $0,%xmm0,%xmm1",
    "palignr $3,%xmm1,%xmm2", "pextrw $2,%xmm0,%eax",
    "pmaddubsw %xmm1,%xmm2", "roundss $4,%xmm0,%xmm1",
    "pcmpistri $0x18,%xmm1,%xmm2", "aesenc %xmm1,%xmm2",
    "pfadd %mm1,%mm0", "pi2fd %mm2,%mm3",
    "vzeroupper", "vzeroall", "vmovdqu %ymm0,%ymm1",
    "vpxor %xmm1,%xmm2,%xmm3", "vpshufb %ymm1,%ymm2,%ymm3",
    "vpermilps $5,%xmm0,%xmm1", "vblendps $3,%xmm1,%xmm2,%xmm3",
    "vpshufd $0x4e,%ymm0,%ymm1", "vpsrldq $4,%xmm0,%xmm1",
    "vcmpps $1,%xmm0,%xmm1,%xmm2", "vfmadd231ps %xmm0,%xmm1,%xmm2",
    "andn %eax,%ebx,%ecx", "bextr %eax,%ebx,%ecx", "shrx %eax,%ebx,%ecx",
    "rorx $3,%eax,%ebx", "blsr %eax,%ebx",
    "vpaddd %zmm1,%zmm2,%zmm3", "vpaddd %zmm1,%zmm2,%zmm3{%k1}{z}",
    "vpternlogd $0xff,%zmm0,%zmm1,%zmm2", "kmovw %k1,%eax",
    "vpcmpd $1,%zmm0,%zmm1,%k2", "vaddph %zmm0,%zmm1,%zmm2",
    "vprotd $3,%xmm0,%xmm1", "vpcmov %xmm0,%xmm1,%xmm2,%xmm3",
    "bextr $0x1234,%eax,%ebx", "vfrczps %xmm0,%xmm1",
    "endbr32", "xlat",
    "jmp .+0x100", "jmp .+2", "je .+0x80", "jne .+0x1000", "call .+0x1000",
    "loop .", "loope .",
    "fwait", "cwtl", "cltd",
    "pushf", "popf", "clts", "rsm",
    "syscall", "sysenter",
]

ONLY64 = [
    "mov $0x123456789abcdef0,%rax", "mov $0x12345678,%r8",
    "movabs $0x1122334455667788,%r15", "movabs 0x1122334455667788,%al",
    "movabs %eax,0x1122334455667788", "movabs 0x1122334455667788,%rax",
    "mov 0x12345678,%eax", "addr32 mov 0x12345678,%eax",
    "movslq %eax,%rbx", "movslq (%rax),%r9", "movslq 0x10(%rip),%rax",
    "movsbq (%rax),%rax",
    "movzwq 0x10(%rsp),%r10", "mov %sil,(%rax)", "mov %spl,%dil",
    "mov %r8b,(%r9)", "mov %r15,(%rsp)", "mov (%rbp),%r12",
    "push %rax", "push %r12", "pop %r15", "pushq $0x12",
    "pushq $0x12345678", "iretq", "sysretq", "sysretl", "swapgs",
    "rdfsbase %rax", "wrgsbase %r9", "lretq", "lock cmpxchg16b (%rdi)",
    "cmpxchg8b (%rax)", "xsave64 (%rax)", "xrstor (%rsp)",
    "fxsave64 (%rbx)", "lgdt (%rax)", "lidt 0x10(%rip)", "ltr %ax",
    "sgdt (%rsp)", "mov %cr8,%rax", "mov %rax,%cr8", "mov %cr2,%r9",
    "mov %r10,%cr4", "mov %dr6,%rcx", "lea 0x10(%rip),%rax",
    "lea (%rax,%rax,2),%rdx", "jrcxz .+5", "jecxz .+5",
    "call *%rax", "jmp *%r11", "call *0x10(%rip)", "jmp *(%rax,%rcx,8)",
    "rep movsq", "rep stosq", "lodsq", "movsq", "stosq", "scasq",
    "lock xadd %rax,(%rdx)", "lock btsq $63,(%rax)",
    "lock andq $-2,0x10(%rip)", "xchg %rax,%r8", "xchg %r9,(%rdi)",
    "incq %gs:0x30", "movq %gs:0x28,%rax", "movl %fs:(%rax),%eax",
    "imul $0x12345678,%rax,%rbx", "imul $-1,%r8,%r9",
    "add $0x12345678,%rax", "cmpq $-1,(%rax)", "testq $0x7fffffff,(%rax)",
    "vmovdqu64 %zmm0,(%rax)", "vmovdqu64 0x40(%rax),%zmm1",
    "vpaddd 0x1000(%rax),%zmm2,%zmm3", "vmovdqu (%rip),%ymm8",
    "vpxor %ymm8,%ymm9,%ymm15", "vpermq $0x4e,%ymm0,%ymm1",
    "vinserti128 $1,(%rax),%ymm1,%ymm2",
    "vgatherdps %xmm0,(%rax,%xmm1,4),%xmm2",
    "pextrq $1,%xmm0,%rax", "pinsrq $1,%rax,%xmm8", "movq %xmm0,%rax",
    "movq %rax,%xmm15", "movd %xmm1,(%rax)", "movq %xmm2,(%rbx)",
    "movq %xmm3,0x10(%rip)", "cvtsi2sdq %rax,%xmm0",
    "crc32q %rax,%rbx", "popcnt %r8,%r9", "bswap %r12", "movbe (%rax),%rax",
    "endbr64", "nopw 0x0(%rax,%rax,1)", "nopl 0x0(%rax)",
    "xchg %ax,%ax", "pause", "clwb (%rax)", "clflushopt (%rax)", "rdpid %rax",
    "invpcid (%rax),%rax", "wbnoinvd", "serialize", "stac", "clac",
    "btq $40,%rax", "bts %rax,(%rbx)", "shlq $3,(%r12)",
    "test %bh,(%rax)",
    "addr32 lea (%eax),%eax", "mov %eax,%eax", "mov %r8d,%eax",
    "jmp .+0x10000", "jg .+0x10000", "call .+0x12345",
    "vpbroadcastd %xmm0,%zmm1{%k1}", "vextracti32x4 $1,%zmm0,0x10(%rax)",
    "kandw %k1,%k2,%k3", "vpshufbitqmb %zmm0,%zmm1,%k1",
    "rdtscp",
]

ONLY32 = [
    "push %es", "pop %ss", "push %ds", "pop %es", "pusha", "popa",
    "daa", "das", "aaa", "aas", "aam", "aad $10", "into",
    "bound %eax,(%ebx)", "les (%ebx),%eax", "lds 0x10(%esi),%edx",
    "arpl %ax,(%ebx)", "ljmp $0x10,$0x12345678", "lcall $0x8,$0x1000",
    "jmp *%eax", "call *0x1234(%ebx)", "inc %eax", "dec %edi",
    "inc %ax", "push %eax", "popl (%eax)", "lahf",
    "mov 0x12345678,%al", "mov %eax,0x12345678", "addr16 mov 0x1234,%ax",
    "addr16 mov %al,0x12", "lgdtl (%eax)", "sgdtl 0x10(%ebx)",
    "jcxz .+5", "jecxz .+5", "lock cmpxchg8b (%esi)", "ljmp *(%eax)",
    "lcall *0x10(%ebx)", "vpaddd %xmm1,%xmm2,%xmm3", "vmovdqu (%eax),%ymm0",
    "vpaddd %zmm1,%zmm2,%zmm3", "vmovdqu32 0x40(%eax),%zmm5",
    "andn %eax,%ebx,%ecx", "movd %xmm0,(%eax)", "movq %xmm0,(%eax)",
    "mov %cr0,%eax", "mov %eax,%cr0", "fs mov (%eax),%eax",
    "mov %cr4,%edx", "mov %dr7,%eax", "mov %eax,%dr0", "mov %eax,%cr3",
    "pushw $0x1234", "pushl $0x12345678", "retw", "data16 call .+0x100",
    "sysexit", "iretw",
]

ONLY16 = [
    "push %es", "pop %ds", "pusha", "popa", "pushl %eax", "push $0x1234",
    "pushl $0x12345678", "ljmp $0xf000,$0xfff0", "ljmpl $0x10,$0x12345678",
    "lcall $0x0,$0x7c00", "jmp .+0x100", "je .+0x80", "call .+0x1000",
    "mov $0x1234,%ax", "mov $0x12345678,%eax", "mov 0x1234,%al",
    "mov %ax,0x1234", "addr32 mov 0x12345678,%eax", "lgdtl (%si)",
    "lidtw 0x10(%bx)", "mov %cr0,%eax", "mov %eax,%cr0", "int $0x10",
    "int $0x15", "iret", "lret", "ret $2", "enter $8,$1", "les (%bx),%ax",
    "lds (%bp),%si", "bound %ax,(%di)", "in $0x92,%al", "out %al,$0x92",
    "rep movsb", "rep movsl", "rep stosw", "addr32 rep movsb",
    "movzbw (%bx),%ax", "movzbl (%bx),%eax", "movsbl (%bp,%si),%edx",
    "lock incw (%bx)", "xchg %ax,(%bx)", "cmpl $0,(%bx)",
    "addl $0x12345678,(%bx,%si)", "aam", "daa", "inc %ax", "dec %cx",
    "cpuid", "rdmsr", "wrmsr", "hlt", "vmmcall", "lmsw %ax", "smsw %ax",
    "cli", "sti", "loop .", "jcxz .+5", "jecxz .+5",
    "vpaddd %xmm1,%xmm2,%xmm3", "movdqu (%bx),%xmm0",
]

# Encodings as raw bytes: forms an assembler would not pick by itself.
RAW = {
    64: ["66 2e 0f 1f 84 00 00 00 00 00",
         "0f 20 00", "0f 22 58", "0f 21 87", "0f 23 c0",   # mod ignored
         "66 66 66 66 66 66 66 66 66 66 66 66 66 90",      # 14 bytes
         "f3 48 a5", "f2 a4",
         "2e 3e 26 8b 00", "67 48 8b 05 00 00 00 00",
         "c7 f8 00 01 00 00", "c6 f8 12", "66 e8 00 01",
         "66 e9 00 01", "66 0f 84 00 01", "48 e8 00 00 00 00",
         "48 b8 01 02 03 04 05 06 07 08", "66 b8 34 12",
         "41 b0 12", "f6 00 12", "f6 10", "f7 00 78 56 34 12",
         "66 f7 00 34 12", "48 f7 00 78 56 34 12", "f7 18",
         "0f 0f c1 9e", "0f 0f 40 10 b4", "0f b9 00", "0f ff 00",
         "0f 0d 08", "0f 18 00", "0f 1f 44 00 00", "c4 e3 79 4a c1 20",
         "62 f1 7d 48 6f 00", "62 f1 7d 48 6f 40 01",
         "8f e8 78 c2 c1 05", "8f e9 78 81 c1", "8f ea 78 10 c0 78 56 34 12",
         "8f 00", "8f c0", "d9 c9", "dd 04 24", "0f ae f0",
         "0f 01 d9", "0f 01 f8", "0f 01 f9", "0f c7 f8",
         "f3 0f b8 c0", "f0 ff 00", "65 48 8b 04 25 28 00 00 00",
         "8b 04 65 00 00 00 00", "8b 84 24 00 01 00 00",
         "8b 44 24 08", "8b 45 00", "41 8b 45 00", "41 8b 04 24",
         "42 8b 04 20", "4a 8b 04 e5 00 00 00 00",
         "a0 00 00 00 00 00 00 00 80",
         "67 a1 78 56 34 12", "c8 08 00 01", "c2 08 00", "ca 08 00"],
    32: ["0f 20 00", "0f 22 18", "66 66 66 66 66 66 66 66 66 66 66 66 90",
         "c4 00", "c5 00", "62 00", "c4 e1 79 6f c1", "c5 f9 6f c1",
         "62 f1 7d 48 6f 00", "8f 00", "8f e8 78 c2 c1 05",
         "82 c0 12", "82 00 12", "66 a1 34 12 00 00", "67 a1 34 12",
         "9a 78 56 34 12 08 00", "66 9a 34 12 08 00", "ea 78 56 34 12 10 00",
         "8b 04 25 00 00 00 00", "8b 05 00 00 00 00", "67 8b 07",
         "67 8b 47 10", "67 8b 87 00 10", "67 8b 06 34 12",
         "f6 c4 01", "f7 c0 78 56 34 12", "66 f7 c0 34 12", "f7 d0",
         "e8 00 00 00 00", "66 e8 00 01", "0f 84 00 00 00 00",
         "66 0f 84 00 01", "d4 0a", "d5 0a", "cd 80", "ce"],
    16: ["0f 20 c0", "0f 22 c0", "8b 06 34 12", "8b 46 00", "8b 86 00 01",
         "8b 00", "8b 40 10", "8b 80 00 10", "67 8b 00", "67 8b 04 24",
         "67 8b 05 78 56 34 12", "67 8b 44 24 08", "66 8b 00",
         "a1 34 12", "67 a1 78 56 34 12", "e8 00 01", "66 e8 00 00 00 00",
         "e9 00 01", "0f 84 00 01", "66 0f 84 00 00 00 00", "ea 00 7c 00 00",
         "66 ea 78 56 34 12 10 00", "c7 06 34 12 78 56",
         "66 c7 06 34 12 78 56 34 12", "f7 06 34 12 78 56", "c5 f9 6f c1",
         "c4 00", "68 34 12", "66 68 78 56 34 12", "6a 12", "c8 10 00 00"],
}

MODES = {16: ".code16", 32: ".code32", 64: ".code64"}
LINE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$")


def assemble(mode, lines):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "t.s")
        obj = os.path.join(tmp, "t.o")
        with open(src, "w") as f:
            f.write(MODES[mode] + "\n")
            for line in lines:
                f.write(line + "\n")
        subprocess.run(["as", "--64", "-W", "-o", obj, src], check=True)
        dis = subprocess.run(
            ["objdump", "-d", "--insn-width=16", "-M",
             {16: "i8086", 32: "i386", 64: "x86-64"}[mode] + ",suffix", obj],
            check=True, capture_output=True, text=True).stdout
    rows = []
    for line in dis.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        text = m.group(3).strip()
        if "(bad)" in text:
            sys.exit("gen_lengths: objdump cannot decode %r (mode %d)"
                     % (line, mode))
        rows.append((m.group(2).split(), text))
    return rows


def raw_lines(seqs):
    return [".byte " + ",".join("0x" + b for b in s.split()) for s in seqs]


def main():
    out = sys.argv[1]
    regs64 = ("%cl", "%dx", "%esi", "%r8")
    regs32 = ("%dh", "%bx", "%ebp", None)
    table = []
    lists = {
        64: forms(MEM64, regs64, "q") + COMMON + ONLY64,
        32: forms(MEM32, regs32, "l") + COMMON + ONLY32,
        16: forms(MEM16, regs32, "w") + COMMON + ONLY16,
    }
    for mode in (16, 32, 64):
        rows = assemble(mode, lists[mode])
        # The raw sequences one by one, so objdump's view of each is
        # exactly one instruction covering all its bytes.
        for seq in RAW[mode]:
            r = assemble(mode, raw_lines([seq]))
            if len(r) != 1 or len(r[0][0]) != len(seq.split()):
                sys.exit("gen_lengths: %r is not one instruction in "
                         "mode %d: %r" % (seq, mode, r))
            rows += r
        for bs, text in rows:
            table.append((mode, bs, text))

    with open(out + ".tmp", "w") as f:
        f.write("/* Generated by gen_lengths.py from as/objdump: "
                "do not edit. */\n")
        for mode, bs, text in table:
            f.write('{ %d, %d, "%s", "%s" },\n' % (
                mode, len(bs), "".join("\\x" + b for b in bs),
                text.replace("\\", "\\\\").replace('"', '\\"')))
    os.rename(out + ".tmp", out)
    print("  GEN     %s (%d instructions)" % (os.path.basename(out),
                                            len(table)))


if __name__ == "__main__":
    main()
