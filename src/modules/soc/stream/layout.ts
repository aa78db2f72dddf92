// The stream's names and bounds, apart from the NATS client: the command line shows them as option defaults
// without loading the client (`khien soc analyze` must not pay for it).

export interface StreamNames {
  stream: string;
  /** Partition p is published on `<subjectPrefix>.<p>`. */
  subjectPrefix: string;
  /** Partition p is consumed by the durable consumer `<durablePrefix><p>`. */
  durablePrefix: string;
}

export const defaultStreamNames: StreamNames = {
  stream: 'KHIEN_EVENTS',
  subjectPrefix: 'khien.events',
  durablePrefix: 'khien-p',
};

export interface StreamLimits {
  /** Bound on stored, unconsumed events; when full, publishing fails (discard new) rather than losing old data. */
  maxBytes: number;
  maxAgeSeconds: number;
}

export const defaultStreamLimits: StreamLimits = { maxBytes: 8 * 2 ** 30, maxAgeSeconds: 7 * 86400 };
