import type { EspayClient, EspayClientOptions } from '@billerkit/espay';
import type { IakClient, IakClientOptions } from '@billerkit/iak';
import type { Check } from '../model.js';
import type { StageContext, StageOutcome } from '../runner.js';
import { espayFlows, espayTestOrders, testOrderScenario } from '../scenarios/espay.js';
import { pool, runScenario, type ScenarioSpec } from '../scenarios/harness.js';
import { type IakGeneration, iakFlows, refIdFactory, testNumberRows, testNumberScenario } from '../scenarios/iak.js';

export interface ScenarioOptions {
  /**
   * Which generation of IAK's published test numbers the target answers. The embedded sandbox is put in
   * it through its state API; a remote host must already be (IAK's current development host answers the
   * newer one). Default `seed`; the CLI passes `BILLERKIT_IAK_GENERATION`.
   */
  iakGeneration?: IakGeneration;
  /**
   * How long any one answer may take before the scenario fails (the clients' per-attempt timeout). The
   * clients' own default (30 s) unless set; the mutation stage sets a short one.
   */
  answerTimeoutMs?: number;
  /** Scenarios in flight at once. Default 8. */
  concurrency?: number;
  espayClient?: (options: EspayClientOptions) => EspayClient;
  iakClient?: (options: IakClientOptions) => IakClient;
}

/** A check for something this target cannot take part in, with the reason. */
function skipped(spec: ScenarioSpec, reason: string): Check {
  return { name: spec.name, provider: spec.provider, operation: spec.operation, status: 'skipped', message: reason, needsState: true };
}

/**
 * Stage 5: IAK's full test-number matrix, the sandbox's Espay test-order table and end-to-end flows,
 * driven through the real clients against the target, every exchange checked against the spec.
 */
export async function scenariosStage(context: StageContext<ScenarioOptions | undefined>): Promise<StageOutcome> {
  const options = context.options ?? {};
  const concurrency = options.concurrency ?? 8;
  const generation: IakGeneration = options.iakGeneration ?? 'seed';
  const { espay, iak } = context.target;
  const tasks: (() => Promise<Check>)[] = [];
  // IAK's flows pay test numbers the matrix pays too; they run after it, on a reset sandbox where there is one.
  const afterMatrix: (() => Promise<Check>)[] = [];
  const direct: Check[] = [];
  const notes: string[] = [];

  // A clean sandbox with enough deposit for every payment of the matrix.
  for (const control of new Set([espay?.control, iak?.control].filter((c) => c !== undefined))) await control.reset();
  if (iak?.control) {
    await iak.control.setState('iak', 'generation', { generation });
    await iak.control.setState('iak', 'balance', { balanceMinor: '100000000000' });
  }
  if (espay?.control) await espay.control.setState('espay', 'balance', { balanceMinor: '100000000000' });

  if (iak) {
    const deps = {
      target: iak,
      generation,
      nextRefId: refIdFactory(),
      ...(iak.control ? { control: iak.control } : {}),
      ...(options.iakClient ? { client: options.iakClient } : {}),
      ...(options.answerTimeoutMs !== undefined ? { timeoutMs: options.answerTimeoutMs } : {}),
    };
    const rows = testNumberRows(generation);
    notes.push(`IAK: ${rows.length} published test numbers of the ${generation} generation`);
    for (const row of rows) tasks.push(() => runScenario(testNumberScenario(row, deps)));
    for (const flow of iakFlows(deps)) {
      if (flow.needsControl && !iak.control)
        direct.push(skipped(flow.spec, `${flow.needsControl}; ${iak.baseUrl} does not answer /__sandbox/state`));
      else afterMatrix.push(() => runScenario({ ...flow.spec, ...(flow.needsControl ? { needsState: true } : {}) }));
    }
  } else {
    direct.push({ name: 'IAK scenarios', provider: 'iak', status: 'skipped', message: context.target.missing.iak ?? 'no IAK target' });
  }

  if (espay) {
    const deps = {
      target: espay,
      ...(espay.control ? { control: espay.control } : {}),
      ...(options.espayClient ? { client: options.espayClient } : {}),
      ...(options.answerTimeoutMs !== undefined ? { timeoutMs: options.answerTimeoutMs } : {}),
    };
    for (const order of espayTestOrders()) {
      const spec = testOrderScenario(order, deps);
      // The test orders are the billerkit sandbox's own data; a real Espay host knows nothing of them.
      if (!espay.control)
        direct.push(skipped(spec, `the test orders are the billerkit sandbox's; ${espay.baseUrl} does not answer /__sandbox/state`));
      else tasks.push(() => runScenario({ ...spec, needsState: true }));
    }
    for (const flow of espayFlows(deps)) {
      if (flow.needsControl && !espay.control)
        direct.push(skipped(flow.spec, `${flow.needsControl}; ${espay.baseUrl} does not answer /__sandbox/state`));
      else tasks.push(() => runScenario({ ...flow.spec, ...(flow.needsControl ? { needsState: true } : {}) }));
    }
  } else {
    direct.push({
      name: 'Espay scenarios',
      provider: 'espay',
      status: 'skipped',
      message: context.target.missing.espay ?? 'no Espay target',
    });
  }

  for (const check of direct) context.report(check);
  const run = (list: (() => Promise<Check>)[]) =>
    pool(
      list.map((task) => async () => {
        const check = await task();
        context.report(check);
        return check;
      }),
      concurrency,
    );
  await run(tasks);
  if (iak?.control && afterMatrix.length > 0) {
    await iak.control.setState('iak', 'reset');
    await iak.control.setState('iak', 'generation', { generation });
    await iak.control.setState('iak', 'balance', { balanceMinor: '100000000000' });
  }
  await run(afterMatrix);
  return { checks: [], notes };
}
