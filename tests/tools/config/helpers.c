/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

char *fixture_path(const char *name)
{
    const char *dir = getenv("KEEL_TEST_DIR");
    char *p = NULL;

    assert_non_null(dir);
    assert_true(asprintf(&p, "%s/fixtures/%s", dir, name) > 0);
    return p;
}

char *fixture(const char *name, size_t *len)
{
    char *path = fixture_path(name);
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if ( !f )
        fail_msg("fixture %s: cannot open", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    free(path);
    if ( len )
        *len = (size_t)n;
    return buf;
}

struct kcfg *parse_ok(const char *text)
{
    struct kcfg *cfg = NULL;
    struct kcfg_error err;
    char buf[512];

    if ( kcfg_parse_string("vm.cfg", text, strlen(text), NULL, 0, &cfg,
                           &err) )
        fail_msg("unexpected error: %s", kcfg_error_format(&err, buf,
                                                           sizeof(buf)));
    return cfg;
}

void expect_error_ov(const char *text, const char *const *ov, size_t n,
                     const char *message)
{
    struct kcfg *cfg = NULL;
    struct kcfg_domain *dom = NULL;
    struct kcfg_error err;
    char buf[512];

    memset(&err, 0, sizeof(err));
    if ( !kcfg_parse_string("vm.cfg", text, strlen(text), ov, n, &cfg,
                            &err) )
    {
        assert_non_null(cfg);
        if ( !kcfg_domain_build(cfg, &dom, &err) )
        {
            kcfg_domain_free(dom);
            kcfg_free(cfg);
            fail_msg("no error for:\n%s\n(expected %s)", text, message);
        }
        assert_null(dom);
        kcfg_free(cfg);
    }
    else
        assert_null(cfg);
    assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)),
                        message);
}

void expect_error(const char *text, const char *message)
{
    expect_error_ov(text, NULL, 0, message);
}
