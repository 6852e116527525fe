/** The EC2 actions the emulator implements. Any other action answers `InvalidAction`. */
export const Ec2Action = {
  DESCRIBE_CLIENT_VPN_ENDPOINTS: 'DescribeClientVpnEndpoints',
  DESCRIBE_CLIENT_VPN_CONNECTIONS: 'DescribeClientVpnConnections',
  TERMINATE_CLIENT_VPN_CONNECTIONS: 'TerminateClientVpnConnections',
  MODIFY_CLIENT_VPN_ENDPOINT: 'ModifyClientVpnEndpoint',
} as const;
/** One of the implemented EC2 actions. */
export type Ec2Action = (typeof Ec2Action)[keyof typeof Ec2Action];

/** True when the emulator implements `action`. */
export function isEc2Action(action: string): action is Ec2Action {
  return (Object.values(Ec2Action) as string[]).includes(action);
}

/** The EC2 Query API version the emulator speaks (and the SDKs send). */
export const EC2_API_VERSION = '2016-11-15';

/** XML namespace of every EC2 response. */
export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
