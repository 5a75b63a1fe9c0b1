/* SPDX-License-Identifier: MIT */
#include "lib/string.h"
#include "vmx/cpu_policy_glue.h"
#include "vmx/msr_bitmap.h"

/*
 * Layout (SDM 25.6.9): four 1 KiB bitmaps: reads of 0-0x1fff, reads of 0xc0000000-0xc0001fff,
 * then the same two for writes. MSRs outside both ranges always exit.
 */
#define READ_LOW	0
#define READ_HIGH	1024
#define WRITE_LOW	2048
#define WRITE_HIGH	3072

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

/*
 * The policy's MSR table decides: MSR_ROUTE_PASS MSRs never exit, MSR_ROUTE_PASS_READ ones exit
 * on writes only, every other MSR (emulated, the vLAPIC's, hidden, unknown) exits. The vLAPIC
 * opens its x2APIC registers itself while the guest is in x2APIC mode.
 */
void msr_bitmap_init(uint8_t *bm)
{
	const struct cpu_policy *p = guest_cpu_policy();

	memset(bm, 0xff, 4096);
	for (unsigned int i = 0; i < cpu_policy_msr_rule_count(); i++) {
		const struct cpu_msr_rule *r = cpu_policy_msr_rule(i);

		for (uint32_t m = r->first; m <= r->last; m++) {
			enum cpu_msr_route route = cpu_policy_msr_route(p, m);

			if (route == MSR_ROUTE_PASS || route == MSR_ROUTE_PASS_READ)
				msr_bitmap_set(bm, m, false, route == MSR_ROUTE_PASS_READ);
		}
	}
}
