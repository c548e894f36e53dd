"""The accessibility check of every page the browser tests visit: axe-core in Debian's Chromium.

axe-core (tests/a11y/package.json, installed by `make setup-test` with `npm ci`) is added to
every page of a browser test's context as an init script; each page, once loaded, runs the
WCAG 2.0/2.1 level A and AA rules and reports its violations through a Playwright binding. The
`page` fixture fails the test on any violation, naming the page, the rule and the elements.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUNNER = """
(() => {
  if (window.top !== window || !location.protocol.startsWith('http')) return;
  window.addEventListener('load', () => {
    window.__axeDone = false;
    // label-content-name-mismatch (WCAG 2.5.3) is marked experimental in axe and off by default.
    axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations'],
                       rules: {'label-content-name-mismatch': {enabled: true}}})
      .then((result) => window.__ctportalAxe({
        url: location.pathname + location.search,
        violations: result.violations.map((v) => ({
          rule: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '')),
        })),
      }))
      .finally(() => { window.__axeDone = true; });
  });
})();
"""


@dataclass
class AxeFindings:
    pages: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def record(self, _source, result: dict) -> None:
        self.pages.append(result["url"])
        for v in result["violations"]:
            nodes = "\n      ".join(v["nodes"])
            self.violations.append(f"{result['url']}: {v['rule']} ({v['impact']}) {v['help']}\n      {nodes}")

    def report(self) -> str:
        return f"{len(self.violations)} WCAG 2.1 A/AA violation(s) on the pages visited:\n  " + \
            "\n  ".join(self.violations)


def attach(context) -> AxeFindings:
    """Run axe on every page `context` loads; returns where the findings are collected."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: `make setup-test` installs axe-core (npm ci --prefix tests/a11y)")
    findings = AxeFindings()
    context.expose_binding("__ctportalAxe", findings.record)
    context.add_init_script(script=AXE.read_text() + _RUNNER % json.dumps(WCAG_21_AA))
    return findings


def settle(page) -> None:
    """Let the last page's check finish before the test ends (it may still be running)."""
    try:
        if not page.is_closed():
            page.wait_for_function("window.__axeDone !== false", timeout=10000)
    except Exception:  # noqa: BLE001 - a page mid-navigation or closed has nothing left to check
        pass
