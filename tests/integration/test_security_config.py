"""Security of the configuration and of the key (interface.md, "Configuration").

Where a URL really goes (libcurl's host, not a hand-made parse), what is
shown of the key and of a webhook, what a config file may be, proxies on
plain http, and core dumps. The harness's tearDown checks after every test
that the key appears in no output and no database file.
"""

from .harness import T0, HashtrackTest, fault


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

