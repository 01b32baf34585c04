/* libFuzzer target: import's CSV, a header record then data records. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"

/* Split text into lines and feed them as import does: header first. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *next, *fields[CSV_MAX_FIELDS], err[256];
	struct snap_header h;
	struct snap_row row;
	bool have_header = false;
	int n;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		csv_chomp(line, strlen(line));
		n = csv_split(line, fields, CSV_MAX_FIELDS, err, sizeof(err));
		if (n < 0)
			continue;
		if (!have_header) {
			have_header = snap_header_parse(fields, (size_t)n, &h, err, sizeof(err)) == 0;
			continue;
		}
		/* An accepted row is a valid snapshot: counts known or unknown, one known. */
		if (snap_row_parse(fields, (size_t)n, &h, &row, err, sizeof(err)) == 0 &&
		    (row.s.videos < COUNT_UNKNOWN || row.s.views < COUNT_UNKNOWN ||
		     (!count_known(row.s.videos) && !count_known(row.s.views)) ||
		     row.s.source < 0 || row.s.source > 6 || row.tag[0] == '\0'))
			__builtin_trap();
	}
	free(text);
	return 0;
}
