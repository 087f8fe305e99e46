// The Verify view: the chosen account's verifications (Verify v2), each with its phone, status, channel, send
// attempts, wrong checks and code, and the message (or call) each send made, with its status now — the code's
// message of Twilio's managed sender is kept in Twilio's own account, so it is read from there. A module of its
// own: app.js hands it its helpers and tells it of every verification and message change on the event stream.

let ctx = null;  // { el, control, report, accountQuery }
let timer = null;
let shown = false;
const waiting = new Set();  // the SIDs of code messages on their way, each awaited once (no polling)
const FINAL = "delivered,undelivered,failed,read,canceled";

export function init(helpers) { ctx = helpers; }

export async function load() {
  shown = true;
  const { el, control, accountQuery } = ctx;
  const found = (await control("GET", `/verifications?${accountQuery()}`)).verifications.reverse();  // newest first
  const sends = await Promise.all(found.map((v) => Promise.all(v.messages.map((m) => sent(m)))));
  document.getElementById("verification-rows").replaceChildren(...found.map((v, i) => el("tr", { "aria-label": `Verification ${v.sid}` },
    el("td", {}, v.date_updated), el("td", {}, v.to), el("td", { "data-verification": v.status }, v.status),
    el("td", {}, v.channel), el("td", {}, String(v.send_code_attempts.length)), el("td", {}, String(v.wrong_checks)),
    el("td", {}, el("code", {}, v.code)),
    el("td", {}, el("ul", { class: "receipts", "aria-label": "Sent" }, sends[i].map((s) => el("li", {}, s)))))));
  document.getElementById("no-verifications").hidden = found.length > 0;
}

// What one send made: a message (its status and text) or a call (its status).
async function sent({ sid, account_sid: account }) {
  const { control } = ctx;
  try {
    if (sid.startsWith("CA")) {
      const call = await control("GET", `/calls/${sid}`);
      return `call ${call.from} → ${call.to}: ${call.status}`;
    }
    const { message: m } = await control("GET", `/messages/${sid}/detail?account_sid=${encodeURIComponent(account)}`);
    if (!FINAL.split(",").includes(m.status)) awaitFinal(sid);
    return `${m.from} → ${m.to}: ${m.status}${m.error_code ? ` (${m.error_code})` : ""} · ${m.body}`;
  } catch (error) {
    return `${sid}: ${error.message}`;
  }
}

// A code message of Twilio's managed sender is not on the account's stream: wait for its final status instead.
function awaitFinal(sid) {
  if (waiting.has(sid)) return;
  waiting.add(sid);
  ctx.control("GET", `/messages/wait?sid=${sid}&status=${FINAL}&timeout=120`).catch(() => null)
    .finally(() => { waiting.delete(sid); changed(); });
}

export function hidden() { shown = false; }

// A verification changed, or a message that may be one's code: re-read, at most every 150 ms.
export function changed() {
  if (!shown) return;
  clearTimeout(timer);
  timer = setTimeout(() => load().catch(ctx.report), 150);
}
