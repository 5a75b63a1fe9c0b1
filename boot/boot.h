/* SPDX-License-Identifier: MIT */
/* Constants shared between the boot assembly and C. */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

/* Selectors of the boot GDT; arch/x86/gdt.c keeps the same values. */
#define BOOT_CS		0x08
#define BOOT_DS		0x10
#define BOOT_STACK_SIZE	(32 * 1024)

#endif
