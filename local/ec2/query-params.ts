/** The EC2 Query API's form parameters, read as EC2 reads them (malformed values answer EC2's errors). */
import type { Ec2Filter } from './ec2-actions.js';
import { ec2Errors } from './errors.js';

/** A string parameter, if given. */
export function stringParam(params: URLSearchParams, name: string): string | undefined {
  return params.get(name) ?? undefined;
}

/** A whole-number parameter, if given; InvalidParameterValue when it is not one. */
export function integerParam(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (!/^-?\d+$/.test(value.trim()))
    throw ec2Errors.invalidValue(`Invalid value '${value}' for ${name}. It must be an integer.`);
  return Number(value.trim());
}

/** A boolean parameter (`true`/`false`, any case), if given; InvalidParameterValue otherwise. */
export function booleanParam(params: URLSearchParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  const folded = value.trim().toLowerCase();
  if (folded !== 'true' && folded !== 'false') {
    throw ec2Errors.invalidValue(`Invalid value '${value}' for ${name}. It must be true or false.`);
  }
  return folded === 'true';
}

/** `Name.1`, `Name.2`… in index order. */
export function listParam(params: URLSearchParams, name: string): string[] {
  return indexed(params, new RegExp(`^${name}\\.(\\d+)$`)).map(([, value]) => value);
}

/** `Filter.N.Name` with `Filter.N.Value.M`. */
export function filtersParam(params: URLSearchParams): Ec2Filter[] {
  const names = indexed(params, /^Filter\.(\d+)\.Name$/);
  const indices = new Set(
    [...params.keys()].map((key) => /^Filter\.(\d+)\./.exec(key)?.[1]).filter((n): n is string => !!n),
  );
  return [...indices]
    .sort((a, b) => Number(a) - Number(b))
    .map((index) => {
      const name = names.find(([n]) => n === Number(index))?.[1];
      if (name === undefined) throw ec2Errors.missingParameter(`Filter.${index}.Name`);
      return {
        name,
        values: indexed(params, new RegExp(`^Filter\\.${index}\\.Value\\.(\\d+)$`)).map(([, value]) => value),
      };
    });
}

function indexed(params: URLSearchParams, pattern: RegExp): [number, string][] {
  const found: [number, string][] = [];
  for (const [key, value] of params) {
    const match = pattern.exec(key);
    if (match) found.push([Number(match[1]), value]);
  }
  return found.sort((a, b) => a[0] - b[0]);
}
