/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * physdev_op hypercall (__HYPERVISOR_physdev_op 33): physdev_op(cmd, arg).
 * Numbers and layouts from Xen's public physdev.h; only what a PVH dom0
 * uses is listed.
 */
#ifndef PUBLIC_PHYSDEV_H
#define PUBLIC_PHYSDEV_H

#include <public/xen.h>

#define PHYSDEVOP_irq_status_query      5
#define PHYSDEVOP_set_iopl              6
#define PHYSDEVOP_set_iobitmap          7
#define PHYSDEVOP_apic_read             8
#define PHYSDEVOP_apic_write            9
#define PHYSDEVOP_alloc_irq_vector     10
#define PHYSDEVOP_free_irq_vector      11
#define PHYSDEVOP_eoi                  12
#define PHYSDEVOP_map_pirq             13
#define PHYSDEVOP_unmap_pirq           14
#define PHYSDEVOP_manage_pci_add       15
#define PHYSDEVOP_manage_pci_remove    16
#define PHYSDEVOP_pirq_eoi_gmfn_v1     17
#define PHYSDEVOP_restore_msi          19
#define PHYSDEVOP_manage_pci_add_ext   20
#define PHYSDEVOP_setup_gsi            21
#define PHYSDEVOP_get_free_pirq        23
#define PHYSDEVOP_pci_mmcfg_reserved   24
#define PHYSDEVOP_pci_device_add       25
#define PHYSDEVOP_pci_device_remove    26
#define PHYSDEVOP_restore_msi_ext      27
#define PHYSDEVOP_pirq_eoi_gmfn_v2     28
#define PHYSDEVOP_dbgp_op              29
#define PHYSDEVOP_prepare_msix         30
#define PHYSDEVOP_release_msix         31
#define PHYSDEVOP_pci_device_reset     32

struct physdev_eoi {
    uint32_t irq;
};

struct physdev_irq_status_query {
    uint32_t irq;               /* IN */
    uint32_t flags;             /* OUT: XENIRQSTAT_* */
};
#define XENIRQSTAT_needs_eoi (1U << 0)
#define XENIRQSTAT_shared    (1U << 1)

struct physdev_set_iopl {
    uint32_t iopl;
};

#define MAP_PIRQ_TYPE_MSI           0x0
#define MAP_PIRQ_TYPE_GSI           0x1
#define MAP_PIRQ_TYPE_UNKNOWN       0x2
#define MAP_PIRQ_TYPE_MSI_SEG       0x3
#define MAP_PIRQ_TYPE_MULTI_MSI     0x4

struct physdev_map_pirq {
    domid_t domid;
    uint16_t pad;
    int32_t type;
    int32_t index;
    int32_t pirq;               /* IN/OUT */
    int32_t bus;
    int32_t devfn;
    int32_t entry_nr;           /* IN/OUT */
    uint64_t table_base;
};

struct physdev_unmap_pirq {
    domid_t domid;
    uint16_t pad;
    int32_t pirq;
};

struct physdev_setup_gsi {
    int32_t gsi;
    uint8_t triggering;         /* 0 edge, 1 level */
    uint8_t polarity;           /* 0 active high, 1 active low */
};

struct physdev_get_free_pirq {
    int32_t type;               /* IN: MAP_PIRQ_TYPE_* */
    uint32_t pirq;              /* OUT */
};

struct physdev_pci_mmcfg_reserved {
    uint64_t address;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags;
};
#define XEN_PCI_MMCFG_RESERVED 0x1

#define XEN_PCI_DEV_EXTFN   0x1
#define XEN_PCI_DEV_VIRTFN  0x2
#define XEN_PCI_DEV_PXM     0x4

struct physdev_pci_device_add {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    uint32_t flags;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
    /* uint32_t optarr[]: the proximity domain when XEN_PCI_DEV_PXM. */
};

struct physdev_pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};

struct physdev_manage_pci {
    uint8_t bus;
    uint8_t devfn;
};

_Static_assert(sizeof(struct physdev_map_pirq) == 40, "physdev_map_pirq");
_Static_assert(sizeof(struct physdev_setup_gsi) == 8, "physdev_setup_gsi");
_Static_assert(sizeof(struct physdev_pci_mmcfg_reserved) == 16,
               "physdev_pci_mmcfg_reserved");
_Static_assert(sizeof(struct physdev_pci_device_add) == 12,
               "physdev_pci_device_add");

#endif /* PUBLIC_PHYSDEV_H */
