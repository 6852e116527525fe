/** Base class of the errors the ports raise; adapters map their SDK's errors to these. */
export class PortError extends Error {
  /** The AWS error code, when there was one. */
  public readonly code?: string;
  /** The AWS request id, when there was one. */
  public readonly requestId?: string;

  constructor(message: string, options?: { cause?: unknown; code?: string; requestId?: string }) {
    super(message, { cause: options?.cause });
    this.name = 'PortError';
    this.code = options?.code;
    this.requestId = options?.requestId;
  }
}

/** EC2 throttled the call (RequestLimitExceeded) even after the SDK's retries. */
export class ClientVpnThrottledError extends PortError {
  constructor(message: string, options?: { cause?: unknown; code?: string; requestId?: string }) {
    super(message, options);
    this.name = 'ClientVpnThrottledError';
  }
}

/** The endpoint or connection does not exist (any more). */
export class ClientVpnNotFoundError extends PortError {
  constructor(message: string, options?: { cause?: unknown; code?: string; requestId?: string }) {
    super(message, options);
    this.name = 'ClientVpnNotFoundError';
  }
}

/** The function's role may not make this call (UnauthorizedOperation, AccessDenied). */
export class ClientVpnUnauthorizedError extends PortError {
  constructor(message: string, options?: { cause?: unknown; code?: string; requestId?: string }) {
    super(message, options);
    this.name = 'ClientVpnUnauthorizedError';
  }
}

/** A DryRun call that EC2 would have allowed (DryRunOperation). */
export class ClientVpnDryRunSucceededError extends PortError {
  constructor(message: string, options?: { cause?: unknown; code?: string; requestId?: string }) {
    super(message, options);
    this.name = 'ClientVpnDryRunSucceededError';
  }
}

/** Any other Client VPN failure (5xx, network, malformed answer). */
export class ClientVpnError extends PortError {
  /** True for failures worth another attempt: a 5xx answer, a dropped connection, a timeout. */
  public readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown; code?: string; requestId?: string; retryable?: boolean }) {
    super(message, options);
    this.name = 'ClientVpnError';
    this.retryable = options?.retryable ?? false;
  }
}

/** A conditional write lost: someone else wrote the item first. */
export class ConditionalWriteError extends PortError {
  constructor(message: string, options?: { cause?: unknown; code?: string; requestId?: string }) {
    super(message, options);
    this.name = 'ConditionalWriteError';
  }
}
