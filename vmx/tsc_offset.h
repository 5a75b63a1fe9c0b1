/* SPDX-License-Identifier: MIT */
/*
 * The guest's TSC: the host's plus an offset, in the VMCS's TSC-offset field with "use TSC
 * offsetting" on (SDM vol. 3C 26.3, 27.6.5): RDTSC, RDTSCP and RDMSR of IA32_TIME_STAMP_COUNTER
 * in the guest return host TSC + offset without an exit. The offset starts at 0 and moves only
 * when the guest writes its TSC or IA32_TSC_ADJUST (SDM vol. 3B 18.17.3: a write of the TSC
 * adds the same difference to TSC_ADJUST, a write of TSC_ADJUST adds its difference to the
 * TSC). Everything inside tickvisor runs on host TSC values; the one guest-visible absolute TSC
 * value it keeps, the vLAPIC's IA32_TSC_DEADLINE, is translated at the MSR (apic_glue.c).
 */
#ifndef VMX_TSC_OFFSET_H
#define VMX_TSC_OFFSET_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vcpu.h"

#define MSR_IA32_TIME_STAMP_COUNTER	0x010
#define MSR_IA32_TSC_ADJUST		0x03b

/* RDMSR of IA32_TSC_ADJUST. */
uint64_t tsc_offset_adjust(const struct vcpu *v);
/* WRMSR of IA32_TIME_STAMP_COUNTER or IA32_TSC_ADJUST; the exit's TSC is the time of it. */
void tsc_offset_write(struct vcpu *v, uint32_t msr, uint64_t val);
/* A guest TSC value as the host's, and back (0, "no deadline", stays 0 both ways). */
uint64_t tsc_offset_to_host(const struct vcpu *v, uint64_t guest_tsc);
uint64_t tsc_offset_to_guest(const struct vcpu *v, uint64_t host_tsc);

#endif
