/* Material's search finds Chinese words by the zero width spaces (U+200B)
   that jieba put between them in the search index, and shows its results
   from that text. This takes the marks out of the results as they are
   shown, and out of any text copied from a page, so that none reaches a
   message staff write from the handbook. (Pages themselves have none.) */
(function () {
  "use strict";
  var MARK = "\u200b";
  var MARKS = /\u200b/g;

  function clean(root) {
    if (!root) return;
    if (root.nodeType === 3) {
      if (root.nodeValue.indexOf(MARK) >= 0) root.nodeValue = root.nodeValue.replace(MARKS, "");
      return;
    }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeValue.indexOf(MARK) >= 0) node.nodeValue = node.nodeValue.replace(MARKS, "");
    }
  }

  function watch() {
    var results = document.querySelector(".md-search-result");
    if (!results) return;
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "characterData") clean(change.target);
        change.addedNodes.forEach(clean);
      });
    }).observe(results, { childList: true, subtree: true, characterData: true });
  }

  document.addEventListener("copy", function (event) {
    var text = String(document.getSelection() || "");
    if (text.indexOf(MARK) < 0 || !event.clipboardData) return;
    event.clipboardData.setData("text/plain", text.replace(MARKS, ""));
    event.preventDefault();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch, { once: true });
  else watch();
})();
