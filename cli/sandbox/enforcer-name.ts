/**
 * The enforcer's function name in the sandbox, for the commands that invoke it (`run --sandbox`) without loading
 * the product's modules; `installProduct` registers the enforcer under it (a test holds the two equal).
 */
export const SANDBOX_ENFORCER_FUNCTION_NAME = 'cvpn-guard-enforcer';
