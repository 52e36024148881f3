/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor command line: cooking and parsing. */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/console.h>
#include <xen/errno.h>

char saved_cmdline[SAVED_CMDLINE_SIZE];

extern const struct kernel_param __start_xen_params[], __stop_xen_params[];

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int parse_bool(const char *s, const char *e)
{
    static const struct { const char *w; int v; } words[] = {
        { "yes", 1 }, { "on", 1 }, { "true", 1 }, { "enable", 1 }, { "1", 1 },
        { "no", 0 }, { "off", 0 }, { "false", 0 }, { "disable", 0 },
        { "0", 0 },
    };
    size_t len = e ? (size_t)(e - s) : strlen(s);
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(words); i++ )
        if ( strlen(words[i].w) == len && !strncmp(s, words[i].w, len) )
            return words[i].v;
    return -1;
}

const char *cmdline_cook(const char *p, const char *loader_name)
{
    const char *q;

    if ( !p )
        return "";
    while ( is_space(*p) )
        p++;

    /*
     * Legacy loaders (GRUB 0.97 "GNU GRUB 0.97", QEMU "qemu", unknown ones)
     * put the image path first.  GRUB 2 does not, except when it reads a
     * menu.lst through legacy_configfile: then the first word is a path.
     * A first word with '=' is always an option.
     */
    for ( q = p; *q && !is_space(*q); q++ )
        if ( *q == '=' )
            return p;
    if ( loader_name && !strncmp(loader_name, "GRUB 2", 6) &&
         *p != '/' && *p != '(' )
        return p;
    while ( is_space(*q) )
        q++;
    return q;
}

static void store_uint(const struct kernel_param *kp, unsigned long long v)
{
    switch ( kp->len )
    {
    case 1: *(u8 *)kp->par.var = v; break;
    case 2: *(u16 *)kp->par.var = v; break;
    case 4: *(u32 *)kp->par.var = v; break;
    case 8: *(u64 *)kp->par.var = v; break;
    }
}

static bool fits(const struct kernel_param *kp, unsigned long long v)
{
    return kp->len >= 8 || v < (1ULL << (kp->len * 8));
}

/* Apply one "key[=value]" to kp.  Returns 0 or -EINVAL. */
static int apply_param(const struct kernel_param *kp, const char *val,
                       bool negated)
{
    const char *e;
    unsigned long long v;
    int b;

    switch ( kp->type )
    {
    case OPT_BOOL:
        b = val ? parse_bool(val, NULL) : 1;
        if ( b < 0 )
            return -EINVAL;
        store_uint(kp, negated ? !b : b);
        return 0;

    case OPT_UINT:
        if ( !val || negated )
            return -EINVAL;
        v = simple_strtoull(val, &e, 0);
        if ( e == val || *e || !fits(kp, v) )
            return -EINVAL;
        store_uint(kp, v);
        return 0;

    case OPT_SIZE:
        if ( !val || negated )
            return -EINVAL;
        v = parse_size_and_unit(val, &e);
        if ( e == val || *e || !fits(kp, v) )
            return -EINVAL;
        store_uint(kp, v);
        return 0;

    case OPT_STR:
        if ( !val || negated )
            return -EINVAL;
        if ( strlen(val) >= kp->len )
            return -E2BIG;
        strlcpy(kp->par.var, val, kp->len);
        return 0;

    case OPT_CUSTOM:
        if ( negated )
            return -EINVAL;
        return kp->par.func(val ? val : "");
    }
    return -EINVAL;
}

void cmdline_parse_table(const char *cmdline,
                         const struct kernel_param *start,
                         const struct kernel_param *end)
{
    char word[256];
    const char *p = cmdline;

    if ( !p )
        return;

    for ( ; ; )
    {
        const struct kernel_param *kp;
        const char *ws;
        char *val, *key;
        size_t len;
        bool negated = false, found = false;
        int rc = 0;

        while ( is_space(*p) )
            p++;
        if ( !*p )
            break;
        ws = p;
        while ( *p && !is_space(*p) )
            p++;
        len = p - ws;
        if ( len >= sizeof(word) )
        {
            printk(XENLOG_WARNING "parameter \"%.32s...\" is too long, "
                   "ignored\n", ws);
            continue;
        }
        memcpy(word, ws, len);
        word[len] = '\0';

        key = word;
        val = strchr(word, '=');
        if ( val )
            *val++ = '\0';

        for ( kp = start; kp < end; kp++ )
        {
            if ( !strcmp(kp->name, key) )
            {
                found = true;
                rc = apply_param(kp, val, false);
                break;
            }
            /* "no-foo" / "nofoo" turn a boolean "foo" off. */
            if ( kp->type == OPT_BOOL && !val &&
                 ((!strncmp(key, "no-", 3) && !strcmp(kp->name, key + 3)) ||
                  (!strncmp(key, "no", 2) && !strcmp(kp->name, key + 2))) )
            {
                found = true;
                negated = true;
                rc = apply_param(kp, NULL, negated);
                break;
            }
        }

        if ( !found )
            printk(XENLOG_WARNING "parameter \"%s\" unknown, ignored\n",
                   key);
        else if ( rc )
            printk(XENLOG_WARNING "parameter \"%s\" has invalid value "
                   "\"%s\" (%s), using the default\n", key,
                   val ? val : "", rc == -E2BIG ? "too long" : "malformed");
    }
}

void cmdline_parse(const char *cmdline)
{
    if ( cmdline )
        strlcpy(saved_cmdline, cmdline, sizeof(saved_cmdline));
    cmdline_parse_table(cmdline, __start_xen_params, __stop_xen_params);
}
