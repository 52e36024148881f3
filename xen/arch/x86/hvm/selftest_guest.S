/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The HVM selftest's guest (selftest.c): flat 32-bit protected mode,
 * paging off, loaded at guest-physical SELFTEST_CODE.  It finds Xen's
 * CPUID leaves, installs the hypercall page through the MSR that leaf
 * base+2 names, checks a few filtered CPUID bits, an intercepted RDMSR
 * and unclaimed port I/O, writes a line with console_io through the
 * hypercall page, and
 * halts with EAX = 0x600d (0xbad on any mismatch).  It is only data to
 * the hypervisor: copied into the guest, never run on the host.
 */
#define SELFTEST_CODE       0x1000
#define SELFTEST_HCALL_PAGE 0x2000
#define SELFTEST_STACK_TOP  0x8000
#define GPA(sym)            ((sym) - hvm_selftest_guest + SELFTEST_CODE)

        .section .rodata, "a"
        .globl hvm_selftest_guest, hvm_selftest_guest_end
        .code32
hvm_selftest_guest:
        mov     $SELFTEST_STACK_TOP, %esp

        mov     $0x40000000, %eax
        xor     %ecx, %ecx
        cpuid
        cmp     $0x566e6558, %ebx           /* "XenV" */
        jne     1f
        cmp     $0x65584d4d, %ecx           /* "MMXe" */
        jne     1f
        cmp     $0x4d4d566e, %edx           /* "nVMM" */
        jne     1f

        mov     $0x40000002, %eax
        xor     %ecx, %ecx
        cpuid
        cmp     $1, %eax                    /* one hypercall page */
        jne     1f
        mov     %ebx, %ecx                  /* the MSR */
        mov     $SELFTEST_HCALL_PAGE, %eax
        xor     %edx, %edx
        wrmsr

        /* Leaf 1 has the hypervisor bit; SVM is hidden. */
        mov     $1, %eax
        cpuid
        bt      $31, %ecx
        jnc     1f
        mov     $0x80000001, %eax
        cpuid
        bt      $2, %ecx
        jc      1f

        /* EFER reads without SVME (an intercepted RDMSR). */
        mov     $0xc0000080, %ecx
        rdmsr
        bt      $12, %eax
        jc      1f

        /* Intercepted ports nobody claims: reads float high. */
        mov     $0x1234, %dx
        xor     %eax, %eax
        in      %dx, %al
        cmp     $0xff, %al
        jne     1f
        out     %al, $0x80
        xor     %eax, %eax
        in      %dx, %eax
        cmp     $0xffffffff, %eax
        jne     1f

        /* console_io(CONSOLEIO_write, len, buf): rdi, rsi, rdx. */
        xor     %edi, %edi
        mov     $(msg_end - msg), %esi
        mov     $GPA(msg), %edx
        mov     $(SELFTEST_HCALL_PAGE + 18 * 32), %eax
        call    *%eax
        test    %eax, %eax
        jnz     1f

        mov     $0x600d, %eax
        cli
        hlt
1:      mov     $0xbad, %eax
        cli
        hlt

msg:    .ascii  "HVM selftest guest: hello through the hypercall page\n"
msg_end:
hvm_selftest_guest_end:
        .code64
