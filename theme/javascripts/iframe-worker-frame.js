/* The start of the frame iframe-worker.js runs a worker in: what a worker has
   and a page does not (postMessage to its owner, importScripts), and its
   errors reported to the page. Adapted from iframe-worker 1.0.4, Copyright (c)
   2020 Martin Donath, MIT License. */
"use strict";
(() => {
  const filename = document.currentScript.dataset.worker;
  self.postMessage = (data, origin) => parent.postMessage(data, origin || "*");
  self.importScripts = (...urls) => urls.reduce((done, url) => done.then(() => new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = resolve;
    document.body.appendChild(script);
  })), Promise.resolve());
  addEventListener("error", ({ error }) => {
    parent.dispatchEvent(new ErrorEvent("error", { filename, error }));
  });
})();
