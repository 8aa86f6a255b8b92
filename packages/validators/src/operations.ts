import { espayOpenApi, iakOpenApi, type OpenApiDocument } from '@billerkit/specs';
import { isPlainObject } from './merge-patch.js';

export interface OperationSchemas {
  operationId: string;
  method: string;
  path: string;
  requestComponent: string | null;
  responseComponent: string | null;
}

const COMPONENT_REF = '#/components/schemas/';

/** The component a media-type map (a request body's or a response's `content`) names: for `mediaType`, or the first. */
export function componentOf(content: unknown, mediaType?: string): string | null {
  if (!isPlainObject(content)) return null;
  for (const media of mediaType === undefined ? Object.values(content) : [content[mediaType]]) {
    if (isPlainObject(media) && isPlainObject(media['schema'])) {
      const ref = media['schema']['$ref'];
      if (typeof ref === 'string' && ref.startsWith(COMPONENT_REF)) return ref.slice(COMPONENT_REF.length);
    }
  }
  return null;
}

function operationsOf(doc: OpenApiDocument): Record<string, OperationSchemas> {
  const operations: Record<string, OperationSchemas> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!isPlainObject(operation) || typeof operation['operationId'] !== 'string') continue;
      const body = isPlainObject(operation['requestBody']) ? operation['requestBody']['content'] : undefined;
      const responses = isPlainObject(operation['responses']) ? operation['responses'] : {};
      const ok = responses['200'];
      operations[operation['operationId']] = {
        operationId: operation['operationId'],
        method: method.toUpperCase(),
        path,
        requestComponent: componentOf(body),
        responseComponent: isPlainObject(ok) ? componentOf(ok['content']) : null,
      };
    }
  }
  return operations;
}

/** Espay operations by operationId, with the component names of their form body and JSON answer. */
export const espayOperations: Readonly<Record<string, OperationSchemas>> = operationsOf(espayOpenApi);
export const iakOperations: Readonly<Record<string, OperationSchemas>> = operationsOf(iakOpenApi);

export interface IakCommandSchemas {
  command: string;
  requestComponent: string;
  responseComponent: string;
}

/**
 * IAK's `/api/v1/bill/check` carries several commands in one body; the discriminator mapping names each
 * command's request component and the response component shares its stem (`InqPascaRequest` → `InqPascaResponse`).
 */
export const iakCommands: Readonly<Record<string, IakCommandSchemas>> = (() => {
  const request = iakOpenApi.components.schemas['BillCheckRequest'];
  const discriminator = request && isPlainObject(request['discriminator']) ? request['discriminator'] : {};
  const mapping = isPlainObject(discriminator['mapping']) ? discriminator['mapping'] : {};
  const commands: Record<string, IakCommandSchemas> = {};
  for (const [command, ref] of Object.entries(mapping)) {
    if (typeof ref !== 'string' || !ref.startsWith(COMPONENT_REF)) continue;
    const requestComponent = ref.slice(COMPONENT_REF.length);
    commands[command] = { command, requestComponent, responseComponent: requestComponent.replace(/Request$/, 'Response') };
  }
  return commands;
})();
