import { normalise } from './normalise.js';

/**
 * English given names and their usual short forms, one group per formal name. A name may sit in
 * several groups (Ted: Edward and Theodore); two names are equivalent only when one group holds
 * both, so Edward and Theodore are not.
 */
export const NICKNAME_GROUPS: readonly (readonly string[])[] = [
  ['william', 'will', 'bill', 'billy', 'willy', 'liam'],
  ['robert', 'rob', 'bob', 'bobby', 'robbie', 'bert'],
  ['margaret', 'peggy', 'maggie', 'meg', 'marge', 'margie', 'madge'],
  ['elizabeth', 'liz', 'lizzie', 'beth', 'betty', 'betsy', 'eliza', 'libby', 'bess'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['michael', 'mike', 'mikey', 'mick', 'mickey'],
  ['katherine', 'catherine', 'kathryn', 'kate', 'katie', 'kathy', 'cathy', 'kat', 'kit'],
  ['thomas', 'tom', 'tommy'],
  ['richard', 'dick', 'rick', 'ricky', 'rich', 'richie'],
  ['charles', 'chuck', 'charlie', 'chas'],
  ['edward', 'ed', 'eddie', 'ted', 'teddy', 'ned'],
  ['theodore', 'theo', 'ted', 'teddy'],
  ['john', 'jack', 'johnny', 'jon'],
  ['jonathan', 'jon', 'jonny'],
  ['alexander', 'alex', 'sasha', 'sandy', 'xander'],
  ['alexandra', 'alex', 'sasha', 'lexi', 'sandy'],
  ['anthony', 'tony'],
  ['joseph', 'joe', 'joey'],
  ['josephine', 'jo', 'josie'],
  ['daniel', 'dan', 'danny'],
  ['david', 'dave', 'davey'],
  ['christopher', 'chris', 'kit', 'topher'],
  ['christine', 'chris', 'chrissy', 'tina'],
  ['christina', 'chris', 'tina'],
  ['matthew', 'matt'],
  ['andrew', 'andy', 'drew'],
  ['stephen', 'steven', 'steve'],
  ['benjamin', 'ben', 'benny'],
  ['samuel', 'sam', 'sammy'],
  ['samantha', 'sam', 'sammy'],
  ['patrick', 'pat', 'paddy'],
  ['patricia', 'pat', 'patty', 'tricia', 'trish'],
  ['jennifer', 'jen', 'jenny'],
  ['rebecca', 'becky', 'becca'],
  ['susan', 'sue', 'susie', 'suzy'],
  ['deborah', 'debra', 'deb', 'debbie'],
  ['victoria', 'vicky', 'tori'],
  ['nicholas', 'nick', 'nicky'],
  ['timothy', 'tim', 'timmy'],
  ['kenneth', 'ken', 'kenny'],
  ['joshua', 'josh'],
  ['gregory', 'greg'],
  ['lawrence', 'laurence', 'larry'],
  ['francis', 'frank', 'frankie'],
  ['frances', 'fran', 'frankie', 'franny'],
  ['henry', 'harry', 'hank'],
  ['jacob', 'jake'],
  ['zachary', 'zach', 'zack'],
  ['frederick', 'fred', 'freddie', 'freddy'],
  ['alfred', 'alf', 'alfie', 'fred'],
  ['donald', 'don', 'donny'],
  ['ronald', 'ron', 'ronnie'],
  ['peter', 'pete'],
  ['philip', 'phillip', 'phil'],
  ['albert', 'al', 'bert', 'bertie'],
  ['alan', 'allan', 'allen', 'al'],
  ['dorothy', 'dot', 'dottie', 'dolly'],
  ['abigail', 'abby', 'abbie', 'gail'],
  ['mary', 'molly', 'polly', 'mae'],
  ['sarah', 'sara', 'sally', 'sadie'],
  ['jessica', 'jess', 'jessie'],
  ['isabel', 'isabella', 'izzy', 'bella'],
];

/** Each name of `NICKNAME_GROUPS` and every other name it shares a group with. */
export const NICKNAMES: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const byName = new Map<string, Set<string>>();
  for (const group of NICKNAME_GROUPS) {
    for (const name of group) {
      const equivalents = byName.get(name) ?? new Set<string>();
      for (const other of group) if (other !== name) equivalents.add(other);
      byName.set(name, equivalents);
    }
  }
  return byName;
})();

/** Every name that shares a nickname group with `name` (normalised, sorted), itself excluded. */
export function nicknamesOf(name: string): string[] {
  return [...(NICKNAMES.get(normalise(name)) ?? [])].sort();
}

/** Symmetric: whether `a` and `b` are different forms of one given name (Bill / William, Peggy / Margaret). */
export function areNicknames(a: string, b: string): boolean {
  const x = normalise(a);
  const y = normalise(b);
  return x !== y && (NICKNAMES.get(x)?.has(y) ?? false);
}
