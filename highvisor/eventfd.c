// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts and doorbells without a trip through the VMM's run loop, as
 * KVM offers them:
 *  - KVM_IRQFD: a write to an eventfd raises SPI gsi + 32 (an edge, or with
 *    KVM_IRQFD_FLAG_RESAMPLE a level held until the guest EOIs it, when
 *    the resample eventfd is signalled);
 *  - KVM_IOEVENTFD: a guest write to an MMIO address (with a given value,
 *    optionally) signals an eventfd and completes in the kernel.
 *
 * Locking: armvirt_vm.irqfd_lock (a spinlock, IRQs off: the eventfd wakeup
 * runs with its wait queue's lock held) protects the irqfd list. The
 * injection runs in the wake-up itself, in the signaller's context (the
 * VMM's write(), vhost's worker), with that lock held and, but on
 * PREEMPT_RT, IRQs off: vgic_irq_line() takes only the vGIC's raw lock and
 * kicks with an async IPI and an rcuwait wake-up (vcpu.c), nothing that
 * sleeps; no work item stands between a device and its interrupt.
 * armvirt_vm.lock serialises irqfd
 * assign and deassign, and ioeventfd changes; the vCPUs look the
 * ioeventfds up under RCU, so a doorbell write takes no lock but the
 * eventfd's own.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "armvirt.h"
#include "compat.h"
#include "vm.h"
#include "../vgic/vgic.h"

struct armvirt_irqfd {
	struct armvirt_vm *vm;
	struct eventfd_ctx *eventfd, *resamplefd;
	u32 intid;
	wait_queue_entry_t wait;
	poll_table pt;
	wait_queue_head_t *wqh;
	struct work_struct shutdown;
	struct list_head list;
};

struct armvirt_ioeventfd {
	struct list_head list;	/* on vm->ioeventfds: RCU readers */
	u64 addr, datamatch;
	u32 len;
	bool wildcard;
	struct eventfd_ctx *eventfd;
};

/* Shutdowns run here; flushed before a VM goes. */
static struct workqueue_struct *irqfd_wq;

int armvirt_eventfd_init(void)
{
	irqfd_wq = alloc_workqueue("armvirt-irqfd", ARMVIRT_WQ_PERCPU, 0);
	return irqfd_wq ? 0 : -ENOMEM;
}

void armvirt_eventfd_exit(void)
{
	destroy_workqueue(irqfd_wq);
}

#define SPI_IRQ(intid)	((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (intid))

/* An edge: the line up and down; with a resample eventfd, up until the EOI. */
static void irqfd_inject(struct armvirt_irqfd *irqfd)
{
	vgic_irq_line(irqfd->vm, SPI_IRQ(irqfd->intid), true);
	if (!irqfd->resamplefd)
		vgic_irq_line(irqfd->vm, SPI_IRQ(irqfd->intid), false);
}

static void irqfd_shutdown(struct work_struct *work)
{
	struct armvirt_irqfd *irqfd = container_of(work, struct armvirt_irqfd, shutdown);
	u64 cnt;

	/* under the wait queue's lock: no wake-up, so no injection, runs after */
	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	if (irqfd->resamplefd) {
		/*
		 * Its level goes with it, as under KVM: no SPI left pending for
		 * good. Lowered while it still holds the SPI's resample slot, so
		 * that it never lowers the line of a new resampling irqfd.
		 */
		vgic_irq_line(irqfd->vm, SPI_IRQ(irqfd->intid), false);
		vgic_swap_resample(irqfd->vm, irqfd->intid, irqfd->resamplefd, NULL);
		eventfd_ctx_put(irqfd->resamplefd);
	}
	eventfd_ctx_put(irqfd->eventfd);
	kfree(irqfd);
}

/* Under irqfd_lock: take it off the list and free it from a work item. */
static void irqfd_deactivate(struct armvirt_irqfd *irqfd)
{
	list_del_init(&irqfd->list);
	queue_work(irqfd_wq, &irqfd->shutdown);
}

/* The eventfd's wake-up, with its wait queue lock held and IRQs off (not on PREEMPT_RT). */
static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct armvirt_irqfd *irqfd = container_of(wait, struct armvirt_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	struct armvirt_vm *vm = irqfd->vm;
	unsigned long irqflags;

	if (flags & EPOLLIN)
		irqfd_inject(irqfd);
	if (flags & EPOLLHUP) {
		spin_lock_irqsave(&vm->irqfd_lock, irqflags);
		if (!list_empty(&irqfd->list))
			irqfd_deactivate(irqfd);
		spin_unlock_irqrestore(&vm->irqfd_lock, irqflags);
	}
	return 0;
}

static void irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct armvirt_irqfd *irqfd = container_of(pt, struct armvirt_irqfd, pt);

	irqfd->wqh = wqh;
	add_wait_queue(wqh, &irqfd->wait);
}

static int irqfd_assign(struct armvirt_vm *vm, const struct kvm_irqfd *args, u32 intid)
{
	struct armvirt_irqfd *irqfd, *tmp;
	struct file *file;
	__poll_t events;
	int ret;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->vm = vm;
	irqfd->intid = intid;
	INIT_LIST_HEAD(&irqfd->list);
	INIT_WORK(&irqfd->shutdown, irqfd_shutdown);

	file = fget(args->fd);
	if (!file) {
		ret = -EBADF;
		goto err_free;
	}
	irqfd->eventfd = eventfd_ctx_fileget(file);
	if (IS_ERR(irqfd->eventfd)) {
		ret = PTR_ERR(irqfd->eventfd);
		goto err_fput;
	}
	if (args->flags & KVM_IRQFD_FLAG_RESAMPLE) {
		irqfd->resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(irqfd->resamplefd)) {
			ret = PTR_ERR(irqfd->resamplefd);
			goto err_ctx;
		}
		/* one per SPI; a closed one's shutdown may still be queued */
		if (!vgic_swap_resample(vm, intid, NULL, irqfd->resamplefd)) {
			flush_workqueue(irqfd_wq);
			if (!vgic_swap_resample(vm, intid, NULL, irqfd->resamplefd)) {
				pr_warn_ratelimited(ARMVIRT_NAME ": KVM_IRQFD: gsi %u has a resampling irqfd already\n",
						    args->gsi);
				eventfd_ctx_put(irqfd->resamplefd);
				ret = -EBUSY;
				goto err_ctx;
			}
		}
	}
	init_waitqueue_func_entry(&irqfd->wait, irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, irqfd_queue_proc);

	spin_lock_irq(&vm->irqfd_lock);
	list_for_each_entry(tmp, &vm->irqfds, list) {
		if (tmp->eventfd == irqfd->eventfd) {
			spin_unlock_irq(&vm->irqfd_lock);
			ret = -EBUSY;
			goto err_resample;
		}
	}
	list_add_tail(&irqfd->list, &vm->irqfds);
	spin_unlock_irq(&vm->irqfd_lock);

	events = vfs_poll(file, &irqfd->pt);
	if (events & EPOLLIN)
		irqfd_inject(irqfd);	/* signalled before: vm->lock keeps deassign away */
	fput(file);
	return 0;

err_resample:
	if (irqfd->resamplefd) {
		vgic_swap_resample(vm, intid, irqfd->resamplefd, NULL);
		eventfd_ctx_put(irqfd->resamplefd);
	}
err_ctx:
	eventfd_ctx_put(irqfd->eventfd);
err_fput:
	fput(file);
err_free:
	kfree(irqfd);
	return ret;
}

static int irqfd_deassign(struct armvirt_vm *vm, const struct kvm_irqfd *args, u32 intid)
{
	struct armvirt_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	spin_lock_irq(&vm->irqfd_lock);
	list_for_each_entry_safe(irqfd, tmp, &vm->irqfds, list)
		if (irqfd->eventfd == eventfd && irqfd->intid == intid)
			irqfd_deactivate(irqfd);
	spin_unlock_irq(&vm->irqfd_lock);
	eventfd_ctx_put(eventfd);
	flush_workqueue(irqfd_wq);
	return 0;
}

int armvirt_irqfd(struct armvirt_vm *vm, const struct kvm_irqfd *args)
{
	struct vgic_dist *d = vgic_ready(vm);
	u32 intid;
	int ret;

	if (args->flags & ~(KVM_IRQFD_FLAG_DEASSIGN | KVM_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;
	/* KVM/ARM's routing: gsi N is SPI N + 32. Bounded before the sum can wrap. */
	if (!d || args->gsi >= d->nr_irqs - VGIC_NR_PRIVATE) {
		pr_warn_ratelimited(ARMVIRT_NAME ": KVM_IRQFD for gsi %u: no such SPI (create and initialise the vGIC first)\n",
				    args->gsi);
		return -EINVAL;
	}
	intid = args->gsi + VGIC_NR_PRIVATE;
	/*
	 * vm->lock serialises assign and deassign: an irqfd is on the list
	 * and on its eventfd's wait queue, or on neither, for any other
	 * assign or deassign to see.
	 */
	mutex_lock(&vm->lock);
	if (args->flags & KVM_IRQFD_FLAG_DEASSIGN)
		ret = irqfd_deassign(vm, args, intid);
	else
		ret = irqfd_assign(vm, args, intid);
	mutex_unlock(&vm->lock);
	return ret;
}

/* The VM goes: every irqfd with it. */
void armvirt_irqfds_release(struct armvirt_vm *vm)
{
	struct armvirt_irqfd *irqfd, *tmp;

	spin_lock_irq(&vm->irqfd_lock);
	list_for_each_entry_safe(irqfd, tmp, &vm->irqfds, list)
		irqfd_deactivate(irqfd);
	spin_unlock_irq(&vm->irqfd_lock);
	flush_workqueue(irqfd_wq);
}

static int bad_ioeventfd(const struct kvm_ioeventfd *args, const char *why)
{
	pr_warn_ratelimited(ARMVIRT_NAME ": KVM_IOEVENTFD at %#llx, length %u, flags %#x: %s\n",
			    args->addr, args->len, args->flags, why);
	return -EINVAL;
}

int armvirt_ioeventfd(struct armvirt_vm *vm, const struct kvm_ioeventfd *args)
{
	bool wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	struct armvirt_ioeventfd *p, *gone = NULL;
	struct eventfd_ctx *eventfd;
	int ret = 0;

	if (args->flags & ~(KVM_IOEVENTFD_FLAG_DATAMATCH | KVM_IOEVENTFD_FLAG_DEASSIGN))
		return bad_ioeventfd(args, "unknown flags (no port I/O on ARM)");
	if (args->len != 0 && args->len != 1 && args->len != 2 && args->len != 4 &&
	    args->len != 8)
		return bad_ioeventfd(args, "length not 0, 1, 2, 4 or 8");
	if (!args->len && !wildcard)
		return bad_ioeventfd(args, "a data match needs a length");
	if (args->addr + args->len < args->addr)
		return bad_ioeventfd(args, "address range wraps");
	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	mutex_lock(&vm->lock);
	list_for_each_entry(p, &vm->ioeventfds, list) {
		if (p->addr != args->addr || p->len != args->len || p->wildcard != wildcard ||
		    (!wildcard && p->datamatch != args->datamatch))
			continue;
		if (args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN) {
			if (p->eventfd == eventfd) {
				list_del_rcu(&p->list);
				vm->nr_ioeventfds--;
				gone = p;
				goto out;
			}
			continue;
		}
		ret = -EEXIST;
		goto out;
	}
	if (args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN) {
		ret = -ENOENT;
		goto out;
	}
	if (vm->nr_ioeventfds >= ARMVIRT_MAX_IOEVENTFDS) {
		pr_warn_ratelimited(ARMVIRT_NAME ": KVM_IOEVENTFD: the VM has its %d ioeventfds already\n",
				    ARMVIRT_MAX_IOEVENTFDS);
		ret = -ENOSPC;
		goto out;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		ret = -ENOMEM;
		goto out;
	}
	p->addr = args->addr;
	p->len = args->len;
	p->wildcard = wildcard;
	p->datamatch = args->datamatch;
	p->eventfd = eventfd;
	eventfd = NULL;	/* the list holds the reference now */
	list_add_tail_rcu(&p->list, &vm->ioeventfds);
	vm->nr_ioeventfds++;
out:
	mutex_unlock(&vm->lock);
	if (gone) {
		synchronize_rcu();	/* no vCPU still signals it */
		eventfd_ctx_put(gone->eventfd);
		kfree(gone);
	}
	if (eventfd)
		eventfd_ctx_put(eventfd);
	return ret;
}

/*
 * A guest MMIO write: true if an ioeventfd took it (vCPU thread). Under
 * RCU only: the eventfd's lock may sleep on PREEMPT_RT, which preemptible
 * RCU allows.
 */
bool armvirt_ioeventfd_write(struct armvirt_vm *vm, u64 addr, u32 len, u64 value)
{
	struct armvirt_ioeventfd *p;
	bool hit = false;

	rcu_read_lock();
	list_for_each_entry_rcu(p, &vm->ioeventfds, list) {
		if (p->addr == addr && (!p->len || p->len == len) &&
		    (p->wildcard || p->datamatch == value)) {
			armvirt_eventfd_signal(p->eventfd);
			hit = true;
			break;
		}
	}
	rcu_read_unlock();
	return hit;
}

/* The VM goes, and no vCPU is left to look the list up. */
void armvirt_ioeventfds_release(struct armvirt_vm *vm)
{
	struct armvirt_ioeventfd *p, *tmp;

	list_for_each_entry_safe(p, tmp, &vm->ioeventfds, list) {
		list_del(&p->list);
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
}
