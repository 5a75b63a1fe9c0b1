/* SPDX-License-Identifier: MIT */
/*
 * Boot-option parser. One table row per key: its value parser, how to print it back and the
 * help text that ends an error about it, so that adding an option is adding a row. Everything is
 * parsed into a copy first: a command line with one bad word changes nothing, because booting on
 * half of what the user asked for would hide the mistake.
 */
#include <stdarg.h>
#include <stdbool.h>

#include "core/options.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/util.h"


/*
 * The advance holds the guest back that long on every timer interrupt: 100 us, the automatic
 * advance's own bound, not KVM's 5 us, since an exit costs 7 us of TSC time on Bochs.
 */
#define ADVANCE_NS_MAX		100000
#define MIN_PERIOD_US_MAX	1000000
/* Guest RAM is mapped with 2 MiB EPT pages, and must fit below the 4 GiB PCI hole. */
#define GUEST_MEM_ALIGN		(2 * MIB)
#define GUEST_MEM_MIN		(4 * MIB)
#define GUEST_MEM_MAX		(3072 * MIB)
/* The exit trace ring is static storage (vmx/exit_trace.h, EXIT_TRACE_MAX). */
#define TRACE_MAX		4096

/* Indexed by the enums of core/options.h. */
static const char *const timer_names[] = { [VLAPIC_TIMER_HV] = "hv", [VLAPIC_TIMER_SW] = "sw" };
static const char *const log_names[] = {
	[LOG_ERROR] = "error", [LOG_WARN] = "warn", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

static const char *const crash_names[] = {
	[CRASH_NONE] = "none", [CRASH_DE] = "de", [CRASH_UD] = "ud", [CRASH_GP] = "gp",
	[CRASH_PF] = "pf", [CRASH_VMENTRY] = "vmentry", [CRASH_VMEXIT] = "vmexit",
};


/* A bounded string builder: appends until the buffer is full, always NUL-terminated. */
struct text {
	char *buf;
	size_t len;
	size_t pos;
};

__attribute__((format(printf, 2, 3)))
static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->pos + 1 >= t->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->pos, t->len - t->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->pos += (size_t)n < t->len - t->pos ? (size_t)n : t->len - t->pos - 1;
}

/* Index of val in names, or -1. */
static int lookup(const char *val, const char *const *names, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(val, names[i]))
			return (int)i;
	return -1;
}

static const char *name_of(unsigned int i, const char *const *names, unsigned int n)
{
	return i < n ? names[i] : "?";
}

/* Unsigned decimal in s[0..len), at most max; no sign, no spaces, no empty string. */
static int parse_dec(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned int d = (unsigned int)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int parse_timer(const char *val, struct boot_options *o)
{
	int i = lookup(val, timer_names, ARRAY_SIZE(timer_names));

	if (i < 0)
		return -1;
	o->timer = (enum vlapic_timer_backend)i;
	return 0;
}

static void show_timer(const struct boot_options *o, struct text *t)
{
	text_add(t, "%s", name_of(o->timer, timer_names, ARRAY_SIZE(timer_names)));
}

static int parse_advance(const char *val, struct boot_options *o)
{
	uint64_t ns;

	if (!strcmp(val, "auto")) {
		o->advance_mode = VLAPIC_ADVANCE_AUTO;
	} else if (!strcmp(val, "off")) {
		o->advance_mode = VLAPIC_ADVANCE_OFF;
	} else {
		if (parse_dec(val, strlen(val), ADVANCE_NS_MAX, &ns))
			return -1;
		o->advance_mode = VLAPIC_ADVANCE_FIXED;
		o->advance_ns = (uint32_t)ns;
	}
	return 0;
}

static void show_advance(const struct boot_options *o, struct text *t)
{
	if (o->advance_mode == VLAPIC_ADVANCE_FIXED)
		text_add(t, "%u", o->advance_ns);
	else
		text_add(t, "%s", o->advance_mode == VLAPIC_ADVANCE_OFF ? "off" : "auto");
}

static int parse_min_period(const char *val, struct boot_options *o)
{
	uint64_t us;

	if (parse_dec(val, strlen(val), MIN_PERIOD_US_MAX, &us))
		return -1;
	o->min_period_us = (uint32_t)us;
	return 0;
}

static void show_min_period(const struct boot_options *o, struct text *t)
{
	text_add(t, "%u", o->min_period_us);
}

static int parse_log(const char *val, struct boot_options *o)
{
	int i = lookup(val, log_names, ARRAY_SIZE(log_names));

	if (i < 0)
		return -1;
	o->log_level = (enum log_level)i;
	return 0;
}

static void show_log(const struct boot_options *o, struct text *t)
{
	text_add(t, "%s", name_of(o->log_level, log_names, ARRAY_SIZE(log_names)));
}

static int parse_guest_mem(const char *val, struct boot_options *o)
{
	size_t len = strlen(val);
	uint64_t unit, n;

	if (!len)
		return -1;
	switch (val[len - 1]) {
	case 'K': case 'k':
		unit = KIB;
		break;
	case 'M': case 'm':
		unit = MIB;
		break;
	case 'G': case 'g':
		unit = GIB;
		break;
	default:
		return -1;
	}
	/* Bounding n by the maximum first keeps n * unit from overflowing. */
	if (parse_dec(val, len - 1, GUEST_MEM_MAX / unit, &n))
		return -1;
	n *= unit;
	if (n < GUEST_MEM_MIN || n % GUEST_MEM_ALIGN)
		return -1;
	o->guest_mem_bytes = n;
	return 0;
}

static void show_guest_mem(const struct boot_options *o, struct text *t)
{
	uint64_t b = o->guest_mem_bytes;

	if (b && !(b % GIB))
		text_add(t, "%lluG", (unsigned long long)(b / GIB));
	else if (!(b % MIB))
		text_add(t, "%lluM", (unsigned long long)(b / MIB));
	else
		text_add(t, "%lluK", (unsigned long long)(b / KIB));
}

static int parse_crash(const char *val, struct boot_options *o)
{
	int i = lookup(val, crash_names, ARRAY_SIZE(crash_names));

	if (i < 0)
		return -1;
	o->crash = (enum crash_kind)i;
	return 0;
}

static void show_crash(const struct boot_options *o, struct text *t)
{
	text_add(t, "%s", name_of(o->crash, crash_names, ARRAY_SIZE(crash_names)));
}

static int parse_trace(const char *val, struct boot_options *o)
{
	uint64_t n;

	if (parse_dec(val, strlen(val), TRACE_MAX, &n))
		return -1;
	o->trace = (uint32_t)n;
	return 0;
}

static void show_trace(const struct boot_options *o, struct text *t)
{
	text_add(t, "%u", o->trace);
}

struct option_def {
	const char *key;
	int (*parse)(const char *val, struct boot_options *o);
	void (*show)(const struct boot_options *o, struct text *t);
	const char *help;	/* completes "<key> ..." in an error about a bad value */
};

static const struct option_def option_defs[] = {
	{ "timer", parse_timer, show_timer, "must be hv or sw" },
	{ "timer_advance", parse_advance, show_advance,
	  "must be auto, off or a number of nanoseconds from 0 to 100000" },
	{ "min_period_us", parse_min_period, show_min_period,
	  "must be a number of microseconds from 0 to 1000000" },
	{ "log", parse_log, show_log, "must be error, warn, info or debug" },
	{ "guest_mem", parse_guest_mem, show_guest_mem,
	  "must be a size with a K, M or G suffix, a multiple of 2M from 4M to 3072M" },
	{ "crash", parse_crash, show_crash, "must be none, de, ud, gp, pf, vmentry or vmexit" },
	{ "trace", parse_trace, show_trace,
	  "must be a number of exits to keep from 0 (off) to 4096" },
};

void options_defaults(struct boot_options *o)
{
	o->timer = VLAPIC_TIMER_HV;
	o->advance_mode = VLAPIC_ADVANCE_AUTO;
	o->advance_ns = 0;
	o->min_period_us = 200;
	o->log_level = LOG_INFO;
	o->guest_mem_bytes = 64 * MIB;
	o->crash = CRASH_NONE;
	o->trace = 0;
}

static const struct option_def *find_def(const char *key, size_t keylen)
{
	for (size_t i = 0; i < ARRAY_SIZE(option_defs); i++) {
		const char *k = option_defs[i].key;

		if (strlen(k) == keylen && !strncmp(k, key, keylen))
			return &option_defs[i];
	}
	return NULL;
}

/* One NUL-terminated key=value word into *o; on failure the reason goes to *e. */
static int parse_word(const char *word, struct boot_options *o, struct text *e)
{
	const char *eq = strchr(word, '=');
	const struct option_def *def;

	if (!eq) {
		text_add(e, "boot option '%s': expected key=value", word);
		return -1;
	}
	def = find_def(word, (size_t)(eq - word));
	if (!def) {
		text_add(e, "unknown boot option '%s' (known:", word);
		for (size_t i = 0; i < ARRAY_SIZE(option_defs); i++)
			text_add(e, "%s %s", i ? "," : "", option_defs[i].key);
		text_add(e, ")");
		return -1;
	}
	if (def->parse(eq + 1, o)) {
		text_add(e, "boot option '%s': %s %s", word, def->key, def->help);
		return -1;
	}
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

int options_parse(const char *cmdline, struct boot_options *o, char *err, size_t errlen)
{
	struct text e = { err, errlen, 0 };
	struct boot_options next = *o;
	char word[OPTIONS_MAX_WORD + 1];
	const char *p = cmdline ? cmdline : "";

	if (errlen)
		err[0] = '\0';
	for (;;) {
		size_t len = 0;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		while (p[len] && !is_space(p[len]))
			len++;
		if (len > OPTIONS_MAX_WORD) {
			text_add(&e, "boot option '%.32s...' is longer than %d characters", p,
				 OPTIONS_MAX_WORD);
			return -1;
		}
		memcpy(word, p, len);
		word[len] = '\0';
		if (parse_word(word, &next, &e))
			return -1;
		p += len;
	}
	*o = next;
	return 0;
}

void options_describe(const struct boot_options *o, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(option_defs); i++) {
		text_add(&t, "%s%s=", i ? " " : "", option_defs[i].key);
		option_defs[i].show(o, &t);
	}
}
