// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty logging, as KVM 5.6 has it: KVM_MEM_LOG_DIRTY_PAGES on a slot,
 * KVM_GET_DIRTY_LOG, and with KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 enabled,
 * KVM_CLEAR_DIRTY_LOG.
 *
 * A logged slot's pages are mapped read-only in stage 2 until the guest's
 * first write, which the fault path (guest_mem.c) logs before it maps the
 * page writable. So a page the host takes away (MMU notifier) keeps its
 * bit: it was set before the guest could write. Harvesting clears bits and
 * write-protects their pages again. ARMv7 cannot invalidate a TLB entry
 * by IPA: each harvest ends with one flush of the VM's VMID, not one per
 * page.
 *
 * Locking: vm->lock (the caller's) keeps the slots and the bitmaps' owners
 * in place; vm->s2.lock covers the bits and the tables, taken for 2 MiB of
 * the slot at a time.
 */
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "armvirt.h"
#include "vm.h"

#define CHUNK_PAGES	(SZ_2M >> PAGE_SHIFT)	/* pages under s2.lock at a time */

unsigned long armvirt_dirty_bitmap_bytes(u64 npages)
{
	return ALIGN(npages, BITS_PER_LONG) / 8;
}

static unsigned long bitmap_kmem_pages(u64 npages)
{
	return DIV_ROUND_UP(armvirt_dirty_bitmap_bytes(npages), PAGE_SIZE);
}

static void bitmap_uncharge(struct armvirt_vm *vm, u64 npages)
{
	spin_lock(&vm->s2.lock);
	kmem_uncharge(&vm->s2.kmem, bitmap_kmem_pages(npages));
	spin_unlock(&vm->s2.lock);
}

/* A dirty bitmap for @npages, charged to the VM's budget; NULL: ENOMEM. */
unsigned long *armvirt_dirty_bitmap_alloc(struct armvirt_vm *vm, u64 npages)
{
	unsigned long *bitmap;
	bool charged;

	spin_lock(&vm->s2.lock);
	charged = kmem_charge(&vm->s2.kmem, bitmap_kmem_pages(npages));
	spin_unlock(&vm->s2.lock);
	if (!charged)
		return NULL;
	bitmap = kvzalloc(armvirt_dirty_bitmap_bytes(npages), GFP_KERNEL_ACCOUNT);
	if (!bitmap)
		bitmap_uncharge(vm, npages);
	return bitmap;
}

/* Frees a bitmap of armvirt_dirty_bitmap_alloc() for @npages, and its charge; NULL: nothing. */
void armvirt_dirty_bitmap_free(struct armvirt_vm *vm, unsigned long *bitmap, u64 npages)
{
	if (!bitmap)
		return;
	kvfree(bitmap);
	bitmap_uncharge(vm, npages);
}

/* Write-protect the whole slot (logging starts). */
void armvirt_wrprotect_slot(struct armvirt_vm *vm, const struct armvirt_memslot *slot)
{
	u64 ipa = slot->base_gfn << PAGE_SHIFT;

	if (armvirt_stage2_in_chunks(vm, ipa, ipa + (slot->npages << PAGE_SHIFT),
				     stage2_wrprotect_range, false))
		armvirt_vm_flush_tlb(vm);
}

static struct armvirt_memslot *logged_slot(struct armvirt_vm *vm, u32 slot_id, int *err)
{
	u32 id = slot_id & 0xffff, as_id = slot_id >> 16;
	struct armvirt_memslot *slot;

	if (as_id || id >= ARMVIRT_NR_MEMSLOTS) {
		pr_warn_ratelimited(ARMVIRT_NAME ": dirty log of slot %#x: no such slot\n", slot_id);
		*err = -EINVAL;
		return NULL;
	}
	slot = &vm->slots[id];
	if (!slot->dirty_bitmap) {
		pr_warn_ratelimited(ARMVIRT_NAME ": dirty log of slot %u: the slot does not log\n", id);
		*err = -ENOENT;
		return NULL;
	}
	return slot;
}

/*
 * Clean the pages set in @mask (bits of @slot's bitmap from word @word on,
 * @nwords words): clear their bits, write-protect them. @mask gets what was
 * dirty among them. Returns whether a mapping lost its write permission.
 */
static bool clean_pages(struct armvirt_vm *vm, struct armvirt_memslot *slot,
			unsigned long word, unsigned long *mask, unsigned long nwords)
{
	unsigned long i, bit, dirty;
	bool changed = false;
	u64 gfn;

	for (i = 0; i < nwords; i++) {
		dirty = slot->dirty_bitmap[word + i] & mask[i];
		slot->dirty_bitmap[word + i] &= ~dirty;
		mask[i] = dirty;
		for_each_set_bit(bit, &dirty, BITS_PER_LONG) {
			gfn = slot->base_gfn + (word + i) * BITS_PER_LONG + bit;
			changed |= stage2_wrprotect_range(&vm->s2, gfn << PAGE_SHIFT, PAGE_SIZE);
		}
	}
	return changed;
}

/*
 * Clean the pages of @bits (words from @word on) in chunks, then flush the
 * TLB once. Only then may the VMM copy them: a write through a stale
 * writable entry lands before the flush, so before its copy.
 */
static void clean_and_flush(struct armvirt_vm *vm, struct armvirt_memslot *slot,
			    unsigned long word, unsigned long *bits, unsigned long nwords)
{
	unsigned long chunk = CHUNK_PAGES / BITS_PER_LONG, done, n;
	bool changed = false;

	for (done = 0; done < nwords; done += n) {
		n = min(chunk, nwords - done);
		spin_lock(&vm->s2.lock);
		changed |= clean_pages(vm, slot, word + done, bits + done, n);
		spin_unlock(&vm->s2.lock);
		cond_resched();
	}
	if (changed)
		armvirt_vm_flush_tlb(vm);
}

int armvirt_get_dirty_log(struct armvirt_vm *vm, const struct kvm_dirty_log *log)
{
	struct armvirt_memslot *slot;
	unsigned long bytes, *buf;
	int ret = 0;

	slot = logged_slot(vm, log->slot, &ret);
	if (!slot)
		return ret;
	bytes = armvirt_dirty_bitmap_bytes(slot->npages);
	buf = kvmalloc(bytes, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (vm->manual_dirty_protect) {
		spin_lock(&vm->s2.lock);
		memcpy(buf, slot->dirty_bitmap, bytes);
		spin_unlock(&vm->s2.lock);
	} else {
		memset(buf, 0xff, bytes);	/* every page: what is dirty comes back */
		clean_and_flush(vm, slot, 0, buf, bytes / sizeof(long));
	}
	if (copy_to_user(log->dirty_bitmap, buf, bytes))
		ret = -EFAULT;
	kvfree(buf);
	return ret;
}

int armvirt_clear_dirty_log(struct armvirt_vm *vm, const struct kvm_clear_dirty_log *log)
{
	struct armvirt_memslot *slot;
	unsigned long bytes, *buf;
	int ret = 0;

	slot = logged_slot(vm, log->slot, &ret);
	if (!slot)
		return ret;
	/* 64-page granules, except a last one that ends with the slot (KVM's rule). */
	if ((log->first_page & 63) || log->first_page > slot->npages ||
	    log->num_pages > slot->npages - log->first_page ||
	    (log->num_pages < slot->npages - log->first_page && (log->num_pages & 63))) {
		pr_warn_ratelimited(ARMVIRT_NAME ": KVM_CLEAR_DIRTY_LOG of slot %u: pages %llu+%u not in the slot's %llu or not in 64-page granules\n",
				    log->slot, log->first_page, log->num_pages, slot->npages);
		return -EINVAL;
	}
	if (!log->num_pages)
		return 0;
	bytes = armvirt_dirty_bitmap_bytes(log->num_pages);
	buf = kvmalloc(bytes, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, log->dirty_bitmap, bytes)) {
		kvfree(buf);
		return -EFAULT;
	}
	clean_and_flush(vm, slot, log->first_page / BITS_PER_LONG, buf, bytes / sizeof(long));
	kvfree(buf);
	return 0;
}

int armvirt_vm_enable_cap(struct armvirt_vm *vm, const struct kvm_enable_cap *cap)
{
	if (cap->cap != KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) {
		pr_warn_ratelimited(ARMVIRT_NAME ": KVM_ENABLE_CAP: capability %u cannot be enabled on a VM\n",
				    cap->cap);
		return -EINVAL;
	}
	if (cap->flags || (cap->args[0] & ~KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE)) {
		pr_warn_ratelimited(ARMVIRT_NAME ": KVM_ENABLE_CAP(MANUAL_DIRTY_LOG_PROTECT2): flags %#x, args[0] %#llx: unknown bits\n",
				    cap->flags, cap->args[0]);
		return -EINVAL;
	}
	vm->manual_dirty_protect = cap->args[0];
	return 0;
}
