/** Console users in the Cognito user pool: groups are the roles (the JWT's `cognito:groups`). */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { NotFound, StateConflict } from '../domain/errors.js';
import type { Role } from '../domain/model/principal.js';
import type { ConsoleUserRecord, ConsoleUsers } from '../ports/console-users.js';

const ROLES: readonly Role[] = ['admin', 'agent', 'auditor'];
const email = (attributes: AttributeType[] | undefined) => attributes?.find((a) => a.Name === 'email')?.Value;

/** Where the time of a user's last global sign-out is kept (the table: Cognito has no such field). */
export interface SessionMarks {
  get(username: string): Promise<string | undefined>;
  put(username: string, at: Date): Promise<void>;
}

export class CognitoConsoleUsers implements ConsoleUsers {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
    private readonly marks?: SessionMarks,
  ) {}

  /**
   * AdminUserGlobalSignOut revokes the user's refresh tokens (no new ID tokens); the ID tokens
   * already issued stay valid at the API Gateway authorizer until they expire, so the time is
   * recorded and the console refuses tokens issued until then.
   */
  async endSessions(username: string, at: Date): Promise<void> {
    try {
      await this.cognito.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: username }),
      );
    } catch (error) {
      if (error instanceof UserNotFoundException)
        throw new NotFound('USER_NOT_FOUND', 'No such console user');
      throw error;
    }
    if (!this.marks) throw new Error('CognitoConsoleUsers needs session marks to end sessions');
    await this.marks.put(username, at);
  }

  private async roles(username: string): Promise<Role[]> {
    const roles: Role[] = [];
    let NextToken: string | undefined;
    do {
      const out = await this.cognito.send(
        new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: username, NextToken }),
      );
      for (const g of out.Groups ?? [])
        if ((ROLES as readonly string[]).includes(g.GroupName ?? '')) roles.push(g.GroupName as Role);
      NextToken = out.NextToken;
    } while (NextToken);
    return roles;
  }

  async list(): Promise<ConsoleUserRecord[]> {
    const users: ConsoleUserRecord[] = [];
    let PaginationToken: string | undefined;
    do {
      const out = await this.cognito.send(
        new ListUsersCommand({ UserPoolId: this.userPoolId, PaginationToken, Limit: 60 }),
      );
      for (const u of out.Users ?? []) {
        const username = u.Username ?? '';
        users.push({
          username,
          email: email(u.Attributes),
          roles: await this.roles(username),
          enabled: u.Enabled ?? false,
          status: u.UserStatus ?? 'UNKNOWN',
          createdAt: u.UserCreateDate?.toISOString(),
        });
      }
      PaginationToken = out.PaginationToken;
    } while (PaginationToken);
    return users.sort((a, b) => a.username.localeCompare(b.username));
  }

  async get(username: string): Promise<ConsoleUserRecord | undefined> {
    try {
      const [u, sessionsEndedAt] = await Promise.all([
        this.cognito.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: username })),
        this.marks?.get(username),
      ]);
      return {
        ...(sessionsEndedAt ? { sessionsEndedAt } : {}),
        username: u.Username ?? username,
        email: email(u.UserAttributes),
        roles: await this.roles(username),
        enabled: u.Enabled ?? false,
        status: u.UserStatus ?? 'UNKNOWN',
        createdAt: u.UserCreateDate?.toISOString(),
      };
    } catch (error) {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    }
  }

  async create(input: { username: string; email: string; roles: Role[] }) {
    try {
      // Cognito emails the invitation with a temporary password; it is never seen here.
      await this.cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: input.username,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: input.email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof UsernameExistsException)
        throw new StateConflict('USER_EXISTS', 'That username is taken');
      throw error;
    }
    for (const role of new Set(input.roles))
      await this.cognito.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: this.userPoolId,
          Username: input.username,
          GroupName: role,
        }),
      );
    const user = await this.get(input.username);
    if (!user) throw new Error('The user vanished after being created');
    return { user };
  }

  async update(username: string, patch: { roles?: Role[]; enabled?: boolean }) {
    const current = await this.get(username);
    if (!current) throw new NotFound('USER_NOT_FOUND', 'No such console user');
    const base = { UserPoolId: this.userPoolId, Username: username };
    if (patch.roles) {
      const wanted = new Set(patch.roles);
      for (const role of ROLES) {
        if (wanted.has(role) && !current.roles.includes(role))
          await this.cognito.send(new AdminAddUserToGroupCommand({ ...base, GroupName: role }));
        if (!wanted.has(role) && current.roles.includes(role))
          await this.cognito.send(new AdminRemoveUserFromGroupCommand({ ...base, GroupName: role }));
      }
    }
    if (patch.enabled === true && !current.enabled) await this.cognito.send(new AdminEnableUserCommand(base));
    if (patch.enabled === false && current.enabled)
      await this.cognito.send(new AdminDisableUserCommand(base));
    const user = await this.get(username);
    if (!user) throw new NotFound('USER_NOT_FOUND', 'No such console user');
    return user;
  }
}
