import {
  ExecutionAlreadyExists,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFunctionsWorkflow } from '../../../shared/adapters/sfn-workflow.js';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:VerificationLifecycle';
const sfnMock = mockClient(SFNClient);

describe('StepFunctionsWorkflow', () => {
  const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'eu-west-1' }), STATE_MACHINE_ARN);

  beforeEach(() => {
    sfnMock.reset();
  });

  describe('start', () => {
    it('starts an execution named after the verification with the input as JSON', async () => {
      // Prepare
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
      const input = { verificationId: '01JD7Z8Q4V3M2K1N0P9R8S7T6U', linkLifetimeSeconds: 900 };

      // Act
      await workflow.start(input);

      // Assess
      expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
      expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
        stateMachineArn: STATE_MACHINE_ARN,
        name: '01JD7Z8Q4V3M2K1N0P9R8S7T6U',
      });
      const sent = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
      expect(JSON.parse(sent?.input ?? 'null')).toEqual(input);
    });

    it('treats an execution that already exists as started', async () => {
      // Prepare
      sfnMock
        .on(StartExecutionCommand)
        .rejects(new ExecutionAlreadyExists({ message: 'Execution already exists', $metadata: {} }));

      // Act / Assess
      await expect(
        workflow.start({ verificationId: '01JD7Z8Q4V3M2K1N0P9R8S7T6U', linkLifetimeSeconds: 900 }),
      ).resolves.toBeUndefined();
      expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    });

    it('propagates any other error', async () => {
      // Prepare
      const denied = Object.assign(new Error('not authorized to perform states:StartExecution'), {
        name: 'AccessDeniedException',
      });
      sfnMock.on(StartExecutionCommand).rejects(denied);

      // Act / Assess
      await expect(
        workflow.start({ verificationId: '01JD7Z8Q4V3M2K1N0P9R8S7T6U', linkLifetimeSeconds: 900 }),
      ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    });
  });

  describe('sendTaskSuccess', () => {
    it('sends the output as JSON with the task token', async () => {
      // Prepare
      sfnMock.on(SendTaskSuccessCommand).resolves({});
      const output = {
        status: 'passed' as const,
        awaitAction: true,
        actionWindowSeconds: 900,
        autoClose: true,
      };

      // Act
      await workflow.sendTaskSuccess('token-123', output);

      // Assess
      expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
        taskToken: 'token-123',
        output: JSON.stringify(output),
      });
    });

    it('propagates a failure', async () => {
      // Prepare
      sfnMock
        .on(SendTaskSuccessCommand)
        .rejects(Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }));

      // Act / Assess
      await expect(workflow.sendTaskSuccess('token-123', { actionState: 'done' })).rejects.toMatchObject({
        name: 'TaskTimedOut',
      });
    });
  });
});
