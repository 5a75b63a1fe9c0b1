/* SPDX-License-Identifier: MIT */
/* Unit tests for the boot-option parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/options.h"

#define MIB	(1024ull * 1024)

static const char known[] =
	"(known: timer, timer_advance, min_period_us, log, guest_mem, crash, trace)";

static void assert_same(const struct boot_options *a, const struct boot_options *b)
{
	assert_int_equal(a->timer, b->timer);
	assert_int_equal(a->advance_mode, b->advance_mode);
	assert_int_equal(a->advance_ns, b->advance_ns);
	assert_int_equal(a->min_period_us, b->min_period_us);
	assert_int_equal(a->log_level, b->log_level);
	assert_int_equal(a->guest_mem_bytes, b->guest_mem_bytes);
	assert_int_equal(a->crash, b->crash);
	assert_int_equal(a->trace, b->trace);
}

/* Parses cmdline over the defaults, expecting success. */
static struct boot_options ok(const char *cmdline)
{
	struct boot_options o;
	char err[256] = "untouched";

	options_defaults(&o);
	if (options_parse(cmdline, &o, err, sizeof(err)))
		fail_msg("'%s' rejected: %s", cmdline, err);
	assert_string_equal(err, "");
	return o;
}

/* Expects cmdline to be rejected with exactly msg, leaving the options as they were. */
static void bad(const char *cmdline, const char *msg)
{
	struct boot_options o, before;
	char err[256];

	options_defaults(&o);
	before = o;
	assert_int_equal(options_parse(cmdline, &o, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_same(&o, &before);
}

/* Expects `key=value` to be rejected with the key's own help text. */
static void bad_value(const char *word, const char *key, const char *help)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "boot option '%s': %s %s", word, key, help);
	bad(word, msg);
}

static void test_defaults(void **state)
{
	struct boot_options o;

	(void)state;
	memset(&o, 0xa5, sizeof(o));
	options_defaults(&o);
	assert_int_equal(o.timer, VLAPIC_TIMER_HV);
	assert_int_equal(o.advance_mode, VLAPIC_ADVANCE_AUTO);
	assert_int_equal(o.min_period_us, 200);
	assert_int_equal(o.log_level, LOG_INFO);
	assert_int_equal(o.guest_mem_bytes, 64 * MIB);
	assert_int_equal(o.crash, CRASH_NONE);
}

static void test_empty(void **state)
{
	struct boot_options def, o;
	char err[64] = "x";

	(void)state;
	options_defaults(&def);
	o = ok("");
	assert_same(&o, &def);
	o = ok("   \t  \t");
	assert_same(&o, &def);
	o = def;
	assert_int_equal(options_parse(NULL, &o, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_same(&o, &def);
}

static void test_timer(void **state)
{
	(void)state;
	assert_int_equal(ok("timer=sw").timer, VLAPIC_TIMER_SW);
	assert_int_equal(ok("timer=hv").timer, VLAPIC_TIMER_HV);
}

#define ADVANCE_HELP	"must be auto, off or a number of nanoseconds from 0 to 100000"

static void test_timer_advance(void **state)
{
	struct boot_options o;

	(void)state;
	assert_int_equal(ok("timer_advance=off").advance_mode, VLAPIC_ADVANCE_OFF);
	assert_int_equal(ok("timer_advance=auto").advance_mode, VLAPIC_ADVANCE_AUTO);
	o = ok("timer_advance=250");
	assert_int_equal(o.advance_mode, VLAPIC_ADVANCE_FIXED);
	assert_int_equal(o.advance_ns, 250);
	o = ok("timer_advance=0");
	assert_int_equal(o.advance_mode, VLAPIC_ADVANCE_FIXED);
	assert_int_equal(o.advance_ns, 0);
	o = ok("timer_advance=100000");
	assert_int_equal(o.advance_mode, VLAPIC_ADVANCE_FIXED);
	assert_int_equal(o.advance_ns, 100000);
	/* above the bound: a period's worth of advance would livelock a periodic guest */
	bad_value("timer_advance=100001", "timer_advance", ADVANCE_HELP);
	bad_value("timer_advance=300000", "timer_advance", ADVANCE_HELP);
}

static void test_min_period(void **state)
{
	(void)state;
	assert_int_equal(ok("min_period_us=0").min_period_us, 0);
	assert_int_equal(ok("min_period_us=50").min_period_us, 50);
	assert_int_equal(ok("min_period_us=007").min_period_us, 7);
	assert_int_equal(ok("min_period_us=1000000").min_period_us, 1000000);
}

static void test_log(void **state)
{
	(void)state;
	assert_int_equal(ok("log=error").log_level, LOG_ERROR);
	assert_int_equal(ok("log=warn").log_level, LOG_WARN);
	assert_int_equal(ok("log=info").log_level, LOG_INFO);
	assert_int_equal(ok("log=debug").log_level, LOG_DEBUG);
}

static void test_guest_mem(void **state)
{
	(void)state;
	assert_int_equal(ok("guest_mem=4M").guest_mem_bytes, 4 * MIB);
	assert_int_equal(ok("guest_mem=128M").guest_mem_bytes, 128 * MIB);
	assert_int_equal(ok("guest_mem=128m").guest_mem_bytes, 128 * MIB);
	assert_int_equal(ok("guest_mem=1G").guest_mem_bytes, 1024 * MIB);
	assert_int_equal(ok("guest_mem=3g").guest_mem_bytes, 3072 * MIB);
	assert_int_equal(ok("guest_mem=3072M").guest_mem_bytes, 3072 * MIB);
	assert_int_equal(ok("guest_mem=6144K").guest_mem_bytes, 6 * MIB);
	assert_int_equal(ok("guest_mem=6144k").guest_mem_bytes, 6 * MIB);
}

static void test_crash(void **state)
{
	static const char help[] = "must be none, de, ud, gp, pf, vmentry or vmexit";

	(void)state;
	assert_int_equal(ok("crash=none").crash, CRASH_NONE);
	assert_int_equal(ok("crash=de").crash, CRASH_DE);
	assert_int_equal(ok("crash=ud").crash, CRASH_UD);
	assert_int_equal(ok("crash=gp").crash, CRASH_GP);
	assert_int_equal(ok("crash=pf").crash, CRASH_PF);
	assert_int_equal(ok("crash=vmentry").crash, CRASH_VMENTRY);
	assert_int_equal(ok("crash=vmexit").crash, CRASH_VMEXIT);
	bad_value("crash=", "crash", help);
	bad_value("crash=PF", "crash", help);
	bad_value("crash=mc", "crash", help);
	bad_value("crash=14", "crash", help);
	bad_value("crash=vm", "crash", help);
}

static void test_several(void **state)
{
	struct boot_options o;

	(void)state;
	o = ok("  timer=sw\t\tlog=debug   guest_mem=1G \t min_period_us=100 timer_advance=off  ");
	assert_int_equal(o.timer, VLAPIC_TIMER_SW);
	assert_int_equal(o.log_level, LOG_DEBUG);
	assert_int_equal(o.guest_mem_bytes, 1024 * MIB);
	assert_int_equal(o.min_period_us, 100);
	assert_int_equal(o.advance_mode, VLAPIC_ADVANCE_OFF);
}

/* Documented: a repeated key takes its last value. */
static void test_last_wins(void **state)
{
	(void)state;
	assert_int_equal(ok("timer=sw timer=hv").timer, VLAPIC_TIMER_HV);
	assert_int_equal(ok("log=debug log=error").log_level, LOG_ERROR);
}

/* Parsing goes over what the caller already has, not over the defaults. */
static void test_parse_over_existing(void **state)
{
	struct boot_options o;
	char err[64];

	(void)state;
	options_defaults(&o);
	o.min_period_us = 5;
	assert_int_equal(options_parse("log=warn", &o, err, sizeof(err)), 0);
	assert_int_equal(o.min_period_us, 5);
	assert_int_equal(o.log_level, LOG_WARN);
}

static void test_bad_timer(void **state)
{
	static const char help[] = "must be hv or sw";

	(void)state;
	bad("timer=fast", "boot option 'timer=fast': timer must be hv or sw");
	bad_value("timer=", "timer", help);
	bad_value("timer=HV", "timer", help);
	bad_value("timer=hvx", "timer", help);
	bad_value("timer=sw=hv", "timer", help);
}

static void test_bad_timer_advance(void **state)
{
	static const char help[] = "must be auto, off or a number of nanoseconds from 0 to 100000";

	(void)state;
	bad_value("timer_advance=", "timer_advance", help);
	bad_value("timer_advance=1000001", "timer_advance", help);
	bad_value("timer_advance=-5", "timer_advance", help);
	bad_value("timer_advance=+5", "timer_advance", help);
	bad_value("timer_advance=12a", "timer_advance", help);
	bad_value("timer_advance=0x10", "timer_advance", help);
	bad_value("timer_advance=AUTO", "timer_advance", help);
	bad_value("timer_advance=on", "timer_advance", help);
}

static void test_bad_min_period(void **state)
{
	static const char help[] = "must be a number of microseconds from 0 to 1000000";

	(void)state;
	bad_value("min_period_us=", "min_period_us", help);
	bad_value("min_period_us=1000001", "min_period_us", help);
	bad_value("min_period_us=-1", "min_period_us", help);
	bad_value("min_period_us=1e3", "min_period_us", help);
	bad_value("min_period_us=100us", "min_period_us", help);
}

static void test_bad_log(void **state)
{
	static const char help[] = "must be error, warn, info or debug";

	(void)state;
	bad_value("log=", "log", help);
	bad_value("log=verbose", "log", help);
	bad_value("log=Debug", "log", help);
	bad_value("log=warning", "log", help);
}

static void test_bad_guest_mem(void **state)
{
	static const char help[] =
		"must be a size with a K, M or G suffix, a multiple of 2M from 4M to 3072M";
	static const char *const words[] = {
		"guest_mem=",		/* empty */
		"guest_mem=64",		/* no suffix */
		"guest_mem=M",		/* no number */
		"guest_mem=64MB",
		"guest_mem=64T",
		"guest_mem=-64M",
		"guest_mem=1.5G",
		"guest_mem=2M",		/* below 4M */
		"guest_mem=0M",
		"guest_mem=65M",	/* not a multiple of 2M */
		"guest_mem=4097K",
		"guest_mem=3074M",	/* above 3072M */
		"guest_mem=4G",
		"guest_mem=3145730K",
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		bad_value(words[i], "guest_mem", help);
}

/* Values that a wrapping or truncating conversion would turn into acceptable ones. */
static void test_overflow(void **state)
{
	(void)state;
	bad_value("min_period_us=18446744073709551616", "min_period_us",	/* 2^64 */
		  "must be a number of microseconds from 0 to 1000000");
	bad_value("min_period_us=4294967496", "min_period_us",		/* 2^32 + 200 */
		  "must be a number of microseconds from 0 to 1000000");
	bad_value("timer_advance=99999999999999999999999999", "timer_advance",
		  "must be auto, off or a number of nanoseconds from 0 to 100000");
	/* (2^54 + 2^16) KiB is 2^64 + 64 MiB: wraps to exactly the default. */
	bad_value("guest_mem=18014398509547520K", "guest_mem",
		  "must be a size with a K, M or G suffix, a multiple of 2M from 4M to 3072M");
	bad_value("guest_mem=17179869248G", "guest_mem",	/* (2^34 + 64) GiB */
		  "must be a size with a K, M or G suffix, a multiple of 2M from 4M to 3072M");
}

static void test_trace(void **state)
{
	static const char help[] = "must be a number of exits to keep from 0 (off) to 4096";

	(void)state;
	assert_int_equal(ok("").trace, 0);
	assert_int_equal(ok("trace=0").trace, 0);
	assert_int_equal(ok("trace=1").trace, 1);
	assert_int_equal(ok("trace=64").trace, 64);
	/* The ring's static size is the bound (vmx/exit_trace.h). */
	assert_int_equal(ok("trace=4096").trace, 4096);
	assert_int_equal(ok("trace=64 trace=8").trace, 8);
	bad_value("trace=4097", "trace", help);
	bad_value("trace=99999999999999999999", "trace", help);
	bad_value("trace=", "trace", help);
	bad_value("trace=-1", "trace", help);
	bad_value("trace=on", "trace", help);
	bad_value("trace=0x10", "trace", help);
}

static void test_unknown(void **state)
{
	char msg[256];

	(void)state;
	bad("foo=1", "unknown boot option 'foo=1' (known: timer, timer_advance, min_period_us, "
	    "log, guest_mem, crash, trace)");
	snprintf(msg, sizeof(msg), "unknown boot option 'timers=sw' %s", known);
	bad("timers=sw", msg);
	snprintf(msg, sizeof(msg), "unknown boot option 'time=sw' %s", known);
	bad("time=sw", msg);
	snprintf(msg, sizeof(msg), "unknown boot option 'Timer=sw' %s", known);
	bad("Timer=sw", msg);
	snprintf(msg, sizeof(msg), "unknown boot option '=sw' %s", known);
	bad("=sw", msg);
	/* The bad word is named even after good ones, and nothing of the good ones sticks. */
	snprintf(msg, sizeof(msg), "unknown boot option 'quiet=1' %s", known);
	bad("timer=sw log=debug quiet=1 guest_mem=1G", msg);
}

static void test_not_key_value(void **state)
{
	(void)state;
	bad("log", "boot option 'log': expected key=value");
	bad("timer=sw /boot/tickvisor.elf",
	    "boot option '/boot/tickvisor.elf': expected key=value");
	bad("log=debug quiet", "boot option 'quiet': expected key=value");
}

static void test_word_length(void **state)
{
	char line[512], word[200], msg[256];
	struct boot_options o;
	char err[256];

	(void)state;
	/* Exactly OPTIONS_MAX_WORD characters: accepted (leading zeros pad the number). */
	strcpy(word, "timer_advance=");
	memset(word + 14, '0', OPTIONS_MAX_WORD - 14 - 3);
	strcpy(word + OPTIONS_MAX_WORD - 3, "123");
	assert_int_equal(strlen(word), OPTIONS_MAX_WORD);
	snprintf(line, sizeof(line), "  %s  log=warn", word);
	o = ok(line);
	assert_int_equal(o.advance_ns, 123);
	assert_int_equal(o.log_level, LOG_WARN);

	/* One more character: rejected, and the message shows the start of the word. */
	snprintf(line, sizeof(line), "log=warn 0%s", word);
	snprintf(msg, sizeof(msg), "boot option '0%.31s...' is longer than 128 characters", word);
	options_defaults(&o);
	assert_int_equal(options_parse(line, &o, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_int_equal(o.log_level, LOG_INFO);
}

static void test_small_error_buffer(void **state)
{
	struct boot_options o;
	char err[16];

	(void)state;
	options_defaults(&o);
	memset(err, 'x', sizeof(err));
	assert_int_equal(options_parse("timer=fast", &o, err, sizeof(err)), -1);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_memory_equal(err, "boot option 'ti", sizeof(err));
	/* No buffer at all still reports the failure. */
	assert_int_equal(options_parse("foo=1", &o, NULL, 0), -1);
	assert_int_equal(options_parse("timer=sw", &o, NULL, 0), 0);
	assert_int_equal(o.timer, VLAPIC_TIMER_SW);
}

static void test_describe(void **state)
{
	struct boot_options o;
	char buf[256];

	(void)state;
	options_defaults(&o);
	options_describe(&o, buf, sizeof(buf));
	assert_string_equal(buf, "timer=hv timer_advance=auto min_period_us=200 log=info "
			    "guest_mem=64M crash=none trace=0");
	o = ok("timer=sw timer_advance=500 min_period_us=0 log=debug guest_mem=3G crash=gp "
	       "trace=64");
	options_describe(&o, buf, sizeof(buf));
	assert_string_equal(buf, "timer=sw timer_advance=500 min_period_us=0 log=debug "
			    "guest_mem=3G crash=gp trace=64");
	o = ok("timer_advance=off log=error guest_mem=6144K");
	options_describe(&o, buf, sizeof(buf));
	assert_string_equal(buf, "timer=hv timer_advance=off min_period_us=200 log=error "
			    "guest_mem=6M crash=none trace=0");
}

/* What describe prints, parse reads back to the same options. */
static void test_describe_round_trip(void **state)
{
	static const char *const lines[] = {
		"",
		"timer=sw timer_advance=0 guest_mem=3072M",
		"timer_advance=100000 min_period_us=1000000 log=warn guest_mem=2050M",
		"crash=pf",
		"trace=4096",
	};
	struct boot_options o, back;
	char buf[256], err[256];

	(void)state;
	for (unsigned int i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		o = ok(lines[i]);
		options_describe(&o, buf, sizeof(buf));
		options_defaults(&back);
		back.timer = VLAPIC_TIMER_SW;	/* something describe must overwrite */
		back.log_level = LOG_DEBUG;
		assert_int_equal(options_parse(buf, &back, err, sizeof(err)), 0);
		assert_same(&back, &o);
	}
}

static void test_describe_truncates(void **state)
{
	struct boot_options o;
	char buf[10];

	(void)state;
	options_defaults(&o);
	memset(buf, 'x', sizeof(buf));
	options_describe(&o, buf, sizeof(buf));
	assert_string_equal(buf, "timer=hv ");
	buf[0] = 'x';
	options_describe(&o, buf, 0);
	assert_int_equal(buf[0], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_timer_advance),
		cmocka_unit_test(test_min_period),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_guest_mem),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_several),
		cmocka_unit_test(test_last_wins),
		cmocka_unit_test(test_parse_over_existing),
		cmocka_unit_test(test_bad_timer),
		cmocka_unit_test(test_bad_timer_advance),
		cmocka_unit_test(test_bad_min_period),
		cmocka_unit_test(test_bad_log),
		cmocka_unit_test(test_bad_guest_mem),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_not_key_value),
		cmocka_unit_test(test_word_length),
		cmocka_unit_test(test_small_error_buffer),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_describe_round_trip),
		cmocka_unit_test(test_describe_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
