/** Defaults and fixed facts of the sandbox. */

/** The edge port when none is given (the port LocalStack made familiar). */
export const DEFAULT_PORT = 4566;

/** The edge listens on loopback only: the sandbox has no authentication. */
export const DEFAULT_HOST = '127.0.0.1';

/** @default region of the sandbox and of its ARNs. */
export const DEFAULT_REGION = 'us-east-1';

/** The account id in every ARN the sandbox makes. */
export const SANDBOX_ACCOUNT_ID = '000000000000';

/** Credentials any client may use: the sandbox reads signatures only to route, never to check them. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** The topic every sandbox has, for run digests. */
export const DEFAULT_TOPIC_NAME = 'cvpn-guard-digest';

/** Path prefix of the admin JSON API on the edge port. */
export const ADMIN_PREFIX = '/_sandbox';
