// SPDX-License-Identifier: GPL-2.0-only
/*
 * An ARM PrimeCell PL011 UART (DDI 0183) as the guest's serial console.
 * Transmit is immediate: the FIFO is always empty, TXRIS rises after every
 * write to DR (as the Linux driver expects from a FIFO that drained).
 * Receive is interrupt-driven from a buffer larger than the real FIFO,
 * filled by the I/O thread from stdin. The interrupt is a level SPI:
 * raised while RIS & IMSC is non-zero.
 */
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "vmm.h"

enum {
	UART_DR = 0x000, UART_RSR = 0x004, UART_FR = 0x018, UART_ILPR = 0x020,
	UART_IBRD = 0x024, UART_FBRD = 0x028, UART_LCR_H = 0x02c,
	UART_CR = 0x030, UART_IFLS = 0x034, UART_IMSC = 0x038,
	UART_RIS = 0x03c, UART_MIS = 0x040, UART_ICR = 0x044,
	UART_DMACR = 0x048, UART_PERIPH_ID0 = 0xfe0,
};

#define FR_RXFE		(1 << 4)
#define FR_TXFE		(1 << 7)
#define INT_RX		(1 << 4)
#define INT_TX		(1 << 5)
#define INT_RT		(1 << 6)

#define RX_BUF_SIZE	1024

/* PrimeCell IDs at 0xfe0..0xffc: PL011 r1p5, and the PrimeCell signature. */
static const uint8_t pl011_ids[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

struct pl011 {
	struct mmio_dev mmio;
	struct console con;
	struct vmm *vmm;
	/* protects all below */
	pthread_mutex_t lock;
	uint32_t ris, imsc, cr, lcr_h, ibrd, fbrd, ifls, ilpr, dmacr;
	uint8_t rx[RX_BUF_SIZE];
	unsigned int rx_head, rx_count;
	int line;			/* the level last given to the vGIC */
};

/* Lock held. */
static void pl011_update_irq(struct pl011 *u)
{
	int level;

	if (u->rx_count)
		u->ris |= INT_RX | INT_RT;
	else
		u->ris &= ~(INT_RX | INT_RT);
	level = (u->ris & u->imsc) != 0;
	if (level != u->line && vm_irq_line(u->vmm, GUEST_UART_SPI, level) == 0)
		u->line = level;
}

static uint32_t pl011_reg_read(struct pl011 *u, uint64_t off, bool *room_freed)
{
	uint32_t val;

	switch (off) {
	case UART_DR:
		if (!u->rx_count)
			return 0;
		val = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % RX_BUF_SIZE;
		if (u->rx_count-- == RX_BUF_SIZE)
			*room_freed = true;
		pl011_update_irq(u);
		return val;
	case UART_FR:	return FR_TXFE | (u->rx_count ? 0 : FR_RXFE);
	case UART_ILPR:	return u->ilpr;
	case UART_IBRD:	return u->ibrd;
	case UART_FBRD:	return u->fbrd;
	case UART_LCR_H: return u->lcr_h;
	case UART_CR:	return u->cr;
	case UART_IFLS:	return u->ifls;
	case UART_IMSC:	return u->imsc;
	case UART_RIS:	return u->ris;
	case UART_MIS:	return u->ris & u->imsc;
	case UART_DMACR: return u->dmacr;
	default:
		if (off >= UART_PERIPH_ID0 && off < 0x1000)
			return pl011_ids[(off - UART_PERIPH_ID0) >> 2];
		return 0;
	}
}

static void pl011_read(struct mmio_dev *dev, uint64_t off, uint8_t *data, uint32_t len)
{
	struct pl011 *u = dev->priv;
	bool room_freed = false;
	uint32_t val;

	pthread_mutex_lock(&u->lock);
	val = pl011_reg_read(u, off & ~3ULL, &room_freed);
	pthread_mutex_unlock(&u->lock);
	memset(data, 0, len);
	memcpy(data, &val, len < 4 ? len : 4);
	if (room_freed)
		console_input_ready();
}

static void pl011_write(struct mmio_dev *dev, uint64_t off, const uint8_t *data, uint32_t len)
{
	struct pl011 *u = dev->priv;
	uint32_t val = 0;
	uint8_t ch;

	memcpy(&val, data, len < 4 ? len : 4);
	pthread_mutex_lock(&u->lock);
	switch (off & ~3ULL) {
	case UART_DR:
		ch = (uint8_t)val;
		console_output(&ch, 1);
		u->ris |= INT_TX;
		break;
	case UART_RSR:	break;		/* clears errors we never have */
	case UART_ILPR:	u->ilpr = val; break;
	case UART_IBRD:	u->ibrd = val; break;
	case UART_FBRD:	u->fbrd = val; break;
	case UART_LCR_H: u->lcr_h = val; break;
	case UART_CR:	u->cr = val; break;
	case UART_IFLS:	u->ifls = val; break;
	case UART_IMSC:	u->imsc = val & 0x7ff; break;
	case UART_ICR:	u->ris &= ~val; break;
	case UART_DMACR: u->dmacr = val; break;
	default:	break;
	}
	pl011_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

static size_t pl011_room(struct console *con)
{
	struct pl011 *u = (struct pl011 *)((char *)con - offsetof(struct pl011, con));
	size_t room;

	pthread_mutex_lock(&u->lock);
	room = RX_BUF_SIZE - u->rx_count;
	pthread_mutex_unlock(&u->lock);
	return room;
}

static void pl011_input(struct console *con, const uint8_t *buf, size_t len)
{
	struct pl011 *u = (struct pl011 *)((char *)con - offsetof(struct pl011, con));

	pthread_mutex_lock(&u->lock);
	while (len-- && u->rx_count < RX_BUF_SIZE) {
		u->rx[(u->rx_head + u->rx_count) % RX_BUF_SIZE] = *buf++;
		u->rx_count++;
	}
	pl011_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

static void pl011_reset(struct mmio_dev *dev)
{
	struct pl011 *u = dev->priv;

	pthread_mutex_lock(&u->lock);
	u->ris = u->imsc = u->lcr_h = u->ibrd = u->fbrd = u->ilpr = u->dmacr = 0;
	u->cr = 0x300;			/* TXE and RXE, as out of reset */
	u->ifls = 0x12;
	u->line = 0;			/* a new VM starts with the line low */
	pthread_mutex_unlock(&u->lock);
}

/* Its registers and the receive FIFO's bytes, oldest first. */
static int pl011_save(struct mmio_dev *dev, struct sbuf *b)
{
	struct pl011 *u = dev->priv;
	unsigned int i;

	pthread_mutex_lock(&u->lock);
	sbuf_u32(b, u->ris);
	sbuf_u32(b, u->imsc);
	sbuf_u32(b, u->cr);
	sbuf_u32(b, u->lcr_h);
	sbuf_u32(b, u->ibrd);
	sbuf_u32(b, u->fbrd);
	sbuf_u32(b, u->ifls);
	sbuf_u32(b, u->ilpr);
	sbuf_u32(b, u->dmacr);
	sbuf_u32(b, u->rx_count);
	for (i = 0; i < u->rx_count; i++)
		sbuf_u8(b, u->rx[(u->rx_head + i) % RX_BUF_SIZE]);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

static int pl011_load(struct mmio_dev *dev, struct scur *c)
{
	struct pl011 *u = dev->priv;
	const uint8_t *rx;
	uint32_t n;
	int ret = 0;

	pthread_mutex_lock(&u->lock);
	u->ris = scur_u32(c) & 0x7ff;
	u->imsc = scur_u32(c) & 0x7ff;
	u->cr = scur_u32(c);
	u->lcr_h = scur_u32(c);
	u->ibrd = scur_u32(c);
	u->fbrd = scur_u32(c);
	u->ifls = scur_u32(c);
	u->ilpr = scur_u32(c);
	u->dmacr = scur_u32(c);
	n = scur_u32(c);
	rx = n <= RX_BUF_SIZE ? scur_bytes(c, n) : NULL;
	if (!rx || !scur_done(c)) {
		vmm_err("pl011: corrupt state");
		n = 0;
		ret = -1;
	} else {
		memcpy(u->rx, rx, n);
	}
	u->rx_head = 0;
	u->rx_count = n;
	/* the new VM's line is low: raise it if the state says so */
	u->line = 0;
	pl011_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return ret;
}

static void pl011_fdt(struct mmio_dev *dev, struct fdt_writer *w)
{
	fdt_reg(w, dev->base, dev->size);
	fdt_spi(w, GUEST_UART_SPI, false);
}

static void pl011_destroy(struct mmio_dev *dev)
{
	struct pl011 *u = dev->priv;

	pthread_mutex_destroy(&u->lock);
	free(u);
}

struct mmio_dev *pl011_create(struct vmm *vmm, struct console **con)
{
	struct pl011 *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->vmm = vmm;
	pthread_mutex_init(&u->lock, NULL);
	u->con.room = pl011_room;
	u->con.input = pl011_input;
	u->mmio = (struct mmio_dev) {
		.name = "pl011", .base = GUEST_UART_BASE, .size = 0x1000,
		.read = pl011_read, .write = pl011_write, .reset = pl011_reset,
		.fdt_node = pl011_fdt, .destroy = pl011_destroy,
		.save = pl011_save, .load = pl011_load, .priv = u,
	};
	pl011_reset(&u->mmio);
	if (mmio_bus_add(vmm, &u->mmio)) {
		pl011_destroy(&u->mmio);
		return NULL;
	}
	*con = &u->con;
	return &u->mmio;
}
