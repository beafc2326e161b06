/* Reviewers' UI: "select words in the article, choose New claim" — with the mouse or the
 * keyboard — and which claim is which where highlights overlap.
 *
 * Claims are anchored by code-point offsets into the article's plain text (article.body).
 * The page renders each paragraph as <p data-start="N">, N being the paragraph's offset in
 * the body, so an offset is N plus the code points of the paragraph's text before the
 * selection boundary. Elements marked data-offset-skip (status labels) are not article
 * text and are left out. JavaScript strings count UTF-16 code units, so lengths are
 * taken with [...text].length (code points), as Python counts them.
 *
 * Highlights are plain <mark> elements (one per claim and piece, in lanes: see
 * claims/annotate.py), never links, so a selection may start inside one or run across
 * several. Hovering a highlight or focusing a claim's status label lights up every piece
 * of that claim and names it in the selection bar.
 *
 * Keyboard: with the article text focused, ↓/↑ select the next/previous sentence,
 * Shift+→/← move the selection's end by a word, →/← move its start by a word, Enter
 * starts the claim, Esc clears. The keys only set the document's selection; the same
 * code as for the mouse reads it back, so both paths anchor alike.
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
  var claimInfo = bar.querySelector("[data-claim-info]");
  var keyboardHelp = document.querySelector("[data-keyboard-help]");
  var quoteOutput = form.querySelector("[data-selection-quote]");
  var wordsForm = document.querySelector("[data-words-form]");
  var paragraphs = Array.prototype.slice.call(body.querySelectorAll("p[data-start]"));
  var pending = null;

  function codePoints(text) {
    return Array.from(text).length;
  }

  function skipped(textNode) {
    var parent = textNode.parentElement;
    return parent !== null && parent.closest("[data-offset-skip]") !== null;
  }

  // The article text nodes of `paragraph`, in order (status labels left out).
  function textNodes(paragraph) {
    var nodes = [];
    var walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    for (var t = walker.nextNode(); t !== null; t = walker.nextNode()) {
      if (!skipped(t)) {
        nodes.push(t);
      }
    }
    return nodes;
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
    textNodes(paragraph).forEach(function (t) {
      if (!range.intersectsNode(t)) {
        return;
      }
      text += t === range.endContainer ? t.data.slice(0, range.endOffset) : t.data;
    });
    return text;
  }

  // {start, end, quote} of the part of `range` that lies in the article text, or null.
  function spanOf(range) {
    var parts = [];
    paragraphs.forEach(function (paragraph) {
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

  // --- Which claim is which: hover a highlight, or focus a claim's label -------------------

  var active = null;
  var idleInfo = claimInfo.textContent;

  function showClaim(slug) {
    if (slug === active) {
      return;
    }
    body.querySelectorAll(".is-active").forEach(function (element) {
      element.classList.remove("is-active");
    });
    active = slug;
    // The line keeps its place (no layout shift under the pointer): only its words change.
    if (slug === null) {
      claimInfo.textContent = idleInfo;
      return;
    }
    var label = null;
    body.querySelectorAll('[data-claim="' + CSS.escape(slug) + '"]').forEach(function (element) {
      element.classList.add("is-active");
      if (element.classList.contains("mark-status")) {
        label = element;
      }
    });
    var mark = body.querySelector('mark[data-claim="' + CSS.escape(slug) + '"]');
    var statement = mark !== null ? mark.title : "";
    claimInfo.textContent =
      "Claim: " + statement + (label !== null ? " (" + label.lastChild.textContent + ")" : "");
  }

  function claimAt(target) {
    var element = target instanceof Element ? target.closest("[data-claim]") : null;
    return element !== null && body.contains(element) ? element.dataset.claim : null;
  }

  body.addEventListener("mouseover", function (event) {
    showClaim(claimAt(event.target));
  });
  body.addEventListener("mouseleave", function () {
    showClaim(null);
  });
  body.addEventListener("focusin", function (event) {
    showClaim(claimAt(event.target));
  });
  body.addEventListener("focusout", function () {
    showClaim(null);
  });

  // --- The keyboard path: sentences and words ---------------------------------------------

  // Positions are {p: paragraph index, o: UTF-16 offset in its article text}.
  function compare(a, b) {
    return a.p !== b.p ? a.p - b.p : a.o - b.o;
  }

  var texts = paragraphs.map(function (paragraph) {
    return textBefore(paragraph, null, 0);
  });

  function matches(pattern) {
    var found = [];
    texts.forEach(function (text, p) {
      var re = new RegExp(pattern.source, "g");
      for (var m = re.exec(text); m !== null; m = re.exec(text)) {
        var trimmed = m[0].replace(/\s+$/, "");
        if (trimmed.length > 0) {
          found.push({ p: p, s: m.index, e: m.index + trimmed.length });
        }
      }
    });
    return found;
  }

  // A sentence ends with . ! ? (and any closing quotes or brackets) before white space,
  // or at the end of its paragraph.
  var sentences = matches(/\s*[^\s][\s\S]*?(?:[.!?]+["'”’»)\]]*(?=\s|$)|$)/);
  sentences.forEach(function (sentence) {
    var lead = texts[sentence.p].slice(sentence.s, sentence.e).search(/\S/);
    sentence.s += lead;
  });
  var words = matches(/\S+/);

  var keySelection = null; // {start: position, end: position}

  function domPoint(position) {
    var remaining = position.o;
    var nodes = textNodes(paragraphs[position.p]);
    for (var i = 0; i < nodes.length; i += 1) {
      if (remaining <= nodes[i].data.length) {
        return { node: nodes[i], offset: remaining };
      }
      remaining -= nodes[i].data.length;
    }
    var last = nodes[nodes.length - 1];
    return { node: last, offset: last.data.length };
  }

  function applyKeySelection() {
    var from = domPoint(keySelection.start);
    var to = domPoint(keySelection.end);
    document.getSelection().setBaseAndExtent(from.node, from.offset, to.node, to.offset);
    onSelectionChange(); // now, not when the browser gets round to "selectionchange"
    var element = to.node.parentElement;
    if (element !== null) {
      element.scrollIntoView({ block: "nearest" });
    }
  }

  function positionOf(node, offset) {
    for (var p = 0; p < paragraphs.length; p += 1) {
      if (paragraphs[p].contains(node)) {
        return { p: p, o: textBefore(paragraphs[p], node, offset).length };
      }
    }
    return null;
  }

  // The keys' own selection, or else the one made with the mouse (the keys go on from it).
  function currentSelection() {
    if (keySelection !== null) {
      return keySelection;
    }
    var selection = document.getSelection();
    if (selection === null || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    var range = selection.getRangeAt(0);
    var start = positionOf(range.startContainer, range.startOffset);
    var end = positionOf(range.endContainer, range.endOffset);
    return start !== null && end !== null ? { start: start, end: end } : null;
  }

  function selectSentence(direction) {
    var current = currentSelection();
    var candidate = null;
    if (direction > 0) {
      candidate = sentences.find(function (s) {
        return current === null || compare({ p: s.p, o: s.s }, current.end) >= 0;
      });
    } else {
      for (var i = sentences.length - 1; i >= 0; i -= 1) {
        var s = sentences[i];
        if (current === null || compare({ p: s.p, o: s.e }, current.start) <= 0) {
          candidate = s;
          break;
        }
      }
    }
    if (!candidate) {
      return;
    }
    keySelection = { start: { p: candidate.p, o: candidate.s }, end: { p: candidate.p, o: candidate.e } };
    applyKeySelection();
  }

  function moveEnd(direction) {
    var current = currentSelection();
    if (current === null) {
      return selectSentence(1);
    }
    var target = null;
    if (direction > 0) {
      target = words.find(function (w) {
        return compare({ p: w.p, o: w.e }, current.end) > 0;
      });
    } else {
      for (var i = words.length - 1; i >= 0; i -= 1) {
        var w = words[i];
        if (compare({ p: w.p, o: w.e }, current.end) < 0 && compare({ p: w.p, o: w.e }, current.start) > 0) {
          target = w;
          break;
        }
      }
    }
    if (target) {
      keySelection = { start: current.start, end: { p: target.p, o: target.e } };
      applyKeySelection();
    }
  }

  function moveStart(direction) {
    var current = currentSelection();
    if (current === null) {
      return selectSentence(1);
    }
    var target = null;
    if (direction > 0) {
      target = words.find(function (w) {
        return compare({ p: w.p, o: w.s }, current.start) > 0 && compare({ p: w.p, o: w.s }, current.end) < 0;
      });
    } else {
      for (var i = words.length - 1; i >= 0; i -= 1) {
        if (compare({ p: words[i].p, o: words[i].s }, current.start) < 0) {
          target = words[i];
          break;
        }
      }
    }
    if (target) {
      keySelection = { start: { p: target.p, o: target.s }, end: current.end };
      applyKeySelection();
    }
  }

  body.addEventListener("keydown", function (event) {
    if (event.target !== body || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var handled = true;
    if (event.key === "ArrowDown") {
      selectSentence(1);
    } else if (event.key === "ArrowUp") {
      selectSentence(-1);
    } else if (event.key === "ArrowRight") {
      (event.shiftKey ? moveEnd : moveStart)(1);
    } else if (event.key === "ArrowLeft") {
      (event.shiftKey ? moveEnd : moveStart)(-1);
    } else if (event.key === "Enter") {
      onSelectionChange(); // the selection may be newer than its selectionchange event
      onNewClaim();
    } else if (event.key === "Escape") {
      keySelection = null;
      document.getSelection().removeAllRanges();
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  });
  // A mouse selection replaces the keyboard's: the keys continue from the new one.
  body.addEventListener("mousedown", function () {
    keySelection = null;
  });

  bar.hidden = false;
  if (keyboardHelp !== null) {
    keyboardHelp.hidden = false;
  }
  body.tabIndex = 0;
  if (wordsForm !== null && form.hidden) {
    wordsForm.open = false; // the mouse does this job; the words form stays one click away
  }
  document.addEventListener("selectionchange", onSelectionChange);
  button.addEventListener("click", onNewClaim);
})();
