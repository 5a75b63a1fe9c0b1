/* SPDX-License-Identifier: MIT */
/*
 * A Linux bzImage as the guest kernel, loaded by the Linux boot protocol (the kernel's
 * Documentation/arch/x86/boot.rst) the way GRUB's `linux`/`initrd` and QEMU's -kernel/-initrd/
 * -append load it, and entered by its 32-bit boot protocol. The kernel module's string is the
 * kernel command line, the first further module the initrd.
 *
 * Layout in guest RAM (the memory map is e820.h's):
 *
 *	0x00400-0x00500		the BIOS data area, zeroed: no EBDA pointer at 0x40e
 *	0x10000-0x11000		the zero page (struct boot_params): ESI at entry
 *	0x11000-		the command line, cmd_line_ptr
 *	pref_address		the protected-mode kernel (code32_start before protocol 2.10),
 *				aligned to kernel_alignment when relocatable, with init_size
 *				bytes of guest RAM from there for it to decompress into
 *	below initrd_addr_max	the initrd, on a page boundary, as high as guest RAM allows
 *				(as GRUB and QEMU put it), above the kernel's init_size
 */
#ifndef LOADER_BZIMAGE_H
#define LOADER_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/guest_load.h"

/* boot.rst: protocol 2.06 gives cmdline_size, the last field every loader must honour. */
#define BZIMAGE_MIN_VERSION	0x0206

/* Whether file carries a Linux setup header: "HdrS" at 0x202 (boot protocol 2.00 and later). */
bool bzimage_detect(const uint8_t *file, uint64_t size);

/*
 * Loads the bzImage req->kernel, with req->mods[0] (if any) as its initrd and req->cmdline as its
 * command line, and builds its zero page. ram_text names guest RAM's size for the messages;
 * guest_load() has checked req's RAM and module count. Returns 0 with *out filled in (protocol
 * GUEST_LINUX), or -1 with a sentence in err.
 */
int bzimage_load(const struct guest_load_req *req, const char *ram_text, struct guest_entry *out,
		 char *err, size_t errlen);

#endif
