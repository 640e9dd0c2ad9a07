// Injected into a copy of a built page by tests/test_book.py; Chromium runs it once MathJax has
// typeset the page and writes its findings into <pre id="sgd-audit"> for --dump-dom:
//   wide:      elements reaching past the right edge of their clipping box (or of the text column),
//              outside any box that scrolls;
//   scrolling: boxes that scroll sideways because their content is wider (math or tables);
//   text:      the visible text of the column less code inputs, printed output and typeset math.
(function () {
  function describe(el) {
    return {tag: el.tagName.toLowerCase(), cls: typeof el.className === "string" ? el.className : "",
            text: (el.textContent || "").trim().slice(0, 100)};
  }

  function audit() {
    const article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
    const column = article.getBoundingClientRect();
    const wide = [];
    for (const el of article.querySelectorAll("*")) {
      if (el.closest("mjx-assistive-mml")) continue;  // MathJax's visually hidden MathML copy
      const rect = el.getBoundingClientRect();
      if (rect.width === 0) continue;
      let box = null, scrolls = false;
      for (let up = el.parentElement; up && up !== article; up = up.parentElement) {
        const style = getComputedStyle(up).overflowX;
        if (style !== "visible") { box = up; scrolls = style === "auto" || style === "scroll"; break; }
      }
      if (scrolls) continue;
      const edge = box ? box.getBoundingClientRect().right : column.right;
      if (rect.right <= edge + 2) continue;
      const parent = el.parentElement;
      if (parent && parent !== box && parent !== article && parent.getBoundingClientRect().right > edge + 2) continue;
      wide.push(Object.assign(describe(el), {over: Math.round(rect.right - edge)}));
    }
    const scrolling = [];
    for (const el of article.querySelectorAll("*")) {
      const style = getComputedStyle(el).overflowX;
      if ((style === "auto" || style === "scroll") && el.scrollWidth > el.clientWidth + 2)
        scrolling.push(Object.assign(describe(el), {
          math: el.tagName.toLowerCase() === "mjx-container" || !!el.querySelector("mjx-container"),
          table: !!el.querySelector("table"), code: !!el.closest(".cell_input, .highlight"),
          over: el.scrollWidth - el.clientWidth}));
    }
    const clone = article.cloneNode(true);
    // code inputs, and the transcripts of commands a page runs (printed output: program text by nature)
    for (const skip of clone.querySelectorAll(".cell_input, .output.stream, code, script, style, mjx-container, textarea"))
      skip.remove();
    const out = document.createElement("pre");
    out.id = "sgd-audit";
    out.textContent = JSON.stringify({wide: wide, scrolling: scrolling, text: clone.textContent, width: column.width});
    document.body.appendChild(out);
  }

  window.addEventListener("load", function () {
    const ready = window.MathJax && MathJax.startup && MathJax.startup.promise;
    (ready ? MathJax.startup.promise : Promise.resolve()).then(function () { setTimeout(audit, 200); });
  });
})();
