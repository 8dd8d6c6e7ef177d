#!/usr/bin/env python3
"""Open calcmine's HTML pages in headless Chromium (Selenium, Debian's chromium and
chromedriver) from file:// and check what a person would see:

  check_html.py SHOTS_DIR PAGE.html [PAGE.html ...]

For each page:
  - no console message of level SEVERE (errors, blocked loads, failed scripts);
  - no network request but file:// (the DevTools Network events of the performance log, and
    the page's own resource timing entries);
  - every chart (svg.chart) has child elements and a size on screen;
  - the filter box, where there is one, hides the rows that do not match what is typed and
    shows them all again once cleared;
  - a link to a review opens that review;
  - screenshots (1400 x 1000) of the top of the page and of the review a link opened are saved
    in SHOTS_DIR, their paths printed.
Exits 1 on the first page that fails a check.
"""
import json
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


def fail(page, msg):
    print(f"60-html: FAIL {page}: {msg}", file=sys.stderr)
    sys.exit(1)


def browser(profile):
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
              "--disable-background-networking", "--disable-component-update",
              "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1000"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)


def visible_rows(d):
    return d.execute_script(
        "return Array.from(document.querySelectorAll('table.filterable tbody tr'))"
        ".filter(function (tr) { return tr.offsetParent !== null; })"
        ".map(function (tr) { return tr.textContent; });")


def check(d, path, shots):
    name = os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path)
    d.get("about:blank")
    d.get_log("browser")
    d.get_log("performance")
    url = "file://" + os.path.abspath(path)
    d.get(url)
    d.execute_script("return document.readyState")
    title = d.title
    # charts: drawn, with content
    charts = d.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart')).map(function (s) {"
        " var r = s.getBoundingClientRect();"
        " return [s.id, s.childElementCount, Math.round(r.width), Math.round(r.height)]; });")
    for cid, n, w, h in charts:
        if n == 0 or w == 0 or h == 0:
            fail(path, f"chart {cid} is empty ({n} children, {w}x{h})")
    # the filter box
    filtered = "no filter box"
    boxes = d.find_elements(By.ID, "filter")
    if boxes:
        rows = visible_rows(d)
        if len(rows) < 2:
            fail(path, f"the filter needs two rows to be tried, found {len(rows)}")
        # the id of the first row's report: a word that some rows lack
        first = d.execute_script(
            "return document.querySelector('table.filterable tbody tr').getAttribute('data-report')"
            " || document.querySelector('table.filterable tbody tr td').textContent.trim();")
        boxes[0].send_keys(first)
        after = visible_rows(d)
        if not after or any(first.lower() not in r.lower() for r in after):
            fail(path, f"typing {first!r} left rows that do not match: {after[:3]}")
        if len(after) >= len(rows):
            fail(path, f"typing {first!r} hid no row ({len(after)} of {len(rows)})")
        boxes[0].clear()
        d.execute_script("document.getElementById('filter').dispatchEvent(new Event('input'))")
        if len(visible_rows(d)) != len(rows):
            fail(path, "clearing the filter did not show every row again")
        filtered = f"typing {first!r} left {len(after)} of {len(rows)} rows"
    # a link to a review opens it
    opened = "no review link"
    links = d.find_elements(By.CSS_SELECTOR, "table.filterable a[href^='#r']")
    if links:
        target = links[0].get_attribute("href").split("#", 1)[1]
        d.execute_script("document.getElementById(arguments[0]).open = false;", target)
        links[0].click()
        # the page opens the review on the hash change, which the browser fires after the click
        # returns: wait for it (up to 5 s) rather than read it at once
        is_open = False
        for _ in range(50):
            if d.execute_script("return document.getElementById(arguments[0]).open;", target):
                is_open = True
                break
            time.sleep(0.1)
        if not is_open:
            fail(path, f"the link to review {target} did not open it")
        opened = f"link to #{target} opens its review"
        d.execute_script("document.getElementById(arguments[0]).scrollIntoView();", target)
        review_shot = os.path.join(shots, name.replace(".html", "-review.png"))
        d.save_screenshot(review_shot)
        opened += f" (screenshot {review_shot})"
        d.execute_script("window.scrollTo(0, 0);")
    # console errors
    severe = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
    if severe:
        fail(path, f"console errors: {severe}")
    # network: every request the page made (the browser's own pages, a new tab's, are not the
    # page's: their document is another)
    urls = []
    for e in d.get_log("performance"):
        m = json.loads(e["message"])["message"]
        if m.get("method") == "Network.requestWillBeSent":
            p = m["params"]
            if p.get("documentURL", "").startswith("file://") or p["request"]["url"] == url:
                urls.append(p["request"]["url"])
    urls += d.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; });")
    outside = [u for u in urls if not u.startswith("file://")]
    if url not in urls:
        fail(path, "the page's own load was not seen in the network log: the check sees nothing")
    if outside:
        fail(path, f"requests other than file://: {outside}")
    shot = os.path.join(shots, name.replace(".html", ".png"))
    d.save_screenshot(shot)
    size = os.path.getsize(path)
    print(f"60-html: ok {path} ({size / 1e6:.2f} MB, title {title!r}): {len(charts)} charts "
          f"drawn; {filtered}; {opened}; 0 console errors; {len(urls)} request(s), all file://; "
          f"screenshot {shot}")
    return charts


def main():
    shots, pages = sys.argv[1], sys.argv[2:]
    os.makedirs(shots, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        d = browser(profile)
        try:
            for p in pages:
                charts = check(d, p, shots)
                if os.path.basename(p) == "report.html" and len(charts) < 5:
                    fail(p, f"expected 5 charts, found {len(charts)}")
        finally:
            d.quit()


if __name__ == "__main__":
    main()
