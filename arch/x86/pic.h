/* SPDX-License-Identifier: MIT */
#ifndef ARCH_X86_PIC_H
#define ARCH_X86_PIC_H

/*
 * Masks both 8259 PICs. The BIOS leaves the master's timer on vector 8 (#DF's vector), so this
 * runs before the first STI.
 */
void pic_disable(void);

#endif
