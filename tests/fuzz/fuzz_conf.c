/*
 * fuzz_conf.c: libFuzzer target for the configuration parser.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errors errs = {0};
	struct conf *c;

	log_init(1, LOG_LEVEL_ERROR);
	c = conf_load_buffer("fuzz", "/tmp", (const char *)data, size, 0,
	    &errs);
	conf_free(c);
	conf_errors_free(&errs);
	return 0;
}
