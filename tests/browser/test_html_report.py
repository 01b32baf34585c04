"""`report --format html` as a person sees it: rendered by headless Chromium.

Each test builds a database the way users do (an imported history, then
`run`s against the simulated API, one of which raises viral alerts), writes
the page, renders it with tests/browser/render.sh to a PNG and a DOM dump,
and checks that the page rendered: a PNG that is not blank, the expected
title and content in the DOM. With HASHTRACK_BROWSER_OUT=DIR the pages and
PNGs are kept there to look at.

Needs Debian's `chromium` (`make check-browser` installs it as root);
without it every test skips.
"""

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

from tests.integration.harness import REPO, HashtrackTest, at, counts

RENDER = REPO / "tests" / "browser" / "render.sh"
CHROMIUM = os.environ.get("CHROMIUM", "chromium")
RENDER_TIMEOUT = 150


def decode_png(data):
    """(width, height, rows of RGB tuples) of an 8-bit, non-interlaced PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, ctype, _, _, interlace = header
    if depth != 8 or interlace or ctype not in (2, 6):
        raise ValueError("unsupported PNG: depth %d, colour type %d" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        ftype, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return width, height, rows


class HtmlReportRenders(HashtrackTest):

    def setUp(self):
        if not shutil.which(CHROMIUM):
            self.skipTest("%s is not installed; 'make check-browser' installs it as root"
                          % CHROMIUM)
        super().setUp()

    # ---- the data --------------------------------------------------------

    def history_csv(self, tags, days=5):
        """Imported snapshots every 6 h for `days` days up to 6 h before T0."""
        lines = ["hashtag,ts,video_count,view_count"]
        steps = days * 4
        for tag, (videos, views, per_step) in tags.items():
            for i in range(steps):
                n = i * per_step + (i * i * per_step) // (4 * steps)
                lines.append("%s,%s,%d,%d" % (tag, at(-6 * (steps - i)), videos + n,
                                              views + n * 2917))
        return "\n".join(lines) + "\n"

    def build(self):
        tags = {"vibecoding": (11800, 35000000, 60), "aitools": (81250, 310200000, 400),
                "marketingtips": (2410330, 9120004411, 900)}
        self.ok("add", *tags)
        self.ok("import", "-", stdin=self.history_csv(tags))
        last = {tag: self.snapshots(tag)[-1] for tag in tags}
        base = {tag: (row["video_count"], row["view_count"]) for tag, row in last.items()}
        # Under 200 new videos in 6 h is no alert (the default rules), so:
        # T0 and T0+6h vibecoding takes off (two alerts); T0+12h aitools does.
        plan = [
            {"vibecoding": (900, 4000000), "aitools": (120, 800000), "marketingtips": (150, 2900000)},
            {"vibecoding": (1500, 9000000), "aitools": (130, 820000), "marketingtips": (140, 2800000)},
            {"vibecoding": (60, 3000000), "aitools": (2500, 9000000), "marketingtips": (160, 3000000)},
        ]
        for step, growth in enumerate(plan):
            for tag, (dv, dw) in growth.items():
                base[tag] = (base[tag][0] + dv, base[tag][1] + dw)
            self.tags(**{tag: counts(v, w) for tag, (v, w) in base.items()})
            self.run_at(at(6 * step))
        self.ok("add", "newtag")        # tracked, never fetched: no data

    def page(self, name, *args, now=None):
        path = self.tmp / (name + ".html")
        path.write_text(self.ok("report", "--format", "html", *args, now=now).stdout,
                        encoding="utf-8")
        return path

    # ---- the browser -----------------------------------------------------

    def render(self, page, size="1280,2400"):
        png = page.with_suffix(".png")
        cp = subprocess.run(["sh", str(RENDER), str(page), str(png), size],
                            capture_output=True, text=True, timeout=RENDER_TIMEOUT)
        self.assertEqual(cp.returncode, 0, "render.sh failed:\n%s" % cp.stderr)
        keep = os.environ.get("HASHTRACK_BROWSER_OUT")
        if keep:
            os.makedirs(keep, exist_ok=True)
            shutil.copy(page, keep)
            shutil.copy(png, keep)
        return decode_png(png.read_bytes())

    def dom(self, page):
        cp = subprocess.run(["sh", str(RENDER), "--dom", str(page)],
                            capture_output=True, text=True, timeout=RENDER_TIMEOUT)
        self.assertEqual(cp.returncode, 0, "render.sh --dom failed:\n%s" % cp.stderr)
        return cp.stdout

    def assert_not_blank(self, image):
        width, height, rows = image
        background = rows[2][2]
        pixels = [p for row in rows[::4] for p in row[::4]]
        other = sum(1 for p in pixels if p != background)
        self.assertGreater(other / len(pixels), 0.02, "the page rendered (nearly) blank")
        self.assertGreater(len(set(pixels)), 50, "too few colours for a rendered page")
        return pixels

    @staticmethod
    def near(p, rgb, tol=40):
        return all(abs(a - b) <= tol for a, b in zip(p, rgb))

    # ---- the tests -------------------------------------------------------

    def test_the_report_page_renders_with_charts_and_viral_marks(self):
        self.build()
        page = self.page("report", now=at(12))
        dom = self.dom(page)
        self.assertIn("<title>hashtrack report", dom)
        for tag in ("vibecoding", "aitools", "marketingtips", "newtag"):
            self.assertIn('id="tag-%s"' % tag, dom)
        self.assertGreaterEqual(dom.count('class="chart"'), 6, "two charts per hashtag with data")
        self.assertGreaterEqual(dom.count('class="mark"'), 4,
                                "each viral alert marked in both charts")
        self.assertIn("VIRAL", dom)
        self.assertEqual(len(self.alert_rows()), 3)
        pixels = self.assert_not_blank(self.render(page))
        self.assertTrue(any(self.near(p, (0x25, 0x63, 0xEB)) for p in pixels),
                        "no video-count line (blue) on the page")
        self.assertTrue(any(self.near(p, (0xDC, 0x26, 0x26)) for p in pixels),
                        "no viral mark (red) on the page")

    def test_an_empty_database_renders_a_page_that_says_so(self):
        page = self.page("empty")
        dom = self.dom(page)
        self.assertIn("<title>hashtrack report", dom)
        self.assertIn("No hashtags to show", dom)
        self.assert_not_blank(self.render(page, "1280,700"))

    def test_one_snapshot_per_tag_renders(self):
        self.ok("add", "vibecoding", "aitools")
        self.tags(vibecoding=counts(1200, 30000), aitools=counts(5000, 100000))
        self.run_at(at(0))
        page = self.page("single", now=at(0))
        dom = self.dom(page)
        self.assertIn("no-baseline", dom)
        self.assertEqual(dom.count('class="chart"'), 4)
        self.assert_not_blank(self.render(page, "1280,1400"))
