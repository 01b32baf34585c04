/* cmd_backup: a consistent copy of the database, through store_backup. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "msg.h"

static const char backup_usage[] = "usage: hashtrack backup FILE\n";

static void backup_help(void)
{
	printf("%s\nWrite a consistent copy of the whole database (tags, rules, campaigns,\n"
	       "snapshots, alerts, runs) to FILE through SQLite's online backup; safe while\n"
	       "a run is writing. `hashtrack --db FILE ...` then works on the copy.\n\n"
	       "FILE must not exist: an existing file is never overwritten (exit status 1).\n"
	       "The copy is written beside FILE and appears there whole or not at all.\n\n"
	       "example:\n  hashtrack backup hashtrack-$(date +%%F).db\n", backup_usage);
}

int cmd_backup(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_OPTIONS,
		{ 0 },
	};
	int c, rc;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'h')
			return backup_help(), EXIT_SUCCESS;
		return usage_error("backup", backup_usage);
	}
	if (argc - optind != 1) {
		if (argc - optind == 0)
			error("backup: no FILE given");
		else
			error("backup: unexpected argument '%s'", argv[optind + 1]);
		return usage_error("backup", backup_usage);
	}
	if ((rc = open_store_readonly(ctx)))
		return rc;
	if (store_backup(ctx->st, argv[optind]))
		return error("backup: %s", store_error(ctx->st)), EXIT_FAILURE;
	note("backup: database copied to '%s'", argv[optind]);
	return EXIT_SUCCESS;
}
