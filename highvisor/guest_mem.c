// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory: stage-2 faults on memslot addresses, filled from the VMM's
 * pages, and an MMU notifier that takes them back out whenever the host
 * unmaps, migrates, swaps or write-protects them. Pages are not pinned:
 * a stage-2 entry lives only as long as the host's mapping behind it.
 *
 * Locking: vm->s2.lock (a spinlock) protects the stage-2 tables, the
 * notifier's sequence count and active count, and (for readers) the
 * memslots, which change only with both vm->lock and vm->s2.lock held.
 * Nothing walks much of stage 2 in one hold of the lock: slot deletion,
 * the notifier and dirty logging take it for 2 MiB at a time (a slot may be
 * gigabytes, and on a kernel without PREEMPT_RT the lock keeps preemption
 * off).
 *
 * The fault path reads mn_seq, looks the page up (which may sleep), then
 * maps it under the lock only if no invalidation started or ran since; else
 * the guest retries. This is KVM's mmu_notifier_seq protocol.
 *
 * Where the VMM's memory is a 2 MiB huge page (transparent or hugetlbfs:
 * LPAE hosts only) and the slot lines up with it, the guest gets the
 * whole 2 MiB as one stage-2 block: one fault instead of 512, and fewer
 * TLB entries. Any invalidation in it drops the block; dirty logging makes
 * it read-only, and its first write fault replaces it with pages.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "armvirt.h"
#include "compat.h"
#include "trace.h"
#include "vm.h"
#include "../lowvisor/ctxt.h"
#include "../lowvisor/lowvisor.h"
#include "../mmu/cache.h"

#define S2_CHUNK	SZ_2M	/* stage 2 under s2.lock at a time */

/* Under vm->lock or vm->s2.lock. A slot being deleted or moved is not found. */
struct armvirt_memslot *armvirt_find_slot(struct armvirt_vm *vm, u64 gfn)
{
	struct armvirt_memslot *slot;
	int i;

	for (i = 0; i < ARMVIRT_NR_MEMSLOTS; i++) {
		slot = &vm->slots[i];
		if (slot->npages && !slot->hidden && gfn >= slot->base_gfn &&
		    gfn < slot->base_gfn + slot->npages)
			return slot;
	}
	return NULL;
}

static unsigned long slot_gfn_to_hva(const struct armvirt_memslot *slot, u64 gfn)
{
	return slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);
}

u64 armvirt_vttbr(struct armvirt_vm *vm)
{
	return (u64)stage2_table_pa(&vm->s2) | ((u64)READ_ONCE(vm->vmid.vmid) << 48);
}

/*
 * Drop every TLB entry of the VM, on every CPU. Process context with IRQs
 * on (lowvisor_flush_tlb()); preemption may be off.
 * Whoever clears stage-2 entries calls it before dropping s2.lock: a
 * concurrent invalidation of the same range would find them gone, return
 * without a flush, and let its caller free the pages while the guest still
 * reaches them through a stale entry. (Write-protection, which never
 * clears an entry, not even a block's, may flush after the lock: a stale
 * writable entry costs only a dirty bit, harvests are
 * serialised by vm->lock, and each flushes before it returns; dirty_log.c.)
 */
void armvirt_vm_flush_tlb(struct armvirt_vm *vm)
{
	u64 vttbr;

	if (!READ_ONCE(vm->vmid.vmid))
		return;		/* never ran: no entries */
	vttbr = armvirt_vttbr(vm);
	lowvisor_flush_tlb(LV_HVC_TLB_FLUSH_VMID, vttbr);
}

/*
 * Under vm->s2.lock: unmap the guest pages backed by [start, end) of the
 * VMM, those of hidden slots too (their entries go only chunk by chunk).
 */
static bool unmap_hva_range(struct armvirt_vm *vm, unsigned long start,
			    unsigned long end)
{
	struct armvirt_memslot *slot;
	unsigned long s, e;
	bool unmapped = false;
	int i;

	for (i = 0; i < ARMVIRT_NR_MEMSLOTS; i++) {
		slot = &vm->slots[i];
		if (!slot->npages)
			continue;
		s = max_t(unsigned long, start, slot->userspace_addr);
		e = min_t(unsigned long, end,
			  slot->userspace_addr + (slot->npages << PAGE_SHIFT));
		if (s >= e)
			continue;
		unmapped |= stage2_unmap_range(&vm->s2,
			((slot->base_gfn << PAGE_SHIFT) + s - slot->userspace_addr),
			e - s);
	}
	return unmapped;
}

/*
 * Unmap the guest pages backed by [start, end) of the VMM, 2 MiB of it
 * under vm->s2.lock at a time, the TLB flushed before each unlock.
 * @may_sleep: offer the CPU in between.
 */
static void unmap_hva_in_chunks(struct armvirt_vm *vm, unsigned long start,
				unsigned long end, bool may_sleep)
{
	unsigned long next;

	while (start < end) {
		/* The rest of start's 2 MiB, or less: no wrap at the top of the space. */
		next = start + min(end - start, S2_CHUNK - (start & (S2_CHUNK - 1)));
		spin_lock(&vm->s2.lock);
		if (unmap_hva_range(vm, start, next))
			armvirt_vm_flush_tlb(vm);
		spin_unlock(&vm->s2.lock);
		if (may_sleep)
			cond_resched();
		start = next;
	}
}

/*
 * With vm->lock: @slot goes or moves; the caller then replaces or clears it
 * under s2.lock. It is hidden first: no fault finds it (a guest access there
 * exits as MMIO meanwhile, as in KVM while a slot is deleted) or maps its
 * pages again. Then it is unmapped in chunks; the notifier still unmaps
 * it meanwhile. Process context.
 */
void armvirt_unmap_slot(struct armvirt_vm *vm, struct armvirt_memslot *slot)
{
	u64 ipa = slot->base_gfn << PAGE_SHIFT;

	spin_lock(&vm->s2.lock);
	slot->hidden = true;
	vm->mn_seq++;	/* a fault that found the slot must retry */
	spin_unlock(&vm->s2.lock);
	armvirt_stage2_in_chunks(vm, ipa, ipa + (slot->npages << PAGE_SHIFT),
				 stage2_unmap_range, true);
}

static struct armvirt_vm *mn_to_vm(struct mmu_notifier *mn)
{
	return container_of(mn, struct armvirt_vm, mn);
}

/*
 * Takes only the spinlock, even for a range that is not blockable (the OOM
 * reaper), as KVM takes its mmu_lock: on PREEMPT_RT that lock may sleep,
 * briefly, and no holder waits for memory. Once
 * mn_active is up no fault maps anything, so the lock may drop between
 * chunks.
 */
static int vm_mn_invalidate_start(struct mmu_notifier *mn,
				  const struct mmu_notifier_range *range)
{
	struct armvirt_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->s2.lock);
	vm->mn_active++;
	spin_unlock(&vm->s2.lock);
	unmap_hva_in_chunks(vm, range->start, range->end,
			    mmu_notifier_range_blockable(range));
	return 0;
}

/*
 * May run with preemption off: 5.10's and 6.1's khugepaged calls it with
 * the PTE page still kmap_atomic()'ed (HIGHPTE). Never sleeps.
 */
static void vm_mn_invalidate_end(struct mmu_notifier *mn,
				 const struct mmu_notifier_range *range)
{
	struct armvirt_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->s2.lock);
	vm->mn_seq++;
	vm->mn_active--;
	spin_unlock(&vm->s2.lock);
}

/*
 * The VMM's address space goes away (exit or exec), or the VM does: the
 * guest loses all its memory for good (mn_active never comes down).
 * Process context.
 */
static void vm_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct armvirt_vm *vm = mn_to_vm(mn);
	unsigned long start, end;
	int i;

	spin_lock(&vm->s2.lock);
	vm->mn_active++;
	spin_unlock(&vm->s2.lock);
	for (i = 0; i < ARMVIRT_NR_MEMSLOTS; i++) {
		spin_lock(&vm->s2.lock);
		start = vm->slots[i].userspace_addr;
		end = start + (vm->slots[i].npages << PAGE_SHIFT);
		spin_unlock(&vm->s2.lock);
		unmap_hva_in_chunks(vm, start, end, true);
	}
}

static const struct mmu_notifier_ops vm_mn_ops = {
	.invalidate_range_start	= vm_mn_invalidate_start,
	.invalidate_range_end	= vm_mn_invalidate_end,
	.release		= vm_mn_release,
};

int armvirt_guest_mem_init(struct armvirt_vm *vm)
{
	int cpu, ret;

	vm->last_vcpu_ran = alloc_percpu(int);
	if (!vm->last_vcpu_ran)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(vm->last_vcpu_ran, cpu) = -1;
	ret = stage2_init(&vm->s2);
	if (ret)
		goto err_percpu;
	vm->mn.ops = &vm_mn_ops;
	ret = mmu_notifier_register(&vm->mn, vm->mm);
	if (ret)
		goto err_s2;
	vm->mn_registered = true;
	return 0;

err_s2:
	stage2_free(&vm->s2);
err_percpu:
	free_percpu(vm->last_vcpu_ran);
	vm->last_vcpu_ran = NULL;
	return ret;
}

/* The last reference is gone: no vCPU runs, no notifier will call again. */
void armvirt_guest_mem_destroy(struct armvirt_vm *vm)
{
	if (vm->mn_registered)
		mmu_notifier_unregister(&vm->mn, vm->mm);
	if (vm->s2.l1) {
		armvirt_vm_flush_tlb(vm);
		stage2_free(&vm->s2);
	}
	free_percpu(vm->last_vcpu_ran);
}

/* Make a page's contents visible to a guest that may run with caches off. */
static void flush_page_for_guest(struct page *page)
{
	void *va = armvirt_kmap_local_page(page);

	armvirt_dcache_flush_poc(va, PAGE_SIZE);
	armvirt_kunmap_local(va);
}

static void flush_block_for_guest(phys_addr_t pa)
{
	unsigned long i;

	for (i = 0; i < SZ_2M / PAGE_SIZE; i++)
		flush_page_for_guest(pfn_to_page(PHYS_PFN(pa) + i));
}

/* Under vm->s2.lock: the 2 MiB around @gfn lies in @slot, at the same offset in the VMM. */
static bool slot_can_hold_block(const struct armvirt_memslot *slot, u64 gfn)
{
	u64 first = ALIGN_DOWN(gfn, SZ_2M >> PAGE_SHIFT);

	return first >= slot->base_gfn &&
	       first + (SZ_2M >> PAGE_SHIFT) <= slot->base_gfn + slot->npages &&
	       IS_ALIGNED(slot_gfn_to_hva(slot, first), SZ_2M);
}

/*
 * The physical address of the 2 MiB huge page that the VMM's page tables
 * map at @hva with one leaf entry, if they do and it holds @page; else 0.
 * Process context. The answer may be stale once the lock is dropped: the
 * caller's mn_seq check catches any change since it read the sequence.
 */
static phys_addr_t host_huge_page(struct mm_struct *mm, unsigned long hva,
				  struct page *page)
{
	phys_addr_t pa = 0;
#ifdef CONFIG_ARM_LPAE
	unsigned long start = ALIGN_DOWN(hva, SZ_2M);
	struct vm_area_struct *vma;
	pud_t *pud;
	pmd_t pmd;

	/* The VMA holds the page tables: none of its tables is freed meanwhile. */
	mmap_read_lock(mm);
	vma = find_vma(mm, hva);
	if (!vma || vma->vm_start > start || vma->vm_end < start + SZ_2M)
		goto out;
	pud = pud_offset(p4d_offset(pgd_offset(mm, hva), hva), hva);
	if (pud_none(*pud) || pud_bad(*pud))
		goto out;
	pmd = READ_ONCE(*pmd_offset(pud, hva));
	if (pmd_leaf(pmd) &&
	    pmd_pfn(pmd) + ((hva - start) >> PAGE_SHIFT) == page_to_pfn(page))
		pa = PFN_PHYS(pmd_pfn(pmd));
out:
	mmap_read_unlock(mm);
#endif
	return pa;
}

/*
 * The VMM's page behind @hva. A read fault on a writable slot still maps
 * the page writable when the VMM's own mapping already is (no copy on
 * write forced), saving the guest a second fault on its first write. Only
 * with LPAE: without, ARM has no lockless lookup (HAVE_FAST_GUP), the
 * first one fails, and a read fault maps the page read-only.
 */
static int get_guest_page(unsigned long hva, bool write_fault, bool slot_writable,
			  struct page **page, bool *writable)
{
	if (!write_fault && slot_writable &&
	    get_user_page_fast_only(hva, FOLL_WRITE, page)) {
		*writable = true;
		return 0;
	}
	*writable = write_fault;
	if (get_user_pages_fast(hva, 1, write_fault ? FOLL_WRITE : 0, page) != 1)
		return -EFAULT;
	return 0;
}

/*
 * A stage-2 translation or permission fault at @ipa. Returns 1 when the
 * guest can retry (the page is mapped, or a racing invalidation asks for a
 * retry), 0 when the address is not guest RAM for this access (MMIO, or a
 * write to a read-only slot), or a negative errno.
 */
int armvirt_stage2_fault(struct armvirt_vcpu *vcpu, u64 ipa, bool write_fault)
{
	struct armvirt_vm *vm = vcpu->vm;
	struct stage2_cache cache = { };
	struct armvirt_memslot *slot;
	unsigned long hva = 0, seq;
	bool slot_writable = false, logging = false, block_fits = false;
	bool writable;
	u64 gfn = ipa >> PAGE_SHIFT, block_ipa = ALIGN_DOWN(ipa, SZ_2M);
	phys_addr_t block_pa = 0;
	struct page *page;
	int ret;

	spin_lock(&vm->s2.lock);
	slot = armvirt_find_slot(vm, gfn);
	if (slot) {
		hva = slot_gfn_to_hva(slot, gfn);
		slot_writable = !(slot->flags & KVM_MEM_READONLY);
		logging = slot->dirty_bitmap;
		block_fits = slot_can_hold_block(slot, gfn);
	}
	seq = vm->mn_seq;
	spin_unlock(&vm->s2.lock);
	if (!slot || (write_fault && !slot_writable))
		return 0;
	trace_armvirt_s2_fault(vcpu->id, ipa, write_fault, hva);
	smp_rmb();	/* the sequence before the page lookup */

	/* While dirty logging, only a write fault maps a page writable (and logs it). */
	ret = get_guest_page(hva, write_fault, slot_writable && !logging, &page, &writable);
	if (ret) {
		pr_warn_ratelimited(ARMVIRT_NAME ": guest IPA %#llx: the VMM's memory at %#lx is not there\n",
				    ipa, hva);
		return ret;
	}
	ret = stage2_cache_topup(&cache);
	if (ret)
		goto out;
	if (block_fits && !logging)
		block_pa = host_huge_page(vm->mm, hva, page);
	if (block_pa)
		flush_block_for_guest(block_pa);
	else
		flush_page_for_guest(page);

	spin_lock(&vm->s2.lock);
	if (vm->mn_active || vm->mn_seq != seq) {
		spin_unlock(&vm->s2.lock);
		ret = 1;	/* the page changed under us: let the guest fault again */
		goto out;
	}
	/* The slot is the one looked up: changing it, or its logging, bumps mn_seq. */
	if (writable && slot->dirty_bitmap)
		set_bit(gfn - slot->base_gfn, slot->dirty_bitmap);
	ret = -EAGAIN;
	if (block_pa && !slot->dirty_bitmap)
		ret = stage2_map_block(&vm->s2, &cache, block_ipa, block_pa, writable);
	if (ret == -EAGAIN)	/* no block wanted, or pages mapped there already */
		ret = stage2_map_page(&vm->s2, &cache, ipa & PAGE_MASK,
				      page_to_phys(page), writable);
	if (ret == -EAGAIN) {
		/* A block where a page is wanted now: the host's huge page was split. */
		stage2_unmap_range(&vm->s2, block_ipa, SZ_2M);
		armvirt_vm_flush_tlb(vm);
		ret = 0;
	}
	spin_unlock(&vm->s2.lock);
	if (ret > 0)
		vcpu->hyp->flags |= LV_FLAG_FLUSH_LOCAL_TLB;	/* stage2.h */
	if (ret >= 0) {
		armvirt_icache_inval_all();
		ret = 1;
	}
	if (writable)
		set_page_dirty_lock(page);
out:
	put_page(page);
	stage2_cache_free(&cache);
	return ret;
}

/*
 * Map a host device frame (the GICV) into the guest. Caller holds vm->lock.
 * It stays until the VM goes; no memslot may cover it.
 */
int armvirt_map_device(struct armvirt_vm *vm, u64 ipa, phys_addr_t pa, u64 size)
{
	struct stage2_cache cache = { };
	u64 off;
	int ret = 0;

	for (off = 0; off < size && !ret; off += PAGE_SIZE) {
		ret = stage2_cache_topup(&cache);
		if (ret)
			break;
		spin_lock(&vm->s2.lock);
		ret = stage2_map_device_page(&vm->s2, &cache, ipa + off, pa + off);
		spin_unlock(&vm->s2.lock);
		if (ret > 0)
			ret = 0;	/* mapped already */
	}
	stage2_cache_free(&cache);
	return ret < 0 ? ret : 0;
}

/* Copy guest memory at @ipa (within one page) for the instruction decoder. */
int armvirt_read_guest(struct armvirt_vm *vm, u64 ipa, void *buf, size_t len)
{
	struct armvirt_memslot *slot;
	unsigned long hva = 0;

	if (offset_in_page(ipa) + len > PAGE_SIZE)
		return -EINVAL;
	mutex_lock(&vm->lock);
	slot = armvirt_find_slot(vm, ipa >> PAGE_SHIFT);
	if (slot)
		hva = slot_gfn_to_hva(slot, ipa >> PAGE_SHIFT) + offset_in_page(ipa);
	mutex_unlock(&vm->lock);
	if (!hva)
		return -EFAULT;
	return copy_from_user(buf, (const void __user *)hva, len) ? -EFAULT : 0;
}

static void flush_pa(phys_addr_t pa, void *arg)
{
	flush_page_for_guest(pfn_to_page(PHYS_PFN(pa)));
}

/*
 * Call @fn on [ipa, end) of stage 2, one 2 MiB chunk at a time under
 * vm->s2.lock, the lock dropped and the CPU offered in between. With
 * @clears (@fn clears entries), a chunk where @fn returned true has the TLB
 * flushed before the unlock (armvirt_vm_flush_tlb()). Returns whether any
 * call returned true. Process context.
 */
bool armvirt_stage2_in_chunks(struct armvirt_vm *vm, u64 ipa, u64 end,
			      bool (*fn)(struct stage2 *s2, u64 ipa, u64 size),
			      bool clears)
{
	bool any = false, this;
	u64 next;

	for (; ipa < end; ipa = next) {
		next = min_t(u64, ALIGN_DOWN(ipa, S2_CHUNK) + S2_CHUNK, end);
		spin_lock(&vm->s2.lock);
		this = fn(&vm->s2, ipa, next - ipa);
		if (this && clears)
			armvirt_vm_flush_tlb(vm);
		spin_unlock(&vm->s2.lock);
		any |= this;
		cond_resched();
	}
	return any;
}

static bool flush_ram_range(struct stage2 *s2, u64 ipa, u64 size)
{
	stage2_for_each_ram_page(s2, ipa, size, flush_pa, NULL);
	return false;
}

/*
 * Clean and invalidate to the point of coherency all the guest RAM that is
 * mapped in stage 2, by VA (safe for the host, right on any host CPU): the
 * emulation of its set/way maintenance (setway.c). The memslots' pages,
 * never device frames. Process context, vcpu->mutex held: the slots may
 * change meanwhile, so each is read under the lock.
 */
void armvirt_flush_guest_dcache(struct armvirt_vm *vm)
{
	u64 ipa, end;
	int i;

	for (i = 0; i < ARMVIRT_NR_MEMSLOTS; i++) {
		spin_lock(&vm->s2.lock);
		ipa = vm->slots[i].base_gfn << PAGE_SHIFT;
		end = ipa + (vm->slots[i].npages << PAGE_SHIFT);
		spin_unlock(&vm->s2.lock);
		armvirt_stage2_in_chunks(vm, ipa, end, flush_ram_range, false);
	}
}
