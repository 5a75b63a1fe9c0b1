/* SPDX-License-Identifier: MIT */
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/serial.h"
#include "tests/guest/lib/start.h"

void guest_start(uint32_t magic, uint32_t info, struct boot_info *bi)
{
	const char *err;

	serial_init();
	idt_init();
	err = mb_parse(magic, info, bi);
	if (err) {
		fail("boot.info", "%s: magic 0x%08x, info at 0x%08x", err, magic, info);
		summary();
	}
}
