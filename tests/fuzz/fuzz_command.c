/*
 * fuzz_command.c: libFuzzer target for the counsellor command parser.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	const char *arg;

	memcpy(s, data, size);
	s[size] = '\0';
	(void)command_parse(s, &arg);
	if (arg < s || arg > s + size)
		abort();
	free(s);
	return 0;
}
