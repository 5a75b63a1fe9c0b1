/* SPDX-License-Identifier: MIT */
/*
 * exit_trace: the exit trace as the guest reads it (TV_HC_TRACE, vmx/hypercall_abi.h), under
 * tickvisor's trace=N; the command line says n=N. Three CPUIDs (exit reason 10) at known RIPs,
 * then the call: its entries must be the newest ones, in order, each with its RIP and the TSC
 * rising, the CPUIDs' handler ticks above 0 and the VMCALL's own (exit 18, unfinished) 0.
 * A buffer with room for two entries gets the two newest; one under the header gets EINVAL.
 */
#include <stdint.h>

#include "tests/guest/lib/cmdline.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/hypercall.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/start.h"

#define EXIT_REASON_CPUID	10
#define EXIT_REASON_VMCALL	18
#define CPUIDS		3
#define MAX_ENTRIES	64

static struct {
	struct tv_trace h;
	struct tv_trace_entry e[MAX_ENTRIES];
} buf;

/* One CPUID exit; returns the instruction's address. */
static uint32_t cpuid_at(void)
{
	uint32_t a = 0, b, c = 0, d, rip;

	asm volatile("1: cpuid\n\tmovl $1b, %4"
		     : "+a"(a), "=b"(b), "+c"(c), "=d"(d), "=r"(rip));
	return rip;
}

static void check_header(uint32_t n, uint32_t ret)
{
	uint32_t want;

	check(ret == sizeof(buf.h) + buf.h.count * sizeof(buf.e[0]), "trace.result",
	      "returned %u for %u entries", ret, buf.h.count);
	check(buf.h.version == 1 && buf.h.header_size == sizeof(buf.h) &&
	      buf.h.entry_size == sizeof(buf.e[0]), "trace.header",
	      "version %u, header %u bytes, entries %u bytes", buf.h.version,
	      buf.h.header_size, buf.h.entry_size);
	check(buf.h.capacity == n, "trace.capacity", "%u, trace=%u", buf.h.capacity, n);
	/* All that fit of the min(N, exits so far) in the ring. */
	want = n < buf.h.total ? n : (uint32_t)buf.h.total;
	want = want < MAX_ENTRIES ? want : MAX_ENTRIES;
	check(buf.h.count == want, "trace.count", "%u entries of %llu exits, trace=%u",
	      buf.h.count, (unsigned long long)buf.h.total, n);
}

static void check_newest(const uint32_t *rips)
{
	const struct tv_trace_entry *e = &buf.e[buf.h.count - CPUIDS - 1];
	bool ok = true;

	for (unsigned int i = 0; i < CPUIDS; i++) {
		if ((e[i].reason & 0xffff) != EXIT_REASON_CPUID || e[i].guest_rip != rips[i] ||
		    !e[i].ticks || e[i + 1].tsc <= e[i].tsc) {
			fail("trace.cpuid_entries", "entry %u: reason %u at %#llx, %u ticks "
			     "(expected CPUID at %#x)", i, e[i].reason,
			     (unsigned long long)e[i].guest_rip, e[i].ticks, rips[i]);
			ok = false;
			break;
		}
	}
	if (ok)
		pass("trace.cpuid_entries");
	check((e[CPUIDS].reason & 0xffff) == EXIT_REASON_VMCALL && e[CPUIDS].ticks == 0,
	      "trace.vmcall_entry", "newest: reason %u, %u ticks", e[CPUIDS].reason,
	      e[CPUIDS].ticks);
}

void guest_main(uint32_t magic, uint32_t info)
{
	struct boot_info bi;
	uint32_t n, ret, rips[CPUIDS];

	guest_start(magic, info, &bi);
	cmdline_init(bi.cmdline);
	if (!tv_present()) {
		skip("trace", "not under tickvisor");
		summary();
	}
	if (!cmdline_get_u32("n", &n) || n < CPUIDS + 1) {
		fail("trace.cmdline", "n=N (N > %u, tickvisor's trace=N) is missing", CPUIDS);
		summary();
	}
	for (unsigned int i = 0; i < CPUIDS; i++)
		rips[i] = cpuid_at();
	ret = tv_hc_trace(&buf, sizeof(buf));
	check_header(n, ret);
	if (buf.h.count > CPUIDS)
		check_newest(rips);
	else
		fail("trace.cpuid_entries", "only %u entries", buf.h.count);

	/* Room for two: the newest two, this VMCALL and the one before. */
	ret = tv_hc_trace(&buf, sizeof(buf.h) + 2 * sizeof(buf.e[0]));
	check(ret == sizeof(buf.h) + 2 * sizeof(buf.e[0]) && buf.h.count == 2 &&
	      (buf.e[0].reason & 0xffff) == EXIT_REASON_VMCALL && buf.e[0].ticks &&
	      (buf.e[1].reason & 0xffff) == EXIT_REASON_VMCALL, "trace.truncated",
	      "returned %u, %u entries, reasons %u %u", ret, buf.h.count, buf.e[0].reason,
	      buf.e[1].reason);
	check(tv_hc_trace(&buf, sizeof(buf.h) - 1) == TV_HC_EINVAL, "trace.small_buffer",
	      "a buffer under the header was not refused");
	summary();
}
