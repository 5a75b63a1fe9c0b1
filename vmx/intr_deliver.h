/* SPDX-License-Identifier: MIT */
/*
 * Interrupt delivery into the guest: NMIs, the 8259's ExtINT vectors and the vLAPIC's vectors,
 * by virtual-interrupt delivery (RVI) or event injection with interrupt- and NMI-window exits.
 */
#ifndef VMX_INTR_DELIVER_H
#define VMX_INTR_DELIVER_H

#include <stdbool.h>

#include "vmx/vcpu.h"

/* Picks the NMI mechanism from the controls vmcs.c set; call from apic_glue_init. */
void intr_deliver_init(struct vcpu *v);
/* Right before every VM entry: what to inject, RVI, the windows, the EOI-exit bitmap. */
void intr_deliver_before_entry(struct vcpu *v);
/* Right after every VM exit: the guest's NMI blocking after an exit on a faulting IRET. */
void intr_deliver_after_exit(struct vcpu *v);
/*
 * Whether a halted guest wakes: an NMI is pending, or (with RFLAGS.IF = `irq_enabled`) an
 * ExtINT or a deliverable vLAPIC vector.
 */
bool intr_deliver_wakes(bool irq_enabled);
/* One line for the boot banner: how NMIs are delivered. */
const char *intr_deliver_nmi_mechanism(void);

#endif
