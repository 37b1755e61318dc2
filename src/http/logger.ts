import pino, { DestinationStream, Logger } from 'pino';

interface LoggedRequest {
  method?: string;
  url?: string;
  hostname?: string;
  ip?: string;
  id?: unknown;
}

/**
 * The process's logger: JSON lines to stderr (or `destination`). Requests are logged by path
 * only: a query string can carry a GraphQL query's variables (an access token checked over
 * GET, say), and the Authorization header is never logged at all.
 * Written asynchronously: under load the lines of many requests leave in one write instead of
 * one blocking write each (that write was 1.7% of a dashboard request's CPU profile);
 * pino flushes what is pending when the process exits.
 */
export function createLogger(level: string, destination: DestinationStream = pino.destination({ dest: 2, sync: false })): Logger {
  return pino(
    {
      level,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: {
        req: (request: LoggedRequest) => ({
          method: request.method,
          url: request.url?.split('?')[0],
          hostname: request.hostname,
          remoteAddress: request.ip,
        }),
      },
    },
    destination,
  );
}
