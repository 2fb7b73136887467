/**
 * The private questions the directory sample makes possible: a group the person is in and a
 * teammate, each among decoys taken from colleagues' records so that the true one does not stand out.
 */
import type { DirectoryUser } from '../model/person.js';
import type { ChoiceQuestion } from '../model/question.js';
import { choice, PRIVATE_OPTIONS, pick } from './catalogue.js';

/** The first word of a group name (`ENG-Platform` -> `ENG`): decoys of the same shape look alike. */
const groupShape = (group: string) => group.split(/[-_ ]/)[0]?.toLowerCase() ?? '';

/**
 * The group to ask about and its decoys. A group most of the person's department or office holds
 * (`FIN-All`, `All London`, `VPN-Users`) follows from public facts, so it is never asked; the
 * question asks about a more telling one, with decoys other people of the same department (then
 * office, then anyone) hold and the person does not, of the same shape first.
 */
export function groupQuestion(requester: DirectoryUser, others: DirectoryUser[]): ChoiceQuestion | undefined {
  const mine = requester.groups ?? [];
  const peers = others.filter((u) => (u.groups ?? []).length > 0);
  const everyone = [requester, ...peers];
  const sameDept = peers.filter((u) => u.department === requester.department);
  const sameOffice = peers.filter((u) => u.office === requester.office);
  // Broad: held by half the person's department or office (when the sample has five of them), by
  // 40% of everyone, or by exactly the members of one department or office (`EXEC-All`,
  // `All Warsaw`). Judged on the person's own department and office, so a small sample of some
  // other office cannot make a telling group look broad.
  const share = (group: string, people: DirectoryUser[]) =>
    people.filter((u) => u.groups?.includes(group)).length / people.length;
  const broad = (group: string) => {
    const holders = everyone.filter((u) => u.groups?.includes(group));
    const exactly = (key: 'department' | 'office') => {
      const value = holders[0]?.[key];
      return (
        holders.length >= 2 &&
        holders.every((u) => u[key] === value) &&
        everyone.filter((u) => u[key] === value).length === holders.length
      );
    };
    return (
      (sameDept.length >= 5 && share(group, sameDept) >= 0.5) ||
      (sameOffice.length >= 5 && share(group, sameOffice) >= 0.5) ||
      (everyone.length >= 6 && holders.length / everyone.length >= 0.4) ||
      exactly('department') ||
      exactly('office')
    );
  };
  const telling = mine.filter((g) => !broad(g));
  const decoyPool = (people: DirectoryUser[]) =>
    people.flatMap((u) => u.groups ?? []).filter((g) => !mine.includes(g) && !broad(g));
  const pools = [decoyPool(sameDept), decoyPool(sameOffice), decoyPool(peers)];
  const lookAlikes = (g: string) => pools.flat().filter((d) => groupShape(d) === groupShape(g)).length;
  // The telling group with the most look-alike decoys, so the true one does not stand out.
  const best = Math.max(0, ...telling.map(lookAlikes));
  const truth = pick(telling.filter((g) => lookAlikes(g) === best));
  if (!truth) return undefined;
  const sameShape = (pool: string[]) => pool.filter((d) => groupShape(d) === groupShape(truth));
  return choice(
    'group',
    'Which of these groups are you a member of?',
    truth,
    [...pools.map(sameShape), ...pools],
    mine,
    PRIVATE_OPTIONS,
  );
}

/**
 * "Which of these people is in your team?": one who shares the person's manager, among people of
 * the same department with another manager, those with the same title first (a caller who matched
 * titles on LinkedIn learns nothing), then the same office.
 */
export function teammateQuestion(
  requester: DirectoryUser,
  others: DirectoryUser[],
): ChoiceQuestion | undefined {
  if (!requester.managerId) return undefined;
  const teammates = others.filter((u) => u.managerId === requester.managerId && u.enabled);
  const truth = pick(teammates);
  if (!truth) return undefined;
  const outsiders = others.filter(
    (u) =>
      u.enabled &&
      u.managerId !== requester.managerId &&
      u.userId !== requester.managerId &&
      u.department === requester.department,
  );
  const names = (people: DirectoryUser[]) => people.map((u) => u.displayName);
  return choice(
    'teammate',
    'Which of these people works in your team (reports to the same person as you)?',
    truth.displayName,
    [
      names(outsiders.filter((u) => u.title === truth.title)),
      names(outsiders.filter((u) => u.office === requester.office)),
      names(outsiders),
    ],
    names(teammates),
    PRIVATE_OPTIONS,
  );
}
