// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket's request parser (vmm/control_proto.c) and the JSON
 * reader under it (vmm/json.c) on hostile bytes: the input is one request
 * line, as the control thread hands it over (its newline stripped). Every
 * string token is also decoded and every key looked up, as armvirt-ctl
 * does with a reply; nothing may read outside the input. The same bytes,
 * up to a NUL, are also a line typed into the console's monitor
 * (monitor_parse(), the same requests in words).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_out err = { .len = 0 };
	struct ctl_request req;
	struct json_doc doc;
	const char *why;
	char s[64];
	char *line, *typed;
	int i;

	/* an exact-size copy: reading one byte past the line is caught */
	line = malloc(size ? size : 1);
	if (!line)
		abort();
	memcpy(line, data, size);
	if (ctl_parse(line, size, &req, &err) == 0) {
		if (strnlen(req.arg, sizeof(req.arg)) == sizeof(req.arg))
			abort();
	} else if (err.overflow || err.len == 0) {
		abort();	/* every refused request gets its error reply */
	}
	if (json_parse(&doc, line, size) == 0) {
		for (i = 0; i < doc.nr; i++) {
			if (doc.tok[i].end <= i || doc.tok[i].end > doc.nr ||
			    doc.tok[i].start + doc.tok[i].len > size)
				abort();
			json_string(&doc, i, s, sizeof(s));
			json_get(&doc, i, "execute");
		}
	}
	free(line);

	typed = strndup((const char *)data, size);	/* a typed line ends at its NUL */
	if (!typed)
		abort();
	switch (monitor_parse(typed, &req, &why)) {
	case MON_COMMAND:
		if (strnlen(req.arg, sizeof(req.arg)) == sizeof(req.arg))
			abort();
		break;
	case MON_BAD:
		if (!why)
			abort();	/* every refused line says why */
		break;
	default:
		break;
	}
	free(typed);
	return 0;
}
