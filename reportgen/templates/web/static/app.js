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
  // The frame's own document (the saved text) may still be on its way when a preview arrives, on a busy server:
  // a preview put into the empty frame, or into a half-read one, would be lost when that document lands.
  const frameLoaded = () => {
    const target = frame.contentDocument;
    return target && target.URL !== "about:blank" && target.readyState === "complete";
  };
  const untilFrameLoaded = async () => {
    while (!frameLoaded()) await new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
  };
  // The styles of the document the frame loaded: its policy allows exactly those (guard.document_policy).
  const styles = (doc) =>
    new Set([
      ...Array.from(doc.querySelectorAll("[style]"), (node) => node.getAttribute("style")),
      ...Array.from(doc.querySelectorAll("style"), (node) => node.textContent),
    ]);
  // The same styles read from a document's text before it is parsed (parsing would already apply them).
  const entities = { "&amp;": "&", "&quot;": '"', "&#39;": "'", "&#x27;": "'", "&lt;": "<", "&gt;": ">" };
  const stylesOf = (html) =>
    new Set([
      ...Array.from(html.matchAll(/\sstyle="([^"]*)"/g), (m) => m[1].replace(/&(amp|quot|#39|#x27|lt|gt);/g, (e) => entities[e])),
      ...Array.from(html.matchAll(/<style>([\s\S]*?)<\/style>/g), (m) => m[1]),
    ]);
  let allowed = null;
  frame.addEventListener("load", () => {
    allowed = frame.contentDocument ? styles(frame.contentDocument) : null;
  });
  const sender = document.createElement("form"); // kept in the page: a form removed at once may not be sent
  sender.method = "post";
  sender.action = previewing.dataset.preview;
  sender.target = frame.name; // the frame, by its name in the page
  sender.hidden = true;
  document.body.append(sender);
  const reload = (body) => {
    sender.replaceChildren(
      ...Array.from(body.entries(), ([name, value]) => Object.assign(document.createElement("input"), { type: "hidden", name, value })),
    );
    allowed = null;
    sender.submit();
  };
  // What the status line says of a preview (ms: how long it took, when the page put it in the frame itself).
  const report = (ok, ms) => {
    status.textContent = ok
      ? `Forhåndsvisningen er opdateret${ms === null ? "" : ` (${ms} ms)`}. Det, du har skrevet, er ikke gemt endnu.`
      : "Det skrevne kan ikke vises: se beskeden i forhåndsvisningen.";
  };
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
    await untilFrameLoaded();
    if (number !== sent) return; // a newer request is on its way
    const target = frame.contentDocument;
    if (!target || !target.body) return;
    if (allowed === null) allowed = styles(target);
    if (Array.from(stylesOf(html)).some((css) => !allowed.has(css))) {
      // a style the frame's policy does not allow (a plan table with new column widths, the document after a page
      // of problems): the frame loads the preview itself, under the new document's own policy
      reload(body);
      report(response.ok, null);
      return;
    }
    // parsed in the frame, under the document's own policy (its styles allowed), not the page's
    const doc = new frame.contentWindow.DOMParser().parseFromString(html, "text/html");
    const before = Array.from(target.body.querySelectorAll("main > *"), (node) => node.outerHTML);
    target.body.replaceWith(target.importNode(doc.body, true));
    const after = target.body.querySelectorAll("main > *");
    const changed = Array.from(after).find((node, i) => node.outerHTML !== before[i]);
    if (changed) {
      const box = changed.getBoundingClientRect();
      const view = frame.contentWindow; // scroll the frame only: the page with the editor stays where it is
      if (box.top < 0 || box.bottom > view.innerHeight) view.scrollTo({ top: view.scrollY + box.top - view.innerHeight / 3 });
    }
    report(response.ok, Math.round(performance.now() - started));
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
const targetAsked = new WeakMap(); // the number of the latest request for a row's current value
const showTargetNow = async (row) => {
  const number = (targetAsked.get(row) || 0) + 1;
  targetAsked.set(row, number);
  const values = new URLSearchParams();
  for (const field of row.querySelectorAll("input, select")) {
    const key = field.name.replace(/^maal-\d+-/, "");
    if (["id", "sted", "noegletal", "sammenligning", "vaerdi", "aar"].includes(key)) values.set(key, field.value);
  }
  const response = await fetch(`${row.dataset.nu}?${values}`, { headers: { Accept: "application/json" } });
  const answer = response.ok ? await response.json() : null;
  // an answer to an earlier request that arrives late (a busy server) never replaces the latest one
  if (answer && targetAsked.get(row) === number) row.querySelector(".nu").textContent = answer.tekst;
};
const targetChanged = (event) => {
  const row = event.target.closest("fieldset.maal");
  if (!row) return;
  clearTimeout(targetTimers.get(row));
  targetTimers.set(row, setTimeout(() => showTargetNow(row), 150));
};
document.addEventListener("input", targetChanged);
document.addEventListener("change", targetChanged);

// Never lose a keystroke: what is typed in a form is kept as a draft in this tab (sessionStorage) until it is
// saved, and brought back when the officer returns to the page; leaving the app with unsaved changes asks first.
const DRAFT_SKIP = new Set(["csrf", "version"]);
const draftForms = Array.from(document.querySelectorAll("main form[method='post']")).filter(
  (form) => !form.classList.contains("inline") && form.querySelector("input:not([type=hidden]):not([type=file]), textarea, select"),
);
const fieldsOf = (form) =>
  Array.from(form.elements).filter(
    (field) => field.name && !DRAFT_SKIP.has(field.name) && field.type !== "file" && field.type !== "submit" && field.type !== "button",
  );
const serialize = (form) =>
  fieldsOf(form).map((field) => [field.name, field.value, field.type === "checkbox" || field.type === "radio" ? field.checked : null]);
const draftKey = (form, index) => `reportgen-kladde:${location.pathname}:${form.id || index}`;
const restore = (form, entries) => {
  for (const [name, value, checked] of entries) {
    const match = name.match(/^(maal|indsats|opfoelgning)-(\d+)-/);
    if (match && !form.elements.namedItem(name)) {
      const row = addRow(match[1]);
      const from = `${match[1]}-${row.dataset.nr}-`;
      for (const node of row.querySelectorAll("[id], [name], [for]")) {
        for (const attribute of ["id", "name", "for"]) {
          const old = node.getAttribute(attribute);
          if (old) node.setAttribute(attribute, old.split(from).join(`${match[1]}-${match[2]}-`));
        }
      }
      row.dataset.nr = match[2];
    }
    const fields = Array.from(form.elements).filter((field) => field.name === name);
    for (const field of fields) {
      if (checked === null) field.value = value;
      else if (field.value === value) field.checked = checked;
    }
  }
  for (const row of form.querySelectorAll("fieldset.maal")) showTargetNow(row);
  const area = form.querySelector("textarea");
  if (area) area.dispatchEvent(new Event("input", { bubbles: true }));
  else form.dispatchEvent(new Event("change", { bubbles: true }));
};
const dirty = new Set();
draftForms.forEach((form, index) => {
  const key = draftKey(form, index);
  const version = form.elements.namedItem("version");
  const saved = JSON.stringify(serialize(form));
  let stored = null;
  try {
    stored = JSON.parse(sessionStorage.getItem(key) || "null");
  } catch (error) {
    sessionStorage.removeItem(key);
  }
  if (stored && JSON.stringify(stored.values) !== saved && !document.getElementById("fejlopsummering")) {
    const notice = document.createElement("div");
    notice.className = "kladde";
    notice.setAttribute("role", "status");
    const same = !version || stored.version === version.value;
    notice.innerHTML = same
      ? "<p>Det, du skrev uden at gemme, er hentet frem igen. Det er ikke gemt endnu.</p>"
      : "<p>Du har en udgave, der ikke er gemt, men sagen er ændret et andet sted siden. Hent den frem for at se den, før du gemmer.</p>";
    const buttons = document.createElement("div");
    buttons.className = "knapper";
    if (!same) {
      const take = Object.assign(document.createElement("button"), { type: "button", className: "knap knap-anden", textContent: "Hent den ikke-gemte udgave frem" });
      take.addEventListener("click", () => {
        restore(form, stored.values);
        dirty.add(form);
        take.remove();
      });
      buttons.appendChild(take);
    }
    const drop = Object.assign(document.createElement("button"), { type: "button", className: "knap knap-anden", textContent: "Kassér den ikke-gemte udgave" });
    drop.addEventListener("click", () => {
      sessionStorage.removeItem(key);
      location.reload();
    });
    buttons.appendChild(drop);
    notice.appendChild(buttons);
    form.before(notice);
    if (same) {
      restore(form, stored.values);
      dirty.add(form);
    }
  }
  const remember = () => {
    const values = serialize(form);
    if (JSON.stringify(values) === saved) {
      sessionStorage.removeItem(key);
      dirty.delete(form);
    } else {
      sessionStorage.setItem(key, JSON.stringify({ version: version ? version.value : null, values }));
      dirty.add(form);
    }
  };
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);
  form.addEventListener("submit", () => {
    sessionStorage.removeItem(key);
    dirty.delete(form);
  });
});

// Within the app a draft survives the way away and back; leaving the app (closing the tab, another address) asks.
let inApp = false;
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href]");
  if (link && link.origin === location.origin && !link.hasAttribute("download")) inApp = true;
});
window.addEventListener("beforeunload", (event) => {
  if (dirty.size && !inApp) {
    event.preventDefault();
    event.returnValue = "";
  }
  inApp = false;
});

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
    else setTimeout(poll, soon());
  };
  // often at first, so that a build that reuses the latest version's files (under a second) is shown as it ends;
  // less often once it is clearly a long one
  const started = performance.now();
  const soon = () => (performance.now() - started < 5000 ? 100 : 400);
  setTimeout(poll, soon());
}
