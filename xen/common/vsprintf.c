/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Formatted output for printk: %d %i %u %x %X %o %c %s %p %%, with flags
 * "-0+ #", width and precision (also "*"), and the hh h l ll z modifiers.
 * %pS prints a code address as symbol+offset/size (see symbols.h).
 */
#include <xen/lib.h>
#include <xen/symbols.h>

struct out {
    char *buf;
    size_t size, pos;
};

static void put(struct out *o, char c)
{
    if ( o->pos + 1 < o->size )
        o->buf[o->pos] = c;
    o->pos++;
}

#define F_LEFT   1
#define F_ZERO   2
#define F_PLUS   4
#define F_SPACE  8
#define F_ALT   16
#define F_UPPER 32
#define F_SIGNED 64

static void put_number(struct out *o, unsigned long long v, unsigned int base,
                       int width, int prec, unsigned int flags)
{
    char tmp[24];
    const char *digits = (flags & F_UPPER) ? "0123456789ABCDEF"
                                           : "0123456789abcdef";
    char sign = 0;
    int n = 0, len, pad;

    if ( (flags & F_SIGNED) && (long long)v < 0 )
    {
        sign = '-';
        v = -(long long)v;
    }
    else if ( (flags & F_SIGNED) && (flags & F_PLUS) )
        sign = '+';
    else if ( (flags & F_SIGNED) && (flags & F_SPACE) )
        sign = ' ';

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while ( v );

    len = n > prec ? n : prec;
    if ( sign )
        len++;
    if ( (flags & F_ALT) && base == 16 )
        len += 2;
    pad = width > len ? width - len : 0;

    if ( !(flags & F_LEFT) && !(flags & F_ZERO) )
        while ( pad-- > 0 )
            put(o, ' ');
    if ( sign )
        put(o, sign);
    if ( (flags & F_ALT) && base == 16 )
    {
        put(o, '0');
        put(o, (flags & F_UPPER) ? 'X' : 'x');
    }
    if ( !(flags & F_LEFT) && (flags & F_ZERO) )
        while ( pad-- > 0 )
            put(o, '0');
    while ( prec-- > n )
        put(o, '0');
    while ( n-- )
        put(o, tmp[n]);
    while ( pad-- > 0 )
        put(o, ' ');
}

static void put_string(struct out *o, const char *s, int width, int prec,
                       unsigned int flags)
{
    int len, pad;

    if ( !s )
        s = "(NULL)";
    len = strnlen(s, prec < 0 ? ~0UL >> 1 : (size_t)prec);
    pad = width > len ? width - len : 0;
    if ( !(flags & F_LEFT) )
        while ( pad-- > 0 )
            put(o, ' ');
    while ( len-- )
        put(o, *s++);
    while ( pad-- > 0 )
        put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    struct out o = { buf, size, 0 };

    for ( ; *fmt; fmt++ )
    {
        unsigned int flags = 0, base = 10;
        int width = -1, prec = -1, qual = 0;
        unsigned long long v;

        if ( *fmt != '%' )
        {
            put(&o, *fmt);
            continue;
        }

        for ( ; ; )
        {
            switch ( *++fmt )
            {
            case '-': flags |= F_LEFT; continue;
            case '0': flags |= F_ZERO; continue;
            case '+': flags |= F_PLUS; continue;
            case ' ': flags |= F_SPACE; continue;
            case '#': flags |= F_ALT; continue;
            }
            break;
        }

        if ( *fmt == '*' )
        {
            width = va_arg(args, int);
            if ( width < 0 )
            {
                flags |= F_LEFT;
                width = -width;
            }
            fmt++;
        }
        else
            for ( width = 0; *fmt >= '0' && *fmt <= '9'; fmt++ )
                width = width * 10 + (*fmt - '0');

        if ( *fmt == '.' )
        {
            fmt++;
            if ( *fmt == '*' )
            {
                prec = va_arg(args, int);
                fmt++;
            }
            else
                for ( prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++ )
                    prec = prec * 10 + (*fmt - '0');
            if ( prec < 0 )
                prec = -1;
        }

        for ( ; ; fmt++ )
        {
            if ( *fmt == 'l' )
                qual = qual == 'l' ? 'L' : 'l';
            else if ( *fmt == 'h' )
                qual = qual == 'h' ? 'H' : 'h';
            else if ( *fmt == 'z' )
                qual = 'l';
            else
                break;
        }

        switch ( *fmt )
        {
        case 'c':
            if ( !(flags & F_LEFT) )
                while ( --width > 0 )
                    put(&o, ' ');
            put(&o, (char)va_arg(args, int));
            while ( --width > 0 )
                put(&o, ' ');
            continue;

        case 's':
            put_string(&o, va_arg(args, const char *), width, prec, flags);
            continue;

        case 'p':
        {
            void *p = va_arg(args, void *);

            if ( fmt[1] == 'S' || fmt[1] == 's' )
            {
                char sym[128];

                fmt++;
                symbols_snprint(sym, sizeof(sym), (unsigned long)p,
                                *fmt == 'S');
                put_string(&o, sym, width, prec, flags);
                continue;
            }
            /* Unadorned %p: the full 16 hex digits. */
            put_number(&o, (unsigned long)p, 16, width > 0 ? width : 16,
                       1, flags | F_ZERO);
            continue;
        }

        case '%':
            put(&o, '%');
            continue;

        case 'o':
            base = 8;
            break;
        case 'X':
            flags |= F_UPPER;
            /* fall through */
        case 'x':
            base = 16;
            break;
        case 'd':
        case 'i':
            flags |= F_SIGNED;
            break;
        case 'u':
            break;

        default:
            put(&o, '%');
            if ( !*fmt )
                goto out;
            put(&o, *fmt);
            continue;
        }

        if ( prec >= 0 )
            flags &= ~F_ZERO;

        if ( flags & F_SIGNED )
        {
            switch ( qual )
            {
            case 'L': v = va_arg(args, long long); break;
            case 'l': v = va_arg(args, long); break;
            case 'h': v = (short)va_arg(args, int); break;
            case 'H': v = (signed char)va_arg(args, int); break;
            default:  v = va_arg(args, int); break;
            }
        }
        else
        {
            switch ( qual )
            {
            case 'L': v = va_arg(args, unsigned long long); break;
            case 'l': v = va_arg(args, unsigned long); break;
            case 'h': v = (unsigned short)va_arg(args, unsigned int); break;
            case 'H': v = (unsigned char)va_arg(args, unsigned int); break;
            default:  v = va_arg(args, unsigned int); break;
            }
        }
        put_number(&o, v, base, width, prec < 0 ? 1 : prec, flags);
    }

 out:
    if ( size )
        buf[o.pos < size ? o.pos : size - 1] = '\0';
    return o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = vsnprintf(buf, size, fmt, args);
    va_end(args);
    return n;
}
