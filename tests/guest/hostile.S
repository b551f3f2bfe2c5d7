/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hostile "kernel" for armvirt-vmm: it finds a virtio-mmio device at the
 * VMM's fixed slots (0x0a000000 + n * 0x200), sets up queue 0 as a driver
 * does, then breaks the rules in the way its command line asks ("hcase=N",
 * found in the device tree /chosen/bootargs that r2 points to), notifies
 * the queue, and reports over the PL011:
 *
 *   HOSTILE case=N status=SSSSSSSS used=UUUUUUUU blk=BBBBBBBB len=LLLLLLLL
 *
 * (the device's Status register, the used ring's index, the virtio-blk
 * status byte, the length of the used ring's first element) before
 * powering off. tests/vmm/20-hostile-virtio.c runs
 * each case. Position-independent: the VMM loads it where a zImage goes.
 */
#include "guest.h"

#define UART_DR		0x09000000
#define VIRTIO_BASE	0x0a000000
#define VIRTIO_SLOT	0x200
#define VIRTIO_MAGIC	0x74726976
#define RAM_END		0x50000000	/* armvirt-vmm's default 256 MiB */

#define ID_NET		1
#define ID_BLOCK	2
#define ID_CONSOLE	3
#define ID_RNG		4

/* virtio-mmio registers */
#define R_MAGIC		0x000
#define R_DEVICE_ID	0x008
#define R_DRV_FEAT	0x020
#define R_DRV_FEAT_SEL	0x024
#define R_QUEUE_SEL	0x030
#define R_QUEUE_NUM	0x038
#define R_QUEUE_READY	0x044
#define R_QUEUE_NOTIFY	0x050
#define R_INT_STATUS	0x060
#define R_STATUS	0x070
#define R_DESC_LO	0x080
#define R_DESC_HI	0x084
#define R_DRIVER_LO	0x090
#define R_DRIVER_HI	0x094
#define R_DEVICE_LO	0x0a0
#define R_DEVICE_HI	0x0a4

#define NEEDS_RESET	0x40

/* queue 0, 8 entries, and a block request's buffers */
#define QNUM		8
#define DESC		0x41000000
#define AVAIL		0x41001000
#define USED		0x41002000
#define HDR		0x41003000
#define DATA		0x41004000
#define BLK_STATUS	0x41005000
#define BLK_STATUS2	0x41005100	/* case 21's second read */

/* virtio-net's transmit queue (queue 1), for case 15; the rng's queue, for case 22 */
#define TXQ_DESC	0x41010000
#define TXQ_AVAIL	0x41011000
#define TXQ_USED	0x41012000
#define RNG_QNUM	256
#define RNG_BUF		0x41200000
#define RNG_BUF_LEN	0x10000		/* the most the VMM fills of a chain: ms each */

#define F_NEXT		1
#define F_WRITE		2
#define F_INDIRECT	4

/* a chain over gigabytes, for cases 16 and 17: BIG_DESCS descriptors */
#define BIG_QNUM	32
#define BIG_ADDR	0x40000000	/* all of RAM (this code at 32 MiB in it) */
#define BIG_DESCS	17		/* 4.25 GiB in all */

/*
 * case 20: a 256-entry block queue, 200 reads of 8 MiB (long enough for
 * the guest to act while they are served) through one indirect table:
 * the header, MQ_SEGS buffers all at MQ_DATA, the status byte.
 */
#define MQ_QNUM		256
#define MQ_DESC		0x41020000
#define MQ_AVAIL	0x41021000
#define MQ_USED		0x41022000
#define MQ_ITABLE	0x41023000
#define MQ_STATUS	0x41024000
#define MQ_DATA		0x41100000
#define MQ_SEG_LEN	0x80000		/* 512 KiB */
#define MQ_SEGS		16
#define MQ_REQS		200		/* more than the VMM's 128 request slots */

#define NR_CASES	23

	.arm
_start:
	ldr	sp, =0x41800000
	mov	r4, r2				@ the DTB
	bl	find_case
	mov	r11, r0
	cmp	r11, #NR_CASES
	bhs	bad_case
	add	pc, pc, r11, lsl #2		@ reads as . + 8: the table below
	nop
	b	case_sane
	b	case_num0_after_ready
	b	case_num1024_after_ready
	b	case_num1000_at_ready
	b	case_desc_moved
	b	case_avail_moved
	b	case_desc_loop
	b	case_len_past_ram
	b	case_addr_ffffffff
	b	case_indirect
	b	case_avail_idx_jump
	b	case_blk_sector_wraps
	b	case_rng_num4096_loop
	b	case_net_rx_over_2g
	b	case_net_rx_short
	b	case_net_vhost_broken
	b	case_console_tx_over_4g
	b	case_rng_over_4g
	b	case_break_1000_times
	b	case_event_idx_late
	b	case_quiesce_while_starved
	b	case_ready_again
	b	case_refill_flood

/* 0: a good block read of sector 0 */
case_sane:
	bl	blk_std
	b	notify_and_report

/* 1: QueueNum 0 once the queue is ready */
case_num0_after_ready:
	bl	blk_std
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_NUM]
	b	notify_and_report

/* 2: QueueNum 1024 once ready, and a chain that loops on itself */
case_num1024_after_ready:
	bl	blk_std
	mov	r0, #0
	ldr	r1, =HDR
	mov	r2, #16
	ldr	r3, =F_NEXT			@ next 0: itself
	bl	desc_set
	mov	r0, #1024
	str	r0, [r10, #R_QUEUE_NUM]
	b	notify_and_report

/* 3: a size that is no power of two and over 256, then QueueReady */
case_num1000_at_ready:
	ldr	r0, =ID_BLOCK
	bl	find_dev
	bl	queue_setup_num
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_READY]
	bl	ready_with_num_1000
	bl	blk_chain
	b	notify_and_report

/* 4: the descriptor table moved to the top of the address space once ready */
case_desc_moved:
	bl	blk_std
	ldr	r0, =0xfffffff0
	str	r0, [r10, #R_DESC_LO]
	b	notify_and_report

/* 5: the available ring moved past the end of RAM once ready */
case_avail_moved:
	bl	blk_std
	ldr	r0, =RAM_END - 2
	str	r0, [r10, #R_DRIVER_LO]
	b	notify_and_report

/* 6: a descriptor chain 0 -> 1 -> 0 ... */
case_desc_loop:
	bl	blk_std
	mov	r0, #1
	ldr	r1, =DATA
	mov	r2, #512
	ldr	r3, =F_NEXT | F_WRITE		@ next 0
	bl	desc_set
	b	notify_and_report

/* 7: a buffer that starts in RAM and ends past it */
case_len_past_ram:
	bl	blk_std
	mov	r0, #1
	ldr	r1, =RAM_END - 0x1000
	mov	r2, #0x2000
	ldr	r3, =F_NEXT | F_WRITE | (2 << 16)
	bl	desc_set
	b	notify_and_report

/* 8: a buffer at 0xffffffff (and its high word all ones too) */
case_addr_ffffffff:
	bl	blk_std
	mov	r0, #1
	ldr	r1, =0xffffffff
	mov	r2, #16
	ldr	r3, =F_NEXT | F_WRITE | (2 << 16)
	bl	desc_set
	ldr	r0, =DESC + 16 + 4		@ descriptor 1's address, high word
	mvn	r1, #0
	str	r1, [r0]
	b	notify_and_report

/* 9: an indirect descriptor (the feature was offered, not negotiated) */
case_indirect:
	bl	blk_std
	mov	r0, #0
	ldr	r1, =HDR
	mov	r2, #16
	ldr	r3, =F_INDIRECT
	bl	desc_set
	b	notify_and_report

/* 10: the available index 1000 ahead of the device */
case_avail_idx_jump:
	bl	blk_std
	ldr	r0, =AVAIL
	ldr	r1, =1000
	strh	r1, [r0, #2]
	b	notify_and_report

/* 11: a read of sector 2^55, whose byte offset wraps to 0 in 64 bits */
case_blk_sector_wraps:
	bl	blk_std
	ldr	r0, =HDR
	ldr	r1, =0x00800000
	str	r1, [r0, #12]			@ sector, high word
	b	notify_and_report

/* 12: virtio-rng, QueueNum 4096 once ready, a writable buffer looping on itself */
case_rng_num4096_loop:
	ldr	r0, =ID_RNG
	ldr	r1, =DATA
	mov	r2, #16
	ldr	r3, =F_NEXT | F_WRITE		@ next 0
	bl	one_desc_chain
	mov	r0, #4096
	str	r0, [r10, #R_QUEUE_NUM]
	b	notify_and_report

/*
 * 13: virtio-net, a receive buffer of 2 GiB + 64 MiB (run with --mem 2200):
 * more than a read() can take in a 32-bit VMM, so the tap refuses it.
 */
case_net_rx_over_2g:
	ldr	r0, =ID_NET
	ldr	r1, =0x40100000
	ldr	r2, =0x84000000
	ldr	r3, =F_WRITE
	bl	one_desc_chain
	ldr	r5, =30000			@ frames come from the board: wait longer
	b	notify_and_wait

/*
 * 14: virtio-net, a receive buffer of 20 bytes: the 12-byte header and 8
 * bytes of frame, shorter than any frame from the board. It comes back
 * with length 0, not full of the first 8 bytes of a longer frame.
 */
case_net_rx_short:
	ldr	r0, =ID_NET
	ldr	r1, =DATA
	mov	r2, #20
	ldr	r3, =F_WRITE
	bl	one_desc_chain
	ldr	r5, =30000			@ frames come from the board: wait longer
	b	notify_and_wait

/*
 * 15: virtio-net served by vhost-net: both queues ready and a kick hand
 * them to vhost (InterruptStatus then reads 1, which blk= reports). Then
 * QueueNum is rewritten on the ready receive queue, which breaks the
 * device, and a receive buffer is made available and kicked: it must stay
 * unused for 2 s while the board sends frames, vhost serving no more.
 */
case_net_vhost_broken:
	ldr	r0, =ID_NET
	bl	find_dev
	bl	queue_setup_num			@ the receive queue, nothing available
	mov	r0, #1
	ldr	r1, =TXQ_DESC
	ldr	r2, =TXQ_AVAIL
	ldr	r3, =TXQ_USED
	bl	queue_ready
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_NOTIFY]	@ the kick that starts vhost
	mrc	p15, 0, r7, c14, c0, 0		@ CNTFRQ: counter ticks a second
	lsl	r7, r7, #1			@ 2 s
	bl	int_status_to_blk
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_SEL]
	mov	r0, #4
	str	r0, [r10, #R_QUEUE_NUM]		@ on a ready queue: the device breaks
	mov	r0, #0
	ldr	r1, =DATA
	mov	r2, #2048
	ldr	r3, =F_WRITE
	bl	desc_set
	mov	r0, #0
	bl	avail_push
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_NOTIFY]
	ldr	r6, =USED
	bl	counter_now
	mov	r8, r0
3:	ldrh	r0, [r6, #2]
	cmp	r0, #0
	bne	report
	bl	counter_now
	sub	r0, r0, r8
	cmp	r0, r7
	blo	3b
	b	report

/*
 * 16: virtio-console, a transmit chain of BIG_DESCS descriptors over all
 * of RAM (more bytes than a 32-bit size_t counts), whose first 64 KiB the
 * guest fills with 'x': printed in part, and returned.
 */
case_console_tx_over_4g:
	ldr	r0, =BIG_ADDR
	ldr	r1, =0x78787878
	add	r2, r0, #0x10000
1:	str	r1, [r0], #4
	cmp	r0, r2
	blo	1b
	ldr	r0, =ID_CONSOLE
	mov	r1, #1				@ the transmit queue
	ldr	r2, =F_NEXT
	b	big_chain

/* 17: virtio-rng, a writable chain of BIG_DESCS descriptors over all of RAM */
case_rng_over_4g:
	ldr	r0, =ID_RNG
	mov	r1, #0
	ldr	r2, =F_NEXT | F_WRITE
	b	big_chain

/* 18: 1000 times, the block device reset and broken (QueueNum 1000 at QueueReady) */
case_break_1000_times:
	ldr	r0, =ID_BLOCK
	bl	find_dev
	ldr	r7, =1000
1:	bl	device_start
	bl	ready_with_num_1000
	subs	r7, r7, #1
	bne	1b
	ldr	r6, =USED
	b	report

/*
 * 19: a block read made available, then, after FEATURES_OK, DriverFeatures
 * rewritten to accept EVENT_IDX, with used_event far ahead: the device must
 * keep the features it was given and interrupt. Reports InterruptStatus's
 * bit 0, waited for up to 5 s once the read is used, as blk=.
 */
case_event_idx_late:
	bl	blk_std
	mov	r0, #0
	str	r0, [r10, #R_DRV_FEAT_SEL]
	mov	r0, #(1 << 29)			@ VIRTIO_RING_F_EVENT_IDX
	str	r0, [r10, #R_DRV_FEAT]
	ldr	r12, =AVAIL
	mov	r0, #0x100
	strh	r0, [r12, #4 + 2 * QNUM]	@ used_event: interrupt after 257 buffers
	dsb
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_NOTIFY]
	ldr	r6, =USED
	mrc	p15, 0, r7, c14, c0, 0		@ CNTFRQ: counter ticks a second
	add	r7, r7, r7, lsl #2		@ 5 s: room for a loaded board
	bl	counter_now
	mov	r8, r0
1:	ldrh	r0, [r6, #2]			@ the read used, for up to 5 s
	cmp	r0, #0
	bne	2f
	bl	counter_now
	sub	r0, r0, r8
	cmp	r0, r7
	blo	1b
	b	report
2:	bl	int_status_to_blk		@ then its interrupt, for up to 5 s
	b	report

/*
 * 20: more block reads available than the VMM takes at once (MQ_REQS,
 * made available at once), then, once the first is used, queue 1 made not
 * ready (it never was): the VMM waits for the requests in flight with
 * queue 0 still holding some. Reports the used index after up to 20 s:
 * all MQ_REQS served, or those taken before the wait (a queue stranded:
 * no further kick comes from a driver whose ring is full).
 */
case_quiesce_while_starved:
	ldr	r0, =ID_BLOCK
	bl	find_dev
	mov	r1, #(1 << 28)			@ VIRTIO_RING_F_INDIRECT_DESC
	bl	device_start_with
	mov	r0, #0
	ldr	r1, =MQ_DESC
	ldr	r2, =MQ_AVAIL
	ldr	r3, =MQ_USED
	mov	r12, #MQ_QNUM
	bl	queue_ready_n_ok
	ldr	r0, =HDR			@ a read of sector 0
	mov	r1, #0
	str	r1, [r0]
	str	r1, [r0, #4]
	str	r1, [r0, #8]
	str	r1, [r0, #12]
	ldr	r12, =MQ_ITABLE			@ the header
	ldr	r1, =HDR
	str	r1, [r12]
	mov	r1, #0
	str	r1, [r12, #4]
	mov	r1, #16
	str	r1, [r12, #8]
	ldr	r1, =F_NEXT | (1 << 16)
	str	r1, [r12, #12]
	mov	r0, #1
5:	add	r12, r12, #16			@ the buffers, all at MQ_DATA
	ldr	r1, =MQ_DATA
	str	r1, [r12]
	mov	r1, #0
	str	r1, [r12, #4]
	ldr	r1, =MQ_SEG_LEN
	str	r1, [r12, #8]
	add	r0, r0, #1
	ldr	r1, =F_NEXT | F_WRITE
	orr	r1, r1, r0, lsl #16
	str	r1, [r12, #12]
	cmp	r0, #MQ_SEGS + 1
	blo	5b
	add	r12, r12, #16			@ the status byte
	ldr	r1, =MQ_STATUS
	str	r1, [r12]
	mov	r1, #0
	str	r1, [r12, #4]
	mov	r1, #1
	str	r1, [r12, #8]
	mov	r1, #F_WRITE
	str	r1, [r12, #12]
	ldr	r12, =MQ_DESC			@ MQ_REQS chains, each the indirect table
	ldr	r3, =MQ_AVAIL + 4		@ and avail.ring[i] = i
	mov	r0, #0
1:	ldr	r1, =MQ_ITABLE
	str	r1, [r12]
	mov	r1, #0
	str	r1, [r12, #4]
	mov	r1, #16 * (MQ_SEGS + 2)
	str	r1, [r12, #8]
	mov	r1, #F_INDIRECT
	str	r1, [r12, #12]
	add	r12, r12, #16
	strh	r0, [r3], #2
	add	r0, r0, #1
	cmp	r0, #MQ_REQS
	blo	1b
	dsb
	ldr	r12, =MQ_AVAIL
	strh	r0, [r12, #2]			@ idx: all of them
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_NOTIFY]
	ldr	r6, =MQ_USED
	mrc	p15, 0, r7, c14, c0, 0		@ CNTFRQ: 1 s
	add	r7, r7, r7, lsl #2		@ 5 s
	bl	counter_now
	mov	r8, r0
2:	ldrh	r0, [r6, #2]			@ the first used, for up to 5 s
	cmp	r0, #0
	bne	3f
	bl	counter_now
	sub	r0, r0, r8
	cmp	r0, r7
	blo	2b
	b	report
3:	mov	r0, #1				@ queue 1 not ready: the VMM quiesces
	str	r0, [r10, #R_QUEUE_SEL]
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_READY]
	str	r0, [r10, #R_QUEUE_SEL]
	lsl	r7, r7, #2			@ 20 s
	bl	counter_now
	mov	r8, r0
4:	ldrh	r0, [r6, #2]			@ all used, for up to 20 s
	cmp	r0, #MQ_REQS
	beq	report
	bl	counter_now
	sub	r0, r0, r8
	cmp	r0, r7
	blo	4b
	b	report

/*
 * 21: a block read used, its status byte then set to 0xee, QueueReady
 * written 1 again on the ready queue, a second read (descriptors 3-5,
 * its own status byte) made available: only the second must be served.
 * Reports the first read's status byte as blk= (0xee: not served again).
 */
case_ready_again:
	bl	blk_std
	ldr	r5, =3000
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_NOTIFY]
	ldr	r6, =USED
1:	ldrh	r0, [r6, #2]			@ the first read used
	cmp	r0, #0
	bne	2f
	mov	r0, #0x4000
3:	subs	r0, r0, #1
	bne	3b
	subs	r5, r5, #1
	bne	1b
	b	report
2:	ldr	r0, =BLK_STATUS
	mov	r1, #0xee
	strb	r1, [r0]
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_SEL]
	mov	r0, #1
	str	r0, [r10, #R_QUEUE_READY]	@ ready again
	mov	r8, #3
	ldr	r9, =BLK_STATUS2
	bl	blk_chain_at
	ldr	r5, =3000
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_NOTIFY]
4:	ldrh	r0, [r6, #2]			@ the second used
	cmp	r0, #2
	beq	report
	mov	r0, #0x4000
5:	subs	r0, r0, #1
	bne	5b
	subs	r5, r5, #1
	bne	4b
	b	report

/*
 * 22: virtio-rng's queue (RNG_QNUM chains of 64 KiB: a ring's worth
 * takes the VMM a good part of a second) refilled and notified as fast
 * as it is served, its available index kept a ring ahead of its used one;
 * once the VMM has served two rings' worth, a block read made available
 * and notified, the rng refilled on, no longer notified (a device busy
 * with a queue takes what it finds there): the VMM must still serve the
 * read. Reports the block queue once the read is used, or after 10 s
 * (blk=aa: the rng served, the read not).
 */
case_refill_flood:
	ldr	r0, =ID_RNG
	bl	find_dev
	mov	r9, r10				@ the rng
	bl	device_start
	ldr	r12, =TXQ_DESC			@ RNG_QNUM chains of one RNG_BUF_LEN buffer
	mov	r0, #0
1:	ldr	r1, =RNG_BUF
	str	r1, [r12]
	mov	r1, #0
	str	r1, [r12, #4]
	mov	r1, #RNG_BUF_LEN
	str	r1, [r12, #8]
	mov	r1, #F_WRITE
	str	r1, [r12, #12]
	add	r12, r12, #16
	add	r0, r0, #1
	cmp	r0, #RNG_QNUM
	blo	1b
	mov	r0, #0
	ldr	r1, =TXQ_DESC
	ldr	r2, =TXQ_AVAIL
	ldr	r3, =TXQ_USED
	mov	r12, #RNG_QNUM
	bl	queue_ready_n_ok
	ldr	r12, =TXQ_AVAIL			@ ring[i] = chain i
	mov	r0, #0
2:	add	r1, r12, r0, lsl #1
	strh	r0, [r1, #4]
	add	r0, r0, #1
	cmp	r0, #RNG_QNUM
	blo	2b
	dsb
	strh	r0, [r12, #2]			@ idx: RNG_QNUM
	bl	blk_std				@ r10: the block device, its read available
	mov	r0, #0
	str	r0, [r9, #R_QUEUE_NOTIFY]	@ the rng
	ldr	r6, =USED
	ldr	r5, =TXQ_AVAIL
	mrc	p15, 0, r7, c14, c0, 0		@ 10 s
	add	r7, r7, r7, lsl #2
	lsl	r7, r7, #1
	bl	counter_now
	mov	r8, r0
3:	bl	rng_refill_notify		@ until two rings are served
	cmp	r0, #2 * RNG_QNUM
	bhs	4f
	bl	counter_now
	sub	r0, r0, r8
	cmp	r0, r7
	blo	3b
	b	report
4:	ldr	r0, =BLK_STATUS			@ 0xaa: the rng was served, the read never
	mov	r1, #0xaa
	strb	r1, [r0]
	bl	rng_refill			@ the VMM serving the rng: no notification
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_NOTIFY]	@ then the read
	bl	counter_now
	mov	r8, r0
5:	bl	rng_refill
	ldrh	r0, [r6, #2]			@ the read used?
	cmp	r0, #0
	bne	report
	bl	counter_now
	sub	r0, r0, r8
	cmp	r0, r7
	blo	5b
	b	report

/*
 * The rng's available index a ring ahead of its used one (r5: its ring);
 * rng_refill_notify: then the rng (r9) notified, as a driver does. r0 =
 * the used index.
 */
rng_refill_notify:
	mov	r2, #1
	b	1f
rng_refill:
	mov	r2, #0
1:	ldr	r12, =TXQ_USED
	ldrh	r0, [r12, #2]
	add	r1, r0, #RNG_QNUM
	strh	r1, [r5, #2]
	cmp	r2, #0
	bxeq	lr
	dsb
	mov	r1, #0
	str	r1, [r9, #R_QUEUE_NOTIFY]
	bx	lr

/*
 * The device whose ID is r0 set up with queue r1 ready (BIG_QNUM entries,
 * the rings at TXQ_*), a chain of BIG_DESCS descriptors { BIG_ADDR, to the
 * end of RAM, flags r2 } made available and notified; then the report, of
 * that queue's used ring.
 */
big_chain:
	mov	r7, r1
	mov	r9, r2
	bl	find_dev
	bl	device_start
	ldr	r12, =TXQ_DESC
	mov	r0, #0
1:	ldr	r1, =BIG_ADDR
	str	r1, [r12]
	mov	r1, #0
	str	r1, [r12, #4]
	ldr	r1, =RAM_END - BIG_ADDR
	str	r1, [r12, #8]
	add	r0, r0, #1
	cmp	r0, #BIG_DESCS
	orrlo	r1, r9, r0, lsl #16		@ next: the following one
	bichs	r1, r9, #F_NEXT			@ the last
	str	r1, [r12, #12]
	add	r12, r12, #16
	blo	1b
	mov	r0, r7
	ldr	r1, =TXQ_DESC
	ldr	r2, =TXQ_AVAIL
	ldr	r3, =TXQ_USED
	mov	r12, #BIG_QNUM
	bl	queue_ready_n_ok
	ldr	r12, =TXQ_AVAIL
	mov	r0, #0
	strh	r0, [r12, #4]			@ ring[0]: chain 0
	mov	r0, #1
	dsb
	strh	r0, [r12, #2]			@ idx
	str	r7, [r10, #R_QUEUE_NOTIFY]
	ldr	r6, =TXQ_USED
	ldr	r5, =3000
	b	wait_used

/*
 * Wait up to r7 counter ticks for bit 0 of InterruptStatus of the device
 * at r10; store it (0 or 1) as the block status byte. Clobbers r0, r1, r8,
 * r12.
 */
int_status_to_blk:
	push	{lr}
	bl	counter_now
	mov	r8, r0
1:	ldr	r0, [r10, #R_INT_STATUS]
	ands	r0, r0, #1
	bne	2f
	bl	counter_now
	sub	r0, r0, r8
	cmp	r0, r7
	blo	1b
	mov	r0, #0
2:	ldr	r12, =BLK_STATUS
	strb	r0, [r12]
	pop	{pc}

/* r0 = the virtual counter's low 32 bits (r1 its high ones). */
counter_now:
	isb
	mrrc	p15, 1, r0, r1, c14		@ CNTVCT
	bx	lr

bad_case:
	adrl	r0, msg_bad_case
	bl	puts
	power_off

/* Notify queue 0, wait for an answer or for the device to give up, report. */
notify_and_report:
	ldr	r5, =3000
notify_and_wait:			@ r5: how many times to look
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_NOTIFY]
	ldr	r6, =USED
/* Wait r5 times for the used ring at r6 to move or the device to break; report. */
wait_used:
1:	ldr	r0, [r10, #R_STATUS]
	tst	r0, #NEEDS_RESET
	bne	report
	ldrh	r0, [r6, #2]
	cmp	r0, #0
	bne	report
	mov	r0, #0x4000
3:	subs	r0, r0, #1
	bne	3b
	subs	r5, r5, #1
	bne	1b
/* The line above, from the device at r10 and the used ring at r6. */
report:
	adrl	r0, msg_case
	bl	puts
	mov	r0, r11
	bl	puthex
	adrl	r0, msg_status
	bl	puts
	ldr	r0, [r10, #R_STATUS]
	bl	puthex
	adrl	r0, msg_used
	bl	puts
	ldrh	r0, [r6, #2]
	bl	puthex
	adrl	r0, msg_blk
	bl	puts
	ldr	r0, =BLK_STATUS
	ldrb	r0, [r0]
	bl	puthex
	adrl	r0, msg_len
	bl	puts
	ldr	r0, [r6, #8]			@ used.ring[0].len
	bl	puthex
	mov	r0, #'\n'
	bl	putc
	power_off

/* The virtio-blk device, queue 0 ready, a read of sector 0 made available. */
blk_std:
	push	{lr}
	ldr	r0, =ID_BLOCK
	bl	find_dev
	bl	queue_setup_num
	bl	blk_chain
	pop	{pc}

/*
 * The device whose ID is r0 set up, and a chain of one descriptor { addr r1,
 * len r2, flags | next << 16 r3 } made available as chain 0.
 */
one_desc_chain:
	push	{r1-r3, lr}
	bl	find_dev
	bl	queue_setup_num
	pop	{r1-r3}
	mov	r0, #0
	bl	desc_set
	mov	r0, #0
	bl	avail_push
	pop	{pc}

/* A block read (header, 512 bytes, status) in descriptors 0-2, made available. */
blk_chain:
	push	{r8, r9, lr}
	mov	r8, #0
	ldr	r9, =BLK_STATUS
	bl	blk_chain_at
	pop	{r8, r9, pc}

/* The same in descriptors r8 to r8 + 2, its status byte at r9 (set to 0xff first). */
blk_chain_at:
	push	{lr}
	ldr	r0, =HDR
	mov	r1, #0
	str	r1, [r0]			@ VIRTIO_BLK_T_IN
	str	r1, [r0, #4]
	str	r1, [r0, #8]
	str	r1, [r0, #12]
	mov	r1, #0xff
	strb	r1, [r9]
	mov	r0, r8
	ldr	r1, =HDR
	mov	r2, #16
	add	r3, r8, #1
	lsl	r3, r3, #16
	orr	r3, r3, #F_NEXT
	bl	desc_set
	add	r0, r8, #1
	ldr	r1, =DATA
	mov	r2, #512
	add	r3, r8, #2
	lsl	r3, r3, #16
	orr	r3, r3, #F_NEXT | F_WRITE
	bl	desc_set
	add	r0, r8, #2
	mov	r1, r9
	mov	r2, #1
	mov	r3, #F_WRITE
	bl	desc_set
	mov	r0, r8
	bl	avail_push
	pop	{pc}

/* Descriptor r0 = { addr r1 (high word 0), len r2, flags | next << 16 r3 }. */
desc_set:
	ldr	r12, =DESC
	add	r12, r12, r0, lsl #4
	str	r1, [r12]
	mov	r1, #0
	str	r1, [r12, #4]
	str	r2, [r12, #8]
	str	r3, [r12, #12]
	bx	lr

/* Make chain r0 available: ring[idx % QNUM] = r0, then idx + 1. */
avail_push:
	ldr	r12, =AVAIL
	ldrh	r1, [r12, #2]
	and	r2, r1, #QNUM - 1
	add	r2, r12, r2, lsl #1
	strh	r0, [r2, #4]
	add	r1, r1, #1
	dsb
	strh	r1, [r12, #2]
	bx	lr

/* Reset the device at r10, negotiate VERSION_1, queue 0 ready with QNUM entries. */
queue_setup_num:
	push	{lr}
	bl	device_start
	mov	r0, #0
	ldr	r1, =DESC
	ldr	r2, =AVAIL
	ldr	r3, =USED
	bl	queue_ready
	mov	r0, #0xf			@ | DRIVER_OK
	str	r0, [r10, #R_STATUS]
	pop	{pc}

/* Queue 0 of the device at r10: QueueNum 1000 (no power of two, over 256), then QueueReady. */
ready_with_num_1000:
	mov	r0, #0
	str	r0, [r10, #R_QUEUE_SEL]
	ldr	r0, =1000
	str	r0, [r10, #R_QUEUE_NUM]
	mov	r0, #1
	str	r0, [r10, #R_QUEUE_READY]
	bx	lr

/*
 * Reset the device at r10, negotiate VERSION_1 (up to FEATURES_OK);
 * device_start_with: and the features of word 0 in r1.
 */
device_start:
	mov	r1, #0
device_start_with:
	mov	r0, #0
	str	r0, [r10, #R_STATUS]		@ reset
	mov	r0, #3				@ ACKNOWLEDGE | DRIVER
	str	r0, [r10, #R_STATUS]
	mov	r0, #0
	str	r0, [r10, #R_DRV_FEAT_SEL]
	str	r1, [r10, #R_DRV_FEAT]
	mov	r0, #1
	str	r0, [r10, #R_DRV_FEAT_SEL]
	str	r0, [r10, #R_DRV_FEAT]		@ VERSION_1
	mov	r0, #0xb			@ | FEATURES_OK
	str	r0, [r10, #R_STATUS]
	bx	lr

/*
 * Queue r0 of the device at r10 ready with QNUM entries (queue_ready_n:
 * r12 entries): descriptors at r1, available ring at r2, used ring at r3,
 * whose indexes are zeroed.
 */
queue_ready:
	mov	r12, #QNUM
queue_ready_n:
	str	r0, [r10, #R_QUEUE_SEL]
	str	r12, [r10, #R_QUEUE_NUM]
	mov	r12, #0
	str	r12, [r2]			@ flags and idx
	str	r12, [r3]
	str	r12, [r10, #R_DESC_HI]
	str	r12, [r10, #R_DRIVER_HI]
	str	r12, [r10, #R_DEVICE_HI]
	str	r1, [r10, #R_DESC_LO]
	str	r2, [r10, #R_DRIVER_LO]
	str	r3, [r10, #R_DEVICE_LO]
	mov	r0, #1
	str	r0, [r10, #R_QUEUE_READY]
	bx	lr

/* queue_ready_n, then DRIVER_OK: the device at r10 runs. */
queue_ready_n_ok:
	push	{lr}
	bl	queue_ready_n
	mov	r0, #0xf			@ | DRIVER_OK
	str	r0, [r10, #R_STATUS]
	pop	{pc}

/* r10 = the first virtio-mmio slot whose device ID is r0; powers off if none. */
find_dev:
	ldr	r10, =VIRTIO_BASE
	ldr	r2, =VIRTIO_BASE + 16 * VIRTIO_SLOT
	ldr	r3, =VIRTIO_MAGIC
1:	ldr	r1, [r10, #R_MAGIC]
	cmp	r1, r3
	bne	2f
	ldr	r1, [r10, #R_DEVICE_ID]
	cmp	r1, r0
	bxeq	lr
2:	add	r10, r10, #VIRTIO_SLOT
	cmp	r10, r2
	blo	1b
	adrl	r0, msg_no_dev
	bl	puts
	power_off

/* r0 = N from "hcase=N" in the DTB at r4 (the first 64 KiB), or 0xff. */
find_case:
	mov	r0, r4
	add	r1, r4, #0x10000
	adrl	r2, hcase
1:	mov	r3, #0
2:	ldrb	r12, [r0, r3]
	ldrb	r5, [r2, r3]
	cmp	r5, #0
	beq	3f				@ all of "hcase=" matched
	cmp	r12, r5
	bne	4f
	add	r3, r3, #1
	b	2b
4:	add	r0, r0, #1
	cmp	r0, r1
	blo	1b
	mov	r0, #0xff
	bx	lr
3:	add	r0, r0, r3			@ the digits
	mov	r1, #0
5:	ldrb	r12, [r0], #1
	sub	r12, r12, #'0'
	cmp	r12, #9
	bhi	6f
	add	r1, r1, r1, lsl #2		@ r1 * 10 + digit
	add	r1, r12, r1, lsl #1
	b	5b
6:	mov	r0, r1
	bx	lr

putc:
	ldr	r12, =UART_DR
	str	r0, [r12]
	bx	lr

/* The NUL-terminated string at r0. */
puts:
	ldr	r12, =UART_DR
1:	ldrb	r1, [r0], #1
	cmp	r1, #0
	strne	r1, [r12]
	bne	1b
	bx	lr

/* r0 as 8 hex digits. */
puthex:
	ldr	r12, =UART_DR
	mov	r2, #28
1:	lsr	r1, r0, r2
	and	r1, r1, #0xf
	cmp	r1, #10
	addlo	r1, r1, #'0'
	addhs	r1, r1, #'a' - 10
	str	r1, [r12]
	subs	r2, r2, #4
	bpl	1b
	bx	lr

	.ltorg
hcase:		.asciz	"hcase="
msg_case:	.asciz	"HOSTILE case="
msg_status:	.asciz	" status="
msg_used:	.asciz	" used="
msg_blk:	.asciz	" blk="
msg_len:	.asciz	" len="
msg_bad_case:	.asciz	"HOSTILE no such case\n"
msg_no_dev:	.asciz	"HOSTILE no such device\n"
	.align	2
