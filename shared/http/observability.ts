/**
 * Tracing and metrics for every function, beside the one logger (../logger.ts).
 *
 * Tracer: X-Ray subsegments for the handler and every AWS SDK client (composition.ts wraps them).
 * Powertools turns itself off outside Lambda (no AWS_EXECUTION_ENV: `npm start`, tests) and with
 * POWERTOOLS_TRACE_ENABLED=false, so nothing tries to reach an X-Ray daemon there. Responses are
 * never recorded in traces (they carry link and session tokens).
 *
 * Metrics: CloudWatch EMF lines on stdout, flushed after each invocation by the `logMetrics`
 * middleware, namespace from POWERTOOLS_METRICS_NAMESPACE. Like the Tracer they are off outside
 * Lambda unless POWERTOOLS_METRICS_DISABLED says otherwise. Recorded at the edge from route
 * results and task inputs, never inside a use case.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { isFinal, type Verification } from '../domain/model/verification.js';
import { RECOMMENDATIONS, verdictOf } from '../domain/verdict.js';
import { logger } from '../logger.js';
import type { FunctionName } from '../manifest.js';

const SERVICE = 'helpdesk-verify';

export const tracer = new Tracer({ serviceName: SERVICE });

// Outside Lambda nothing is emitted, unless POWERTOOLS_METRICS_DISABLED is set either way
// (Metrics reads it when constructed).
if (process.env.POWERTOOLS_METRICS_DISABLED === undefined && !process.env.AWS_EXECUTION_ENV)
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export const metrics = new Metrics({
  serviceName: SERVICE,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'HelpdeskVerify',
  // Most requests record no metric: that notice is for debugging, not a warning on every call.
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    warn: (...args: unknown[]) =>
      String(args[0]).startsWith('No application metrics')
        ? logger.debug(String(args[0]))
        : logger.warn(String(args[0])),
    error: (...args: unknown[]) => logger.error(String(args[0])),
  },
});

/** A request the edge answered below 500 with a domain error code (or an edge refusal). */
export function countRefusal(code: string): void {
  metrics.addDimension('code', code);
  metrics.addMetric('Refusals', MetricUnit.Count, 1);
}

/** Final statuses of a verification, from the portal's complete and not-me answers. */
const OUTCOME_ROUTES: readonly FunctionName[] = ['portal-complete', 'portal-not-me'];

/** Metrics from what a route answered: outcomes by status. */
export function countRouteResult(functionName: FunctionName, status: number, body: unknown): void {
  if (status >= 300 || !OUTCOME_ROUTES.includes(functionName)) return;
  const outcome = (body as { outcome?: unknown } | undefined)?.outcome;
  if (typeof outcome !== 'string') return;
  metrics.addDimension('status', outcome);
  metrics.addMetric('Outcomes', MetricUnit.Count, 1);
}

/** Lifecycle record events, by the task input's `event`: the ones that are metrics of their own. */
const RECORD_METRICS: Record<string, { name: string; status?: string }> = {
  write_back_failed: { name: 'WriteBackFailures' },
  delivery_failed: { name: 'DeliveryFailures' },
  timed_out: { name: 'Outcomes', status: 'timed_out' },
};

/** Metrics from a state-machine task's input (the task ran to its end). */
export function countTaskInput(task: string, input: unknown): void {
  if (task !== 'RecordEvent') return;
  const event = (input as { event?: unknown } | undefined)?.event;
  const metric = typeof event === 'string' ? RECORD_METRICS[event] : undefined;
  if (!metric) return;
  if (metric.status) metrics.addDimension('status', metric.status);
  metrics.addMetric(metric.name, MetricUnit.Count, 1);
}

/**
 * The Powertools middlewares every function starts with, outermost first: the Lambda context on
 * every log line (cold start, request id, function name) with per-request keys cleared after
 * each invocation, the handler's trace segment (never its response: it carries tokens), and the
 * metrics flushed as EMF with the cold-start metric.
 */
export function powertools() {
  return [
    injectLambdaContext(logger, { resetKeys: true }),
    captureLambdaHandler(tracer, { captureResponse: false }),
    logMetrics(metrics, { captureColdStartMetric: true }),
  ];
}

/**
 * A verification that has just become final with the step-up recommendation (not verified,
 * medium risk: call back or get approval), from the table stream's new image.
 */
export function countStepUp(before: Verification | undefined, after: Verification): void {
  if (!isFinal(after.status) || (before && isFinal(before.status))) return;
  if (verdictOf(after.status, after.assessment).recommendation !== RECOMMENDATIONS.medium) return;
  metrics.addMetric('StepUps', MetricUnit.Count, 1);
}
