/* SPDX-License-Identifier: MIT */
/*
 * 16550 UART on COM1 at 115200 8N1. GRUB leaves the line at 5-bit words and Bochs honours LCR,
 * so the UART is programmed before the first byte (docs/platforms.md).
 */
#include "arch/x86/cpu.h"
#include "arch/x86/serial.h"

/* 16550 registers, as offsets from the base port */
#define UART_DATA	0	/* THR/RBR; divisor low with LCR.DLAB */
#define UART_IER	1	/* interrupt enable; divisor high with LCR.DLAB */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control: 0x03 = 8N1; 0x80 = DLAB */
#define UART_MCR	4	/* modem control: DTR | RTS */
#define UART_LSR	5	/* line status */

#define LSR_THRE	0x20	/* transmit holding register empty */
#define LSR_TEMT	0x40	/* transmitter completely empty */
#define BAUD_DIVISOR	1	/* 115200 = 1843200 / 16 / 1 */

void serial_init(void)
{
	outb(COM1_PORT + UART_IER, 0x00);
	outb(COM1_PORT + UART_LCR, 0x80);
	outb(COM1_PORT + UART_DATA, BAUD_DIVISOR & 0xff);
	outb(COM1_PORT + UART_IER, BAUD_DIVISOR >> 8);
	outb(COM1_PORT + UART_LCR, 0x03);
	outb(COM1_PORT + UART_FCR, 0xc7);	/* enable and clear FIFOs, 14-byte trigger */
	outb(COM1_PORT + UART_MCR, 0x03);
}

void serial_putc(char c)
{
	while (!(inb(COM1_PORT + UART_LSR) & LSR_THRE))
		cpu_relax();
	outb(COM1_PORT + UART_DATA, (uint8_t)c);
}

void serial_write(const char *s, unsigned long len)
{
	for (unsigned long i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void serial_drain(void)
{
	while (!(inb(COM1_PORT + UART_LSR) & LSR_TEMT))
		cpu_relax();
}
