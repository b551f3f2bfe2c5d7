// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small JSON reader and writer for the control protocol (json.h). The
 * reader is a recursive descent over RFC 8259's grammar with two bounds:
 * JSON_MAX_TOKENS values and JSON_MAX_DEPTH nesting; every index is checked
 * against the text's length before it is read.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

struct parser {
	struct json_doc *doc;
	const char *s;
	size_t len, pos;
};

static void skip_blanks(struct parser *p)
{
	while (p->pos < p->len && p->s[p->pos] && strchr(" \t\r\n", p->s[p->pos]))
		p->pos++;
}

static bool peek(struct parser *p, char c)
{
	return p->pos < p->len && p->s[p->pos] == c;
}

static bool is_digit(struct parser *p)
{
	return p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int new_token(struct parser *p, enum json_type type)
{
	struct json_doc *d = p->doc;

	if (d->nr == JSON_MAX_TOKENS)
		return -1;
	d->tok[d->nr] = (struct json_token){ .type = type, .start = p->pos };
	return d->nr++;
}

/* A string's body after its opening quote; escapes are checked, decoded later. */
static int parse_string(struct parser *p, int t)
{
	p->doc->tok[t].start = ++p->pos;
	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->s[p->pos];

		if (c == '"') {
			p->doc->tok[t].len = p->pos - p->doc->tok[t].start;
			p->pos++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (p->pos + 1 >= p->len)
				return -1;
			c = (unsigned char)p->s[p->pos + 1];
			if (c == 'u') {
				if (p->pos + 6 > p->len)
					return -1;
				for (int i = 2; i < 6; i++)
					if (!is_hex(p->s[p->pos + i]))
						return -1;
				p->pos += 6;
				continue;
			}
			if (!c || !strchr("\"\\/bfnrt", c))
				return -1;
			p->pos++;
		}
		p->pos++;
	}
	return -1;
}

static int parse_number(struct parser *p)
{
	if (peek(p, '-'))
		p->pos++;
	if (peek(p, '0'))
		p->pos++;
	else if (is_digit(p))
		while (is_digit(p))
			p->pos++;
	else
		return -1;
	if (peek(p, '.')) {
		p->pos++;
		if (!is_digit(p))
			return -1;
		while (is_digit(p))
			p->pos++;
	}
	if (peek(p, 'e') || peek(p, 'E')) {
		p->pos++;
		if (peek(p, '+') || peek(p, '-'))
			p->pos++;
		if (!is_digit(p))
			return -1;
		while (is_digit(p))
			p->pos++;
	}
	return 0;
}

static int parse_literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n))
		return -1;
	p->pos += n;
	return 0;
}

static int parse_value(struct parser *p, int depth);

/* An array's or object's members, after the opening bracket. */
static int parse_members(struct parser *p, bool object, int depth)
{
	char close = object ? '}' : ']';

	p->pos++;
	skip_blanks(p);
	if (peek(p, close)) {
		p->pos++;
		return 0;
	}
	for (;;) {
		if (object) {
			skip_blanks(p);
			if (!peek(p, '"') || parse_value(p, depth))
				return -1;
			skip_blanks(p);
			if (!peek(p, ':'))
				return -1;
			p->pos++;
		}
		if (parse_value(p, depth))
			return -1;
		skip_blanks(p);
		if (peek(p, close)) {
			p->pos++;
			return 0;
		}
		if (!peek(p, ','))
			return -1;
		p->pos++;
	}
}

static int parse_value(struct parser *p, int depth)
{
	int t, ret;
	char c;

	skip_blanks(p);
	if (p->pos >= p->len || depth > JSON_MAX_DEPTH)
		return -1;
	c = p->s[p->pos];
	t = new_token(p, c == '"' ? JSON_STRING : c == '{' ? JSON_OBJECT :
		      c == '[' ? JSON_ARRAY : c == 't' || c == 'f' ? JSON_BOOL :
		      c == 'n' ? JSON_NULL : JSON_NUMBER);
	if (t < 0)
		return -1;
	switch (c) {
	case '"':
		ret = parse_string(p, t);
		break;
	case '{':
	case '[':
		ret = parse_members(p, c == '{', depth + 1);
		break;
	case 't':
		ret = parse_literal(p, "true");
		break;
	case 'f':
		ret = parse_literal(p, "false");
		break;
	case 'n':
		ret = parse_literal(p, "null");
		break;
	default:
		ret = parse_number(p);
		break;
	}
	if (c != '"')
		p->doc->tok[t].len = p->pos - p->doc->tok[t].start;
	p->doc->tok[t].end = p->doc->nr;
	return ret;
}

int json_parse(struct json_doc *doc, const char *text, size_t len)
{
	struct parser p = { .doc = doc, .s = text, .len = len };

	doc->text = text;
	doc->nr = 0;
	if (parse_value(&p, 0))
		return -1;
	skip_blanks(&p);
	return p.pos == len ? 0 : -1;
}

int json_get(const struct json_doc *doc, int obj, const char *key)
{
	size_t n = strlen(key);
	int k;

	if (obj < 0 || obj >= doc->nr || doc->tok[obj].type != JSON_OBJECT)
		return -1;
	/* members are key, value pairs; a value's subtree ends where the next key is */
	for (k = obj + 1; k + 1 < doc->tok[obj].end; k = doc->tok[k + 1].end) {
		const struct json_token *t = &doc->tok[k];

		if (t->len == n && !memcmp(doc->text + t->start, key, n))
			return k + 1;
	}
	return -1;
}

static int hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* Code point @cp as UTF-8 at @out (room for 4 bytes checked by the caller): its length. */
static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int json_string(const struct json_doc *doc, int tok, char *out, size_t size)
{
	const struct json_token *t;
	const char *s, *end;
	size_t n = 0;

	if (tok < 0 || tok >= doc->nr || doc->tok[tok].type != JSON_STRING || !size)
		return -1;
	t = &doc->tok[tok];
	s = doc->text + t->start;
	end = s + t->len;
	while (s < end) {
		uint32_t cp, lo;

		if (n + 4 >= size)
			return -1;
		if (*s != '\\') {
			if (!*s)
				return -1;
			out[n++] = *s++;
			continue;
		}
		/* the parser checked each escape's form and length */
		if (s[1] != 'u') {
			const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";

			out[n++] = to[strchr(from, s[1]) - from];
			s += 2;
			continue;
		}
		cp = (uint32_t)hex4(s + 2);
		s += 6;
		if (cp >= 0xd800 && cp < 0xdc00) {	/* a high surrogate: its pair must follow */
			if (end - s < 6 || s[0] != '\\' || s[1] != 'u')
				return -1;
			lo = (uint32_t)hex4(s + 2);
			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			s += 6;
		} else if ((cp >= 0xdc00 && cp < 0xe000) || !cp) {
			return -1;
		}
		n += put_utf8(out + n, cp);
	}
	out[n] = 0;
	return 0;
}

void json_raw(struct json_out *o, const char *fmt, ...)
{
	size_t room = sizeof(o->buf) - o->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		o->overflow = true;
		o->buf[o->len] = 0;
		return;
	}
	o->len += (size_t)n;
}

void json_str(struct json_out *o, const char *s)
{
	json_raw(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			json_raw(o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			json_raw(o, "\\u%04x", c);
		else
			json_raw(o, "%c", c);
	}
	json_raw(o, "\"");
}
