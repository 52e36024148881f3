/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the tests of tools/config. */
#ifndef CONFIG_TEST_HELPERS_H
#define CONFIG_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "keelcfg.h"

/* Pins os.uname()[4] (tools/config/internal.h). */
extern const char *kcfg_machine_override;

/* fixtures/<name>, read whole; free() it.  Fails the test if missing. */
char *fixture(const char *name, size_t *len);
char *fixture_path(const char *name);

/* Parse text as "vm.cfg"; expect success. */
struct kcfg *parse_ok(const char *text);
/* Parse + build; expect failure with exactly this formatted message. */
void expect_error(const char *text, const char *message);
void expect_error_ov(const char *text, const char *const *ov, size_t n,
                     const char *message);

int run_vmcfg_tests(void);
int run_domain_tests(void);
int run_sxp_tests(void);
int run_xend_tests(void);

#endif
