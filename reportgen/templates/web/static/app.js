// reportgen serve: the app's own script. Every page works without it; with it, the preview follows the typing
// and a build shows its progress.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

document.addEventListener("click", (event) => {
  const asking = event.target.closest("[data-confirm]");
  if (asking && !window.confirm(asking.dataset.confirm)) event.preventDefault();
  const copying = event.target.closest("[data-copy]");
  if (copying) {
    const target = document.getElementById(copying.dataset.target);
    const text = document.getElementById(copying.dataset.copy).textContent;
    if (!target.value.trim() || window.confirm("Erstatte teksten i feltet med standardteksten?")) {
      target.value = text;
      target.dispatchEvent(new Event("input"));
      target.focus();
    }
  }
});

// An error summary gets the focus, so a screen reader reads what is wrong first.
const summary = document.getElementById("fejlopsummering");
if (summary) summary.focus();

// Live preview: the text as typed goes through the server's compose path and HTML writer (nothing is saved);
// the new document replaces the old inside the frame, which keeps its scroll position.
const form = document.getElementById("tekstformular");
const frame = document.getElementById("preview");
if (form && frame) {
  const area = form.querySelector("textarea");
  const status = document.getElementById("preview-status");
  let timer = null;
  let sent = 0;
  // The frame's own document (the saved text) may still be on its way when a preview arrives, on a busy server:
  // a preview put into the empty frame, or into a half-read one, would be lost when that document lands.
  const frameLoaded = () => {
    const target = frame.contentDocument;
    return target && target.URL !== "about:blank" && target.readyState === "complete";
  };
  const untilFrameLoaded = async () => {
    while (!frameLoaded()) await new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
  };
  const refresh = async () => {
    const number = ++sent;
    const started = performance.now();
    const body = new FormData();
    body.append("afsnit", form.dataset.section);
    body.append("tekst", area.value);
    let response;
    try {
      response = await fetch(form.dataset.preview, { method: "POST", body, headers: { "X-CSRF-Token": csrf() } });
    } catch (error) {
      status.textContent = "Forhåndsvisningen kunne ikke opdateres (serveren svarer ikke).";
      return;
    }
    const html = await response.text();
    await untilFrameLoaded();
    if (number !== sent) return; // a newer request is on its way
    const target = frame.contentDocument;
    if (!target || !target.body) return;
    // parsed in the frame, under the document's own policy (its styles allowed), not the page's
    const doc = new frame.contentWindow.DOMParser().parseFromString(html, "text/html");
    const before = Array.from(target.body.querySelectorAll("main > *"), (node) => node.outerHTML);
    target.body.replaceWith(target.importNode(doc.body, true));
    const after = target.body.querySelectorAll("main > *");
    const changed = Array.from(after).find((node, i) => node.outerHTML !== before[i]);
    if (changed) {
      const box = changed.getBoundingClientRect();
      if (box.top < 0 || box.bottom > frame.contentWindow.innerHeight) changed.scrollIntoView({ block: "center" });
    }
    const ms = Math.round(performance.now() - started);
    status.textContent = response.ok
      ? `Forhåndsvisningen er opdateret (${ms} ms). Teksten er ikke gemt endnu.`
      : "Teksten kan ikke vises: se beskeden i forhåndsvisningen.";
  };
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  });
}

// Build progress: the page asks the server how far the build is until it has ended, then shows the versions.
const building = document.getElementById("bygning");
if (building && building.dataset.done === "nej") {
  const message = document.getElementById("bygbesked");
  const steps = document.getElementById("bygtrin");
  const bar = document.getElementById("bygfremdrift");
  const poll = async () => {
    const response = await fetch(building.dataset.status, { headers: { Accept: "application/json" } });
    const job = await response.json();
    message.textContent = job.message;
    steps.replaceChildren(...job.steps.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
    bar.value = job.done ? bar.max : Math.min(job.steps.length, bar.max);
    if (job.done) location.reload();
    else setTimeout(poll, 400);
  };
  setTimeout(poll, 300);
}
