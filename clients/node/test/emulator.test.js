"use strict";
// node --test: the package against a real emulator (`twilio-emulator serve` on PATH, or TWILIO_EMULATOR_COMMAND),
// started once and reset before each test, as a suite would use it.
const { test, before, after, beforeEach } = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const { startEmulator, emulatorUrl, EmulatorRequestClient } = require("..");

const command = process.env.TWILIO_EMULATOR_COMMAND ? JSON.parse(process.env.TWILIO_EMULATOR_COMMAND) : undefined;
let emulator;

before(async () => { emulator = await startEmulator({ command }); });
after(async () => { await emulator.close(); });
beforeEach(async () => { await emulator.reset(); });

test("an SDK send reaches the phone", async () => {
  const client = emulator.client();
  const number = await client.incomingPhoneNumbers.create({ areaCode: "415" });
  const sent = await client.messages.create({ to: "+14155550100", from: number.phoneNumber, body: "Your code is 1234" });
  assert.equal(sent.status, "queued");
  const got = await emulator.phone("+14155550100").expectMessage({ contains: "code", from: number.phoneNumber });
  assert.equal(got.sid, sent.sid);
  const delivered = await emulator.waitForMessage({ sid: sent.sid, status: "delivered" });
  assert.equal(delivered.status, "delivered");
});

test("a two-way conversation with a webhook on Node's http", async () => {
  const received = [];
  const app = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => {
      const params = new URLSearchParams(body);
      received.push(params.get("Body"));
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(`<Response><Message>You said: ${params.get("Body")}</Message></Response>`);
    });
  });
  await new Promise((resolve) => app.listen(0, "127.0.0.1", resolve));
  try {
    const client = emulator.client();
    const number = await client.incomingPhoneNumbers.create({ areaCode: "415", smsUrl: `http://127.0.0.1:${app.address().port}/sms` });
    const phone = emulator.phone("+14155550101");
    const outcome = await phone.send(number.phoneNumber, "hello");
    assert.equal(outcome.outcome.webhooks[0].response_status, 200);
    assert.deepEqual(received, ["hello"]);
    const reply = await phone.expectMessage({ contains: "You said: hello", from: number.phoneNumber });
    assert.equal(reply.direction, "outbound-reply");
    await phone.reply("bye");
    assert.equal((await phone.expectMessage()).body, "You said: bye");
  } finally {
    app.close();
  }
});

test("reset gives each test a fresh world, and the clock is the test's", async () => {
  assert.deepEqual(await emulator.client().incomingPhoneNumbers.list(), []);
  const client = emulator.client();
  const number = await client.incomingPhoneNumbers.create({ areaCode: "415" });
  await emulator.setClock("manual");
  const sent = await client.messages.create({ to: "+14155550102", from: number.phoneNumber, body: "later" });
  await emulator.advance(5);
  assert.equal((await client.messages(sent.sid).fetch()).status, "delivered");
  await emulator.setClock("real");
});

test("a wrong expectation says what arrived", async () => {
  const client = emulator.client();
  const number = await client.incomingPhoneNumbers.create({ areaCode: "415" });
  await client.messages.create({ to: "+14155550103", from: number.phoneNumber, body: "hello" });
  await assert.rejects(emulator.phone("+14155550103").expectMessage({ contains: "goodbye" }), /got .* "hello"/);
  await assert.rejects(emulator.phone("+14155550104").expectMessage({ timeout: 0.2 }), /none arrived/);
});

test("every product through the one rewrite, edge hosts too", async () => {
  assert.equal(emulatorUrl("http://127.0.0.1:9", "https://api.dublin.ie1.twilio.com/2010-04-01/Accounts.json"),
               "http://127.0.0.1:9/api/2010-04-01/Accounts.json");
  assert.equal(typeof EmulatorRequestClient, "function");
  const client = emulator.client();
  const lookup = await client.lookups.v2.phoneNumbers("+14155550123").fetch({ fields: "line_type_intelligence" });
  assert.equal(lookup.lineTypeIntelligence.type, "mobile");
  for (const name of ["a", "b", "c"]) await client.messaging.v1.services.create({ friendlyName: name });
  const services = await client.messaging.v1.services.list({ pageSize: 1 });  // three pages, by meta.next_page_url
  assert.deepEqual(services.map((s) => s.friendlyName).sort(), ["a", "b", "c"]);
});
