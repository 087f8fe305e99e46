// Types of the twilio-emulator Node package (index.js). Messages are Twilio's Message JSON, as the REST API sends it.
import type { Twilio } from "twilio";
import type { ChildProcess } from "node:child_process";

export const DEFAULT_ACCOUNT_SID: string;
export const DEFAULT_AUTH_TOKEN: string;

export interface MessageJson {
  sid: string; account_sid: string; from: string; to: string; body: string; status: string;
  direction: string; num_media: string; num_segments: string; error_code: number | null;
  [field: string]: unknown;
}

export interface StartOptions {
  /** 0 (default): a free port. */
  port?: number;
  host?: string;
  accountSid?: string;
  authToken?: string;
  /** "instant" (default) or "realistic". */
  timing?: "instant" | "realistic";
  /** The program and its first arguments: default ["twilio-emulator"] (the Python CLI on PATH). */
  command?: string | string[];
  /** More `serve` options, e.g. ["--no-media-fetch", "--fixtures", "fixtures/shop.toml"]. */
  args?: string[];
  env?: Record<string, string>;
  /** Seconds to wait for the emulator to answer (default 30). */
  startTimeout?: number;
}

export interface ExpectOptions {
  contains?: string;
  from?: string;
  matches?: string | RegExp;
  channel?: "sms" | "mms" | "whatsapp" | "rcs";
  /** Seconds (default 5). */
  timeout?: number;
}

export interface WaitOptions {
  sid?: string; to?: string; from?: string; status?: string | string[]; body?: string;
  /** Seconds (default 10, at most 300). */
  timeout?: number;
}

export class EmulatorError extends Error {
  status: number;
  answer: unknown;
}

export class Phone {
  readonly number: string;
  send(to: string, body?: string, extras?: Record<string, unknown>): Promise<Record<string, unknown>>;
  reply(body?: string, extras?: Record<string, unknown>): Promise<Record<string, unknown>>;
  expectMessage(options?: ExpectOptions): Promise<MessageJson>;
  expectSms(options?: ExpectOptions): Promise<MessageJson>;
  messages(): Promise<MessageJson[]>;
}

export class Emulator {
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly process: ChildProcess | null;
  client(options?: Record<string, unknown>): Twilio;
  control(method: string, path: string, body?: unknown, query?: Record<string, unknown>): Promise<any>;
  phone(number: string): Phone;
  sendSms(from: string, to: string, body?: string, extras?: Record<string, unknown>): Promise<Record<string, unknown>>;
  waitForMessage(options?: WaitOptions): Promise<MessageJson>;
  reset(): Promise<unknown>;
  setClock(mode: "manual" | "real"): Promise<unknown>;
  advance(seconds: number): Promise<unknown>;
  alerts(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export function startEmulator(options?: StartOptions): Promise<Emulator>;
export function connectEmulator(url?: string, credentials?: { accountSid?: string; authToken?: string }): Emulator;
export function emulatorUrl(baseUrl: string, uri: string): string;
/** A twilio RequestClient (from the twilio package) that sends every https://*.twilio.com request to baseUrl. */
export const EmulatorRequestClient: new (baseUrl: string, options?: Record<string, unknown>) => any;
