/* The handbook's own script: small, shipped with the theme, loaded on every
   page right before Material's bundle (no inline script: the pages'
   Content-Security-Policy allows none). Everything a reader needs in a
   hurry works without it; it makes pages lighter and easier to use.

   1. The search index is fetched when someone starts to search, not on every
      page. Material asks for search/search_index.json as soon as a page
      loads: for a large plan that is megabytes, on a slow phone, before
      anything else. This holds that one request back until the search box is
      focused or opened (a click or tap, the "/" or "s" shortcut), or a page
      is opened from a search result (whose words Material highlights from the
      index). Search itself is Material's. Opened from disk, Material reads
      search/search_index.js instead, which costs no network.

   2. Decision-tree diagrams are drawn only when someone opens one. A tree
      page carries its diagram's Mermaid source in a collapsed
      <details class="handbook-diagram">; the numbered steps above it need no
      script. Mermaid (3.5 MB, in this folder) is loaded the first time a
      diagram is opened and draws it in place, at its natural size in a box
      that scrolls sideways. The script tag names Mermaid's file in
      data-mermaid (relative to the page), so it works from disk too.

   3. What Material's script adds to a page is made reachable and named:
      checklist boxes can be ticked, by keyboard too, and are named by their
      item; a table wider than the screen scrolls by keyboard; the button
      bars of copyable blocks are told apart.

   4. Material's script runs after the page has been drawn. The built pages
      name Material's bundle in <link rel="preload" data-handbook-start>
      (crisisplan/first_paint.py), so it is fetched with the page but not
      run: this runs it two frames after the first paint, then fires the
      DOMContentLoaded event Material starts on. On a phone Material's
      start-up is half a second of work; the text comes first. */
(function () {
  "use strict";

  var script = document.currentScript;

  /* The words this script gives what it adds, in the plan's language
     (data-words, written by the theme from the catalogues); English otherwise. */
  var words = {
    diagram: "Diagram", diagram_scrolls: "Diagram, scrolls sideways", table_scrolls: "table, scrolls sideways",
    done: "Done", copy_block: "Copy block {n}"
  };
  try {
    var given = JSON.parse((script && script.getAttribute("data-words")) || "{}");
    Object.keys(given).forEach(function (key) { words[key] = given[key]; });
  } catch (error) { /* a broken attribute leaves the English words */ }

  /* 1. Search index on demand ------------------------------------------- */

  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var wanted = /[?&]h=/.test(location.search);
  var held = [];

  XMLHttpRequest.prototype.open = function (method, url) {
    this.handbookSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };

  XMLHttpRequest.prototype.send = function () {
    if (this.handbookSearchIndex && !wanted) {
      held.push([this, arguments]);
      return undefined;
    }
    return send.apply(this, arguments);
  };

  function want() {
    if (wanted) {
      return;
    }
    wanted = true;
    held.splice(0).forEach(function (request) {
      send.apply(request[0], request[1]);
    });
  }

  function isSearch(element) {
    return element instanceof Element
      && (element.matches(".md-search__input, #__search") || element.closest(".md-search, label[for='__search']"));
  }

  document.addEventListener("focusin", function (event) {
    if (isSearch(event.target)) {
      want();
    }
  });
  // A finger on the search icon: start fetching before the box has opened.
  document.addEventListener("pointerdown", function (event) {
    if (isSearch(event.target)) {
      want();
    }
  }, { passive: true });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) {
      want();
    }
  });

  /* 2. Diagrams on demand ----------------------------------------------- */

  var mermaidUrl = new URL((script && script.getAttribute("data-mermaid")) || "mermaid.min.js",
    script && script.getAttribute("data-mermaid") ? document.baseURI : script.src).href;
  var loading = null;
  var drawn = 0;
  var sources = new WeakMap();  // box -> Mermaid source (the element's text is replaced by the drawing)

  function loadMermaid() {
    if (window.mermaid && typeof window.mermaid.render === "function") {
      return Promise.resolve(window.mermaid);
    }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = mermaidUrl;
        tag.onload = function () { resolve(window.mermaid); };
        tag.onerror = function () {
          loading = null;
          tag.remove();
          reject(new Error("could not load " + mermaidUrl));
        };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function dark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function say(box, text) {
    var status = box.querySelector(".handbook-diagram__status");
    if (status) {
      status.textContent = text;
      status.hidden = !text;
    }
  }

  function draw(box) {
    var state = box.getAttribute("data-state");
    if (state === "drawing" || (state === "drawn" && box.getAttribute("data-scheme") === String(dark()))) {
      return;
    }
    var source = box.querySelector(".mermaid");
    var frame = box.querySelector(".handbook-diagram__scroll");
    if (!source || !frame) {
      return;
    }
    var scheme = dark();
    box.setAttribute("data-state", "drawing");
    say(box, box.getAttribute("data-loading") || "Loading the diagram\u2026");
    loadMermaid().then(function (mermaid) {
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: "strict",
        // Mermaid's base theme in the page's colours: labels keep a 4.5:1
        // contrast on either scheme (its own dark theme does not).
        theme: "base",
        darkMode: scheme,
        themeVariables: scheme ? {
          background: "#1e2129", primaryColor: "#2e303e", primaryBorderColor: "#c5cae9",
          primaryTextColor: "#ffffff", textColor: "#ffffff", lineColor: "#c5cae9",
          edgeLabelBackground: "#1e2129", fontSize: "16px"
        } : {
          background: "#ffffff", primaryColor: "#f5f5f5", primaryBorderColor: "#3949ab",
          primaryTextColor: "#000000", textColor: "#000000", lineColor: "#424242",
          edgeLabelBackground: "#ffffff", fontSize: "16px"
        },
        fontFamily: "inherit",
        // Drawn at its natural size: a wide tree scrolls sideways in its box
        // instead of shrinking until it cannot be read on a phone.
        flowchart: { useMaxWidth: false }
      });
      drawn += 1;
      return mermaid.render("handbook-diagram-" + drawn, sources.get(box));
    }).then(function (result) {
      source.innerHTML = result.svg;
      source.hidden = false;
      var svg = source.querySelector("svg");
      if (svg) {
        svg.setAttribute("role", "img");
        var title = document.querySelector(".md-content h1");
        svg.setAttribute("aria-label", words.diagram + (title ? ": " + text(title) : ""));
      }
      if (typeof result.bindFunctions === "function") {
        result.bindFunctions(source);
      }
      // The box scrolls sideways when the tree is wider than the screen:
      // keyboard users reach it with Tab and scroll it with the arrow keys.
      if (frame.scrollWidth > frame.clientWidth + 1) {
        frame.tabIndex = 0;
        frame.setAttribute("role", "region");
        frame.setAttribute("aria-label", words.diagram_scrolls);
      }
      box.setAttribute("data-state", "drawn");
      box.setAttribute("data-scheme", String(scheme));
      box.classList.add("is-drawn");
      say(box, "");
    }).catch(function (error) {
      box.setAttribute("data-state", "failed");
      say(box, (box.getAttribute("data-failed") || "The diagram could not be drawn; the steps above are the same tree.")
        + " (" + error.message + ")");
    });
  }

  function startDiagrams() {
    var boxes = document.querySelectorAll("details.handbook-diagram");
    Array.prototype.forEach.call(boxes, function (box) {
      var source = box.querySelector(".mermaid");
      if (!source) {
        return;
      }
      sources.set(box, source.textContent);
      say(box, "");
      box.addEventListener("toggle", function () {
        if (box.open) {
          draw(box);
        }
      });
      if (box.open) {
        draw(box);
      }
    });
  }



  /* 3. What Material adds, reachable and named ------------------------- */

  function text(element) {
    var copy = element.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("ul, ol, .task-list-control, .print-only"), function (inner) {
      inner.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function checklists() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset .task-list-item > .task-list-control > input[type=checkbox]"),
      function (box) {
        box.disabled = false;
        if (!box.hasAttribute("aria-label")) {
          box.setAttribute("aria-label", text(box.closest(".task-list-item")) || words.done);
        }
      });
  }

  function scrollingTables() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap"), function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        var caption = wrap.querySelector("caption");
        var heading = wrap.previousElementSibling;
        while (heading && !/^H[1-6]$/.test(heading.tagName)) {
          heading = heading.previousElementSibling;
        }
        var name = caption ? text(caption) : heading ? text(heading) : "";
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", (name ? name + ": " : "") + words.table_scrolls);
      } else if (!scrolls && wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  function codeBars() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-code__nav"), function (bar, index) {
      if (!bar.hasAttribute("aria-label")) {
        bar.setAttribute("aria-label", words.copy_block.replace("{n}", String(index + 1)));
      }
    });
  }

  // One task each, so that none holds a slow phone's main thread for long.
  function afterMaterial() {
    var steps = [checklists, scrollingTables, codeBars, startDiagrams];
    (function next() {
      steps.shift()();
      if (steps.length) {
        setTimeout(next, 0);
      } else {
        // Everything is in place (the browser tests wait for this).
        document.documentElement.setAttribute("data-handbook-ready", "");
      }
    })();
  }

  /* 4. Material after the first paint ------------------------------------ */

  // Material picks the colour scheme of the reader's device when it starts
  // (and remembers it, for its own script in <head> on the next page). It
  // now starts after the first paint: pick it here, before, as it will.
  function deviceScheme() {
    try {
      if (typeof window.__md_get !== "function" || window.__md_get("__palette")) {
        return;  // Material's script in <head> has set the remembered one
      }
    } catch (error) { /* no storage: Material will not remember either */ }
    var inputs = document.querySelectorAll("input[data-md-color-media]");
    for (var i = 0; i < inputs.length; i++) {
      if (matchMedia(inputs[i].getAttribute("data-md-color-media")).matches) {
        ["media", "scheme", "primary", "accent"].forEach(function (key) {
          document.body.setAttribute("data-md-color-" + key, inputs[i].getAttribute("data-md-color-" + key));
        });
        return;
      }
    }
  }

  // `then` once the page's text has been drawn (its first contentful paint)
  // and two more frames have gone by.
  function afterPaint(then) {
    var done = false;
    function once() {
      if (!done) {
        done = true;
        then();
      }
    }
    function twoFrames() {
      requestAnimationFrame(function () {
        requestAnimationFrame(function () { setTimeout(once, 0); });
      });
    }
    var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
    if (types.indexOf("paint") < 0 || performance.getEntriesByName("first-contentful-paint").length) {
      twoFrames();
    } else {
      new PerformanceObserver(function (list, observer) {
        if (list.getEntriesByName("first-contentful-paint").length) {
          observer.disconnect();
          twoFrames();
        }
      }).observe({ type: "paint", buffered: true });
    }
    setTimeout(once, 1500);  // a page opened in a background tab draws nothing
  }

  // Run the scripts named by <link data-handbook-start>, in order, then tell
  // them the page is ready; `then` runs after Material has mounted.
  function startMaterial(links, then) {
    var left = links.length;
    Array.prototype.forEach.call(links, function (link) {
      var tag = document.createElement("script");
      tag.src = link.href;
      tag.async = false;
      tag.onload = tag.onerror = function () {
        left -= 1;
        if (left === 0) {
          setTimeout(function () {
            document.dispatchEvent(new Event("DOMContentLoaded"));
            setTimeout(then, 0);
          }, 0);
        }
      };
      document.body.appendChild(tag);
    });
  }

  // This file is deferred (crisisplan/first_paint.py): it runs once the page
  // has been read, before DOMContentLoaded. Without <link data-handbook-start>
  // Material's bundle comes after this file and mounts its components on
  // DOMContentLoaded, after this file's handler: wait one turn for it.
  var started = false;
  function start() {
    if (started) {
      return;
    }
    started = true;
    if (materialLinks.length) {
      afterPaint(function () { startMaterial(materialLinks, afterMaterial); });
    } else {
      setTimeout(afterMaterial, 0);
    }
  }

  // (Deferred, this file runs once the whole page has been read: the links are there.)
  var materialLinks = document.querySelectorAll("link[data-handbook-start]");
  if (materialLinks.length && document.body) {
    deviceScheme();
  }

  if (document.readyState === "complete") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
    window.addEventListener("load", start);
  }
  window.addEventListener("resize", function () {
    clearTimeout(start.resized);
    start.resized = setTimeout(scrollingTables, 200);
  });
  // Material's palette toggle changes the colour scheme: redraw what is drawn in the new one.
  new MutationObserver(function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.handbook-diagram.is-drawn"), draw);
  }).observe(document.documentElement, { attributes: true, subtree: true, attributeFilter: ["data-md-color-scheme"] });
})();
