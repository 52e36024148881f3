# SPDX-License-Identifier: GPL-2.0-or-later
# The x86 instruction decoder and MMIO emulator, and its HVM glue.  The length table is made
# at build time from the host's as/objdump (gen_lengths.py).
XEN_SRCS    := xen/arch/x86/x86_emulate.c xen/arch/x86/hvm/emulate.c
AREA_CFLAGS := -I$(BUILD)/x86_emulate

$(BUILD)/test_x86_emulate: $(BUILD)/x86_emulate/lengths.inc

$(BUILD)/x86_emulate/lengths.inc: $(UNIT)/x86_emulate/gen_lengths.py
	@mkdir -p $(dir $@)
	@python3 $< $@
