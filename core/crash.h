/* SPDX-License-Identifier: MIT */
/*
 * The crash= boot option: the hypervisor takes an exception on purpose, so that the exception
 * dump (arch/x86/trap.c) is exercised by a test rather than first seen on a real failure. Linux's
 * lkdtm does the same for its oops path.
 */
#ifndef CORE_CRASH_H
#define CORE_CRASH_H

#include "core/options.h"

/*
 * Returns at once for CRASH_NONE; otherwise raises the exception, which never returns. RBX holds
 * CRASH_MARKER at the faulting instruction, so a test can tell that the dump shows the faulting
 * context's registers.
 */
#define CRASH_MARKER	0x7c4a5e0b0b0b0b0bull
/* Canonical, far above any RAM or MMIO the identity map covers: never mapped. */
#define CRASH_PF_ADDR	0x00004a5e00000000ull

/* The exception kinds (de, ud, gp, pf); the others are vm_run's. */
void crash_if_asked(enum crash_kind kind);

#endif
