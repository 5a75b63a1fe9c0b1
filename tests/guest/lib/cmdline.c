/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "lib/string.h"
#include "tests/guest/lib/cmdline.h"

/* The words, each NUL-terminated, then an empty word that ends the list. */
static char words[CMDLINE_MAX + 2];

#define for_each_word(w) for (w = words; *w; w += strlen(w) + 1)

bool cmdline_init(const char *line)
{
	size_t n = 0;

	for (; line && *line; line++) {
		if (n == CMDLINE_MAX)
			break;
		if (*line != ' ')
			words[n++] = *line;
		else if (n && words[n - 1])
			words[n++] = '\0';
	}
	if (n && words[n - 1])
		words[n++] = '\0';
	words[n] = '\0';
	return !line || !*line;
}

bool cmdline_has(const char *word)
{
	const char *w;

	for_each_word(w)
		if (!strcmp(w, word))
			return true;
	return false;
}

const char *cmdline_get(const char *key)
{
	size_t len = strlen(key);
	const char *w;

	for_each_word(w)
		if (!strncmp(w, key, len) && w[len] == '=')
			return w + len + 1;
	return NULL;
}

bool cmdline_get_u32(const char *key, uint32_t *val)
{
	const char *s = cmdline_get(key);
	uint32_t v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT32_MAX - (uint32_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint32_t)(*s - '0');
	}
	*val = v;
	return true;
}

bool words_contain(const char *s, const char *word)
{
	size_t len = strlen(word);
	const char *end;

	while (*s) {
		while (*s == ' ')
			s++;
		for (end = s; *end && *end != ' '; end++)
			;
		if ((size_t)(end - s) == len && !strncmp(s, word, len))
			return true;
		s = end;
	}
	return false;
}
