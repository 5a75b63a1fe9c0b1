/* SPDX-License-Identifier: MIT */
#ifndef VMX_VMX_SETUP_H
#define VMX_VMX_SETUP_H

#include <stdbool.h>

/* Sets CR0/CR4 to the VMX fixed bits, CR4.VMXE, and executes VMXON (SDM 24.7, 24.8). */
bool vmx_on(void);

#endif
