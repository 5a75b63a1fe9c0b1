/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "lib/string.h"
#include "vmx/guest_mem.h"
#include "vmx/vmx_ops.h"

#define ADDR_MASK	0x000ffffffffff000ull

static bool read_entry(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *out)
{
	const void *p = vcpu_gpa_ptr(v, gpa, size);

	if (!p)
		return false;
	*out = 0;
	memcpy(out, p, size);
	return true;
}

bool guest_linear_to_phys(struct vcpu *v, uint64_t la, uint64_t *gpa)
{
	uint64_t cr0 = vmread(VMCS_GUEST_CR0), cr4 = vmread(VMCS_GUEST_CR4);
	uint64_t cr3 = vmread(VMCS_GUEST_CR3), e;

	if (!(cr0 & CR0_PG)) {
		*gpa = la & 0xffffffffull;
		return true;
	}
	if (!(cr4 & CR4_PAE)) {
		/* 32-bit paging (4.3): PDE, then PTE or a 4 MiB page with CR4.PSE */
		if (!read_entry(v, (cr3 & 0xfffff000) + ((la >> 22) & 1023) * 4, 4, &e) ||
		    !(e & PTE_P))
			return false;
		if ((e & PTE_PS) && (cr4 & CR4_PSE)) {
			*gpa = (e & 0xffc00000) + (la & 0x3fffff);
			return true;
		}
		if (!read_entry(v, (e & 0xfffff000) + ((la >> 12) & 1023) * 4, 4, &e) ||
		    !(e & PTE_P))
			return false;
		*gpa = (e & 0xfffff000) + (la & 0xfff);
		return true;
	}

	/* PAE (4.4) starts at a PDPTE; 4-level (4.5) adds the PML4 level above. */
	int level;
	uint64_t table;

	if (vmread(VMCS_GUEST_EFER) & EFER_LMA) {
		level = 4;
		table = cr3 & ADDR_MASK;
	} else {
		level = 3;
		if (!read_entry(v, (cr3 & 0xffffffe0) + ((la >> 30) & 3) * 8, 8, &e) ||
		    !(e & PTE_P))
			return false;
		table = e & ADDR_MASK;
		level = 2;
	}
	for (; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);

		if (!read_entry(v, table + ((la >> shift) & 511) * 8, 8, &e) || !(e & PTE_P))
			return false;
		if (level == 1 || ((e & PTE_PS) && level <= 3)) {
			uint64_t page = (1ull << shift) - 1;

			*gpa = (e & ADDR_MASK & ~page) + (la & page);
			return true;
		}
		table = e & ADDR_MASK;
	}
	return false;
}

/* Copies between buf and guest linear memory, page by page, while it is RAM. */
static unsigned int copy_linear(struct vcpu *v, uint64_t la, uint8_t *buf, unsigned int len,
				bool write)
{
	unsigned int done = 0;

	while (done < len) {
		uint64_t gpa;
		unsigned int chunk = 4096 - ((la + done) & 4095);
		uint8_t *p;

		if (chunk > len - done)
			chunk = len - done;
		if (!guest_linear_to_phys(v, la + done, &gpa) || !(p = vcpu_gpa_ptr(v, gpa, chunk)))
			break;
		if (write)
			memcpy(p, buf + done, chunk);
		else
			memcpy(buf + done, p, chunk);
		done += chunk;
	}
	return done;
}

unsigned int guest_read_linear(struct vcpu *v, uint64_t la, void *buf, unsigned int len)
{
	return copy_linear(v, la, buf, len, false);
}

unsigned int guest_store_linear(struct vcpu *v, uint64_t la, const void *buf, unsigned int len)
{
	return copy_linear(v, la, (uint8_t *)(uintptr_t)buf, len, true);
}

/*
 * Register numbers in instruction encodings (SDM vol. 2 table 2-2). RSP (4) lives in the VMCS,
 * the others in vcpu->regs.
 */
static uint64_t *gpr_slot(struct vcpu *v, unsigned int index)
{
	struct guest_regs *r = &v->regs;
	uint64_t *const map[16] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, NULL, &r->rbp, &r->rsi, &r->rdi,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};

	return map[index & 15];
}

uint64_t guest_gpr_read(struct vcpu *v, unsigned int index)
{
	uint64_t *slot = gpr_slot(v, index);

	return slot ? *slot : vmread(VMCS_GUEST_RSP);
}

void guest_gpr_write(struct vcpu *v, unsigned int index, uint64_t val)
{
	uint64_t *slot = gpr_slot(v, index);

	if (slot)
		*slot = val;
	else
		vmwrite(VMCS_GUEST_RSP, val);
}

bool guest_code_is_64bit(void)
{
	return (vmread(VMCS_GUEST_EFER) & EFER_LMA) && (vmread(VMCS_GUEST_CS_AR) & GUEST_AR_L);
}

enum vlapic_decode_error guest_decode_at_rip(struct vcpu *v, struct vlapic_mmio_insn *insn)
{
	uint8_t bytes[VLAPIC_INSN_MAX];
	unsigned int n = guest_read_linear(v, vmread(VMCS_GUEST_CS_BASE) + vmread(VMCS_GUEST_RIP),
					   bytes, sizeof(bytes));

	return vlapic_mmio_decode(bytes, n, guest_code_is_64bit() ? VLAPIC_CPU_LONG64 :
				  VLAPIC_CPU_PROT32, insn);
}
