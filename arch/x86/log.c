/* SPDX-License-Identifier: MIT */
#include "arch/x86/log.h"
#include "arch/x86/serial.h"
#include "lib/fmt.h"

static enum log_level console_level = LOG_INFO;

/* Tag per level; errors and warnings carry a word a log reader can grep for. */
static const char *const level_tag[] = {
	[LOG_ERROR] = "ERROR: ",
	[LOG_WARN] = "warning: ",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "debug: ",
};

void log_set_level(enum log_level level)
{
	console_level = level;
}

static void console_sink(char c, void *ctx)
{
	(void)ctx;
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
}

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	if (level > console_level)
		return;
	format(console_sink, NULL, "tickvisor: %s", level_tag[level]);
	vformat(console_sink, NULL, fmt, ap);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(console_sink, NULL, fmt, ap);
	va_end(ap);
}
