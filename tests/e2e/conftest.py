"""The browser for the end-to-end tests: Debian's Chromium driven by Selenium, and axe-core.

Selenium is given the paths of Chromium and chromedriver explicitly, so Selenium Manager is
never started and nothing is downloaded. A missing browser fails the tests (``make test``
installs it); it is never a reason to skip them.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1024",
]
SKIP_LINK_TEXT = "Gå til sidens indhold"
# WCAG 1.4.10 (reflow): content must work at 320 CSS pixels without scrolling sideways.
NARROW = {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": False}

_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(result => done({violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      targets: v.nodes.map(n => n.target.map(String).join(' '))}))}))
  .catch(error => done({error: String(error && error.stack || error)}));
"""

# What a Danish reader must never meet in a page's visible text (issue 20): dates with
# English month or weekday names or capitalised abbreviations ("2. Dec 2026", "2. Okt");
# ISO dates ("2026-03-01"); amounts with a decimal point ("1250.50 kr.", "12100.00") or
# without the thousands point ("2650,00 kr."); and Python's "None". Danish month names are
# lower case, so a capitalised name after a day number is never Danish.
# Source of the Danish forms: helhed.core.formats (docs/guide.md, "Tal, beløb og datoer").
_MONTH_WORDS = ("January|February|March|April|May|June|July|August|September|October|November|December"
                "|Jan|Feb|Mar|Apr|Maj|Jun|Jul|Aug|Sep|Sept|Okt|Oct|Nov|Dec")
PAGE_TEXT_RULES: list[tuple[str, re.Pattern]] = [
    ("English or abbreviated month in a date (write 2. december 2026 or 02.12.2026)",
     re.compile(rf"\b\d{{1,2}}\.? (?:{_MONTH_WORDS})\b\.?(?: \d{{4}})?")),
    ("English month or weekday name",
     re.compile(r"\b(?:January|February|March|June|July|October|Monday|Tuesday|Wednesday|Thursday|Friday"
                r"|Saturday|Sunday)\b")),
    ("ISO date (write 2. december 2026 or 02.12.2026)", re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")),
    ("decimal point in an amount (write 1.250,50 kr.)",
     re.compile(r"\d\.\d{2} kr\.|(?<![\d.,])\d{4,}\.\d{2}(?![\d.])")),
    ("amount without the thousands point (write 2.650 kr.)", re.compile(r"(?<![\d.,])\d{4,}(?:,\d{1,2})? kr\.")),
    ('"None" shown', re.compile(r"\bNone\b")),
]


def text_problems(text: str) -> list[str]:
    """Each rule of ``PAGE_TEXT_RULES`` the visible ``text`` breaks, with up to three examples."""
    found = []
    for what, pattern in PAGE_TEXT_RULES:
        hits = list(dict.fromkeys(m.group(0) for m in pattern.finditer(text)))
        if hits:
            found.append(f"{what}: {', '.join(repr(h) for h in hits[:3])}")
    return found


_PAGE_FACTS = r"""
return {
  lang: document.documentElement.getAttribute('lang'),
  h1: Array.from(document.querySelectorAll('h1'), h => h.textContent.trim()),
  text: document.body.innerText,
};
"""

_ACTIVE_ELEMENT = """
const el = document.activeElement;
if (!el || el === document.body) return null;
return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent || '').trim(),
        insideMain: !!el.closest('main')};
"""

_SUMMARY_FOCUSED = """
const el = document.activeElement;
return !!el && el.matches('main [data-module="error-summary"]');
"""

# Focus every element a keyboard user can reach and look for a visible focus indicator
# (WCAG 2.4.7). DKFDS styles :focus, so programmatic focus shows what Tab would show.
_FOCUS_INDICATORS = """
const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (el.classList.length ? '.' + Array.from(el.classList).join('.') : '') +
  ' "' + (el.textContent || el.value || '').trim().slice(0, 40) + '"';
const reachable = Array.from(document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]'))
  .filter(el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length);
const missing = [];
for (const el of reachable) {
  el.focus();
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  if (document.activeElement === el && !outline && style.boxShadow === 'none') missing.push(describe(el));
}
document.activeElement && document.activeElement.blur();
return missing;
"""

# Elements that stick out past the right edge of a narrow viewport, unless they sit inside
# a region that scrolls on its own (a wide table in DKFDS' .table--responsive-scroll). An
# absolutely positioned element whose containing block lies outside such a region (DKFDS'
# .sr-only text in a table's button, with no positioned ancestor inside the region) escapes
# its clipping and widens the page although it sits inside the region in the DOM: when the
# page is wider than the viewport and nothing outside a region explains it, those elements
# are named, and failing them the page's width.
_OVERFLOW = """
const width = document.documentElement.clientWidth;
const pageWidth = document.documentElement.scrollWidth;
if (pageWidth <= width) return [];
const inScroller = el => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
  }
  return false;
};
const describe = el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
  + ' (' + Math.round(el.getBoundingClientRect().right) + ' px)';
const wide = Array.from(document.body.querySelectorAll('*'))
  .filter(el => el.getBoundingClientRect().right > width + 1);
let culprits = wide.filter(el => !inScroller(el));
if (!culprits.length) culprits = wide.filter(el => getComputedStyle(el).position === 'absolute');
const found = culprits.slice(0, 3).map(describe);
return found.length ? found : ['the page (' + pageWidth + ' px)'];
"""


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    help_url: str
    targets: list[str]
    viewport: str = ""

    def describe(self) -> str:
        more = f" (+{len(self.targets) - 1} more)" if len(self.targets) > 1 else ""
        where = f" at {self.viewport}" if self.viewport else ""
        return (f"axe {self.rule} [{self.impact}]{where}: {self.help} | first target: "
                f"{self.targets[0]}{more} | {self.help_url}")


@dataclass
class PageCheck:
    """What was found on one page as one identity saw it."""

    identity: str
    path: str
    state: str = ""
    lang: str | None = None
    h1: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    keyboard: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # what the Content-Security-Policy refused

    @property
    def where(self) -> str:
        state = f" ({self.state})" if self.state else ""
        return f"[{self.identity}] {self.path}{state}"

    def problems(self) -> list[str]:
        found = [v.describe() for v in self.violations]
        if self.lang != "da":
            found.append(f'<html lang> is {self.lang!r}, not "da"')
        if len(self.h1) != 1:
            found.append(f"expected exactly one <h1>, found {len(self.h1)}: {self.h1!r}")
        found += [f"page text: {problem}" for problem in self.text]
        found += [f"refused by the Content-Security-Policy: {message}" for message in self.refused]
        return found + self.keyboard


def report(checks: list[PageCheck], heading: str) -> str:
    """A readable list of every problem, page by page."""
    lines = [heading]
    for check in checks:
        if problems := check.problems():
            lines.append(f"  {check.where}")
            lines.extend(f"    - {p}" for p in problems)
    return "\n".join(lines)


class Browser:
    """One Chromium for a whole test module, and the checks every page must pass.

    Chromium starts when a test first uses it, so that a missing browser fails that test
    (rather than erroring in a fixture or being skipped)."""

    def __init__(self) -> None:
        self._driver: webdriver.Chrome | None = None
        self._profile = ""
        self.axe_source = ""

    @property
    def driver(self) -> webdriver.Chrome:
        if self._driver is None:
            self._driver = self._start()
        return self._driver

    def _start(self) -> webdriver.Chrome:
        missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
        if missing:
            pytest.fail(
                f"The browser tests need Debian's Chromium and its driver, but "
                f"{' and '.join(missing)} is missing. Install them with `apt-get install -y "
                "chromium chromium-driver` (`make system-packages` and `make test` do it).",
                pytrace=False,
            )
        if not AXE_JS.is_file():
            pytest.fail(f"axe-core is missing at {AXE_JS}; run `npm ci` (or `make setup`).",
                        pytrace=False)
        self.axe_source = AXE_JS.read_text(encoding="utf-8")
        self._profile = tempfile.mkdtemp(prefix="helhed-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for arg in CHROMIUM_ARGS:
            options.add_argument(arg)
        options.add_argument(f"--user-data-dir={self._profile}")
        # A browser that asks for English: the pages are Danish and must stay Danish throughout.
        options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
        # The console, so a page the Content-Security-Policy refused part of is caught.
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # Both paths are given, so Selenium Manager never runs and nothing is downloaded.
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        driver.set_page_load_timeout(30)
        driver.set_script_timeout(30)
        return driver

    def quit(self) -> None:
        if self._driver is not None:
            self._driver.quit()
            self._driver = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)

    @property
    def path(self) -> str:
        return urlsplit(self.driver.current_url).path

    def reset(self) -> None:
        """Forget the previous identity: log out by dropping every cookie. WebDriver's
        ``delete_all_cookies`` drops only the current page's cookies, so the browser's own
        command clears them for every site."""
        self.driver.get("about:blank")
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})

    def links(self) -> list[str]:
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href]'), a => a.href);"
        )

    def axe(self, viewport: str = "") -> list[Violation]:
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(_RUN_AXE, AXE_TAGS)
        if "error" in result:
            raise AssertionError(f"axe-core failed on {self.driver.current_url}: {result['error']}")
        return [
            Violation(rule=v["id"], impact=v["impact"] or "?", help=v["help"],
                      help_url=v["helpUrl"], targets=v["targets"], viewport=viewport)
            for v in result["violations"]
        ]

    def keyboard_problems(self) -> list[str]:
        """Tab from the top of a freshly loaded page must land on the skip link, the skip
        link must move focus into <main>, and everything reachable must show its focus. A
        page with a form's error summary starts with the focus on the summary instead
        (static/helhed.js, as DKFDS does): then Tab must move on to a link inside <main>."""
        problems = []
        if self.driver.execute_script(_SUMMARY_FOCUSED):
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            target = self.driver.execute_script(_ACTIVE_ELEMENT)
            if not target or not target["insideMain"]:
                problems.append(f"Tab from the error summary focused {target!r}, not a link in <main>")
        else:
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            first = self.driver.execute_script(_ACTIVE_ELEMENT)
            if not first or first["text"] != SKIP_LINK_TEXT:
                return [f"the first Tab focused {first!r}, not the skip link {SKIP_LINK_TEXT!r}"]
            ActionChains(self.driver).send_keys(Keys.ENTER).perform()
            target = self.driver.execute_script(_ACTIVE_ELEMENT)
            if not target or not (target["tag"] == "main" or target["insideMain"]):
                problems.append(f"the skip link moved focus to {target!r}, not into <main>")
        problems.extend(f"no visible focus indicator on {el}"
                        for el in self.driver.execute_script(_FOCUS_INDICATORS))
        return problems

    def narrow_problems(self, axe: bool = True) -> tuple[list[Violation], list[str]]:
        """axe (unless ``axe`` is false) and a sideways-scrolling check at 320 CSS pixels
        (400 % zoom of 1280)."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", NARROW)
        try:
            violations = self.axe(viewport="320 px") if axe else []
            overflow = self.driver.execute_script(_OVERFLOW)
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        problems = []
        if overflow:
            problems.append("the page scrolls sideways at 320 px (WCAG 1.4.10 reflow); too wide: "
                            + ", ".join(overflow))
        return violations, problems

    def check_page(self, identity: str, state: str = "", keyboard: bool = True,
                   full: bool = True) -> PageCheck:
        """Check the page that is loaded now. Call it right after the page has loaded,
        before anything has moved the focus, so that the Tab check starts from the top.

        With ``full`` false only the cheap checks run: the page's text facts and reflow at
        320 px, without axe and the keyboard walk (for one more page of a kind already
        checked in full; see test_accessibility.py)."""
        facts = self.driver.execute_script(_PAGE_FACTS)
        check = PageCheck(identity=identity, path=self.path, state=state, lang=facts["lang"],
                          h1=facts["h1"], text=text_problems(facts["text"] or ""),
                          refused=[e["message"] for e in self.driver.get_log("browser")
                                   if "Content Security Policy" in e["message"]])
        if full:
            check.violations = self.axe()
        if keyboard and full:
            check.keyboard = self.keyboard_problems()
        narrow, reflow = self.narrow_problems(axe=full)
        seen = {(v.rule, v.targets[0]) for v in check.violations}
        check.violations += [v for v in narrow if (v.rule, v.targets[0]) not in seen]
        check.keyboard += reflow
        # What the checks themselves made the browser log (axe-core adds styles of its own while
        # it measures) is not the page's: drop it, so the next page's console starts clean.
        self.driver.get_log("browser")
        return check


@pytest.fixture(scope="module")
def browser():
    browser = Browser()
    try:
        yield browser
    finally:
        browser.quit()
