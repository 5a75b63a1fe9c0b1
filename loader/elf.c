/* SPDX-License-Identifier: MIT */
/*
 * ELF executable reader (System V ABI, "Object Files": ELF header and program header). ELF32 and
 * ELF64 differ only in field widths and offsets, so one table row per class describes both and
 * one code path reads them. Fields are read with memcpy: the file is an arbitrary byte buffer.
 */

#include "lib/error.h"
#include "lib/string.h"
#include "lib/unaligned.h"
#include "lib/util.h"
#include "loader/elf.h"

/* e_ident (gABI, "ELF Identification"). */
#define EI_CLASS		4
#define EI_DATA			5
#define EI_VERSION		6
#define EI_NIDENT		16
#define ELFCLASS32		1
#define ELFCLASS64		2
#define ELFDATA2LSB		1	/* x86 is little-endian: nothing else can run */
#define EV_CURRENT		1

/* Fields at the same place in both classes. */
#define E_TYPE			16	/* u16 */
#define E_MACHINE		18	/* u16 */
#define P_TYPE			0	/* u32 */

#define ET_EXEC			2
#define EM_386			3
#define EM_X86_64		62
#define PT_LOAD			1

struct elf_layout {
	unsigned int word;		/* bytes in an address or offset field: 4 or 8 */
	unsigned int ehdr_size;
	unsigned int phdr_size;		/* the least e_phentsize that holds every field read */
	unsigned int machine;		/* the e_machine that goes with the class on x86 */
	const char *machine_name;
	/* Offsets in the ELF header. */
	unsigned int e_entry, e_phoff, e_phentsize, e_phnum;
	/* Offsets in a program header. */
	unsigned int p_offset, p_vaddr, p_paddr, p_filesz, p_memsz;
};

/* Indexed by EI_CLASS - 1. */
static const struct elf_layout layouts[] = {
	{	/* Elf32_Ehdr, Elf32_Phdr */
		.word = 4, .ehdr_size = 52, .phdr_size = 32,
		.machine = EM_386, .machine_name = "EM_386",
		.e_entry = 24, .e_phoff = 28, .e_phentsize = 42, .e_phnum = 44,
		.p_offset = 4, .p_vaddr = 8, .p_paddr = 12, .p_filesz = 16, .p_memsz = 20,
	},
	{	/* Elf64_Ehdr, Elf64_Phdr: p_flags moved up next to p_type */
		.word = 8, .ehdr_size = 64, .phdr_size = 56,
		.machine = EM_X86_64, .machine_name = "EM_X86_64",
		.e_entry = 24, .e_phoff = 32, .e_phentsize = 54, .e_phnum = 56,
		.p_offset = 8, .p_vaddr = 16, .p_paddr = 24, .p_filesz = 32, .p_memsz = 40,
	},
};

/* e_type values, for the message that rejects all but ET_EXEC. */
static const char *const type_names[] = {
	"file of no type", "relocatable object", "executable", "shared object or PIE",
	"core dump",
};


/* An address or offset field: zero-extended from 32 bits in ELF32. */
static uint64_t rd_word(const struct elf_layout *l, const uint8_t *p)
{
	uint64_t v = 0;

	memcpy(&v, p, l->word);
	return v;
}

bool elf_is_elf(const uint8_t *file, uint64_t size)
{
	return size >= 4 && file[0] == 0x7f && file[1] == 'E' && file[2] == 'L' && file[3] == 'F';
}

/* Checks program header i, adding it to out when it is a PT_LOAD with something to load. */
static int read_phdr(const struct elf_layout *l, uint64_t size, const uint8_t *ph,
		     unsigned int i, struct elf_image *out, char *err, size_t errlen)
{
	struct elf_segment s = {
		.offset = rd_word(l, ph + l->p_offset),
		.filesz = rd_word(l, ph + l->p_filesz),
		.paddr = rd_word(l, ph + l->p_paddr),
		.vaddr = rd_word(l, ph + l->p_vaddr),
		.memsz = rd_word(l, ph + l->p_memsz),
		.index = i,
	};

	if (get_le32(ph + P_TYPE) != PT_LOAD)
		return 0;
	if (s.filesz > s.memsz)
		return error_set(err, errlen, "guest kernel segment %u has more file bytes "
				 "(p_filesz 0x%llx) than memory bytes (p_memsz 0x%llx)", i,
				 (unsigned long long)s.filesz, (unsigned long long)s.memsz);
	if (s.offset > size || s.filesz > size - s.offset)
		return error_set(err, errlen, "guest kernel segment %u's data (0x%llx bytes at "
				 "file offset 0x%llx) runs past the end of the file (0x%llx bytes)",
				 i, (unsigned long long)s.filesz, (unsigned long long)s.offset,
				 (unsigned long long)size);
	if (!s.memsz)
		return 0;
	if (out->nseg == ELF_MAX_SEGMENTS)
		return error_set(err, errlen, "guest kernel has more than %u loadable segments",
			    ELF_MAX_SEGMENTS);
	out->seg[out->nseg++] = s;
	return 0;
}

int elf_parse(const uint8_t *file, uint64_t size, struct elf_image *out, char *err,
	      size_t errlen)
{
	const struct elf_layout *l;
	uint64_t phoff, table;
	unsigned int i, cls, type, machine, phentsize, phnum;

	memset(out, 0, sizeof(*out));
	if (!elf_is_elf(file, size))
		return error_set(err, errlen, "guest kernel is not an ELF file");
	if (size < EI_NIDENT)
		return error_set(err, errlen, "guest kernel is %llu bytes, too short for an ELF "
				 "header", (unsigned long long)size);
	cls = file[EI_CLASS];
	if (cls != ELFCLASS32 && cls != ELFCLASS64)
		return error_set(err, errlen, "guest kernel has ELF class %u, neither ELF32 (1) "
				 "nor ELF64 (2)", cls);
	l = &layouts[cls - 1];
	out->elf_class = cls == ELFCLASS32 ? 32 : 64;
	if (size < l->ehdr_size)
		return error_set(err, errlen, "guest kernel is %llu bytes, too short for an ELF%d "
			    "header (%u bytes)", (unsigned long long)size, out->elf_class,
			    l->ehdr_size);
	if (file[EI_DATA] != ELFDATA2LSB)
		return error_set(err, errlen, "guest kernel is not a little-endian ELF file "
				 "(EI_DATA %u), and x86 is little-endian", file[EI_DATA]);
	if (file[EI_VERSION] != EV_CURRENT)
		return error_set(err, errlen, "guest kernel has ELF version %u, not 1 (EV_CURRENT)",
			    file[EI_VERSION]);
	type = get_le16(file + E_TYPE);
	if (type != ET_EXEC)
		return error_set(err, errlen, "guest kernel is an ELF %s (e_type %u), not an "
			    "executable (e_type 2, ET_EXEC)",
			    type < ARRAY_SIZE(type_names) ?
			    type_names[type] : "file of an unknown type", type);
	machine = get_le16(file + E_MACHINE);
	if (machine != l->machine)
		return error_set(err, errlen, "guest kernel is an ELF%d file for machine %u, not "
				 "%s (%u)", out->elf_class, machine, l->machine_name, l->machine);

	phoff = rd_word(l, file + l->e_phoff);
	phentsize = get_le16(file + l->e_phentsize);
	phnum = get_le16(file + l->e_phnum);
	if (!phnum)
		return error_set(err, errlen, "guest kernel has no program headers");
	if (phentsize < l->phdr_size)
		return error_set(err, errlen, "guest kernel's program headers are %u bytes, less "
				 "than the %u of an ELF%d program header", phentsize, l->phdr_size,
				 out->elf_class);
	/* Both factors are 16-bit: the product cannot wrap. */
	table = (uint64_t)phnum * phentsize;
	if (phoff > size || table > size - phoff)
		return error_set(err, errlen, "guest kernel's program headers (%u of %u bytes at "
				 "file offset 0x%llx) run past the end of the file (0x%llx bytes)",
				 phnum, phentsize, (unsigned long long)phoff,
				 (unsigned long long)size);

	for (i = 0; i < phnum; i++)
		if (read_phdr(l, size, file + phoff + (uint64_t)i * phentsize, i, out, err, errlen))
			return -1;
	if (!out->nseg)
		return error_set(err, errlen, "guest kernel has no loadable (PT_LOAD) segment");
	out->entry = rd_word(l, file + l->e_entry);
	return 0;
}
