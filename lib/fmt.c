/* SPDX-License-Identifier: MIT */
/*
 * printf-style formatter. Integer conversion divides by shifting (see div_small) so that the same
 * file builds for the 32-bit guest kernels, where gcc would otherwise call libgcc's __udivdi3,
 * which a freestanding -m32 build does not have.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/fmt.h"

struct out {
	fmt_sink_fn sink;
	void *ctx;
	int count;
};

static void put(struct out *o, char c)
{
	o->sink(c, o->ctx);
	o->count++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* *n /= base, returns the remainder: restoring long division, one bit at a time. */
static unsigned int div_small(uint64_t *n, unsigned int base)
{
	uint64_t q = 0;
	uint32_t r = 0;

	for (int bit = 63; bit >= 0; bit--) {
		r = (r << 1) | (uint32_t)((*n >> bit) & 1);
		q <<= 1;
		if (r >= base) {
			r -= base;
			q |= 1;
		}
	}
	*n = q;
	return r;
}

struct spec {
	bool left;
	bool zero;
	bool alt;	/* '#': 0x before non-zero hex */
	int width;
	int prec;
};

static void emit_number(struct out *o, const struct spec *sp, uint64_t v, bool neg,
			unsigned int base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int len = 0, plen = 0, zeros = 0, total;

	do
		buf[len++] = digits[div_small(&v, base)];
	while (v);
	if (sp->prec > len)
		zeros = sp->prec - len;
	if (neg)
		plen = 1;
	else if (prefix)
		plen = 2;
	total = plen + zeros + len;
	if (!sp->left && !sp->zero)
		pad(o, ' ', sp->width - total);
	if (neg)
		put(o, '-');
	else if (prefix)
		put(o, prefix[0]), put(o, prefix[1]);
	if (!sp->left && sp->zero)
		pad(o, '0', sp->width - total);
	pad(o, '0', zeros);
	while (len)
		put(o, buf[--len]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->prec < 0 || len < sp->prec))
		len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

/* Length modifiers, counted: 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t. */
static int parse_length(const char **f)
{
	int len = 0;

	for (;; (*f)++) {
		if (**f == 'l')
			len = len >= 1 ? 2 : 1;
		else if (**f == 'h')
			len = len <= -1 ? -2 : -1;
		else if (**f == 'z')
			len = 3;
		else
			return len;
	}
}

static uint64_t fetch_unsigned(va_list *ap, int len)
{
	switch (len) {
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	case 3: return va_arg(*ap, size_t);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(va_list *ap, int len)
{
	switch (len) {
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	case 3: return (int64_t)va_arg(*ap, size_t);
	case -1: return (short)va_arg(*ap, int);
	case -2: return (signed char)va_arg(*ap, int);
	default: return va_arg(*ap, int);
	}
}

static int parse_int(const char **f, va_list *ap)
{
	int n = 0;

	if (**f == '*') {
		(*f)++;
		return va_arg(*ap, int);
	}
	while (**f >= '0' && **f <= '9')
		n = n * 10 + (*(*f)++ - '0');
	return n;
}

int vformat(fmt_sink_fn sink, void *ctx, const char *f, va_list ap_in)
{
	struct out o = { sink, ctx, 0 };
	va_list ap;

	va_copy(ap, ap_in);
	for (; *f; f++) {
		struct spec sp = { false, false, false, 0, -1 };
		int64_t sv;
		uint64_t uv;
		int len;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f++;
		for (;; f++) {
			if (*f == '-')
				sp.left = true;
			else if (*f == '0')
				sp.zero = true;
			else if (*f == '#')
				sp.alt = true;
			else
				break;
		}
		sp.width = parse_int(&f, &ap);
		if (sp.width < 0) {
			sp.left = true;
			sp.width = -sp.width;
		}
		if (*f == '.') {
			f++;
			sp.prec = parse_int(&f, &ap);
			sp.zero = false;
		}
		len = parse_length(&f);
		switch (*f) {
		case 'd':
		case 'i':
			sv = fetch_signed(&ap, len);
			emit_number(&o, &sp, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, sv < 0, 10,
				    false, NULL);
			break;
		case 'u':
			emit_number(&o, &sp, fetch_unsigned(&ap, len), false, 10, false, NULL);
			break;
		case 'x':
		case 'X':
			uv = fetch_unsigned(&ap, len);
			emit_number(&o, &sp, uv, false, 16, *f == 'X',
				    sp.alt && uv ? (*f == 'X' ? "0X" : "0x") : NULL);
			break;
		case 'o':
			emit_number(&o, &sp, fetch_unsigned(&ap, len), false, 8, false, NULL);
			break;
		case 'p':
			sp.zero = true;
			sp.width = 18;
			emit_number(&o, &sp, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x");
			break;
		case 's':
			emit_string(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--;
			break;
		default:
			/* Unknown conversion: show it rather than silently drop an argument. */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	return o.count;
}

int format(fmt_sink_fn sink, void *ctx, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat(sink, ctx, fmt, ap);
	va_end(ap);
	return n;
}

struct buf_sink {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_put(char c, void *ctx)
{
	struct buf_sink *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = { buf, size, 0 };
	int n = vformat(buf_put, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
