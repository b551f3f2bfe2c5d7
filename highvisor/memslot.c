// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_SET_USER_MEMORY_REGION: create, move, change (dirty logging on or
 * off) and delete the guest's memory slots, with KVM's checks and errnos (virt/kvm/kvm_main.c and
 * kvm_arch_prepare_memory_region() of Linux 5.6).
 */
#include <linux/mm.h>
#include <linux/slab.h>
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
 * mappings of the old one before the new one is visible, unless only its
 * flags change (@flags_only): then the mappings stay, write-protected if
 * dirty logging starts.
 */
static void update_slot(struct armvirt_vm *vm, struct armvirt_memslot *slot,
			const struct armvirt_memslot *new, bool flags_only)
{
	bool logging_starts;

	logging_starts = new && new->dirty_bitmap && !slot->dirty_bitmap;
	if (!flags_only && slot->npages)
		armvirt_unmap_slot(vm, slot);
	spin_lock(&vm->s2.lock);
	if (flags_only)
		vm->mn_seq++;	/* a fault that looked at the old flags must retry */
	if (new)
		*slot = *new;
	else
		memset(slot, 0, sizeof(*slot));
	spin_unlock(&vm->s2.lock);
	if (flags_only && logging_starts)
		armvirt_wrprotect_slot(vm, slot);
}

int armvirt_set_memory_region(struct armvirt_vm *vm,
			      const struct kvm_userspace_memory_region *mem)
{
	u32 id = mem->slot & 0xffff, as_id = mem->slot >> 16;
	u64 npages = mem->memory_size >> PAGE_SHIFT;
	u64 base_gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	struct armvirt_memslot *slot, *other, new;
	unsigned long *old_bitmap;
	bool create_or_move;
	int i, ret;

	if (mem->flags & ~(KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES))
		return bad_region(mem, "unknown flags");
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
		old_bitmap = slot->dirty_bitmap;
		npages = slot->npages;
		update_slot(vm, slot, NULL, false);
		armvirt_dirty_bitmap_free(vm, old_bitmap, npages);
		return 0;
	}

	create_or_move = true;
	if (slot->npages) {
		/* Only the base address and dirty logging of a slot may change. */
		if (mem->userspace_addr != slot->userspace_addr ||
		    npages != slot->npages ||
		    ((mem->flags ^ slot->flags) & KVM_MEM_READONLY))
			return bad_region(mem, "only the guest address and dirty logging of an existing slot can change");
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

	new = (struct armvirt_memslot) {
		.base_gfn = base_gfn,
		.npages = npages,
		.userspace_addr = mem->userspace_addr,
		.flags = mem->flags,
		/* A moved slot keeps its dirty log, as in KVM. */
		.dirty_bitmap = slot->npages ? slot->dirty_bitmap : NULL,
	};
	old_bitmap = NULL;
	if (!(mem->flags & KVM_MEM_LOG_DIRTY_PAGES)) {
		old_bitmap = new.dirty_bitmap;
		new.dirty_bitmap = NULL;
	} else if (!new.dirty_bitmap) {
		new.dirty_bitmap = armvirt_dirty_bitmap_alloc(vm, npages);
		if (!new.dirty_bitmap)
			return -ENOMEM;
	}
	update_slot(vm, slot, &new, !create_or_move);
	armvirt_dirty_bitmap_free(vm, old_bitmap, npages);
	return 0;
}
