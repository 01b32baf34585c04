"""`report --format html` as a person sees it: rendered by headless Chromium.

Each test builds a database the way users do (an imported history, then
`run`s against the simulated API, one of which raises viral alerts), writes
the page, renders it with tests/browser/render.sh to a PNG and a DOM dump,
and checks that the page rendered: a PNG that is not blank, the expected
title and content in the DOM, and, at 1280 px, a layout that needs no
sideways scrolling. With HASHTRACK_BROWSER_OUT=DIR the pages and PNGs are
kept there to look at.

Needs Debian's `chromium` (`make check-browser` installs it as root);
without it every test skips.
"""

import json
import math
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

from tests.integration.harness import REPO, HashtrackTest, at, counts, fault

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

    LONG_TAG = "averyveryverylonghashtagthatgoesonandonwithoutanyspacesatall2026"

    @staticmethod
    def hourly(videos, views, per_hour, days=8, unknown_views_every=0):
        """(ts, videos, views) every hour for `days` days up to 6 h before T0,
        views with a day/night cycle; every nth views count unknown (None)."""
        rows, hours = [], days * 24
        for i in range(hours):
            h = i - hours - 5
            day = 1.0 + 0.5 * math.sin(2 * math.pi * ((h % 24) - 6) / 24)
            videos += int(per_hour[0] * day)
            views += int(per_hour[1] * day)
            unknown = unknown_views_every and i % unknown_views_every == 3
            rows.append((at(h), videos, None if unknown else views))
        return rows

    def history_csv(self, tags):
        lines = ["hashtag,ts,video_count,view_count"]
        for tag, rows in tags.items():
            for ts, v, w in rows:
                lines.append("%s,%s,%d,%s" % (tag, ts, v, "" if w is None else w))
        return "\n".join(lines) + "\n"

    def build(self):
        """A week of hourly history, then runs every 6 h from T0: vibecoding
        takes off at T0+6h, notfound stops answering (404) and flaky fails
        (400); partial has unknown view counts; newtag never got data."""
        hist = {
            "vibecoding": self.hourly(11800, 35000000, (5, 40000)),
            "aitools": self.hourly(81250, 310200000, (60, 300000)),
            "marketingtips": self.hourly(2410330, 2800000000, (150, 500000)),
            "partial": self.hourly(5000, 9000000, (4, 20000), unknown_views_every=5),
            "notfound": self.hourly(900, 120000, (1, 200)),
            "flaky": self.hourly(3000, 800000, (2, 3000)),
            self.LONG_TAG: self.hourly(700, 50000, (1, 500)),
        }
        self.ok("add", *hist)
        self.ok("import", "-", stdin=self.history_csv(hist))
        last = {tag: rows[-1][1:] for tag, rows in hist.items()}
        growth = {"vibecoding": (30, 240000), "aitools": (360, 1800000),
                  "marketingtips": (900, 3000000), "partial": (24, 120000),
                  "notfound": (6, 1200), "flaky": (12, 18000), self.LONG_TAG: (6, 3000)}
        for step in range(3):
            world = {}
            for tag, (dv, dw) in growth.items():
                if tag == "vibecoding" and step >= 1:
                    dv, dw = dv * 20, dw * 25             # the take-off
                videos, views = last[tag]
                last[tag] = (videos + dv, views + dw if views is not None else None)
                world[tag] = counts(last[tag][0], last[tag][1], shape=1)
            if step == 2:
                world["notfound"] = fault(404)
                world["flaky"] = fault(400, {"error": {"code": 400,
                                                       "message": "hashtag_name is invalid"}})
            self.tags(**world)
            self.run_at(at(6 * step), code=0 if step < 2 else 1)
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

    def dom(self, page, size=None):
        cp = subprocess.run(["sh", str(RENDER), "--dom", str(page)] + ([size] if size else []),
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

    # A probe added to a copy of the page (the page itself has no script):
    # how wide the page and the table are laid out, and where each row's
    # status and window cells end, written into the DOM as JSON.
    PROBE = """<script>
(function () {
  var w = window.innerWidth, out = {viewport: w,
    page: document.documentElement.scrollWidth, scrolls: [], cells: []};
  document.querySelectorAll('.scroll').forEach(function (s) {
    out.scrolls.push([s.scrollWidth, s.clientWidth]);
  });
  document.querySelectorAll('tbody tr').forEach(function (tr) {
    tr.querySelectorAll('td').forEach(function (td, i) {
      var r = td.getBoundingClientRect();
      out.cells.push([i, Math.round(r.left), Math.round(r.right)]);
    });
  });
  var pre = document.createElement('pre');
  pre.id = 'layout';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""

    def layout(self, page, width=1280):
        probe = page.with_name(page.stem + "-probe.html")
        probe.write_text(page.read_text(encoding="utf-8").replace(
            "</body>", self.PROBE + "</body>"), encoding="utf-8")
        dom = self.dom(probe, "%d,800" % width)
        start = dom.index('<pre id="layout">') + len('<pre id="layout">')
        return json.loads(dom[start:dom.index("</pre>", start)].replace("&quot;", '"'))

    # ---- the tests -------------------------------------------------------

    def test_the_report_page_renders_with_pace_charts_and_alert_marks(self):
        self.build()
        page = self.page("report", now=at(12))
        dom = self.dom(page)
        self.assertIn("<title>hashtrack report", dom)
        tags = ("vibecoding", "aitools", "marketingtips", "partial", "notfound", "flaky",
                self.LONG_TAG, "newtag")
        for tag in tags:
            self.assertIn('id="tag-%s"' % tag, dom)
        self.assertEqual(dom.count('class="chart"'), 2 * (len(tags) - 1),
                         "a views and a videos pace chart per hashtag with data")
        self.assertGreaterEqual(dom.count('class="band"'), 2 * 5, "the usual pace as a band")
        alerts = self.alert_rows()
        self.assertGreaterEqual(len(alerts), 1, "vibecoding's take-off raised an alert")
        self.assertEqual(dom.count('class="mark"'), 2 * len(alerts),
                         "each alert marked in both charts")
        self.assertIn("VIRAL", dom)
        self.assertIn("New views per hour", dom)
        self.assertIn("in the last 6 hours", dom.lower())
        self.assertIn("hashtag_name is invalid", dom)
        self.assertRegex(dom, r'<tr class="failing"><td><a href="#tag-notfound">')
        self.assertRegex(dom, r'<tr class="failing"><td><a href="#tag-flaky">')
        self.assertRegex(dom, r'<tr class="viral"><td><a href="#tag-vibecoding">')
        image = self.render(page)
        pixels = self.assert_not_blank(image)
        self.assertTrue(any(self.near(p, (0x0D, 0x94, 0x88)) for p in pixels),
                        "no views pace line (teal) on the page")
        self.assertTrue(any(self.near(p, (0x25, 0x63, 0xEB)) for p in pixels),
                        "no videos pace line (blue) on the page")
        self.assertTrue(any(self.near(p, (0xDC, 0x26, 0x26)) for p in pixels),
                        "no viral mark (red) on the page")

    def test_the_page_fits_a_1280_px_laptop_without_sideways_scrolling(self):
        self.build()
        page = self.page("laptop", now=at(12))
        got = self.layout(page, 1280)
        self.assertEqual(got["viewport"], 1280)
        self.assertLessEqual(got["page"], 1280, "the page scrolls sideways at 1280 px")
        for scroll, client in got["scrolls"]:
            self.assertLessEqual(scroll, client, "the table scrolls sideways at 1280 px")
        cells = got["cells"]
        self.assertTrue(cells)
        for i, left, right in cells:
            self.assertGreaterEqual(left, 0)
            self.assertLessEqual(right, 1280, "cell %d of a row is cut off at 1280 px" % i)
        self.assert_not_blank(self.render(page, "1280,800"))

    def test_an_empty_database_renders_a_page_that_says_so(self):
        self.ok("add", "gone")
        self.ok("remove", "--purge", "gone")
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
        self.assertIn("learning", dom)
        self.assertEqual(dom.count('class="chart"'), 4)
        self.assertIn("a pace needs two snapshots", dom)
        self.assert_not_blank(self.render(page, "1280,1400"))
