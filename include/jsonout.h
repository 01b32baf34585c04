/* jsonout: the small pieces every JSON and CSV report shares. Pure. */
#ifndef HASHTRACK_JSONOUT_H
#define HASHTRACK_JSONOUT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exact integers (cJSON's numbers are doubles), and null when !has. */
bool json_add_int(cJSON *obj, const char *key, bool has, int64_t v);
/* A number rounded to two decimals, or null. */
bool json_add_round2(cJSON *obj, const char *key, bool has, double v);
/* An RFC 3339 time, or null. */
bool json_add_time(cJSON *obj, const char *key, bool has, int64_t ts);
/* A string, or null when s is NULL or empty. */
bool json_add_str(cJSON *obj, const char *key, const char *s);

/* Print the value to f followed by a newline; frees it. Returns 0 or -1. */
int json_print(FILE *f, cJSON *value);

/* The JSON array of item(ctx, 0) .. item(ctx, n - 1), printed as json_print does. */
typedef cJSON *(*json_item_fn)(const void *ctx, size_t i);
int json_print_array(FILE *f, size_t n, json_item_fn item, const void *ctx);

/* One CSV field, quoted when it needs to be (RFC 4180). */
void csv_field(FILE *f, const char *s, bool last);

/* x rounded to two decimals. */
double round2(double x);

#endif
