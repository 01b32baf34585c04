"""The newcomer's path: every first step works, every message says what to do."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from tests.integration.harness import REPO, HashtrackTest, T0, at, counts


class BuildChecksItsLibrariesFirst(unittest.TestCase):

    def test_deps_check_names_the_missing_packages_and_how_to_install_them(self):
        empty = tempfile.mkdtemp(prefix="hashtrack-nopc-")
        self.addCleanup(shutil.rmtree, empty, ignore_errors=True)
        env = dict(os.environ, PKG_CONFIG_LIBDIR=empty, PKG_CONFIG_PATH="")
        cp = subprocess.run(["sh", str(REPO / "tools" / "deps.sh"), "--check"], env=env,
                            capture_output=True, text=True, timeout=60)
        self.assertNotEqual(cp.returncode, 0, cp.stderr)
        for pkg in ("libcurl4-openssl-dev", "libsqlite3-dev", "libcjson-dev", "libinih-dev",
                    "libutf8proc-dev"):
            self.assertIn(pkg, cp.stderr)
        self.assertIn("make deps", cp.stderr)
        self.assertIn("apt-get install", cp.stderr)
        self.assertEqual(cp.stdout, "")

    def test_deps_check_is_silent_when_all_is_there(self):
        if not shutil.which("pkg-config"):
            self.skipTest("pkg-config is not installed")
        cp = subprocess.run(["sh", str(REPO / "tools" / "deps.sh"), "--check"],
                            capture_output=True, text=True, timeout=60)
        self.assertEqual((cp.returncode, cp.stdout, cp.stderr), (0, "", ""))

    def test_make_checks_the_libraries_before_compiling(self):
        # make -n prints what it would run: the check comes before any compiler
        cp = subprocess.run(["make", "-n", "-B", "O=build-newcomer-dry", "hashtrack"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
        self.assertEqual(cp.returncode, 0, cp.stderr)
        lines = cp.stdout.splitlines()
        check = [i for i, line in enumerate(lines) if "tools/deps.sh --check" in line]
        compile_ = [i for i, line in enumerate(lines) if " -c -o " in line]
        self.assertTrue(check and compile_, cp.stdout)
        self.assertLess(check[0], compile_[0])
        cp = subprocess.run(["make", "-n", "install", "DESTDIR=/nonexistent"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
        self.assertIn("tools/deps.sh --check", cp.stdout)


class DatabaseDirectoryTrouble(HashtrackTest):

    def test_an_unusable_database_directory_is_named_with_its_reason_and_the_fix(self):
        blocker = self.tmp / "not-a-dir"
        blocker.write_text("")
        for db in (blocker / "ht.db", blocker / "sub" / "ht.db"):
            with self.subTest(db=str(db)):
                cp = self.assert_exit(self.ht("-d", db, "add", "vibecoding"), 1)
                self.assertIn(str(blocker), cp.stderr)
                self.assertIn("not a directory", cp.stderr.lower())
                self.assertIn("--db", cp.stderr)
                self.assertIn("HASHTRACK_DB", cp.stderr)
                self.assertNotIn("unable to open database file", cp.stderr)

    @unittest.skipIf(os.geteuid() == 0, "root may write any directory")
    def test_a_read_only_database_directory_says_permission_denied(self):
        ro = self.tmp / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        self.addCleanup(ro.chmod, 0o700)
        cp = self.assert_exit(self.ht("-d", ro / "ht.db", "add", "vibecoding"), 1)
        self.assertIn("permission denied", cp.stderr.lower())
        self.assertIn("HASHTRACK_DB", cp.stderr)
        out = self.ht("-d", ro / "ht.db", "doctor").stdout
        self.assertRegex(out, r"fail\s+database .*permission denied")

    def test_doctor_fails_when_the_database_cannot_be_created(self):
        blocker = self.tmp / "not-a-dir"
        blocker.write_text("")
        cp = self.assert_exit(self.ht("-d", blocker / "sub" / "ht.db", "doctor"), 1)
        line = [l for l in cp.stdout.splitlines() if "database" in l][0]
        self.assertTrue(line.startswith("fail"), cp.stdout)
        self.assertIn("cannot be created", line)
        self.assertNotIn("'hashtrack add' creates it", cp.stdout)
        # a directory that can be made stays a warning
        cp = self.ht("-d", self.tmp / "new" / "ht.db", "doctor")
        self.assertIn("'hashtrack add' creates it", cp.stdout)

    def test_doctor_warns_when_an_existing_database_cannot_be_written(self):
        where = Path(tempfile.mkdtemp(prefix="hashtrack-ro-"))
        self.addCleanup(shutil.rmtree, where, ignore_errors=True)
        self.ok("-d", where / "ht.db", "add", "vibecoding")
        cp = subprocess.run(["mount", "--bind", "-o", "ro", str(where), str(where)],
                            capture_output=True, text=True)
        if cp.returncode != 0:
            self.skipTest("cannot bind-mount read-only here: %s" % cp.stderr.strip())
        self.addCleanup(subprocess.run, ["umount", "-l", str(where)], check=False)
        cp = self.ht("-d", where / "ht.db", "doctor")
        line = [l for l in cp.stdout.splitlines() if "can be read but not written" in l]
        self.assertTrue(line and line[0].startswith("warn"), cp.stdout)
        self.assertIn("HASHTRACK_DB", line[0])


COMMANDS = ("add", "remove", "list", "run", "report", "history", "alerts", "export",
            "backtest", "import", "doctor")


class OptionErrorsAreAlike(HashtrackTest):

    def test_every_command_names_itself_and_points_at_its_help(self):
        for name in COMMANDS:
            for bad, said in (("--bogus", "unrecognized option '--bogus'"),
                              ("-x", "unrecognized option '-x'")):
                with self.subTest(command=name, option=bad):
                    cp = self.assert_exit(self.ht(name, bad), 2)
                    self.assertIn("hashtrack: %s: %s" % (name, said), cp.stderr)
                    self.assertIn("try 'hashtrack %s --help'" % name, cp.stderr)
                    self.assertNotIn(str(self.bin), cp.stderr)

    def test_a_missing_value_says_so(self):
        cp = self.assert_exit(self.ht("report", "--format"), 2)
        self.assertIn("hashtrack: report: option '--format' needs a value", cp.stderr)
        self.assertIn("try 'hashtrack report --help'", cp.stderr)

    def test_global_option_errors_never_show_the_binarys_path(self):
        for args, said in ((("--bogus", "list"), "unrecognized option '--bogus'"),
                           (("-d",), "option '-d' needs a value")):
            with self.subTest(args=args):
                cp = self.assert_exit(self.ht(*args), 2)
                self.assertIn("hashtrack: " + said, cp.stderr)
                self.assertIn("try 'hashtrack --help'", cp.stderr)
                self.assertNotIn(str(self.bin), cp.stderr)

    def test_an_untracked_tag_is_a_usage_error_everywhere(self):
        self.ok("add", "vibecoding")
        for args in (("history", "nosuch"), ("remove", "nosuch"), ("report", "nosuch")):
            with self.subTest(args=args):
                cp = self.assert_exit(self.ht(*args), 2)
                self.assertIn("#nosuch is not tracked", cp.stderr)


class FirstSteps(HashtrackTest):

    def test_help_command_is_command_help(self):
        self.assertEqual(self.ok("help", "run").stdout, self.ok("run", "--help").stdout)
        self.assertEqual(self.ok("help").stdout, self.ok("--help").stdout)
        cp = self.assert_exit(self.ht("help", "nosuch"), 2)
        self.assertIn("unknown command 'nosuch'", cp.stderr)

    def test_term_dumb_means_no_colour(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1200, 30000))
        self.run_at(T0)
        self.tags(vibecoding=counts(1210, 30100))
        self.run_at(at(6))
        self.tags(vibecoding=counts(1510, 40107))
        self.run_at(at(12))
        self.assertIn("\x1b[", self.on_terminal(
            "report", env_extra={"NO_COLOR": None, "TERM": "xterm"}))
        self.assertNotIn("\x1b[", self.on_terminal(
            "report", env_extra={"NO_COLOR": None, "TERM": "dumb"}))

    def test_quiet_doctor_prints_only_warn_and_fail(self):
        self.ok("add", "vibecoding")
        full = self.ht("doctor").stdout.splitlines()
        self.assertTrue(any(line.startswith("ok") for line in full), full)
        for args in (("-q", "doctor"), ("doctor", "-q")):
            with self.subTest(args=args):
                quiet = self.ht(*args).stdout.splitlines()
                self.assertEqual(quiet, [l for l in full if not l.startswith("ok")])

    def test_add_shows_the_normalised_form_when_it_differs(self):
        cp = self.ok("add", "-v", "#VibeCoding", "aitools")
        self.assertIn("#vibecoding", cp.stderr)
        self.assertIn("'#VibeCoding'", cp.stderr)
        self.assertNotIn("'aitools'", cp.stderr)
        # quiet off a terminal: nothing
        self.assertEqual(self.ok("add", "#OtherTag").stderr, "")


class Completion(HashtrackTest):

    def test_install_puts_completions_where_shells_look_and_uninstall_removes_them(self):
        dest = self.tmp / "dest"
        # what this suite tests (the sanitizer build too), without rebuilding
        build = os.path.dirname(os.path.abspath(self.bin))
        make = ["make", "-s", "DESTDIR=%s" % dest, "PREFIX=/usr", "O=" + build]
        cp = subprocess.run(make + ["install"], cwd=REPO, capture_output=True, text=True,
                            timeout=300)
        self.assertEqual(cp.returncode, 0, cp.stderr)
        bash = dest / "usr/share/bash-completion/completions/hashtrack"
        zsh = dest / "usr/share/zsh/site-functions/_hashtrack"
        self.assertTrue(bash.is_file())
        self.assertTrue(zsh.is_file())
        cp = subprocess.run(make + ["uninstall"], cwd=REPO, capture_output=True, text=True,
                            timeout=60)
        self.assertEqual(cp.returncode, 0, cp.stderr)
        self.assertFalse(bash.exists())
        self.assertFalse(zsh.exists())

    def complete(self, *words):
        script = ('source "%s"; COMP_WORDS=(%s); COMP_CWORD=%d; _hashtrack; '
                  'echo "${COMPREPLY[@]}"' % (REPO / "contrib" / "hashtrack.bash",
                                              " ".join("'%s'" % w for w in words),
                                              len(words) - 1))
        env = self.env(env_extra={"PATH": "%s:%s" % (self.bin.parent, os.environ["PATH"])})
        cp = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                            cwd=self.tmp, timeout=60)
        self.assertEqual(cp.returncode, 0, cp.stderr)
        return cp.stdout.split()

    def test_bash_completes_commands_options_and_tracked_tags(self):
        self.assertEqual(self.complete("hashtrack", "rep"), ["report"])
        self.assertIn("--window", self.complete("hashtrack", "report", "--w"))
        self.assertEqual(self.complete("hashtrack", "help", "his"), ["history"])
        if self.bin.name == "hashtrack":
            self.ok("add", "vibecoding", "aitools")
            self.assertEqual(self.complete("hashtrack", "history", "vi"), ["vibecoding"])

    def test_both_completions_offer_every_command_of_the_help(self):
        help_text = self.ok("--help").stdout
        listed = help_text[help_text.index("commands:"):help_text.index("options:")]
        commands = re.findall(r"^  ([a-z]+) ", listed, re.M)
        self.assertIn("backup", commands)
        self.assertEqual(sorted(self.complete("hashtrack", "")), sorted(commands))
        zsh = (REPO / "contrib" / "_hashtrack").read_text()
        for command in commands:
            self.assertIn("'%s:" % command, zsh)

    @unittest.skipUnless(shutil.which("zsh"), "zsh is not installed")
    def test_zsh_completion_parses(self):
        cp = subprocess.run(["zsh", "-n", str(REPO / "contrib" / "_hashtrack")],
                            capture_output=True, text=True, timeout=60)
        self.assertEqual(cp.returncode, 0, cp.stderr)


class ReadmeStandsAlone(unittest.TestCase):

    def test_readme_never_points_outside_the_repository(self):
        text = (REPO / "README.md").read_text()
        self.assertNotIn("../", text)
        self.assertNotIn("shared/design", text)
        self.assertIn("hashtrack help run", text)
