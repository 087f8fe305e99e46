// The Conversations view: the chosen account's conversations (Conversations API), and the open one's
// participants, its thread with each message's delivery receipts, and the webhook calls made for it. A module
// of its own: app.js hands it its helpers and tells it of every change on the event stream.

let ctx = null;  // { el, rest, control, report, accountQuery }
let open = null;  // the SID of the conversation on screen
let timer = null;

export function init(helpers) { ctx = helpers; }

export async function load() {
  const { el, rest } = ctx;
  const data = await rest("/v1/Conversations", { PageSize: 100 });
  const list = document.getElementById("conversation-list");
  list.replaceChildren(...data.conversations.map((c) => el("li", {},
    el("button", { type: "button", "aria-current": c.sid === open ? "true" : null, onclick: () => select(c.sid) },
      el("strong", {}, c.friendly_name || c.unique_name || c.sid), " ", el("span", { class: "muted" }, c.state)))));
  document.getElementById("no-conversations").hidden = data.conversations.length > 0;
  if (open) await select(open);
}

// Any message or webhook of the account may be one of the open conversation's: re-read it, at most every 150 ms.
export function changed() {
  if (!open) return;
  clearTimeout(timer);
  timer = setTimeout(() => select(open).catch(ctx.report), 150);
}

async function select(sid) {
  const { el, rest, control, accountQuery } = ctx;
  open = sid;
  const base = `/v1/Conversations/${sid}`;
  const [convo, people, said] = await Promise.all([rest(base), rest(`${base}/Participants`, { PageSize: 100 }),
    rest(`${base}/Messages`, { PageSize: 100 })]);
  const receipts = await Promise.all(said.messages.map((m) =>
    rest(`${base}/Messages/${m.sid}/Receipts`, { PageSize: 50 }).then((r) => r.delivery_receipts)));
  const sids = [sid, ...people.participants.map((p) => p.sid), ...said.messages.map((m) => m.sid)];
  const hooks = (await Promise.all(sids.map((s) =>
    control("GET", `/webhooks?sid=${s}&${accountQuery()}`).then((w) => w.webhooks || [])))).flat()
    .filter((w) => w.kind === "conversations_webhook").sort((a, b) => a.seq - b.seq);
  const who = new Map(people.participants.map((p) =>
    [p.sid, p.identity || (p.messaging_binding && p.messaging_binding.address) || p.sid]));
  const panel = document.getElementById("conversation");
  panel.replaceChildren(
    el("h2", { id: "conversation-title" }, `${convo.friendly_name || convo.sid} · ${convo.state}`),
    el("section", { "aria-label": "Participants" }, el("h3", {}, "Participants"),
      el("ul", {}, people.participants.map((p) => el("li", {}, p.identity
        ? `${p.identity} (chat)`
        : `${p.messaging_binding.address} via ${p.messaging_binding.proxy_address || "—"} (${p.messaging_binding.type})`)))),
    el("section", { "aria-label": "Thread" }, el("h3", {}, "Messages"),
      el("ol", { class: "conversation-thread" }, said.messages.map((m, i) => el("li", { "aria-label": `Message ${m.index}` },
        el("strong", {}, m.author), ": ", m.body || "",
        el("ul", { class: "receipts" }, receipts[i].map((r) => el("li", { "data-receipt": r.status || "pending" },
          `${who.get(r.participant_sid) || r.participant_sid}: ${r.status || "pending"}${r.error_code ? ` (${r.error_code})` : ""}`))))))),
    el("section", { "aria-label": "Webhooks" }, el("h3", {}, "Webhooks"),
      hooks.length ? el("ul", {}, hooks.map((w) => el("li", {},
        `${(w.params.find(([k]) => k === "EventType") || [, ""])[1]} → ${w.method} ${w.url}: ${w.response_status || w.error}`)))
        : el("p", { class: "muted" }, "None made for it.")));
  for (const button of document.querySelectorAll("#conversation-list button")) {
    button.setAttribute("aria-current", button.textContent.startsWith(convo.friendly_name || convo.sid) ? "true" : "false");
  }
}
