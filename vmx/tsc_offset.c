/* SPDX-License-Identifier: MIT */
/* The guest's TSC offset and IA32_TSC_ADJUST (tsc_offset.h). */
#include "vmx/tsc_offset.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_ops.h"

uint64_t tsc_offset_adjust(const struct vcpu *v)
{
	return (uint64_t)v->tsc_adjust;
}

void tsc_offset_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	int64_t delta;

	if (msr == MSR_IA32_TSC_ADJUST)
		delta = (int64_t)(val - (uint64_t)v->tsc_adjust);
	else	/* the TSC the guest wants now, at the instruction: the exit's time */
		delta = (int64_t)(val - (v->exit_tsc + (uint64_t)v->tsc_offset));
	v->tsc_adjust += delta;
	v->tsc_offset += delta;
	vmwrite(VMCS_TSC_OFFSET, (uint64_t)v->tsc_offset);
}

/* A guest deadline before the host's TSC 0 is long past: 1, the earliest that is one. */
uint64_t tsc_offset_to_host(const struct vcpu *v, uint64_t guest_tsc)
{
	uint64_t host = guest_tsc - (uint64_t)v->tsc_offset;

	if (!guest_tsc)
		return 0;
	if (v->tsc_offset > 0 && guest_tsc < (uint64_t)v->tsc_offset)
		return 1;
	return host ? host : 1;
}

uint64_t tsc_offset_to_guest(const struct vcpu *v, uint64_t host_tsc)
{
	return host_tsc ? host_tsc + (uint64_t)v->tsc_offset : 0;
}
