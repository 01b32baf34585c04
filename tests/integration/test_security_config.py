"""Security of the configuration and of the key (interface.md, "Configuration").

Where a URL really goes (libcurl's host, not a hand-made parse), what is
shown of the key and of a webhook, what a config file may be, proxies on
plain http, and core dumps. The harness's tearDown checks after every test
that the key appears in no output and no database file.
"""

import os
import resource
import socket
import stat
import subprocess
import threading
import time

from .harness import T0, HashtrackTest, at, counts, fault

NOT_LOOPBACK = r"must use https://"


class UrlsAreJudgedByTheHostLibcurlConnectsTo(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1, 1))

    def test_userinfo_does_not_make_an_api_url_loopback(self):
        # remote.invalid never resolves: before the fix this ran (exit 1,
        # a connection error) with the key on its way to that host
        for url in ("http://localhost:1@remote.invalid:8080/api",
                    "http://127.0.0.1@remote.invalid/api",
                    "http://[::1]@remote.invalid/api"):
            with self.subTest(url=url):
                self.write_config(api_url=url)
                cp = self.assert_exit(self.ht("run", now=T0), 2)
                self.assertIn("[api] url 'http://remote.invalid/...' " + NOT_LOOPBACK, cp.stderr)
                self.assertNotIn("localhost:1", cp.stderr)

    def test_userinfo_does_not_make_an_api_url_from_the_environment_loopback(self):
        cp = self.ht("run", now=T0,
                     env_extra={"HASHTRACK_API_URL": "http://localhost:1@remote.invalid/api"})
        self.assert_exit(cp, 2)
        self.assertIn(NOT_LOOPBACK, cp.stderr)
        self.assertEqual(self.requests(), [])

    def test_userinfo_does_not_make_a_webhook_loopback_and_its_path_is_not_shown(self):
        self.write_config(alert_webhook="http://localhost:1@hooks.invalid/services/s3cr3t")
        cp = self.assert_exit(self.ht("run", now=T0), 2)
        self.assertIn("[alert] webhook 'http://hooks.invalid/...' " + NOT_LOOPBACK, cp.stderr)
        self.assertNotIn("s3cr3t", cp.stderr)
        self.assertNotIn("localhost:1", cp.stderr)
        self.assertEqual(self.requests(), [])

    def test_plain_http_to_loopback_by_name_is_still_accepted(self):
        self.write_config(api_url="http://localhost:%d/api/v1/tiktok/hashtag" % self.port,
                          alert_webhook="http://LOCALHOST:%d/hook/slack" % self.port)
        self.run_at(T0)
        self.assertEqual(len(self.requests()), 1)

    def test_https_is_accepted_to_any_host(self):
        self.write_config(api_url="https://user:pw@api.example.invalid/api",
                          alert_webhook="https://hooks.example.invalid/services/x")
        self.ok("list")


class SecretsAreNotShown(HashtrackTest):

    def test_an_api_error_that_echoes_the_key_is_masked_on_stderr_and_in_the_database(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=fault(400, body={"error": {
            "code": 400, "message": "bad request for key %s" % self.api_key}}))
        cp = self.run_at(T0, code=1)
        self.assertIn("bad request for key ****", cp.stderr)
        (row,) = self.list_tags()
        self.assertIn("bad request for key ****", row["last_error"])
        self.assertNotIn(self.api_key, row["last_error"])

    def test_a_rejected_key_echoed_by_the_api_is_masked(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=fault(401, body={"error": {
            "code": 401, "message": "invalid API key %s" % self.api_key}}))
        cp = self.run_at(T0, code=1)
        self.assertIn("invalid API key ****", cp.stderr)

    def test_a_count_quoting_the_key_shows_none_of_it(self):
        # the parser quotes a bad value cut to a few dozen characters: a cut
        # key would slip past a check for the whole key
        self.ok("add", "vibecoding")
        self.tags(vibecoding={"status": 200, "body": {"video_count": self.api_key,
                                                      "view_count": 1}})
        cp = self.run_at(T0, code=1)
        self.assertNotIn(self.api_key[8:20], cp.stderr)
        self.assertIn("****", cp.stderr)

    def test_a_key_with_a_line_break_in_the_environment_is_refused(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1, 1))
        for bad in (self.api_key + "\r\nX-Injected: 1", self.api_key + "\n",
                    self.api_key + "\x01"):
            with self.subTest(bad=repr(bad[-4:])):
                cp = self.assert_exit(self.ht("run", now=T0,
                                              env_extra={"SCAVIO_API_KEY": bad}), 2)
                self.assertIn("SCAVIO_API_KEY has a control character", cp.stderr)
                self.assertNotIn("X-Injected", cp.stderr)
        self.assertEqual(self.requests(), [])

    def test_a_key_with_a_carriage_return_in_the_config_file_is_refused(self):
        self.write_config(raw="[api]\nurl = %s\nkey = %s\rX-Injected: 1\n"
                          % (self.api_url, self.api_key))
        cp = self.assert_exit(self.ht("list", env_extra={"SCAVIO_API_KEY": None}), 2)
        self.assertIn("config.ini:3: key: the API key has a control character", cp.stderr)
        self.assertNotIn("X-Injected", cp.stderr)

    def test_doctor_shows_nothing_of_a_short_key(self):
        for key in ("abcd", "abcdefghijk"):
            with self.subTest(key=key):
                cp = self.ht("doctor", env_extra={"SCAVIO_API_KEY": key})
                self.assertNotIn("abc", cp.stdout)
                self.assertIn("(%d characters)" % len(key), cp.stdout)

    def test_doctor_shows_a_long_key_by_its_first_four_characters_only(self):
        cp = self.ht("doctor")
        self.assertIn(self.api_key[:4] + "...", cp.stdout)
        self.assertNotIn(self.api_key[:5], cp.stdout)

    def test_doctor_shows_a_webhook_by_scheme_and_host_only(self):
        self.write_config(alert_webhook="https://user:pw@hooks.example.invalid?token=s3cr3t")
        cp = self.ht("doctor")
        self.assertIn("https://hooks.example.invalid/...", cp.stdout)
        self.assertNotIn("s3cr3t", cp.stdout)
        self.assertNotIn("pw@", cp.stdout)

    def test_a_plain_http_webhook_is_named_by_scheme_and_host_without_its_path(self):
        self.write_config(alert_webhook="http://hooks.example.com/services/T0/B0/s3cr3t")
        cp = self.assert_exit(self.ht("list"), 2)
        self.assertIn("[alert] webhook 'http://hooks.example.com/...' " + NOT_LOOPBACK, cp.stderr)
        self.assertNotIn("s3cr3t", cp.stderr)
        self.assertNotIn("services", cp.stderr)

    def test_a_running_hashtrack_can_dump_no_core(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        if hard == 0:
            self.skipTest("core dumps are off for this test process already")
        # started with core dumps allowed, so only hashtrack itself can turn them off
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
        self.addCleanup(resource.setrlimit, resource.RLIMIT_CORE, (soft, hard))
        self.ok("add", "vibecoding")
        slow = counts(1, 1)
        slow["delay"] = 2
        self.tags(vibecoding=slow)
        proc = self.ht_start("run", now=T0)
        self.wait_for_arrivals(1)
        with open("/proc/%d/limits" % proc.pid, encoding="ascii") as f:
            (line,) = [ln for ln in f if ln.startswith("Max core file size")]
        self.assertEqual(line.split()[4:6], ["0", "0"], line)
        if os.geteuid() != 0:
            # a process that is not dumpable has its /proc files owned by root
            self.assertEqual(os.stat("/proc/%d" % proc.pid).st_uid, 0)
        self.assert_exit(self.ht_finish(proc), 0)


class ConfigFilesAreRegularFilesReadInBoundedMemory(HashtrackTest):

    def ht_bounded(self, *args, timeout=20):
        """Run hashtrack with at most 512 MiB of address space (not under ASan or
        valgrind, which need far more), failing the test when it takes too long."""
        argv = self._argv(args)
        limit = not (os.environ.get("ASAN_OPTIONS") or os.environ.get("HASHTRACK_VALGRIND"))

        def bound():
            if limit:
                resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))
        try:
            cp = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                encoding="utf-8", errors="replace", env=self.env(),
                                cwd=self.tmp, timeout=timeout, preexec_fn=bound)
        except subprocess.TimeoutExpired:
            self.fail("hashtrack %s did not finish within %ss"
                      % (" ".join(map(str, args)), timeout))
        self.outputs.append((argv, cp.stdout, cp.stderr))
        return cp

    def test_a_directory_is_refused(self):
        d = self.tmp / "confdir"
        d.mkdir()
        cp = self.assert_exit(self.ht("-c", d, "list"), 2)
        self.assertIn("cannot read config '%s': is a directory" % d, cp.stderr)
        cp = self.assert_exit(self.ht("list", env_extra={"HASHTRACK_CONFIG": d}), 2)
        self.assertIn("cannot read config '%s': is a directory" % d, cp.stderr)

    def test_a_device_that_never_ends_is_refused_at_once(self):
        cp = self.assert_exit(self.ht_bounded("-c", "/dev/zero", "list"), 2)
        self.assertIn("cannot read config '/dev/zero': not a regular file", cp.stderr)

    def test_a_fifo_is_refused_without_waiting_for_a_writer(self):
        fifo = self.tmp / "config.fifo"
        os.mkfifo(fifo)
        cp = self.assert_exit(self.ht_bounded("-c", fifo, "list", timeout=10), 2)
        self.assertIn("cannot read config '%s': not a regular file" % fifo, cp.stderr)

    def test_a_huge_file_without_a_newline_is_refused_by_its_first_line(self):
        # 4 GiB of NUL bytes that take no disk: the whole line is never held
        with open(self.config_path, "wb") as f:
            f.truncate(4 << 30)
        self.assertTrue(stat.S_ISREG(os.stat(self.config_path).st_mode))
        cp = self.assert_exit(self.ht_bounded("list"), 2)
        self.assertIn("config.ini:1: line longer than 198 characters", cp.stderr)


class ProxyListener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.connections = 0
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)
        self.sock.close()


class PlainHttpNeverGoesThroughAProxy(HashtrackTest):

    def test_the_api_and_the_webhook_on_loopback_bypass_every_proxy_variable(self):
        proxy = ProxyListener()
        self.addCleanup(proxy.stop)
        env = {name: proxy.url for name in ("http_proxy", "HTTP_PROXY", "all_proxy",
                                            "ALL_PROXY", "https_proxy", "HTTPS_PROXY")}
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1190, 29900))
        self.assert_exit(self.ht("run", now=T0, env_extra=env), 0)
        self.tags(vibecoding=counts(1200, 30000))       # the silent first evaluation
        self.assert_exit(self.ht("run", now=at(6), env_extra=env), 0)
        self.tags(vibecoding=counts(1500, 40007))       # +300 videos: an alert
        self.assert_exit(self.ht("run", now=at(12), env_extra=env), 0)
        self.assertEqual(len(self.requests()), 3)
        self.assertEqual(len(self.webhooks()), 1)
        time.sleep(0.2)         # a connection the listener has not accepted yet
        self.assertEqual(proxy.connections, 0, "a request went through the proxy")
