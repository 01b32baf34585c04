"""Channels: [channel.NAME] sections, routing by campaign, per-channel
delivery state, each format's payload against its platform's limits,
digests, Slack pacing, 429 waits, `alerts test`, and email over SMTP to a
real (minimal, loopback) server."""

import email
import email.header
import json
import os
import re
import sqlite3
import time

from .harness import T0, HashtrackTest, _write_atomic, at, counts
from .smtp_server import SmtpServer

STEADY_T0 = counts(1190, 29900)
STEADY = counts(1200, 30000)
JUMP = counts(1500, 40007)
CJK = "\u65e5" * 100            # 100 characters, 300 bytes
UNDERSCORES = "__init__"
FORMATS = ("slack", "discord", "teams", "ntfy", "json")


class ChannelTest(HashtrackTest):

    def channels_config(self, channels, **alert):
        """The default config plus [channel.NAME] sections: {name: {key: value}}."""
        cfg = self.default_config()
        cfg["alert"].update(alert)
        lines = []
        for section, keys in cfg.items():
            if keys:
                lines.append("[%s]" % section)
                lines.extend("%s = %s" % kv for kv in keys.items() if kv[1] is not None)
        for name, keys in channels.items():
            lines.append("[channel.%s]" % name)
            lines.extend("%s = %s" % kv for kv in keys.items())
        self.write_config(raw="\n".join(lines) + "\n")

    def jump(self, *tags):
        """A viral jump for each tag ready for the run at 12h."""
        self.ok("add", *tags)
        self.tags(**{t: STEADY_T0 for t in tags})
        self.run_at(T0)
        self.tags(**{t: STEADY for t in tags})
        self.run_at(at(6))
        self.tags(**{t: JUMP for t in tags})

    def paths(self, answers):
        """Per-path webhook answers: {"/hook/NAME": [status or {...}, ...]}."""
        _write_atomic(self.state / "hook.json", json.dumps({"paths": answers}))

    def hooks_to(self, name):
        return [h for h in self.webhooks() if h["path"] == "/hook/" + name]

    def set_campaign(self, tag, campaign):
        db = sqlite3.connect(str(self.db_path))
        with db:
            db.execute("UPDATE hashtag SET campaign = ? WHERE name = ?", (campaign, tag))
        db.close()


class Formats(ChannelTest):

    def setUp(self):
        super().setUp()
        self.channels_config({f: {"url": self.hook_url(f), "format": f}
                              for f in FORMATS if f != "slack"})
        self.jump(CJK, UNDERSCORES)
        self.run_at(at(12))
        self.ua = re.compile(r"hashtrack/\d")

    def bodies(self, name):
        hooks = self.hooks_to(name)
        self.assertEqual(len(hooks), 2, "%s got %d messages" % (name, len(hooks)))
        for h in hooks:
            self.assertRegex(h["user_agent"] or "", self.ua)
        return hooks

    def test_slack_shows_the_tag_as_a_link_within_its_limits(self):
        for h in self.bodies("slack"):
            body = json.loads(h["body"])
            self.assertIn("text", body)
            for block in body["blocks"]:
                if block["type"] == "section":
                    self.assertLessEqual(len(block["text"]["text"]), 3000)
            self.assertLessEqual(len(body["blocks"]), 50)
        texts = " ".join(json.loads(h["body"])["text"] for h in self.hooks_to("slack"))
        self.assertIn("<https://www.tiktok.com/tag/__init__|#__init__>", texts)

    def test_discord_escapes_the_tag_and_pings_no_one(self):
        contents = []
        for h in self.bodies("discord"):
            body = json.loads(h["body"])
            self.assertEqual(body["allowed_mentions"], {"parse": []})
            self.assertLessEqual(len(body["content"]), 2000)
            contents.append(body["content"])
        self.assertTrue(any("#\\_\\_init\\_\\_" in c for c in contents), contents)
        self.assertTrue(any("#" + CJK in c for c in contents), contents)

    def test_teams_sends_an_adaptive_card_in_a_workflows_message(self):
        for h in self.bodies("teams"):
            self.assertLess(len(h["body"].encode()), 28 * 1024)
            msg = json.loads(h["body"])
            self.assertEqual(msg["type"], "message")
            (att,) = msg["attachments"]
            self.assertEqual(att["contentType"], "application/vnd.microsoft.card.adaptive")
            card = att["content"]
            self.assertEqual(card["type"], "AdaptiveCard")
            self.assertIn(card["version"], ("1.4", "1.5"))
            self.assertTrue(card["body"])
            for el in card["body"]:
                self.assertEqual(el["type"], "TextBlock")
                self.assertIsInstance(el["text"], str)
            (action,) = card["actions"]
            self.assertEqual(action["type"], "Action.OpenUrl")
            self.assertTrue(action["url"].startswith("https://www.tiktok.com/tag/"))

    def test_ntfy_is_plain_text_with_title_tags_and_click(self):
        for h in self.bodies("ntfy"):
            self.assertTrue(h["content_type"].startswith("text/plain"))
            self.assertTrue(h["click"].startswith("https://www.tiktok.com/tag/"))
            self.assertEqual(h["tags"], "chart_with_upwards_trend")
            self.assertNotIn("\n", h["title"])
        titles = sorted(h["title"] for h in self.hooks_to("ntfy"))
        self.assertIn("Viral alert #__init__", titles)
        # the CJK title goes RFC 2047 encoded, which ntfy decodes
        self.assertTrue(any(t.startswith("=?UTF-8?B?") for t in titles), titles)

    def test_json_is_unchanged(self):
        for h in self.bodies("json"):
            body = json.loads(h["body"])
            self.assertIn(body["event"], ("viral",))
            self.assertIn(body["hashtag"], (CJK, UNDERSCORES))

    def test_alerts_json_shows_every_channel(self):
        for row in self.alerts():
            self.assertEqual(row["status"], "sent")
            self.assertEqual(sorted(c["name"] for c in row["channels"]),
                             sorted(["default", "discord", "teams", "ntfy", "json"]))
            for c in row["channels"]:
                self.assertEqual(set(c), {"name", "status", "attempts", "last_error",
                                          "sent_at"})
                self.assertEqual((c["status"], c["attempts"]), ("sent", 1))


class Routing(ChannelTest):

    def test_an_alert_goes_to_the_channels_of_its_campaign(self):
        self.channels_config({"summer": {"url": self.hook_url("summer"), "format": "json",
                                         "campaigns": "summer, promo"}})
        self.ok("add", "sun", "rain")
        self.set_campaign("sun", "summer")
        self.tags(sun=STEADY_T0, rain=STEADY_T0)
        self.run_at(T0)
        self.tags(sun=STEADY, rain=STEADY)
        self.run_at(at(6))
        self.tags(sun=JUMP, rain=JUMP)
        self.run_at(at(12))
        self.assertEqual([json.loads(h["body"])["hashtag"] for h in self.hooks_to("summer")],
                         ["sun"])
        self.assertEqual(len(self.hooks_to("slack")), 2)
        rain = [r for r in self.alerts() if r["hashtag"] == "rain"][0]
        self.assertEqual([c["name"] for c in rain["channels"]], ["default"])

    def test_no_channel_for_its_campaign_records_the_alert(self):
        self.channels_config({"summer": {"url": self.hook_url("summer"), "format": "json",
                                         "campaigns": "summer"}}, webhook=None)
        self.jump("rain")
        self.run_at(at(12))
        (row,) = self.alerts()
        self.assertEqual((row["status"], row["channels"]), ("recorded", []))
        self.assertEqual(self.webhooks(), [])


class DeadChannel(ChannelTest):

    def test_a_channel_down_for_three_runs_gets_each_alert_once_when_back(self):
        self.channels_config({"discord": {"url": self.hook_url("discord"),
                                          "format": "discord"}})
        self.jump("one", "two")
        self.paths({"/hook/discord": [503, 503, 503]})
        for minutes in (0, 10, 20):
            cp = self.run_at(at(12, minutes), code=1)
            self.assertIn("channel 'discord'", cp.stderr)
        slack = self.hooks_to("slack")
        self.assertEqual(len(slack), 2, "the live channel did not get its alerts on time")
        self.assertTrue(all(h["t"] < self.hooks_to("discord")[1]["t"] for h in slack))
        self.assertEqual([a["status"] for a in self.alerts("--pending")], ["pending"] * 2)
        self.run_at(at(12, 30))
        ok = [h for h in self.hooks_to("discord") if h["status"] == 200]
        self.assertEqual(len(ok), 2)
        self.assertEqual(len({h["body"] for h in ok}), 2, "an alert went twice")
        self.assertEqual(len(self.hooks_to("slack")), 2, "slack got an alert twice")
        self.assertEqual(self.alerts("--pending"), [])
        for row in self.alerts():
            by = {c["name"]: c for c in row["channels"]}
            self.assertEqual(by["default"]["attempts"], 1)
            self.assertEqual(by["discord"]["status"], "sent")

    def test_a_channel_taken_out_of_the_config_has_its_pending_alerts_dropped(self):
        self.channels_config({"gone": {"url": self.hook_url("gone"), "format": "json"}})
        self.jump("one")
        self.paths({"/hook/gone": [503]})
        self.run_at(at(12), code=1)
        self.write_config()
        cp = self.run_at(at(12, 10), quiet_when_ok=False)
        self.assertIn("channel 'gone' is no longer in the config: 1 alert pending for it "
                      "dropped", cp.stderr)
        (row,) = self.alerts()
        self.assertEqual(row["status"], "sent")


class Limits(ChannelTest):

    def test_more_than_digest_alerts_go_as_one_message(self):
        tags = ["t%d" % i for i in range(7)]
        self.channels_config({"discord": {"url": self.hook_url("discord"),
                                          "format": "discord"}}, digest="5")
        self.jump(*tags)
        self.run_at(at(12))
        (slack,) = self.hooks_to("slack")
        body = json.loads(slack["body"])
        self.assertIn("7 alerts", body["text"])
        for t in tags:
            self.assertIn("|#%s>" % t, slack["body"])
        (discord,) = self.hooks_to("discord")
        self.assertLessEqual(len(json.loads(discord["body"])["content"]), 2000)
        self.assertEqual([a["status"] for a in self.alerts()], ["sent"] * 7)

    def test_a_digest_too_long_for_discord_says_how_many_more(self):
        tags = [CJK[:99] + chr(0x4e00 + i) for i in range(9)]
        self.channels_config({"discord": {"url": self.hook_url("discord"),
                                          "format": "discord"}}, digest="2", webhook=None)
        self.jump(*tags)
        self.run_at(at(12))
        (discord,) = self.hooks_to("discord")
        content = json.loads(discord["body"])["content"]
        self.assertLessEqual(len(content), 2000)
        self.assertRegex(content, r"and \d+ more; see them all with 'hashtrack alerts'")

    def test_slack_gets_at_most_one_message_a_second(self):
        self.jump("one", "two", "three")
        self.run_at(at(12))
        t = [h["t"] for h in self.hooks_to("slack")]
        self.assertEqual(len(t), 3)
        for a, b in zip(t, t[1:]):
            self.assertGreaterEqual(b - a, 0.95)

    def test_discord_retry_after_in_the_body_is_honoured(self):
        self.channels_config({"discord": {"url": self.hook_url("discord"),
                                          "format": "discord"}}, webhook=None)
        self.jump("one")
        self.paths({"/hook/discord": [{"status": 429, "body": {"retry_after": 0.6}}]})
        self.run_at(at(12))
        hooks = self.hooks_to("discord")
        self.assertEqual([h["status"] for h in hooks], [429, 200])
        self.assertGreaterEqual(hooks[1]["t"] - hooks[0]["t"], 0.55)

    def test_a_retry_after_longer_than_a_minute_leaves_the_alert_for_the_next_run(self):
        self.jump("one", "two")
        self.paths({"/hook/slack": [{"status": 429, "headers": {"Retry-After": "600"}}]})
        started = time.monotonic()
        cp = self.run_at(at(12), code=1)
        self.assertLess(time.monotonic() - started, 30)
        self.assertIn("asked to wait", cp.stderr)
        self.assertIn("longer than a run waits (60s)", cp.stderr)
        self.assertEqual(len(self.alerts("--pending")), 2)


class AlertsTest(ChannelTest):

    def test_alerts_test_reports_each_channel_and_fails_for_a_dead_one(self):
        self.channels_config({"ops": {"url": self.hook_url("ops"), "format": "teams"}})
        cp = self.ok("alerts", "test")
        self.assertEqual(len(cp.stdout.splitlines()), 2)
        self.assertRegex(cp.stdout, r"(?m)^ok +default +slack +http://127\.0\.0\.1/\.\.\.$")
        self.assertNotIn("/hook/", cp.stdout)
        for h in self.webhooks():
            self.assertIn("hashtrack test message", h["body"])
            self.assertIn("this is not an alert", h["body"])
        self.paths({"/hook/ops": [500]})
        cp = self.assert_exit(self.ht("alerts", "test"), 1)
        self.assertRegex(cp.stdout, r"(?m)^fail +ops +teams .*webhook answered 500$")
        self.assertRegex(cp.stdout, r"(?m)^ok +default ")
        cp = self.assert_exit(self.ht("alerts", "test", "--channel", "nope"), 2)
        self.assertIn("no channel 'nope'", cp.stderr)
        self.ok("alerts", "test", "--channel", "ops")
        self.assertFalse(self.db_path.exists(), "alerts test wrote a database")

    def test_doctor_posts_only_when_asked(self):
        self.ok("add", "one")
        self.ht("doctor", "--online")
        self.assertEqual(self.webhooks(), [])
        cp = self.ht("doctor", "--online", "--test-channels")
        self.assertEqual(len(self.webhooks()), 1)
        self.assertIn("ok    default", cp.stdout)


class Email(ChannelTest):

    def server(self, password=None):
        server = SmtpServer(password=password).start()
        self.addCleanup(server.stop)
        return server

    def email_config(self, server, user="", **extra):
        channel = {"url": "smtp://%s127.0.0.1:%d" % (user, server.port), "format": "email",
                   "to": "a@example.test, b@example.test", "from": "ht@example.test"}
        channel.update(extra)
        self.channels_config({"mail": channel}, webhook=None)

    def test_an_alert_is_mailed_with_a_subject_naming_the_tag(self):
        server = self.server()
        self.email_config(server)
        self.jump(UNDERSCORES, CJK)
        self.run_at(at(12))
        self.assertEqual(len(server.messages), 2)
        for m in server.messages:
            self.assertEqual(m["from"], "<ht@example.test>")
            self.assertEqual(m["rcpt"], ["<a@example.test>", "<b@example.test>"])
            head, _, body = m["data"].partition("\r\n\r\n")
            for h in ("Date: ", "From: ht@example.test", "To: a@example.test, b@example.test",
                      "Message-ID: <", "Subject: "):
                self.assertIn("\r\n" + h if not head.startswith(h) else h, "\r\n" + head)
            self.assertIn("https://www.tiktok.com/tag/", body)
        subjects = [re.search(r"Subject: ([^\r]*)", m["data"]).group(1)
                    for m in server.messages]
        self.assertIn("Viral alert #__init__", subjects)
        self.assertTrue(any(s.startswith("=?UTF-8?B?") for s in subjects), subjects)
        decoded = {str(email.header.make_header(email.header.decode_header(
            email.message_from_string(m["data"])["Subject"]))) for m in server.messages}
        self.assertEqual(decoded, {"Viral alert #__init__", "Viral alert #" + CJK})
        self.assertEqual([a["status"] for a in self.alerts()], ["sent"] * 2)

    def test_a_password_file_logs_in_and_a_refusal_names_the_reply_never_the_password(self):
        server = self.server(password="s3cr3t-pw")
        pw = self.tmp / "smtp_password"
        pw.write_text("  s3cr3t-pw \n")
        os.chmod(pw, 0o600)
        self.email_config(server, user="robot@", password_file=str(pw))
        self.ok("alerts", "test")
        self.assertEqual(server.messages[0]["auth"], "robot")
        server.fail = {"RCPT": "550 5.1.1 no such user here"}
        cp = self.assert_exit(self.ht("alerts", "test"), 1)
        self.assertIn("fail  mail", cp.stdout)
        self.assertIn("550", cp.stdout)
        self.assertNotIn("s3cr3t", cp.stdout + cp.stderr)

    def test_an_email_channel_needs_smtp_and_recipients(self):
        self.channels_config({"mail": {"url": "https://x.example/", "format": "email",
                                       "to": "a@example.test", "from": "b@example.test"}})
        cp = self.assert_exit(self.ht("list"), 2)
        self.assertIn("[channel.mail] url: an email channel needs smtp://", cp.stderr)
        self.channels_config({"mail": {"url": "smtp://127.0.0.1:25", "format": "email"}})
        cp = self.assert_exit(self.ht("list"), 2)
        self.assertIn("needs both to = and from =", cp.stderr)
