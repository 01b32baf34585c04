/* Tests for src/config.c: defaults, the INI file, the environment, URLs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char path[64];

static int make_file(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/hashtrack-test-config-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	unsetenv("SCAVIO_API_KEY");
	unsetenv("HASHTRACK_API_URL");
	unsetenv("HASHTRACK_DB");
	unsetenv("HASHTRACK_WEBHOOK");
	unsetenv("HASHTRACK_NOW");
	unsetenv("HASHTRACK_CONFIG");
	return 0;
}

static int remove_file(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Read text as the config file; returns the error text ("" on success). */
static const char *read_text(struct config *cfg, const char *text)
{
	static char err[CONFIG_ERR_SIZE];

	write_file(text);
	err[0] = '\0';
	config_init(cfg);
	config_read_file(cfg, path, true, err, sizeof(err));
	return err;
}

static void defaults_are_the_contracts(void **state)
{
	struct config cfg;

	(void)state;
	config_init(&cfg);
	assert_int_equal(cfg.timeout, 30);
	assert_int_equal(cfg.concurrency, 1);
	assert_int_equal(cfg.rate.count, 5);
	assert_int_equal(cfg.rate.per_seconds, 60);
	assert_int_equal(cfg.retries, 3);
	assert_int_equal(cfg.detect.window, 6 * 3600);
	assert_int_equal(cfg.detect.tolerance, 30 * 60);
	assert_int_equal(cfg.detect.cooldown, 6 * 3600);
	assert_int_equal(cfg.detect.growth_floor, 100);
	assert_int_equal(cfg.rules.min_new_videos, 200);
	assert_true(cfg.rules.video_growth == 50 && cfg.rules.view_growth == 50);
	assert_int_equal(cfg.alert_format, ALERT_SLACK);
	config_release(&cfg);
}

static void every_key_is_read_with_inline_comments(void **state)
{
	struct config cfg;

	(void)state;
	assert_string_equal(read_text(&cfg,
		"[api]\nkey = k1 ; secret\nurl = https://example.test/x\ntimeout = 10s\n"
		"concurrency = 8\nrate = 2/s\nretries = 0\n"
		"[storage]\ndb = /tmp/x.db\n"
		"[detect]\nwindow = 1d\ntolerance = 1h\nmin_new_videos = 0\n"
		"video_growth = 12.5\nview_growth = 0\ngrowth_floor = 1000\ncooldown = 2w\n"
		"[alert]\nwebhook = https://hooks.example.test/a\nformat = discord\n"), "");
	assert_string_equal(cfg.api_key, "k1");
	assert_string_equal(cfg.api_url, "https://example.test/x");
	assert_int_equal(cfg.timeout, 10);
	assert_int_equal(cfg.concurrency, 8);
	assert_int_equal(cfg.rate.count, 2);
	assert_int_equal(cfg.rate.per_seconds, 1);
	assert_int_equal(cfg.retries, 0);
	assert_string_equal(cfg.db_path, "/tmp/x.db");
	assert_int_equal(cfg.detect.window, 86400);
	assert_int_equal(cfg.detect.tolerance, 3600);
	assert_int_equal(cfg.rules.min_new_videos, 0);
	assert_true(cfg.rules.video_growth == 12.5);
	assert_int_equal(cfg.detect.growth_floor, 1000);
	assert_int_equal(cfg.detect.cooldown, 14 * 86400);
	assert_int_equal(cfg.alert_format, ALERT_DISCORD);
	config_release(&cfg);
}

static void bad_files_name_the_line_and_the_key(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "[api]\ntimeout = 5s\nbogus = 1\n", ":3: unknown key 'bogus' in [api]" },
		{ "[apis]\nkey = x\n", ":2: unknown section [apis]" },
		{ "[detect]\n\nwindow = 6\n", ":3: window: '6' has no unit" },
		{ "[api]\nrate = 5\n", ":2: rate:" },
		{ "[api]\nconcurrency = 0\n", ":2: concurrency: '0' is not a whole number" },
		{ "[alert]\nformat = telegram\n", ":2: format: 'telegram' is not an alert format" },
		{ "[channel.ops]\nformat = pager\n", ":2: [channel.ops] format: 'pager' is not" },
		{ "[channel.a b]\nurl = https://x/\n", ":2: [channel.a b]: a channel name is" },
		{ "[channel.default]\nurl = https://x/\n", ":2: [channel.default] is the [alert]" },
		{ "[channel.ops]\nsecret = 1\n", ":2: [channel.ops] secret: unknown key" },
		{ "[channel.ops]\nto = nobody\n", ":2: [channel.ops] to: 'nobody' is not an email" },
		{ "[detect]\nvideo_growth = -5\n", ":2: video_growth:" },
		{ "[api]\nthis line has no equals sign\n", ":2: malformed line" },
		/* a CR would end the Authorization header and start another */
		{ "[api]\nkey = abc\rX-Injected: 1\n", ":2: key: the API key has a control character" },
		{ "[api]\nkey = abc\001def\n", ":2: key: the API key has a control character" },
		/* inih would take the tail of a long line as a continuation of the value */
		{ "[alert]\nwebhook = https://hooks.example.test/"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ; url = https://evil.example\n",
		  ":2: line longer than 198 characters" },
	};
	struct config cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *err = read_text(&cfg, cases[i].text);

		if (!strstr(err, cases[i].want) || strncmp(err, path, strlen(path)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s%s...\"", i, err, path, cases[i].want);
		config_release(&cfg);
	}
}

static void environment_wins_over_file_and_flag_wins_over_environment(void **state)
{
	char err[CONFIG_ERR_SIZE] = "";
	struct config cfg;

	(void)state;
	write_file("[api]\nkey = from-file\n[storage]\ndb = /tmp/file.db\n");
	setenv("SCAVIO_API_KEY", "from-env", 1);
	setenv("HASHTRACK_DB", "/tmp/env.db", 1);
	setenv("HASHTRACK_NOW", "2026-05-22T06:00:00Z", 1);
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, path, NULL, err, sizeof(err)), 0);
	assert_string_equal(cfg.api_key, "from-env");
	assert_string_equal(cfg.db_path, "/tmp/env.db");
	assert_int_equal(cfg.now, 1779429600);
	config_release(&cfg);
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, path, "/tmp/flag.db", err, sizeof(err)), 0);
	assert_string_equal(cfg.db_path, "/tmp/flag.db");
	config_release(&cfg);
}

static void a_key_with_a_control_character_in_the_environment_is_refused(void **state)
{
	char err[CONFIG_ERR_SIZE] = "";
	struct config cfg;

	(void)state;
	setenv("SCAVIO_API_KEY", "sk_live_abc\r\nX-Injected: 1", 1);
	config_init(&cfg);
	assert_int_equal(config_read_env(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "SCAVIO_API_KEY has a control character"));
	assert_null(strstr(err, "sk_live"));
	assert_null(cfg.api_key);
	config_release(&cfg);
	unsetenv("SCAVIO_API_KEY");
}

static void only_a_regular_file_is_read(void **state)
{
	static const struct { const char *path, *want; } cases[] = {
		{ "/tmp", "cannot read config '/tmp': is a directory" },
		{ "/dev/zero", "cannot read config '/dev/zero': not a regular file" },
		{ "/dev/null", "cannot read config '/dev/null': not a regular file" },
	};
	char err[CONFIG_ERR_SIZE];
	struct config cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		config_init(&cfg);
		assert_int_equal(config_read_file(&cfg, cases[i].path, false, err, sizeof(err)), -1);
		assert_non_null(strstr(err, cases[i].want));
		config_release(&cfg);
	}
}

static void a_last_line_without_a_newline_is_measured_too(void **state)
{
	char text[CONFIG_MAX_LINE + 16];
	struct config cfg;

	(void)state;
	memset(text, ';', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_non_null(strstr(read_text(&cfg, text), ":1: line longer than 198 characters"));
	config_release(&cfg);
	text[CONFIG_MAX_LINE] = '\0';  /* exactly as long as allowed; a CRLF does not count */
	strcat(text, "\r\n");
	assert_string_equal(read_text(&cfg, text), "");
	config_release(&cfg);
}

static void a_bad_clock_override_is_named(void **state)
{
	char err[CONFIG_ERR_SIZE] = "";
	struct config cfg;

	(void)state;
	write_file("");
	setenv("HASHTRACK_NOW", "yesterday", 1);
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, path, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "HASHTRACK_NOW"));
	config_release(&cfg);
}

static void plain_http_is_only_for_loopback(void **state)
{
	static const struct { const char *url; int ok; } cases[] = {
		{ "https://api.scavio.dev/api/v1/tiktok/hashtag", 1 },
		{ "http://127.0.0.1:8080/x", 1 }, { "http://127.1.2.3/x", 1 },
		{ "http://localhost/x", 1 }, { "http://localhost:9/x", 1 },
		{ "http://[::1]:80/x", 1 },
		{ "http://example.com/x", 0 }, { "http://127.evil.example/x", 0 },
		{ "http://localhost.evil.example/x", 0 }, { "http://10.0.0.1/x", 0 },
		{ "ftp://127.0.0.1/x", 0 }, { "127.0.0.1", 0 },
		/* userinfo: libcurl connects to the host after the '@' */
		{ "http://localhost:1@remote.example:8080/api", 0 },
		{ "http://localhost@remote.example/", 0 },
		{ "http://127.0.0.1:80@remote.example/", 0 },
		{ "http://[::1]@remote.example/", 0 },
		{ "http://user:pass@127.0.0.1:8080/x", 1 },
		{ "https://localhost:1@remote.example/api", 1 },
		{ "http://localhost./x", 0 }, { "http://remote.example#@localhost/", 0 },
		{ "HTTP://LOCALHOST/x", 1 }, { "http://127.1/x", 1 },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if ((config_check_url("[api] url", cases[i].url, err, sizeof(err)) == 0) != cases[i].ok)
			fail_msg("%s should be %s", cases[i].url, cases[i].ok ? "accepted" : "refused");
}

static void a_refused_url_is_named_without_its_path_or_userinfo(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(config_check_url("[alert] webhook",
					  "http://hooks.example.com/services/T0/B0/s3cr3t?token=t0k3n",
					  err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[alert] webhook 'http://hooks.example.com/...' must use https://"));
	assert_null(strstr(err, "s3cr3t"));
	assert_null(strstr(err, "t0k3n"));
	assert_int_equal(config_check_url("[api] url", "http://localhost:pw@remote.example/api",
					  err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'http://remote.example/...'"));
	assert_null(strstr(err, "pw"));
	assert_int_equal(config_check_url("[alert] webhook", "http://[bad/s3cr3t", err,
					  sizeof(err)), -1);
	assert_non_null(strstr(err, "[alert] webhook is not a URL"));
	assert_null(strstr(err, "s3cr3t"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_the_contracts),
		cmocka_unit_test_setup_teardown(every_key_is_read_with_inline_comments, make_file, remove_file),
		cmocka_unit_test_setup_teardown(bad_files_name_the_line_and_the_key, make_file, remove_file),
		cmocka_unit_test_setup_teardown(environment_wins_over_file_and_flag_wins_over_environment,
						make_file, remove_file),
		cmocka_unit_test_setup_teardown(a_bad_clock_override_is_named, make_file, remove_file),
		cmocka_unit_test_setup_teardown(a_key_with_a_control_character_in_the_environment_is_refused,
						make_file, remove_file),
		cmocka_unit_test(only_a_regular_file_is_read),
		cmocka_unit_test_setup_teardown(a_last_line_without_a_newline_is_measured_too,
						make_file, remove_file),
		cmocka_unit_test(plain_http_is_only_for_loopback),
		cmocka_unit_test(a_refused_url_is_named_without_its_path_or_userinfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
