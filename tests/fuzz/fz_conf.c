/* libFuzzer target: the configuration file parser. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/extern.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	static char	 path[64];
	struct conf	 c;
	char		 err[256];
	FILE		*f;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/fz_conf.%ld", (long)getpid());
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	fwrite(data, 1, sz, f);
	fclose(f);
	if (conf_load(path, &c, err, sizeof(err)) == 0)
		conf_free(&c);
	return 0;
}
