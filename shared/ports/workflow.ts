import type { ActionState, LifecycleOutcome, OpenedOutput } from '../domain/model/verification.js';
export interface WorkflowInput {
  verificationId: string;
  linkLifetimeSeconds: number;
}

export interface Workflow {
  start(input: WorkflowInput): Promise<void>;
  sendTaskSuccess(
    token: string,
    output: OpenedOutput | LifecycleOutcome | { actionState: ActionState },
  ): Promise<void>;
}
