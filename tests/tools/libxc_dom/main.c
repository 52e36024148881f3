// SPDX-License-Identifier: GPL-2.0-or-later
/* One binary, four groups: images, cache, layout and loader, builder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

int run_image_tests(void);
int run_cache_tests(void);
int run_layout_tests(void);
int run_build_tests(void);

int main(void)
{
    int rc = 0;

    rc |= run_image_tests();
    rc |= run_cache_tests();
    rc |= run_layout_tests();
    rc |= run_build_tests();
    return rc ? 1 : 0;
}
