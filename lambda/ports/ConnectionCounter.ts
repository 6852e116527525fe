/** How many connections one user holds on an endpoint, asked at connect time (for `max-connections`). */
export interface ConnectionCounter {
  /**
   * The connections EC2 lists as `active` on `endpointId` for `username` (EC2 filters by it exactly, case
   * included), leaving out `exceptConnectionId`: the attempt being decided, should EC2 list it already.
   */
  countActive(endpointId: string, username: string, exceptConnectionId: string): Promise<number>;
}
