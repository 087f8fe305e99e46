"use strict";
// twilio-emulator for Node: start `twilio-emulator serve` (or connect to one that runs), hand out an official
// twilio client pointed at it, and drive its control API with the names of the Python harness in JavaScript
// style. No build step, no dependency of its own: `twilio` is needed only for client().
const { spawn } = require("node:child_process");

const DEFAULT_ACCOUNT_SID = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const DEFAULT_AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
// The product is a Twilio host's first label: api.twilio.com, messaging.twilio.com, api.dublin.ie1.twilio.com.
const TWILIO_HOST = /^https:\/\/([a-z]+)(?:\.[a-z0-9-]+)*\.twilio\.com(?=[/?#]|$)/;

/** The URL a request for Twilio has on the emulator: every product answers under its name as a path prefix. */
function emulatorUrl(baseUrl, uri) {
  return uri.replace(TWILIO_HOST, (_, product) => `${baseUrl.replace(/\/$/, "")}/${product}`);
}

let RequestClient = null;
/** The class (made on first use, from the twilio package): a twilio RequestClient that sends every
 * https://*.twilio.com request to the emulator at baseUrl: new EmulatorRequestClient(baseUrl, options). */
function emulatorRequestClientClass() {
  if (RequestClient === null) {
    const twilio = require("twilio");
    RequestClient = class EmulatorRequestClient extends twilio.RequestClient {
      constructor(baseUrl, options) { super(options); this.baseUrl = baseUrl; }
      request(opts) { return super.request({ ...opts, uri: emulatorUrl(this.baseUrl, opts.uri) }); }
    };
  }
  return RequestClient;
}

class EmulatorError extends Error {
  constructor(message, status, answer) { super(message); this.name = "EmulatorError"; this.status = status; this.answer = answer; }
}

class Phone {
  /** A person's phone (a number, or whatsapp:+1… for its WhatsApp chats). */
  constructor(emulator, number) { this.emulator = emulator; this.number = number; this.read = 0; this.lastFrom = null; }

  /** Text one of your numbers (or a WhatsApp sender); resolves once your webhook answered and its TwiML ran. */
  async send(to, body = "", extras = {}) {
    this.lastFrom = this.lastFrom || to;
    return this.emulator.sendSms(this.number, to, body, extras);
  }

  /** Answer whoever wrote to this phone last (or the number it last texted). */
  async reply(body = "", extras = {}) {
    if (!this.lastFrom) throw new Error(`${this.number} has nobody to reply to: it has neither received nor sent a message`);
    return this.emulator.sendSms(this.number, this.lastFrom, body, extras);
  }

  /** The next message this phone receives (waiting up to `timeout` seconds for it), which must contain
   * `contains`, come from `from`, match `matches` and travel over `channel`, when given. */
  async expectMessage({ contains, from, matches, channel, timeout = 5 } = {}) {
    const answer = await this.emulator.control("GET", `/handsets/${encodeURIComponent(this.number)}/messages`,
                                               undefined, { count: this.read + 1, timeout });
    const wanted = [contains && `containing ${JSON.stringify(contains)}`, from && `from ${from}`,
                    matches && `matching ${matches}`, channel && `over ${channel}`].filter(Boolean).join(" ");
    if (answer.messages.length <= this.read) {
      throw new Error(`expected a message to ${this.number} ${wanted}`.trimEnd() + `, but none arrived within ${timeout} s`);
    }
    const message = answer.messages[this.read];
    this.read += 1;
    this.lastFrom = message.from;
    const kind = message.from && message.from.includes(":") ? message.from.split(":")[0] : (Number(message.num_media) ? "mms" : "sms");
    if ((contains !== undefined && !String(message.body).includes(contains)) || (from !== undefined && message.from !== from) ||
        (matches !== undefined && !new RegExp(matches).test(message.body)) || (channel !== undefined && kind !== channel)) {
      throw new Error(`expected the next message to ${this.number} ${wanted}, got ${message.from} -> ${message.to}: ` +
                      `${JSON.stringify(message.body)} (${message.status})`);
    }
    return message;
  }

  /** Same as expectMessage, for SMS. */
  expectSms(options) { return this.expectMessage(options); }

  /** Everything this phone has received by now, oldest first (Twilio's Message JSON). */
  async messages() {
    return (await this.emulator.control("GET", `/handsets/${encodeURIComponent(this.number)}/messages`)).messages;
  }
}

class Emulator {
  constructor({ url, accountSid = DEFAULT_ACCOUNT_SID, authToken = DEFAULT_AUTH_TOKEN, process = null }) {
    this.url = url.replace(/\/$/, "");
    this.accountSid = accountSid;
    this.authToken = authToken;
    this.process = process;
    this.phones = new Map();
  }

  /** An official twilio client pointed at the emulator (`npm install twilio`). */
  client(options = {}) {
    const twilio = require("twilio");
    const EmulatorRequestClient = emulatorRequestClientClass();
    return twilio(this.accountSid, this.authToken, { ...options, httpClient: new EmulatorRequestClient(this.url) });
  }

  /** A call to the control API (/_emulator/v1/…): its JSON answer, or an EmulatorError with its reason. */
  async control(method, path, body, query) {
    const url = new URL(`${this.url}/_emulator/v1${path}`);
    for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const answer = await fetch(url, { method, headers: body === undefined ? {} : { "Content-Type": "application/json" },
                                      body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await answer.text();
    const json = text ? JSON.parse(text) : null;
    if (!answer.ok) throw new EmulatorError(`${method} ${path}: ${answer.status} ${json && json.error}`, answer.status, json);
    return json;
  }

  /** A person's phone: phone("+14155550100").expectMessage({ contains: "code" }). */
  phone(number) {
    if (!this.phones.has(number)) this.phones.set(number, new Phone(this, number));
    return this.phones.get(number);
  }

  /** The phone `from` texts your number `to`; resolves after the webhook and its TwiML ran (with `outcome`). */
  sendSms(from, to, body = "", extras = {}) {
    return this.control("POST", "/inbound", { From: from, To: to, Body: body, wait: true, ...extras });
  }

  /** Waits until a message matching every given field exists (status may be a list) and resolves to its JSON. */
  waitForMessage({ sid, to, from, status, body, timeout = 10 } = {}) {
    return this.control("GET", "/messages/wait", undefined,
                        { sid, to, from, body, timeout, status: Array.isArray(status) ? status.join(",") : status });
  }

  /** Back to the start-up state (every account, number, message and phone gone); phones start unread again. */
  async reset() { this.phones.clear(); return this.control("POST", "/reset", {}); }

  /** "manual" stops time; "real" lets it run again. */
  setClock(mode) { return this.control("POST", "/clock", { mode }); }

  /** Moves the manual clock forward (switching to it first if time is still real). */
  async advance(seconds) {
    if ((await this.control("GET", "/clock")).mode !== "manual") await this.setClock("manual");
    return this.control("POST", "/clock/advance", { seconds });
  }

  /** The debugger's alerts of this account. */
  async alerts() { return (await this.control("GET", "/alerts", undefined, { account_sid: this.accountSid })).alerts; }

  /** Stops the emulator this package started (SIGTERM; it ends within seconds); nothing for a connected one. */
  async close() {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => { child.once("exit", resolve); child.kill("SIGTERM"); });
  }
}

/** An emulator already running (`make serve`, a CI service): connectEmulator("http://127.0.0.1:4010"). */
function connectEmulator(url = "http://127.0.0.1:4010", { accountSid, authToken } = {}) {
  return new Emulator({ url, accountSid, authToken });
}

/** Starts `twilio-emulator serve` on a free loopback port (or `port`) and resolves once it answers.
 * `command`: the program and its first arguments (default ["twilio-emulator"], the Python CLI on PATH; e.g.
 * ["python", "-m", "twilio_emulator"], or ["docker", "run", "--rm", "--network", "host", "twilio-emulator"]). */
function startEmulator({ port = 0, host = "127.0.0.1", accountSid = DEFAULT_ACCOUNT_SID, authToken = DEFAULT_AUTH_TOKEN,
                         timing = "instant", command = ["twilio-emulator"], args = [], env = {}, startTimeout = 30 } = {}) {
  const [program, ...first] = typeof command === "string" ? [command] : command;
  const child = spawn(program, [...first, "serve", "--host", host, "--port", String(port), "--timing", timing,
                                "--account-sid", accountSid, "--auth-token", authToken, "--quiet", ...args],
                      { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`twilio-emulator did not start within ${startTimeout} s:\n${seen}`)); },
                             startTimeout * 1000);
    const fail = (why) => { clearTimeout(timer); reject(new Error(`twilio-emulator could not start (${why}):\n${seen}`)); };
    child.once("error", (err) => fail(`${err.message}; is the Python package installed, or give { command }?`));
    child.once("exit", (code) => fail(`it exited with ${code}`));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      if (seen === null) return;  // started: its log is not ours to keep
      seen += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(seen);
      if (found) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        seen = null;
        child.stderr.resume();
        resolve(new Emulator({ url: found[1], accountSid, authToken, process: child }));
      }
    });
  });
}

module.exports = { startEmulator, connectEmulator, Emulator, Phone, EmulatorError, emulatorUrl,
                   DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN };
Object.defineProperty(module.exports, "EmulatorRequestClient", { enumerable: true, get: emulatorRequestClientClass });
