/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HVMOP_* sub-operations of the hvm_op hypercall (34) and their argument
 * structures, as in the Xen public interface (hvm/hvm_op.h).
 */
#ifndef PUBLIC_HVM_HVM_OP_H
#define PUBLIC_HVM_HVM_OP_H

#include <xen/types.h>

#define HVMOP_set_param             0
#define HVMOP_get_param             1
struct xen_hvm_param {
    u16 domid;                  /* IN: domid_t, DOMID_SELF allowed */
    u16 pad;
    u32 index;                  /* IN: HVM_PARAM_* */
    u64 value;                  /* IN/OUT */
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");

#define HVMOP_set_pci_intx_level    2
#define HVMOP_set_isa_irq_level     3
#define HVMOP_set_pci_link_route    4
#define HVMOP_flush_tlbs            5
#define HVMOP_pagetable_dying       9
#define HVMOP_get_time              10
struct xen_hvm_get_time {
    u64 now;                    /* OUT: system time in ns */
};

#define HVMOP_get_mem_type          15
struct xen_hvm_get_mem_type {
    u16 domid;
    u16 mem_type;               /* OUT: HVMMEM_* */
    u16 pad[2];
    u64 pfn;
};
#define HVMMEM_ram_rw               0
#define HVMMEM_ram_ro               1
#define HVMMEM_mmio_dm              2
#define HVMMEM_unused               3
#define HVMMEM_ioreq_server         4

#define HVMOP_set_evtchn_upcall_vector 23
struct xen_hvm_evtchn_upcall_vector {
    u32 vcpu;
    u8 vector;
};

#define HVMOP_guest_request_vm_event 24
#define HVMOP_altp2m                25

#endif /* PUBLIC_HVM_HVM_OP_H */
