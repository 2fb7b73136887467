/**
 * Settings (admins): each connection's policy (which ticket categories need verification, link
 * lifetime, questions, score thresholds, auto-close, retention), its secrets (write-only: never
 * shown, only replaced), and the console's users and roles.
 */
import { type FormEvent, useState } from 'react';
import type { ConnectionPolicyBody, ConnectionSettings } from '../../../../shared/console-api/settings.js';
import type { ConsoleUserView, Me } from '../../../../shared/console-api/users.js';
import type { AssurancePolicy } from '../../../../shared/domain/model/assurance.js';
import { api, describeError } from '../api';
import { ErrorNote, Loading, PageTitle, useLoad } from '../ui';

type Role = Me['roles'][number];
const ROLES: { role: Role; label: string }[] = [
  { role: 'agent', label: 'Agent: sends and reads' },
  { role: 'auditor', label: 'Auditor: reads and exports' },
  { role: 'admin', label: 'Admin: everything, settings and users' },
];

export function SettingsPage({ me }: { me: Me }) {
  const settings = useLoad(api.settings, 'settings');
  const [selected, setSelected] = useState<string>();
  const connections = settings.data?.connections ?? [];
  const current = connections.find((c) => c.connectionId === selected) ?? connections[0];
  return (
    <>
      <PageTitle>Settings</PageTitle>
      {settings.error ? <ErrorNote>{settings.error}</ErrorNote> : null}
      {!settings.data && !settings.error ? <Loading what="settings" /> : null}
      {current ? (
        <>
          <div className="connection-pick">
            <label htmlFor="connection">Connection</label>
            <select
              id="connection"
              value={current.connectionId}
              onChange={(e) => setSelected(e.target.value)}
            >
              {connections.map((c) => (
                <option key={c.connectionId} value={c.connectionId}>
                  {c.name} ({c.connectionId})
                </option>
              ))}
            </select>
          </div>
          <PolicyForm key={current.connectionId} connection={current} onSaved={settings.reload} />
          <SecretsForm key={`s-${current.connectionId}`} connection={current} />
        </>
      ) : null}
      <Users me={me} />
    </>
  );
}

const TIERS = [
  ['standard', 'Standard'],
  ['high_profile', 'High-profile'],
  ['privileged', 'Privileged'],
] as const;
const ACTIONS = [
  ['password_reset', 'Password reset'],
  ['mfa_reset', 'MFA reset'],
  ['account_unlock', 'Account unlock'],
  ['other', 'Any other request'],
] as const;
const names = (s: string) =>
  s
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);

/** The assurance policy as the form holds it: the tiers' groups and, per tier and action, the proofs. */
function assuranceFrom(f: FormData): AssurancePolicy {
  const requirements = Object.fromEntries(
    TIERS.map(([tier]) => [
      tier,
      Object.fromEntries(
        ACTIONS.map(([action]) => [
          action,
          {
            strongProofs: Number(f.get(`a-${tier}-${action}`) ?? 0),
            selfService: f.get(`a-${tier}-${action}-self`) === 'on',
          },
        ]),
      ),
    ]),
  ) as AssurancePolicy['requirements'];
  return {
    privilegedGroups: names(String(f.get('privilegedGroups') ?? '')),
    highProfileGroups: names(String(f.get('highProfileGroups') ?? '')),
    requirements,
  };
}

/**
 * Who needs a strong proof (a push approved on the enrolled authenticator, or the manager's
 * approval) on top of the answers. Privileged people and MFA resets always need one (the server
 * refuses less), and privileged people never act themselves on the portal.
 */
function AssuranceFields({ a }: { a: AssurancePolicy }) {
  return (
    <fieldset className="choices assurance">
      <legend>Assurance: strong proofs on top of the answers</legend>
      <label htmlFor="p-privileged-groups">Privileged groups (beyond the directory's admin roles)</label>
      <input id="p-privileged-groups" name="privilegedGroups" defaultValue={a.privilegedGroups.join(', ')} />
      <label htmlFor="p-high-profile-groups">
        High-profile groups (executives, finance, their assistants)
      </label>
      <input
        id="p-high-profile-groups"
        name="highProfileGroups"
        defaultValue={a.highProfileGroups.join(', ')}
      />
      <div className="table-scroll">
        <table className="data compact assurance-table">
          <caption className="small muted">
            Strong proofs needed, and whether the verified person may do it themselves
          </caption>
          <thead>
            <tr>
              <th scope="col">Tier</th>
              {ACTIONS.map(([action, label]) => (
                <th scope="col" key={action}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {TIERS.map(([tier, tierLabel]) => (
              <tr key={tier}>
                <th scope="row">{tierLabel}</th>
                {ACTIONS.map(([action, label]) => {
                  const r = a.requirements[tier][action];
                  return (
                    <td key={action}>
                      <select
                        name={`a-${tier}-${action}`}
                        defaultValue={String(r.strongProofs)}
                        aria-label={`${tierLabel}, ${label}: strong proofs`}
                      >
                        <option value="0">None</option>
                        <option value="1">1</option>
                        <option value="2">2</option>
                      </select>
                      {action === 'other' || tier === 'privileged' ? null : (
                        <label className="choice small">
                          <input
                            type="checkbox"
                            name={`a-${tier}-${action}-self`}
                            defaultChecked={r.selfService}
                            aria-label={`${tierLabel}, ${label}: self-service`}
                          />
                          Self-service
                        </label>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}

const minutes = (seconds: number) => String(Math.round(seconds / 60));

/** The outcome of the last save on a form: a status when it worked, an alert when it did not. */
type Status = { ok: boolean; text: string };

function StatusNote({ status }: { status?: Status }) {
  if (!status) return null;
  return (
    <p className={`note ${status.ok ? 'ok' : 'error'}`} role={status.ok ? 'status' : 'alert'}>
      {status.text}
    </p>
  );
}

/** One labelled, required number input of the policy form. */
function NumberField(props: {
  id: string;
  name: string;
  label: string;
  min: number;
  max: number;
  step?: number;
  value: number | string;
}) {
  return (
    <div>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type="number"
        min={props.min}
        max={props.max}
        step={props.step}
        defaultValue={props.value}
        required
      />
    </div>
  );
}

function PolicyForm({ connection: c, onSaved }: { connection: ConnectionSettings; onSaved: () => void }) {
  const [status, setStatus] = useState<Status>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const num = (k: string) => Number(text(k));
    const next: Required<ConnectionPolicyBody> = {
      name: text('name'),
      gatedCategories: text('gatedCategories')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      linkLifetimeSeconds: num('linkLifetime') * 60,
      actionWindowSeconds: num('actionWindow') * 60,
      managerApprovalSeconds: num('managerApproval') * 60,
      minAnswered: num('minAnswered'),
      autoClose: f.get('autoClose') === 'on',
      closeCode: text('closeCode'),
      mediumFrom: num('mediumFrom'),
      highFrom: num('highFrom'),
      minKnowledgeSms: num('minKnowledgeSms'),
      minKnowledgeEmail: num('minKnowledgeEmail'),
      retentionDays: num('retentionDays'),
      agentView: f.get('agentView') === 'outcome_only' ? 'outcome_only' : 'full',
      assurance: assuranceFrom(f),
    };
    // Only what changed: the server records each change in the audit log.
    const changed = Object.fromEntries(
      Object.entries(next).filter(
        ([k, v]) => JSON.stringify(v) !== JSON.stringify(c[k as keyof ConnectionSettings]),
      ),
    ) as ConnectionPolicyBody;
    if (Object.keys(changed).length === 0) return setStatus({ ok: true, text: 'Nothing changed.' });
    setBusy(true);
    setStatus(undefined);
    try {
      await api.saveConnection(c.connectionId, changed);
      setStatus({ ok: true, text: 'Saved.' });
      onSaved();
    } catch (error) {
      setStatus({ ok: false, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="policy-h">
      <h2 id="policy-h">Policy of {c.name}</h2>
      <p className="small muted">
        {c.type} · {c.baseUrl}
      </p>
      <form onSubmit={submit} className="settings-form">
        <label htmlFor="p-name">Name</label>
        <input id="p-name" name="name" defaultValue={c.name} required maxLength={200} />
        <label htmlFor="p-gated">Ticket categories that need verification</label>
        <input
          id="p-gated"
          name="gatedCategories"
          defaultValue={c.gatedCategories.join(', ')}
          aria-describedby="p-gated-hint"
          required
        />
        <p id="p-gated-hint" className="small muted">
          The ticket system's category values, separated by commas.
        </p>
        <div className="row">
          <NumberField
            id="p-lifetime"
            name="linkLifetime"
            label="Link lifetime (minutes)"
            min={1}
            max={1440}
            value={minutes(c.linkLifetimeSeconds)}
          />
          <NumberField
            id="p-window"
            name="actionWindow"
            label="Time to complete the action (minutes)"
            min={1}
            max={1440}
            value={minutes(c.actionWindowSeconds)}
          />
          <NumberField
            id="p-manager"
            name="managerApproval"
            label="Time for the manager to approve (minutes)"
            min={1}
            max={1440}
            value={minutes(c.managerApprovalSeconds)}
          />
          <NumberField
            id="p-min"
            name="minAnswered"
            label="Minimum questions answered"
            min={1}
            max={10}
            value={c.minAnswered}
          />
        </div>
        <div className="row">
          <NumberField
            id="p-medium"
            name="mediumFrom"
            label="Medium risk from score"
            min={0.5}
            max={10}
            step={0.1}
            value={c.mediumFrom}
          />
          <NumberField
            id="p-high"
            name="highFrom"
            label="High risk from score"
            min={0.5}
            max={10}
            step={0.1}
            value={c.highFrom}
          />
          <NumberField
            id="p-knowledge-sms"
            name="minKnowledgeSms"
            label="Private knowledge to pass, SMS link"
            min={0}
            max={10}
            step={0.05}
            value={c.minKnowledgeSms}
          />
          <NumberField
            id="p-knowledge-email"
            name="minKnowledgeEmail"
            label="Private knowledge to pass, email link"
            min={0}
            max={10}
            step={0.05}
            value={c.minKnowledgeEmail}
          />
          <NumberField
            id="p-retention"
            name="retentionDays"
            label="Keep records for (days)"
            min={1}
            max={3650}
            value={c.retentionDays}
          />
        </div>
        <label className="choice">
          <input type="checkbox" name="autoClose" defaultChecked={c.autoClose} />
          Resolve the ticket automatically after a completed self-service action
        </label>
        <fieldset className="choices">
          <legend>What agents see of a result</legend>
          <label className="choice">
            <input
              type="radio"
              name="agentView"
              value="full"
              defaultChecked={c.agentView !== 'outcome_only'}
            />
            The full analysis: score, level, reasons and device details
          </label>
          <label className="choice">
            <input
              type="radio"
              name="agentView"
              value="outcome_only"
              defaultChecked={c.agentView === 'outcome_only'}
            />
            Only the outcome and the recommendation (auditors and admins still see everything)
          </label>
        </fieldset>
        <AssuranceFields a={c.assurance} />
        <label htmlFor="p-close">Close code</label>
        <input id="p-close" name="closeCode" defaultValue={c.closeCode} required maxLength={200} />
        <StatusNote status={status} />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save policy'}
          </button>
        </div>
      </form>
    </section>
  );
}

function SecretsForm({ connection: c }: { connection: ConnectionSettings }) {
  const [status, setStatus] = useState<Status>();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const webhook = String(f.get('webhook') ?? '').trim();
    const previous = String(f.get('previous') ?? '').trim();
    const outbound = String(f.get('outbound') ?? '').trim();
    if (!webhook && !outbound) return setStatus({ ok: false, text: 'Enter a new value to replace.' });
    if (previous && !webhook)
      return setStatus({ ok: false, text: 'A previous webhook secret is kept only beside a new one.' });
    try {
      const res = await api.saveSecrets(c.connectionId, {
        ...(webhook ? { webhook: previous ? [webhook, previous] : [webhook] } : {}),
        ...(outbound ? { outbound } : {}),
      });
      form.reset();
      setStatus({ ok: true, text: `Replaced: ${res.updated.join(', ')}.` });
    } catch (error) {
      setStatus({ ok: false, text: describeError(error) });
    }
  };
  return (
    <section className="panel" aria-labelledby="secrets-h">
      <h2 id="secrets-h">Secrets of {c.name}</h2>
      <p className="small muted">
        Write-only: current values are never shown. Leave a field empty to keep it.
      </p>
      <form onSubmit={submit} className="settings-form" autoComplete="off">
        <label htmlFor="s-webhook">New webhook secret (at least 16 characters)</label>
        <input id="s-webhook" name="webhook" type="password" minLength={16} autoComplete="new-password" />
        <label htmlFor="s-previous">Previous webhook secret, still accepted (optional)</label>
        <input
          id="s-previous"
          name="previous"
          type="password"
          minLength={16}
          autoComplete="off"
          aria-describedby="s-previous-hint"
        />
        <p id="s-previous-hint" className="small muted">
          To rotate without losing webhooks: enter the new secret and the one the ticket system uses now,
          change the ticket system to the new one, then save the new secret alone.
        </p>
        <label htmlFor="s-outbound">New ticket-system credentials (user:password)</label>
        <input id="s-outbound" name="outbound" type="password" autoComplete="new-password" />
        <StatusNote status={status} />
        <div className="buttons">
          <button type="submit">Replace secrets</button>
        </div>
      </form>
    </section>
  );
}

function Users({ me }: { me: Me }) {
  const users = useLoad(api.users, 'users');
  const [status, setStatus] = useState<Status>();
  const [created, setCreated] = useState<{ username: string; password?: string }>();

  const run = async (what: () => Promise<unknown>, done: string) => {
    setStatus(undefined);
    try {
      await what();
      setStatus({ ok: true, text: done });
      users.reload();
    } catch (error) {
      setStatus({ ok: false, text: describeError(error) });
    }
  };

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setCreated(undefined);
    await run(async () => {
      const res = await api.createUser({
        username: String(f.get('username')).trim(),
        email: String(f.get('email')).trim(),
        roles: [String(f.get('role')) as Role],
      });
      setCreated({ username: res.user.username, password: res.temporaryPassword });
      form.reset();
    }, 'User added.');
  };

  return (
    <section className="panel" aria-labelledby="users-h">
      <h2 id="users-h">Users and roles</h2>
      {users.error ? <ErrorNote>{users.error}</ErrorNote> : null}
      {users.data ? (
        <table className="data responsive">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((u) => (
              <UserRow key={u.username} user={u} self={u.username === me.username} run={run} />
            ))}
          </tbody>
        </table>
      ) : null}
      <StatusNote status={status} />
      {created?.password ? (
        <p className="note warn" role="status">
          Temporary password for {created.username}: <strong className="mono">{created.password}</strong>. It
          is shown once; pass it on privately.
        </p>
      ) : null}
      <h3>Add a user</h3>
      <form onSubmit={create} className="row" autoComplete="off">
        <div>
          <label htmlFor="u-name">Username</label>
          <input
            id="u-name"
            name="username"
            required
            pattern="[a-z0-9][a-z0-9._\-]{1,63}"
            autoCapitalize="none"
          />
        </div>
        <div>
          <label htmlFor="u-email">Email</label>
          <input id="u-email" name="email" type="email" required />
        </div>
        <div>
          <label htmlFor="u-role">Role</label>
          <select id="u-role" name="role" defaultValue="agent">
            {ROLES.map((r) => (
              <option key={r.role} value={r.role}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="buttons">
          <button type="submit">Add user</button>
        </div>
      </form>
    </section>
  );
}

function UserRow(props: {
  user: ConsoleUserView;
  self: boolean;
  run: (what: () => Promise<unknown>, done: string) => Promise<void>;
}) {
  const { user: u, self, run } = props;
  const [role, setRole] = useState<Role>(u.roles[0] ?? 'agent');
  return (
    <tr>
      <td data-label="User">
        <div>
          {u.username}
          {u.email ? <span className="sub">{u.email}</span> : null}
        </div>
      </td>
      <td data-label="Role">
        <label className="visually-hidden" htmlFor={`role-${u.username}`}>
          Role of {u.username}
        </label>
        <select
          id={`role-${u.username}`}
          value={role}
          disabled={self}
          onChange={(e) => setRole(e.target.value as Role)}
        >
          {ROLES.map((r) => (
            <option key={r.role} value={r.role}>
              {r.role}
            </option>
          ))}
        </select>
      </td>
      <td data-label="Status">
        {u.enabled ? 'Enabled' : 'Disabled'}
        {u.sessionsEndedAt ? (
          <span className="sub">Sessions ended {new Date(u.sessionsEndedAt).toLocaleString()}</span>
        ) : null}
      </td>
      <td data-label="Actions" className="actions-cell">
        {self ? (
          <span className="muted small">This is you</span>
        ) : (
          <div>
            <button
              type="button"
              disabled={role === u.roles[0] && u.roles.length === 1}
              onClick={() =>
                run(() => api.updateUser(u.username, { roles: [role] }), `${u.username} is now ${role}.`)
              }
            >
              Save role
            </button>
            <button
              type="button"
              onClick={() =>
                run(
                  () => api.updateUser(u.username, { enabled: !u.enabled }),
                  `${u.username} is ${u.enabled ? 'disabled' : 'enabled'}.`,
                )
              }
            >
              {u.enabled ? 'Disable' : 'Enable'}
            </button>
            <button
              type="button"
              disabled={!u.enabled}
              title="Signs the user out everywhere: every token issued until now is refused"
              onClick={() =>
                run(
                  () => api.updateUser(u.username, { endSessions: true }),
                  `${u.username} is signed out everywhere; they must sign in again.`,
                )
              }
            >
              End sessions
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
