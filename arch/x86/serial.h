/* SPDX-License-Identifier: MIT */
/* COM1 16550 console, polled: the hypervisor never takes UART interrupts. */
#ifndef ARCH_X86_SERIAL_H
#define ARCH_X86_SERIAL_H

#define COM1_PORT 0x3f8

void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, unsigned long len);
/* Waits until the transmitter is empty (LSR.TEMT), so nothing is lost when the machine stops. */
void serial_drain(void);

#endif
