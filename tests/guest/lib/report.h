/* SPDX-License-Identifier: MIT */
/*
 * Check results, one line each on COM1, kvm-unit-tests style:
 *   PASS: name
 *   FAIL: name (detail)
 *   SKIP: name (reason)
 *   SUMMARY: N tests, M failures, K skipped
 * N counts every check reported, skipped ones included; M counts the failures.
 */
#ifndef GUEST_LIB_REPORT_H
#define GUEST_LIB_REPORT_H

#include <stdbool.h>

void pass(const char *name);
void fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void skip(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* PASS when cond holds, else FAIL with the detail; returns cond. */
bool check(bool cond, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "INFO: ..." lines carry facts for the log; the runner does not count them. */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints SUMMARY and ends the run: status 0 without failures, 1 otherwise. */
void summary(void) __attribute__((noreturn));

#endif
