/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bare-metal payload for the kexec and kdump tests, loaded by kexec_load.
 * The kernel enters it with the MMU off; a kernel booted in HYP mode enters
 * it in HYP mode, through HVC_SOFT_RESTART. It reports the mode as the last
 * TAP check of the test that loaded it, straight to the board's PL011 UART,
 * then powers the board off through PSCI.
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
	cmp	r4, #HYP_MODE
	adreq	r0, msg_ok
	adrne	r0, msg_not_ok
	bl	puts
	cmp	r4, #HYP_MODE
	adreq	r0, msg_end_ok
	adrne	r0, msg_end_fail
	bl	puts
	ldr	r0, =PSCI_SYSTEM_OFF
	smc	#0
1:	wfi
	b	1b

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
msg_end_ok:	.asciz	"=== armvirt-test-end payload rc=0\n=== armvirt-suite-done payload\n"
msg_end_fail:	.asciz	"=== armvirt-test-end payload rc=1\n=== armvirt-suite-done payload\n"
	.align	2
	.ltorg
