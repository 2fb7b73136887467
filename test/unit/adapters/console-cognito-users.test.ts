import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { CognitoConsoleUsers } from '../../../shared/adapters/cognito-users.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const POOL = 'eu-west-1_abc123';
const created = new Date('2026-01-02T03:04:05Z');

describe('CognitoConsoleUsers', () => {
  const users = new CognitoConsoleUsers(new CognitoIdentityProviderClient({ region: 'eu-west-1' }), POOL);

  beforeEach(() => {
    cognito.reset();
    cognito.on(AdminGetUserCommand, { Username: 'alice' }).resolves({
      Username: 'alice',
      Enabled: true,
      UserStatus: 'CONFIRMED',
      UserCreateDate: created,
      UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }],
    });
    cognito
      .on(AdminListGroupsForUserCommand, { Username: 'alice' })
      .resolves({ Groups: [{ GroupName: 'agent' }, { GroupName: 'not-a-role' }] });
  });

  it('lists users across pages, with their console roles only', async () => {
    // Prepare
    cognito
      .on(ListUsersCommand)
      .resolvesOnce({
        Users: [{ Username: 'alice', Enabled: true, UserStatus: 'CONFIRMED' }],
        PaginationToken: 'p2',
      })
      .resolvesOnce({ Users: [{ Username: 'bob', Enabled: false, UserStatus: 'FORCE_CHANGE_PASSWORD' }] });
    cognito
      .on(AdminListGroupsForUserCommand, { Username: 'bob' })
      .resolves({ Groups: [{ GroupName: 'auditor' }] });

    // Act
    const list = await users.list();

    // Assess
    expect(list).toEqual([
      expect.objectContaining({ username: 'alice', roles: ['agent'], enabled: true, status: 'CONFIRMED' }),
      expect.objectContaining({
        username: 'bob',
        roles: ['auditor'],
        enabled: false,
        status: 'FORCE_CHANGE_PASSWORD',
      }),
    ]);
    expect(cognito).toHaveReceivedCommandWith(ListUsersCommand, { UserPoolId: POOL, PaginationToken: 'p2' });
  });

  it('invites a user by email (Cognito sends the temporary password) and adds each role group', async () => {
    // Prepare
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminAddUserToGroupCommand).resolves({});

    // Act
    const result = await users.create({
      username: 'alice',
      email: 'alice@example.com',
      roles: ['agent', 'agent'],
    });

    // Assess
    expect(result).toEqual({
      user: {
        username: 'alice',
        email: 'alice@example.com',
        roles: ['agent'],
        enabled: true,
        status: 'CONFIRMED',
        createdAt: created.toISOString(),
      },
    });
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      UserPoolId: POOL,
      Username: 'alice',
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(cognito).toHaveReceivedCommandTimes(AdminAddUserToGroupCommand, 1);
    expect(cognito).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, {
      GroupName: 'agent',
      Username: 'alice',
    });
  });

  it('answers a taken username with 409 USER_EXISTS', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    await expect(
      users.create({ username: 'alice', email: 'a@example.com', roles: ['agent'] }),
    ).rejects.toMatchObject({
      code: 'USER_EXISTS',
      name: 'StateConflict',
    });
  });

  it('changes roles by difference and disables the user', async () => {
    // Prepare
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    cognito.on(AdminRemoveUserFromGroupCommand).resolves({});
    cognito.on(AdminDisableUserCommand).resolves({});

    // Act
    await users.update('alice', { roles: ['auditor'], enabled: false });

    // Assess
    expect(cognito).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, { GroupName: 'auditor' });
    expect(cognito).toHaveReceivedCommandWith(AdminRemoveUserFromGroupCommand, { GroupName: 'agent' });
    expect(cognito).toHaveReceivedCommandTimes(AdminRemoveUserFromGroupCommand, 1);
    expect(cognito).toHaveReceivedCommandWith(AdminDisableUserCommand, {
      UserPoolId: POOL,
      Username: 'alice',
    });
  });

  it('answers an unknown user with undefined, and 404 on update', async () => {
    cognito
      .on(AdminGetUserCommand, { Username: 'ghost' })
      .rejects(new UserNotFoundException({ message: 'no', $metadata: {} }));
    expect(await users.get('ghost')).toBeUndefined();
    await expect(users.update('ghost', { enabled: true })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});
