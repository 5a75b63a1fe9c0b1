/* SPDX-License-Identifier: MIT */
#ifndef VMX_VMX_CHECK_H
#define VMX_VMX_CHECK_H

#include <stdbool.h>

/*
 * Is VMX usable on this CPU (SDM vol. 3C 24.6, 24.7)? CPUID must report it and
 * IA32_FEATURE_CONTROL must allow VMXON outside SMX; an unlocked FEATURE_CONTROL is set up and
 * locked, as firmware would. Prints exactly what is missing and returns false otherwise.
 */
bool vmx_check_cpu(void);

#endif
