"""The tool's Unix manners: help, version, man page, install, doctor."""

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import unittest

from tests.integration.harness import REPO, HashtrackTest, at, counts


def man_source_text():
    """The man page source with roff's escaped hyphens made plain."""
    return (REPO / "hashtrack.1").read_text().replace("\\-", "-")


class HelpAndManPage(HashtrackTest):

    def commands(self):
        out = self.ok("--help").stdout
        block = out.split("commands:", 1)[1].split("\n\n", 1)[0]
        names = [line.split()[0] for line in block.strip().splitlines()]
        self.assertGreaterEqual(len(names), 6, out)
        return names

    def test_every_command_has_help_with_usage_options_and_an_example(self):
        for name in self.commands():
            with self.subTest(command=name):
                cp = self.ok(name, "--help")
                self.assertTrue(cp.stdout.startswith("usage: hashtrack " + name), cp.stdout)
                self.assertIn("example", cp.stdout)
                self.assertEqual(cp.stderr, "")

    def test_help_works_without_a_valid_config(self):
        self.write_config(raw="[nonsense\n")
        self.ok("run", "--help")
        self.assert_exit(self.ht("run"), 2)

    def test_version_names_the_libraries(self):
        out = self.ok("--version").stdout
        self.assertRegex(out, r"^hashtrack \d+\.\d+\.\d+\n")
        for lib in ("libcurl", "SQLite", "cJSON"):
            self.assertIn(lib, out)

    def test_unknown_options_and_missing_arguments_exit_2_with_usage(self):
        for args in (["--bogus"], ["add"], ["add", "--min-videos"], ["list", "--bogus"],
                     ["report", "--format"], []):
            with self.subTest(args=args):
                cp = self.assert_exit(self.ht(*args), 2)
                self.assertIn("usage: hashtrack", cp.stderr)
                self.assertEqual(cp.stdout, "")

    def test_man_page_documents_every_command_and_option_help_shows(self):
        man = man_source_text()
        for name in self.commands():
            self.assertRegex(man, r'(?m)^\.TP\n\.B[IR]? "?%s\b' % name)
            for opt in set(re.findall(r"--[a-z][a-z-]+", self.ok(name, "--help").stdout)):
                with self.subTest(command=name, option=opt):
                    self.assertIn(opt, man)
        for opt in set(re.findall(r"--[a-z][a-z-]+", self.ok("--help").stdout)):
            self.assertIn(opt, man)

    def test_man_page_documents_every_config_key(self):
        man = man_source_text()
        for line in (REPO / "config.example.ini").read_text().splitlines():
            m = re.match(r"^([a-z_]+)\s*=", line)
            if m:
                self.assertIn("] %s" % m.group(1), man)

    @unittest.skipUnless(shutil.which("groff"), "groff is not installed")
    def test_man_page_renders_without_warnings(self):
        cp = subprocess.run(["groff", "-man", "-ww", "-z", str(REPO / "hashtrack.1")],
                            capture_output=True, text=True, timeout=30)
        self.assertEqual((cp.returncode, cp.stderr), (0, ""))


class Install(HashtrackTest):

    def test_make_install_into_destdir_gives_a_working_binary(self):
        dest = self.tmp / "dest"
        build = os.path.dirname(os.path.abspath(self.bin))
        # install what this suite tests (the sanitizer build too) without rebuilding
        cp = subprocess.run(["make", "-s", "-C", str(REPO), "install", "PREFIX=/usr",
                             "DESTDIR=" + str(dest), "O=" + build],
                            capture_output=True, text=True, timeout=300)
        self.assertEqual(cp.returncode, 0, cp.stdout + cp.stderr)
        binary = dest / "usr" / "bin" / "hashtrack"
        self.assertTrue(os.access(binary, os.X_OK))
        self.assertTrue((dest / "usr/share/man/man1/hashtrack.1").is_file())
        self.assertTrue((dest / "usr/share/doc/hashtrack/config.example.ini").is_file())
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                             timeout=30).stdout
        self.assertTrue(out.startswith("hashtrack "), out)
        cp = subprocess.run(["make", "-s", "-C", str(REPO), "uninstall", "PREFIX=/usr",
                             "DESTDIR=" + str(dest), "O=" + build],
                            capture_output=True, text=True, timeout=300)
        self.assertEqual(cp.returncode, 0, cp.stdout + cp.stderr)
        self.assertFalse(binary.exists())


class Files(HashtrackTest):

    def test_default_database_lives_in_xdg_data_home_in_a_private_directory(self):
        self.ok("add", "x", env_extra={"HASHTRACK_DB": None})
        db = self.home / ".local/share/hashtrack/hashtrack.db"
        self.assertTrue(db.is_file())
        self.assertEqual(stat.S_IMODE(db.parent.stat().st_mode), 0o700)

    def test_default_config_is_read_from_xdg_config_home(self):
        cfg = self.home / ".config/hashtrack/config.ini"
        cfg.parent.mkdir(parents=True)
        cfg.write_text("[detect]\nmin_new_videos = 7\n")
        self.ok("add", "x")
        tags = self.ht_json("list", "--format", "json", env_extra={"HASHTRACK_CONFIG": None})
        self.assertEqual(tags[0]["min_new_videos"], 7)

    def test_a_config_holding_the_key_readable_by_others_draws_a_warning(self):
        self.write_config(raw="[api]\nkey = %s\n" % self.api_key)
        self.ok("add", "vibecoding")
        os.chmod(self.config_path, 0o644)
        cp = self.ok("list", env_extra={"SCAVIO_API_KEY": None})
        self.assertIn("chmod 600", cp.stderr)
        os.chmod(self.config_path, 0o600)
        cp = self.ok("list", env_extra={"SCAVIO_API_KEY": None})
        self.assertEqual(cp.stderr, "")


class Doctor(HashtrackTest):

    def lines(self, cp):
        """{check: [(level, text)]} from doctor's output."""
        out = {}
        for line in cp.stdout.splitlines():
            m = re.match(r"^(ok|warn|fail)\s+(\S+(?: \S+)?)\s{2,}(.*)$", line)
            self.assertIsNotNone(m, "not a doctor line: %r" % line)
            out.setdefault(m.group(2).strip(), []).append((m.group(1), m.group(3)))
        return out

    def level(self, cp, check):
        found = self.lines(cp).get(check)
        self.assertIsNotNone(found, "no '%s' line\n%s" % (check, self.describe(cp)))
        return found[0][0]

    def healthy(self):
        self.tags(alpha=counts(1000, 50000, shape=2, credits=99999))
        self.ok("add", "alpha")
        self.run_at(at(0))

    def test_a_healthy_setup_is_all_ok_and_exits_0(self):
        self.healthy()
        cp = self.assert_exit(self.ht("doctor", "--online", now=at(1)), 0)
        for check in ("config", "api key", "webhook", "database", "schema", "integrity",
                      "hashtags", "last run", "credits", "online"):
            with self.subTest(check=check):
                self.assertEqual(self.level(cp, check), "ok")

    def test_the_key_is_shown_masked_to_four_characters(self):
        cp = self.ht("doctor")
        self.assertIn(self.api_key[:4] + "...", cp.stdout)
        self.assertNotIn(self.api_key[:5], cp.stdout)

    def test_a_missing_key_fails(self):
        cp = self.assert_exit(self.ht("doctor", env_extra={"SCAVIO_API_KEY": None}), 1)
        self.assertEqual(self.level(cp, "api key"), "fail")

    def test_a_bad_config_fails_naming_line_and_key(self):
        self.write_config(raw="[api]\nbogus = 1\n")
        cp = self.assert_exit(self.ht("doctor"), 1)
        self.assertEqual(self.level(cp, "config"), "fail")
        self.assertIn(":2: unknown key 'bogus'", cp.stdout)

    def test_no_webhook_warns(self):
        self.write_config(alert_webhook=None)
        self.assertEqual(self.level(self.ht("doctor"), "webhook"), "warn")

    def test_a_webhook_is_shown_without_its_secret_path(self):
        cp = self.ht("doctor")
        self.assertEqual(self.level(cp, "webhook"), "ok")
        self.assertNotIn("/hook/slack", cp.stdout)

    def test_a_missing_database_warns_and_an_unreadable_one_fails(self):
        self.assertEqual(self.level(self.ht("doctor"), "database"), "warn")
        self.db_path.write_bytes(b"this is not an sqlite database" * 100)
        cp = self.assert_exit(self.ht("doctor"), 1)
        self.assertEqual(self.level(cp, "database"), "fail")

    def test_a_corrupt_database_fails_the_integrity_check(self):
        self.healthy()
        db = sqlite3.connect(self.db_path)
        db.execute("VACUUM")            # no free page at the end: the last one is in use
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        size = self.db_path.stat().st_size
        with open(self.db_path, "r+b") as f:     # scribble over the whole last page
            f.seek(size - 4096)
            f.write(b"\xff" * 4096)
        cp = self.assert_exit(self.ht("doctor"), 1)
        self.assertIn("fail", cp.stdout)

    def test_no_tags_and_no_run_warn(self):
        self.ok("add", "alpha")
        self.ok("remove", "alpha")
        cp = self.ht("doctor")
        self.assertEqual(self.level(cp, "hashtags"), "warn")
        self.assertEqual(self.level(cp, "last run"), "warn")

    def test_an_old_last_run_warns(self):
        self.healthy()
        self.assertEqual(self.level(self.ht("doctor", now=at(13)), "last run"), "warn")

    def test_a_run_with_failures_is_not_the_last_success(self):
        self.healthy()
        self.tags()                      # alpha answers 404 now
        self.run_at(at(6), code=1)
        cp = self.ht("doctor", now=at(7))
        self.assertEqual(self.level(cp, "last run"), "warn")
        self.assertIn("last success %s" % at(0), cp.stdout)
        self.assertIn("the run at %s had failures" % at(6), cp.stdout)

    def test_low_credits_warn(self):
        self.tags(alpha=counts(1000, 50000, shape=2, credits=3))
        self.ok("add", "alpha")
        self.run_at(at(0))
        self.assertEqual(self.level(self.ht("doctor", now=at(1)), "credits"), "warn")

    def test_online_fails_when_the_api_refuses_the_key(self):
        self.healthy()
        cp = self.assert_exit(self.ht("doctor", "--online", env_extra={"SCAVIO_API_KEY": "nope"}), 1)
        self.assertEqual(self.level(cp, "online"), "fail")
        self.assertIn("401", cp.stdout)
