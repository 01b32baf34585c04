"""What comes in is bounded: answers, config lines, import lines, tags."""

from tests.integration.harness import HashtrackTest, at, counts


class Limits(HashtrackTest):

    def test_an_answer_over_one_mebibyte_fails_its_tag_alone(self):
        padding = "x" * (1024 * 1024 + 10)
        self.tags(huge={"status": 200, "raw": '{"video_count":1,"view_count":2,"p":"%s"}' % padding},
                  fine=counts(5, 6))
        self.ok("add", "huge", "fine")
        cp = self.run_at(at(0), code=1)
        self.assertEqual(len(self.stderr_lines_naming(cp, "huge")), 1, cp.stderr)
        self.assertIn("larger than", cp.stderr)
        self.assertEqual(self.snapshots("huge"), [])
        self.assertEqual(len(self.snapshots("fine")), 1)

    def test_a_config_line_too_long_for_the_parser_is_refused_by_line(self):
        self.write_config(raw="[alert]\nwebhook = https://hooks.example.test/%s ; x = 1 %s\n"
                          % ("a" * 150, "b" * 80))
        cp = self.assert_exit(self.ht("list"), 2)
        self.assertIn("config.ini:2: line longer than 198 characters", cp.stderr)

    def test_an_import_line_over_4096_bytes_names_its_line_and_imports_nothing(self):
        csv = ("hashtag,ts,video_count,view_count\n"
               "ok,2026-05-22T00:00:00Z,1,2\n"
               "long,2026-05-22T00:00:00Z,1,%s\n" % ("9" * 5000))
        cp = self.assert_exit(self.ht("import", "-", stdin=csv), 1)
        self.assertIn("stdin:3: line longer than 4096 bytes", cp.stderr)
        self.assertEqual(self.snapshots("ok"), [])

    def test_a_tag_over_100_characters_is_refused(self):
        cp = self.assert_exit(self.ht("add", "a" * 101), 2)
        self.assertIn("100", cp.stderr)
        self.ok("add", "a" * 100)
