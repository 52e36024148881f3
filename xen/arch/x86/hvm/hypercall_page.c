/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall page a guest asks for by writing its address to MSR
 * 0x40000000 (public/arch-x86/cpuid.h, leaf base+2).  128 stubs of 32
 * bytes, one per hypercall number: "mov $nr, %eax; vmmcall; ret" (VMCALL
 * on VMX).  Entry 23 (__HYPERVISOR_iret, PV only) gets ud2 instead, as in
 * Xen; the rest of each slot is int3.
 */
#include <xen/lib.h>
#include <asm/config.h>
#include <asm/hvm/hvm.h>

#define HYPERCALL_STUB_SIZE 32
#define HYPERCALL_IRET      23

void hvm_init_hypercall_page(void *va)
{
    u8 *p = va;
    unsigned int i;

    memset(p, 0xcc, PAGE_SIZE);
    for ( i = 0; i < PAGE_SIZE / HYPERCALL_STUB_SIZE; i++ )
    {
        u8 *stub = p + i * HYPERCALL_STUB_SIZE;

        if ( i == HYPERCALL_IRET )
        {
            stub[0] = 0x0f;             /* ud2 */
            stub[1] = 0x0b;
            continue;
        }
        stub[0] = 0xb8;                 /* mov $i, %eax */
        stub[1] = i;
        stub[2] = stub[3] = stub[4] = 0;
        memcpy(stub + 5, hvm_funcs.hypercall_insn, 3);
        stub[8] = 0xc3;                 /* ret */
    }
}
