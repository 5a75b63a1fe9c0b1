/* SPDX-License-Identifier: MIT */
#include "arch/x86/msr.h"
#include "lib/string.h"
#include "vmx/msr_bitmap.h"

/*
 * Layout (SDM 25.6.9): four 1 KiB bitmaps: reads of 0-0x1fff, reads of 0xc0000000-0xc0001fff,
 * then the same two for writes. MSRs outside both ranges always exit.
 */
#define READ_LOW	0
#define READ_HIGH	1024
#define WRITE_LOW	2048
#define WRITE_HIGH	3072

/*
 * MSRs the guest owns outright: VM entry/exit switch them (EFER, PAT, FS/GS base, SYSENTER
 * are in the VMCS) or the host never uses them (the SYSCALL MSRs, KERNEL_GS_BASE, TSC_AUX).
 */
static const uint32_t passthrough[] = {
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_IA32_PAT,
	MSR_IA32_EFER,
	0xc0000081,	/* STAR */
	0xc0000082,	/* LSTAR */
	0xc0000083,	/* CSTAR */
	0xc0000084,	/* SFMASK */
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	0xc0000103,	/* TSC_AUX */
};

/* Reads pass through, writes exit: the values are the host's and must stay so. */
static const uint32_t read_only[] = {
	0x010,		/* TSC: the guest runs on the host TSC (no offset) */
	0x0fe,		/* MTRRcap */
	0x2ff,		/* MTRRdefType */
	0x250,		/* MTRRfix64K_00000 */
	0x258, 0x259,	/* MTRRfix16K */
	0x1a0,		/* MISC_ENABLE */
	0x0ce,		/* PLATFORM_INFO */
};

void msr_bitmap_set(uint8_t *bm, uint32_t msr, bool read_exits, bool write_exits)
{
	unsigned int base_r, base_w, bit;

	if (msr <= 0x1fff) {
		base_r = READ_LOW, base_w = WRITE_LOW, bit = msr;
	} else if (msr >= 0xc0000000 && msr <= 0xc0001fff) {
		base_r = READ_HIGH, base_w = WRITE_HIGH, bit = msr - 0xc0000000;
	} else {
		return;
	}
	if (read_exits)
		bm[base_r + bit / 8] |= (uint8_t)(1u << (bit % 8));
	else
		bm[base_r + bit / 8] &= (uint8_t)~(1u << (bit % 8));
	if (write_exits)
		bm[base_w + bit / 8] |= (uint8_t)(1u << (bit % 8));
	else
		bm[base_w + bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

void msr_bitmap_init(uint8_t *bm)
{
	memset(bm, 0xff, 4096);
	for (unsigned int i = 0; i < sizeof(passthrough) / sizeof(passthrough[0]); i++)
		msr_bitmap_set(bm, passthrough[i], false, false);
	for (unsigned int i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
		msr_bitmap_set(bm, read_only[i], false, true);
	/* Variable-range MTRR bases and masks, and the 4 KiB fixed-range MTRRs */
	for (uint32_t m = 0x200; m <= 0x213; m++)
		msr_bitmap_set(bm, m, false, true);
	for (uint32_t m = 0x268; m <= 0x26f; m++)
		msr_bitmap_set(bm, m, false, true);
}
