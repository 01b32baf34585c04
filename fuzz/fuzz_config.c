/* libFuzzer target: INI text through the config parser (inih and our keys). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CONFIG_ERR_SIZE];
	struct config cfg;
	FILE *f;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	config_init(&cfg);
	if (config_read_stream(&cfg, f, "fuzz.ini", err, sizeof(err)) == 0 &&
	    (cfg.concurrency < 1 || cfg.timeout <= 0 || cfg.detect.window <= 0))
		__builtin_trap();       /* an accepted file never yields a nonsense value */
	fclose(f);
	config_release(&cfg);
	return 0;
}
