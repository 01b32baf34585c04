"""The API over real TLS with a private CA: interface.md "Configuration" ([api] ca_file,
CURL_CA_BUNDLE, SSL_CERT_FILE) and "The API call" (certificate and proxy errors stop
the run at once, in one line).

The CA and the server's certificate (SAN IP:127.0.0.1, DNS:localhost) are made
for each test with the openssl command; the simulator serves them.
"""

import shutil
import subprocess
import sys
import time
import unittest

from .harness import SIM, SIM_READY_TIMEOUT, T0, HashtrackTest, at, closed_port, counts

OPENSSL = shutil.which("openssl")


def openssl(*args, cwd):
    subprocess.run([OPENSSL] + list(args), cwd=cwd, check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=30)


def make_ca(d, name):
    """A self-signed CA in d: NAME.key, NAME.pem."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", name + ".key", "-out", name + ".pem", "-days", "2",
            "-subj", "/CN=hashtrack test " + name, cwd=d)


def make_server_cert(d, ca):
    """server.key and server.pem for 127.0.0.1 and localhost, signed by ca."""
    (d / "ext.cnf").write_text("subjectAltName = IP:127.0.0.1, DNS:localhost\n"
                               "basicConstraints = CA:FALSE\n"
                               "extendedKeyUsage = serverAuth\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost", cwd=d)
    openssl("x509", "-req", "-in", "server.csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf",
            cwd=d)


@unittest.skipUnless(OPENSSL, "the openssl command is needed to make a private CA")
class PrivateCA(HashtrackTest):
    TAGS = ["t1", "t2", "t3"]

    def setUp(self):
        super().setUp()
        self.pki = self.tmp / "pki"
        self.pki.mkdir()
        make_ca(self.pki, "ca")
        make_ca(self.pki, "other")
        make_server_cert(self.pki, "ca")
        self.ca = self.pki / "ca.pem"
        self.tls_url = "https://127.0.0.1:%d/api/v1/tiktok/hashtag" % self._start_tls_sim()
        self.write_config(api_url=self.tls_url, api_retries="3")
        self.ok("add", *self.TAGS)
        self.tags(**{t: counts(1, 2) for t in self.TAGS})

    def _start_tls_sim(self):
        ready = self.tmp / "tls.port"
        env = {"SIM_API_KEY": self.api_key, "PATH": "/usr/bin:/bin"}
        with open(self.tmp / "tls-sim.log", "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, str(SIM), "--port", "0", "--ready-file", str(ready),
                 "--state-dir", str(self.state), "--tls-cert", str(self.pki / "server.pem"),
                 "--tls-key", str(self.pki / "server.key")],
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self._stop_process, proc)
        deadline = time.monotonic() + SIM_READY_TIMEOUT
        while not ready.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                self.fail("TLS simulator not ready: %s"
                          % (self.tmp / "tls-sim.log").read_text(errors="replace"))
            time.sleep(0.02)
        return int(ready.read_text().strip())

    def assert_stored(self, env_extra=None, hour=0):
        cp = self.assert_exit(self.ht("run", now=at(hour), env_extra=env_extra), 0)
        self.assertEqual(cp.stderr, "")
        for tag in self.TAGS:
            self.assertEqual(len(self.snapshots(tag)), hour + 1, tag)

    def test_an_untrusted_certificate_stops_the_run_at_once_in_one_line(self):
        started = time.monotonic()
        cp = self.assert_exit(self.ht("run", now=T0), 1)
        self.assertLess(time.monotonic() - started, 5, "the certificate error was retried")
        lines = cp.stderr.splitlines()
        self.assertEqual(len(lines), 1, self.describe(cp))
        self.assertIn("certificate", lines[0])
        self.assertIn("https://127.0.0.1:", lines[0])
        self.assertIn("[api] ca_file", lines[0])
        self.assertIn("run stopped", lines[0])
        self.assertEqual(self.requests(), [], "a request went out over an untrusted TLS")

    def test_api_ca_file_is_trusted(self):
        self.write_config(api_url=self.tls_url, api_ca_file=self.ca)
        self.assert_stored()
        cp = self.ht("doctor")
        self.assertIn("also trusting the CAs in '%s' ([api] ca_file)" % self.ca, cp.stdout)

    def test_curl_ca_bundle_and_ssl_cert_file_are_honoured(self):
        for hour, var in enumerate(("CURL_CA_BUNDLE", "SSL_CERT_FILE")):
            with self.subTest(var=var):
                self.assert_stored({var: self.ca}, hour=hour)

    def test_the_environment_bundle_wins_over_the_config(self):
        self.write_config(api_url=self.tls_url, api_ca_file=self.pki / "other.pem")
        self.assert_stored({"CURL_CA_BUNDLE": self.ca})

    def test_the_wrong_ca_file_says_which_bundle_was_used(self):
        self.write_config(api_url=self.tls_url, api_ca_file=self.pki / "other.pem")
        cp = self.assert_exit(self.ht("run", now=T0), 1)
        self.assertEqual(len(cp.stderr.splitlines()), 1, self.describe(cp))
        self.assertIn("even with the CA bundle '%s'" % (self.pki / "other.pem"), cp.stderr)

    def test_an_unreadable_ca_file_is_a_configuration_error_naming_it(self):
        missing = self.tmp / "nope.pem"
        self.write_config(api_url=self.tls_url, api_ca_file=missing)
        cp = self.assert_exit(self.ht("run", now=T0), 2)
        self.assertIn("[api] ca_file '%s'" % missing, cp.stderr)
        cp = self.assert_exit(self.ht("run", now=T0, env_extra={"CURL_CA_BUNDLE": missing}), 2)
        self.assertIn("CURL_CA_BUNDLE '%s'" % missing, cp.stderr)

    def test_webhooks_trust_the_same_ca_file(self):
        hook = self.tls_url.replace("/api/v1/tiktok/hashtag", "/hook/slack")
        self.write_config(api_url=self.tls_url, alert_webhook=hook)
        cp = self.assert_exit(self.ht("alerts", "test"), 1)
        self.assertIn("certificate", cp.stdout + cp.stderr)
        self.write_config(api_url=self.tls_url, alert_webhook=hook, api_ca_file=self.ca)
        cp = self.assert_exit(self.ht("alerts", "test"), 0)
        self.assertEqual([h["path"] for h in self.webhooks()], ["/hook/slack"])

    def test_a_proxy_refusing_the_connection_stops_the_run_naming_it(self):
        self.write_config(api_url=self.tls_url, api_ca_file=self.ca)
        port = closed_port()
        started = time.monotonic()
        cp = self.assert_exit(self.ht("run", now=T0, env_extra={
            "https_proxy": "http://user:pw1234@127.0.0.1:%d" % port}), 1)
        self.assertLess(time.monotonic() - started, 5, "the proxy error was retried")
        lines = cp.stderr.splitlines()
        self.assertEqual(len(lines), 1, self.describe(cp))
        self.assertIn("proxy 'http://user:****@127.0.0.1:%d" % port, lines[0])
        self.assertNotIn("pw1234", cp.stderr)
        self.assertIn("https://127.0.0.1:", lines[0])


if __name__ == "__main__":
    unittest.main()
