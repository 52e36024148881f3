/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host stand-ins for printk() and panic(); see harness.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#include <xen/console.h>
#include <xen/param.h>

/*
 * One parameter of our own, so the xen_params section exists in every
 * binary and the linker defines __start/__stop_xen_params for
 * cmdline_parse() (the real table: com1=, dom0_mem=, ...).
 */
static bool opt_harness;
boolean_param("keel_unit_harness", opt_harness);

static char log_buf[TEST_LOG_SIZE];
static size_t log_len;
jmp_buf *test_panic_jmp;

void test_log_reset(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

const char *test_log(void)
{
    return log_buf;
}

bool test_log_contains(const char *needle)
{
    return strstr(log_buf, needle) != NULL;
}

unsigned int test_log_count(const char *needle)
{
    const char *p = log_buf;
    unsigned int n = 0;
    size_t l = strlen(needle);

    if ( !l )
        return 0;
    while ( (p = strstr(p, needle)) != NULL )
    {
        n++;
        p += l;
    }
    return n;
}

unsigned int test_log_lines(void)
{
    return test_log_count("\n");
}

static void log_puts(const char *s)
{
    size_t n = strlen(s);

    if ( log_len + n >= sizeof(log_buf) )
        n = sizeof(log_buf) - 1 - log_len;
    memcpy(log_buf + log_len, s, n);
    log_len += n;
    log_buf[log_len] = '\0';
}

static void log_append(const char *fmt, va_list ap)
{
    char tmp[1024];
    const char *s = tmp;

    if ( vsnprintf(tmp, sizeof(tmp), fmt, ap) < 0 )
        return;
    /* Drop a leading log level ("<0>".."<3>"), as the console does. */
    if ( s[0] == '<' && s[1] >= '0' && s[1] <= '9' && s[2] == '>' )
        s += 3;
    log_puts(s);
}

void vprintk(const char *fmt, va_list args)
{
    log_append(fmt, args);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_append(fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    log_puts("PANIC: ");
    va_start(ap, fmt);
    log_append(fmt, ap);
    va_end(ap);
    if ( test_panic_jmp )
        longjmp(*test_panic_jmp, 1);
    fprintf(stderr, "unexpected panic; log:\n%s\n", log_buf);
    abort();
}

/* See host_compat.h.  Same contract as the hypervisor's string.c. */
size_t strlcpy(char *d, const char *s, size_t n)
{
    size_t l = strlen(s);

    if ( n )
    {
        size_t c = l < n - 1 ? l : n - 1;

        memcpy(d, s, c);
        d[c] = '\0';
    }
    return l;
}

size_t strlcat(char *d, const char *s, size_t n)
{
    size_t dl = strnlen(d, n);

    if ( dl == n )
        return n + strlen(s);
    return dl + strlcpy(d + dl, s, n - dl);
}

void *test_load_debian_vmlinuz(size_t *len)
{
    const char *cache = getenv("KEEL_CACHE");
    const char *home = getenv("HOME");
    char path[512];
    void *img;
    FILE *f;
    long n;

    if ( cache )
        snprintf(path, sizeof(path), "%s/vmlinuz", cache);
    else
        snprintf(path, sizeof(path), "%s/.cache/keel/vmlinuz",
                 home ? home : "");
    f = fopen(path, "rb");
    if ( !f )
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    img = n > 0 ? malloc(n) : NULL;
    if ( !img || fread(img, 1, n, f) != (size_t)n )
    {
        fclose(f);
        free(img);
        fail_msg("%s: cannot read it", path);
    }
    fclose(f);
    *len = n;
    return img;
}
