// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control protocol's requests (README.md, "Controlling a running VM"):
 * one line of JSON, {"execute":"NAME"} or {"execute":"NAME","arguments":
 * {...}}, checked into a struct ctl_request, or an error reply. The line
 * is hostile: json.c bounds it, and nothing here trusts a type or length.
 * The console's monitor (console_monitor.c) asks the same in words:
 * "NAME" or "NAME ARGUMENT", read by monitor_parse().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm.h"

/* Each command and the one string argument it needs, if any. */
static const struct {
	const char *name;
	enum ctl_op op;
	const char *arg;
} ctl_cmds[] = {
	{ "status",	CTL_STATUS,	NULL },
	{ "pause",	CTL_PAUSE,	NULL },
	{ "resume",	CTL_RESUME,	NULL },
	{ "stop",	CTL_STOP,	NULL },
	{ "save",	CTL_SAVE,	"file" },
	{ "migrate",	CTL_MIGRATE,	"uri" },
	{ "console",	CTL_CONSOLE,	NULL },
};

void ctl_error(struct json_out *o, const char *class, const char *fmt, ...)
{
	char desc[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	o->len = 0;
	o->overflow = false;
	json_raw(o, "{\"error\":{\"class\":");
	json_str(o, class);
	json_raw(o, ",\"desc\":");
	json_str(o, desc);
	json_raw(o, "}}");
}

/* The members of object @obj: how many key/value pairs. */
static int nr_members(const struct json_doc *doc, int obj)
{
	int k, n = 0;

	for (k = obj + 1; k + 1 < doc->tok[obj].end; k = doc->tok[k + 1].end)
		n++;
	return n;
}

int ctl_parse(const char *line, size_t len, struct ctl_request *req, struct json_out *err)
{
	struct json_doc doc;
	char name[16];
	int exec, args, val;
	size_t i;

	if (json_parse(&doc, line, len) || doc.tok[0].type != JSON_OBJECT) {
		ctl_error(err, "InvalidJSON", "a request is one JSON object on one line");
		return -1;
	}
	exec = json_get(&doc, 0, "execute");
	if (exec < 0 || json_string(&doc, exec, name, sizeof(name))) {
		ctl_error(err, "InvalidRequest", "no \"execute\" string naming a command");
		return -1;
	}
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		if (!strcmp(name, ctl_cmds[i].name))
			break;
	if (i == sizeof(ctl_cmds) / sizeof(ctl_cmds[0])) {
		ctl_error(err, "CommandNotFound",
			  "unknown command (status, pause, resume, stop, save, migrate)");
		return -1;
	}
	req->op = ctl_cmds[i].op;
	req->arg[0] = 0;
	args = json_get(&doc, 0, "arguments");
	if (args >= 0 && doc.tok[args].type != JSON_OBJECT) {
		ctl_error(err, "InvalidArguments", "\"arguments\" must be an object");
		return -1;
	}
	if (!ctl_cmds[i].arg) {
		if (args >= 0 && nr_members(&doc, args)) {
			ctl_error(err, "InvalidArguments", "%s takes no arguments", ctl_cmds[i].name);
			return -1;
		}
		return 0;
	}
	val = json_get(&doc, args, ctl_cmds[i].arg);
	if (val < 0 || nr_members(&doc, args) != 1 ||
	    json_string(&doc, val, req->arg, sizeof(req->arg)) || !req->arg[0]) {
		ctl_error(err, "InvalidArguments", "%s needs \"arguments\":{\"%s\":STRING} (at most %zu bytes)",
			  ctl_cmds[i].name, ctl_cmds[i].arg, sizeof(req->arg) - 5);
		return -1;
	}
	return 0;
}

/* The word at *@s (advanced past it and the blanks after), NUL-terminated in place. */
static char *next_word(char **s)
{
	char *w;

	while (**s == ' ' || **s == '\t')
		(*s)++;
	w = *s;
	while (**s && **s != ' ' && **s != '\t')
		(*s)++;
	if (**s)
		*(*s)++ = 0;
	while (**s == ' ' || **s == '\t')
		(*s)++;
	return w;
}

enum monitor_line monitor_parse(char *line, struct ctl_request *req, const char **why)
{
	char *rest = line, *word = next_word(&rest);
	size_t i, n;

	*why = NULL;
	if (!*word)
		return MON_EMPTY;
	if (!strcmp(word, "help") || !strcmp(word, "quit")) {
		if (*rest) {
			*why = "this command takes no argument";
			return MON_BAD;
		}
		return word[0] == 'h' ? MON_HELP : MON_QUIT;
	}
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++) {
		if (strcmp(word, ctl_cmds[i].name))
			continue;
		n = strlen(rest);
		while (n && (rest[n - 1] == ' ' || rest[n - 1] == '\t'))
			n--;
		if (!ctl_cmds[i].arg && n) {
			*why = "this command takes no argument";
			return MON_BAD;
		}
		if (ctl_cmds[i].arg && (n == 0 || n >= CTL_ARG_MAX)) {
			*why = n ? "the argument is too long" : "this command needs an argument";
			return MON_BAD;
		}
		memset(req, 0, sizeof(*req));
		req->op = ctl_cmds[i].op;
		memcpy(req->arg, rest, n);
		return MON_COMMAND;
	}
	*why = "unknown command (help lists them)";
	return MON_BAD;
}
