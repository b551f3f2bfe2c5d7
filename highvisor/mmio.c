// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO: a guest access outside its RAM (or a write to read-only RAM)
 * becomes a KVM_EXIT_MMIO for the VMM. A read completes at the next
 * KVM_RUN, when the VMM's data goes into the guest's register and the
 * guest steps past the instruction, as in KVM.
 *
 * The access comes from the data abort's syndrome when it is valid, and
 * from the instruction otherwise (writeback forms, LDRD/STRD: see
 * mmio_decode.c). kvm_run.mmio.data holds the bytes as the guest's bus
 * access would carry them, in the guest's data endianness (CPSR.E).
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "armvirt.h"
#include "run.h"
#include "trace.h"
#include "../lowvisor/lowvisor.h"
#include "../vgic/vgic.h"

/* One register's worth of bytes, in the guest's order */
static void reg_to_bytes(u32 val, u8 *buf, unsigned int len, bool big_endian)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = val >> (8 * (big_endian ? len - 1 - i : i));
}

static u32 bytes_to_reg(const u8 *buf, unsigned int len, bool big_endian)
{
	unsigned int i;
	u32 val = 0;

	for (i = 0; i < len; i++)
		val |= (u32)buf[i] << (8 * (big_endian ? len - 1 - i : i));
	return val;
}

/* The guest's instruction at its pc: the lowvisor translated the pc at the exit. */
static int fetch_guest_insn(struct armvirt_vcpu *vcpu, u32 *insn, bool *thumb32)
{
	struct lv_vcpu *hyp = vcpu->hyp;
	u32 pc = *vcpu_pc(vcpu);
	u64 par = hyp->pc_par, ipa;
	__le16 hw[2];
	__le32 word;

	if (!(hyp->flags & LV_FLAG_PC_PAR) || (par & 1))
		return -EFAULT;
	/* PAR: long format (bit 11) holds PA[39:12], the short one PA[31:12]. */
	ipa = (par & BIT(11)) ? par & GENMASK_ULL(39, 12) : par & GENMASK_ULL(31, 12);
	ipa |= pc & ~PAGE_MASK;

	/* Instructions are little-endian whatever the data endianness (A3.3.1). */
	if (!(*vcpu_cpsr(vcpu) & CPSR_T)) {
		*thumb32 = false;
		if (armvirt_read_guest(vcpu->vm, ipa, &word, 4))
			return -EFAULT;
		*insn = le32_to_cpu(word);
		return 0;
	}
	if (armvirt_read_guest(vcpu->vm, ipa, &hw[0], 2))
		return -EFAULT;
	*insn = le16_to_cpu(hw[0]);
	*thumb32 = *insn >= 0xe800;	/* first halfword of a 32-bit encoding */
	if (!*thumb32)
		return 0;
	/*
	 * Across a page, with the guest's MMU on, the second halfword is
	 * wherever pc + 2 maps, which only pc's page was translated for: not
	 * at ipa + 2, which may be any page of the guest's.
	 */
	if ((pc & ~PAGE_MASK) == PAGE_SIZE - 2 && (*vcpu_cp15(vcpu, C1_SCTLR) & SCTLR_M))
		return -EFAULT;
	if (armvirt_read_guest(vcpu->vm, ipa + 2, &hw[1], 2))
		return -EFAULT;
	*insn = (*insn << 16) | le16_to_cpu(hw[1]);
	return 0;
}

/*
 * An access that cannot be emulated stops the vCPU with a clear exit, as
 * KVM does for an emulation failure (KVM/ARM 5.6 failed KVM_RUN with
 * ENOSYS instead): the instruction, the pc and the faulting address.
 */
static int emulation_failure(struct armvirt_vcpu *vcpu, u32 insn)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->internal.ndata = 3;
	run->internal.data[0] = insn;
	run->internal.data[1] = *vcpu_pc(vcpu);
	run->internal.data[2] = vcpu->hyp->hdfar;
	return 0;
}

static int access_from_syndrome(struct armvirt_vcpu *vcpu, struct armvirt_mmio_access *a)
{
	u32 hsr = vcpu->hyp->hsr;

	a->is_write = hsr & HSR_DABT_WNR;
	a->len = 1 << HSR_DABT_SAS(hsr);
	a->sign_extend = hsr & HSR_DABT_SSE;
	a->rt = HSR_DABT_SRT(hsr);
	a->thumb32 = hsr & HSR_IL;
	return 0;
}

/* Returns 0, or 1 after an emulation failure exit was set up. */
static int access_from_insn(struct armvirt_vcpu *vcpu, struct armvirt_mmio_access *a)
{
	bool thumb = *vcpu_cpsr(vcpu) & CPSR_T, thumb32 = false;
	u32 insn = 0;
	int ret;

	ret = fetch_guest_insn(vcpu, &insn, &thumb32);
	if (!ret)
		ret = armvirt_decode_mmio_insn(vcpu, insn, thumb32, thumb,
					       vcpu->hyp->hdfar, a);
	if (ret) {
		pr_warn_ratelimited(ARMVIRT_NAME ": vCPU %u: cannot emulate MMIO by %s instruction %#x at %#x (address %#x): KVM_EXIT_INTERNAL_ERROR\n",
				    vcpu->id, thumb ? "Thumb" : "ARM", insn,
				    *vcpu_pc(vcpu), vcpu->hyp->hdfar);
		emulation_failure(vcpu, insn);
		return 1;
	}
	a->thumb32 = !thumb || thumb32;
	vcpu_count_exit(vcpu, EXIT_MMIO_DECODED);
	return 0;
}

static void mmio_finish(struct armvirt_vcpu *vcpu, const struct armvirt_mmio_access *a,
			const u8 *data);

/*
 * Devices emulated in the kernel (the vGIC's distributor): registers are
 * little-endian, so a big-endian guest sees them byte-swapped, as on
 * hardware. True if the access was one of theirs, done.
 */
static bool kernel_device_access(struct armvirt_vcpu *vcpu, u64 ipa,
				 const struct armvirt_mmio_access *a, u8 *data)
{
	u32 val = 0;

	if (!vgic_ready(vcpu->vm))
		return false;
	if (a->is_write)
		val = bytes_to_reg(data, min_t(unsigned int, a->len, 4), false);
	if (!vgic_dist_mmio(vcpu, ipa, min_t(unsigned int, a->len, 4), a->is_write, &val))
		return false;
	if (!a->is_write) {
		memset(data, 0, 8);
		reg_to_bytes(val, data, min_t(unsigned int, a->len, 4), false);
	}
	vcpu_count_exit(vcpu, EXIT_MMIO_KERNEL);
	mmio_finish(vcpu, a, data);
	return true;
}

int armvirt_handle_mmio(struct armvirt_vcpu *vcpu, u64 ipa)
{
	struct armvirt_mmio_access a = { .rt2 = 0xff };
	struct kvm_run *run = vcpu->run;
	unsigned int word_len;
	u8 data[8] = { };
	u64 value;	/* a write's data as a number; 0 for a read */
	int ret;

	if (vcpu->hyp->hsr & HSR_DABT_ISV)
		ret = access_from_syndrome(vcpu, &a);
	else
		ret = access_from_insn(vcpu, &a);
	if (ret)
		return 0;	/* the emulation failure exit */
	if (!a.is_write && a.rt == 15) {
		pr_warn_ratelimited(ARMVIRT_NAME ": vCPU %u: MMIO load into the pc at %#x: KVM_EXIT_INTERNAL_ERROR\n",
				    vcpu->id, *vcpu_pc(vcpu));
		return emulation_failure(vcpu, 0);
	}
	a.big_endian = *vcpu_cpsr(vcpu) & CPSR_E;

	if (a.is_write) {
		word_len = min_t(unsigned int, a.len, 4);
		reg_to_bytes(*vcpu_reg(vcpu, a.rt), data, word_len, a.big_endian);
		if (a.len == 8)
			reg_to_bytes(*vcpu_reg(vcpu, a.rt2), data + 4, 4, a.big_endian);
	}
	value = bytes_to_reg(data, min_t(unsigned int, a.len, 4), false) |
		(a.len == 8 ? (u64)bytes_to_reg(data + 4, 4, false) << 32 : 0);
	if (kernel_device_access(vcpu, ipa, &a, data)) {
		trace_armvirt_mmio(vcpu->id, ipa, a.len, a.is_write, value, 0);
		return 1;
	}
	if (a.is_write && armvirt_ioeventfd_write(vcpu->vm, ipa, a.len, value)) {
		trace_armvirt_mmio(vcpu->id, ipa, a.len, a.is_write, value, 1);
		vcpu_count_exit(vcpu, EXIT_IOEVENTFD);
		mmio_finish(vcpu, &a, data);
		return 1;
	}
	trace_armvirt_mmio(vcpu->id, ipa, a.len, a.is_write, value, 2);

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = ipa;
	run->mmio.len = a.len;
	run->mmio.is_write = a.is_write;
	memcpy(run->mmio.data, data, sizeof(run->mmio.data));
	vcpu_count_exit(vcpu, a.is_write ? EXIT_MMIO_WRITE : EXIT_MMIO_READ);
	vcpu->mmio = a;
	vcpu->mmio_pending = true;
	return 0;
}

/* At the next KVM_RUN: the VMM's answer goes in. */
void armvirt_mmio_complete(struct armvirt_vcpu *vcpu)
{
	vcpu->mmio_pending = false;
	mmio_finish(vcpu, &vcpu->mmio, vcpu->run->mmio.data);
}

/* The loaded value, the new base register, the next pc. */
static void mmio_finish(struct armvirt_vcpu *vcpu, const struct armvirt_mmio_access *a,
			const u8 *data)
{
	u32 val;

	if (!a->is_write) {
		val = bytes_to_reg(data, min_t(unsigned int, a->len, 4), a->big_endian);
		if (a->sign_extend && a->len == 1)
			val = (s32)(s8)val;
		else if (a->sign_extend && a->len == 2)
			val = (s32)(s16)val;
		*vcpu_reg(vcpu, a->rt) = val;
		if (a->len == 8)
			*vcpu_reg(vcpu, a->rt2) = bytes_to_reg(data + 4, 4, a->big_endian);
	}
	if (a->writeback)
		*vcpu_reg(vcpu, a->rn) = a->rn_value;
	vcpu_skip_instr(vcpu, a->thumb32);
}
