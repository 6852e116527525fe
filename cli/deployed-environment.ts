import { parse } from 'yaml';
import { EnvVar } from '../lambda/environment.js';

/**
 * The enforcer function's environment as a deployed stack's template sets it: the variables whose
 * values are literal text (endpoint selection, caps, switches). The function is the one resource
 * of type AWS::Lambda::Function whose environment names the policies table. Undefined when the
 * template holds no such function.
 */
export function enforcerEnvironmentOf(templateBody: string): Record<string, string> | undefined {
  let template: unknown;
  try {
    template = parse(templateBody, { logLevel: 'silent' });
  } catch {
    return undefined;
  }
  const resources = (template as { Resources?: Record<string, unknown> } | null)?.Resources;
  if (!resources || typeof resources !== 'object') return undefined;
  for (const resource of Object.values(resources)) {
    const { Type: type, Properties: properties } = (resource ?? {}) as {
      Type?: unknown;
      Properties?: { Environment?: { Variables?: unknown } };
    };
    const variables = properties?.Environment?.Variables;
    if (
      type !== 'AWS::Lambda::Function' ||
      !variables ||
      typeof variables !== 'object' ||
      !(EnvVar.POLICIES_TABLE in variables)
    )
      continue;
    return Object.fromEntries(
      Object.entries(variables as Record<string, unknown>).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  }
  return undefined;
}
