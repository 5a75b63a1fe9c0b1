/* SPDX-License-Identifier: MIT */
#ifndef VMX_VM_H
#define VMX_VM_H

#include <stdint.h>

#include "arch/x86/mb2.h"
#include "vmx/vm_config.h"

/*
 * Builds the one VM (guest RAM, EPT, guest kernel from the first module, VMCS, vLAPIC), runs
 * it and prints the exit statistics. Returns the status the run ends with: the guest's exit
 * code, or STATUS_FAILURE after a diagnostic.
 */
uint32_t vm_run(const struct mb2_info *mbi, const struct vm_config *cfg);

#endif
