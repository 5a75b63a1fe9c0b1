/* SPDX-License-Identifier: MIT */
/*
 * The xAPIC memory-mapped interface (SDM 11.4.1): APIC-access exits, which the glue has decoded
 * into a 32-bit read or write at a page offset, and trap-like APIC-write exits (SDM 29.4.3.3).
 */
#include "vlapic/internal.h"

/* Is a 32-bit MMIO access with `right` (read or write) to `offset` a register access? */
static bool mmio_check(struct vlapic *v, uint32_t offset, unsigned int right)
{
	unsigned int access;

	if (vlapic_mode(v) != VLAPIC_MODE_XAPIC) {
		vlapic_log(v, VLAPIC_LOG_WARN, "xAPIC access at 0x%x outside xAPIC mode", offset);
		return false;
	}
	if (offset & 0xf || offset >= 0x1000) {
		vlapic_log(v, VLAPIC_LOG_WARN, "misaligned xAPIC access at 0x%x", offset);
		return false;
	}
	access = vlapic_reg_access(offset);
	if (access & right)
		return true;
	/* SDM 11.5.3: an access to an unimplemented register is an error of its own */
	if (!(access & (VLAPIC_XAPIC_R | VLAPIC_XAPIC_W)))
		vlapic_error(v, APIC_ESR_ILLEGAL_REG);
	vlapic_log(v, VLAPIC_LOG_DEBUG, "xAPIC %s of 0x%x ignored",
		   right == VLAPIC_XAPIC_R ? "read" : "write", offset);
	return false;
}

bool vlapic_mmio_read(struct vlapic *v, uint32_t offset, uint32_t *val)
{
	*val = 0;
	if (!mmio_check(v, offset, VLAPIC_XAPIC_R))
		return false;
	*val = vlapic_reg_read(v, offset);
	return true;
}

bool vlapic_mmio_write(struct vlapic *v, uint32_t offset, uint32_t val)
{
	if (!mmio_check(v, offset, VLAPIC_XAPIC_W))
		return false;
	return vlapic_reg_write(v, offset, val);
}

/*
 * The CPU stored the value before exiting, so the page is both the new value and where the
 * sanitized one must end up. Only offsets that the CPU virtualizes as writes can get here
 * (SDM 29.4.3.2); anything else is a glue bug worth a line in the log.
 */
void vlapic_apic_write(struct vlapic *v, uint32_t offset)
{
	bool x2apic = vlapic_mode(v) == VLAPIC_MODE_X2APIC;

	/*
	 * IA32_APIC_BASE.EN = 0: there is no APIC to write to (SDM 11.4.3), the write is dropped
	 * as KVM drops it. The page keeps the reset state it had since the disable.
	 */
	if (vlapic_mode(v) == VLAPIC_MODE_DISABLED) {
		vlapic_regs_reset(v);
		return;
	}
	/*
	 * A write narrower than 32 bits, or not at the register's start, that the CPU virtualized
	 * (SDM 29.4.3.1 only asks the offset to lie in a register) exits with its own offset; the
	 * page already holds the bytes merged into the register, which is then what was written,
	 * as KVM's APIC-write path takes it. (Without APIC-register virtualization such a write is
	 * an APIC-access exit, and vlapic_mmio_write_bytes drops it, as KVM drops it.)
	 */
	offset &= ~0xfu;
	if (!(vlapic_reg_access(offset) & (x2apic ? VLAPIC_X2APIC_W : VLAPIC_XAPIC_W))) {
		vlapic_log(v, VLAPIC_LOG_ERROR, "unexpected APIC-write exit at 0x%x", offset);
		return;
	}
	if (!vlapic_reg_write(v, offset, vlapic_get_reg(v, offset)))
		vlapic_log(v, VLAPIC_LOG_WARN, "APIC-write of 0x%x at 0x%x refused",
			   vlapic_get_reg(v, offset), offset);
}

uint64_t vlapic_mmio_read_bytes(struct vlapic *v, uint32_t offset, unsigned int size)
{
	uint32_t slot = ~0u, reg = 0;
	uint64_t val = 0;

	for (unsigned int i = 0; i < size && i < 8 && offset + i < 0x1000; i++) {
		uint32_t off = offset + i;

		if ((off & 0xf) >= 4)
			continue;	/* bytes 4-15 of a slot: reserved, read as 0 */
		if ((off & ~0xfu) != slot) {
			slot = off & ~0xfu;
			vlapic_mmio_read(v, slot, &reg);
		}
		val |= (uint64_t)((reg >> (8 * (off & 3))) & 0xff) << (8 * i);
	}
	return val;
}

void vlapic_mmio_write_bytes(struct vlapic *v, uint32_t offset, unsigned int size, uint64_t val)
{
	if (size == 4 && !(offset & 0xf)) {
		vlapic_mmio_write(v, offset, (uint32_t)val);
		return;
	}
	vlapic_log(v, VLAPIC_LOG_WARN, "%u-byte xAPIC write at 0x%x dropped: registers take "
		   "aligned 32-bit writes", size, offset);
}
