/* main: global options, configuration, the command table and its one runner. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#include "array.h"
#include "cmd.h"
#include "fetch.h"
#include "msg.h"

/*
 * NEEDS_STORE opens the database for writing (created and migrated when
 * needed). Commands that only read go without: they open it read-only
 * themselves (open_store_readonly) once their arguments are good, so that a
 * usage error is not hidden by "no data yet".
 */
#define NEEDS_STORE 1
#define OWN_CONFIG 2    /* the command loads (and judges) the configuration itself */

static const struct command {
	const char *name;
	cmd_fn fn;
	unsigned needs;
	const char *summary;
} commands[] = {
	{ "add", cmd_add, NEEDS_STORE, "start tracking hashtags; threshold flags set per-tag rules" },
	{ "remove", cmd_remove, NEEDS_STORE, "stop tracking (history kept; --purge deletes it)" },
	{ "list", cmd_list, 0, "tracked hashtags with their rules and last snapshot" },
	{ "run", cmd_run, NEEDS_STORE, "the cron job: fetch, store, compare, alert" },
	{ "report", cmd_report, 0, "growth of every tracked hashtag over the window" },
	{ "history", cmd_history, 0, "the snapshots of one hashtag" },
	{ "alerts", cmd_alerts, 0, "alerts sent and still pending" },
	{ "export", cmd_export, 0, "all snapshots as CSV or JSON on stdout" },
	{ "backtest", cmd_backtest, 0, "replay stored history through the rules: the alerts they would send" },
	{ "mute", cmd_mute, NEEDS_STORE, "silence a tag's (or --campaign's) alerts for a while" },
	{ "unmute", cmd_unmute, NEEDS_STORE, "end the muting of tags (or of a --campaign)" },
	{ "import", cmd_import, NEEDS_STORE, "load snapshots from the CSV or JSON export" },
	{ "runs", cmd_runs, 0, "the run ledger: when, how long, what was stored, failed, alerted, spent" },
	{ "backup", cmd_backup, 0, "a consistent copy of the database, safe while a run is going on" },
	{ "doctor", cmd_doctor, OWN_CONFIG, "check config, API key, database, channels; --online calls the API once" },
};

static const char usage_text[] =
	"usage: hashtrack [-c FILE] [-d DB] [-q] [-v] [--no-color] COMMAND [ARGS]\n";

static void print_help(void)
{
	printf("%s\ncommands:\n", usage_text);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	printf("  %-8s %s\n", "help", "this help, or 'help COMMAND': that command's");
	printf("\noptions:\n"
	       "  -c, --config FILE  config file (default $XDG_CONFIG_HOME/hashtrack/config.ini)\n"
	       "  -d, --db FILE      database (default $XDG_DATA_HOME/hashtrack/hashtrack.db)\n"
	       "  -q, --quiet        print nothing but errors\n"
	       "  -v, --verbose      one line per hashtag\n"
	       "      --no-color     never colour the output\n"
	       "  -h, --help         this help; 'hashtrack help COMMAND' for a command's\n"
	       "  -V, --version      version and library versions\n"
	       "\nexample:\n  hashtrack add vibecoding && hashtrack run && hashtrack report\n");
}

static void print_version(void)
{
	printf("hashtrack %s\nlibcurl %s, SQLite %s, cJSON %s\n", HASHTRACK_VERSION,
	       fetch_curl_version(), store_sqlite_version(), cJSON_Version());
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

struct globals {
	const char *config, *db;
	bool no_color;
};

/* Parse options before the command; returns the index of the command, or -1 with *exit_code. */
static int parse_globals(int argc, char **argv, struct globals *g, int *exit_code)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	int c;

	/* '+': stop at the command, whose options are its own; ':': we say what is wrong. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:d:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': g->config = optarg; break;
		case 'd': g->db = optarg; break;
		case 'q': msg_verbosity = -1; break;
		case 'v': msg_verbosity = 1; break;
		case 'C': g->no_color = true; break;
		case 'h': print_help(); *exit_code = EXIT_SUCCESS; return -1;
		case 'V': print_version(); *exit_code = EXIT_SUCCESS; return -1;
		default:
			report_bad_option(NULL, argv, c);
			fputs(usage_text, stderr);
			error("try 'hashtrack --help'");
			*exit_code = EXIT_USAGE;
			return -1;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		error("no command given; try 'hashtrack --help'");
		*exit_code = EXIT_USAGE;
		return -1;
	}
	return optind;
}

/* `hashtrack COMMAND --help` needs neither a valid config nor a database. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

static int open_store(struct cmd_ctx *ctx)
{
	char err[STORE_ERR_SIZE + 64];

	if (store_open(ctx->cfg.db_path, &ctx->st, err, sizeof(err)) == 0)
		return 0;
	return error("%s", err);
}

/* A full disk or closed pipe must fail loudly, not vanish. */
static int finish_stdout(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		error("cannot write output: %m");
		return code == EXIT_SUCCESS ? EXIT_FAILURE : code;
	}
	return code;
}

/*
 * The API key will sit in this process's memory: no core file may hold it,
 * and no other process of the user may read that memory (ptrace, /proc/PID/mem).
 * Done first, before any command loads the configuration; best effort.
 */
static void protect_secrets(void)
{
	const struct rlimit none = { 0, 0 };

	setrlimit(RLIMIT_CORE, &none);
#ifdef __linux__
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

/* `help --help`, or `help` given any other option */
static int help_help(const char *arg)
{
	static const char usage[] = "usage: hashtrack help [COMMAND]\n";

	if (strcmp(arg, "--help") != 0 && strcmp(arg, "-h") != 0) {
		error("help: unrecognized option '%s'", arg);
		fputs(usage, stderr);
		error("try 'hashtrack help --help'");
		return EXIT_USAGE;
	}
	printf("%s\nThe help of COMMAND, as 'hashtrack COMMAND --help' prints it; without\n"
	       "one, the overview 'hashtrack --help' prints.\n\n"
	       "example:\n  hashtrack help run\n", usage);
	return finish_stdout(EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
	struct globals g = { 0 };
	struct cmd_ctx ctx = { 0 };
	const struct command *cmd;
	char err[CONFIG_ERR_SIZE];
	int code = EXIT_USAGE, at;
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM"), *exposed;
	char *help_argv[] = { NULL, "--help", NULL };

	protect_secrets();
	at = parse_globals(argc, argv, &g, &code);
	if (at < 0)
		return finish_stdout(code);
	if (strcmp(argv[at], "help") == 0) {
		/* `help` is --help, `help COMMAND` is COMMAND --help */
		if (at + 1 >= argc)
			return print_help(), finish_stdout(EXIT_SUCCESS);
		if (argv[at + 1][0] == '-')
			return help_help(argv[at + 1]);
		help_argv[0] = argv[at + 1];
		argv = help_argv;
		argc = 2;
		at = 0;
	}
	cmd = find_command(argv[at]);
	if (!cmd) {
		error("unknown command '%s'; try 'hashtrack --help'", argv[at]);
		return EXIT_USAGE;
	}
	config_init(&ctx.cfg);
	ctx.flag_config = g.config;
	ctx.flag_db = g.db;
	ctx.stdout_tty = isatty(STDOUT_FILENO);
	ctx.color = ctx.stdout_tty && !g.no_color && !(no_color && *no_color) &&
		    !(term && strcmp(term, "dumb") == 0);
	optind = 0;     /* the command parses its own options from argv[at] on */
	if (wants_help(argc - at, argv + at) || (cmd->needs & OWN_CONFIG)) {
		code = cmd->fn(&ctx, argc - at, argv + at);
		goto cleanup;
	}
	if (config_load(&ctx.cfg, g.config, g.db, err, sizeof(err))) {
		error("%s", err);
		goto cleanup;
	}
	if ((exposed = config_key_exposed(&ctx.cfg)))
		warn("'%s' holds the API key and others can read it; run 'chmod 600 %s'",
		     exposed, exposed);
	code = EXIT_FAILURE;
	if ((cmd->needs & NEEDS_STORE) && open_store(&ctx))
		goto cleanup;
	code = cmd->fn(&ctx, argc - at, argv + at);
cleanup:
	store_close(ctx.st);
	config_release(&ctx.cfg);
	return finish_stdout(code);
}
