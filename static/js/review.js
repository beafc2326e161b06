/* Reviewers' UI: "select words in the article, choose New claim".
 *
 * Claims are anchored by code-point offsets into the article's plain text (article.body).
 * The page renders each paragraph as <p data-start="N">, N being the paragraph's offset in
 * the body, so an offset is N plus the code points of the paragraph's text before the
 * selection boundary. Elements marked data-offset-skip (status labels) are not article
 * text and are left out. JavaScript strings count UTF-16 code units, so lengths are
 * taken with [...text].length (code points), as Python counts them.
 *
 * The server checks that the quote is exactly the body's text at those offsets, so a
 * mistake here is refused, never stored. Without JavaScript the "quote its words" form
 * does the same job.
 */
(function () {
  "use strict";

  var body = document.querySelector("[data-article-body]");
  var form = document.querySelector("[data-selection-form]");
  var bar = document.querySelector("[data-selection-bar]");
  if (!body || !form || !bar) {
    return;
  }
  var button = bar.querySelector("[data-selection-button]");
  var status = bar.querySelector("[data-selection-status]");
  var quoteOutput = form.querySelector("[data-selection-quote]");
  var wordsForm = document.querySelector("[data-words-form]");
  var pending = null;

  function codePoints(text) {
    return Array.from(text).length;
  }

  function skipped(textNode) {
    var parent = textNode.parentElement;
    return parent !== null && parent.closest("[data-offset-skip]") !== null;
  }

  // The article text of `paragraph` before the boundary point (node, offset) — or all of
  // it when `node` is null.
  function textBefore(paragraph, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(paragraph);
    if (node !== null) {
      range.setEnd(node, offset);
    }
    var text = "";
    var walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    for (var t = walker.nextNode(); t !== null; t = walker.nextNode()) {
      if (skipped(t) || !range.intersectsNode(t)) {
        continue;
      }
      text += t === range.endContainer ? t.data.slice(0, range.endOffset) : t.data;
    }
    return text;
  }

  // {start, end, quote} of the part of `range` that lies in the article text, or null.
  function spanOf(range) {
    var parts = [];
    body.querySelectorAll("p[data-start]").forEach(function (paragraph) {
      if (!range.intersectsNode(paragraph)) {
        return;
      }
      var text = textBefore(paragraph, null, 0);
      var before = paragraph.contains(range.startContainer)
        ? textBefore(paragraph, range.startContainer, range.startOffset)
        : "";
      var upTo = paragraph.contains(range.endContainer)
        ? textBefore(paragraph, range.endContainer, range.endOffset)
        : text;
      if (upTo.length <= before.length) {
        return;
      }
      var start = Number(paragraph.dataset.start);
      parts.push({
        start: start + codePoints(before),
        end: start + codePoints(upTo),
        text: upTo.slice(before.length),
      });
    });
    if (parts.length === 0) {
      return null;
    }
    // Across paragraphs, the text between them in the body is line breaks only.
    var quote = parts[0].text;
    for (var i = 1; i < parts.length; i += 1) {
      quote += "\n".repeat(parts[i].start - parts[i - 1].end) + parts[i].text;
    }
    var span = { start: parts[0].start, end: parts[parts.length - 1].end, quote: quote };
    // Double-clicking a word often takes the space after it: the claim is the words.
    var lead = quote.length - quote.replace(/^\s+/, "").length;
    var trail = quote.length - quote.replace(/\s+$/, "").length;
    if (lead + trail >= quote.length) {
      return null;
    }
    span.quote = quote.slice(lead, quote.length - trail);
    span.start += lead; // whitespace is one code point per UTF-16 unit
    span.end -= trail;
    return span;
  }

  function shorten(text) {
    var points = Array.from(text.replace(/\s+/g, " "));
    return points.length > 80 ? points.slice(0, 79).join("") + "…" : points.join("");
  }

  function onSelectionChange() {
    var selection = document.getSelection();
    if (selection === null || selection.rangeCount === 0 || selection.isCollapsed) {
      return; // keep the last selection: clicking the button must not lose it
    }
    var span = spanOf(selection.getRangeAt(0));
    if (span === null) {
      return;
    }
    pending = span;
    button.disabled = false;
    status.textContent = "Selected: “" + shorten(span.quote) + "”. Choose “New claim” to quote it.";
  }

  function setField(name, value) {
    form.querySelector('[data-selection="' + name + '"]').value = value;
  }

  function onNewClaim() {
    if (pending === null) {
      return;
    }
    setField("quote", pending.quote);
    setField("start", String(pending.start));
    setField("end", String(pending.end));
    quoteOutput.textContent = pending.quote;
    // Errors of an earlier attempt were about another selection.
    form.querySelectorAll(".error-summary").forEach(function (summary) {
      summary.remove();
    });
    form.hidden = false;
    var first = form.querySelector("textarea, input:not([type=hidden]), select");
    if (first !== null) {
      first.focus();
      first.scrollIntoView({ block: "center" });
    }
  }

  bar.hidden = false;
  if (wordsForm !== null && form.hidden) {
    wordsForm.open = false; // the mouse does this job; the words form stays one click away
  }
  document.addEventListener("selectionchange", onSelectionChange);
  button.addEventListener("click", onNewClaim);
})();
