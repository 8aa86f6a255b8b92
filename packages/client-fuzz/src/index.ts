/**
 * What the Espay and IAK client fuzz tests share: the settings and their environment overrides, the
 * generators of hostile deliveries and scenarios, a loopback server that answers each request with its
 * scenario, and the verdict on each call (a result or a typed error within its deadline, no secret shown).
 * The provider tests keep what is theirs: the recorded answers, how to spoil them, and the calls.
 */
export { FUZZ, envInt } from './settings.js';
export { type Delivery, delivery, type Json, jsonValue, type Scenario, scenarioOf, type ScenarioOptions } from './scenarios.js';
export { type HostileServer, type Reply, startHostileServer } from './server.js';
export { type FuzzCase, type FuzzTally, judge, runFuzzCases, type Verdict } from './verdict.js';
