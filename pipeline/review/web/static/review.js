// Review page: list of cuts, the selected cut with its source page, decisions posted to the API.
// Everything from the paper is inserted as text (never as HTML).
"use strict";
const API = document.body.dataset.api;
const LOW_AGREEMENT = 0.5;
const S = { state: null, current: null, editing: false };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k === "data") Object.assign(node.dataset, v); else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

function say(text, kind) {
  const box = $("message");
  box.textContent = text; box.className = kind || ""; box.hidden = !text;
}

async function api(path, options) {
  const res = await fetch(API + path, options);
  const body = res.headers.get("content-type")?.includes("json") ? await res.json() : null;
  return { ok: res.ok, status: res.status, body };
}

function visibleCuts() {
  const cuts = S.state ? S.state.cuts : [];
  return cuts.filter((c) =>
    (!$("f-unverified").checked || c.status === "unverified" || (c.grounding && !c.grounding.found)) &&
    (!$("f-lowagree").checked || (c.agreement !== null && c.agreement < LOW_AGREEMENT)) &&
    (!$("f-undecided").checked || !["reviewed", "edited", "rejected"].includes(c.status)));
}

function card(c) {
  const head = el("div", { class: "head" }, el("span", { class: "id" }, c.id), el("span", { class: "where" }, c.where),
    el("span", { class: "badge " + c.status }, c.status),
    c.diff.state !== "unchanged" ? el("span", { class: "badge " + c.diff.state }, c.diff.state) : null,
    el("span", { class: "where" }, "conf " + c.confidence.toFixed(2) + (c.agreement !== null ? " · agree " + c.agreement.toFixed(2) : "")));
  return el("div", { class: "cut s-" + c.status + (S.current === c.id ? " current" : ""), data: { id: c.id }, tabindex: "-1" },
    head, el("div", {}, c.description), el("div", {}, el("code", { class: "machine" }, c.machine)),
    c.quote ? el("div", { class: "quote" }, "“" + c.quote + "”") : null);
}

function renderList() {
  const list = $("list"); list.replaceChildren();
  const cuts = visibleCuts();
  if (!cuts.length) list.append(el("p", {}, "No cut matches the filters."));
  for (const c of cuts) {
    const node = card(c);
    node.addEventListener("click", () => select(c.id));
    list.append(node);
  }
  const st = S.state;
  $("counts").textContent = `${st.cuts.length - st.undecided}/${st.cuts.length} cuts decided`;
  $("version").textContent = st.version;
}

function renderDetail(c) {
  const info = $("cut-info"); info.replaceChildren();
  if (!c) { info.append(el("p", {}, "No cut selected.")); $("page-img").removeAttribute("src"); return; }
  const g = c.grounding;
  const dl = el("dl", {},
    el("dt", {}, "machine form"), el("dd", {}, el("code", { class: "machine" }, c.machine)),
    el("dt", {}, "status"), el("dd", {}, el("span", { class: "badge " + c.status }, c.status)),
    el("dt", {}, "confidence"), el("dd", {}, c.confidence.toFixed(2) + (c.agreement !== null ? `  (agreement ${c.agreement.toFixed(2)})` : "")),
    el("dt", {}, "source"), el("dd", {}, `${c.document || "?"}${c.page ? ", page " + c.page : ""}${c.section ? ", § " + c.section : ""} (${c.source || "?"})`),
    el("dt", {}, "grounding"), el("dd", {}, g ? `${g.found ? "quote found" : "quote NOT found"}, numbers ${g.numbers_match ? "match" : "do NOT match"} (score ${g.score.toFixed(2)})${g.found && g.numbers_match && c.status !== "unverified" ? "" : " - " + g.reason}` : "not checked"));
  if (c.reviewer_note) dl.append(el("dt", {}, "reviewer note"), el("dd", {}, c.reviewer_note));
  info.append(el("h2", {}, `${c.id}: ${c.description}`), dl, c.quote ? el("blockquote", {}, c.quote) : el("p", {}, "(no quote)"));
  loadSource(c);
}

async function loadSource(c) {
  const img = $("page-img"), note = $("source-note");
  const res = await api(`/source/${encodeURIComponent(c.id)}`);
  if (S.current !== c.id) return;
  if (!res.ok || !res.body.image) {
    img.removeAttribute("src"); img.hidden = true;
    note.textContent = res.ok ? "The source PDF or page of this cut is not available." : res.body.error;
    return;
  }
  const h = res.body;
  note.textContent = `${h.document}, page ${h.page}: ` + (h.found ? `quote highlighted (${h.method === "bbox" ? "recorded box" : "found by searching the page"})` : "quote not found on the page");
  img.hidden = false;
  img.onload = () => {
    if (!h.found || !h.page_size) return;
    const top = Math.min(...h.boxes.map((b) => b[1])) / h.page_size[1];
    $("page-frame").scrollTop = Math.max(0, top * img.clientHeight - 120);
  };
  img.src = `${API}/page/${encodeURIComponent(c.id)}.png?v=${S.state.version}`;
}

function select(id) {
  S.current = id; closeEdit();
  for (const node of document.querySelectorAll(".cut")) node.classList.toggle("current", node.dataset.id === id);
  document.querySelector(`.cut[data-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: "nearest" });
  renderDetail(S.state.cuts.find((c) => c.id === id));
}

function move(step) {
  const cuts = visibleCuts();
  if (!cuts.length) return;
  const at = cuts.findIndex((c) => c.id === S.current);
  const next = at < 0 ? 0 : Math.min(cuts.length - 1, Math.max(0, at + step));
  select(cuts[next].id);
}

async function load(keep) {
  const res = await api("/state");
  if (!res.ok) { say(res.body ? res.body.error : "cannot load the run", "error"); return; }
  S.state = res.body;
  $("run").textContent = S.state.run;
  $("paper").textContent = S.state.paper.title || S.state.paper.id;
  $("reviewer").value = S.state.reviewer;  // the server's reviewer: decisions are logged under it alone
  renderList();
  renderAssumptions();
  const ids = S.state.cuts.map((c) => c.id);
  if (keep && ids.includes(keep)) select(keep); else if (ids.length) select(visibleCuts()[0]?.id || ids[0]);
}

async function send(decision) {
  const payload = { base_version: S.state.version, comment: $("comment").value, ...decision };
  const res = await api("/decision", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
  if (res.status === 409) { say(res.body.error + " — reloaded the latest version.", "error"); await load(S.current); return false; }
  if (!res.ok) { say((res.body && res.body.error) || `save failed (${res.status})`, "error"); return false; }
  say(`saved version ${res.body.version}: ${decision.action} ${decision.cut_id || decision.assumption_id || ""}`, "ok");
  $("comment").value = "";
  return true;
}

async function decide(action) {
  if (!S.current) return;
  const id = S.current;
  if (await send({ action, cut_id: id })) {
    await load(id);
    move(1);
  }
}

function openEdit() {
  const c = S.state.cuts.find((x) => x.id === S.current);
  if (!c) return;
  const form = $("edit-form"); S.editing = true; form.hidden = false;
  form.elements.description.value = c.description;
  for (const k of ["variable", "op", "unit", "expr", "text"]) form.elements[k].value = c.fields[k] ?? "";
  form.elements.abs.checked = !!c.fields.abs;
  const v = c.fields.value;
  form.elements.value.value = v === null || v === undefined ? "" : Array.isArray(v) ? v.join(", ") : String(v);
  form.elements.description.focus();
}

function closeEdit() { S.editing = false; $("edit-form").hidden = true; }

async function saveEdit(event) {
  event.preventDefault();
  const form = $("edit-form"), c = S.state.cuts.find((x) => x.id === S.current);
  const changes = {};
  for (const k of ["description", "variable", "op", "value", "unit", "expr", "text"]) {
    const now = form.elements[k].value.trim();
    const was = k === "description" ? c.description : c.fields[k];
    const wasText = was === null || was === undefined ? "" : Array.isArray(was) ? was.join(", ") : String(was);
    if (now !== wasText) changes[k] = now;
  }
  if (form.elements.abs.checked !== !!c.fields.abs) changes.abs = form.elements.abs.checked;
  if (!Object.keys(changes).length) { say("nothing changed", ""); return; }
  if (await send({ action: "edit", cut_id: c.id, changes })) { closeEdit(); await load(c.id); }
}

function renderAssumptions() {
  const box = $("assumptions"); box.replaceChildren();
  if (!S.state.assumptions.length) return;
  box.append(el("h2", {}, "Assumptions the paper leaves open"));
  for (const a of S.state.assumptions) {
    const input = el("input", { size: "50", placeholder: "your answer", value: a.answer || "" });
    const button = el("button", { type: "button" }, "answer");
    button.addEventListener("click", async () => {
      if (await send({ action: "answer", assumption_id: a.id, answer: input.value })) await load(S.current);
    });
    box.append(el("div", { class: "assumption", data: { id: a.id } },
      el("strong", {}, `${a.id}: ${a.topic}`), " ", el("span", { class: "badge " + a.status }, a.status),
      el("div", {}, "Unstated: " + a.unstated), el("div", {}, "Chosen: " + a.choice), el("div", {}, input, " ", button)));
  }
}

async function showDiff() {
  const res = await api("/diff");
  const rows = res.body.filter((d) => d.state !== "unchanged");
  const table = el("table", {}, el("tr", {}, el("th", {}, "cut"), el("th", {}, "change"), el("th", {}, "field"), el("th", {}, "extracted"), el("th", {}, "reviewed")));
  for (const d of rows) {
    const fields = Object.entries(d.fields);
    if (!fields.length) table.append(el("tr", {}, el("td", {}, d.id), el("td", {}, d.state), el("td"), el("td"), el("td")));
    for (const [f, [a, b]] of fields)
      table.append(el("tr", {}, el("td", {}, d.id), el("td", {}, d.state), el("td", {}, f),
        el("td", {}, el("del", {}, JSON.stringify(a))), el("td", {}, el("ins", {}, JSON.stringify(b)))));
  }
  $("diff-body").replaceChildren(rows.length ? table : el("p", {}, "The reviewed list equals the extracted one."));
  $("diff-dialog").showModal();
}

async function showLog() {
  const res = await api("/log");
  const table = el("table", {}, el("tr", {}, ...["version", "when", "who", "action", "item", "comment"].map((h) => el("th", {}, h))));
  for (const e of res.body) table.append(el("tr", {}, el("td", {}, e.version), el("td", {}, e.time), el("td", {}, e.who),
    el("td", {}, e.action), el("td", {}, e.cut || e.assumption), el("td", {}, e.comment)));
  $("log-body").replaceChildren(res.body.length ? table : el("p", {}, "Nothing decided yet."));
  $("log-dialog").showModal();
}

function openAdd() {
  const into = $("add-into"); into.replaceChildren(...S.state.containers.map((c) => el("option", {}, c)));
  $("add-dialog").showModal();
}

async function saveAdd(event) {
  event.preventDefault();
  const f = $("add-form").elements, changes = {};
  for (const k of ["description", "variable", "op", "value", "unit", "expr", "target"]) if (f[k].value.trim()) changes[k] = f[k].value.trim();
  if (f.abs.checked) changes.abs = true;
  if (changes.target) changes.scope = "object";
  const decision = { action: "add", cut_id: f.id.value.trim(), into: f.into.value, quote: f.quote.value, changes,
    page: f.page.value ? Number(f.page.value) : null };
  if (await send(decision)) { $("add-dialog").close(); $("add-form").reset(); await load(decision.cut_id); }
}

function onKey(event) {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(event.target.tagName);
  if (event.key === "Escape" && S.editing) { closeEdit(); return; }
  if (typing || event.ctrlKey || event.metaKey || event.altKey || document.querySelector("dialog[open]")) return;
  const keys = { j: () => move(1), k: () => move(-1), a: () => decide("approve"), r: () => decide("reject"), e: openEdit };
  if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
}

function init() {
  $("low").textContent = LOW_AGREEMENT;
  for (const id of ["f-unverified", "f-lowagree", "f-undecided"]) $(id).addEventListener("change", () => { renderList(); move(0); });
  $("btn-approve").addEventListener("click", () => decide("approve"));
  $("btn-reject").addEventListener("click", () => decide("reject"));
  $("btn-edit").addEventListener("click", openEdit);
  $("btn-cancel-edit").addEventListener("click", closeEdit);
  $("edit-form").addEventListener("submit", saveEdit);
  $("btn-diff").addEventListener("click", showDiff);
  $("btn-log").addEventListener("click", showLog);
  $("btn-add").addEventListener("click", openAdd);
  $("add-form").addEventListener("submit", saveAdd);
  for (const b of document.querySelectorAll("dialog .close")) b.addEventListener("click", () => b.closest("dialog").close());
  document.addEventListener("keydown", onKey);
  load(null);
}
init();
