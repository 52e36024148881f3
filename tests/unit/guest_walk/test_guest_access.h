/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guest_access tests, run in the guest_walk group. */
#ifndef TEST_GUEST_ACCESS_H
#define TEST_GUEST_ACCESS_H
void test_copy_phys(void **state);
void test_copy_virt(void **state);
int guest_access_teardown(void **state);
#endif
