/**
 * What the client connect handler learned of a connection it admitted and EC2 does not list: the user's
 * groups above all, and the client's platform, versions and public IP. The runs join them to the
 * connections EC2 lists, by connection id, so a row selecting by `groups` applies to what the gate saw.
 */
export interface ConnectionFact {
  readonly endpointId: string;
  readonly connectionId: string;
  /** The user name the request named; a run joins the fact only to a connection listed with the same. */
  readonly username?: string;
  /** The certificate common name the request named; joined only to a connection listed with the same. */
  readonly commonName?: string;
  /** The user's directory or SAML groups, as the request listed them; absent when it listed none. */
  readonly groups?: readonly string[];
  readonly platform?: string;
  readonly platformVersion?: string;
  readonly publicIp?: string;
  readonly clientOpenVpnVersion?: string;
  /** When the gate admitted the attempt. */
  readonly admittedAt: Date;
}

/** The facts of the connections of some endpoints, by endpoint id, then connection id. */
export type ConnectionFactsByEndpoint = ReadonlyMap<string, ReadonlyMap<string, ConnectionFact>>;

/** Where the gate keeps what it learned of the connections it admitted, for the runs. */
export interface ConnectionFacts {
  /** Keeps one connection's facts for as long as the connection can last (and a margin). */
  put(fact: ConnectionFact): Promise<void>;
  /** The facts kept for the connections of each endpoint (expired ones left out). */
  load(endpointIds: readonly string[]): Promise<ConnectionFactsByEndpoint>;
}
