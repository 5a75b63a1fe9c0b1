/* SPDX-License-Identifier: MIT */
/* COM1 (16550), polled. */
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/serial.h"

#define COM1			0x3f8
#define UART_THR		0	/* transmit holding register (DLAB = 0) */
#define UART_DLL		0	/* divisor latch, low byte (DLAB = 1) */
#define UART_IER		1	/* interrupt enable (DLAB = 0) */
#define UART_DLM		1	/* divisor latch, high byte (DLAB = 1) */
#define UART_FCR		2
#define UART_LCR		3
#define UART_MCR		4
#define UART_LSR		5

#define LCR_8N1			0x03
#define LCR_DLAB		0x80
#define FCR_ENABLE_CLEAR	0x07	/* FIFOs on, both cleared */
#define MCR_DTR_RTS		0x03
#define LSR_THRE		0x20	/* the transmit holding register can take a byte */
#define LSR_TEMT		0x40	/* holding and shift registers both empty */
#define DIVISOR_115200		1	/* 1.8432 MHz / 16 / 115200 */

void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, DIVISOR_115200);
	outb(COM1 + UART_DLM, 0);
	/* GRUB leaves 5-bit words behind and Bochs applies LCR: always set 8N1. */
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		;
	outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_write(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

/* Emulators drop what is still in the UART when the machine stops. */
void serial_drain(void)
{
	while (!(inb(COM1 + UART_LSR) & LSR_TEMT))
		;
}
