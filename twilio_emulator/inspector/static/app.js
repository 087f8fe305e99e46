// The Twilio Emulator inspector: a client of the emulator's control API (/_emulator/v1: views, clock, the
// live event stream) and of its REST API (as the chosen account). No framework, no build step: the DOM is
// built with el() from data (never from HTML strings), and every change arrives over one EventSource.

import * as conversations from "./conversations.js";
import * as verify from "./verify.js";
import * as calls from "./calls.js";

const CONTROL = "/_emulator/v1";
const state = {
  accounts: [], account: null, phones: [], selected: null, thread: [], byPhone: new Map(),
  list: [], next: null, filters: {}, detailSid: null, clock: null, targets: [], alerts: [], stream: null,
  view: "phones", hooks: new Map(),
};
const $ = (id) => document.getElementById(id);

// ---- helpers --------------------------------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function control(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(CONTROL + path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

async function rest(path, query = {}) {
  const { sid, auth_token: token } = state.account;
  const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== ""));
  const response = await fetch(path + (qs.toString() ? `?${qs}` : ""),
    { headers: { Authorization: "Basic " + btoa(`${sid}:${token}`) } });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || `${response.status}`);
  return data;
}

const accountQuery = () => `account_sid=${encodeURIComponent(state.account.sid)}`;
const phoneOf = (m) => (m.direction === "inbound" ? m.from : m.to);
const ours = (m) => m.direction !== "inbound";
const shortTime = (rfc) => (rfc ? new Date(rfc).toLocaleTimeString([], { hour12: false }) : "");
const statusText = (m) => m.status + (m.error_code ? ` · ${m.error_code} ${m.error_message || ""}`.trimEnd() : "");
function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}
function report(error) {
  const live = $("live");
  live.textContent = `error: ${error.message}`;
  live.classList.remove("on");
}

// ---- accounts, clock, theme -----------------------------------------------------------------------------
async function loadAccounts() {
  const data = await control("GET", "/accounts");
  state.accounts = data.accounts;
  const keep = state.account && data.accounts.find((a) => a.sid === state.account.sid);
  state.account = keep || data.accounts.find((a) => a.sid === data.default) || data.accounts[0];
  const select = $("account");
  select.replaceChildren(...data.accounts.map((a) => el("option", { value: a.sid, selected: a.sid === state.account.sid },
    `${a.friendly_name} (${a.sid.slice(0, 8)}…${a.type === "Trial" ? ", trial" : ""})`)));
}

async function loadClock() {
  state.clock = await control("GET", "/clock");
  state.clock.loaded = Date.now();
  renderClock();
}

function renderClock() {
  const { mode, now } = state.clock;
  const shown = mode === "real" ? now + (Date.now() - state.clock.loaded) / 1000 : now;
  $("clock-now").textContent = new Date(shown * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  $("clock-mode").textContent = mode === "manual" ? "manual" : "real";
  $("clock-toggle").textContent = mode === "manual" ? "Run the clock" : "Stop the clock";
}

function setTheme(theme) {
  document.documentElement.dataset.theme = theme;
  $("theme").setAttribute("aria-pressed", String(theme === "dark"));
  try { localStorage.setItem("twilio-emulator-theme", theme); } catch (e) { /* private mode */ }
}

// ---- the live stream ------------------------------------------------------------------------------------
function connect() {
  if (state.stream) state.stream.close();
  const stream = new EventSource(`${CONTROL}/messages/stream?${accountQuery()}&events=message,webhook,verification,call`);
  state.stream = stream;
  stream.onopen = () => { $("live").textContent = "live"; $("live").classList.add("on"); };
  stream.onerror = () => { $("live").textContent = "reconnecting…"; $("live").classList.remove("on"); };
  // Until the switcher's new stream replaces this one, the old stream's events may still come: only the chosen
  // account's are shown.
  const ours = (handle) => (event) => {
    const data = JSON.parse(event.data);
    if (state.account && data.account_sid === state.account.sid) handle(data);
  };
  stream.addEventListener("message", ours(onMessage));
  stream.addEventListener("webhook", ours(onWebhook));
  stream.addEventListener("verification", ours(() => verify.changed()));
  stream.addEventListener("call", ours((c) => calls.changed(c)));
}

function onMessage(m) {
  const phone = phoneOf(m);
  state.phones = [{ address: phone, last: m }, ...state.phones.filter((p) => p.address !== phone)];
  renderPhones();
  if (phone === state.selected) {
    const i = state.thread.findIndex((x) => x.sid === m.sid);
    if (i >= 0) state.thread[i] = { ...state.thread[i], ...m };
    else state.thread.push(m);
    renderBubble(m, i < 0);
  }
  const row = state.list.findIndex((x) => x.sid === m.sid);
  if (row >= 0) {
    state.list[row] = m;
    renderRow(m);
  } else if (matchesFilters(m)) {
    state.list.unshift(m);
    $("message-rows").prepend(rowOf(m));
    $("no-messages").hidden = true;
  }
  if (state.detailSid === m.sid) refreshDetail();
  if (!state.targets.length) loadTargets().catch(report);
  if (state.view === "conversations") conversations.changed();
  verify.changed();
}

const refreshAlerts = debounce(() => loadAlerts().catch(report), 150);
function onWebhook(w) {
  if (state.detailSid && w.resource_sid === state.detailSid) refreshDetail();
  // Kept whether or not its message is on screen yet (the webhook can beat the thread's own load).
  state.hooks.set(w.resource_sid, [...(state.hooks.get(w.resource_sid) || []), w]);
  if (state.hooks.size > 5000) state.hooks.delete(state.hooks.keys().next().value);  // the oldest
  const shown = state.thread.find((m) => m.sid === w.resource_sid);
  if (shown) renderBubble(shown, false);
  if (w.error || !(w.response_status >= 200 && w.response_status < 300)) refreshAlerts();
  if (state.view === "conversations") conversations.changed();
}

// ---- phones and conversations ---------------------------------------------------------------------------
async function loadPhones() {
  state.phones = (await control("GET", `/phones?${accountQuery()}`)).phones;
  renderPhones();
  if (state.selected) await loadThread();
}

function renderPhones() {
  const list = $("phones");
  list.replaceChildren(...state.phones.map(({ address, last }) => el("li", {},
    el("button", { type: "button", "aria-current": address === state.selected ? "true" : null,
      onclick: () => selectPhone(address) },
      el("span", { class: "who" }, address),
      el("span", { class: "last" }, `${ours(last) ? "→ " : "← "}${last.body || (last.num_media !== "0" ? "[media]" : "")}`)))));
  $("no-phones").hidden = state.phones.length > 0;
  $("known-phones").replaceChildren(...state.phones.map((p) => el("option", { value: p.address })));
}

async function selectPhone(address) {
  state.selected = address;
  renderPhones();
  const from = $("compose-from");
  from.value = address;
  await loadThread();
  const last = state.thread[state.thread.length - 1];
  if (last) {
    const ourSide = ours(last) ? last.from : last.to;
    if (ourSide && [...$("compose-to").options].some((o) => o.value === ourSide)) $("compose-to").value = ourSide;
  }
}

async function loadThread() {
  const address = state.selected;
  const data = await control("GET", `/messages?${accountQuery()}&number=${encodeURIComponent(address)}&limit=100`);
  if (address !== state.selected) return;
  state.thread = data.messages.reverse();
  $("thread-title").textContent = `Conversation with ${address}`;
  $("bubbles").replaceChildren(...state.thread.map(bubbleOf));
  scrollThread();
}

function bubbleOf(m) {
  const media = m.num_media !== "0" ? el("span", { class: "media", "data-sid": m.sid }) : null;
  const node = el("li", { "data-sid": m.sid, class: ours(m) ? "mine" : "theirs" },
    el("button", { type: "button", class: `bubble${ours(m) ? " ours" : ""}`, onclick: () => openDetail(m.sid),
      "aria-label": `${ours(m) ? "Sent" : "Received"} message ${m.sid}: ${m.body}` },
      media,
      el("span", { class: "text" }, m.body),
      el("span", { class: "meta" },
        el("span", {}, `${m.from || "(the service picks a sender)"} · `),
        el("span", { class: `status status-${m.status}`, "data-status": m.status }, statusText(m)),
        el("span", {}, ` · ${shortTime(m.date_updated)}`)),
      (state.hooks.get(m.sid) || []).map((w) => el("span", { class: "meta hook" },
        `${w.kind.replace(/_/g, " ")}: ${w.method} ${w.url} → ${w.error || w.response_status} (${Number(w.duration_ms).toFixed(1)} ms)`))));
  if (media) loadMedia(m, media);
  return node;
}

async function loadMedia(m, holder) {
  try {
    const detail = await control("GET", `/messages/${m.sid}/detail?${accountQuery()}`);
    holder.replaceChildren(...detail.media.map((item) => item.content_type.startsWith("image/")
      ? el("img", { src: item.url, alt: `media ${item.content_type}` })
      : el("a", { href: item.url, target: "_blank", rel: "noopener" }, `media (${item.content_type})`)));
  } catch (error) { report(error); }
}

function renderBubble(m, appended) {
  const list = $("bubbles");
  const existing = list.querySelector(`li[data-sid="${m.sid}"]`);
  const node = bubbleOf(state.thread.find((x) => x.sid === m.sid) || m);
  if (existing) existing.replaceWith(node);
  else list.append(node);
  if (appended) scrollThread();
}

function scrollThread() {
  const list = $("bubbles");
  list.scrollTop = list.scrollHeight;
}

async function loadTargets() {
  const [numbers, codes, senders] = await Promise.all([
    rest(`/2010-04-01/Accounts/${state.account.sid}/IncomingPhoneNumbers.json`, { PageSize: 1000 }),
    rest(`/2010-04-01/Accounts/${state.account.sid}/SMS/ShortCodes.json`, { PageSize: 1000 }),
    control("GET", `/senders?${accountQuery()}`)]);
  state.targets = [
    ...numbers.incoming_phone_numbers.map((n) => ({ value: n.phone_number, label: `${n.phone_number} ${n.friendly_name !== n.phone_number ? "· " + n.friendly_name : ""}` })),
    ...codes.short_codes.map((c) => ({ value: c.short_code, label: `${c.short_code} · short code` })),
    ...senders.senders.filter((s) => s.status === "ONLINE").map((s) => ({ value: s.sender_id, label: `${s.sender_id} · sender` })),
  ];
  const select = $("compose-to");
  const current = select.value;
  select.replaceChildren(...(state.targets.length ? state.targets.map((t) => el("option", { value: t.value }, t.label))
    : [el("option", { value: "" }, "(buy a number first)")]));
  if (state.targets.some((t) => t.value === current)) select.value = current;
}

async function compose(body) {
  const to = $("compose-to").value;
  let from = $("compose-from").value.trim();
  const channel = to.includes(":") ? to.split(":")[0] : "";
  if (channel && !from.includes(":")) from = `${channel}:${from}`;
  const media = $("compose-media").value.split(/\s+/).filter(Boolean);
  const result = $("compose-result");
  try {
    const sent = await control("POST", "/inbound", { From: from, To: to, Body: body, MediaUrl: media, wait: false });
    result.textContent = `sent ${sent.sid}`;
    $("compose-body").value = "";
    if (state.selected !== sent.from) await selectPhone(sent.from);
  } catch (error) {
    result.textContent = `not sent: ${error.message}`;
  }
}

// ---- messages list --------------------------------------------------------------------------------------
function matchesFilters(m) {
  const f = state.filters;
  if (f.number && m.to !== f.number && m.from !== f.number) return false;
  if (f.status && m.status !== f.status) return false;
  if (f.direction === "inbound" && m.direction !== "inbound") return false;
  if (f.direction === "outbound" && m.direction === "inbound") return false;
  if (f.q && !(m.body || "").toLowerCase().includes(f.q.toLowerCase())) return false;
  return true;
}

async function loadMessages(more = false) {
  const query = new URLSearchParams({ account_sid: state.account.sid, limit: "50" });
  for (const [key, value] of Object.entries(state.filters)) if (value) query.set(key, value);
  if (more && state.next) query.set("before", state.next);
  const data = await control("GET", `/messages?${query}`);
  state.list = more ? [...state.list, ...data.messages] : data.messages;
  state.next = data.next;
  const rows = data.messages.map(rowOf);
  if (more) $("message-rows").append(...rows);
  else $("message-rows").replaceChildren(...rows);
  $("no-messages").hidden = state.list.length > 0;
  $("more").hidden = !data.next;
}

function rowOf(m) {
  const open = () => openDetail(m.sid);
  return el("tr", { "data-sid": m.sid, tabindex: "0", onclick: open,
    onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } } },
    el("td", {}, shortTime(m.date_updated)),
    el("td", { class: `status-${m.status}` }, statusText(m)),
    el("td", {}, m.direction),
    el("td", {}, m.from || "—"),
    el("td", {}, m.to),
    el("td", { class: "body" }, m.body));
}

function renderRow(m) {
  const row = $("message-rows").querySelector(`tr[data-sid="${m.sid}"]`);
  if (row) row.replaceWith(rowOf(m));
}

// ---- message detail -------------------------------------------------------------------------------------
async function openDetail(sid) {
  state.detailSid = sid;
  const dialog = $("detail");
  $("detail-title").textContent = `Message ${sid}`;
  $("detail-body").replaceChildren(el("p", { class: "muted" }, "loading…"));
  if (!dialog.open) dialog.showModal();
  await refreshDetail();
}

const refreshDetail = debounce(async () => {
  const sid = state.detailSid;
  if (!sid) return;
  try {
    const detail = await control("GET", `/messages/${sid}/detail?${accountQuery()}`);
    if (sid === state.detailSid) renderDetail(detail);
  } catch (error) { report(error); }
}, 60);

function table(rows) {
  return el("table", {}, el("tbody", {}, rows.map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", {}, v)))));
}

function prettyXml(text) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) return text;
  const lines = [];
  const walk = (node, depth) => {
    const pad = "  ".repeat(depth);
    if (node.nodeType === Node.TEXT_NODE) {
      const t = node.textContent.trim();
      if (t) lines.push(pad + t);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const attrs = [...node.attributes].map((a) => ` ${a.name}="${a.value}"`).join("");
    const kids = [...node.childNodes].filter((c) => c.nodeType === Node.ELEMENT_NODE || c.textContent.trim());
    if (!kids.length) lines.push(`${pad}<${node.tagName}${attrs}/>`);
    else if (kids.length === 1 && kids[0].nodeType === Node.TEXT_NODE) {
      lines.push(`${pad}<${node.tagName}${attrs}>${kids[0].textContent.trim()}</${node.tagName}>`);
    } else {
      lines.push(`${pad}<${node.tagName}${attrs}>`);
      kids.forEach((c) => walk(c, depth + 1));
      lines.push(`${pad}</${node.tagName}>`);
    }
  };
  walk(doc.documentElement, 0);
  return lines.join("\n");
}

const quote = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
function curlOf(w) {
  const parts = [`curl -X ${w.method} ${quote(w.url)}`];
  for (const [k, v] of Object.entries(w.headers)) parts.push(`-H ${quote(`${k}: ${v}`)}`);
  if (w.method !== "GET") for (const [k, v] of w.params) parts.push(`--data-urlencode ${quote(`${k}=${v}`)}`);
  return parts.join(" \\\n  ");
}

function requestOf(w, alerts) {
  const failed = w.error || !(w.response_status >= 200 && w.response_status < 300);
  const copied = el("output", { class: "muted", "aria-live": "polite" });
  const curl = curlOf(w);
  const body = w.response_body || "";
  const isXml = body.trim().startsWith("<");
  const raised = alerts.filter((a) => a.request_url === w.url);
  return el("article", { class: "request", "aria-label": `${w.kind.replace(/_/g, " ")} request` },
    el("h4", {}, `${w.kind.replace(/_/g, " ")}: ${w.method} ${w.url} → `,
      el("span", { class: failed ? "error" : "status-delivered" }, w.error || String(w.response_status)),
      ` (${Number(w.duration_ms).toFixed(1)} ms, ${shortTime(w.date_created)})`),
    raised.map((a) => el("p", { class: "error" }, `Alert ${a.error_code}: ${a.alert_text}`)),
    w.error ? el("p", { class: "error" }, w.error) : null,
    body ? el("pre", { "aria-label": isXml ? "TwiML answer" : "Response body" }, isXml ? prettyXml(body) : body) : null,
    el("div", { class: "row" },
      el("button", { type: "button", onclick: async () => {
        try { await navigator.clipboard.writeText(curl); copied.textContent = "copied"; }
        catch (e) { copied.textContent = "select the command below to copy it"; }
      } }, "Copy as curl"), copied),
    el("details", {}, el("summary", {}, "curl"), el("pre", { class: "curl" }, curl)),
    el("div", { class: "columns" },
      el("div", {}, el("h3", {}, "Parameters"), table(w.params)),
      el("div", {}, el("h3", {}, "Request headers"), table(Object.entries(w.headers)),
        w.error ? null : [el("h3", {}, "Response headers"), table(Object.entries(w.response_headers || {}))])));
}

function renderDetail(d) {
  const m = d.message;
  const sections = [
    el("p", {}, `${m.direction} · ${m.from || "(no sender yet)"} → ${m.to} · `,
      el("strong", { class: `status-${m.status}` }, statusText(m))),
    el("section", { "aria-label": "Timeline" }, el("h3", {}, "Timeline"),
      el("ol", { class: "timeline" }, d.timeline.map((t) => el("li", { class: t.planned ? "planned" : "" },
        el("span", { class: `status-${t.status}` }, t.status), ` · ${t.date}`,
        t.error_code ? ` · ${t.error_code} ${t.error_message || ""}` : "", t.planned ? " (planned)" : "")))),
    d.media.length ? el("section", {}, el("h3", {}, "Media"), d.media.map((x) => x.content_type.startsWith("image/")
      ? el("img", { src: x.url, alt: `media ${x.content_type}`, style: null }) : el("a", { href: x.url }, x.url))) : null,
    el("section", { "aria-label": "Requests" }, el("h3", {}, `Requests (${d.webhooks.length})`),
      d.webhooks.length ? d.webhooks.map((w) => requestOf(w, d.alerts)) : el("p", { class: "muted" }, "None made for it.")),
    d.alerts.length ? el("section", { "aria-label": "Alerts" }, el("h3", {}, "Alerts"),
      d.alerts.map((a) => el("p", { class: "error" }, `${a.error_code} (${a.log_level}): ${a.alert_text}`))) : null,
    d.channel_data ? el("section", {}, el("h3", {}, "Channel data"), el("pre", {}, JSON.stringify(d.channel_data, null, 2))) : null,
    el("section", { "aria-label": "Fields" }, el("h3", {}, "Fields"), el("pre", {}, JSON.stringify(m, null, 2))),
  ];
  $("detail-body").replaceChildren(...sections.filter(Boolean));
}

// ---- your Twilio world ----------------------------------------------------------------------------------
function card(title, headers, rows, extra = null) {
  return el("section", { class: "card", "aria-label": title }, el("h2", {}, title), extra,
    rows.length ? el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
      el("tbody", {}, rows.map((r) => (r instanceof Node ? r : el("tr", {}, r.map((c) => el("td", {}, c)))))))
      : el("p", { class: "muted" }, "None."));
}

async function loadWorld() {
  const sid = state.account.sid;
  const base = `/2010-04-01/Accounts/${sid}`;
  const [numbers, codes, services, senders, declared, optOuts, contents, faults] = await Promise.all([
    rest(`${base}/IncomingPhoneNumbers.json`, { PageSize: 1000 }), rest(`${base}/SMS/ShortCodes.json`, { PageSize: 1000 }),
    rest("/v1/Services", { PageSize: 100 }), control("GET", `/senders?${accountQuery()}`),
    control("GET", "/handsets"), control("GET", `/opt_outs?${accountQuery()}`), rest("/v1/Content", { PageSize: 100 }),
    control("GET", "/faults")]);
  const optOuts2 = await Promise.all(services.services.map((s) => control("GET", `/services/${s.sid}/advanced_opt_out`)));
  const describeOptOut = (c) => !c.opt_out && !c.opt_in && !c.help ? "" : "advanced opt-out: " +
    ["opt_out", "opt_in", "help"].filter((k) => c[k]).map((k) => `${k.replace("_", "-")} ${c[k].keywords.join("/")}`).join(", ") +
    (Object.keys(c.languages || {}).length ? ` (+${Object.keys(c.languages).join(", ")})` : "") +
    (Object.keys(c.countries || {}).length ? ` (${Object.keys(c.countries).join(", ")})` : "");
  const pools = await Promise.all(services.services.map(async (s) => {
    const parts = await Promise.all(["PhoneNumbers", "ShortCodes", "AlphaSenders", "ChannelSenders"].map((p) =>
      rest(`/v1/Services/${s.sid}/${p}`, { PageSize: 400 })));
    return [...parts[0].phone_numbers.map((x) => x.phone_number), ...parts[1].short_codes.map((x) => x.short_code),
      ...parts[2].alpha_senders.map((x) => x.alpha_sender), ...parts[3].senders.map((x) => x.sender)];
  }));
  const known = new Map(declared.handsets.map((h) => [h.number, h]));
  const seen = state.phones.map((p) => p.address.replace(/^[a-z]+:/, "")).filter((a) => a.startsWith("+"));
  for (const number of seen.slice(0, 30)) {
    if (!known.has(number)) known.set(number, await control("GET", `/handsets/${encodeURIComponent(number)}`));
  }
  const caps = (c) => Object.entries(c).filter(([, on]) => on).map(([k]) => k.toUpperCase()).join(", ");
  $("world").replaceChildren(
    card("Accounts", ["Name", "SID", "Type", "Status"], state.accounts.map((a) => [a.friendly_name, a.sid, a.type, a.status])),
    card("Numbers", ["Number", "Name", "Capabilities", "SMS webhook"], numbers.incoming_phone_numbers.map((n) =>
      [n.phone_number, n.friendly_name, caps(n.capabilities), n.sms_url ? `${n.sms_method} ${n.sms_url}` : "—"])),
    card("Short codes", ["Code", "Name", "SMS webhook"], codes.short_codes.map((c) => [c.short_code, c.friendly_name,
      c.sms_url ? `${c.sms_method} ${c.sms_url}` : "—"])),
    card("Messaging Services", ["Name", "SID", "Pool", "Settings"], services.services.map((s, i) => [s.friendly_name, s.sid,
      pools[i].join(", ") || "—", [s.sticky_sender ? "sticky sender" : "", s.area_code_geomatch ? "area-code geomatch" : "",
        s.inbound_request_url ? `inbound ${s.inbound_request_url}` : "", s.status_callback ? `status ${s.status_callback}` : "",
        `validity ${s.validity_period} s`, describeOptOut(optOuts2[i])].filter(Boolean).join(" · ")])),
    card("WhatsApp and RCS senders", ["Sender", "Status", "Webhook"], senders.senders.map((s) => [s.sender_id, s.status,
      s.webhook.callback_url || "—"])),
    handsetsCard([...known.values()]),
    card("Opt-outs", ["Handset", "Opted out of", "Since"], optOuts.opt_outs.map((o) => [o.handset, o.scope, o.date])),
    card("Content templates", ["SID", "Name", "Language", "Types"], contents.contents.map((c) => [c.sid, c.friendly_name,
      c.language, Object.keys(c.types).join(", ")])),
    card("Fault rules", ["Where", "Match", "Does", "When", "Fired", ""], faults.faults.map((f) => [f.where,
      JSON.stringify(f.match), JSON.stringify(f.do),
      f.times ? `next ${f.times}` : f.probability !== null ? `p=${f.probability}${f.seed !== null ? `, seed ${f.seed}` : ""}` : "always",
      String(f.fired), el("button", { type: "button", "aria-label": `Remove fault rule ${f.id}`, onclick: async () => {
        await control("DELETE", `/faults/${f.id}`).catch(report); await loadWorld().catch(report);
      } }, "Remove")])));
}

const LINE_TYPES = ["mobile", "landline", "voip", "toll-free"];
const BEHAVIOURS = ["deliver", "undelivered", "failed", "no_receipt"];

function handsetsCard(handsets) {
  const rows = handsets.map((h) => el("tr", { "data-number": h.number },
    el("td", {}, h.number), el("td", {}, h.carrier), el("td", {}, h.line_type),
    el("td", {}, h.behaviour + (h.error_code ? ` (${h.error_code})` : "")),
    el("td", {}, ["mms", "whatsapp", "rcs"].filter((k) => h[k]).join(", ") || "—"),
    el("td", {}, el("button", { type: "button", "aria-label": `Edit handset ${h.number}`,
      onclick: (e) => editHandset(h, e.target.closest("tr")) }, "Edit"))));
  return card("Handsets", ["Number", "Carrier", "Line type", "Behaviour", "Takes", ""], rows);
}

function editHandset(h, row) {
  document.querySelectorAll(".handset-edit").forEach((r) => r.remove());
  const select = (name, label, options, value) => el("label", { class: "field" }, label,
    el("select", { name }, options.map((o) => el("option", { value: o, selected: o === value }, o))));
  const check = (name, label) => el("label", {}, el("input", { type: "checkbox", name, checked: !!h[name] }), ` ${label}`);
  const form = el("form", { class: "handset-form", "aria-label": `Handset ${h.number}` },
    el("label", { class: "field" }, "Carrier", el("input", { name: "carrier", value: h.carrier })),
    select("line_type", "Line type", LINE_TYPES, h.line_type),
    select("behaviour", "Behaviour", BEHAVIOURS, h.behaviour),
    el("label", { class: "field" }, "Error code", el("input", { name: "error_code", type: "number", value: h.error_code ?? "" })),
    el("div", { class: "checks" }, check("mms", "MMS"), check("whatsapp", "WhatsApp"), check("rcs", "RCS"),
      check("read_receipts", "Read receipts")),
    el("div", { class: "row" }, el("button", { type: "submit", class: "primary" }, "Save handset"),
      el("button", { type: "button", onclick: () => editRow.remove() }, "Cancel"),
      el("output", { class: "muted", "aria-live": "polite" })));
  const editRow = el("tr", { class: "handset-edit" }, el("td", { colspan: "6" }, form));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { number: h.number, carrier: data.get("carrier"), line_type: data.get("line_type"),
      behaviour: data.get("behaviour"), mms: data.has("mms"), whatsapp: data.has("whatsapp"), rcs: data.has("rcs"),
      read_receipts: data.has("read_receipts") };
    if (data.get("error_code")) body.error_code = Number(data.get("error_code"));
    try {
      await control("POST", "/handsets", body);
      await loadWorld();
    } catch (error) { form.querySelector("output").textContent = error.message; }
  });
  row.after(editRow);
  form.querySelector("input").focus();
}

async function loadAlerts() {
  const data = await control("GET", `/alerts?${accountQuery()}`);
  state.alerts = data.alerts.reverse();
  $("alert-rows").replaceChildren(...state.alerts.map((a) => el("tr", { tabindex: "0",
    onclick: () => a.resource_sid && a.resource_sid.match(/^(SM|MM)/) && openDetail(a.resource_sid) },
    el("td", {}, a.date_created), el("td", { class: a.log_level === "error" ? "error" : "" }, a.log_level),
    el("td", {}, a.error_code), el("td", {}, a.alert_text), el("td", {}, a.resource_sid || "—"))));
  $("no-alerts").hidden = state.alerts.length > 0;
  $("alert-count").textContent = state.alerts.length ? String(state.alerts.length) : "";
}

// ---- views, wiring ---------------------------------------------------------------------------------------
const VIEWS = ["phones", "messages", "world", "conversations", "calls", "verify", "alerts"];
function show(view) {
  state.view = view;
  for (const name of VIEWS) {
    const tab = $(`tab-${name}`);
    tab.setAttribute("aria-selected", String(name === view));
    tab.tabIndex = name === view ? 0 : -1;
    $(`view-${name}`).hidden = name !== view;
  }
  if (view !== "verify") verify.hidden();
  if (view !== "calls") calls.hidden();
  const load = { messages: () => loadMessages(), world: loadWorld, alerts: loadAlerts, phones: loadPhones,
                 conversations: conversations.load, calls: calls.load, verify: verify.load }[view];
  load().catch(report);
}

async function loadAll() {
  await Promise.all([loadPhones(), loadTargets(), loadAlerts(), loadClock()]);
  if (state.view !== "phones") show(state.view);
  connect();
}

function wire() {
  VIEWS.forEach((name, i) => {
    const tab = $(`tab-${name}`);
    tab.addEventListener("click", () => show(name));
    tab.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = VIEWS[(i + step + VIEWS.length) % VIEWS.length];
      show(next);
      $(`tab-${next}`).focus();
    });
  });
  // Accounts made since the page opened show up when the switcher is opened (no polling).
  const refreshAccounts = () => loadAccounts().catch(report);
  $("account").addEventListener("focus", refreshAccounts);
  $("account").addEventListener("pointerdown", refreshAccounts);
  $("account").addEventListener("change", (e) => {
    state.account = state.accounts.find((a) => a.sid === e.target.value);
    state.selected = null;
    state.thread = [];
    $("bubbles").replaceChildren();
    loadAll().catch(report);
  });
  $("clock-toggle").addEventListener("click", async () => {
    await control("POST", "/clock", { mode: state.clock.mode === "manual" ? "real" : "manual" }).catch(report);
    await loadClock();
  });
  $("advance").addEventListener("click", async () => {
    const seconds = Number($("advance-seconds").value);
    try {
      if (state.clock.mode !== "manual") await control("POST", "/clock", { mode: "manual" });
      await control("POST", "/clock/advance", { seconds });
    } catch (error) { report(error); }
    await loadClock();
  });
  $("reset").addEventListener("click", async () => {
    await control("POST", "/reset").catch(report);
    state.selected = null;
    $("bubbles").replaceChildren();
    $("thread-title").textContent = "Conversation";
    await loadAccounts();
    await loadAll();
  });
  $("theme").addEventListener("click", () => setTheme(document.documentElement.dataset.theme === "dark" ? "light" : "dark"));
  $("compose").addEventListener("submit", (e) => { e.preventDefault(); compose($("compose-body").value); });
  document.querySelectorAll("[data-keyword]").forEach((b) => b.addEventListener("click", () => compose(b.dataset.keyword)));
  $("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    state.filters = Object.fromEntries([...new FormData(e.target)].filter(([, v]) => v));
    loadMessages().catch(report);
  });
  $("filters").addEventListener("reset", () => { state.filters = {}; setTimeout(() => loadMessages().catch(report)); });
  $("more").addEventListener("click", () => loadMessages(true).catch(report));
  $("detail-close").addEventListener("click", () => $("detail").close());
  $("detail").addEventListener("close", () => { state.detailSid = null; });
  $("scenario-load").addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = new FormData(e.target).get("file");
    const out = $("scenario-result");
    if (!file || !file.size) { out.textContent = "choose a .toml or .json scenario file first"; return; }
    const text = await file.text();
    try {
      const body = file.name.endsWith(".json") ? { scenario: JSON.parse(text) } : { toml: text };
      const loaded = await control("POST", "/scenario", { ...body, account_sid: state.account.sid });
      out.textContent = "loaded: " + Object.entries(loaded.loaded).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(", ");
      await Promise.all([loadWorld(), loadTargets()]);
    } catch (error) { out.textContent = `not loaded: ${error.message}`; }
  });
  $("scenario-export").addEventListener("click", async () => {
    const doc = await control("GET", `/scenario?${accountQuery()}`);
    const link = el("a", { href: URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" })),
      download: "scenario.json" });
    document.body.append(link);
    link.click();
    link.remove();
    $("scenario-result").textContent = "exported scenario.json";
  });
  setInterval(() => { if (state.clock && state.clock.mode === "real") renderClock(); }, 1000);
}

let stored = null;
try { stored = localStorage.getItem("twilio-emulator-theme"); } catch (e) { /* private mode */ }
setTheme(stored || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"));
conversations.init({ el, rest, control, report, accountQuery });
verify.init({ el, control, report, accountQuery });
calls.init({ el, rest, control, report, accountQuery, accountSid: () => state.account.sid });
wire();
loadAccounts().then(loadAll).catch(report);
