/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The typed view of a vm.cfg (struct kcfg_domain): defaults from the
 * option table, validation with the position of the offending value, and
 * the SXP that "xm create --dryrun" prints, laid out as Xen 4.1's create.py
 * make_config() builds it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* What the SXP needs beyond the public fields. */
struct dom_priv {
    struct arena arena;
    const char *on_poweroff, *on_reboot, *on_crash; /* as written */
    const char *features, *on_xend_start, *on_xend_stop, *pool;
    long tsc_mode, nomigrate, target, s3_integrity, oos, superpages;
    long maxvcpus, vcpu_avail_set, hap;
    int localtime_set;
};

struct ctx {
    const struct kcfg *cfg;
    struct kcfg_domain *d;
    struct dom_priv *pv;
    struct kcfg_error *err;
};

static bool verr(struct ctx *c, const struct kcfg_value *v,
                 const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An error at a value: file:line:col, or "command line" for overrides. */
static bool verr(struct ctx *c, const struct kcfg_value *v,
                 const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if ( v && v->line )
        err_vset(c->err, c->cfg->file, v->line, v->column, fmt, ap);
    else if ( v )
        err_vset(c->err, "command line", 0, 0, fmt, ap);
    else
        err_vset(c->err, c->cfg->file, 0, 0, fmt, ap);
    va_end(ap);
    return false;
}

/* An error inside a string item: at byte off of it when it is verbatim. */
static bool verr_in(struct ctx *c, const struct kcfg_value *v, size_t off,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool verr_in(struct ctx *c, const struct kcfg_value *v, size_t off,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if ( v->text_line && off <= v->len )
        err_vset(c->err, c->cfg->file, v->text_line,
                 v->text_column + (int)off, fmt, ap);
    else if ( v->line )
        err_vset(c->err, c->cfg->file, v->line, v->column, fmt, ap);
    else
        err_vset(c->err, "command line", 0, 0, fmt, ap);
    va_end(ap);
    return false;
}

static const char *tname(const struct kcfg_value *v)
{
    switch ( v->type )
    {
    case KCFG_NONE: return "None";
    case KCFG_BOOL: return "a bool";
    case KCFG_INT: return "a number";
    case KCFG_STR: return "a string";
    default: return "a list";
    }
}

/* Ints: 512, "512", True; the switches also take "yes"/"no"/"on"/"off". */
static bool get_long(struct ctx *c, const char *name, long def, long *out)
{
    const struct kcfg_value *v = kcfg_get(c->cfg, name);
    char *end;
    const char *s;
    long long i;

    *out = def;
    if ( !v || v->type == KCFG_NONE )
        return true;
    if ( v->type == KCFG_INT || v->type == KCFG_BOOL )
    {
        if ( v->i > 0x7fffffffLL * 1024 || v->i < -0x7fffffffLL * 1024 )
            return verr(c, v, "%s: %lld is out of range", name, v->i);
        *out = (long)v->i;
        return true;
    }
    if ( v->type == KCFG_STR )
    {
        s = v->s;
        while ( *s == ' ' )
            s++;
        if ( !strcasecmp(s, "yes") || !strcasecmp(s, "on") ||
             !strcasecmp(s, "true") )
        {
            *out = 1;
            return true;
        }
        if ( !strcasecmp(s, "no") || !strcasecmp(s, "off") ||
             !strcasecmp(s, "false") )
        {
            *out = 0;
            return true;
        }
        i = strtoll(s, &end, 0);
        while ( *end == ' ' )
            end++;
        if ( *s && !*end && i <= 0x7fffffffLL * 1024 &&
             i >= -0x7fffffffLL * 1024 )
        {
            *out = (long)i;
            return true;
        }
        return verr(c, v, "%s: expected a number, found '%.60s'", name,
                    v->s);
    }
    return verr(c, v, "%s: expected a number, found %s", name, tname(v));
}

static bool get_int(struct ctx *c, const char *name, int def, int *out)
{
    long l;

    if ( !get_long(c, name, def, &l) )
        return false;
    if ( l > 0x7fffffff || l < -0x7fffffff )
        return verr(c, kcfg_get(c->cfg, name), "%s: %ld is out of range",
                    name, l);
    *out = (int)l;
    return true;
}

static bool get_str(struct ctx *c, const char *name, const char *def,
                    const char **out)
{
    const struct kcfg_value *v = kcfg_get(c->cfg, name);

    *out = def;
    if ( !v || v->type == KCFG_NONE )
        return true;
    if ( v->type == KCFG_STR )
    {
        *out = v->s;
        return true;
    }
    if ( v->type == KCFG_INT )
    {
        *out = arena_printf(&c->pv->arena, "%lld", v->i);
        return *out ? true : verr(c, NULL, "out of memory");
    }
    return verr(c, v, "%s: expected a string, found %s", name, tname(v));
}

/* A list of strings (a lone string counts as a list of one). */
static bool get_strlist(struct ctx *c, const char *name,
                        const struct kcfg_value **items, size_t *n,
                        struct kcfg_value *single)
{
    const struct kcfg_value *v = kcfg_get(c->cfg, name);
    size_t i;

    *items = NULL;
    *n = 0;
    if ( !v || v->type == KCFG_NONE )
        return true;
    if ( v->type == KCFG_STR )
    {
        *single = *v;
        *items = single;
        *n = 1;
        return true;
    }
    if ( v->type != KCFG_LIST )
        return verr(c, v, "%s: expected a list of strings such as "
                    "['...', '...'], found %s", name, tname(v));
    for ( i = 0; i < v->n; i++ )
        if ( v->items[i].type != KCFG_STR )
            return verr(c, &v->items[i], "%s: item %zu is %s; each item "
                        "must be a string in quotes", name, i + 1,
                        tname(&v->items[i]));
    *items = v->items;
    *n = v->n;
    return true;
}

static const char *const action_names[] = {
    "destroy", "restart", "preserve", "rename-restart",
    "coredump-destroy", "coredump-restart",
};

const char *kcfg_action_name(enum kcfg_action a)
{
    if ( (unsigned)a < sizeof(action_names) / sizeof(action_names[0]) )
        return action_names[a];
    return "?";
}

static bool get_action(struct ctx *c, const char *name,
                       enum kcfg_action def, enum kcfg_action *out,
                       const char **raw)
{
    const struct kcfg_value *v = kcfg_get(c->cfg, name);
    size_t i;

    *out = def;
    if ( !get_str(c, name, NULL, raw) )
        return false;
    if ( !*raw )
        return true;
    for ( i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++ )
        if ( !strcmp(*raw, action_names[i]) )
        {
            *out = (enum kcfg_action)i;
            return true;
        }
    return verr(c, v, "%s: '%.40s' is not one of destroy, restart, "
                "preserve, rename-restart, coredump-destroy, "
                "coredump-restart", name, *raw);
}

/* ---- disks, vifs, vfbs -------------------------------------------------- */

static char *trim(char *s)
{
    char *e;

    while ( *s == ' ' || *s == '\t' )
        s++;
    e = s + strlen(s);
    while ( e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n') )
        *--e = '\0';
    return s;
}

static bool vdev_ok(const char *v)
{
    size_t n = 0;

    if ( !strncmp(v, "ioemu:", 6) )
        v += 6;
    if ( isdigit((unsigned char)v[0]) )
    {
        while ( isdigit((unsigned char)*v) )
            v++;
        return !*v;
    }
    if ( !strncmp(v, "hd", 2) )
    {
        v += 2;
        if ( *v < 'a' || *v > 't' )
            return false;
        v++;
    }
    else if ( !strncmp(v, "sd", 2) || !strncmp(v, "xvd", 3) )
    {
        v += v[0] == 's' ? 2 : 3;
        while ( *v >= 'a' && *v <= 'z' && n < 3 )
        {
            v++;
            n++;
        }
        if ( !n )
            return false;
    }
    else
        return false;
    while ( isdigit((unsigned char)*v) )
        v++;
    return !*v;
}

static const char *const tap_types[] = {
    "aio", "sync", "vmdk", "ram", "qcow", "qcow2", "vhd", "ioemu", NULL
};

/* Parses into strings from arena; msg gets the reason on failure. */
static bool disk_parse(struct arena *a, const char *spec,
                       struct kcfg_disk *d, char *msg, size_t msg_len,
                       size_t *off)
{
    char *copy = arena_strdup(a, spec), *parts[6], *s, *colon;
    size_t n = 0, i;

    memset(d, 0, sizeof(*d));
    *off = 0;
    if ( !copy )
    {
        snprintf(msg, msg_len, "out of memory");
        return false;
    }
    d->spec = arena_strdup(a, spec);
    for ( s = copy; n < 6; n++ )
    {
        parts[n] = s;
        s = strchr(s, ',');
        if ( !s )
        {
            n++;
            break;
        }
        *s++ = '\0';
    }
    if ( n < 3 || n > 5 || s )
    {
        snprintf(msg, msg_len, "expected 'proto:target,vdev,mode' (e.g. "
                 "'phy:/dev/sdb,xvda,w'), found %zu part%s", n,
                 n == 1 ? "" : "s");
        return false;
    }
    for ( i = 0; i < n; i++ )
        parts[i] = trim(parts[i]);

    d->uname = parts[0];
    d->target = "";
    d->proto = KCFG_DISK_NONE;
    colon = strchr(parts[0], ':');
    *off = (size_t)(parts[0] - copy);
    if ( parts[0][0] && !colon )
    {
        snprintf(msg, msg_len, "'%.60s' has no protocol: write phy:%.60s "
                 "for a device or file:%.60s for an image", parts[0],
                 parts[0], parts[0]);
        return false;
    }
    if ( colon )
    {
        *colon = '\0';
        if ( !strcmp(parts[0], "phy") )
            d->proto = KCFG_DISK_PHY;
        else if ( !strcmp(parts[0], "file") )
            d->proto = KCFG_DISK_FILE;
        else if ( !strcmp(parts[0], "tap") || !strcmp(parts[0], "tap2") )
        {
            char *t = colon + 1, *c2 = strchr(t, ':');

            d->proto = KCFG_DISK_TAP;
            if ( !c2 )
            {
                snprintf(msg, msg_len, "tap disks are written tap:TYPE:"
                         "PATH (e.g. tap:aio:/images/disk.img)");
                return false;
            }
            *c2 = '\0';
            *off = (size_t)(t - copy);
            for ( i = 0; tap_types[i] && strcmp(t, tap_types[i]); i++ )
                ;
            if ( !tap_types[i] )
            {
                snprintf(msg, msg_len, "unknown tap type '%.20s' (aio, "
                         "sync, vmdk, ram, qcow, qcow2, vhd, ioemu)", t);
                return false;
            }
            d->tap_type = t;
            colon = c2;
        }
        else
        {
            snprintf(msg, msg_len, "unknown protocol '%.20s:' (phy:, "
                     "file: or tap:TYPE:)", parts[0]);
            return false;
        }
        d->target = colon + 1;
        if ( !*d->target )
        {
            *off = (size_t)(colon - copy);
            snprintf(msg, msg_len, "nothing after '%.20s:' (expected a "
                     "device or file path)", parts[0]);
            return false;
        }
        d->uname = arena_strdup(a, spec);
        if ( d->uname )
            ((char *)d->uname)[strcspn(d->uname, ",")] = '\0';
        if ( d->uname )
            d->uname = trim((char *)d->uname);
    }

    d->vdev = parts[1];
    *off = (size_t)(parts[1] - copy);
    if ( (s = strstr(parts[1], ":cdrom")) && !s[6] )
    {
        d->cdrom = true;
        *s = '\0';
    }
    else if ( (s = strstr(parts[1], ":disk")) && !s[5] )
        *s = '\0';
    if ( !vdev_ok(d->vdev) )
    {
        snprintf(msg, msg_len, "'%.30s' is not a virtual device name "
                 "(hda..hdt, sda.., xvda.., optionally with a partition "
                 "number and ':cdrom')", parts[1]);
        return false;
    }
    if ( d->proto == KCFG_DISK_NONE && !d->cdrom )
    {
        *off = 0;
        snprintf(msg, msg_len, "no backing device: only a CD-ROM drive "
                 "(',hdc:cdrom,r') may be empty");
        return false;
    }

    d->mode_str = parts[2];
    *off = (size_t)(parts[2] - copy);
    if ( !strcmp(parts[2], "r") )
        d->mode = KCFG_MODE_R;
    else if ( !strcmp(parts[2], "w") )
        d->mode = KCFG_MODE_W;
    else if ( !strcmp(parts[2], "w!") )
        d->mode = KCFG_MODE_W_SHARED;
    else
    {
        snprintf(msg, msg_len, "mode '%.20s' is not one of r (read-only), "
                 "w (read-write) or w! (shared read-write)", parts[2]);
        return false;
    }
    if ( n >= 4 && *parts[3] )
        d->backend = parts[3];
    if ( !d->spec || !d->uname )
    {
        snprintf(msg, msg_len, "out of memory");
        return false;
    }
    return true;
}

static bool mac_ok(char *m)
{
    int i;

    if ( strlen(m) != 17 )
        return false;
    for ( i = 0; i < 17; i++ )
    {
        if ( i % 3 == 2 )
        {
            if ( m[i] != ':' )
                return false;
        }
        else if ( !isxdigit((unsigned char)m[i]) )
            return false;
        else
            m[i] = (char)tolower((unsigned char)m[i]);
    }
    return true;
}

/* rate=10Mb/s, 250KB/s, 1MB/s@20ms */
static bool rate_ok(const char *r)
{
    if ( !isdigit((unsigned char)*r) )
        return false;
    while ( isdigit((unsigned char)*r) )
        r++;
    if ( *r && strchr("KMGT", *r) )
        r++;
    if ( *r != 'b' && *r != 'B' )
        return false;
    r++;
    if ( strncmp(r, "/s", 2) )
        return false;
    r += 2;
    if ( !*r )
        return true;
    if ( *r++ != '@' || !isdigit((unsigned char)*r) )
        return false;
    while ( isdigit((unsigned char)*r) )
        r++;
    return !strcmp(r, "ms") || !strcmp(r, "us") || !strcmp(r, "s");
}

/*
 * vif= and vfb= entries are comma-separated key=value lists ('type=ioemu,
 * mac=00:16:3e:01:02:03, bridge=xenbr0').  kv_cut takes the next item off
 * *rest, cutting the string in place: *key trimmed, *val the trimmed text
 * after '=' or NULL when the item has none.  Empty items are skipped
 * ('type=ioemu, , bridge=xenbr0' is accepted, as xm does).  Returns false
 * at the end of the list.
 */
static bool kv_cut(char **rest, char **key, char **val)
{
    while ( *rest )
    {
        char *s = *rest, *eq;

        *rest = strchr(s, ',');
        if ( *rest )
            *(*rest)++ = '\0';
        *key = trim(s);
        if ( !**key )
            continue;
        *val = NULL;
        eq = strchr(*key, '=');
        if ( eq )
        {
            *eq = '\0';
            *key = trim(*key);
            *val = trim(eq + 1);
        }
        return true;
    }
    return false;
}

/* A vif= or vfb= entry being parsed: items are cut from copy. */
struct kv_list {
    const char *what;           /* "vif", "vfb": for messages */
    const char *const *keys;    /* the keys accepted, NULL-terminated */
    const char *known;          /* the hint after "unknown ... option" */
    char *copy;                 /* offsets count from here */
    char *rest;                 /* what kv_cut has not taken yet */
};

/*
 * Copies spec into the arena twice: *spec_out (the entry as written, kept
 * in the result) and l->copy (cut up by kv_next).
 */
static bool kv_begin(struct arena *a, const char *spec, struct kv_list *l,
                     const char **spec_out, char *msg, size_t msg_len,
                     size_t *off)
{
    *off = 0;
    l->copy = l->rest = arena_strdup(a, spec);
    *spec_out = arena_strdup(a, spec);
    if ( !l->copy || !*spec_out )
    {
        snprintf(msg, msg_len, "out of memory");
        return false;
    }
    return true;
}

/*
 * The next item of l: 1 with *key (one of l->keys) and *val, *off at the
 * value (where a caller's complaint about the value points); 0 at the end;
 * -1 with msg set and *off at the item when it is not key=value or its key
 * is not one of l->keys.
 */
static int kv_next(struct kv_list *l, char **key, char **val, char *msg,
                   size_t msg_len, size_t *off)
{
    size_t k;

    if ( !kv_cut(&l->rest, key, val) )
        return 0;
    *off = (size_t)(*key - l->copy);
    if ( !*val )
    {
        snprintf(msg, msg_len, "'%.40s' is not key=value", *key);
        return -1;
    }
    for ( k = 0; l->keys[k] && strcmp(l->keys[k], *key); k++ )
        ;
    if ( !l->keys[k] )
    {
        snprintf(msg, msg_len, "unknown %s option '%.30s'%s%s", l->what,
                 *key, l->known ? " " : "", l->known ? l->known : "");
        return -1;
    }
    *off = (size_t)(*val - l->copy);
    return 1;
}

static const char *const vif_keys[] = {
    "type", "mac", "bridge", "ip", "script", "backend", "vifname", "rate",
    "model", "accel", "policy", "label", NULL
};

static bool vif_parse(struct arena *a, const char *spec, struct kcfg_vif *v,
                      char *msg, size_t msg_len, size_t *off)
{
    struct kv_list l = {
        "vif", vif_keys, "(type, mac, bridge, ip, script, backend, vifname, "
        "rate, model, accel)", NULL, NULL
    };
    char *key, *val;
    int r;

    memset(v, 0, sizeof(*v));
    if ( !kv_begin(a, spec, &l, &v->spec, msg, msg_len, off) )
        return false;
    while ( (r = kv_next(&l, &key, &val, msg, msg_len, off)) > 0 )
    {
        if ( !strcmp(key, "mac") )
        {
            if ( !mac_ok(val) )
            {
                snprintf(msg, msg_len, "mac '%.30s' is not six hex bytes "
                         "such as 00:16:3e:12:34:56 (leave mac out for a "
                         "random one)", val);
                return false;
            }
            v->mac = val;
        }
        else if ( !strcmp(key, "type") )
        {
            if ( strcmp(val, "ioemu") && strcmp(val, "netfront") &&
                 strcmp(val, "vif") )
            {
                snprintf(msg, msg_len, "type '%.30s' is not ioemu or "
                         "netfront", val);
                return false;
            }
            v->type = val;
        }
        else if ( !strcmp(key, "rate") )
        {
            if ( !rate_ok(val) )
            {
                snprintf(msg, msg_len, "rate '%.30s' is not "
                         "N[KMG]{b,B}/s[@Nms] (e.g. 10Mb/s@50ms)", val);
                return false;
            }
            v->rate = val;
        }
        else if ( !strcmp(key, "bridge") )
            v->bridge = val;
        else if ( !strcmp(key, "ip") )
            v->ip = val;
        else if ( !strcmp(key, "script") )
            v->script = val;
        else if ( !strcmp(key, "backend") )
            v->backend = val;
        else if ( !strcmp(key, "vifname") )
            v->vifname = val;
        else if ( !strcmp(key, "model") )
            v->model = val;
        else if ( !strcmp(key, "accel") )
            v->accel = val;
    }
    return r == 0;
}

static const char *const vfb_keys[] = {
    "type", "vnclisten", "vncunused", "vncdisplay", "display", "videoram",
    "xauthority", "sdl", "vnc", "vncpasswd", "opengl", "keymap", "serial",
    "monitor", NULL
};

static bool vfb_parse(struct arena *a, const char *spec, struct kcfg_vfb *f,
                      char *msg, size_t msg_len, size_t *off)
{
    struct kv_list l = { "vfb", vfb_keys, NULL, NULL, NULL };
    char *key, *val, *end;
    int r;

    memset(f, 0, sizeof(*f));
    f->vncunused = f->vncdisplay = f->opengl = -1;
    if ( !kv_begin(a, spec, &l, &f->spec, msg, msg_len, off) )
        return false;
    while ( (r = kv_next(&l, &key, &val, msg, msg_len, off)) > 0 )
    {
        if ( !strcmp(key, "type") )
        {
            if ( strcmp(val, "vnc") && strcmp(val, "sdl") )
            {
                snprintf(msg, msg_len, "type '%.30s' is not vnc or sdl",
                         val);
                return false;
            }
            f->type = val;
        }
        else if ( !strcmp(key, "vnc") || !strcmp(key, "sdl") )
        {
            if ( strcmp(val, "0") )
                f->type = key;
        }
        else if ( !strcmp(key, "vncunused") || !strcmp(key, "vncdisplay") ||
                  !strcmp(key, "opengl") )
        {
            long l = strtol(val, &end, 10);

            if ( !*val || *end || l < 0 || l > 65535 )
            {
                snprintf(msg, msg_len, "%s '%.30s' is not a number", key,
                         val);
                return false;
            }
            *(key[3] == 'u' ? &f->vncunused : key[0] == 'o' ? &f->opengl :
              &f->vncdisplay) = (int)l;
        }
        else if ( !strcmp(key, "vnclisten") )
            f->vnclisten = val;
        else if ( !strcmp(key, "vncpasswd") )
            f->vncpasswd = val;
        else if ( !strcmp(key, "display") )
            f->display = val;
        else if ( !strcmp(key, "xauthority") )
            f->xauthority = val;
        else if ( !strcmp(key, "keymap") )
            f->keymap = val;
    }
    return r == 0;
}

struct kcfg_disk *kcfg_disk_parse(const char *spec, struct kcfg_error *err)
{
    struct arena a = { NULL, 0, false };
    struct kcfg_disk d, *out;
    char msg[200];
    size_t need;
    char *p;

    size_t off;

    if ( !disk_parse(&a, spec, &d, msg, sizeof(msg), &off) )
    {
        err_set(err, "", 0, 0, "disk '%.60s': %s", spec, msg);
        arena_release(&a);
        return NULL;
    }
    /* Copy into one block: the struct, then the strings. */
    need = sizeof(*out) + strlen(d.spec) + strlen(d.uname) +
           strlen(d.target) + strlen(d.vdev) + strlen(d.mode_str) +
           (d.tap_type ? strlen(d.tap_type) : 0) +
           (d.backend ? strlen(d.backend) : 0) + 8;
    out = malloc(need);
    if ( !out )
    {
        arena_release(&a);
        err_set(err, "", 0, 0, "out of memory");
        return NULL;
    }
    *out = d;
    p = (char *)(out + 1);
#define COPY(f) do { if ( d.f ) { out->f = strcpy(p, d.f); \
                                  p += strlen(p) + 1; } } while ( 0 )
    COPY(spec);
    COPY(uname);
    COPY(target);
    COPY(vdev);
    COPY(mode_str);
    COPY(tap_type);
    COPY(backend);
#undef COPY
    arena_release(&a);
    return out;
}

struct kcfg_vif *kcfg_vif_parse(const char *spec, struct kcfg_error *err)
{
    struct arena a = { NULL, 0, false };
    struct kcfg_vif v, *out;
    char msg[200];
    const char **fields[] = {
        &v.spec, &v.type, &v.mac, &v.bridge, &v.ip, &v.script, &v.backend,
        &v.vifname, &v.rate, &v.model, &v.accel
    };
    size_t need = sizeof(*out), i, off;
    char *p;

    if ( !vif_parse(&a, spec, &v, msg, sizeof(msg), &off) )
    {
        err_set(err, "", 0, 0, "vif '%.60s': %s", spec, msg);
        arena_release(&a);
        return NULL;
    }
    for ( i = 0; i < sizeof(fields) / sizeof(fields[0]); i++ )
        need += *fields[i] ? strlen(*fields[i]) + 1 : 0;
    out = malloc(need);
    if ( !out )
    {
        arena_release(&a);
        err_set(err, "", 0, 0, "out of memory");
        return NULL;
    }
    p = (char *)(out + 1);
    for ( i = 0; i < sizeof(fields) / sizeof(fields[0]); i++ )
        if ( *fields[i] )
        {
            const char *src = *fields[i];

            *fields[i] = strcpy(p, src);
            p += strlen(p) + 1;
        }
    *out = v;
    arena_release(&a);
    return out;
}

/* ---- the whole domain --------------------------------------------------- */

static bool name_ok(const char *n)
{
    if ( !*n || strlen(n) > 64 )
        return false;
    for ( ; *n; n++ )
        if ( !isalnum((unsigned char)*n) && !strchr("_.:-+@", *n) )
            return false;
    return true;
}

static bool uuid_ok(const char *u)
{
    int i, hex = 0;

    /* 8-4-4-4-12, as xend's uuid.fromString() accepts it. */
    for ( i = 0; u[i]; i++ )
    {
        if ( u[i] == '-' )
        {
            if ( i != 8 && i != 13 && i != 18 && i != 23 )
                return false;
        }
        else if ( isxdigit((unsigned char)u[i]) )
            hex++;
        else
            return false;
    }
    return i == 36 && hex == 32;
}

/* The vm.cfg options whose items are device strings of one kind. */
struct dev_list {
    const char *opt;                /* also the error messages' prefix */
    size_t size;                    /* of one parsed element */
    size_t line_off, col_off;       /* of its int line, column */
    bool (*parse)(struct arena *a, const char *spec, void *out, char *msg,
                  size_t msg_len, size_t *off);
};

static bool disk_parse_item(struct arena *a, const char *spec, void *out,
                            char *msg, size_t msg_len, size_t *off)
{
    return disk_parse(a, spec, out, msg, msg_len, off);
}

static bool vif_parse_item(struct arena *a, const char *spec, void *out,
                           char *msg, size_t msg_len, size_t *off)
{
    return vif_parse(a, spec, out, msg, msg_len, off);
}

static bool vfb_parse_item(struct arena *a, const char *spec, void *out,
                           char *msg, size_t msg_len, size_t *off)
{
    return vfb_parse(a, spec, out, msg, msg_len, off);
}

#define DEV_LIST(o, type, fn) \
    { o, sizeof(struct type), offsetof(struct type, line), \
      offsetof(struct type, column), fn }

static const struct dev_list disk_list =
    DEV_LIST("disk", kcfg_disk, disk_parse_item);
static const struct dev_list vif_list =
    DEV_LIST("vif", kcfg_vif, vif_parse_item);
static const struct dev_list vfb_list =
    DEV_LIST("vfb", kcfg_vfb, vfb_parse_item);

/*
 * Parse one device list option into an array (at least one element is
 * allocated, so an empty list is not NULL); each element remembers where
 * its item stands in the file for later error messages.
 */
static bool build_dev_list(struct ctx *c, const struct dev_list *k,
                           void **out, size_t *nout)
{
    const struct kcfg_value *items;
    struct kcfg_value single;
    size_t n, i, off;
    char msg[200];
    char *arr;

    if ( !get_strlist(c, k->opt, &items, &n, &single) )
        return false;
    arr = arena_alloc(&c->pv->arena, (n ? n : 1) * k->size);
    if ( !arr )
        return verr(c, NULL, "out of memory");
    for ( i = 0; i < n; i++ )
    {
        char *e = arr + i * k->size;

        if ( !k->parse(&c->pv->arena, items[i].s, e, msg, sizeof(msg),
                       &off) )
            return verr_in(c, &items[i], off, "%s '%.60s': %s", k->opt,
                           items[i].s, msg);
        memcpy(e + k->line_off, &items[i].line, sizeof(int));
        memcpy(e + k->col_off, &items[i].column, sizeof(int));
    }
    *out = arr;
    *nout = n;
    return true;
}

static bool build_devices(struct ctx *c)
{
    struct kcfg_domain *d = c->d;
    const struct kcfg_value *items;
    struct kcfg_value single;
    size_t n, i;
    void *arr;

    if ( !build_dev_list(c, &disk_list, &arr, &d->n_disks) )
        return false;
    d->disks = arr;
    if ( !build_dev_list(c, &vif_list, &arr, &d->n_vifs) )
        return false;
    d->vifs = arr;
    if ( !build_dev_list(c, &vfb_list, &arr, &d->n_vfbs) )
        return false;
    d->vfbs = arr;

    if ( !get_strlist(c, "pci", &items, &n, &single) )
        return false;
    d->pcis = arena_alloc(&c->pv->arena, (n ? n : 1) * sizeof(*d->pcis));
    if ( !d->pcis )
        return verr(c, NULL, "out of memory");
    for ( i = 0; i < n; i++ )
    {
        struct kcfg_pci *pc = &d->pcis[i];
        unsigned int dom = 0, bus, slot, fn;
        int used = 0;

        if ( !((sscanf(items[i].s, "%x:%x:%x.%x%n", &dom, &bus, &slot, &fn,
                       &used) == 4 && !items[i].s[used]) ||
               (sscanf(items[i].s, "%x:%x.%x%n", &bus, &slot, &fn,
                       &used) == 3 && !items[i].s[used])) ||
             dom > 0xffff || bus > 0xff || slot > 0x1f || fn > 7 )
            return verr(c, &items[i], "pci '%.40s': expected "
                        "[DOMAIN:]BUS:SLOT.FUNC in hex (e.g. 0000:03:00.0)",
                        items[i].s);
        if ( !strchr(items[i].s, '.') ||
             strchr(items[i].s, ':') == strrchr(items[i].s, ':') )
            dom = 0;
        pc->spec = items[i].s;
        pc->domain = dom;
        pc->bus = bus;
        pc->slot = slot;
        pc->func = fn;
        pc->line = items[i].line;
        pc->column = items[i].column;
    }
    d->n_pcis = n;
    return true;
}

static bool build_hvm(struct ctx *c)
{
    struct kcfg_domain *d = c->d;
    long l;

#define HI(f, def) get_int(c, #f, def, &d->hvm_opts.f)
#define HS(f, def) get_str(c, #f, def, &d->hvm_opts.f)
    if ( !HS(device_model, NULL) || !HS(loader, NULL) || !HS(boot, "c") ||
         !HI(acpi, 1) || !HI(apic, 1) || !HI(pae, 1) || !HI(hpet, 0) ||
         !HI(viridian, 0) || !HI(timer_mode, 1) || !HI(tsc_mode, 0) ||
         !HI(stdvga, 0) || !HI(isa, 0) || !HI(usb, 0) ||
         !HI(nographic, 0) || !HI(vnc, -1) || !HI(vncunused, 1) ||
         !HI(vncdisplay, -1) || !HI(vncconsole, -1) || !HI(sdl, -1) ||
         !HI(opengl, -1) || !HI(monitor, 0) || !HI(ne2000, 0) ||
         !HI(xen_platform_pci, 1) || !HS(vnclisten, NULL) ||
         !HS(vncpasswd, NULL) || !HS(serial, NULL) || !HS(parallel, NULL) ||
         !HS(usbdevice, NULL) || !HS(soundhw, NULL) || !HS(keymap, NULL) ||
         !HS(fda, NULL) || !HS(fdb, NULL) || !HS(cdrom, NULL) ||
         !HS(display, NULL) || !HS(xauthority, NULL) ||
         !HS(guest_os_type, "default") ||
         !get_long(c, "videoram", 4, &l) )
        return false;
#undef HI
#undef HS
    d->hvm_opts.videoram = l;
    if ( d->hvm_opts.boot )
    {
        const char *b;

        for ( b = d->hvm_opts.boot; *b; b++ )
            if ( !strchr("acdn", *b) )
                return verr(c, kcfg_get(c->cfg, "boot"), "boot: '%c' is "
                            "not a boot device (a: floppy, c: disk, d: "
                            "CD-ROM, n: network)", *b);
    }
    return true;
}

int kcfg_domain_build(const struct kcfg *cfg, struct kcfg_domain **out,
                      struct kcfg_error *err)
{
    struct kcfg_domain *d;
    struct dom_priv *pv;
    struct ctx c;
    const struct kcfg_value *v;
    long l;
    bool ok;
    const char *base;

    *out = NULL;
    pv = calloc(1, sizeof(*pv));
    d = pv ? arena_alloc(&pv->arena, sizeof(*d)) : NULL;
    if ( !d )
    {
        free(pv);
        err_set(err, cfg->file, 0, 0, "out of memory");
        return -1;
    }
    d->priv_ = pv;
    c.cfg = cfg;
    c.d = d;
    c.pv = pv;
    c.err = err;
    d->file = cfg->file;

    /* xm names an unnamed domain after its config file. */
    base = strrchr(cfg->file, '/');
    base = base ? base + 1 : cfg->file;
    ok = get_str(&c, "name", base, &d->name) &&
         get_str(&c, "uuid", NULL, &d->uuid) &&
         get_long(&c, "memory", 128, &d->memory) &&
         get_long(&c, "maxmem", 0, &d->maxmem) &&
         get_long(&c, "shadow_memory", 0, &d->shadow_memory) &&
         get_int(&c, "vcpus", 1, &d->vcpus) &&
         get_long(&c, "maxvcpus", 0, &pv->maxvcpus) &&
         get_str(&c, "builder", "linux", &d->builder) &&
         get_str(&c, "kernel", NULL, &d->kernel) &&
         get_str(&c, "ramdisk", NULL, &d->ramdisk) &&
         get_str(&c, "root", "", &d->root) &&
         get_str(&c, "extra", "", &d->extra) &&
         get_str(&c, "bootloader", NULL, &d->bootloader) &&
         get_str(&c, "bootargs", NULL, &d->bootargs) &&
         get_str(&c, "ip", "", &d->ip) &&
         get_str(&c, "gateway", "", &d->gateway) &&
         get_str(&c, "netmask", "", &d->netmask) &&
         get_str(&c, "hostname", "", &d->hostname) &&
         get_str(&c, "interface", "eth0", &d->interface) &&
         get_str(&c, "dhcp", "off", &d->dhcp) &&
         get_str(&c, "nfs_server", NULL, &d->nfs_server) &&
         get_str(&c, "nfs_root", NULL, &d->nfs_root) &&
         get_str(&c, "description", "", &d->description) &&
         get_int(&c, "localtime", 0, &d->localtime) &&
         get_long(&c, "rtc_timeoffset", 0, &d->rtc_timeoffset) &&
         get_int(&c, "cpu_cap", -1, &d->cpu_cap) &&
         get_int(&c, "cpu_weight", -1, &d->cpu_weight) &&
         get_action(&c, "on_poweroff", KCFG_ACTION_DESTROY, &d->on_poweroff,
                    &pv->on_poweroff) &&
         get_action(&c, "on_reboot", KCFG_ACTION_RESTART, &d->on_reboot,
                    &pv->on_reboot) &&
         get_action(&c, "on_crash", KCFG_ACTION_RESTART, &d->on_crash,
                    &pv->on_crash) &&
         get_str(&c, "features", "", &pv->features) &&
         get_str(&c, "on_xend_start", "ignore", &pv->on_xend_start) &&
         get_str(&c, "on_xend_stop", "ignore", &pv->on_xend_stop) &&
         get_str(&c, "pool", NULL, &pv->pool) &&
         get_long(&c, "tsc_mode", 0, &pv->tsc_mode) &&
         get_long(&c, "nomigrate", 0, &pv->nomigrate) &&
         get_long(&c, "target", 0, &pv->target) &&
         get_long(&c, "s3_integrity", 1, &pv->s3_integrity) &&
         get_long(&c, "oos", 1, &pv->oos) &&
         get_long(&c, "hap", 1, &pv->hap) &&
         get_long(&c, "superpages", 0, &pv->superpages);
    if ( !ok )
        goto fail;

    if ( !name_ok(d->name) )
    {
        verr(&c, kcfg_get(cfg, "name"), "name '%.64s' is not a valid "
             "domain name (1 to 64 letters, digits and _ . : - + @)",
             d->name);
        goto fail;
    }
    if ( d->uuid && !uuid_ok(d->uuid) )
    {
        verr(&c, kcfg_get(cfg, "uuid"), "uuid '%.40s' is not of the form "
             "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits)", d->uuid);
        goto fail;
    }
    if ( d->memory <= 0 )
    {
        verr(&c, kcfg_get(cfg, "memory"), "memory must be a positive "
             "number of MB, not %ld", d->memory);
        goto fail;
    }
    if ( !d->maxmem )
        d->maxmem = d->memory;
    else if ( d->maxmem < d->memory )
    {
        verr(&c, kcfg_get(cfg, "maxmem"), "maxmem (%ld MB) is less than "
             "memory (%ld MB); raise maxmem or lower memory", d->maxmem,
             d->memory);
        goto fail;
    }
    if ( d->vcpus < 1 || d->vcpus > 128 )
    {
        verr(&c, kcfg_get(cfg, "vcpus"), "vcpus must be between 1 and 128, "
             "not %d", d->vcpus);
        goto fail;
    }
    if ( strcmp(d->builder, "linux") && strcmp(d->builder, "hvm") )
    {
        verr(&c, kcfg_get(cfg, "builder"), "builder '%.20s' is not 'linux' "
             "(paravirtualized) or 'hvm'", d->builder);
        goto fail;
    }
    d->hvm = !strcmp(d->builder, "hvm");

    v = kcfg_get(cfg, "vcpu_avail");
    if ( !get_long(&c, "vcpu_avail", -1, &l) )
        goto fail;
    d->vcpu_avail = l;
    pv->vcpu_avail_set = v && v->type != KCFG_NONE;

    v = kcfg_get(cfg, "cpus");
    d->cpus = NULL;
    if ( v && v->type == KCFG_INT )
        d->cpus = arena_printf(&pv->arena, "%lld", v->i);
    else if ( v && v->type == KCFG_STR )
        d->cpus = v->s;
    else if ( v && v->type == KCFG_LIST )
    {
        /* [0, 2] or ["0-1", "3"]: joined as "0,2". */
        size_t i;
        char *s = arena_strdup(&pv->arena, "");

        for ( i = 0; s && i < v->n; i++ )
        {
            if ( v->items[i].type == KCFG_INT )
                s = arena_printf(&pv->arena, "%s%s%lld", s, i ? "," : "",
                                 v->items[i].i);
            else if ( v->items[i].type == KCFG_STR )
                s = arena_printf(&pv->arena, "%s%s%s", s, i ? "," : "",
                                 v->items[i].s);
            else
            {
                verr(&c, &v->items[i], "cpus: list items must be CPU "
                     "numbers or ranges");
                goto fail;
            }
        }
        d->cpus = s;
    }
    else if ( v && v->type != KCFG_NONE )
    {
        verr(&c, v, "cpus: expected \"0-3,^1\" or a list of CPUs");
        goto fail;
    }
    if ( d->cpus )
    {
        const char *s;

        for ( s = d->cpus; *s; s++ )
            if ( !isdigit((unsigned char)*s) && !strchr(",-^ ", *s) )
            {
                verr(&c, v, "cpus '%.40s': only CPU numbers, ranges (0-3), "
                     "exclusions (^1) and commas are allowed", d->cpus);
                goto fail;
            }
    }

    if ( !d->hvm && !d->kernel && !d->bootloader )
    {
        err_set(err, cfg->file, 0, 0, "no kernel given: set kernel = "
                "'/path/to/vmlinuz' (or bootloader = '/usr/bin/pygrub')");
        goto fail;
    }
    if ( !d->ramdisk || !*d->ramdisk )
        d->ramdisk = NULL;
    if ( !strncmp(d->root, "root=", 5) )
        d->root += 5;
    if ( d->nfs_root && !d->nfs_server )
    {
        verr(&c, kcfg_get(cfg, "nfs_root"), "nfs_root needs nfs_server "
             "too");
        goto fail;
    }
    {
        /* The kernel command line xend builds: ip=, root=, then extra. */
        const char *ip = "";
        char *extra = (char *)d->extra;

        if ( *d->ip || strcmp(d->dhcp, "off") )
            ip = arena_printf(&pv->arena, "ip=%s:%s:%s:%s:%s:%s:%s ",
                              d->ip, d->nfs_server ? d->nfs_server :
                              "127.0.255.255", d->gateway, d->netmask,
                              d->hostname, d->interface, d->dhcp);
        if ( d->nfs_root )
            extra = arena_printf(&pv->arena, "nfsroot=%s:%s %s",
                                 d->nfs_server, d->nfs_root, d->extra);
        d->args = arena_printf(&pv->arena, "%s%s%s%s%s", ip ? ip : "",
                               *d->root ? "root=" : "", d->root,
                               *d->root && extra && *extra ? " " : "",
                               extra ? extra : "");
        if ( !d->args )
        {
            err_set(err, cfg->file, 0, 0, "out of memory");
            goto fail;
        }
        {
            size_t n = strlen(d->args);

            while ( n && d->args[n - 1] == ' ' )
                ((char *)d->args)[--n] = '\0';
        }
    }

    if ( !build_devices(&c) || !build_hvm(&c) )
        goto fail;
    if ( pv->arena.exhausted )
    {
        err_set(err, cfg->file, 0, 0, "out of memory");
        goto fail;
    }
    *out = d;
    return 0;

 fail:
    arena_release(&pv->arena);
    free(pv);
    return -1;
}

void kcfg_domain_free(struct kcfg_domain *dom)
{
    struct dom_priv *pv;

    if ( !dom )
        return;
    pv = dom->priv_;
    arena_release(&pv->arena);
    free(pv);
}

/* ---- SXP ---------------------------------------------------------------- */

static bool add(struct sxp *l, const char *k, const char *v)
{
    return sxp_add_pair(l, k, v) != NULL;
}

static bool addl(struct sxp *l, const char *k, long v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%ld", v);
    return add(l, k, buf);
}

/* Appends the comma-separated key=value items of spec as (key value). */
static bool add_kv(struct sxp *l, const char *spec, bool vfb)
{
    char *copy = strdup(spec), *rest = copy, *key, *val;
    bool ok = copy != NULL;

    /* The entry was checked when parsed: items without '=' are not there. */
    while ( ok && kv_cut(&rest, &key, &val) )
    {
        if ( !val )
            continue;
        if ( vfb && !strcmp(key, "type") )
            ok = add(l, val, "1");  /* type=vnc is (vnc 1) */
        else
            ok = add(l, key, val);
    }
    free(copy);
    return ok;
}


struct sxp *kcfg_domain_to_sxp(const struct kcfg_domain *d)
{
    const struct dom_priv *pv = d->priv_;
    struct sxp *vm = sxp_list(), *image = NULL, *kind = NULL;
    bool ok;
    size_t i;

    ok = vm && sxp_append(vm, sxp_atom("vm")) && add(vm, "name", d->name) &&
         addl(vm, "memory", d->memory);
    /* create.py's add_conf: each in this order, when not 0/empty. */
    if ( ok && d->maxmem != d->memory )
        ok = addl(vm, "maxmem", d->maxmem);
    if ( ok && d->shadow_memory )
        ok = addl(vm, "shadow_memory", d->shadow_memory);
    if ( ok && pv->on_poweroff )
        ok = add(vm, "on_poweroff", pv->on_poweroff);
    if ( ok && pv->tsc_mode )
        ok = addl(vm, "tsc_mode", pv->tsc_mode);
    if ( ok && pv->nomigrate )
        ok = addl(vm, "nomigrate", pv->nomigrate);
    if ( ok && pv->on_reboot )
        ok = add(vm, "on_reboot", pv->on_reboot);
    if ( ok && pv->on_crash )
        ok = add(vm, "on_crash", pv->on_crash);
    if ( ok && *pv->features )
        ok = add(vm, "features", pv->features);
    if ( ok && *pv->on_xend_start )
        ok = add(vm, "on_xend_start", pv->on_xend_start);
    if ( ok && *pv->on_xend_stop )
        ok = add(vm, "on_xend_stop", pv->on_xend_stop);
    if ( ok && pv->target )
        ok = addl(vm, "target", pv->target);
    if ( ok && *d->description )
        ok = add(vm, "description", d->description);
    if ( ok && pv->maxvcpus )
        ok = addl(vm, "vcpu_avail", (1L << (d->vcpus > 62 ? 62 :
                                            d->vcpus)) - 1) &&
             addl(vm, "vcpus", pv->maxvcpus);
    else if ( ok )
    {
        if ( pv->vcpu_avail_set )
            ok = addl(vm, "vcpu_avail", (long)d->vcpu_avail);
        ok = ok && addl(vm, "vcpus", d->vcpus);
    }
    if ( ok && d->uuid )
        ok = add(vm, "uuid", d->uuid);
    if ( ok && d->cpus )
        ok = add(vm, "cpus", d->cpus);
    if ( ok && d->cpu_cap >= 0 )
        ok = addl(vm, "cpu_cap", d->cpu_cap);
    if ( ok && d->cpu_weight >= 0 )
        ok = addl(vm, "cpu_weight", d->cpu_weight);
    if ( ok && d->localtime )
        ok = addl(vm, "localtime", d->localtime);
    if ( ok && pv->oos )
        ok = addl(vm, "oos", pv->oos);
    if ( ok && pv->pool )
        ok = add(vm, "pool", pv->pool);
    if ( ok && d->bootloader )
        ok = add(vm, "bootloader", d->bootloader) &&
             add(vm, "bootloader_args", d->bootargs ? d->bootargs : "-q");

    /* (image (linux (kernel ..) (ramdisk ..) ...)) */
    image = sxp_list();
    kind = sxp_list();
    ok = ok && image && kind && sxp_append(image, sxp_atom("image")) &&
         sxp_append(kind, sxp_atom(d->builder));
    if ( ok && d->kernel )
        ok = add(kind, "kernel", d->kernel);
    if ( ok && d->ramdisk )
        ok = add(kind, "ramdisk", d->ramdisk);
    if ( ok && d->hvm_opts.loader && *d->hvm_opts.loader )
        ok = add(kind, "loader", d->hvm_opts.loader);
    if ( ok && (*d->ip || strcmp(d->dhcp, "off")) )
    {
        char *ip = NULL;

        ok = asprintf(&ip, "%s:%s:%s:%s:%s:%s:%s", d->ip,
                      d->nfs_server ? d->nfs_server : "127.0.255.255",
                      d->gateway, d->netmask, d->hostname, d->interface,
                      d->dhcp) > 0 && add(kind, "ip", ip);
        free(ip);
    }
    if ( ok && *d->root )
        ok = add(kind, "root", d->root);
    if ( ok && d->hvm_opts.videoram )
        ok = addl(kind, "videoram", d->hvm_opts.videoram);
    if ( ok && (*d->extra || d->nfs_root) )
    {
        const char *args = d->args;

        /* args is everything after ip=/root=: extra (with nfsroot). */
        if ( *d->root && (args = strstr(d->args, d->root)) )
            args += strlen(d->root) + (args[strlen(d->root)] == ' ');
        else if ( !strncmp(args, "ip=", 3) && strchr(args, ' ') )
            args = strchr(args, ' ') + 1;
        ok = add(kind, "args", args);
    }
    if ( ok && pv->superpages )
        ok = addl(kind, "superpages", pv->superpages);
    if ( ok && d->hvm )
    {
        const struct kcfg_domain *h = d;

#define HI(k, v) if ( ok && (v) >= 0 ) ok = addl(kind, k, v)
#define HS(k, v) if ( ok && (v) ) ok = add(kind, k, v)
        HI("acpi", h->hvm_opts.acpi);
        HI("apic", h->hvm_opts.apic);
        HS("boot", h->hvm_opts.boot);
        HS("device_model", h->hvm_opts.device_model);
        HS("display", h->hvm_opts.display);
        HS("fda", h->hvm_opts.fda);
        HS("fdb", h->hvm_opts.fdb);
        HS("guest_os_type", h->hvm_opts.guest_os_type);
        HI("hap", pv->hap);
        HI("hpet", h->hvm_opts.hpet);
        HI("isa", h->hvm_opts.isa);
        HS("keymap", h->hvm_opts.keymap);
        HI("localtime", h->localtime);
        HI("monitor", h->hvm_opts.monitor);
        HI("nographic", h->hvm_opts.nographic);
        HI("opengl", h->hvm_opts.opengl);
        HI("oos", pv->oos);
        HI("pae", h->hvm_opts.pae);
        HI("rtc_timeoffset", h->rtc_timeoffset);
        HI("sdl", h->hvm_opts.sdl);
        HS("serial", h->hvm_opts.serial);
        HS("soundhw", h->hvm_opts.soundhw);
        HI("stdvga", h->hvm_opts.stdvga);
        HI("timer_mode", h->hvm_opts.timer_mode);
        HI("usb", h->hvm_opts.usb);
        HS("usbdevice", h->hvm_opts.usbdevice);
        HI("vcpus", h->vcpus);
        HI("vnc", h->hvm_opts.vnc);
        HI("vncconsole", h->hvm_opts.vncconsole);
        HI("vncdisplay", h->hvm_opts.vncdisplay);
        HS("vnclisten", h->hvm_opts.vnclisten);
        HI("vncunused", h->hvm_opts.vncunused);
        HI("viridian", h->hvm_opts.viridian);
        HS("xauthority", h->hvm_opts.xauthority);
        HI("xen_platform_pci", h->hvm_opts.xen_platform_pci);
        HS("vncpasswd", h->hvm_opts.vncpasswd);
#undef HI
#undef HS
    }
    if ( ok )
        ok = addl(kind, "tsc_mode", pv->tsc_mode) &&
             addl(kind, "nomigrate", pv->nomigrate);
    if ( ok )
    {
        ok = sxp_append(image, kind) && sxp_append(vm, image);
        kind = image = NULL;    /* owned by vm now, or freed */
    }
    if ( ok )
        ok = addl(vm, "s3_integrity", pv->s3_integrity);

    for ( i = 0; ok && i < d->n_disks; i++ )
    {
        const struct kcfg_disk *k = &d->disks[i];
        struct sxp *dev = sxp_list(), *vbd = sxp_list();
        char *spec = strdup(k->spec), *parts[5] = { 0 }, *s = spec;
        int j;

        for ( j = 0; s && j < 5; j++ )
        {
            parts[j] = s;
            s = strchr(s, ',');
            if ( s )
                *s++ = '\0';
        }
        ok = dev && vbd && spec && sxp_append(dev, sxp_atom("device")) &&
             sxp_append(vbd, sxp_atom(k->proto == KCFG_DISK_TAP ? "tap" :
                                      "vbd")) &&
             add(vbd, "uname", k->proto == KCFG_DISK_NONE ? "" : k->uname) &&
             add(vbd, "dev", trim(parts[1])) &&
             add(vbd, "mode", k->mode_str);
        if ( ok && k->backend )
            ok = add(vbd, "backend", k->backend);
        if ( ok && parts[4] && *trim(parts[4]) )
            ok = add(vbd, "protocol", trim(parts[4]));
        free(spec);
        if ( ok )
            ok = sxp_append(dev, vbd) && sxp_append(vm, dev);
        else
        {
            sxp_free(vbd);
            sxp_free(dev);
        }
    }
    if ( ok && d->n_pcis )
    {
        struct sxp *dev = sxp_list(), *pci = sxp_list();

        ok = dev && pci && sxp_append(dev, sxp_atom("device")) &&
             sxp_append(pci, sxp_atom("pci"));
        for ( i = 0; ok && i < d->n_pcis; i++ )
        {
            struct sxp *one = sxp_list();
            char b[4][16];

            snprintf(b[0], 16, "0x%04x", d->pcis[i].domain);
            snprintf(b[1], 16, "0x%02x", d->pcis[i].bus);
            snprintf(b[2], 16, "0x%02x", d->pcis[i].slot);
            snprintf(b[3], 16, "0x%x", d->pcis[i].func);
            ok = one && sxp_append(one, sxp_atom("dev")) &&
                 add(one, "domain", b[0]) && add(one, "bus", b[1]) &&
                 add(one, "slot", b[2]) && add(one, "func", b[3]);
            ok = ok ? sxp_append(pci, one) != NULL : (sxp_free(one), false);
        }
        if ( ok )
            ok = sxp_append(dev, pci) && sxp_append(vm, dev);
        else
        {
            sxp_free(pci);
            sxp_free(dev);
        }
    }
    for ( i = 0; ok && i < d->n_vifs; i++ )
    {
        struct sxp *dev = sxp_list(), *vif = sxp_list();

        ok = dev && vif && sxp_append(dev, sxp_atom("device")) &&
             sxp_append(vif, sxp_atom("vif")) &&
             add_kv(vif, d->vifs[i].spec, false);
        if ( ok )
            ok = sxp_append(dev, vif) && sxp_append(vm, dev);
        else
        {
            sxp_free(vif);
            sxp_free(dev);
        }
    }
    for ( i = 0; ok && i < d->n_vfbs; i++ )
    {
        struct sxp *kbd = sxp_list(), *kb = sxp_list();
        struct sxp *dev = sxp_list(), *vfb = sxp_list();

        ok = kbd && kb && sxp_append(kbd, sxp_atom("device")) &&
             sxp_append(kb, sxp_atom("vkbd")) && sxp_append(kbd, kb);
        kb = NULL;
        ok = ok && sxp_append(vm, kbd);
        kbd = NULL;
        ok = ok && dev && vfb && sxp_append(dev, sxp_atom("device")) &&
             sxp_append(vfb, sxp_atom("vfb")) &&
             add_kv(vfb, d->vfbs[i].spec, true);
        if ( ok && !d->vfbs[i].keymap && d->hvm_opts.keymap &&
             *d->hvm_opts.keymap )
            ok = add(vfb, "keymap", d->hvm_opts.keymap);
        if ( ok )
            ok = sxp_append(dev, vfb) && sxp_append(vm, dev);
        else
        {
            sxp_free(kb);
            sxp_free(kbd);
            sxp_free(vfb);
            sxp_free(dev);
        }
    }
    if ( !ok )
    {
        sxp_free(kind);
        sxp_free(image);
        sxp_free(vm);
        return NULL;
    }
    return vm;
}
