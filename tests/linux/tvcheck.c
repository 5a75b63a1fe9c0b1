/* SPDX-License-Identifier: MIT */
/*
 * tvcheck: what the Linux guest's /init (tests/linux/init) can't do in a shell. A static
 * x86-64 user program, built with the host's gcc -static.
 *
 *   tvcheck cpuid      prints shell assignments for init to eval:
 *                      hv=<hypervisor signature or none> tsc_deadline=0|1
 *                      tsc_khz=<N, 0 if unknown> tsc_src=<where tsc_khz came from>
 *   tvcheck sleep      times a 1 s nanosleep against the TSC: one "PASS: sleep-1s" or
 *                      "FAIL: sleep-1s (...)" or "SKIP: sleep-1s (...)" line; exit status 0, 1, 2
 *   tvcheck tty        writes a line to the console's tty and waits for the UART to send it:
 *                      "PASS: tty-output" or "FAIL: tty-output (...)"; exit status 0 or 1
 *   tvcheck exit N     ends the run with status N through the exit port; does not return
 *
 * Every line is one write(): init sends the output to /dev/kmsg, where a write is one record.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/klog.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/*
 * Ports that end a run (README "Hypercall ABI"): QEMU's isa-debug-exit, which tickvisor traps
 * too, takes the code as a 32-bit OUT; natively on Bochs only its iodebug port (code 0) and
 * shutdown port (non-zero) stop the emulator.
 */
#define DEBUG_EXIT_PORT		0xf4
#define BOCHS_SHUTDOWN_PORT	0x8900
#define BOCHS_IODEBUG_PORT	0x8a00
#define BOCHS_IODEBUG_ENABLE	0x8a00
#define BOCHS_IODEBUG_DEBUGGER	0x8ae0

/* CPUID leaves and bits (SDM vol. 2A, CPUID; README "Hypercall ABI" for 0x4000xxxx). */
#define CPUID_FEATURES		0x1
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_HYPERVISOR	(1u << 31)
#define CPUID_TSC_CRYSTAL	0x15	/* EAX/EBX = TSC/crystal ratio, ECX = crystal Hz */
#define CPUID_HV_BASE		0x40000000	/* EAX = highest leaf, EBX-EDX = signature */
#define CPUID_HV_TIMING		0x40000010	/* EAX = TSC kHz, EBX = APIC timer kHz */

#define SLEEP_NS		1000000000ull
#define SLEEP_TOLERANCE_PPM	10000		/* the "within 1%" */
#define TTY_DRAIN_SECONDS	3		/* a line takes ~5 ms at 115200 baud */
#define TTY_LINE		"tvcheck: this line went out through the console's tty\n"

struct tsc_rate {
	uint64_t khz;
	const char *src;
};

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__cpuid_count(leaf, 0, *a, *b, *c, *d);
}

static uint32_t max_std_leaf(void)
{
	uint32_t a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	return a;
}

/* The hypervisor's signature (CPUID.1:ECX[31] set, leaf 0x40000000), else "none". */
static void hv_signature(char sig[13], uint32_t *max_leaf)
{
	uint32_t a, b, c, d;

	strcpy(sig, "none");
	*max_leaf = 0;
	cpuid(CPUID_FEATURES, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_HYPERVISOR))
		return;
	cpuid(CPUID_HV_BASE, &a, &b, &c, &d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = 0;
	*max_leaf = a;
	/* A signature with odd bytes can't go into a shell word. */
	for (char *p = sig; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	if (!sig[0])
		strcpy(sig, "unnamed");
}

/*
 * "tsc: Refined TSC clocksource calibration: 2994.371 MHz" or "tsc: Detected 2994.371 MHz
 * processor" from the kernel log: the kernel's own measurement, the last one wins.
 */
static uint64_t kernel_tsc_khz(void)
{
	static char buf[1 << 17];
	const char *keys[] = { "Refined TSC clocksource calibration: ", "tsc: Detected " };
	unsigned int mhz, frac;
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);

	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *p = buf, *last = NULL;

		while ((p = strstr(p, keys[k])) != NULL) {
			p += strlen(keys[k]);
			last = p;
		}
		if (last && sscanf(last, "%u.%3u MHz", &mhz, &frac) == 2)
			return (uint64_t)mhz * 1000 + frac;
	}
	return 0;
}

/*
 * The TSC rate to measure against, from the most authoritative source there is: tickvisor's
 * leaf 0x40000010 (its own calibration), CPUID.15H (SDM vol. 3B 18.7.3: TSC = crystal x
 * EBX / EAX), else what the kernel measured against the PIT or the HPET at boot.
 */
static struct tsc_rate tsc_rate(void)
{
	struct tsc_rate r = { 0, "unknown" };
	uint32_t a, b, c, d, hv_max;
	char sig[13];

	hv_signature(sig, &hv_max);
	if (hv_max >= CPUID_HV_TIMING) {
		cpuid(CPUID_HV_TIMING, &a, &b, &c, &d);
		if (a)
			return (struct tsc_rate){ a, "cpuid-0x40000010" };
	}
	if (max_std_leaf() >= CPUID_TSC_CRYSTAL) {
		cpuid(CPUID_TSC_CRYSTAL, &a, &b, &c, &d);
		if (a && b && c)
			return (struct tsc_rate){ (uint64_t)c * b / a / 1000, "cpuid-0x15" };
	}
	r.khz = kernel_tsc_khz();
	if (r.khz)
		r.src = "kernel-calibration";
	return r;
}

/* RDTSC ordered after everything before it (SDM vol. 2B, RDTSC: LFENCE first). */
static uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static int cmd_cpuid(void)
{
	uint32_t a, b, c, d, hv_max;
	struct tsc_rate r = tsc_rate();
	char sig[13];

	hv_signature(sig, &hv_max);
	cpuid(CPUID_FEATURES, &a, &b, &c, &d);
	printf("hv=%s tsc_deadline=%d tsc_khz=%llu tsc_src=%s\n", sig,
	       !!(c & CPUID_1_ECX_TSC_DEADLINE), (unsigned long long)r.khz, r.src);
	return 0;
}

static int cmd_sleep(void)
{
	struct timespec req = { SLEEP_NS / 1000000000ull, SLEEP_NS % 1000000000ull };
	struct tsc_rate r = tsc_rate();
	uint64_t t0, t1, ns, off_ppm;

	if (!r.khz) {
		printf("SKIP: sleep-1s (no TSC rate: no CPUID leaf 0x40000010 or 0x15, and the "
		       "kernel log names none)\n");
		return 2;
	}
	t0 = rdtsc_ordered();
	if (nanosleep(&req, NULL) != 0) {
		printf("FAIL: sleep-1s (nanosleep failed)\n");
		return 1;
	}
	t1 = rdtsc_ordered();
	/* ticks / kHz = ms; in ns: ticks * 1e6 / kHz, which fits 64 bits up to 1.8e13 ticks. */
	ns = (t1 - t0) * 1000000ull / r.khz;
	off_ppm = (ns > SLEEP_NS ? ns - SLEEP_NS : SLEEP_NS - ns) / (SLEEP_NS / 1000000);
	printf("tvcheck: sleep 1 s: %llu TSC ticks at %llu kHz (%s) = %llu.%09llu s\n",
	       (unsigned long long)(t1 - t0), (unsigned long long)r.khz, r.src,
	       (unsigned long long)(ns / 1000000000ull), (unsigned long long)(ns % 1000000000ull));
	if (off_ppm > SLEEP_TOLERANCE_PPM) {
		printf("FAIL: sleep-1s (%llu.%09llu s of TSC, more than 1%% off)\n",
		       (unsigned long long)(ns / 1000000000ull),
		       (unsigned long long)(ns % 1000000000ull));
		return 1;
	}
	printf("PASS: sleep-1s\n");
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * The 8250 driver sends a tty's bytes from its transmit-empty interrupt (the kernel's own log
 * goes out by polling instead): user-space output reaches the wire only if the UART's
 * interrupt reaches the guest. tcdrain() waits for exactly that.
 */
static int cmd_tty(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY);

	if (fd < 0 || write(fd, TTY_LINE, strlen(TTY_LINE)) != (ssize_t)strlen(TTY_LINE)) {
		printf("FAIL: tty-output (can't write /dev/console: %s)\n", strerror(errno));
		return 1;
	}
	sigaction(SIGALRM, &sa, NULL);     /* no SA_RESTART: the alarm interrupts tcdrain */
	alarm(TTY_DRAIN_SECONDS);
	if (tcdrain(fd) != 0) {
		printf("FAIL: tty-output (%s: the UART did not send a line in %d s)\n",
		       errno == EINTR ? "timed out" : strerror(errno), TTY_DRAIN_SECONDS);
		/* Drop the stuck bytes: no later close waits for them (closing_wait is 30 s). */
		tcflush(fd, TCOFLUSH);
		return 1;
	}
	alarm(0);
	printf("PASS: tty-output\n");
	return 0;
}

static int cmd_exit(const char *arg)
{
	char *end;
	unsigned long code = strtoul(arg, &end, 0);

	if (*arg == 0 || *end != 0 || code > 0xff) {
		fprintf(stderr, "tvcheck: exit: '%s' is not a status 0-255\n", arg);
		return 2;
	}
	sync();
	/* ioperm reaches any port since Linux 2.6.8; the kernel must have CONFIG_X86_IOPL_IOPERM. */
	if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
		outl((uint32_t)code, DEBUG_EXIT_PORT);
	if (code == 0 && ioperm(BOCHS_IODEBUG_PORT, 2, 1) == 0) {
		outw(BOCHS_IODEBUG_ENABLE, BOCHS_IODEBUG_PORT);
		outw(BOCHS_IODEBUG_DEBUGGER, BOCHS_IODEBUG_PORT);
	} else if (code != 0 && ioperm(BOCHS_SHUTDOWN_PORT, 1, 1) == 0) {
		for (const char *s = "Shutdown"; *s; s++)
			outb((uint8_t)*s, BOCHS_SHUTDOWN_PORT);
	}
	fprintf(stderr, "tvcheck: exit %lu: no exit port answered\n", code);
	return 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "cpuid"))
		return cmd_cpuid();
	if (argc == 2 && !strcmp(argv[1], "sleep"))
		return cmd_sleep();
	if (argc == 2 && !strcmp(argv[1], "tty"))
		return cmd_tty();
	if (argc == 3 && !strcmp(argv[1], "exit"))
		return cmd_exit(argv[2]);
	fprintf(stderr, "usage: tvcheck cpuid | sleep | tty | exit N\n");
	return 2;
}
