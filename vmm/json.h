/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol's JSON (json.c): a reader for one line of hostile
 * bytes, into a fixed table of tokens (no allocation, bounded depth), and a
 * writer for replies into a fixed buffer. Shared by armvirt-vmm and
 * armvirt-ctl.
 */
#ifndef ARMVIRT_JSON_H
#define ARMVIRT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_TOKENS	64
#define JSON_MAX_DEPTH	8

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

/* A value: its text (a string's without the quotes), and where its subtree ends. */
struct json_token {
	enum json_type type;
	size_t start, len;
	int end;		/* index of the first token after this one's children */
};

struct json_doc {
	const char *text;
	struct json_token tok[JSON_MAX_TOKENS];
	int nr;
};

/* Parse one value (surrounding blanks allowed): 0, or -1 if not valid JSON or too big. */
int json_parse(struct json_doc *doc, const char *text, size_t len);
/* The value of @key in the object @obj (a token index): its index, or -1. */
int json_get(const struct json_doc *doc, int obj, const char *key);
/*
 * A string token decoded into @out (NUL-terminated): 0, or -1 if it is not a
 * string, does not fit, or holds a NUL.
 */
int json_string(const struct json_doc *doc, int tok, char *out, size_t size);

/* A reply being written; a write that does not fit sets overflow. */
struct json_out {
	char buf[1024];
	size_t len;
	bool overflow;
};

void json_raw(struct json_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* @s as a quoted JSON string (bytes below 0x20, '"' and '\\' escaped). */
void json_str(struct json_out *o, const char *s);

#endif
