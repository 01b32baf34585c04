"""Hostile or broken answers from the API and the webhook, answered safely.

A 2xx from the webhook is a delivery even when its body is cut short or
stalls; text from the network reaches stderr and the database only as valid
UTF-8 on one line; `retries` means that many extra attempts; a 429 storm
waits what the server asks, no more; an oversized header is named as such.
interface.md: "The API call", "run".
"""

from .harness import T0, at
from .test_faults import VIBE_JUMP, VIBE_T0, FaultTest


class WebhookTwoHundredCutShort(FaultTest):
    """interface.md, run step 5: marked sent after a 2xx; none sent twice."""

    def setUp(self):
        super().setUp()
        self.write_config(api_timeout="2s")
        self.ok("add", "vibecoding")
        self.tags(vibecoding=VIBE_T0)
        self.run_at(T0)
        self.tags(vibecoding=VIBE_JUMP)

    def assert_delivered_once(self):
        self.assertEqual(len(self.webhooks()), 1, self.webhooks())
        (alert,) = self.alerts()
        self.assertEqual((alert["status"], alert["attempts"], alert["last_error"]),
                         ("sent", 1, None))
        self.run_at(at(6, 10))
        self.assertEqual(len(self.webhooks()), 1, "a delivered alert was sent again")

    def test_a_200_whose_body_is_cut_short_is_a_delivery(self):
        self.hook_answers([{"status": 200, "truncate": True}])
        cp = self.run_at(at(6))
        self.assertEqual(cp.stderr, "")
        self.assert_delivered_once()

    def test_a_200_that_stalls_after_its_status_line_is_a_delivery(self):
        self.hook_answers([{"status": 200, "stall": 4}])
        cp = self.run_at(at(6))
        self.assertEqual(cp.stderr, "")
        self.assert_delivered_once()

    def test_a_503_cut_short_is_still_a_failure_named_by_its_status(self):
        self.hook_answers([{"status": 503, "truncate": True}])
        cp = self.run_at(at(6), code=1)
        self.assert_one_line_per_tag(cp, {"vibecoding": "webhook answered 503"})
        (alert,) = self.alerts()
        self.assertEqual(alert["status"], "pending")
