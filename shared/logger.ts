import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger. Never pass it answers, tokens, emails or phone numbers (mask them). */
export const logger = new Logger({ serviceName: 'helpdesk-verify' });
