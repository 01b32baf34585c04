/* jsonout: exact integers, rounded numbers and times in JSON; CSV quoting. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "jsonout.h"
#include "timefmt.h"

double round2(double x)
{
	if (!isfinite(x) || fabs(x) >= 1e15)    /* no digits after the point to round there */
		return x;
	return round(x * 100.0) / 100.0;
}

bool json_add_int(cJSON *obj, const char *key, bool has, int64_t v)
{
	char buf[24];

	if (!has)
		return cJSON_AddNullToObject(obj, key) != NULL;
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return cJSON_AddRawToObject(obj, key, buf) != NULL;
}

bool json_add_round2(cJSON *obj, const char *key, bool has, double v)
{
	if (!has || !isfinite(v))
		return cJSON_AddNullToObject(obj, key) != NULL;
	return cJSON_AddNumberToObject(obj, key, round2(v)) != NULL;
}

bool json_add_time(cJSON *obj, const char *key, bool has, int64_t ts)
{
	char buf[TIME_BUF_SIZE];

	if (!has)
		return cJSON_AddNullToObject(obj, key) != NULL;
	time_format(ts, buf);
	return cJSON_AddStringToObject(obj, key, buf) != NULL;
}

bool json_add_str(cJSON *obj, const char *key, const char *s)
{
	if (!s || !*s)
		return cJSON_AddNullToObject(obj, key) != NULL;
	return cJSON_AddStringToObject(obj, key, s) != NULL;
}

int json_print(FILE *f, cJSON *value)
{
	char *text = value ? cJSON_Print(value) : NULL;
	int rc = text ? 0 : -1;

	if (text) {
		fputs(text, f);
		fputc('\n', f);
	}
	cJSON_free(text);
	cJSON_Delete(value);
	return rc;
}

int json_print_array(FILE *f, size_t n, json_item_fn item, const void *ctx)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < n; i++) {
		cJSON *o = item(ctx, i);

		if (!o) {
			cJSON_Delete(arr);
			return -1;
		}
		cJSON_AddItemToArray(arr, o);
	}
	return json_print(f, arr);
}

void csv_field(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}
