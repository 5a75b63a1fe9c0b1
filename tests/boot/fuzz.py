# Boot tests: the fuzzing guest (tests/guest/fuzz.c), a short seeded mix of hostile and unusual
# LAPIC, MSR, chipset and hypercall operations (issue #11). Natively on Bochs it is the reference,
# its emulator deviations marked; under tickvisor, with both backends and both CPU models, every
# invariant must hold and the hypervisor must neither stop nor log an ERROR. `make fuzz SEED=...
# N=...` runs a long mix of the same guest (tests/fuzz/fuzz.mk). Format: see foundation.py.
from boottest import absent, bochs, native, present, test, tickvisor

CPUS = (("corei7_skylake_x", "skylake"), ("corei7_ivy_bridge_3770k", "ivybridge"))
# A few seconds of Bochs each: 3000 operations take about 40 million emulated instructions
# under tickvisor.
SHORT = "seed=11 n=3000"

BOCHS_DEVIATIONS = {
	"fuzz.deadline_zero": "Bochs 2.7 keeps the old deadline in IA32_TSC_DEADLINE after it "
		"fired (docs/platforms.md); the SDM says it reads 0",
	"fuzz.self_ipi_reserved_gp": "Bochs 2.7 sends a SELF IPI write with bits 31:8 set instead of "
		"raising #GP (SDM 11.12.1.3, 11.12.11)",
}


def hv_clean():
	"""The hypervisor survived: it ran the guest to its end, no exception, no ERROR line."""
	return [
		present("exit-stats", r"^tickvisor: exit statistics: \d+ exits"),
		absent("no-panic", r"^  stack trace:"),
		absent("no-error", r"^tickvisor: ERROR"),
	]


def native_run(cpu="corei7_skylake_x", short="skylake"):
	return test("fuzz-native-" + short, bochs(cpu),
		    native("build/guest/fuzz.elf", "env=native mode=xapic " + SHORT),
		    guest_results=True, known_deviations=BOCHS_DEVIATIONS, exit_status=1,
		    timeout=120, doc="the fuzzing guest's short mix on Bochs' own LAPIC (%s): the "
		    "reference" % cpu)


def tv_run(cpu, short, timer, args=SHORT + " disable=1", suffix="", pending=None):
	return test("fuzz-%s-%s%s" % (short, timer, suffix), bochs(cpu),
		    tickvisor("timer=" + timer, "build/guest/fuzz.elf",
			      "env=tickvisor mode=xapic " + args),
		    hv_clean(), guest_results=True, exit_status=0, timeout=180, pending=pending,
		    doc="the fuzzing guest's short mix under tickvisor: %s backend, %s" % (timer, cpu))


TESTS = [native_run()]
TESTS += [tv_run(cpu, short, timer) for cpu, short in CPUS for timer in ("hv", "sw")]
# The hostile mix (issue #11's findings 6-9, fixed): every access width and instruction form on
# the APIC page, writes to a disabled APIC and to the APIC ID, reserved x2APIC ICR bits, and a
# relocated xAPIC base.
TESTS += [tv_run(cpu, short, timer, SHORT + " disable=1 strict=1 forms=all relocate=1",
		 "-hostile") for cpu, short in CPUS for timer in ("hv", "sw")]
