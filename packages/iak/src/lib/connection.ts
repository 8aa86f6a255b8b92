/**
 * A connection to IAK's postpaid API: what the modular operations (`inquiry(connection, …)`, `pay`,
 * `checkStatus`, `pricelist`, `receipt`, `payAndConfirm`) share. It shows only where it points and
 * how it speaks (`baseUrl`, `environment`, `format`); the credentials, the redactor, the transport,
 * the spec checks and the XML codec live in a module-level WeakMap keyed by the connection object, so
 * no inspection, `JSON.stringify` or property walk of a connection can reach the API key.
 *
 * Importing only the operations an application calls keeps the others (the payment engine, receipts,
 * the price list) out of its bundle, and a connection made without `xml` keeps the `<mp>` codec out.
 */
import {
  type ClientValidation,
  createRedactor,
  createTransport,
  type Logger,
  type Redactor,
  type Transport,
  type TransportOptions,
} from '@billerkit/core';
import { IAK_DEFAULT_TIMEOUT_MS, type IakClientOptions, type IakEnvironment, type IakFormat, resolveConfig } from './config.js';
import type { IakCredentials } from './requests.js';
import type { IakXmlCodec } from './xml.js';

/** Type-only brand: a look-alike object (an Espay connection, a client, a literal) is not an IakConnection. */
declare const IAK_CONNECTION: unique symbol;

/**
 * An IAK connection from {@link createIakConnection}: the first argument of every IAK operation.
 * Opaque and frozen; its secrets are not properties of it.
 */
export interface IakConnection {
  readonly baseUrl: string;
  readonly environment: IakEnvironment | 'custom';
  readonly format: IakFormat;
  readonly [IAK_CONNECTION]: true;
}

/** {@link IakClientOptions}, plus the `<mp>` codec. */
export type IakConnectionOptions = IakClientOptions & {
  /**
   * The `<mp>` XML codec: `iakXml` from '@billerkit/iak'. Needed for `format: 'xml'`; with `format: 'json'`
   * it lets the connection read the XML error bodies IAK sometimes answers (receipts). Without it the
   * connection sends JSON only, and an XML answer is a MalformedResponseError that says so.
   */
  xml?: IakXmlCodec;
};

/** What a connection's operations use. Internal: reached only through {@link connectionInternals}. */
export interface IakConnectionInternals {
  readonly baseUrl: string;
  readonly format: IakFormat;
  readonly credentials: IakCredentials;
  readonly redactor: Redactor;
  readonly transport: Transport;
  /** Undefined when nothing is checked against the spec. */
  readonly validation: ClientValidation | undefined;
  /** Undefined for a connection made without the `<mp>` codec. */
  readonly xml: IakXmlCodec | undefined;
  readonly logger: Logger | undefined;
}

const INTERNALS = new WeakMap<object, IakConnectionInternals>();

/**
 * Checks the options as `createIakClient` does and opens a connection. `xml: iakXml` (from
 * '@billerkit/iak') adds the `<mp>` codec; `format: 'xml'` without it is a TypeError.
 */
export function createIakConnection(options: IakConnectionOptions): IakConnection {
  return openConnection(options, options?.xml, 'createIakConnection');
}

function isCodec(value: unknown): value is IakXmlCodec {
  if (typeof value !== 'object' || value === null) return false;
  const codec = value as Record<string, unknown>;
  return typeof codec['build'] === 'function' && typeof codec['parse'] === 'function' && typeof codec['isMalformed'] === 'function';
}

/** createIakConnection and createIakClient: `caller` names the function in option errors. */
export function openConnection(options: IakClientOptions, xml: IakXmlCodec | undefined, caller: string): IakConnection {
  const config = resolveConfig(options, caller);
  if (xml !== undefined && !isCodec(xml)) {
    throw new TypeError(`${caller}: xml must be the iakXml codec from '@billerkit/iak' (an object with build, parse and isMalformed)`);
  }
  if (config.format === 'xml' && xml === undefined) {
    throw new TypeError(`${caller}: format 'xml' needs the XML codec: pass \`xml: iakXml\` (import { iakXml } from '@billerkit/iak')`);
  }
  const redactor = createRedactor({ secrets: [config.apiKey] });
  const transportOptions: TransportOptions = {
    provider: 'iak',
    redactor,
    timeoutMs: options.timeoutMs ?? IAK_DEFAULT_TIMEOUT_MS,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.agent ? { agent: options.agent } : {}),
    ...(options.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: options.totalTimeoutMs }),
    ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const connection = Object.freeze({ baseUrl: config.baseUrl, environment: config.environment, format: config.format }) as IakConnection;
  INTERNALS.set(connection, {
    baseUrl: config.baseUrl,
    format: config.format,
    credentials: { username: config.username, apiKey: config.apiKey },
    redactor,
    transport: createTransport(transportOptions),
    validation: config.validation,
    xml,
    logger: options.logger,
  });
  return connection;
}

function described(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return 'an object that is not one (a client, an Espay connection or a copy of a connection is not one)';
}

/** The internals of an IAK connection; a TypeError for anything else. `caller` names the operation. */
export function connectionInternals(connection: unknown, caller = 'iak'): IakConnectionInternals {
  const internals = typeof connection === 'object' && connection !== null ? INTERNALS.get(connection) : undefined;
  if (internals === undefined) {
    throw new TypeError(
      `${caller}: the first argument must be an IAK connection from createIakConnection ('@billerkit/iak'), got ${described(connection)}`,
    );
  }
  return internals;
}
