// reportgen serve: the app's own script. Every page works without it; with it, the preview follows the typing,
// a build shows its progress, and the access token leaves the address bar.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

// The token has been exchanged for a cookie: keep it out of the history and of bookmarks.
if (new URLSearchParams(location.search).has("token")) {
  const url = new URL(location.href);
  url.searchParams.delete("token");
  history.replaceState(null, "", url.pathname + url.search + url.hash);
}

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

// Live preview: the form as typed goes through the server's compose path and HTML writer (nothing is saved); the
// new document replaces the old inside the frame, which keeps its scroll position. The text editor sends its
// section's text, the plan editor the whole plan.
const frame = document.getElementById("preview");
const previewing = document.querySelector("form[data-preview]");
const refreshPreview = (() => {
  if (!previewing || !frame) return () => {};
  const status = document.getElementById("preview-status");
  let timer = null;
  let sent = 0;
  const refresh = async () => {
    const number = ++sent;
    const started = performance.now();
    const body = new FormData(previewing);
    if (previewing.dataset.section) body.set("afsnit", previewing.dataset.section);
    let response;
    try {
      response = await fetch(previewing.dataset.preview, { method: "POST", body, headers: { "X-CSRF-Token": csrf() } });
    } catch (error) {
      status.textContent = "Forhåndsvisningen kunne ikke opdateres (serveren svarer ikke).";
      return;
    }
    const html = await response.text();
    if (number !== sent) return; // a newer request is on its way
    const doc = new DOMParser().parseFromString(html, "text/html");
    const target = frame.contentDocument;
    if (!target || !target.body) return;
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
      ? `Forhåndsvisningen er opdateret (${ms} ms). Det, du har skrevet, er ikke gemt endnu.`
      : "Det skrevne kan ikke vises: se beskeden i forhåndsvisningen.";
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  };
  previewing.addEventListener("input", later);
  previewing.addEventListener("change", later);
  return later;
})();

// The plan editor: "Tilføj …" adds an empty row of its kind (a copy of the last row, numbered anew), and each
// target shows its current value as it is typed.
const addRow = (kind) => {
  const rows = document.getElementById(`${kind}-raekker`);
  const last = rows.querySelector("fieldset.raekke:last-of-type");
  const numbers = Array.from(rows.querySelectorAll("fieldset.raekke"), (row) => Number(row.dataset.nr));
  const nr = Math.max(...numbers) + 1;
  const copy = last.cloneNode(true);
  const from = `${kind}-${last.dataset.nr}-`;
  const to = `${kind}-${nr}-`;
  copy.dataset.nr = String(nr);
  for (const node of copy.querySelectorAll("[id], [name], [for], [aria-describedby]")) {
    for (const attribute of ["id", "name", "for", "aria-describedby"]) {
      const value = node.getAttribute(attribute);
      if (value) node.setAttribute(attribute, value.split(from).join(to));
    }
  }
  for (const node of copy.querySelectorAll(".feltfejl, [id$='-fjern'], label[for$='-fjern']")) node.remove();
  for (const node of copy.querySelectorAll(".felt-fejl")) node.classList.remove("felt-fejl");
  for (const node of copy.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  for (const field of copy.querySelectorAll("input, textarea, select")) {
    if (field.type === "checkbox") field.checked = false;
    else if (field.tagName === "SELECT") field.selectedIndex = field.name.endsWith("-sammenligning") ? 0 : 0;
    else field.value = "";
  }
  const id = copy.querySelector(`[name='${to}id']`);
  if (id) id.value = `M${rows.querySelectorAll("fieldset.raekke").length + 1}`;
  const now = copy.querySelector(".nu");
  if (now) now.textContent = "";
  copy.querySelector("legend").textContent = { maal: "Nyt mål", indsats: "Ny indsats", opfoelgning: "Ny status til et udvalg" }[kind];
  rows.appendChild(copy);
  return copy;
};
document.addEventListener("click", (event) => {
  const adding = event.target.closest("[data-tilfoej]");
  if (!adding) return;
  const row = addRow(adding.dataset.tilfoej);
  row.querySelector("input:not([type=hidden]), select, textarea").focus();
});

const targetTimers = new WeakMap();
const showTargetNow = async (row) => {
  const values = new URLSearchParams();
  for (const field of row.querySelectorAll("input, select")) {
    const key = field.name.replace(/^maal-\d+-/, "");
    if (["id", "sted", "noegletal", "sammenligning", "vaerdi", "aar"].includes(key)) values.set(key, field.value);
  }
  const response = await fetch(`${row.dataset.nu}?${values}`, { headers: { Accept: "application/json" } });
  if (response.ok) row.querySelector(".nu").textContent = (await response.json()).tekst;
};
const targetChanged = (event) => {
  const row = event.target.closest("fieldset.maal");
  if (!row) return;
  clearTimeout(targetTimers.get(row));
  targetTimers.set(row, setTimeout(() => showTargetNow(row), 150));
};
document.addEventListener("input", targetChanged);
document.addEventListener("change", targetChanged);

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
