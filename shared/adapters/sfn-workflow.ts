/** Workflow over Step Functions: in AWS, and locally against the local Step Functions endpoint. */
import {
  ExecutionAlreadyExists,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { Workflow, WorkflowInput } from '../ports/workflow.js';

export class StepFunctionsWorkflow implements Workflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: WorkflowInput): Promise<void> {
    try {
      // The execution is named after the verification: starting it twice is a no-op.
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: input.verificationId,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }

  /**
   * Resumes a waiting task. A task that is no longer waiting (timed out, or resumed already by a
   * concurrent request) is not an error: the lifecycle reconciles from what the store holds.
   */
  async sendTaskSuccess(token: string, output: unknown): Promise<void> {
    try {
      await this.client.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }),
      );
    } catch (error) {
      if (!(error instanceof TaskDoesNotExist || error instanceof TaskTimedOut)) throw error;
    }
  }
}
