"""Command line, hashtag input, rules and configuration errors (interface.md)."""

import re

from .harness import LIST_KEYS, T0, HashtrackTest, at, counts


class AddNormalisesAndValidatesTags(HashtrackTest):

    def test_add_strips_the_hash_sign_and_lower_cases(self):
        self.ok("add", "#VibeCoding")
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["vibecoding"])

    def test_add_trims_white_space_and_repeated_hash_signs(self):
        self.ok("add", "  ##AiTools \t")
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["aitools"])

    def test_add_is_idempotent(self):
        self.ok("add", "vibecoding")
        self.ok("add", "#VibeCoding")
        self.ok("add", "vibecoding")
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["vibecoding"])

    def test_add_takes_several_tags_at_once(self):
        self.ok("add", "one", "two", "three")
        self.assertEqual(sorted(t["hashtag"] for t in self.list_tags()), ["one", "three", "two"])

    def test_add_rejects_a_tag_with_a_space_and_suggests_the_joined_tag(self):
        cp = self.assert_exit(self.ht("add", "vibe coding"), 2)
        self.assertIn("vibecoding", cp.stderr, self.describe(cp))
        self.assertEqual(cp.stdout, "")
        self.assertEqual(self.list_tags(), [])

    def test_add_rejects_punctuation_and_names_the_character(self):
        cp = self.assert_exit(self.ht("add", "vibe-coding"), 2)
        self.assertIn("-", cp.stderr, self.describe(cp))
        self.assertEqual(self.list_tags(), [])

    def test_add_rejects_an_empty_tag(self):
        self.assert_exit(self.ht("add", "#"), 2)
        self.assert_exit(self.ht("add", ""), 2)
        self.assertEqual(self.list_tags(), [])

    def test_add_accepts_100_characters_and_rejects_101(self):
        self.ok("add", "a" * 100)
        self.assert_exit(self.ht("add", "b" * 101), 2)
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["a" * 100])

    def test_add_accepts_non_ascii_letters(self):
        self.ok("add", "#日本")
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["日本"])


class ListShowsEffectiveRules(HashtrackTest):

    def test_list_json_shows_the_contract_defaults_for_a_new_tag(self):
        self.ok("add", "vibecoding")
        (row,) = self.list_tags()
        self.assertLessEqual(LIST_KEYS, set(row), row)
        self.assertEqual(row["hashtag"], "vibecoding")
        self.assertEqual(row["min_new_videos"], 200)
        self.assertEqual(row["video_growth"], 50)
        self.assertEqual(row["view_growth"], 50)
        self.assertEqual(row["surge"], 3)
        self.assertEqual(row["status"], "no-data")
        self.assertIsNone(row["last_snapshot"])
        self.assertIsNone(row["next_due"], "null unless [schedule] adaptive")
        self.assertIsNone(row["last_error"])
        self.assertIsInstance(row["added_at"], str)

    def test_list_json_shows_per_tag_rules_set_by_add_flags(self):
        self.ok("add", "vibecoding", "--min-videos", "10", "--video-growth", "20",
                "--view-growth", "0")
        self.ok("add", "plain")
        rows = {r["hashtag"]: r for r in self.list_tags()}
        v = rows["vibecoding"]
        self.assertEqual((v["min_new_videos"], v["video_growth"], v["view_growth"]), (10, 20, 0))
        p = rows["plain"]
        self.assertEqual((p["min_new_videos"], p["video_growth"], p["view_growth"]), (200, 50, 50))

    def test_readding_a_tag_with_a_flag_updates_that_rule_only(self):
        self.ok("add", "vibecoding", "--min-videos", "10")
        self.ok("add", "vibecoding", "--view-growth", "5")
        (row,) = self.list_tags()
        self.assertEqual((row["min_new_videos"], row["video_growth"], row["view_growth"]), (10, 50, 5))

    def test_list_json_follows_the_defaults_in_the_config_file(self):
        self.write_config(detect_min_new_videos="500", detect_video_growth="25")
        self.ok("add", "vibecoding")
        (row,) = self.list_tags()
        self.assertEqual((row["min_new_videos"], row["video_growth"], row["view_growth"]), (500, 25, 50))

    def test_list_json_after_a_run_shows_the_last_snapshot(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1000, 5000))
        self.run_at(T0)
        (row,) = self.list_tags(now=T0)
        self.assertEqual(row["status"], "ok")
        self.assertEqual(row["last_snapshot"], T0)
        self.assertIsNone(row["last_error"])

    def test_list_csv_has_a_header_and_a_row_per_tag(self):
        self.ok("add", "one", "two")
        lines = self.ok("list", "--format", "csv").stdout.splitlines()
        self.assertTrue(lines and "hashtag" in lines[0], lines)
        self.assertEqual(len(lines), 3, lines)

    def test_list_table_names_the_tags_without_colour(self):
        self.ok("add", "one", "two")
        out = self.ok("list").stdout
        self.assertIn("one", out)
        self.assertIn("two", out)
        self.assertNotIn("\x1b[", out)


class RemoveKeepsHistory(HashtrackTest):

    def test_remove_stops_tracking_but_keeps_history(self):
        self.ok("add", "vibecoding", "aitools")
        self.tags(vibecoding=counts(1000, 5000), aitools=counts(10, 20))
        self.run_at(T0)
        self.ok("remove", "vibecoding")
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["aitools"])
        self.assertEqual(len(self.snapshots("vibecoding")), 1)
        before = len(self.requests())
        self.run_at(at(6))
        self.assertEqual([r["hashtag"] for r in self.requests()[before:]], ["aitools"])

    def test_readding_a_removed_tag_compares_with_its_old_history(self):
        """The old history gives the baseline, and its evaluations the edge.

        T0 and 6h (the rules' silent first evaluation) run before the tag is
        removed; once re-added, the jump at 12h compares with the 6h snapshot
        and, the rules having been evaluated before, is a rising edge.
        """
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(990, 5000))
        self.run_at(T0)
        self.tags(vibecoding=counts(1000, 5000))
        self.run_at(at(6))
        self.ok("remove", "vibecoding")
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1300, 5000))
        self.run_at(at(12))
        row = self.report_of(at(12), "vibecoding")
        self.assertEqual(row["status"], "learning", row)     # 12 hours of history
        self.assertEqual(row["baseline_snapshot"], at(6), row)
        self.assertEqual(row["new_videos"], 300, row)
        self.assertEqual(len(self.webhooks()), 1)

    def test_remove_purge_deletes_the_history(self):
        self.ok("add", "vibecoding", "aitools")
        self.tags(vibecoding=counts(1000, 5000), aitools=counts(10, 20))
        self.run_at(T0)
        self.ok("remove", "--purge", "vibecoding")
        self.assertEqual(self.snapshots("vibecoding"), [])
        self.assertEqual(len(self.snapshots("aitools")), 1)
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["aitools"])


class UsageErrors(HashtrackTest):

    def test_an_unknown_command_exits_2(self):
        cp = self.assert_exit(self.ht("frobnicate"), 2)
        self.assertEqual(cp.stdout, "")
        self.assertNotEqual(cp.stderr.strip(), "")

    def test_an_unknown_option_exits_2(self):
        self.assert_exit(self.ht("list", "--frobnicate"), 2)

    def test_an_unknown_output_format_exits_2(self):
        self.assert_exit(self.ht("list", "--format", "xml"), 2)

    def test_help_and_version_exit_0_on_stdout(self):
        cp = self.ok("--help")
        self.assertIn("run", cp.stdout)
        self.assertNotEqual(self.ok("-V").stdout.strip(), "")
        for cmd in ("add", "remove", "list", "run", "report"):
            with self.subTest(cmd=cmd):
                self.assertNotEqual(self.ok(cmd, "--help").stdout.strip(), "")


class ConfigurationErrors(HashtrackTest):

    def good_api_section(self):
        return "[api]\nurl = %s\nretries = 0\nrate = 0\n" % self.api_url

    def assert_config_error(self, raw, line, key, *also):
        path = self.write_config(raw=raw)
        cp = self.assert_exit(self.ht("list"), 2)
        self.assertIn("%s:%d" % (path, line), cp.stderr, self.describe(cp))
        self.assertIn(key, cp.stderr, self.describe(cp))
        for text in also:
            self.assertRegex(cp.stderr, text, self.describe(cp))
        return cp

    def test_an_unknown_key_exits_2_naming_file_line_and_key(self):
        raw = self.good_api_section() + "\n[alert]\nformat = slack\ncolour = red\n"
        self.assert_config_error(raw, 8, "colour")

    def test_an_unknown_section_exits_2_naming_file_and_line(self):
        raw = self.good_api_section() + "\n[bogus]\nx = 1\n"
        path = self.write_config(raw=raw)
        cp = self.assert_exit(self.ht("list"), 2)
        self.assertRegex(cp.stderr, re.escape(str(path)) + r":(6|7)\b", self.describe(cp))
        self.assertIn("bogus", cp.stderr)

    def test_a_bare_number_duration_exits_2_and_names_the_units(self):
        raw = self.good_api_section() + "\n[detect]\nwindow = 6\n"
        self.assert_config_error(raw, 7, "window", r"(?i)unit|\bs\b.*\bm\b.*\bh\b|6h")

    def test_a_rate_without_a_unit_exits_2(self):
        raw = "[api]\nurl = %s\nrate = 5\n" % self.api_url
        self.assert_config_error(raw, 3, "rate", r"/s|/min")

    def test_a_bad_number_exits_2(self):
        raw = self.good_api_section() + "\n[detect]\nmin_new_videos = lots\n"
        self.assert_config_error(raw, 7, "min_new_videos")

    def test_an_unknown_alert_format_exits_2(self):
        raw = self.good_api_section() + "\n[alert]\nformat = telegram\n"
        self.assert_config_error(raw, 7, "format")

    def test_a_missing_config_file_named_by_the_flag_is_an_error(self):
        cp = self.ht("-c", str(self.tmp / "nope.ini"), "list")
        self.assertNotEqual(cp.returncode, 0, self.describe(cp))

    def test_no_config_file_at_all_is_fine(self):
        no_config = {"HASHTRACK_CONFIG": None}
        self.ok("add", "vibecoding", env_extra=no_config)
        (row,) = self.ht_json("list", "--format", "json", env_extra=no_config)
        self.assertEqual(row["min_new_videos"], 200)

    def test_the_config_flag_wins_over_the_environment(self):
        bad = self.write_config(raw="[nonsense]\n", path=self.tmp / "bad.ini")
        good = self.write_config(path=self.tmp / "good.ini", detect_min_new_videos="321")
        self.ok("-c", good, "add", "vibecoding", env_extra={"HASHTRACK_CONFIG": bad})
        (row,) = self.ht_json("-c", good, "list", "--format", "json",
                              env_extra={"HASHTRACK_CONFIG": bad})
        self.assertEqual(row["min_new_videos"], 321)

    def test_a_plain_http_api_url_to_a_remote_host_is_refused(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1, 1))
        self.write_config(api_url="http://example.com/api/v1/tiktok/hashtag")
        cp = self.assert_exit(self.ht("run", now=T0), 2)
        self.assertRegex(cp.stderr, r"(?i)https|url|loopback", self.describe(cp))
        self.assertEqual(self.requests(), [])

    def test_a_plain_http_api_url_from_the_environment_is_refused(self):
        self.ok("add", "vibecoding")
        cp = self.ht("run", now=T0,
                     env_extra={"HASHTRACK_API_URL": "http://192.0.2.1/api/v1/tiktok/hashtag"})
        self.assert_exit(cp, 2)

    def test_a_plain_http_webhook_to_a_remote_host_is_refused(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1, 1))
        self.write_config(alert_webhook="http://hooks.example.com/x")
        self.assert_exit(self.ht("run", now=T0), 2)

    def test_the_environment_api_key_wins_over_the_config_key(self):
        self.write_config(api_key="wrong-key-from-config")
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1, 1))
        self.run_at(T0)
        (req,) = self.requests()
        self.assertTrue(req["auth_ok"], req)

    def test_a_run_without_any_api_key_fails_without_calling_the_api(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1, 1))
        cp = self.ht("run", now=T0, env_extra={"SCAVIO_API_KEY": None})
        self.assertIn(cp.returncode, (1, 2), self.describe(cp))
        self.assertNotEqual(cp.stderr.strip(), "")
        self.assertEqual(self.requests(), [])

    def test_environment_urls_win_over_the_config_file(self):
        self.write_config(api_url="http://127.0.0.1:9/nothing-listens-here",
                          alert_webhook="http://127.0.0.1:9/nor-here")
        env = {"HASHTRACK_API_URL": self.api_url, "HASHTRACK_WEBHOOK": self.hook_url("env")}
        self.ok("add", "vibecoding", env_extra=env)
        self.tags(vibecoding=counts(990, 5000))
        self.assert_exit(self.ht("run", now=T0, env_extra=env), 0)
        self.tags(vibecoding=counts(1000, 5000))        # the silent first evaluation
        self.assert_exit(self.ht("run", now=at(6), env_extra=env), 0)
        self.tags(vibecoding=counts(1300, 5000))        # +300 videos: an alert
        self.assert_exit(self.ht("run", now=at(12), env_extra=env), 0)
        self.assertEqual([h["path"] for h in self.webhooks()], ["/hook/env"])

    def test_the_db_flag_wins_over_the_environment(self):
        other = self.tmp / "other.db"
        self.ok("-d", other, "add", "vibecoding")
        self.assertTrue(other.exists())
        self.assertFalse(self.db_path.exists())
        self.assertEqual(len(self.ht_json("-d", other, "list", "--format", "json")), 1)


class FrozenClock(HashtrackTest):

    def test_hashtrack_now_accepts_an_epoch(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1000, 5000))
        self.run_at("@1779408000")  # 2026-05-22T00:00:00Z
        (snap,) = self.snapshots("vibecoding")
        self.assertEqual(snap["ts"], T0)

    def test_a_malformed_hashtrack_now_is_a_usage_error(self):
        self.ok("add", "vibecoding")
        self.assert_exit(self.ht("run", now="yesterday"), 2)
        self.assertEqual(self.requests(), [])
