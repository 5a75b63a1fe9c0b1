/* SPDX-License-Identifier: MIT */
/*
 * The host GDT and TSS. VMX needs a usable TR: the VMCS host TR selector can't be 0
 * (SDM 27.2.3).
 */
#ifndef ARCH_X86_GDT_H
#define ARCH_X86_GDT_H

#include <stdint.h>

#include "boot/boot.h"

#define GDT_CS		BOOT_CS
#define GDT_DS		BOOT_DS
#define GDT_TSS		0x18

/* Interrupt stack table slots (SDM 8.14.5): faults that must not run on a broken stack. */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3

void gdt_init(void);
uint64_t gdt_base(void);
uint64_t tss_base(void);

#endif
