"""Helpers for browser tests (Playwright pages from the ``page`` fixture)."""

from pathlib import Path


def log_in(page, username: str, password: str = "password") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def drag_select(page, start_text: str, end_text: str) -> None:
    """Press the mouse on the first character of ``start_text`` and release it on the
    last character of ``end_text`` (both inside the article body)."""
    box = page.evaluate(
        """([startText, endText]) => {
          const body = document.querySelector("[data-article-body]");
          const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
          const rectOf = (text, last) => {
            walker.currentNode = body;
            for (let t = walker.nextNode(); t; t = walker.nextNode()) {
              const i = t.data.indexOf(text);
              if (i === -1) continue;
              const range = document.createRange();
              const at = last ? i + text.length - 1 : i;
              range.setStart(t, at);
              range.setEnd(t, at + 1);
              const r = range.getBoundingClientRect();
              return {x: r.left, y: r.top, w: r.width, h: r.height};
            }
            throw new Error("not found: " + text);
          };
          // Rectangles are in viewport coordinates: bring the words into view first.
          walker.currentNode = body;
          for (let t = walker.nextNode(); t; t = walker.nextNode()) {
            if (t.data.includes(startText)) {
              t.parentElement.scrollIntoView({block: "center"});
              break;
            }
          }
          return {start: rectOf(startText, false), end: rectOf(endText, true)};
        }""",
        [start_text, end_text],
    )
    start, end = box["start"], box["end"]
    page.mouse.move(start["x"] + 1, start["y"] + start["h"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["w"] / 2, end["y"] + end["h"] / 2, steps=5)
    page.mouse.move(end["x"] + end["w"] - 1, end["y"] + end["h"] / 2)
    page.mouse.up()


# --- Watching pages: console errors, CSP violations, screenshots -----------------------

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts" / "browser"

_REPORT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class PageProblems:
    """Console errors and Content-Security-Policy violations seen on a page, from before
    its first script runs (an init script, which the page's CSP does not govern)."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        page.add_init_script(_REPORT_VIOLATIONS)

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console.append(f"{message.text} @ {message.location.get('url')}")

    def found(self) -> list[str]:
        """Everything seen so far on the current page and earlier ones."""
        violations = self.page.evaluate("window.__cspViolations || []")
        return self.console + [f"CSP: {v}" for v in violations]


def watch(page) -> PageProblems:
    return PageProblems(page)


def screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot under var/artifacts/browser/ (ignored by git) for people to see."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
