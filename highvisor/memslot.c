// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_SET_USER_MEMORY_REGION: create, move, change and delete the guest's
 * memory slots, with KVM's checks and errnos (virt/kvm/kvm_main.c and
 * kvm_arch_prepare_memory_region() of Linux 5.6).
 */
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "armvirt.h"
#include "vm.h"
#include "../vgic/vgic.h"

static int bad_region(const struct kvm_userspace_memory_region *mem,
		      const char *why)
{
	pr_warn_ratelimited(ARMVIRT_NAME ": KVM_SET_USER_MEMORY_REGION slot %#x at %#llx+%#llx: %s\n",
			    mem->slot, mem->guest_phys_addr, mem->memory_size, why);
	return -EINVAL;
}

/* A writable slot must not be backed by a read-only mapping. */
static int check_vmas(unsigned long hva, u64 size, bool writable)
{
	unsigned long end = hva + size;
	struct vm_area_struct *vma;
	int ret = 0;

	if (!writable)
		return 0;
	mmap_read_lock(current->mm);
	while (hva < end) {
		vma = find_vma(current->mm, hva);
		if (!vma || vma->vm_start >= end)
			break;	/* holes are allowed, as in KVM */
		if (!(vma->vm_flags & VM_WRITE)) {
			ret = -EPERM;
			break;
		}
		hva = vma->vm_end;
	}
	mmap_read_unlock(current->mm);
	return ret;
}

/*
 * Replace (or, with @new NULL, delete) a slot. The guest loses the stage-2
 * mappings of the old one before the new one is visible.
 */
static void update_slot(struct armvirt_vm *vm, struct armvirt_memslot *slot,
			const struct armvirt_memslot *new)
{
	bool flush = false;

	spin_lock(&vm->s2.lock);
	if (slot->npages)
		flush = armvirt_unmap_slot(vm, slot);
	if (new)
		*slot = *new;
	else
		memset(slot, 0, sizeof(*slot));
	spin_unlock(&vm->s2.lock);
	if (flush)
		armvirt_vm_flush_tlb(vm);
}

int armvirt_set_memory_region(struct armvirt_vm *vm,
			      const struct kvm_userspace_memory_region *mem)
{
	u32 id = mem->slot & 0xffff, as_id = mem->slot >> 16;
	u64 npages = mem->memory_size >> PAGE_SHIFT;
	u64 base_gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	struct armvirt_memslot *slot, *other, new;
	bool create_or_move;
	int i, ret;

	if (mem->flags & ~KVM_MEM_READONLY)
		return bad_region(mem, mem->flags & KVM_MEM_LOG_DIRTY_PAGES ?
				  "dirty logging is not implemented yet" :
				  "unknown flags");
	if ((mem->memory_size | mem->guest_phys_addr | mem->userspace_addr) &
	    ~PAGE_MASK)
		return bad_region(mem, "size or addresses not page aligned");
	if (as_id || id >= ARMVIRT_NR_MEMSLOTS)
		return bad_region(mem, "no such slot");
	/*
	 * The sizes are 64-bit and this host is 32-bit: the VMM's range must
	 * fit its address space before anything adds or truncates them
	 * (access_ok() takes an unsigned long size: 4 GiB would become 0).
	 */
	if (mem->memory_size > TASK_SIZE ||
	    mem->userspace_addr > TASK_SIZE - mem->memory_size ||
	    !access_ok((void __user *)(unsigned long)mem->userspace_addr,
		       (unsigned long)mem->memory_size))
		return bad_region(mem, "userspace range invalid");
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr)
		return bad_region(mem, "guest range wraps");

	slot = &vm->slots[id];
	if (!npages) {
		if (!slot->npages)
			return bad_region(mem, "deleting an empty slot");
		update_slot(vm, slot, NULL);
		return 0;
	}

	create_or_move = true;
	if (slot->npages) {
		/* Only the base address and the flags of a slot may change. */
		if (mem->userspace_addr != slot->userspace_addr ||
		    npages != slot->npages ||
		    ((mem->flags ^ slot->flags) & KVM_MEM_READONLY))
			return bad_region(mem, "only the guest address of an existing slot can change");
		if (base_gfn == slot->base_gfn && mem->flags == slot->flags)
			return 0;
		create_or_move = base_gfn != slot->base_gfn;
	}

	if (create_or_move) {
		for (i = 0; i < ARMVIRT_NR_MEMSLOTS; i++) {
			other = &vm->slots[i];
			if (i == id || !other->npages)
				continue;
			if (base_gfn + npages > other->base_gfn &&
			    base_gfn < other->base_gfn + other->npages) {
				pr_warn_ratelimited(ARMVIRT_NAME ": memory slot %u overlaps slot %d\n",
						    id, i);
				return -EEXIST;
			}
		}
	}
	if (create_or_move &&
	    vgic_cpu_if_overlaps(vm, base_gfn << PAGE_SHIFT, npages << PAGE_SHIFT)) {
		pr_warn_ratelimited(ARMVIRT_NAME ": memory slot %u would cover the vGIC CPU interface\n",
				    id);
		return -EEXIST;
	}
	if (base_gfn + npages >= (1ULL << (ARMVIRT_IPA_BITS - PAGE_SHIFT))) {
		pr_warn_ratelimited(ARMVIRT_NAME ": memory slot %u ends beyond the %d-bit guest physical space\n",
				    id, ARMVIRT_IPA_BITS);
		return -EFAULT;
	}
	ret = check_vmas(mem->userspace_addr, mem->memory_size,
			 !(mem->flags & KVM_MEM_READONLY));
	if (ret) {
		pr_warn_ratelimited(ARMVIRT_NAME ": writable memory slot %u on read-only memory\n", id);
		return ret;
	}

	new.base_gfn = base_gfn;
	new.npages = npages;
	new.userspace_addr = mem->userspace_addr;
	new.flags = mem->flags;
	update_slot(vm, slot, &new);
	return 0;
}
