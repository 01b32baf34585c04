"""The newcomer's path: every first step works, every message says what to do."""

import os
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
        for pkg in ("libcurl4-openssl-dev", "libsqlite3-dev", "libcjson-dev", "libinih-dev"):
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
