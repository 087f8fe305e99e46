// The Calls view: the chosen account's calls (Calls API), and the open one as a thread — what the phone heard
// (<Say>, <Play>, <Pause>), what it pressed and said to a <Gather>, what it recorded (playable), the numbers
// dialled and how each answered, the messages sent — with every request made for it. A module of its own:
// app.js hands it its helpers and tells it of every call change on the event stream.

let ctx = null;  // { el, rest, control, report, accountQuery, accountSid }
let open = null;  // the SID of the call on screen
let shown = false;
let timer = null;

export function init(helpers) { ctx = helpers; }

export async function load() {
  shown = true;
  const { el, rest, accountSid } = ctx;
  const data = await rest(`/2010-04-01/Accounts/${accountSid()}/Calls.json`, { PageSize: 100 });
  const list = document.getElementById("call-list");
  list.replaceChildren(...data.calls.map((c) => el("li", {},
    el("button", { type: "button", "data-sid": c.sid, "aria-current": c.sid === open ? "true" : null,
      onclick: () => select(c.sid) },
      el("strong", {}, `${c.from} → ${c.to}`), " ", el("span", { class: "muted" }, `${c.status} · ${c.direction}`)))));
  document.getElementById("no-calls").hidden = data.calls.length > 0;
  if (open) await select(open);
}

export function hidden() { shown = false; }

// A call changed: re-read the list (and the open call), at most every 150 ms.
export function changed() {
  if (!shown) return;
  clearTimeout(timer);
  timer = setTimeout(() => load().catch(ctx.report), 150);
}

function step(s, accountSid) {
  const { el } = ctx;
  switch (s.verb) {
    case "Say": return `heard: “${s.text}”`;
    case "Play": return el("span", {}, "heard a recording: ", el("a", { href: s.url, target: "_blank", rel: "noreferrer" }, s.url));
    case "Pause": return `silence, ${s.length} s`;
    case "SendDigits": return `keys sent on answer: ${s.digits}`;
    case "Gather":
      if (s.hangup) return "hung up while the app listened";
      if (s.digits) return `pressed ${s.digits}`;
      if (s.speech) return `said “${s.speech}”`;
      return `no input: the gather timed out after ${s.seconds} s`;
    case "Record":
      if (!s.recording_sid) return `recorded nothing (${s.seconds} s of silence)`;
      return el("span", {}, `recorded ${s.duration} s${s.said ? ` (“${s.said}”)` : ""}, ended by ${s.digits || "silence"} `,
        el("audio", { controls: true, preload: "none", "aria-label": `Recording ${s.recording_sid}`,
          src: `/2010-04-01/Accounts/${accountSid}/Recordings/${s.recording_sid}.wav` }));
    case "Dial":
      if (s.emulated === false) return `<Dial><${s.noun}> is not emulated: the dial failed`;
      return `dialled ${s.to}: ${s.status}${s.talked ? `, talked ${s.talked} s` : ""}${s.call_sid ? ` (${s.call_sid})` : ""}`;
    case "Sms": return `sent an SMS to ${s.to}: “${s.body}” (${s.status})`;
    case "Hangup": case "Reject": return `<${s.verb}>: the app ended the call`;
    default: return s.emulated === false ? `<${s.verb}> is not emulated: skipped` : s.verb;
  }
}

async function select(sid) {
  const { el, control, accountQuery, accountSid } = ctx;
  open = sid;
  const [call, hooks] = await Promise.all([control("GET", `/calls/${sid}`),
    control("GET", `/webhooks?sid=${sid}&${accountQuery()}`).then((w) => w.webhooks || [])]);
  const panel = document.getElementById("call");
  panel.replaceChildren(
    el("h2", { id: "call-title" }, `${call.from} → ${call.to} · ${call.status}`),
    el("section", { "aria-label": "Call thread" }, el("h3", {}, "What happened"),
      call.transcript.length
        ? el("ol", { class: "conversation-thread" }, call.transcript.map((s) => el("li", { "data-verb": s.verb }, step(s, accountSid()))))
        : el("p", { class: "muted" }, "Nothing yet.")),
    el("section", { "aria-label": "Call requests" }, el("h3", {}, "Requests"),
      hooks.length ? el("ul", {}, hooks.map((w) => el("li", {},
        `${w.kind} → ${w.method} ${w.url}: ${w.response_status || w.error}`)))
        : el("p", { class: "muted" }, "None made for it.")));
  for (const button of document.querySelectorAll("#call-list button")) {
    button.setAttribute("aria-current", String(button.dataset.sid === sid));
  }
}
