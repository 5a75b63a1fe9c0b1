/* SPDX-License-Identifier: MIT */
/* What every test guest does first. */
#ifndef GUEST_LIB_START_H
#define GUEST_LIB_START_H

#include <stdint.h>

#include "tests/guest/lib/multiboot.h"

/*
 * COM1, the IDT, then the boot information the loader passed (EAX, EBX at entry) into *bi; boot
 * information the guest can't read ends the run with FAIL: boot.info.
 */
void guest_start(uint32_t magic, uint32_t info, struct boot_info *bi);

#endif
