/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VM names (--name) and where control sockets live by default (vm_name.c):
 * shared by armvirt-vmm (--control auto) and armvirt-ctl (list, NAME).
 *
 * The run directory is $ARMVIRT_RUN_DIR if set, else /run/armvirt for
 * root, else $XDG_RUNTIME_DIR/armvirt, else /tmp/armvirt-UID; a VM's
 * socket there is NAME.sock.
 */
#ifndef ARMVIRT_VM_NAME_H
#define ARMVIRT_VM_NAME_H

#include <stdbool.h>
#include <stddef.h>

#define VM_NAME_MAX	32
#define CONTROL_SUFFIX	".sock"

/* 1 to VM_NAME_MAX of [A-Za-z0-9._-], not "." or "..". */
bool vm_name_valid(const char *name);
/* The run directory into @buf: 0, or -1 if it does not fit. */
int run_dir(char *buf, size_t size);
/* RUNDIR/NAME.sock into @buf (@dir: NULL for run_dir()): 0, or -1 if it does not fit. */
int control_path(const char *dir, const char *name, char *buf, size_t size);

#endif
