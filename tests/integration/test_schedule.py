"""The shipped scheduling files, run the way their schedulers run them.

The crontab: hashtrack installed under a temporary PREFIX by `make install`,
each job line of contrib/hashtrack.crontab run as cron runs it, with
`env -i`, cron's own variables (HOME, LOGNAME, SHELL=/bin/sh,
PATH=/usr/bin:/bin) and the file's variable lines applied, through
`$SHELL -c`. The systemd units: `systemd-analyze verify` and `security
--offline=true` on the shipped files, when systemd-analyze is there."""

import os
import re
import shutil
import subprocess
import unittest

from tests.integration.harness import REPO, HashtrackTest, counts

CRONTAB = REPO / "contrib" / "hashtrack.crontab"
SERVICE = REPO / "contrib" / "hashtrack.service"
TIMER = REPO / "contrib" / "hashtrack.timer"
JOB = re.compile(r"^#?((?:\S+\s+){5})(.+)$")   # five time fields, then the command
VARIABLE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


def read_crontab():
    """(variables, active commands, commented-out alternative commands) of the shipped file."""
    variables, active, alternatives = {}, [], []
    for line in CRONTAB.read_text().splitlines():
        stripped = line.strip()
        m = VARIABLE.match(stripped)
        if m and not stripped.startswith("#"):
            variables[m.group(1)] = m.group(2)
            continue
        m = JOB.match(stripped)
        if m and re.match(r"^#?[0-9*]", stripped):
            (alternatives if stripped.startswith("#") else active).append(m.group(2))
    return variables, active, alternatives


class Crontab(HashtrackTest):
    def setUp(self):
        super().setUp()
        self.prefix = self.tmp / "prefix"
        build = os.path.dirname(os.path.abspath(self.bin))
        cp = subprocess.run(["make", "-s", "-C", str(REPO), "install",
                             "PREFIX=" + str(self.prefix), "O=" + build],
                            capture_output=True, text=True, timeout=300)
        self.assertEqual(cp.returncode, 0, cp.stdout + cp.stderr)
        self.variables, self.active, self.alternatives = read_crontab()
        self.default_db = self.home / ".local/share/hashtrack/hashtrack.db"
        self.tags(alpha=counts(100, 1000))
        # the tag, added the way a user does, into the default database
        self.ok("add", "alpha", env_extra={"HASHTRACK_DB": None, "HASHTRACK_CONFIG": None})
        self.assertTrue(self.default_db.exists())

    def cron_env(self, variables):
        """cron's environment for a job of this crontab, installed under self.prefix."""
        env = {"HOME": str(self.home), "LOGNAME": "hashtrack-test", "SHELL": "/bin/sh",
               "PATH": "/usr/bin:/bin"}
        for name, value in variables.items():
            # the file names make install's default PREFIX; this test installed elsewhere
            env[name] = value.replace("/usr/local/bin", str(self.prefix / "bin"))
        return env

    def cron_run(self, command, variables=None):
        env = self.cron_env(self.variables if variables is None else variables)
        self.assertNotIn("%", command, "cron turns % into a newline")
        argv = ["env", "-i"] + ["%s=%s" % kv for kv in env.items()] + [env["SHELL"], "-c",
                                                                      command]
        cp = subprocess.run(argv, capture_output=True, text=True, cwd=self.home, timeout=120)
        self.outputs.append((argv, cp.stdout, cp.stderr))
        return cp

    def write_home_config(self, text):
        path = self.home / ".config" / "hashtrack" / "config.ini"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o600)

    def stored(self):
        import sqlite3
        conn = sqlite3.connect("file:%s?mode=ro" % self.default_db, uri=True)
        try:
            return conn.execute("SELECT count(*) FROM snapshot").fetchone()[0]
        finally:
            conn.close()

    def test_the_crontab_has_one_job_and_sets_path_and_shell(self):
        self.assertEqual(len(self.active), 1, self.active)
        self.assertEqual(self.variables.get("SHELL"), "/bin/sh")
        self.assertIn("/usr/local/bin", self.variables.get("PATH", "").split(":"))

    def test_the_job_runs_under_crons_environment_with_the_key_in_the_config(self):
        self.write_home_config("[api]\nkey = %s\nurl = %s\nrate = 0\nretries = 0\n"
                               % (self.api_key, self.api_url))
        cp = self.cron_run(self.active[0])
        self.assertEqual((cp.returncode, cp.stdout, cp.stderr), (0, "", ""))
        self.assertEqual(self.stored(), 1)
        self.assertEqual([r["hashtag"] for r in self.requests()], ["alpha"])

    def test_without_the_crontabs_path_cron_cannot_find_hashtrack(self):
        if shutil.which("hashtrack", path="/usr/bin:/bin"):
            self.skipTest("a hashtrack is installed in /usr/bin or /bin")
        cp = self.cron_run(self.active[0], variables={"SHELL": "/bin/sh"})
        self.assertNotEqual(cp.returncode, 0)
        self.assertIn("not found", cp.stderr)

    def test_the_env_file_alternative_exports_the_key_and_the_webhook(self):
        self.assertEqual(len(self.alternatives), 1, self.alternatives)
        env_file = self.home / ".config" / "hashtrack" / "env"
        env_file.parent.mkdir(parents=True, exist_ok=True)
        env_file.write_text("SCAVIO_API_KEY=%s\nHASHTRACK_API_URL=%s\nHASHTRACK_WEBHOOK=%s\n"
                            % (self.api_key, self.api_url, self.hook_url()))
        env_file.chmod(0o600)
        self.write_home_config("[api]\nrate = 0\nretries = 0\n")
        cp = self.cron_run(self.alternatives[0])
        self.assertEqual((cp.returncode, cp.stdout, cp.stderr), (0, "", ""))
        self.assertEqual(self.stored(), 1)
        # what the job exported reaches hashtrack: doctor sees the webhook
        doctor = self.cron_run(self.alternatives[0].replace("hashtrack run",
                                                            "hashtrack doctor"))
        self.assertRegex(doctor.stdout, r"(?m)^ok\s+webhook\s")

    def test_sourcing_the_env_file_without_set_a_would_lose_the_key(self):
        env_file = self.home / ".config" / "hashtrack" / "env"
        env_file.parent.mkdir(parents=True, exist_ok=True)
        env_file.write_text("SCAVIO_API_KEY=%s\nHASHTRACK_API_URL=%s\n"
                            % (self.api_key, self.api_url))
        command = self.alternatives[0].replace("set -a && ", "").replace(" && set +a", "")
        cp = self.cron_run(command)
        self.assertEqual(cp.returncode, 2)
        self.assertIn("no API key", cp.stderr)


@unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze is not installed")
class SystemdUnits(HashtrackTest):
    def units_dir(self):
        """The shipped units, ExecStart pointed at the binary under test (verify runs it)."""
        d = self.tmp / "units"
        d.mkdir()
        text = SERVICE.read_text().replace("/usr/local/bin/hashtrack", str(self.bin.resolve()))
        (d / "hashtrack.service").write_text(text)
        shutil.copy(TIMER, d / "hashtrack.timer")
        return d

    def test_the_units_verify(self):
        d = self.units_dir()
        cp = subprocess.run(["systemd-analyze", "verify", "--man=no",
                             str(d / "hashtrack.service"), str(d / "hashtrack.timer")],
                            capture_output=True, text=True, timeout=120)
        self.assertEqual(cp.returncode, 0, cp.stdout + cp.stderr)

    def test_the_service_exposure_is_at_most_2(self):
        cp = subprocess.run(["systemd-analyze", "security", "--offline=true", str(SERVICE)],
                            capture_output=True, text=True, timeout=120)
        m = re.search(r"Overall exposure level for hashtrack\.service: (\d+\.\d+)", cp.stdout)
        self.assertIsNotNone(m, cp.stdout + cp.stderr)
        self.assertLessEqual(float(m.group(1)), 2.0, cp.stdout)

    def test_the_service_takes_the_key_by_credential_keeps_the_network_and_has_a_timeout(self):
        text = SERVICE.read_text()
        self.assertRegex(text, r"(?m)^LoadCredential=scavio_api_key:")
        self.assertRegex(text, r"(?m)^TimeoutStartSec=\S+")
        self.assertNotRegex(text, r"(?m)^PrivateNetwork=(yes|true|1)")
        self.assertRegex(text, r"(?m)^RestrictAddressFamilies=.*AF_INET6")
        self.assertNotRegex(text, r"(?m)^EnvironmentFile=")


class ReadmeRecipes(unittest.TestCase):
    def test_the_readme_shows_the_shipped_crontab_lines_and_linger(self):
        readme = (REPO / "README.md").read_text()
        for line in CRONTAB.read_text().splitlines():
            if line and not line.startswith("#"):
                self.assertIn(line, readme)
        self.assertIn('loginctl enable-linger "$USER"', readme)


if __name__ == "__main__":
    unittest.main()
