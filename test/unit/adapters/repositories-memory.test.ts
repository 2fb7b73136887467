/** The repositories contract against the in-memory adapters the use-case tests run on: they cannot drift from DynamoDB. */
import { memoryRepositories } from '../../../shared/adapters/memory/repositories.js';
import { describeRepositoriesContract } from '../../contract/repositories.js';

describeRepositoriesContract('In-memory', ({ now }) => memoryRepositories({ now }));
