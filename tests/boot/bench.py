# Boot tests: a smoke run of the benchmark guest (bench.elf, issue 5) in its short mode, so that
# `make bench` can't rot unnoticed: natively, and under tickvisor as tools/bench's hv-auto
# configuration runs it. The checks hold its output to what tools/bench parses and to what must be
# true whatever the figures. Format: see foundation.py.
from boottest import absent, bochs, count, native, present, test, tickvisor

BENCH = "build/guest/bench.elf"
# A fifth of make bench's TSC rate boots in a third of the time (the BIOS and the UART wait in
# emulated time), and a 100 kHz tick still has 2,000 instructions, several times what tickvisor
# spends on one. tools/bench's options: a 100 kHz periodic timer stays 100 kHz.
IPS = 200_000_000
TV_OPTIONS = "timer=hv timer_advance=auto min_period_us=5"
SAMPLES = 50
LATENCY_TESTS = ("tscdeadline", "oneshot-div1", "oneshot-div16", "periodic-div1",
		 "periodic-div16", "pit")
# Natively the guest gets Bochs' TSC rate, exact there, for the PIT's edges, as tools/bench does
NATIVE_ARGS = "quick tsc_hz=%d" % IPS
PIT = (r"^BENCH: metric=pit hz=10027 count=119 periods=1000 period_tsc=\d+ tsc_hz=\d+ "
       r"rate=%s counted=1000 tick_error=0 .* nth=1 ")
PROG = r"^BENCH: metric=prog apic=x2?apic op=(tscdeadline_wrmsr|tmict_write|tmcct_read) "


def common(env):
	checks = [
		present("env", r"^BENCH: metric=env env=%s quick=1 samples=%d tsc_hz=\d+ "
			r"timer_hz=\d+ " % (env, SAMPLES)),
		# one line per rate, the timer off included; none stopped by the tick-storm guard
		count("overhead", r"^BENCH: metric=overhead hz=(0|1000|10000|100000) "
		      r"loop_tsc=[1-9]\d* loss=\d+\.\d\d .*capped=0", min=4, max=4),
		present("done", r"^BENCH: done$"),
		absent("no-fail", r"^FAIL:"),
		absent("no-skip", r"^BENCH: skip"),
	]
	for t in LATENCY_TESTS:
		# every sample counted, none early: a timer must never fire before its deadline
		checks += [
			present("latency-" + t, r"^BENCH: metric=latency test=%s n=%d min=\d+ "
				r"p50=\d+ p90=\d+ p99=\d+ max=\d+ mean=\d+\.\d\d$" % (t, SAMPLES)),
			count("hist-" + t, r"^BENCH: hist test=%s lo=\d+ hi=\d+ count=[1-9]" % t),
		]
	# a periodic timer loses no tick and gains no phase over 1000 periods of 100 kHz
	checks.append(present("drift", r"^BENCH: metric=drift hz=100000 periods=1000 "
			      r"period_tsc=\d+ counted=1000 tick_error=0 .* nth=1 .* drift_tsc=0 "))
	return checks


def native_checks():
	# natively there are no statistics to show: their figures are all 0 by construction. Bochs'
	# own PIT runs on a microsecond clock (README, Performance): no tick lost, no exact phase
	return common("native") + [
		count("prog", PROG + r"n=\d+ min=\d+ p50=\d+ max=\d+ ", min=6, max=6),
		present("pit", PIT % "cmdline"),
	]


def tickvisor_checks():
	checks = common("tickvisor")
	for t in LATENCY_TESTS:
		# each interrupt takes at least its timer's exit, and the hypervisor some time
		# (the PIT's count the whole run's ticks, not just the samples)
		ticks = 1000 if t == "pit" else SAMPLES
		checks.append(present("exits-" + t, r"^BENCH: metric=vmexits test=%s ticks=%d "
				      r"exits=[1-9]\d* hv_cycles=[1-9]\d* .*"
				      r"exits_per_tick=[1-9]\d*\.\d\d hv_cycles_per_tick=[1-9]"
				      % (t, ticks)))
	# programming the timer or reading its count is one exit, never more
	checks += [
		# the vPIT's IRQ0 through the vIOAPIC: every tick, no drift, one exit each
		present("pit", PIT % "cpuid-0x15" + r".* drift_tsc=0 .*exits=[1-9]\d* .*"
			r"exits_per_tick=1\.00 "),
		count("prog", PROG + r"n=\d+ min=[1-9]\d* p50=\d+ max=\d+ exits_per_op=1\.00",
		      min=6, max=6),
		present("exit-stats", r"^tickvisor: exit statistics: \d+ exits"),
		absent("no-panic", r"^  stack trace:"),
	]
	return checks


TESTS = [
	test("quick-native", bochs(ips=IPS), native(BENCH, NATIVE_ARGS),
	     native_checks(), exit_status=0, timeout=180,
	     doc="bench.elf's short mode on Bochs' own LAPIC: the reference, no exits"),
	test("quick-hv-auto", bochs(ips=IPS),
	     tickvisor(TV_OPTIONS, BENCH, "quick"), tickvisor_checks(), exit_status=0, timeout=180,
	     doc="bench.elf's short mode under tickvisor, as make bench's hv-auto configuration"),
]
