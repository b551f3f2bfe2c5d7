/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bare-metal payload for the kexec and kdump tests, loaded by kexec_load.
 * The kernel enters it with the MMU off; a kernel booted in HYP mode enters
 * it in HYP mode, through HVC_SOFT_RESTART. It reports the mode as the last
 * TAP check of the test that loaded it, straight to the board's PL011 UART,
 * then powers the board off through PSCI.
 *
 * After armvirt's HYP panic it also prints the panic message it finds in
 * the dead kernel's memory, as a kdump kernel would read the log: on
 * PREEMPT_RT kernels a thread writes the console, and panic() starts the
 * crash kernel before that thread prints the panic, so the console never
 * shows it (tests/run.sh looks for the message on the console).
 */
	.arch	armv7-a
	.arch_extension sec
	.arm
	.text

#define UART_BASE	0x09000000	/* QEMU virt PL011 */
#define UART_FR		0x18
#define UART_FR_TXFF	(1 << 5)
#define HYP_MODE	0x1a
#define PSCI_SYSTEM_OFF	0x84000008

	.globl	_start
_start:
	mrs	r4, cpsr
	and	r4, r4, #0x1f
	adrl	r0, msg_ok
	adrl	r1, msg_not_ok
	cmp	r4, #HYP_MODE
	movne	r0, r1
	bl	puts
	bl	print_panic_record
	adrl	r0, msg_end_ok
	adrl	r1, msg_end_fail
	cmp	r4, #HYP_MODE
	movne	r0, r1
	bl	puts
	ldr	r0, =PSCI_SYSTEM_OFF
	smc	#0
1:	wfi
	b	1b

/*
 * Finds the first "armvirt: unexpected " followed by a message (not by the
 * "%s" of the module's format string: armvirt_hyp_panic()) in the lowmem of
 * the board's kernels, skipping this payload's page (its own copy of the
 * text), and prints it to the end of its line as a TAP diagnostic. The
 * message is in panic()'s buffer and in the log ring, which stores no
 * terminator: up to three stale bytes of its alignment padding may follow
 * it there. No stack here: the return address waits in r10. Clobbers r0-r3,
 * r5-r11.
 */
#define RAM_BASE	0x40000000	/* QEMU virt */
#define LOWMEM_END	0x70000000	/* 768 MiB: above any 3G/1G kernel's lowmem */
#define PAYLOAD_SIZE	4096		/* the tests' kexec segment */
#define LINE_MAX	200

print_panic_record:
	mov	r10, lr
	ldr	r5, =RAM_BASE
	ldr	r6, =LOWMEM_END
	adr	r11, _start
	adrl	r7, needle
	ldrb	r8, [r7]
1:	cmp	r5, r11
	addeq	r5, r5, #PAYLOAD_SIZE
	cmp	r5, r6
	bhs	9f
	ldrb	r0, [r5], #1
	cmp	r0, r8
	bne	1b
	sub	r0, r5, #1		/* candidate: compare the rest */
	mov	r1, r7
2:	ldrb	r3, [r1], #1
	cmp	r3, #0
	beq	3f
	cmp	r0, r6
	bhs	9f
	ldrb	r2, [r0], #1
	cmp	r2, r3
	beq	2b
	b	1b
3:	ldrb	r2, [r0]
	cmp	r2, #'%'
	beq	1b
	mov	r9, r0			/* the message, after the needle */
	adrl	r0, msg_record
	bl	puts
	adrl	r0, needle
	bl	puts
	ldr	r1, =UART_BASE
	mov	r5, #LINE_MAX
4:	subs	r5, r5, #1
	beq	6f
	cmp	r9, r6
	bhs	6f
	ldrb	r2, [r9], #1
	cmp	r2, #' '		/* printable ASCII only */
	blo	6f
	cmp	r2, #'~'
	bhi	6f
5:	ldr	r3, [r1, #UART_FR]
	tst	r3, #UART_FR_TXFF
	bne	5b
	str	r2, [r1]
	b	4b
6:	adr	r0, msg_newline
	bl	puts
9:	bx	r10

/* r0: NUL-terminated string. Clobbers r0-r3. */
puts:
	ldr	r1, =UART_BASE
1:	ldrb	r2, [r0], #1
	cmp	r2, #0
	bxeq	lr
2:	ldr	r3, [r1, #UART_FR]
	tst	r3, #UART_FR_TXFF
	bne	2b
	str	r2, [r1]
	b	1b

msg_ok:		.asciz	"\nok 4 payload-entered-in-hyp-mode\n"
msg_not_ok:	.asciz	"\nnot ok 4 payload-entered-in-hyp-mode\n# not in HYP mode\n"
msg_record:	.asciz	"# the dead kernel's log: "
needle:		.asciz	"armvirt: unexpected "
msg_newline:	.asciz	"\n"
msg_end_ok:	.asciz	"=== armvirt-test-end payload rc=0\n=== armvirt-suite-done payload\n"
msg_end_fail:	.asciz	"=== armvirt-test-end payload rc=1\n=== armvirt-suite-done payload\n"
	.align	2
	.ltorg
