/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of hvm/emulate.c (test_hvm_emulate.c), run in the one group. */
#ifndef HVM_EMULATE_TESTS_H
#define HVM_EMULATE_TESTS_H
void test_hvm_insn_length_pages(void **state);
void test_hvm_insn_length_fault(void **state);
void test_hvm_emulate_mmio(void **state);
void test_hvm_emulate_ram_and_io(void **state);
void test_hvm_emulate_failures(void **state);
#endif
