"""Unicode tags: one NFC, case-folded form per tag, and tables that line up
by display width (interface.md, Hashtags)."""

import re
import unicodedata

from .harness import T0, HashtrackTest, counts

CAFE = "caf\u00e9"              # é composed
CAFE_DECOMPOSED = "cafe\u0301"  # e + COMBINING ACUTE ACCENT
JAPAN = "日本旅行"


def display_width(text):
    """Terminal columns: East Asian wide and full-width take two, marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def token_columns(line):
    """The display column where each space-separated token of line starts."""
    return [display_width(line[:m.start()]) for m in re.finditer(r"\S+", line)]


class OneFormPerTag(HashtrackTest):

    def test_cafe_composed_and_decomposed_is_one_tag_with_one_link(self):
        self.ok("add", CAFE)
        self.ok("add", CAFE_DECOMPOSED, "#CAF\u00c9")
        self.assertEqual([t["hashtag"] for t in self.list_tags()], [CAFE])
        self.tags(**{CAFE: counts(10, 100)})
        self.run_at(T0)
        self.assertEqual([r["hashtag"] for r in self.requests()], [CAFE])
        self.require("report", "--format", "html")
        page = self.ok("report", "--format", "html", now=T0).stdout
        links = re.findall(r"https://www\.tiktok\.com/tag/[^\"'<>\s]*", page)
        self.assertEqual(sorted(set(links)), ["https://www.tiktok.com/tag/caf%C3%A9"])

    def test_upper_case_accented_letters_are_folded(self):
        self.ok("add", "\u00c9T\u00c9")
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["\u00e9t\u00e9"])
        self.assertEqual([h["hashtag"] for h in self.report(T0)["hashtags"]],
                         ["\u00e9t\u00e9"])


class TablesLineUpByDisplayWidth(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.ok("add", JAPAN, "ai")

    def assert_rows_line_up(self, out):
        rows = {}
        for line in out.splitlines():
            for tag in (JAPAN, "ai"):
                if re.match(r"#?%s\s" % tag, line):
                    rows[tag] = line
        self.assertEqual(set(rows), {JAPAN, "ai"}, out)
        # The rows are alike after the tag: every later column starts where the other's does.
        japan, ascii_row = token_columns(rows[JAPAN]), token_columns(rows["ai"])
        self.assertGreater(len(japan), 1, out)
        self.assertEqual(japan[1:], ascii_row[1:], out)
        self.assertGreater(japan[1], display_width("#" + JAPAN), out)

    def test_list_table_lines_up_a_cjk_tag_beside_an_ascii_one(self):
        self.assert_rows_line_up(self.ok("list").stdout)

    def test_report_table_lines_up_a_cjk_tag_beside_an_ascii_one(self):
        self.tags(**{JAPAN: counts(1200, 30000), "ai": counts(1200, 30000)})
        self.run_at(T0)
        self.assert_rows_line_up(self.ok("report", now=T0).stdout)
