/* SPDX-License-Identifier: MIT */
#include "arch/x86/msr.h"
#include "lib/string.h"
#include "lib/util.h"
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

/*
 * The host's own MSRs: reads pass through, writes exit, because the values are the host's and
 * must stay so. A write to one the hardware lets software write is accepted and dropped (the
 * guest can't tell it from a write the hardware ignored); the read-only ones raise #GP, as they
 * do on the hardware.
 */
static const struct host_msr {
	uint32_t first, last;
	bool writable;
} host_msrs[] = {
	{ 0x010, 0x010, true },		/* TSC: the guest runs on the host TSC (no offset) */
	{ 0x0ce, 0x0ce, false },	/* PLATFORM_INFO */
	{ 0x0fe, 0x0fe, false },	/* MTRRcap */
	{ 0x1a0, 0x1a0, true },		/* MISC_ENABLE */
	{ 0x200, 0x213, true },		/* variable-range MTRR bases and masks */
	{ 0x250, 0x250, true },		/* MTRRfix64K_00000 */
	{ 0x258, 0x259, true },		/* MTRRfix16K */
	{ 0x268, 0x26f, true },		/* MTRRfix4K */
	{ 0x2ff, 0x2ff, true },		/* MTRRdefType */
};

bool msr_write_dropped(uint32_t msr)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(host_msrs); i++)
		if (msr >= host_msrs[i].first && msr <= host_msrs[i].last)
			return host_msrs[i].writable;
	return false;
}

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
	for (unsigned int i = 0; i < ARRAY_SIZE(passthrough); i++)
		msr_bitmap_set(bm, passthrough[i], false, false);
	for (unsigned int i = 0; i < ARRAY_SIZE(host_msrs); i++)
		for (uint32_t m = host_msrs[i].first; m <= host_msrs[i].last; m++)
			msr_bitmap_set(bm, m, false, true);
}
