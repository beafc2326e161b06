"""Helpers for browser tests (Playwright pages from the ``page`` fixture)."""


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
