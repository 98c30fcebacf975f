#!/usr/bin/env node
// kmsconform driver for the AWS SDK for JavaScript v3: reads one KMS call as JSON on
// stdin, prints its outcome as JSON on stdout. See clients/README.md for the contract.
//
// Credentials and CA bundle (NODE_EXTRA_CA_CERTS) come from the standard environment.
// The SDK itself ignores HTTPS_PROXY on Node, so this driver does what AWS's guide
// for Node proxies says: an https-proxy-agent as the handler's httpsAgent.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as kms from "@aws-sdk/client-kms";
import { NormalizedSchema } from "@smithy/core/schema";
import { HttpsProxyAgent } from "https-proxy-agent";

const require = createRequire(import.meta.url);
const sdkVersion = require("@aws-sdk/client-kms/package.json").version;

class UsageError extends Error {}

function readRequest() {
  let req;
  try {
    req = JSON.parse(readFileSync(0, "utf8"));
  } catch (e) {
    throw new UsageError(`stdin is not JSON: ${e.message}`);
  }
  if (typeof req?.operation !== "string" || req.operation === "") {
    throw new UsageError('request needs "operation" (a KMS operation name such as "DescribeKey")');
  }
  if (req.input !== undefined && (typeof req.input !== "object" || req.input === null || Array.isArray(req.input))) {
    throw new UsageError('"input" must be a JSON object of KMS request members');
  }
  return req;
}

// fromWire turns the contract's wire-style values into what the SDK takes:
// base64 strings into bytes for blob members, epoch seconds into Dates for timestamps.
function fromWire(schema, value) {
  if (value === null || value === undefined) return value;
  if (schema.isBlobSchema() && typeof value === "string") {
    // Buffer.from skips characters that are not base64; the contract wants them refused.
    if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
      throw new UsageError(`blob member is not base64: ${JSON.stringify(value.slice(0, 20))}`);
    }
    return Uint8Array.from(Buffer.from(value, "base64"));
  }
  if (schema.isTimestampSchema() && typeof value === "number") return new Date(value * 1000);
  if (schema.isStructSchema() && typeof value === "object") {
    const members = schema.getMemberSchemas();
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, members[k] ? fromWire(members[k], v) : v]),
    );
  }
  if (schema.isListSchema() && Array.isArray(value)) return value.map((v) => fromWire(schema.getValueSchema(), v));
  if (schema.isMapSchema() && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(schema.getValueSchema(), v)]));
  }
  return value;
}

// toWire turns SDK output back into the contract's wire-style JSON values.
function toWire(value) {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

function proxyFor(endpoint) {
  if (endpoint && !endpoint.startsWith("https:")) return undefined;
  const proxy = process.env.HTTPS_PROXY || process.env.https_proxy;
  if (!proxy) return undefined;
  const host = new URL(endpoint || "https://kms.amazonaws.com").hostname;
  const noProxy = (process.env.NO_PROXY || process.env.no_proxy || "").split(",").map((s) => s.trim()).filter(Boolean);
  const bypass = noProxy.some((p) => p === "*" || host === p.replace(/^\./, "") || host.endsWith(p.startsWith(".") ? p : `.${p}`));
  return bypass ? undefined : proxy;
}

function clientConfig(req) {
  const config = {};
  if (req.region) config.region = req.region;
  if (req.endpoint) config.endpoint = req.endpoint;
  if (req.retry?.mode) config.retryMode = req.retry.mode;
  if (req.retry?.maxAttempts !== undefined) config.maxAttempts = Number(req.retry.maxAttempts);
  const handler = {};
  const proxy = proxyFor(req.endpoint);
  if (proxy) handler.httpsAgent = new HttpsProxyAgent(proxy);
  if (req.timeoutMs) {
    // NodeHttpHandler's requestTimeout bounds request and response; @smithy/node-http-handler
    // 4.x only warns when it passes unless throwOnRequestTimeout opts in to the TimeoutError.
    handler.requestTimeout = handler.connectionTimeout = Number(req.timeoutMs);
    handler.throwOnRequestTimeout = true;
  }
  if (Object.keys(handler).length > 0) config.requestHandler = handler;
  return config;
}

async function call(req) {
  const Command = kms[`${req.operation}Command`];
  const inputSchema = kms[`${req.operation}Request$`];
  if (!Command || !inputSchema) throw new UsageError(`unknown KMS operation ${JSON.stringify(req.operation)}`);
  const client = new kms.KMSClient(clientConfig(req));
  const input = fromWire(NormalizedSchema.of(inputSchema), req.input ?? {});

  const start = performance.now();
  let outcome;
  try {
    const { $metadata, ...output } = await client.send(new Command(input));
    outcome = { ok: true, output: toWire(output), attempts: $metadata?.attempts };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const error = { code: e.name && e.name !== "Error" ? e.name : (e.code ?? "Error"), message: e.message ?? String(e) };
    if (e.$metadata?.httpStatusCode !== undefined) error.httpStatus = e.$metadata.httpStatusCode;
    if (e.$retryable) error.retryable = true;
    outcome = { ok: false, error, attempts: e.$metadata?.attempts };
  } finally {
    client.destroy();
  }
  outcome.durationMs = Math.round((performance.now() - start) * 1000) / 1000;
  if (outcome.attempts === undefined) delete outcome.attempts;
  outcome.client = { name: "aws-sdk-js-v3", version: sdkVersion, node: process.versions.node };
  return outcome;
}

try {
  const outcome = await call(readRequest());
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
} catch (e) {
  process.stderr.write(`driver.mjs: ${e.message}\n`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
}
